"""Keyboard builders. Labels come from locales; callback data from handlers.callbacks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain import catalog as c
from bot.domain.models import Programme
from bot.i18n import L10n
from handlers.callbacks import (
    AgeCb,
    ChoiceCb,
    ConsentCb,
    EditCb,
    LangCb,
    NewProgCb,
    ProgCb,
    SummaryCb,
    ToggleCb,
)
from handlers.kb import InlineKeyboardBuilder

CHECK = "✅ "


def languages(t: L10n) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for code in c.LANGUAGES:
        kb.button(text=t(f"lang.{code}"), callback_data=LangCb(code=code))
    kb.adjust(2)
    return kb.as_markup()


def consent(t: L10n) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for answer in ("adult", "minor", "no"):
        kb.button(text=t(f"consent.btn.{answer}"), callback_data=ConsentCb(answer=answer))
    kb.adjust(1)
    return kb.as_markup()


def ages() -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for age in range(10, 18):
        kb.button(text=str(age), callback_data=AgeCb(age=age))
    kb.adjust(4)
    return kb.as_markup()


def choices(step: str, options: Iterable[tuple[str, str]], width: int = 2) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for value, label in options:
        kb.button(text=label, callback_data=ChoiceCb(step=step, value=value))
    kb.adjust(width)
    return kb.as_markup()


def multi(
    t: L10n, step: str, options: Sequence[tuple[str, str]], chosen: Iterable[str], width: int = 2
) -> InlineKeyboardMarkup:
    chosen = set(chosen)
    kb = InlineKeyboardBuilder()
    for code, label in options:
        mark = CHECK if code in chosen else ""
        kb.button(text=f"{mark}{label}", callback_data=ToggleCb(step=step, code=code))
    kb.adjust(width)
    kb.row(InlineKeyboardButton(text=t("btn.done"), callback_data=ToggleCb(step=step, code="!").pack()))
    return kb.as_markup()


def slots(t: L10n, chosen: Iterable[str]) -> InlineKeyboardMarkup:
    """Days × parts of the day as a 7×3 grid, with a header row."""
    chosen = set(chosen)
    kb = InlineKeyboardBuilder()
    for day in c.DAYS:
        for part in c.PARTS:
            code = f"{day}_{part}"
            mark = "✅" if code in chosen else "▫️"
            kb.button(
                text=f"{mark} {t(f'day.{day}')} {t(f'part.{part}')}",
                callback_data=ToggleCb(step="slots", code=code),
            )
    kb.adjust(3)
    kb.row(InlineKeyboardButton(text=t("btn.done"), callback_data=ToggleCb(step="slots", code="!").pack()))
    return kb.as_markup()


def summary(t: L10n, editing_saved: bool) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("btn.save" if editing_saved else "btn.send"), callback_data=SummaryCb(action="send"))
    kb.button(text=t("btn.edit"), callback_data=SummaryCb(action="edit"))
    kb.adjust(2)
    return kb.as_markup()


def edit_steps(t: L10n, steps: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for step, label in steps:
        kb.button(text=label, callback_data=EditCb(step=step))
    kb.button(text=t("btn.back"), callback_data=SummaryCb(action="back"))
    kb.adjust(2)
    return kb.as_markup()


def new_programme(field: str, options: Sequence[tuple[str, str]], width: int = 2) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for value, label in options:
        kb.button(text=label, callback_data=NewProgCb(field=field, value=value))
    kb.adjust(width)
    return kb.as_markup()


def single(text: str, data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=text, callback_data=data)]])


def choices_row(buttons: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    """One row of (label, packed callback data) buttons."""
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=label, callback_data=data) for label, data in buttons]]
    )


def programme_choice(programmes: Iterable[Programme], action: str) -> InlineKeyboardMarkup:
    """One button per programme, opening ``action`` of its card (digest, export, …)."""
    kb = InlineKeyboardBuilder()
    for p in programmes:
        kb.button(text=p.title[:60], callback_data=ProgCb(action=action, pid=p.id))
    kb.adjust(1)
    return kb.as_markup()
