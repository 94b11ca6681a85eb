"""«Сообщить куратору»: a pupil tells the curators that something in the pair is wrong.
Plain rules: which kinds there are, what a note may be, who may close a report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.errors import AlreadyDecided, InvalidInput

NOTE_MAX = 1000  # characters; a longer note is refused with a clear answer, not cut


class Concern(StrEnum):
    UNCOMFORTABLE = "unc"  # мне некомфортно
    ABSENT = "abs"  # наставник не приходит
    OTHER = "oth"  # другое


@dataclass(frozen=True)
class SafetyReport:
    id: int
    programme_id: int
    pair_id: int | None
    participant_id: int
    user_id: int
    concern: Concern
    note: str | None
    created_at: datetime
    resolved_at: datetime | None = None
    resolved_by: int | None = None

    @property
    def open(self) -> bool:
        return self.resolved_at is None


def concern(code: str) -> Concern:
    """A kind from a button; a forged code is refused."""
    try:
        return Concern(code)
    except ValueError:
        raise InvalidInput("safety.bad_kind") from None


def clean_note(text: str | None, keys: str = "safety") -> str:
    """A person's own words to the curator (or a curator's answer): spaces tidied; empty or
    too long is refused (never cut: a cut report could lose the part that matters).
    ``keys``: whose strings explain a refusal."""
    value = "\n".join(" ".join(line.split()) for line in (text or "").strip().splitlines()).strip()
    if not value:
        raise InvalidInput(f"{keys}.note_empty")
    if len(value) > NOTE_MAX:
        raise InvalidInput(f"{keys}.note_too_long", max=NOTE_MAX, length=len(value))
    return value


def check_can_resolve(report: SafetyReport) -> None:
    """A report is closed once; a second «Решено» says it already is."""
    if not report.open:
        raise AlreadyDecided()
