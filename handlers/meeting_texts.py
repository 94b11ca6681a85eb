"""Rendering meetings and check-ins (local time of the programme)."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiogram.types import InlineKeyboardMarkup

from bot.domain import meetings as rules
from bot.domain.catalog import Role
from bot.domain.meetings import Meeting
from bot.i18n import Html, L10n
from handlers.callbacks import MeetCb, ReflectCb, SafetyCb
from handlers.kb import InlineKeyboardBuilder


def when(t: L10n, m: Meeting, tz: str) -> str:
    return moment(t, m.starts_at, tz)


def moment(t: L10n, utc: datetime, tz: str) -> str:
    """«пн, 7 декабря, 18:00» in the programme's timezone (Babel, the reader's language)."""
    return t.when(rules.to_local(utc, tz))


def next_reminder(t: L10n, m: Meeting, offset: timedelta | None, tz: str) -> str:
    """The confirmation's promise: when the next reminder comes, or that none will."""
    if offset is None:
        return t("meet.no_reminder")
    hours = int(offset.total_seconds() // 3600)
    return t("meet.remind_before", count=hours, at=moment(t, m.starts_at - offset, tz))


def line(t: L10n, m: Meeting, tz: str) -> str:
    where = t("meet.online") if m.online else t("meet.offline")
    place = f", {m.place}" if m.place else ""
    return t(
        "meet.line",
        when=when(t, m, tz),
        kind=Html(t(f"meet.kind.{m.kind.value}")),
        status=Html(t(f"meet.status.{m.status.value}")),
        where=where + place,
    )


def confirm_keyboard(t: L10n, meeting_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("meet.btn.ok"), callback_data=MeetCb(action="ok", id=meeting_id))
    kb.button(text=t("meet.btn.other"), callback_data=MeetCb(action="other", id=meeting_id))
    kb.adjust(2)
    return kb.as_markup()


def happened_keyboard(t: L10n, meeting_id: int, safety_pair: int | None = None) -> InlineKeyboardMarkup:
    """The check-in's first question; ``safety_pair``: with «Сообщить куратору» below."""
    kb = InlineKeyboardBuilder()
    for value in ("yes", "no", "moved"):
        kb.button(text=t(f"reflect.happened.{value}"), callback_data=ReflectCb(m=meeting_id, f="h", v=value))
    kb.adjust(3)
    markup = kb.as_markup()
    return with_safety(t, markup, safety_pair) if safety_pair is not None else markup


def safety_button(t: L10n, pair_id: int = 0) -> InlineKeyboardMarkup:
    """«Сообщить куратору» (pair 0: the person's own pair, found when pressed)."""
    kb = InlineKeyboardBuilder()
    kb.button(text=t("safety.btn"), callback_data=SafetyCb(a="go", id=pair_id))
    return kb.as_markup()


def with_safety(t: L10n, markup: InlineKeyboardMarkup | None, pair_id: int) -> InlineKeyboardMarkup:
    """A keyboard with «Сообщить куратору» as its last row."""
    rows = [list(r) for r in markup.inline_keyboard] if markup is not None else []
    return InlineKeyboardMarkup(inline_keyboard=[*rows, *safety_button(t, pair_id).inline_keyboard])


def scale_keyboard(meeting_id: int, field: str) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for n in range(1, 11):
        kb.button(text=str(n), callback_data=ReflectCb(m=meeting_id, f=field, v=str(n)))
    kb.adjust(5)
    return kb.as_markup()


def skip_keyboard(t: L10n, meeting_id: int, field: str) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("btn.skip"), callback_data=ReflectCb(m=meeting_id, f=field, v="-"))
    return kb.as_markup()


def question(t: L10n, name: str, role: Role) -> str:
    if name == "second":
        return t(f"reflect.ask.second_{role.value}")
    return t(f"reflect.ask.{name}")
