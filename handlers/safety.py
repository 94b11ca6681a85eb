"""«Сообщить куратору»: a participant (a pupil first of all) tells the curators privately and
at once that something in the pair is wrong; curators see open reports (/alerts) until one
of them presses «Решено». Reached from /help, every meeting reminder and every check-in."""

from __future__ import annotations

from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.clock import Clock
from bot.domain import safety as rules
from bot.domain.models import User
from bot.domain.safety import SafetyReport
from bot.i18n import Html, L10n, Translator
from bot.services import safety as service
from handlers import meeting_texts as mt
from handlers import pair_texts
from handlers.callbacks import PairCb, SafetyCb
from handlers.common import notify, send_long
from handlers.kb import InlineKeyboardBuilder
from handlers.pairs import pair_card
from handlers.states import SafetyForm
from storage.unit import Unit

PRIVATE = F.chat.type == "private"


async def on_go(cb: CallbackQuery, callback_data: SafetyCb, uow: Unit, user: User, t: L10n, bot: Bot) -> None:
    await service.subject(uow, user.id, callback_data.id)  # the pair is theirs, or DomainError
    await cb.answer()
    kb = InlineKeyboardBuilder()
    for kind in rules.Concern:
        kb.button(
            text=t(f"safety.kind.{kind.value}"),
            callback_data=SafetyCb(a="k", id=callback_data.id, k=kind.value),
        )
    kb.adjust(1)
    await bot.send_message(user.id, t("safety.ask_kind"), reply_markup=kb.as_markup())


async def on_kind(
    cb: CallbackQuery, callback_data: SafetyCb, state: FSMContext, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    rules.concern(callback_data.k)
    await service.subject(uow, user.id, callback_data.id)  # the pair is theirs, or DomainError
    await cb.answer()
    await state.set_state(SafetyForm.note)
    await state.set_data({"pair": callback_data.id, "k": callback_data.k})
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t("safety.btn_send"), callback_data=SafetyCb(a="send", id=callback_data.id, k=callback_data.k)
    )
    text = t("safety.ask_note", max=rules.NOTE_MAX)
    await bot.send_message(user.id, text, reply_markup=kb.as_markup())


async def on_send(
    cb: CallbackQuery,
    callback_data: SafetyCb,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    filed = await service.file(uow, user.id, callback_data.id, callback_data.k, None, clock.now())
    await cb.answer()
    await state.clear()
    await _deliver(uow, i18n, clock, filed)
    await bot.send_message(user.id, _done(t, filed))


async def on_note(
    message: Message, state: FSMContext, uow: Unit, user: User, t: L10n, i18n: Translator, clock: Clock
) -> None:
    data = await state.get_data()
    note = message.text or ""  # a sticker or a photo: empty, refused with a hint
    filed = await service.file(
        uow, user.id, int(data.get("pair", 0)), str(data.get("k", "")), note, clock.now()
    )
    await state.clear()
    await _deliver(uow, i18n, clock, filed)
    await message.answer(_done(t, filed))


def _done(t: L10n, filed: service.Filed) -> str:
    names = ", ".join(c.name for c in filed.curators) or t("safety.no_curators")
    return t("safety.done", curators=names)


def _report_text(t: L10n, report: SafetyReport, about: service.Subject) -> dict[str, object]:
    return {
        "programme": about.programme.title,
        "who": Html(pair_texts.who(t, about.me)),
        "concern": Html(t(f"safety.kind.{report.concern.value}")),
        "note": report.note if report.note else Html(t("safety.no_note")),
        "card": Html(pair_card(t, about.pair) if about.pair else t("safety.no_pair")),
    }


def _curator_keyboard(t: L10n, report: SafetyReport) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if report.pair_id:
        kb.button(text=t("safety.btn_card"), callback_data=PairCb(action="card", pair=report.pair_id))
    kb.button(text=t("safety.btn_resolved"), callback_data=SafetyCb(a="ok", id=report.id))
    kb.adjust(2)
    return kb.as_markup()


async def _deliver(uow: Unit, i18n: Translator, clock: Clock, filed: service.Filed) -> None:
    """Each curator of the school, privately, at once (not the group digest), marked urgent."""
    for curator in filed.curators:
        ct = i18n.get(curator.locale)
        text = ct("safety.urgent", **_report_text(ct, filed.report, filed.subject))
        await notify(
            uow,
            clock.now(),
            curator.id,
            text,
            _curator_keyboard(ct, filed.report),
            key=f"safety:{filed.report.id}:{curator.id}",
        )


async def on_alerts(message: Message, uow: Unit, user: User, t: L10n, bot: Bot) -> None:
    if not await uow.organisations.is_curator(user.id):
        await message.answer(t("error.not_allowed"))
        return
    reports = await service.open_reports(uow, user.id)
    if not reports:
        await message.answer(t("safety.list_none"))
        return
    await message.answer(t("safety.list_head", n=len(reports)))
    for report, about in reports:
        when = mt.moment(t, report.created_at, about.programme.timezone)
        text = t("safety.line", when=when, **_report_text(t, report, about))
        await send_long(bot, user.id, [text], _curator_keyboard(t, report))


async def on_resolved(
    cb: CallbackQuery, callback_data: SafetyCb, uow: Unit, user: User, t: L10n, clock: Clock
) -> None:
    await service.resolve(uow, user.id, callback_data.id, clock.now())
    await cb.answer(t("safety.resolved_ok"))
    if isinstance(cb.message, Message):
        with suppress(TelegramBadRequest):
            resolved = t("safety.resolved", who=user.name)
            await cb.message.edit_text(f"{cb.message.html_text}\n\n{resolved}", reply_markup=None)


def router() -> Router:
    r = Router(name="safety")
    r.message.register(on_alerts, Command("alerts"), PRIVATE)
    r.message.register(
        on_note, SafetyForm.note, PRIVATE, ~F.text.startswith("/")
    )  # a command is not a report
    r.callback_query.register(on_go, SafetyCb.filter(F.a == "go"))
    r.callback_query.register(on_kind, SafetyCb.filter(F.a == "k"))
    r.callback_query.register(on_send, SafetyCb.filter(F.a == "send"), SafetyForm.note)
    r.callback_query.register(on_resolved, SafetyCb.filter(F.a == "ok"))
    return r
