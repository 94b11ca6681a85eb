"""Joining by an invite link: language → personal-data consent (age for minors) →
questionnaire → summary → sent to the curators."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.clock import Clock
from bot.domain import questionnaire as q
from bot.domain import register
from bot.domain.catalog import CONSENT_VERSION, Role
from bot.domain.errors import DomainError
from bot.domain.models import Invite, Organisation, Programme, User
from bot.i18n import Html, L10n, Translator
from bot.services import base as mentor_base
from bot.services import people
from handlers import keyboards as kb
from handlers import questionnaire
from handlers.callbacks import AgeCb, ConsentCb, LangCb, ProgCb, SummaryCb
from handlers.common import error_text, notify, refuse, set_user_commands
from handlers.states import Join, Questionnaire
from storage.unit import Unit


async def on_invite(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    try:
        invite, programme = await people.open_invite(uow, command.args or "")
    except DomainError:
        await message.answer(t("join.bad_link"))
        return
    await state.clear()
    if invite.role is Role.CURATOR:
        await _join_as_curator(message, uow, user, t, i18n, bot, clock, invite)
        return
    assert programme is not None
    existing = await uow.participants.find(programme.id, user.id)
    if existing is not None:
        await message.answer(
            t(
                "join.already",
                programme=programme.title,
                status=Html(t(f"status.{existing.status.value}")),
            )
        )
        return
    await state.set_state(Join.language)
    data = await _join_data(uow, invite, programme, user)
    await state.set_data(data)
    t = t.reader(register.formal_applicant(invite.role, data["forms"], None, None))
    await message.answer(
        t("join.welcome", programme=programme.title, role=Html(t(f"role.{invite.role.value}")))
    )
    if "draft" in data:
        await message.answer(t("base.prefilled"))
    await message.answer(t("join.language"), reply_markup=kb.languages(t))


async def _join_data(uow: Unit, invite: Invite, programme: Programme, user: User) -> dict[str, Any]:
    """The joining dialogue's data; a mentor known to the school's base gets the
    questionnaire pre-filled (confirmed or edited, not retyped)."""
    forms = [f.value for f in programme.forms]  # the register reads them (bot/domain/register.py)
    data: dict[str, Any] = {"flow": "join", "invite": invite.token, "role": invite.role.value, "forms": forms}
    known = await mentor_base.known_mentor(uow, programme.organisation_id, user.id)
    if invite.role is Role.MENTOR and known is not None and known.profile is not None:
        data["draft"] = q.from_profile(known.name, known.profile)
    return data


async def _join_as_curator(
    message: Message, uow: Unit, user: User, t: L10n, i18n: Translator, bot: Bot, clock: Clock, invite: Invite
) -> None:
    """A curator's link: the person curates the organisation; the other curators are told."""
    try:
        added = await people.join_as_curator(uow, invite, user, clock.now())
    except DomainError:
        await message.answer(t("join.bad_link"))
        return
    org = await uow.organisations.get(invite.organisation_id)
    await set_user_commands(bot, t, user.id, curator=True, member=True)
    await message.answer(t("curator.joined" if added else "curator.already", org=org.name if org else ""))
    if added and org is not None:
        await tell_curators_of_grant(uow, i18n, clock.now(), org, user, invite.created_by)


async def on_language(
    cb: CallbackQuery,
    callback_data: LangCb,
    state: FSMContext,
    uow: Unit,
    t: L10n,
    i18n: Translator,
    bot: Bot,
) -> None:
    t = i18n.get(callback_data.code, t.formal)
    await uow.people.set_locale(cb.from_user.id, t.locale)
    await cb.answer()
    if cb.message is not None:
        await bot.edit_message_reply_markup(chat_id=cb.from_user.id, message_id=cb.message.message_id)
    await state.set_state(Join.consent)
    await bot.send_message(
        cb.from_user.id, t("consent.text", version=CONSENT_VERSION), reply_markup=kb.consent(t)
    )


async def on_consent(
    cb: CallbackQuery, callback_data: ConsentCb, state: FSMContext, t: L10n, bot: Bot
) -> None:
    await cb.answer()
    if cb.message is not None:
        await bot.edit_message_reply_markup(chat_id=cb.from_user.id, message_id=cb.message.message_id)
    if callback_data.answer == "no":
        await state.clear()
        await bot.send_message(cb.from_user.id, t("consent.declined"))
    elif callback_data.answer == "minor":
        await state.set_state(Join.age)
        await bot.send_message(cb.from_user.id, t("consent.age"), reply_markup=kb.ages())
    else:
        await questionnaire.start(bot, cb.from_user.id, t, state, {**await state.get_data(), "age": None})


async def on_age(cb: CallbackQuery, callback_data: AgeCb, state: FSMContext, t: L10n, bot: Bot) -> None:
    try:
        age = q.check_minor_age(callback_data.age)
    except DomainError as err:
        return await refuse(cb, t, err)
    await cb.answer()
    if cb.message is not None:
        await bot.edit_message_reply_markup(chat_id=cb.from_user.id, message_id=cb.message.message_id)
    await bot.send_message(cb.from_user.id, t("consent.minor_note"))
    await questionnaire.start(bot, cb.from_user.id, t, state, {**await state.get_data(), "age": age})


async def on_buttons_expected(message: Message, state: FSMContext, t: L10n) -> None:
    await reprompt(message, await state.get_state(), t)


async def reprompt(message: Message, current: str | None, t: L10n) -> None:
    """The joining step's buttons again (after typing, or after /help); other states: nothing."""
    if current == Join.language.state:
        await message.answer(t("join.language"), reply_markup=kb.languages(t))
    elif current == Join.consent.state:
        await message.answer(t("hint.use_buttons"), reply_markup=kb.consent(t))
    elif current == Join.age.state:
        await message.answer(t("consent.age"), reply_markup=kb.ages())


async def on_send(
    cb: CallbackQuery,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    data: dict[str, Any] = await state.get_data()
    try:
        if data.get("flow") == "edit":
            await people.save_profile(uow, user.id, int(data["participant"]), data["draft"], clock.now())
            text = t("profile.saved")
        else:
            text = await _apply(uow, user, t, i18n, bot, clock, data)
    except DomainError as err:
        await state.clear()
        await cb.answer()
        await bot.send_message(cb.from_user.id, error_text(t, err))
        return
    await state.clear()
    await cb.answer()
    if cb.message is not None:
        await bot.edit_message_reply_markup(chat_id=cb.from_user.id, message_id=cb.message.message_id)
    await bot.send_message(cb.from_user.id, text)


async def _apply(
    uow: Unit, user: User, t: L10n, i18n: Translator, bot: Bot, clock: Clock, data: dict[str, Any]
) -> str:
    """The application goes to the programme's curators; returns what the person is told."""
    invite, _ = await people.open_invite(uow, str(data.get("invite")))
    participant, programme = await people.submit_application(
        uow, invite, user, data["draft"], data.get("age"), clock.now()
    )
    await _tell_curators(
        uow,
        clock.now(),
        i18n,
        programme.organisation_id,
        programme.id,
        participant.name,
        participant.role,
        programme.title,
    )
    await set_user_commands(bot, t, user.id, curator=await uow.organisations.is_curator(user.id), member=True)
    return t("join.sent_minor" if participant.is_minor else "join.sent")


async def _tell_curators(
    uow: Unit,
    now: datetime,
    i18n: Translator,
    org_id: int,
    programme_id: int,
    name: str,
    role: Role,
    title: str,
) -> None:
    for curator in await uow.organisations.curators(org_id):
        ct = i18n.get(curator.locale)
        text = ct("curator.new_application", name=name, role=Html(ct(f"role.{role.value}")), programme=title)
        button = kb.single(ct("btn.queue"), ProgCb(action="queue", pid=programme_id).pack())
        await notify(uow, now, curator.id, text, button)


async def tell_curators_of_grant(
    uow: Unit, i18n: Translator, now: datetime, org: Organisation, new: User, by: int | None
) -> None:
    """Someone became a curator (and sees every minor's data): the others know at once."""
    inviter = await uow.people.get(by) if by is not None else None
    for curator in await uow.organisations.curators(org.id):
        if curator.id == new.id:
            continue
        ct = i18n.get(curator.locale)
        handle = f" (@{new.username})" if new.username else ""
        who = inviter.name if inviter is not None else ct("curator.granted_by_cli")
        await notify(
            uow, now, curator.id, ct("curator.granted", org=org.name, name=new.name + handle, by=who)
        )


def router() -> Router:
    r = Router(name="join")
    r.message.register(on_invite, CommandStart(deep_link=True), F.chat.type == "private")
    r.callback_query.register(on_language, Join.language, LangCb.filter())
    r.callback_query.register(on_consent, Join.consent, ConsentCb.filter())
    r.callback_query.register(on_age, Join.age, AgeCb.filter())
    r.message.register(on_buttons_expected, Join.language, F.chat.type == "private")
    r.message.register(on_buttons_expected, Join.consent, F.chat.type == "private")
    r.message.register(on_buttons_expected, Join.age, F.chat.type == "private")
    r.callback_query.register(on_send, Questionnaire.summary, SummaryCb.filter(F.action == "send"))
    return r
