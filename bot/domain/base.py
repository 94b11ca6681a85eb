"""The school's base of mentors («база наставников», «Союз наставников»): rules for who is
in it, how the curator filters it, who is invited again, and what a copied programme
takes from the previous one. Plain Python: no aiogram, no SQLAlchemy."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from statistics import fmean

from bot.domain import catalog as c
from bot.domain.errors import InvalidInput
from bot.domain.models import OrganisationId, Profile, Programme, ProgrammeId, UserId
from bot.domain.programmes import check_end, clean_long_title, parse_date

RETENTION_YEARS = 3  # a base record untouched this long (no programme, no invitation) goes
PAGE = 30  # base lines per page (a page is split into messages within the limit as well)


class Activity(StrEnum):
    ALL = ""
    ACTIVE = "a"  # in a running programme of the school now
    FREE = "f"  # in none: free to invite
    CANDIDATE = "c"  # alumni who plan to become mentors


class InviteSource(StrEnum):
    BASE = "base"  # a former mentor, from the base
    COPY = "copy"  # the cohort of a copied programme
    ALUMNI = "alumni"  # a mentee who plans to become a mentor


class InviteStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


@dataclass(frozen=True)
class History:
    """One programme in a mentor's record of service."""

    programme_id: int
    title: str
    mentees: int
    meetings: int
    satisfaction: float | None  # mean usefulness in the mentees' check-ins, 1..5
    running: bool = False


@dataclass(frozen=True)
class BaseMentor:
    id: int
    organisation_id: OrganisationId
    user_id: UserId
    name: str
    age: int | None
    candidate: bool
    profile: Profile | None  # None for a candidate who never mentored
    trained: bool
    trained_at: datetime | None
    active_at: datetime
    history: tuple[History, ...] = ()
    running: tuple[int, ...] = field(default=())  # running programmes they take part in now

    @property
    def active(self) -> bool:
        return bool(self.running)

    @property
    def mentees(self) -> int:
        return sum(h.mentees for h in self.history)

    @property
    def meetings(self) -> int:
        return sum(h.meetings for h in self.history)

    @property
    def satisfaction(self) -> float | None:
        return mean_satisfaction([h.satisfaction for h in self.history])


@dataclass(frozen=True)
class BaseInvite:
    id: int
    programme_id: ProgrammeId
    user_id: UserId
    role: c.Role
    source: InviteSource
    status: InviteStatus
    from_participant: int | None = None


@dataclass(frozen=True)
class Filter:
    """What the curator sees of the base: by kind, trained, competence, activity."""

    kind: str = ""
    trained: str = ""  # "" | "1" | "0"
    comp: str = ""
    activity: Activity = Activity.ALL

    def matches(self, m: BaseMentor) -> bool:
        if self.activity is Activity.CANDIDATE:
            return m.candidate and m.profile is None
        if m.profile is None:  # candidates only under their own filter
            return False
        if self.kind and m.profile.kind != self.kind:
            return False
        if self.trained and m.trained != (self.trained == "1"):
            return False
        if self.comp and self.comp not in m.profile.tags:
            return False
        if self.activity is Activity.ACTIVE:
            return m.active
        return not (self.activity is Activity.FREE and m.active)


def check_filter(kind: str, trained: str, comp: str, activity: str) -> Filter:
    """A filter from a button; an unknown code (an old or forged button) is refused."""
    if kind and kind not in {k.value for k in c.MentorKind}:
        raise InvalidInput("error.stale")
    if trained not in ("", "0", "1") or (comp and comp not in c.COMPETENCIES):
        raise InvalidInput("error.stale")
    if activity not in {a.value for a in Activity}:
        raise InvalidInput("error.stale")
    return Filter(kind, trained, comp, Activity(activity))


def select(mentors: list[BaseMentor], flt: Filter, exclude: set[int] | None = None) -> list[BaseMentor]:
    """The mentors the filter keeps, by name; ``exclude``: people (user ids) to leave out."""
    skip = exclude or set()
    return sorted(
        (m for m in mentors if flt.matches(m) and m.user_id not in skip),
        key=lambda m: (m.name.casefold(), m.id),
    )


def page_of(items: list[BaseMentor], page: int, size: int = PAGE) -> tuple[list[BaseMentor], int]:
    """One page (clamped to the last one) and the page shown."""
    pages = max(1, -(-len(items) // size))
    page = min(max(page, 0), pages - 1)
    return items[page * size : (page + 1) * size], page


def mean_satisfaction(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(fmean(known), 1) if known else None


def stale_before(now: datetime, years: int = RETENTION_YEARS) -> datetime:
    """Base records last active before this moment are dropped by housekeeping."""
    return now - timedelta(days=round(365.25 * years))


def carry_trained(in_base: bool, marked_now: bool) -> bool:
    """The "trained" mark of stage 4 belongs to the person, not to one programme."""
    return in_base or marked_now


def unfinished_mentee(outcomes: list[str | None]) -> bool:
    """A mentee did not finish unless one of their pairs reached its goal."""
    return "reached" not in outcomes


@dataclass(frozen=True)
class CopyPlan:
    title: str
    start: date
    end: date


_DMY = r"\d{1,2}[./]\d{1,2}[./]\d{2,4}"
_SPAN = re.compile(rf"^\s*({_DMY})\s*(?:[-–—]|по|to)?\s*({_DMY})\s*$")
_ISO_SPAN = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})\s+(?:[-–—]\s+|по\s+|to\s+)?(\d{4}-\d{1,2}-\d{1,2})\s*$")


def parse_copy(title_text: str | None, period_text: str | None) -> CopyPlan:
    """The copy's title and its dates as typed: "01.09.2027 - 31.05.2028" (any dash, or
    none, or «по»), or ISO dates with a space between."""
    title = clean_long_title(title_text)
    text = (period_text or "")[:100]
    match = _SPAN.match(text) or _ISO_SPAN.match(text)
    if match is None:
        raise InvalidInput("base.copy.period_invalid")
    try:
        start = parse_date(match[1])
        end = check_end(start, parse_date(match[2]))
    except InvalidInput:
        raise InvalidInput("base.copy.period_invalid") from None
    return CopyPlan(title, start, end)


def copy_of(previous: Programme, plan: CopyPlan) -> Programme:
    """A new programme with the previous one's settings (forms, format, cadence, minimum
    meetings, timezone, matching and digest settings, the curators' chat), at stage 1,
    with new dates."""
    return replace(
        previous,
        id=ProgrammeId(0),
        title=plan.title,
        start=plan.start,
        end=plan.end,
        stage=1,
        archived=False,
        closing_at=None,
        archived_at=None,
        weights=dict(previous.weights),
    )
