"""Plain data objects of the domain. Storage returns these; handlers render them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NewType

from bot.domain.catalog import Cadence, Form, MeetFormat, Role, Status

UserId = NewType("UserId", int)  # a Telegram user id
ProgrammeId = NewType("ProgrammeId", int)
ParticipantId = NewType("ParticipantId", int)
OrganisationId = NewType("OrganisationId", int)

ADULT_AGE = 18


@dataclass(frozen=True)
class Organisation:
    id: OrganisationId
    name: str
    timezone: str
    pupils_total: int | None = None


@dataclass(frozen=True)
class User:
    id: UserId
    name: str
    username: str | None
    locale: str | None
    forgotten: bool = False
    unreachable: bool = False
    share_contact: bool = True


@dataclass(frozen=True)
class Programme:
    id: ProgrammeId
    organisation_id: OrganisationId
    title: str
    forms: tuple[Form, ...]
    group_format: bool
    start: date
    end: date
    timezone: str
    cadence: Cadence
    min_meetings: int
    stage: int = 1
    curator_chat_id: int | None = None
    archived: bool = False
    proposal_ttl_hours: int = 72
    mentee_choice: bool = False
    nudge_days: int = 14
    reminder_hours: tuple[int, ...] = (24, 1)
    weights: dict[str, float] = field(default_factory=dict)
    digest_weekday: int = 0  # Monday
    digest_hour: int = 9
    closing_at: datetime | None = None  # stage 7 began
    archived_at: datetime | None = None
    chat_members: int | None = None  # people in the curators' chat (the bot aside), as last known
    submodels: tuple[str, ...] = ()  # sub-models picked (none: each form's own rule)
    directions: tuple[str, ...] = ()  # направления
    group_size: int | None = None  # group format: mentees a group holds (None: the mentor's capacity)


@dataclass(frozen=True)
class Profile:
    """A mentor's or a mentee's questionnaire.

    ``tags`` are a mentor's competencies or a mentee's key requests.
    """

    role: Role
    kind: str
    grade: int | None = None
    experience: int | None = None
    tags: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    capacity: int = 1
    slots: tuple[str, ...] = ()
    format: MeetFormat = MeetFormat.ANY
    profession: str | None = None  # a parent mentor's (or employer's) profession, as typed


@dataclass(frozen=True)
class Participant:
    id: ParticipantId
    programme_id: ProgrammeId
    user_id: UserId
    role: Role
    status: Status
    name: str
    age: int | None
    parental_consent: bool
    trained: bool
    joined_at: datetime
    profile: Profile | None = None
    username: str | None = None
    priority: bool = False
    paused_until: date | None = None  # the participant's own pause, until this date
    needs_support: bool = False  # «нужна поддержка»: a curator's flag, shown to curators only

    @property
    def is_minor(self) -> bool:
        return self.age is not None and self.age < ADULT_AGE

    @property
    def awaits_parental_consent(self) -> bool:
        return self.is_minor and not self.parental_consent

    @property
    def can_be_matched(self) -> bool:
        """The model matches no minor before the parent's consent is confirmed."""
        if self.status is not Status.APPROVED or self.awaits_parental_consent:
            return False
        return self.role is not Role.MENTOR or self.trained


@dataclass(frozen=True)
class Invite:
    token: str
    organisation_id: OrganisationId
    programme_id: ProgrammeId | None
    role: Role
    expires_at: datetime | None = None  # curators' links expire; programmes' do not
    used: bool = False  # a curator's link works once
    created_by: int | None = None


@dataclass(frozen=True)
class ProgrammeCounts:
    mentors: int = 0
    mentees: int = 0
    pending: int = 0
    awaiting_consent: int = 0


@dataclass
class Page:
    items: list[Participant] = field(default_factory=list)
    total: int = 0
