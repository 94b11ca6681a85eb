"""The reading side for curators: the digest's snapshot of a programme and the rows of
the reports. A few wide queries each, no query per row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import distinct, func, null, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain.digest import (
    PUPIL_KINDS,
    SnapMeeting,
    SnapPair,
    SnapPerson,
    SnapReflection,
    Snapshot,
)
from storage.tables import (
    BreakRow,
    MeetingRow,
    MenteeProfileRow,
    MentoringGroupRow,
    MentorProfileRow,
    OrganisationRow,
    PairRow,
    ParticipantRow,
    ProgrammeRow,
    ReflectionRow,
    UserRow,
)

COUNTED = ("approved",)  # participants the figures count


@dataclass(frozen=True)
class BaseRow:
    """One person of the base of mentors or mentees, with the model's fields."""

    participant_id: int
    programme: str
    name: str
    username: str | None
    role: str
    status: str
    kind: str | None
    grade: int | None
    experience: int | None
    tags: list[str]
    interests: list[str]
    age: int | None
    trained: bool
    parental_consent: bool
    joined_at: datetime
    capacity: int | None
    needs_support: bool = False  # «нужна поддержка» (curators' reports only)


@dataclass(frozen=True)
class PairReportRow:
    id: int
    programme: str
    mentor_id: int
    mentee_id: int
    mentor: str
    mentee: str
    form: str | None
    status: str
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    outcome: str | None
    end_reason: str | None
    group: int | None = None  # the mentoring group's number in its programme


@dataclass(frozen=True)
class MeetingReportRow:
    pair_id: int
    mentor: str
    mentee: str
    kind: str
    starts_at: datetime
    status: str
    online: bool
    timezone: str
    group_meeting: int | None = None  # one group meeting: a row per member, the same key
    group: int | None = None  # the mentoring group's number in its programme


@dataclass(frozen=True)
class ReflectionAgg:
    pair_id: int
    role: str
    asked: int
    answered: int
    usefulness_mean: float | None
    second_mean: float | None
    last_answered: datetime | None


class ReportsRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def snapshot(self, programme_id: int) -> Snapshot | None:
        """One programme's digest read in a few wide queries."""
        programme = await self.session.get(ProgrammeRow, programme_id)
        if programme is None:
            return None
        org = await self.session.get(OrganisationRow, programme.organisation_id)
        snap = Snapshot(start=programme.start_date, cadence=programme.cadence)
        snap.pupils_total = org.pupils_total if org else None
        snap.people = await self._snap_people(programme_id)
        snap.pairs = await self._snap_pairs(programme_id)
        snap.meetings, snap.reflections = await self._snap_meetings(programme_id)
        breaks = await self.session.execute(
            select(BreakRow.start_date, BreakRow.end_date).where(BreakRow.programme_id == programme_id)
        )
        snap.breaks = [(a, b) for a, b in breaks.all()]
        snap.covered_in_org = await self.covered_pupils(programme.organisation_id)
        return snap

    async def _snap_people(self, programme_id: int) -> list[SnapPerson]:
        people = await self.session.execute(
            select(
                ParticipantRow.id,
                ParticipantRow.role,
                ParticipantRow.name,
                ParticipantRow.joined_at,
                func.coalesce(MentorProfileRow.kind, MenteeProfileRow.kind),
                MentorProfileRow.capacity,
                UserRow.unreachable,
                ParticipantRow.status,
                ParticipantRow.needs_support,
                ParticipantRow.paused_until,
            )
            .join(UserRow, UserRow.id == ParticipantRow.user_id)
            .outerjoin(MentorProfileRow, MentorProfileRow.participant_id == ParticipantRow.id)
            .outerjoin(MenteeProfileRow, MenteeProfileRow.participant_id == ParticipantRow.id)
            .where(ParticipantRow.programme_id == programme_id, ParticipantRow.role != "curator")
            .where(ParticipantRow.status.in_((*COUNTED, "left")))  # the left: on their ended pair
        )
        return [
            SnapPerson(
                pid,
                role,
                name,
                joined,
                kind,
                capacity or 1,
                bool(unreachable),
                status == "left",
                bool(support),
                paused,
            )
            for pid, role, name, joined, kind, capacity, unreachable, status, support, paused in people.all()
        ]

    async def _snap_pairs(self, programme_id: int) -> list[SnapPair]:
        """The programme's pairs, drafts aside."""
        pairs = await self.session.execute(
            select(
                PairRow.id,
                PairRow.mentor_id,
                PairRow.mentee_id,
                PairRow.status,
                PairRow.form,
                PairRow.created_at,
                PairRow.started_at,
                PairRow.ended_at,
                PairRow.end_reason,
                PairRow.group_id,
            ).where(PairRow.programme_id == programme_id, PairRow.status != "draft")
        )
        return [SnapPair(*row[:9], group_id=row[9]) for row in pairs.all()]

    async def _snap_meetings(self, programme_id: int) -> tuple[list[SnapMeeting], list[SnapReflection]]:
        """The programme's meetings and their check-ins."""
        meetings = await self.session.execute(
            select(
                MeetingRow.id,
                MeetingRow.pair_id,
                MeetingRow.starts_at,
                MeetingRow.status,
                MeetingRow.disagreement,
                MeetingRow.group_meeting,
            )
            .join(PairRow, PairRow.id == MeetingRow.pair_id)
            .where(PairRow.programme_id == programme_id)
        )
        snap_meetings = [SnapMeeting(*row) for row in meetings.all()]
        reflections = await self.session.execute(
            select(
                ReflectionRow.meeting_id,
                ReflectionRow.role,
                ReflectionRow.happened,
                ReflectionRow.usefulness,
                ReflectionRow.asked_at,
                ReflectionRow.answered_at,
            )
            .join(MeetingRow, MeetingRow.id == ReflectionRow.meeting_id)
            .join(PairRow, PairRow.id == MeetingRow.pair_id)
            .where(PairRow.programme_id == programme_id)
        )
        return snap_meetings, [SnapReflection(*row) for row in reflections.all()]

    async def covered_pupils(self, org_id: int) -> int:
        """Distinct pupils (school or college) in working pairs across the organisation.
        The organisation's programmes are listed first, so the count reads pairs by
        (programme, status) instead of every working pair of the region."""
        programmes = list(
            await self.session.scalars(select(ProgrammeRow.id).where(ProgrammeRow.organisation_id == org_id))
        )
        if not programmes:
            return 0
        mentee = aliased(ParticipantRow)
        value = await self.session.scalar(
            select(func.count(distinct(mentee.user_id)))
            .select_from(PairRow)
            .join(mentee, mentee.id == PairRow.mentee_id)
            .join(MenteeProfileRow, MenteeProfileRow.participant_id == mentee.id)
            .where(
                PairRow.programme_id.in_(programmes),
                PairRow.status == "active",
                MenteeProfileRow.kind.in_(PUPIL_KINDS),
            )
        )
        return int(value or 0)

    async def set_pupils_total(self, org_id: int, value: int) -> None:
        org = await self.session.get(OrganisationRow, org_id)
        if org is not None:
            org.pupils_total = value
            await self.session.flush()

    # --- reports -------------------------------------------------------------------------

    async def base(self, org_id: int, programme_id: int | None, role: str) -> list[BaseRow]:
        profile: Any = MentorProfileRow if role == "mentor" else MenteeProfileRow
        tags = profile.competencies if role == "mentor" else profile.requests
        capacity = profile.capacity if role == "mentor" else null()  # mentees have no capacity
        query = (
            select(
                ParticipantRow.id,
                ProgrammeRow.title,
                ParticipantRow.name,
                UserRow.username,
                ParticipantRow.role,
                ParticipantRow.status,
                profile.kind,
                profile.grade,
                profile.experience,
                tags,
                profile.interests,
                ParticipantRow.age,
                ParticipantRow.trained,
                ParticipantRow.parental_consent,
                ParticipantRow.joined_at,
                capacity,
                ParticipantRow.needs_support,
            )
            .join(ProgrammeRow, ProgrammeRow.id == ParticipantRow.programme_id)
            .join(UserRow, UserRow.id == ParticipantRow.user_id)
            .outerjoin(profile, profile.participant_id == ParticipantRow.id)
            .where(ProgrammeRow.organisation_id == org_id, ParticipantRow.role == role)
            .order_by(ProgrammeRow.id, ParticipantRow.name, ParticipantRow.id)
        )
        if programme_id is not None:
            query = query.where(ProgrammeRow.id == programme_id)
        rows = await self.session.execute(query)
        return [
            BaseRow(
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], list(r[9] or []), list(r[10] or []),
                r[11], bool(r[12]), bool(r[13]), r[14], r[15], bool(r[16]),
            )
            for r in rows.all()
        ]  # fmt: skip

    async def pairs(self, org_id: int, programme_id: int | None) -> list[PairReportRow]:
        mentor, mentee = aliased(ParticipantRow), aliased(ParticipantRow)
        query = (
            select(
                PairRow.id,
                ProgrammeRow.title,
                PairRow.mentor_id,
                PairRow.mentee_id,
                mentor.name,
                mentee.name,
                PairRow.form,
                PairRow.status,
                PairRow.created_at,
                PairRow.started_at,
                PairRow.ended_at,
                PairRow.outcome,
                PairRow.end_reason,
                MentoringGroupRow.number,
            )
            .join(ProgrammeRow, ProgrammeRow.id == PairRow.programme_id)
            .join(mentor, mentor.id == PairRow.mentor_id)
            .join(mentee, mentee.id == PairRow.mentee_id)
            .outerjoin(MentoringGroupRow, MentoringGroupRow.id == PairRow.group_id)
            .where(ProgrammeRow.organisation_id == org_id, PairRow.status != "draft")
            .order_by(PairRow.id)
        )
        if programme_id is not None:
            query = query.where(ProgrammeRow.id == programme_id)
        rows = (await self.session.execute(query)).all()
        return [PairReportRow(*tuple(row)) for row in rows]

    async def meetings(self, org_id: int, programme_id: int | None) -> list[MeetingReportRow]:
        mentor, mentee = aliased(ParticipantRow), aliased(ParticipantRow)
        query = (
            select(
                MeetingRow.pair_id,
                mentor.name,
                mentee.name,
                MeetingRow.kind,
                MeetingRow.starts_at,
                MeetingRow.status,
                MeetingRow.online,
                ProgrammeRow.timezone,
                MeetingRow.group_meeting,
                MentoringGroupRow.number,
            )
            .join(PairRow, PairRow.id == MeetingRow.pair_id)
            .outerjoin(MentoringGroupRow, MentoringGroupRow.id == PairRow.group_id)
            .join(ProgrammeRow, ProgrammeRow.id == PairRow.programme_id)
            .join(mentor, mentor.id == PairRow.mentor_id)
            .join(mentee, mentee.id == PairRow.mentee_id)
            .where(ProgrammeRow.organisation_id == org_id)
            .order_by(MeetingRow.pair_id, MeetingRow.starts_at)
        )
        if programme_id is not None:
            query = query.where(ProgrammeRow.id == programme_id)
        rows = (await self.session.execute(query)).all()
        return [MeetingReportRow(*row[:8], group_meeting=row[8], group=row[9]) for row in rows]

    async def reflections(self, org_id: int, programme_id: int | None) -> list[ReflectionAgg]:
        query = (
            select(
                MeetingRow.pair_id,
                ReflectionRow.role,
                func.count(ReflectionRow.id),
                func.count(ReflectionRow.answered_at),
                func.avg(ReflectionRow.usefulness),
                func.avg(ReflectionRow.second),
                func.max(ReflectionRow.answered_at),
            )
            .join(MeetingRow, MeetingRow.id == ReflectionRow.meeting_id)
            .join(PairRow, PairRow.id == MeetingRow.pair_id)
            .join(ProgrammeRow, ProgrammeRow.id == PairRow.programme_id)
            .where(ProgrammeRow.organisation_id == org_id)
            .group_by(MeetingRow.pair_id, ReflectionRow.role)
            .order_by(MeetingRow.pair_id, ReflectionRow.role)
        )
        if programme_id is not None:
            query = query.where(ProgrammeRow.id == programme_id)
        rows = (await self.session.execute(query)).all()
        return [
            ReflectionAgg(
                pid,
                role,
                int(asked),
                int(answered),
                float(u) if u is not None else None,
                float(s) if s is not None else None,
                last if isinstance(last, datetime) or last is None else datetime.fromisoformat(str(last)),
            )
            for pid, role, asked, answered, u, s, last in rows
        ]

    async def largest_organisation(self) -> int | None:
        return await self.session.scalar(
            select(ProgrammeRow.organisation_id)
            .join(ParticipantRow, ParticipantRow.programme_id == ProgrammeRow.id)
            .group_by(ProgrammeRow.organisation_id)
            .order_by(func.count().desc())
            .limit(1)
        )

    async def organisation_ids(self) -> list[int]:
        return list(await self.session.scalars(select(OrganisationRow.id).order_by(OrganisationRow.id)))

    async def programme_ids(self, org_id: int | None = None) -> list[int]:
        query = select(ProgrammeRow.id).order_by(ProgrammeRow.id)
        if org_id is not None:
            query = query.where(ProgrammeRow.organisation_id == org_id)
        return list(await self.session.scalars(query))

    async def programme_of_chat(self, chat_id: int) -> int | None:
        """The open programme whose curators' group this chat is."""
        return await self.session.scalar(
            select(ProgrammeRow.id)
            .where(ProgrammeRow.curator_chat_id == chat_id, ProgrammeRow.archived.is_(False))
            .order_by(ProgrammeRow.id)
            .limit(1)
        )

    async def digest_programmes(self) -> list[tuple[int, int, str, int, int]]:
        """Programmes that get a weekly digest: (id, chat, timezone, weekday, hour)."""
        rows = await self.session.execute(
            select(
                ProgrammeRow.id,
                ProgrammeRow.curator_chat_id,
                ProgrammeRow.timezone,
                ProgrammeRow.digest_weekday,
                ProgrammeRow.digest_hour,
            ).where(ProgrammeRow.archived.is_(False), ProgrammeRow.curator_chat_id.is_not(None))
        )
        return [(a, int(b or 0), c, d, e) for a, b, c, d, e in rows.all()]
