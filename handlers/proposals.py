"""A participant answers a proposed pair; in mentee-choice mode, asks a mentor."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.clock import Clock
from bot.domain.catalog import Role
from bot.domain.models import User
from bot.domain.pairs import Outcome, Pair
from bot.i18n import Html, L10n, Translator
from bot.services import pairs as service
from handlers import pair_texts as texts
from handlers.callbacks import ChooseCb, MeetCb, ProposalCb
from handlers.common import notify, strings_for, tell_curators
from handlers.kb import InlineKeyboardBuilder
from handlers.keyboards import single as kb_single
from handlers.pairs import propose
from handlers.states import DeclineReason
from storage.unit import Unit

REASON_MAX = 500


async def on_skip_reason(cb: CallbackQuery, state: FSMContext, user: User, t: L10n, bot: Bot) -> None:
    """«Пропустить» instead of a decline's reason."""
    await state.clear()
    await cb.answer()
    await bot.send_message(user.id, t("proposal.reason_skipped"))


async def on_answer(
    cb: CallbackQuery,
    callback_data: ProposalCb,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    """Accept ("y") or decline ("n") a proposed pair."""
    now = clock.now()
    answer = await service.respond(uow, user.id, callback_data.pair, callback_data.answer == "y", clock.now())
    await cb.answer()
    if cb.message is not None:
        choice = t("btn.accept" if callback_data.answer == "y" else "btn.decline")
        await bot.edit_message_reply_markup(chat_id=user.id, message_id=cb.message.message_id)
        await bot.send_message(user.id, t("proposal.you_chose", choice=choice))
    pair = answer.pair
    if answer.outcome is Outcome.ACTIVE:
        await _introduce(uow, now, i18n, pair)
        await _curators(uow, now, i18n, pair, "curator.pair_active")
    elif answer.outcome is Outcome.WAITING:
        await bot.send_message(user.id, t("proposal.waiting"))
    else:
        await state.set_state(DeclineReason.text)
        await state.set_data({"pair": pair.id})
        kb = InlineKeyboardBuilder()
        kb.button(text=t("btn.skip"), callback_data=ProposalCb(pair=pair.id, answer="skip"))
        await bot.send_message(user.id, t("proposal.ask_reason"), reply_markup=kb.as_markup())
        other = pair.other(answer.side)
        if pair.answer_of(other.role) is not None or answer.side is Role.MENTEE:
            await notify(
                uow,
                now,
                other.user_id,
                (await strings_for(uow, i18n, other.user_id))("proposal.other_declined"),
            )
        await _curators(uow, now, i18n, pair, "curator.pair_declined", who=answer.side)


async def _introduce(uow: Unit, now: datetime, i18n: Translator, pair: Pair) -> None:
    """Both said yes: each side gets the other's contact (as they allowed) and a button to
    propose the first meeting."""
    programme = await uow.programmes.get(pair.programme_id)
    names = (
        ", ".join(c.name for c in await uow.organisations.curators(programme.organisation_id))
        if programme
        else ""
    )
    for side in (Role.MENTOR, Role.MENTEE):
        person = pair.mentor if side is Role.MENTOR else pair.mentee
        other = pair.other(side)
        other_user = await uow.people.get(other.user_id)
        st = await strings_for(uow, i18n, person.user_id)
        text = texts.contact(
            st, other, other_user.share_contact if other_user else True, names, person.user_id
        )
        if pair.group_id is not None:  # a group: the meetings are the group's, set by the mentor
            text += "\n" + st(f"groups.contact_note_{side.value}")
        await notify(
            uow,
            now,
            person.user_id,
            text,
            kb_single(st("meet.btn.new"), MeetCb(action="new", id=pair.id).pack()),
            key=f"contact:{pair.id}:{side.value}",
        )


async def on_reason(
    message: Message,
    clock: Clock,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
) -> None:
    text = (message.text or "").strip()
    if not text:
        await message.answer(t("proposal.reason_text_only"))
        return
    if len(text) > REASON_MAX:
        await message.answer(t("proposal.reason_too_long", max=REASON_MAX))
        return
    data = await state.get_data()
    pair = await service.decline_reason(uow, user.id, int(data["pair"]), text)
    now = clock.now()
    await state.clear()
    await message.answer(t("proposal.reason_saved"))
    await _curators(uow, now, i18n, pair, "curator.decline_reason", reason=text)


async def on_choose(
    cb: CallbackQuery,
    callback_data: ChooseCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    pair = await service.ask_mentor(uow, user.id, callback_data.mentor, clock.now())
    await cb.answer()
    if cb.message is not None:
        await bot.edit_message_reply_markup(chat_id=user.id, message_id=cb.message.message_id)
    await bot.send_message(user.id, t("choice.asked", mentor=pair.mentor.name))
    await propose(uow, clock.now(), i18n, pair)


async def _curators(
    uow: Unit, now: datetime, i18n: Translator, pair: Pair, key: str, **extra: object
) -> None:
    programme = await uow.programmes.get(pair.programme_id)
    if programme is None:
        return
    curators = [
        (c.id, i18n.get(c.locale)) for c in await uow.organisations.curators(programme.organisation_id)
    ]
    params: dict[str, object] = {
        "mentee": pair.mentee.name,
        "mentor": pair.mentor.name,
        "programme": programme.title,
    }
    for k, v in extra.items():
        params[k] = v
    if "who" in params:
        role = params.pop("who")
        for chat_id, ct in curators:
            await notify(uow, now, chat_id, ct(key, who=Html(ct(f"role.{role}")), **params))
        return
    await tell_curators(uow, now, curators, key, **params)


def router() -> Router:
    r = Router(name="proposals")
    r.callback_query.register(on_skip_reason, ProposalCb.filter(F.answer == "skip"))
    r.callback_query.register(on_answer, ProposalCb.filter())  # "y" | "n"
    r.callback_query.register(on_choose, ChooseCb.filter())
    r.message.register(on_reason, DeclineReason.text, F.chat.type == "private", ~F.text.startswith("/"))
    return r
