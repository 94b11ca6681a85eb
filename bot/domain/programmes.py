"""Rules for programmes: the guided creation's answers and the stage machine."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.domain import catalog as c
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.questionnaire import clean_name

TITLE_MIN, TITLE_MAX = 3, 100
MAX_DURATION = timedelta(days=2 * 366)


def clean_title(text: str | None) -> str:
    try:
        title = clean_name(text)
    except InvalidInput:
        raise InvalidInput("prog.ask.title.invalid", min=TITLE_MIN, max=TITLE_MAX) from None
    if len(title) < TITLE_MIN:
        raise InvalidInput("prog.ask.title.invalid", min=TITLE_MIN, max=TITLE_MAX)
    return title


def clean_long_title(text: str | None) -> str:
    """Titles may be longer than names; same cleaning, different limit."""
    if text is None:
        raise InvalidInput("prog.ask.title.invalid", min=TITLE_MIN, max=TITLE_MAX)
    text = " ".join(text.split())
    if not TITLE_MIN <= len(text) <= TITLE_MAX or not any(ch.isalpha() for ch in text):
        raise InvalidInput("prog.ask.title.invalid", min=TITLE_MIN, max=TITLE_MAX)
    return text


_DATE = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_date(text: str | None) -> date:
    """Dates as people type them in Russia: 01.09.2026, 1.9.26, or ISO 2026-09-01."""
    if text:
        if m := _DATE.match(text):
            day, month, year = (int(g) for g in m.groups())
            year += 2000 if year < 100 else 0
        elif m := _ISO.match(text):
            year, month, day = (int(g) for g in m.groups())
        else:
            raise InvalidInput("prog.ask.date.invalid")
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise InvalidInput("prog.ask.date.invalid")


def check_end(start: date, end: date) -> date:
    if end <= start:
        raise InvalidInput("prog.ask.end.before_start")
    if end - start > MAX_DURATION:
        raise InvalidInput("prog.ask.end.too_long")
    return end


def check_forms(forms: list[str]) -> tuple[c.Form, ...]:
    if not forms:
        raise InvalidInput("prog.ask.forms.empty")
    return tuple(c.Form(f) for f in forms)


def next_stage(stage: int) -> int:
    if stage >= c.STAGES[-1]:
        raise NotAllowed()
    return stage + 1


def parse_period(text: str | None) -> tuple[date, date]:
    """A break as typed: "28.12.2026 - 10.01.2027" (a dash of any kind between two dates)."""
    parts = re.split(r"\s*[-–—]\s*|\s+по\s+|\s+to\s+", (text or "").strip())
    if len(parts) != 2:
        raise InvalidInput("prog.break.invalid")
    try:
        start, end = parse_date(parts[0]), parse_date(parts[1])
    except InvalidInput:
        raise InvalidInput("prog.break.invalid") from None
    if end < start or end - start > timedelta(days=120):
        raise InvalidInput("prog.break.invalid")
    return start, end


# --- sub-models and directions (issue 15) -----------------------------------------------------
def submodels_for(forms: tuple[c.Form, ...] | list[c.Form]) -> tuple[c.SubModel, ...]:
    """The sub-models a curator may pick for these forms, in the catalogue's order."""
    chosen = set(forms)
    return tuple(s for s in c.SUBMODELS if s.form in chosen)


def check_submodels(forms: tuple[c.Form, ...] | list[c.Form], codes: list[str]) -> tuple[str, ...]:
    """Picked sub-models, each of a form the programme has (a stale or forged code refused)."""
    offered = {s.code for s in submodels_for(forms)}
    if not set(codes) <= offered:
        raise InvalidInput("error.stale")
    return tuple(s.code for s in c.SUBMODELS if s.code in codes)


def check_directions(codes: list[str]) -> tuple[str, ...]:
    if not set(codes) <= set(c.DIRECTIONS):
        raise InvalidInput("error.stale")
    return tuple(d for d in c.DIRECTIONS if d in codes)


def toggled(current: tuple[str, ...] | list[str], code: str) -> list[str]:
    """``current`` with ``code`` added or removed."""
    return [x for x in current if x != code] if code in current else [*current, code]


def kept_submodels(forms: tuple[c.Form, ...] | list[c.Form], codes: tuple[str, ...]) -> tuple[str, ...]:
    """Sub-models still valid after the forms changed (those of a dropped form go)."""
    offered = {s.code for s in submodels_for(forms)}
    return tuple(x for x in codes if x in offered)
