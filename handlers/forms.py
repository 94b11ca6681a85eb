"""The target model's forms in detail: a programme's sub-models and directions (picked while
it is created, changed from its card), and a mentee's «нужна поддержка» flag, which only
curators set, clear and see."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup

from bot.clock import Clock
from bot.domain import catalog as c
from bot.domain import programmes as rules
from bot.domain.errors import NotFound
from bot.domain.models import Programme, User
from bot.i18n import L10n
from bot.services import curation
from handlers import render
from handlers.callbacks import CardCb, NewProgCb, ProgCb, ProgSetCb, SupportCb
from handlers.curator import IsCurator, decision_keyboard
from handlers.kb import InlineKeyboardBuilder
from storage.unit import Unit


def _labels(
    t: L10n, forms: Sequence[c.Form], subs: Sequence[str], dirs: Sequence[str]
) -> list[tuple[str, str, str]]:
    """(kind, code, button text) of every sub-model of these forms, then every direction."""
    out = []
    for s in rules.submodels_for(list(forms)):
        mark = "✅ " if s.code in subs else ""
        label = t("forms.sub_button", form=t(f"form.{s.form.value}"), sub=t(f"forms.sub.{s.code}"))
        out.append(("s", s.code, mark + label))
    for d in c.DIRECTIONS:
        mark = "✅ " if d in dirs else ""
        out.append(("d", d, mark + t("forms.dir_button", dir=t(f"forms.dir.{d}"))))
    return out


def creation_keyboard(
    t: L10n, forms: Sequence[c.Form], subs: Sequence[str], dirs: Sequence[str]
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for kind, code, label in _labels(t, forms, subs, dirs):
        kb.button(text=label, callback_data=NewProgCb(field="sm" if kind == "s" else "dir", value=code))
    kb.button(text=t("btn.done"), callback_data=NewProgCb(field="det", value="!"))
    kb.adjust(1)
    return kb.as_markup()


def edit_keyboard(t: L10n, p: Programme) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for kind, code, label in _labels(t, p.forms, p.submodels, p.directions):
        kb.button(text=label, callback_data=ProgSetCb(pid=p.id, k=kind, c=code))
    kb.button(text=t("btn.done"), callback_data=ProgCb(action="card", pid=p.id))
    kb.adjust(1)
    return kb.as_markup()


async def on_setup(
    cb: CallbackQuery, callback_data: ProgCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    """«Подмодели и направления» on a programme's card."""
    programme = await curation.require_programme(uow, user.id, callback_data.pid, write=True)
    await cb.answer()
    await bot.send_message(
        user.id, t("forms.edit_head", title=programme.title), reply_markup=edit_keyboard(t, programme)
    )


async def on_set(
    cb: CallbackQuery, callback_data: ProgSetCb, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock
) -> None:
    programme = await curation.toggle_programme_detail(
        uow, user.id, callback_data.pid, callback_data.k, callback_data.c, clock.now()
    )
    await cb.answer(t("forms.saved"))
    if cb.message is not None:
        await bot.edit_message_reply_markup(
            chat_id=user.id, message_id=cb.message.message_id, reply_markup=edit_keyboard(t, programme)
        )


async def on_support(
    cb: CallbackQuery, callback_data: SupportCb, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock
) -> None:
    """A curator sets or clears a mentee's «нужна поддержка»; the card shows it at once."""
    p = await curation.set_needs_support(uow, user.id, callback_data.part, callback_data.v == 1, clock.now())
    await cb.answer(t("forms.support_set" if p.needs_support else "forms.support_cleared"))
    full = await uow.participants.get(p.id)
    where = await uow.programmes.get(p.programme_id)
    if cb.message is not None and full is not None and where is not None:
        await bot.edit_message_text(
            render.participant_card(t, full, where, curator=True),
            chat_id=user.id,
            message_id=cb.message.message_id,
            reply_markup=decision_keyboard(t, full),
        )


async def on_card(cb: CallbackQuery, callback_data: CardCb, uow: Unit, user: User, t: L10n, bot: Bot) -> None:
    """A participant's card from the participants list, with the curator's buttons."""
    p = await uow.participants.get(callback_data.part)
    if p is None:
        raise NotFound()
    programme = await curation.require_programme(uow, user.id, p.programme_id)
    await cb.answer()
    await bot.send_message(
        user.id,
        render.participant_card(t, p, programme, curator=True),
        reply_markup=decision_keyboard(t, p),
    )


async def _refuse_button(cb: CallbackQuery, t: L10n) -> None:
    await cb.answer(t("error.not_curator"), show_alert=True)


def router() -> Router:
    r = Router(name="forms")
    r.callback_query.filter(IsCurator())
    r.callback_query.register(on_setup, ProgCb.filter(F.action == "forms"))
    r.callback_query.register(on_set, ProgSetCb.filter())
    r.callback_query.register(on_support, SupportCb.filter())
    r.callback_query.register(on_card, CardCb.filter())
    return r


def refusals_router() -> Router:
    r = Router(name="forms-refusals")
    r.callback_query.register(_refuse_button, ProgSetCb.filter())
    r.callback_query.register(_refuse_button, SupportCb.filter())
    r.callback_query.register(_refuse_button, CardCb.filter())
    return r
