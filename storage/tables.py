"""Tables. Only storage/ imports this module."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class OrganisationRow(Base):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    pupils_total: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(8))
    forgotten: Mapped[bool] = mapped_column(Boolean, default=False)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    unreachable_told: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # once a pair is formed, show the other side my Telegram (False: "through the curator")
    share_contact: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


class CuratorRow(Base):
    __tablename__ = "curators"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ProgrammeRow(Base):
    __tablename__ = "programmes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    forms: Mapped[list[str]] = mapped_column(JSON)
    group_format: Mapped[bool] = mapped_column(Boolean, default=False)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64))
    cadence: Mapped[str] = mapped_column(String(16))
    min_meetings: Mapped[int] = mapped_column(Integer)
    stage: Mapped[int] = mapped_column(Integer, default=1)
    curator_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    proposal_ttl_hours: Mapped[int] = mapped_column(Integer, default=72, server_default="72")
    mentee_choice: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    weights: Mapped[dict[str, float] | None] = mapped_column(JSON)
    digest_weekday: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 0 = Monday
    digest_hour: Mapped[int] = mapped_column(Integer, default=9, server_default="9")
    closing_at: Mapped[datetime | None] = mapped_column(DateTime)  # stage 7 began
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime)  # past the retention period
    chat_members: Mapped[int | None] = mapped_column(Integer)  # people in the curators' chat, bot aside
    submodels: Mapped[list[str] | None] = mapped_column(JSON)  # sub-models picked (none: each form's rule)
    directions: Mapped[list[str] | None] = mapped_column(JSON)  # направления of the programme
    pulse_days: Mapped[list[int] | None] = mapped_column(JSON)  # interim pulses on these days; None: 30, 60
    group_size: Mapped[int | None] = mapped_column(Integer)  # groups: mentees a group holds (None: capacity)


class InviteRow(Base):
    __tablename__ = "invites"
    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    used_by: Mapped[int | None] = mapped_column(BigInteger)


class ParticipantRow(Base):
    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("programme_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(128))
    age: Mapped[int | None] = mapped_column(Integer)
    parental_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    trained: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[datetime] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    priority: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # a participant's own pause (holidays, exams, illness): no reminders, check-ins or
    # nudges for their pairs before this date
    paused_until: Mapped[date | None] = mapped_column(Date, index=True)
    # «нужна поддержка»: set by a curator, never the reason, never shown to the pair
    needs_support: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    parent_contact: Mapped[str | None] = mapped_column(String(128))  # curators only; erased by /forget_me
    consent_asked_at: Mapped[datetime | None] = mapped_column(DateTime)  # the consent form handed out


class MentorProfileRow(Base):
    __tablename__ = "mentor_profiles"
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    grade: Mapped[int | None] = mapped_column(Integer)
    experience: Mapped[int | None] = mapped_column(Integer)
    competencies: Mapped[list[str]] = mapped_column(JSON)
    interests: Mapped[list[str]] = mapped_column(JSON)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    slots: Mapped[list[str]] = mapped_column(JSON)
    format: Mapped[str] = mapped_column(String(16))
    profession: Mapped[str | None] = mapped_column(String(64))  # a parent's or employer's, as typed


class MenteeProfileRow(Base):
    __tablename__ = "mentee_profiles"
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    grade: Mapped[int | None] = mapped_column(Integer)
    experience: Mapped[int | None] = mapped_column(Integer)
    requests: Mapped[list[str]] = mapped_column(JSON)
    interests: Mapped[list[str]] = mapped_column(JSON)
    slots: Mapped[list[str]] = mapped_column(JSON)
    format: Mapped[str] = mapped_column(String(16))


class ConsentRow(Base):
    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )
    text_version: Mapped[str] = mapped_column(String(32))
    on_behalf: Mapped[str] = mapped_column(String(16))  # self | parent
    given_at: Mapped[datetime] = mapped_column(DateTime)
    confirmed_by: Mapped[int | None] = mapped_column(BigInteger)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)


class AuditRow(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(DateTime)


class PairRow(Base):
    """A proposed or working mentor–mentee pair (group format: several pairs, one mentor)."""

    __tablename__ = "pairs"
    __table_args__ = (Index("ix_pairs_programme_status", "programme_id", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    form: Mapped[str | None] = mapped_column(String(8))
    score: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    mentor_answer: Mapped[str | None] = mapped_column(String(16))
    mentee_answer: Mapped[str | None] = mapped_column(String(16))
    decline_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    proposed_at: Mapped[datetime | None] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    reminded: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    end_reason: Mapped[str | None] = mapped_column(String(500))
    outcome: Mapped[str | None] = mapped_column(String(16))  # reached | partly | not
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentoring_groups.id", ondelete="SET NULL"), index=True
    )  # a member's pair in a mentoring group


class MentoringGroupRow(Base):
    """A mentor with several mentees (group format); each member also has a pair row."""

    __tablename__ = "mentoring_groups"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # «Группа 3» within the programme: no one's name
    status: Mapped[str] = mapped_column(String(16), index=True)  # draft | proposed | active | ended
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ExclusionRow(Base):
    """Two people the bot must not pair again: the curator said so, or it failed."""

    __tablename__ = "exclusions"
    __table_args__ = (UniqueConstraint("mentor_id", "mentee_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    mentee_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(16))  # curator | declined | expired | ended
    created_at: Mapped[datetime] = mapped_column(DateTime)


class MeetingRow(Base):
    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # intro | trial | planning | regular | final
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)  # UTC
    duration_min: Mapped[int] = mapped_column(Integer, default=60)
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    place: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), index=True)  # proposed | confirmed | cancelled
    proposed_by: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(String(300))
    disagreement: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    group_meeting: Mapped[int | None] = mapped_column(Integer, index=True)  # the first row's id, for all


class ReflectionRow(Base):
    """One side's private check-in after a meeting; only curators read it."""

    __tablename__ = "reflections"
    __table_args__ = (UniqueConstraint("meeting_id", "participant_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    happened: Mapped[str | None] = mapped_column(String(8))  # yes | no | moved
    usefulness: Mapped[int | None] = mapped_column(Integer)
    second: Mapped[int | None] = mapped_column(Integer)  # mentor: engagement; mentee: comfort
    done_text: Mapped[str | None] = mapped_column(String(500))
    next_text: Mapped[str | None] = mapped_column(String(500))
    asked_at: Mapped[datetime] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    reminded: Mapped[bool] = mapped_column(Boolean, default=False)


class BreakRow(Base):
    """Holidays and exam periods: no nudges then."""

    __tablename__ = "programme_breaks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)


class OutboxRow(Base):
    """A message the bot starts itself: recorded before it is sent, marked after."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_not_before", "status", "not_before"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger)  # the person behind a private chat
    text: Mapped[str] = mapped_column(Text)
    markup: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), index=True)  # pending | sending | sent | failed | dropped
    not_before: Mapped[datetime] = mapped_column(DateTime, index=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)  # a picture; ``text`` is its caption
    claimed_by: Mapped[str | None] = mapped_column(String(64))  # the worker sending it ("sending")
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)  # then another worker may retry
    deadline: Mapped[datetime | None] = mapped_column(DateTime)  # when it should have gone, at the latest


class PreferenceRow(Base):
    """«Быстрые встречи»: whom a participant was shown and how they ranked them."""

    __tablename__ = "preferences"
    __table_args__ = (UniqueConstraint("programme_id", "participant_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    candidates: Mapped[list[int]] = mapped_column(JSON)
    ranked: Mapped[list[int]] = mapped_column(JSON)
    asked_at: Mapped[datetime] = mapped_column(DateTime)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)


class PlanRow(Base):
    """A pair's plan: its goal (the items are PlanItemRow)."""

    __tablename__ = "plans"
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"), primary_key=True)
    goal: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[int | None] = mapped_column(BigInteger)


class PlanItemRow(Base):
    __tablename__ = "plan_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(200))
    due: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(BigInteger)


class SurveyItemRow(Base):
    """One question of a programme's questionnaire (the curator may edit them)."""

    __tablename__ = "survey_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # mentor | mentee
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))  # scale | yesno | open
    code: Mapped[str | None] = mapped_column(String(32))  # the bank's item, None when the curator wrote it
    text_ru: Mapped[str] = mapped_column(String(300))
    text_en: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    moments: Mapped[str | None] = mapped_column(String(32))  # "entry,final"; None: every questionnaire
    form: Mapped[str | None] = mapped_column(String(8))  # None: every form


class SurveyRow(Base):
    __tablename__ = "surveys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # entry | interim | final
    point: Mapped[int | None] = mapped_column(Integer)  # an automatic pulse: the programme's day
    launched_by: Mapped[int] = mapped_column(BigInteger)
    launched_at: Mapped[datetime] = mapped_column(DateTime)


class SurveyResponseRow(Base):
    """One participant's answers to one survey; private to the curators."""

    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("survey_id", "participant_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    form: Mapped[str | None] = mapped_column(String(8))
    items: Mapped[list[int]] = mapped_column(JSON)  # the questions, fixed at launch
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)  # item id -> int | str | None (skipped)
    asked_at: Mapped[datetime] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reminded: Mapped[bool] = mapped_column(Boolean, default=False)


class FsmRow(Base):
    __tablename__ = "fsm_states"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)


class SeenUpdateRow(Base):
    """Updates already handled: Telegram delivers an update again when the bot stopped
    before confirming it; the second delivery must change nothing."""

    __tablename__ = "seen_updates"
    source: Mapped[str] = mapped_column(String(120), primary_key=True)  # bot id @ API server
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)


class KvRow(Base):
    """Small settings of the installation (the owner's bootstrap token)."""

    __tablename__ = "kv"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class LeaseRow(Base):
    """A role only one process may hold at a time (the scheduler and sender leader): taken
    over by another process when the holder stops renewing it."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    until: Mapped[datetime] = mapped_column(DateTime)


class MessageRefRow(Base):
    """A MAX message id (a string such as ``mid.…``) behind the integer id the bot's
    handlers see, so an edit or a delete finds the message again in any process."""

    __tablename__ = "message_refs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mid: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class SafetyReportRow(Base):
    """«Сообщить куратору»: what a participant reported about their pair, open until a
    curator presses «Решено». ``note`` is their own words (wiped by /forget_me)."""

    __tablename__ = "safety_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    pair_id: Mapped[int | None] = mapped_column(Integer)
    participant_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(BigInteger)
    concern: Mapped[str] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by: Mapped[int | None] = mapped_column(BigInteger)


class BaseMentorRow(Base):
    """The school's base of mentors («база наставников»), outliving any one programme: a
    mentor's last profile and training, or an alumnus who plans to mentor (``candidate``)."""

    __tablename__ = "base_mentors"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    age: Mapped[int | None] = mapped_column(Integer)
    candidate: Mapped[bool] = mapped_column(Boolean, default=False)  # no mentor profile yet
    kind: Mapped[str | None] = mapped_column(String(16))
    grade: Mapped[int | None] = mapped_column(Integer)
    experience: Mapped[int | None] = mapped_column(Integer)
    competencies: Mapped[list[str] | None] = mapped_column(JSON)
    interests: Mapped[list[str] | None] = mapped_column(JSON)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    slots: Mapped[list[str] | None] = mapped_column(JSON)
    format: Mapped[str | None] = mapped_column(String(16))
    trained: Mapped[bool] = mapped_column(Boolean, default=False)
    trained_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    active_at: Mapped[datetime] = mapped_column(DateTime, index=True)  # last took part: housekeeping


class BaseHistoryRow(Base):
    """One finished programme in a base mentor's history, kept when the programme is archived
    (its participants are anonymised later; the mentor's record of service stays)."""

    __tablename__ = "base_history"
    __table_args__ = (UniqueConstraint("mentor_id", "programme_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("base_mentors.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    mentees: Mapped[int] = mapped_column(Integer, default=0)
    meetings: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction: Mapped[float | None] = mapped_column(Float)
    outcomes: Mapped[dict[str, int] | None] = mapped_column(JSON)
    finished_at: Mapped[datetime] = mapped_column(DateTime)


class BaseInviteRow(Base):
    """A person asked from the base (or a copied cohort, or an alumnus) to take part in a
    programme: nobody is enrolled without saying yes."""

    __tablename__ = "base_invites"
    __table_args__ = (UniqueConstraint("programme_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(8))  # base | copy | alumni
    from_participant: Mapped[int | None] = mapped_column(Integer)  # a copied mentee's old part
    status: Mapped[str] = mapped_column(String(12))  # pending | accepted | declined
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
