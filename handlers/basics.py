"""Commands for everyone: /start, /help, /language, /cancel, /profile, /forget_me,
and the answers of last resort (free text, a stale button)."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart, ExceptionTypeFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ErrorEvent, InlineKeyboardMarkup, Message

from bot.clock import Clock
from bot.domain import questionnaire as q
from bot.domain.errors import DomainError
from bot.domain.identity import messenger_of
from bot.domain.models import User
from bot.i18n import Html, L10n, Translator
from bot.services import groups, people
from handlers import join, questionnaire, render, voice
from handlers import keyboards as kb
from handlers.callbacks import ContactCb, ForgetCb, LangCb, ProfileCb
from handlers.common import error_text, notify, refuse, send_long, set_user_commands, strings_for
from handlers.pair_texts import MESSENGERS
from handlers.states import Join, Questionnaire
from storage.erasure import Erased
from storage.unit import Unit

PRIVATE = F.chat.type == "private"


async def on_start(message: Message, state: FSMContext, uow: Unit, user: User, t: L10n, bot: Bot) -> None:
    await state.clear()
    curator = await uow.organisations.is_curator(user.id)
    parts = await uow.participants.participations(user.id)
    if curator or parts:
        await set_user_commands(bot, t, user.id, curator=curator, member=bool(parts))
    if curator:
        await message.answer(t("start.curator", name=user.name))
        return
    if not parts:
        await message.answer(t("start.stranger"))
        return
    lines = []
    for p in parts:
        programme = await uow.programmes.get(p.programme_id)
        title = programme.title if programme else "—"
        lines.append(
            t(
                "start.member_line",
                programme=title,
                role=Html(t(f"role.{p.role.value}")),
                status=Html(t(f"status.{p.status.value}")),
            )
        )
    await message.answer(t("start.member", name=user.name, body=Html("\n".join(lines))))


async def on_help(message: Message, state: FSMContext, uow: Unit, user: User, t: L10n, bot: Bot) -> None:
    if await uow.organisations.is_curator(user.id):
        await message.answer(t("help.curator"))
    else:
        own = await voice.menu(uow, t, user.id)
        await message.answer(t("help.member"), reply_markup=own[1] if own else None)
    await resume(message, state, user, t, bot)


async def resume(message: Message, state: FSMContext, user: User, t: L10n, bot: Bot) -> None:
    """In a dialogue: say which, how to go on and how to leave; then its question again."""
    current = await state.get_state()
    if current is None:
        return
    await message.answer(t("help.resume", dialogue=Html(t(f"dialogue.{current.split(':', 1)[0]}"))))
    if current == Questionnaire.step.state:
        await questionnaire.ask(bot, user.id, t, await state.get_data())
    elif current == Questionnaire.summary.state:
        await questionnaire.show_summary(bot, user.id, t, await state.get_data())
    else:
        await join.reprompt(message, current, t)


async def on_cancel(message: Message, state: FSMContext, t: L10n) -> None:
    had = await state.get_state() is not None
    await state.clear()
    await message.answer(t("cancel.done" if had else "cancel.nothing"))


async def on_language_cmd(message: Message, t: L10n) -> None:
    await message.answer(t("join.language"), reply_markup=kb.languages(t))


async def on_language(
    cb: CallbackQuery, callback_data: LangCb, uow: Unit, user: User, t: L10n, i18n: Translator, bot: Bot
) -> None:
    t = i18n.get(callback_data.code, t.formal)
    await uow.people.set_locale(user.id, t.locale)
    await cb.answer()
    member = bool(await uow.participants.participations(user.id))
    await set_user_commands(
        bot, t, user.id, curator=await uow.organisations.is_curator(user.id), member=member
    )
    await bot.send_message(user.id, t("lang.changed"))


async def on_profile(message: Message, state: FSMContext, uow: Unit, user: User, t: L10n, bot: Bot) -> None:
    parts = [p for p in await uow.participants.participations(user.id) if p.profile is not None]
    if not parts:
        current = await state.get_state()
        if current is not None and current.split(":", 1)[0] in (Join.__name__, Questionnaire.__name__):
            # the person is registering right now: the profile is on its way, not missing
            await message.answer(t("profile.in_progress"))
            await resume(message, state, user, t, bot)
            return
        await message.answer(t("profile.none"))
        return
    for p in parts:
        programme = await uow.programmes.get(p.programme_id)
        if programme is None:
            continue
        card = render.participant_card(t, p, programme)
        await send_long(bot, user.id, [card], kb.single(t("btn.edit"), ProfileCb(part=p.id).pack()))
    text, markup = contact_setting(t, user.share_contact, user.id)
    await message.answer(text, reply_markup=markup)
    if own := await voice.menu(uow, t, user.id):
        await message.answer(own[0], reply_markup=own[1])


def contact_setting(t: L10n, shares: bool, user_id: int) -> tuple[str, InlineKeyboardMarkup]:
    """Whether the pair sees the person's account, in the messenger they use."""
    where = MESSENGERS[messenger_of(user_id)]
    text = t("profile.contact_on" if shares else "profile.contact_off", messenger=where)
    button = t("profile.btn.contact_off" if shares else "profile.btn.contact_on", messenger=where)
    return text, kb.single(button, ContactCb(v=0 if shares else 1).pack())


async def on_contact(cb: CallbackQuery, callback_data: ContactCb, uow: Unit, user: User, t: L10n) -> None:
    await people.set_share_contact(uow, user.id, bool(callback_data.v))
    await cb.answer(t("profile.contact_saved"))
    if isinstance(cb.message, Message):
        text, markup = contact_setting(t, bool(callback_data.v), user.id)
        await cb.message.edit_text(text, reply_markup=markup)


async def on_profile_edit(
    cb: CallbackQuery,
    callback_data: ProfileCb,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    bot: Bot,
) -> None:
    p = await uow.participants.get(callback_data.part)
    if p is None or p.user_id != user.id or p.profile is None:
        return await refuse(cb, t, "error.stale")
    await cb.answer()
    data = {
        "flow": "edit",
        "participant": p.id,
        "role": p.role.value,
        "draft": q.from_profile(p.name, p.profile),
    }
    await state.set_state(Questionnaire.summary)
    await state.set_data(data)
    await questionnaire.show_summary(bot, user.id, t, data)


async def on_forget(message: Message, t: L10n) -> None:
    markup = kb.choices_row(
        [
            (t("forget.yes"), ForgetCb(answer="yes").pack()),
            (t("forget.no"), ForgetCb(answer="no").pack()),
        ]
    )
    await message.answer(t("forget.confirm"), reply_markup=markup)


async def on_forget_answer(
    cb: CallbackQuery,
    callback_data: ForgetCb,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    await cb.answer()
    if cb.message is not None:
        await bot.edit_message_reply_markup(chat_id=user.id, message_id=cb.message.message_id)
    if callback_data.answer != "yes":
        await bot.send_message(user.id, t("forget.kept"))
        return
    await state.clear()
    erased = await people.forget(uow, user.id, t("forget.placeholder"), clock.now())
    await tell_about_forgotten(uow, i18n, clock.now(), erased)
    await bot.send_message(user.id, t("forget.done"))


async def tell_about_forgotten(uow: Unit, i18n: Translator, now: datetime, erased: Erased) -> None:
    """The other side of each ended pair, neutrally; the curators of each programme, with no
    name or id (there is none left to give)."""
    titles = {}
    for pid in erased.programmes:
        programme = await uow.programmes.get(pid)
        titles[pid] = programme.title if programme is not None else ""
    for left in erased.pairs:
        ot = await strings_for(uow, i18n, left.other_user_id)
        key = "forget.partner_left" if left.was_active else "forget.proposal_withdrawn"
        await notify(uow, now, left.other_user_id, ot(key, programme=titles.get(left.programme_id, "")))
    for pid, title in titles.items():
        programme = await uow.programmes.get(pid)
        if programme is None:
            continue
        ended = sum(1 for p in erased.pairs if p.programme_id == pid)
        for curator in await uow.organisations.curators(programme.organisation_id):
            ct = i18n.get(curator.locale)
            await notify(uow, now, curator.id, ct("curator.forgotten", programme=title, pairs=ended))
    for v in await groups.mentor_left(uow, [p.pair_id for p in erased.pairs]):
        for curator in await uow.organisations.curators(v.programme.organisation_id):
            ct = i18n.get(curator.locale)
            text = ct(
                "groups.curator_mentor_left",
                n=v.group.number,
                programme=v.programme.title,
                count=len(v.pairs),
            )
            await notify(uow, now, curator.id, text)


async def on_free_text(message: Message, t: L10n) -> None:
    await message.answer(t("hint.free_text"))


async def on_stale_button(cb: CallbackQuery, t: L10n) -> None:
    await refuse(cb, t, "error.stale")


async def on_domain_error(event: ErrorEvent, t: L10n) -> bool:
    """A rule said no inside a handler: its transaction is rolled back, the person is told."""
    assert isinstance(event.exception, DomainError)
    if event.update.callback_query is not None:
        await refuse(event.update.callback_query, t, event.exception)
    elif event.update.message is not None:
        await event.update.message.answer(error_text(t, event.exception))
    return True


def router() -> Router:
    r = Router(name="basics")
    r.message.register(on_language_cmd, Command("language"), PRIVATE)
    r.message.register(on_profile, Command("profile"), PRIVATE)
    r.message.register(on_forget, Command("forget_me"), PRIVATE)
    r.callback_query.register(on_language, LangCb.filter())
    r.callback_query.register(on_profile_edit, ProfileCb.filter())
    r.callback_query.register(on_contact, ContactCb.filter())
    r.callback_query.register(on_forget_answer, ForgetCb.filter())
    return r


def commands_router() -> Router:
    """Registered first: /start, /help and /cancel work in every dialogue and every state,
    before any router that waits for a button or an answer can take them."""
    r = Router(name="commands")
    r.message.register(on_start, CommandStart(deep_link=False), PRIVATE)
    r.message.register(on_help, Command("help"), PRIVATE)
    r.message.register(on_cancel, Command("cancel"), PRIVATE)
    return r


def fallback_router() -> Router:
    """Registered last: whatever nothing else took gets a helpful answer, never silence."""
    r = Router(name="fallback")
    r.message.register(on_free_text, PRIVATE)
    r.callback_query.register(on_stale_button)
    r.errors.register(on_domain_error, ExceptionTypeFilter(DomainError))
    return r
