"""Participants of programmes (a person's part in one programme) with their profiles, the
curator's decisions about them and a parent's consent for a minor."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.catalog import MeetFormat, Role, Status
from bot.domain.models import Page, Participant, ParticipantId, Profile, ProgrammeCounts, ProgrammeId, UserId
from storage.tables import ConsentRow, MenteeProfileRow, MentorProfileRow, ParticipantRow, UserRow


def _participant(
    row: ParticipantRow, profile: Profile | None = None, username: str | None = None
) -> Participant:
    return Participant(
        id=ParticipantId(row.id),
        programme_id=ProgrammeId(row.programme_id),
        user_id=UserId(row.user_id),
        role=Role(row.role),
        status=Status(row.status),
        name=row.name,
        age=row.age,
        parental_consent=row.parental_consent,
        trained=row.trained,
        joined_at=row.joined_at,
        profile=profile,
        username=username,
        priority=row.priority,
        paused_until=row.paused_until,
        needs_support=row.needs_support,
    )


def _mentor_profile(row: MentorProfileRow) -> Profile:
    return Profile(
        role=Role.MENTOR,
        kind=row.kind,
        grade=row.grade,
        experience=row.experience,
        tags=tuple(row.competencies),
        interests=tuple(row.interests),
        capacity=row.capacity,
        slots=tuple(row.slots),
        format=MeetFormat(row.format),
        profession=row.profession,
    )


def _mentee_profile(row: MenteeProfileRow) -> Profile:
    return Profile(
        role=Role.MENTEE,
        kind=row.kind,
        grade=row.grade,
        experience=row.experience,
        tags=tuple(row.requests),
        interests=tuple(row.interests),
        slots=tuple(row.slots),
        format=MeetFormat(row.format),
    )


class ParticipantsRepo:
    """Participants and their profiles."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, participant_id: int) -> Participant | None:
        row = await self.session.get(ParticipantRow, participant_id)
        if row is None:
            return None
        user = await self.session.get(UserRow, row.user_id)
        return _participant(row, await self._profile(row), user.username if user else None)

    async def find(self, programme_id: int, user_id: int) -> Participant | None:
        row = await self.session.scalar(
            select(ParticipantRow).where(
                ParticipantRow.programme_id == programme_id, ParticipantRow.user_id == user_id
            )
        )
        return _participant(row, await self._profile(row)) if row else None

    async def participations(self, user_id: int) -> list[Participant]:
        rows = (
            await self.session.scalars(
                select(ParticipantRow)
                .where(ParticipantRow.user_id == user_id, ParticipantRow.status != Status.LEFT.value)
                .order_by(ParticipantRow.id)
            )
        ).all()
        return [_participant(r, await self._profile(r)) for r in rows]

    async def members(self, programme_id: int, status: Status = Status.APPROVED) -> list[Participant]:
        """Participants with their profiles and usernames, in three queries."""
        rows = list(
            await self.session.scalars(
                select(ParticipantRow)
                .where(ParticipantRow.programme_id == programme_id, ParticipantRow.status == status.value)
                .order_by(ParticipantRow.id)
            )
        )
        ids = [r.id for r in rows]
        mentors = {
            r.participant_id: r
            for r in await self.session.scalars(
                select(MentorProfileRow).where(MentorProfileRow.participant_id.in_(ids))
            )
        }
        mentees = {
            r.participant_id: r
            for r in await self.session.scalars(
                select(MenteeProfileRow).where(MenteeProfileRow.participant_id.in_(ids))
            )
        }
        names = dict(
            (
                await self.session.execute(
                    select(UserRow.id, UserRow.username).where(UserRow.id.in_({r.user_id for r in rows}))
                )
            ).all()
        )
        out = []
        for r in rows:
            profile = (
                _mentor_profile(mentors[r.id])
                if r.id in mentors
                else _mentee_profile(mentees[r.id])
                if r.id in mentees
                else None
            )
            out.append(_participant(r, profile, names.get(r.user_id)))
        return out

    async def _profile(self, row: ParticipantRow) -> Profile | None:
        if row.role == Role.MENTOR.value:
            mentor = await self.session.get(MentorProfileRow, row.id)
            return _mentor_profile(mentor) if mentor else None
        if row.role == Role.MENTEE.value:
            mentee = await self.session.get(MenteeProfileRow, row.id)
            return _mentee_profile(mentee) if mentee else None
        return None

    async def create(
        self,
        programme_id: int,
        user_id: int,
        name: str,
        age: int | None,
        profile: Profile,
        now: datetime,
    ) -> Participant:
        row = ParticipantRow(
            programme_id=programme_id,
            user_id=user_id,
            role=profile.role.value,
            status=Status.PENDING.value,
            name=name,
            age=age,
            joined_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        await self.save_profile(ParticipantId(row.id), profile)
        return _participant(row, profile)

    async def save_profile(self, participant_id: ParticipantId, profile: Profile) -> None:
        if profile.role is Role.MENTOR:
            await self.session.merge(
                MentorProfileRow(
                    participant_id=participant_id,
                    kind=profile.kind,
                    grade=profile.grade,
                    experience=profile.experience,
                    competencies=list(profile.tags),
                    interests=list(profile.interests),
                    capacity=profile.capacity,
                    slots=list(profile.slots),
                    format=profile.format.value,
                    profession=profile.profession,
                )
            )
        else:
            await self.session.merge(
                MenteeProfileRow(
                    participant_id=participant_id,
                    kind=profile.kind,
                    grade=profile.grade,
                    experience=profile.experience,
                    requests=list(profile.tags),
                    interests=list(profile.interests),
                    slots=list(profile.slots),
                    format=profile.format.value,
                )
            )
        await self.session.flush()

    async def rename(self, participant_id: int, name: str) -> None:
        await self.session.execute(
            update(ParticipantRow).where(ParticipantRow.id == participant_id).values(name=name)
        )

    async def decide(
        self, participant_id: int, status: Status, trained: bool, by: int, now: datetime
    ) -> None:
        await self.session.execute(
            update(ParticipantRow)
            .where(ParticipantRow.id == participant_id)
            .values(status=status.value, trained=trained, decided_by=by, decided_at=now)
        )

    async def set_needs_support(self, participant_id: int, value: bool) -> None:
        await self.session.execute(
            update(ParticipantRow).where(ParticipantRow.id == participant_id).values(needs_support=value)
        )

    async def set_trained(self, participant_id: int, value: bool) -> None:
        """The "trained" mark carried over from the school's mentor base."""
        await self.session.execute(
            update(ParticipantRow).where(ParticipantRow.id == participant_id).values(trained=value)
        )

    async def set_pause(self, participant_id: int, until: date | None) -> None:
        await self.session.execute(
            update(ParticipantRow).where(ParticipantRow.id == participant_id).values(paused_until=until)
        )

    async def end_pauses(self, today: date) -> int:
        """Pauses whose day has come are over (the card stops saying «на паузе»)."""
        result = await self.session.execute(
            update(ParticipantRow)
            .where(ParticipantRow.paused_until.is_not(None), ParticipantRow.paused_until <= today)
            .values(paused_until=None)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def paused(self, today: date) -> set[int]:
        """Participants on a pause today (few: an indexed read, once per scheduler tick)."""
        rows = await self.session.scalars(
            select(ParticipantRow.id).where(ParticipantRow.paused_until > today)
        )
        return set(rows)

    async def set_priority(self, participant_ids: list[int], value: bool) -> None:
        if participant_ids:
            await self.session.execute(
                update(ParticipantRow).where(ParticipantRow.id.in_(participant_ids)).values(priority=value)
            )

    async def confirm_parental_consent(self, participant_id: int, by: int, now: datetime) -> None:
        row = await self.session.get(ParticipantRow, participant_id)
        if row is None:
            return
        row.parental_consent = True
        self.session.add(
            ConsentRow(
                user_id=row.user_id,
                participant_id=row.id,
                text_version="parental-paper",
                on_behalf="parent",
                given_at=now,
                confirmed_by=by,
            )
        )
        await self.session.flush()

    async def page(
        self,
        programme_id: int,
        role: Role | None = None,
        status: Status | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> Page:
        where = [ParticipantRow.programme_id == programme_id]
        if role is not None:
            where.append(ParticipantRow.role == role.value)
        if status is not None:
            where.append(ParticipantRow.status == status.value)
        total = await self.session.scalar(select(func.count()).where(*where)) or 0
        rows = await self.session.scalars(
            select(ParticipantRow).where(*where).order_by(ParticipantRow.id).offset(offset).limit(limit)
        )
        return Page([_participant(r) for r in rows], total)

    async def awaiting_parental_consent(self, programme_id: int, limit: int = 50) -> Page:
        """Minors (pending or approved) whose parent's consent the curator has not marked."""
        where = [
            ParticipantRow.programme_id == programme_id,
            ParticipantRow.status != "left",
            ParticipantRow.age < 18,
            ParticipantRow.parental_consent.is_(False),
        ]
        total = await self.session.scalar(select(func.count()).where(*where)) or 0
        rows = await self.session.scalars(
            select(ParticipantRow).where(*where).order_by(ParticipantRow.id).limit(limit)
        )
        return Page([_participant(r) for r in rows], total)

    async def counts(self, programme_id: int) -> ProgrammeCounts:
        rows: Sequence[Any] = (
            await self.session.execute(
                select(
                    ParticipantRow.role,
                    ParticipantRow.status,
                    ParticipantRow.age,
                    ParticipantRow.parental_consent,
                ).where(ParticipantRow.programme_id == programme_id)
            )
        ).all()
        mentors = sum(1 for r in rows if r[0] == "mentor" and r[1] == "approved")
        mentees = sum(1 for r in rows if r[0] == "mentee" and r[1] == "approved")
        pending = sum(1 for r in rows if r[1] == "pending")
        waiting = sum(1 for r in rows if r[1] != "left" and r[2] is not None and r[2] < 18 and not r[3])
        return ProgrammeCounts(mentors, mentees, pending, waiting)
