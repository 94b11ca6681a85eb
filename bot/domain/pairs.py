"""Pairs: their life from a draft to the end, and when a proposal is reminded or expires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.catalog import Form, Role
from bot.domain.errors import AlreadyDecided, NotAllowed
from bot.domain.matching import Person, Reasons
from bot.domain.models import Participant


class PairStatus(StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    ACTIVE = "active"
    DECLINED = "declined"
    EXPIRED = "expired"
    ENDED = "ended"


OPEN = (PairStatus.PROPOSED, PairStatus.ACTIVE)  # a mentee in one of these is taken
ACCEPT, DECLINE = "accepted", "declined"


@dataclass(frozen=True)
class Pair:
    id: int
    programme_id: int
    mentor: Participant
    mentee: Participant
    status: PairStatus
    score: float | None
    form: Form | None
    reasons: Reasons | None
    manual: bool = False
    mentor_answer: str | None = None
    mentee_answer: str | None = None
    proposed_at: datetime | None = None
    expires_at: datetime | None = None
    reminded: bool = False
    decline_reason: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    outcome: str | None = None  # stage 7: reached | partly | not
    group_id: int | None = None  # a member's pair in a mentoring group

    def side_of(self, user_id: int) -> Role | None:
        if self.mentor.user_id == user_id:
            return Role.MENTOR
        if self.mentee.user_id == user_id:
            return Role.MENTEE
        return None

    def answer_of(self, side: Role) -> str | None:
        return self.mentor_answer if side is Role.MENTOR else self.mentee_answer

    def other(self, side: Role) -> Participant:
        return self.mentee if side is Role.MENTOR else self.mentor


class Outcome(StrEnum):
    WAITING = "waiting"  # this side accepted, the other has not answered yet
    ACTIVE = "active"  # both accepted
    DECLINED = "declined"


def respond(pair: Pair, user_id: int, accept: bool) -> tuple[Role, Outcome]:
    """One side answers a proposal. Raises when it is not theirs or not open any more."""
    side = pair.side_of(user_id)
    if side is None:
        raise NotAllowed()
    if pair.status is not PairStatus.PROPOSED or pair.answer_of(side) is not None:
        raise AlreadyDecided()
    if not accept:
        return side, Outcome.DECLINED
    other = pair.mentee_answer if side is Role.MENTOR else pair.mentor_answer
    return side, Outcome.ACTIVE if other == ACCEPT else Outcome.WAITING


def reminder_due(pair: Pair, now: datetime) -> bool:
    """One reminder at half-time to whoever has not answered."""
    if pair.status is not PairStatus.PROPOSED or pair.reminded or not pair.proposed_at or not pair.expires_at:
        return False
    return now >= pair.proposed_at + (pair.expires_at - pair.proposed_at) / 2


def expired(pair: Pair, now: datetime) -> bool:
    return pair.status is PairStatus.PROPOSED and pair.expires_at is not None and now >= pair.expires_at


def expiry(now: datetime, ttl_hours: int) -> datetime:
    return now + timedelta(hours=max(1, ttl_hours))


def to_person(p: Participant, capacity: int | None = None, priority: bool = False) -> Person:
    profile = p.profile
    assert profile is not None
    return Person(
        id=p.id,
        user_id=p.user_id,
        kind=profile.kind,
        grade=profile.grade,
        experience=profile.experience,
        tags=frozenset(profile.tags),
        interests=frozenset(profile.interests),
        slots=frozenset(profile.slots),
        format=profile.format,
        capacity=profile.capacity if capacity is None else capacity,
        priority=priority,
        needs_support=p.needs_support and p.role is Role.MENTEE,
        minor=p.is_minor,
        trained=p.trained,
        profession=bool(profile.profession),
    )
