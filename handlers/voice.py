"""A participant's self-service (issue 16): «Написать куратору» (relayed to the curators,
answered through the bot, no contacts either way), «Другой наставник» (a reason, to the
curators with the pair's card and «Переназначить»), «Выйти из программы» (confirmed; the pair
ends, the data stays). Reached from /help and /profile, next to «Сообщить куратору»."""

from __future__ import annotations

from datetime import date

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.clock import Clock
from bot.domain import safety as notes
from bot.domain import voice as rules
from bot.domain.errors import DomainError
from bot.domain.models import User
from bot.domain.pairs import PairStatus
from bot.i18n import Html, L10n, Translator
from bot.services import groups
from bot.services import safety as safety_service
from bot.services import voice as service
from handlers import pair_texts
from handlers.callbacks import PairCb, SafetyCb, VoiceCb
from handlers.common import notify, strings_for
from handlers.kb import InlineKeyboardBuilder
from handlers.pairs import pair_card
from handlers.states import VoiceForm
from storage.unit import Unit

PRIVATE = F.chat.type == "private"
NOT_COMMAND = ~F.text.startswith("/")  # a command in the middle of a dialogue is not its answer


async def menu(uow: Unit, t: L10n, user_id: int) -> tuple[str, InlineKeyboardMarkup] | None:
    """The self-service buttons of the person's current participation (None: they have none)."""
    try:
        about = await safety_service.subject(uow, user_id)
    except DomainError:
        return None
    kb = InlineKeyboardBuilder()
    kb.button(text=t("safety.btn"), callback_data=SafetyCb(a="go", id=0))
    kb.button(text=t("voice.btn_write"), callback_data=VoiceCb(a="write", id=about.me.id))
    pair = about.pair
    other = pair is not None and pair.status is PairStatus.ACTIVE and pair.mentee.id == about.me.id
    if pair is not None and other:
        kb.button(text=t("voice.btn_other"), callback_data=VoiceCb(a="other", id=pair.id))
    if about.me.paused_until is not None:
        kb.button(text=t("voice.btn_resume"), callback_data=VoiceCb(a="resume", id=about.me.id))
    else:
        kb.button(text=t("voice.btn_pause"), callback_data=VoiceCb(a="pause", id=about.me.id))
    kb.button(text=t("voice.btn_leave"), callback_data=VoiceCb(a="leave", id=about.me.id))
    kb.adjust(1)
    # «another mentor» is named only where its button is: a mentee in a working pair
    text = t("voice.menu" if other else "voice.menu_no_other", programme=about.programme.title)
    if about.me.paused_until is not None:
        text += "\n" + t("voice.paused_note", date=_date(t, about.me.paused_until))
    return text, kb.as_markup()


def _date(t: L10n, day: date) -> str:
    return t.date(day)


def _names(t: L10n, curators: list[User]) -> str:
    return ", ".join(c.name for c in curators) or t("voice.curators")


# «Написать куратору» and the curator's answer


async def on_write(
    cb: CallbackQuery, callback_data: VoiceCb, state: FSMContext, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    me = await service.participation(uow, user.id, callback_data.id)
    await cb.answer()
    await state.set_state(VoiceForm.write)
    await state.set_data({"part": me.id})
    await bot.send_message(user.id, t("voice.ask_write", max=notes.NOTE_MAX))


async def on_written(
    message: Message, state: FSMContext, uow: Unit, user: User, t: L10n, i18n: Translator, clock: Clock
) -> None:
    part = int((await state.get_data()).get("part", 0))
    to, text = await service.write(uow, user.id, part, message.text)
    await state.clear()
    for curator in to.curators:
        ct = i18n.get(curator.locale)
        kb = InlineKeyboardBuilder()
        kb.button(text=ct("voice.btn_answer"), callback_data=VoiceCb(a="ans", id=to.me.id))
        body = ct(
            "voice.relayed", programme=to.programme.title, who=Html(pair_texts.who(ct, to.me)), text=text
        )
        await notify(uow, clock.now(), curator.id, body, kb.as_markup())
    await message.answer(t("voice.sent", curators=_names(t, to.curators)))


async def on_answer(
    cb: CallbackQuery, callback_data: VoiceCb, state: FSMContext, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    target = await service.answer_target(uow, user.id, callback_data.id)
    await cb.answer()
    await state.set_state(VoiceForm.answer)
    await state.set_data({"part": target.id})
    await bot.send_message(user.id, t("voice.ask_answer", name=target.name, max=notes.NOTE_MAX))


async def on_answered(
    message: Message, state: FSMContext, uow: Unit, user: User, t: L10n, i18n: Translator, clock: Clock
) -> None:
    target = await service.answer_target(uow, user.id, int((await state.get_data()).get("part", 0)))
    text = notes.clean_note(message.text, "voice")
    programme = await uow.programmes.get(target.programme_id)
    await state.clear()
    pt = await strings_for(uow, i18n, target.user_id)
    kb = InlineKeyboardBuilder()
    kb.button(text=pt("voice.btn_write"), callback_data=VoiceCb(a="write", id=target.id))
    body = pt("voice.answer", curator=user.name, programme=programme.title if programme else "", text=text)
    await notify(uow, clock.now(), target.user_id, body, kb.as_markup())
    await message.answer(t("voice.answered", name=target.name))


# «Другой наставник»


async def on_other(
    cb: CallbackQuery, callback_data: VoiceCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    pair = await uow.pairs.get(callback_data.id)
    if pair is None:
        return await _stale(cb, t)
    rules.check_can_ask_other_mentor(pair, user.id)
    await cb.answer()
    kb = InlineKeyboardBuilder()
    for reason in rules.MentorReason:
        kb.button(
            text=t(f"voice.reason.{reason.value}"), callback_data=VoiceCb(a="why", id=pair.id, k=reason.value)
        )
    kb.adjust(1)
    await bot.send_message(user.id, t("voice.ask_reason"), reply_markup=kb.as_markup())


async def on_why(
    cb: CallbackQuery,
    callback_data: VoiceCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    to = await service.ask_other_mentor(uow, user.id, callback_data.id, callback_data.k, clock.now())
    await cb.answer()
    assert to.pair is not None
    for curator in to.curators:
        ct = i18n.get(curator.locale)
        kb = InlineKeyboardBuilder()
        kb.button(text=ct("safety.btn_card"), callback_data=PairCb(action="card", pair=to.pair.id))
        kb.button(text=ct("pairs.btn.reassign"), callback_data=PairCb(action="reassign", pair=to.pair.id))
        kb.adjust(2)
        body = ct(
            "voice.other_request",
            who=Html(pair_texts.who(ct, to.me)),
            programme=to.programme.title,
            reason=Html(ct(f"voice.reason.{callback_data.k}")),
            card=Html(pair_card(ct, to.pair)),
        )
        await notify(uow, clock.now(), curator.id, body, kb.as_markup())
    if cb.message is not None:
        await bot.edit_message_reply_markup(chat_id=user.id, message_id=cb.message.message_id)
    await bot.send_message(user.id, t("voice.other_sent", curators=_names(t, to.curators)))


# «Пауза» and «Снять паузу»


async def on_pause(
    cb: CallbackQuery, callback_data: VoiceCb, state: FSMContext, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    me = await service.participation(uow, user.id, callback_data.id)
    await cb.answer()
    await state.set_state(VoiceForm.pause)
    await state.set_data({"part": me.id})
    kb = InlineKeyboardBuilder()
    for code in rules.PAUSE_DAYS:
        kb.button(text=t(f"voice.pause_{code}"), callback_data=VoiceCb(a="p", id=me.id, k=code))
    kb.adjust(3)
    await bot.send_message(user.id, t("voice.ask_pause"), reply_markup=kb.as_markup())


async def on_pause_chosen(
    cb: CallbackQuery,
    callback_data: VoiceCb,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    until = rules.pause_until(callback_data.k, clock.now().date())
    text = await _pause(uow, user, t, i18n, clock, callback_data.id, until)
    await cb.answer()
    await state.clear()
    if cb.message is not None:
        await bot.edit_message_reply_markup(chat_id=user.id, message_id=cb.message.message_id)
    await bot.send_message(user.id, text)


async def on_pause_typed(
    message: Message, state: FSMContext, uow: Unit, user: User, t: L10n, i18n: Translator, clock: Clock
) -> None:
    until = rules.parse_pause_date(message.text, clock.now().date())
    text = await _pause(uow, user, t, i18n, clock, int((await state.get_data()).get("part", 0)), until)
    await state.clear()
    await message.answer(text)


async def _pause(
    uow: Unit, user: User, t: L10n, i18n: Translator, clock: Clock, part: int, until: date
) -> str:
    """Start the pause; the other side of each working pair is told kindly, without a reason."""
    done = await service.set_pause(uow, user.id, part, until, clock.now())
    for other in done.others:
        ot = await strings_for(uow, i18n, other.user_id)
        await notify(
            uow,
            clock.now(),
            other.user_id,
            ot("voice.partner_paused", name=done.me.name, date=_date(ot, until)),
        )
    return t("voice.paused", date=_date(t, until))


async def on_resume(
    cb: CallbackQuery,
    callback_data: VoiceCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    done = await service.set_pause(uow, user.id, callback_data.id, None, clock.now())
    await cb.answer()
    for other in done.others:
        ot = await strings_for(uow, i18n, other.user_id)
        await notify(uow, clock.now(), other.user_id, ot("voice.partner_resumed", name=done.me.name))
    await bot.send_message(user.id, t("voice.resumed"))


# «Выйти из программы»


async def on_leave(
    cb: CallbackQuery, callback_data: VoiceCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    me = await service.participation(uow, user.id, callback_data.id)
    programme = await uow.programmes.get(me.programme_id)
    await cb.answer()
    kb = InlineKeyboardBuilder()
    kb.button(text=t("voice.btn_bye"), callback_data=VoiceCb(a="bye", id=me.id))
    kb.button(text=t("voice.btn_stay"), callback_data=VoiceCb(a="stay", id=me.id))
    kb.adjust(2)
    text = t("voice.leave_confirm", programme=programme.title if programme else "")
    await bot.send_message(user.id, text, reply_markup=kb.as_markup())


async def on_bye(
    cb: CallbackQuery,
    callback_data: VoiceCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    now = clock.now()
    left = await service.leave(uow, user.id, callback_data.id, now)
    await cb.answer()
    title = left.programme.title
    for pair in left.ended:
        other = pair.mentee if pair.mentor.id == left.me.id else pair.mentor
        ot = await strings_for(uow, i18n, other.user_id)
        key = "forget.partner_left" if pair.status is PairStatus.ACTIVE else "forget.proposal_withdrawn"
        await notify(uow, now, other.user_id, ot(key, programme=title))
    for curator in left.curators:
        ct = i18n.get(curator.locale)
        who = Html(pair_texts.who(ct, left.me))
        await notify(
            uow, now, curator.id, ct("voice.curator_left", who=who, programme=title, pairs=len(left.ended))
        )
    for v in await groups.mentor_left(uow, [p.id for p in left.ended]):  # a group's mentor left
        for curator in left.curators:
            ct = i18n.get(curator.locale)
            text = ct("groups.curator_mentor_left", n=v.group.number, programme=title, count=len(v.pairs))
            await notify(uow, now, curator.id, text)
    if cb.message is not None:
        await bot.edit_message_reply_markup(chat_id=user.id, message_id=cb.message.message_id)
    await bot.send_message(user.id, t("voice.left", programme=title))


async def on_stay(cb: CallbackQuery, t: L10n, user: User, bot: Bot) -> None:
    await cb.answer()
    if cb.message is not None:
        await bot.edit_message_reply_markup(chat_id=user.id, message_id=cb.message.message_id)
    await bot.send_message(user.id, t("voice.stayed"))


async def _stale(cb: CallbackQuery, t: L10n) -> None:
    await cb.answer(t("voice.bad_button"), show_alert=True)


def router() -> Router:
    r = Router(name="voice")
    r.message.register(on_written, VoiceForm.write, PRIVATE, NOT_COMMAND)
    r.message.register(on_answered, VoiceForm.answer, PRIVATE, NOT_COMMAND)
    r.message.register(on_pause_typed, VoiceForm.pause, PRIVATE, NOT_COMMAND)
    r.callback_query.register(on_write, VoiceCb.filter(F.a == "write"))
    r.callback_query.register(on_answer, VoiceCb.filter(F.a == "ans"))
    r.callback_query.register(on_other, VoiceCb.filter(F.a == "other"))
    r.callback_query.register(on_why, VoiceCb.filter(F.a == "why"))
    r.callback_query.register(on_pause, VoiceCb.filter(F.a == "pause"))
    r.callback_query.register(on_pause_chosen, VoiceCb.filter(F.a == "p"))
    r.callback_query.register(on_resume, VoiceCb.filter(F.a == "resume"))
    r.callback_query.register(on_leave, VoiceCb.filter(F.a == "leave"))
    r.callback_query.register(on_bye, VoiceCb.filter(F.a == "bye"))
    r.callback_query.register(on_stay, VoiceCb.filter(F.a == "stay"))
    return r
