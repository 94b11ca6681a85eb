"""The school's mentor base: a record per (organisation, person) with the last profile and
the training mark, the history of programmes served, and invitations from the base into a
programme. Returns domain objects; never commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.base import BaseInvite, BaseMentor, History, InviteSource, InviteStatus
from bot.domain.catalog import MeetFormat, Role, Status
from bot.domain.models import OrganisationId, Profile, ProgrammeId, UserId
from storage.tables import (
    BaseHistoryRow,
    BaseInviteRow,
    BaseMentorRow,
    MeetingRow,
    PairRow,
    ParticipantRow,
    ProgrammeRow,
    ReflectionRow,
    SurveyItemRow,
)


def _profile(row: BaseMentorRow) -> Profile | None:
    if row.kind is None or row.format is None:
        return None
    return Profile(
        role=Role.MENTOR,
        kind=row.kind,
        grade=row.grade,
        experience=row.experience,
        tags=tuple(row.competencies or ()),
        interests=tuple(row.interests or ()),
        capacity=row.capacity,
        slots=tuple(row.slots or ()),
        format=MeetFormat(row.format),
    )


def _mentor(row: BaseMentorRow, history: Sequence[History] = (), running: Sequence[int] = ()) -> BaseMentor:
    return BaseMentor(
        id=row.id,
        organisation_id=OrganisationId(row.organisation_id),
        user_id=UserId(row.user_id),
        name=row.name,
        age=row.age,
        candidate=row.candidate,
        profile=_profile(row),
        trained=row.trained,
        trained_at=row.trained_at,
        active_at=row.active_at,
        history=tuple(history),
        running=tuple(running),
    )


def _invite(row: BaseInviteRow) -> BaseInvite:
    return BaseInvite(
        id=row.id,
        programme_id=ProgrammeId(row.programme_id),
        user_id=UserId(row.user_id),
        role=Role(row.role),
        source=InviteSource(row.source),
        status=InviteStatus(row.status),
        from_participant=row.from_participant,
    )


def _mean(value: Any) -> float | None:
    return round(float(value), 1) if value is not None else None


class BaseRepo:
    """The mentor base of each organisation and its invitations."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _row(self, org_id: int, user_id: int) -> BaseMentorRow | None:
        return await self.session.scalar(
            select(BaseMentorRow).where(
                BaseMentorRow.organisation_id == org_id, BaseMentorRow.user_id == user_id
            )
        )

    async def find(self, org_id: int, user_id: int) -> BaseMentor | None:
        row = await self._row(org_id, user_id)
        return _mentor(row) if row else None

    async def get(self, mentor_id: int) -> BaseMentor | None:
        row = await self.session.get(BaseMentorRow, mentor_id)
        return _mentor(row) if row else None

    async def remember(
        self,
        org_id: int,
        user_id: int,
        name: str,
        age: int | None,
        profile: Profile | None,
        trained: bool,
        now: datetime,
    ) -> BaseMentor:
        """A mentor's record is created or refreshed (profile, name, last activity); the
        trained mark is only ever added. ``profile`` None: an alumni candidate."""
        row = await self._row(org_id, user_id)
        if row is None:
            row = BaseMentorRow(
                organisation_id=org_id,
                user_id=user_id,
                candidate=profile is None,
                capacity=1,
                trained=False,
                created_at=now,
            )
            self.session.add(row)
        row.name, row.age, row.active_at = name, age, now
        if profile is not None:
            row.kind, row.grade, row.experience = profile.kind, profile.grade, profile.experience
            row.competencies, row.interests = list(profile.tags), list(profile.interests)
            row.capacity, row.slots, row.format = profile.capacity, list(profile.slots), profile.format.value
        else:
            row.candidate = True
        if trained and not row.trained:
            row.trained, row.trained_at = True, now
        await self.session.flush()
        return _mentor(row)

    async def of_organisation(self, org_id: int, now: datetime) -> list[BaseMentor]:
        """Everyone in the school's base, with their history and running programmes."""
        rows = list(
            await self.session.scalars(
                select(BaseMentorRow)
                .where(BaseMentorRow.organisation_id == org_id)
                .order_by(BaseMentorRow.id)
            )
        )
        history: dict[int, list[History]] = defaultdict(list)
        for h in await self.session.scalars(
            select(BaseHistoryRow)
            .where(BaseHistoryRow.mentor_id.in_([r.id for r in rows]))
            .order_by(BaseHistoryRow.finished_at)
        ):
            history[h.mentor_id].append(
                History(h.programme_id, h.title, h.mentees, h.meetings, h.satisfaction)
            )
        running = await self._running(org_id, now)
        by_user = {r.user_id: r.id for r in rows}
        for user_id, items in running.items():
            if user_id in by_user:
                history[by_user[user_id]].extend(items)
        return [_mentor(r, history[r.id], [h.programme_id for h in running.get(r.user_id, [])]) for r in rows]

    async def _running(self, org_id: int, now: datetime) -> dict[int, list[History]]:
        """Mentors of the school's running programmes, with what they did there so far."""
        parts = (
            await self.session.execute(
                select(ParticipantRow.id, ParticipantRow.user_id, ProgrammeRow.id, ProgrammeRow.title)
                .join(ProgrammeRow, ProgrammeRow.id == ParticipantRow.programme_id)
                .where(
                    ProgrammeRow.organisation_id == org_id,
                    ProgrammeRow.archived.is_(False),
                    ParticipantRow.role == Role.MENTOR.value,
                    ParticipantRow.status == Status.APPROVED.value,
                )
            )
        ).all()
        stats = await self.stats([p[0] for p in parts], now)
        out: dict[int, list[History]] = defaultdict(list)
        for part_id, user_id, programme_id, title in parts:
            mentees, meetings, satisfaction = stats.get(part_id, (0, 0, None))
            out[user_id].append(History(programme_id, title, mentees, meetings, satisfaction, running=True))
        return out

    async def stats(
        self, mentor_part_ids: Sequence[int], now: datetime
    ) -> dict[int, tuple[int, int, float | None]]:
        """Per mentor participant: mentees worked with, meetings held (confirmed, past, and
        nobody said it did not happen, as in the digest), the mean usefulness in their
        mentees' check-ins."""
        if not mentor_part_ids:
            return {}
        ids = list(mentor_part_ids)
        started = PairRow.started_at.is_not(None)
        mentees = await self._per_mentor(
            select(PairRow.mentor_id, func.count(func.distinct(PairRow.mentee_id))).where(
                PairRow.mentor_id.in_(ids), started
            )
        )
        not_held = select(ReflectionRow.meeting_id).where(ReflectionRow.happened.in_(("no", "moved")))
        held = await self._per_mentor(
            select(PairRow.mentor_id, func.count(MeetingRow.id))
            .join(MeetingRow, MeetingRow.pair_id == PairRow.id)
            .where(
                PairRow.mentor_id.in_(ids),
                MeetingRow.status == "confirmed",
                MeetingRow.starts_at <= now,
                MeetingRow.id.not_in(not_held),
            )
        )
        useful = await self._per_mentor(
            select(PairRow.mentor_id, func.avg(ReflectionRow.usefulness))
            .join(MeetingRow, MeetingRow.pair_id == PairRow.id)
            .join(ReflectionRow, ReflectionRow.meeting_id == MeetingRow.id)
            .where(
                PairRow.mentor_id.in_(ids),
                ReflectionRow.role == Role.MENTEE.value,
                ReflectionRow.usefulness.is_not(None),
            )
        )
        return {i: (int(mentees.get(i) or 0), int(held.get(i) or 0), _mean(useful.get(i))) for i in ids}

    async def _per_mentor(self, query: Select[Any, Any]) -> dict[int, Any]:
        rows = await self.session.execute(query.group_by(PairRow.mentor_id))
        return {int(k): v for k, v in rows.all()}

    async def add_history(self, mentor_id: int, h: History, outcomes: dict[str, int], now: datetime) -> None:
        """The finished programme joins the mentor's record (once per programme)."""
        exists = await self.session.scalar(
            select(BaseHistoryRow.id).where(
                BaseHistoryRow.mentor_id == mentor_id, BaseHistoryRow.programme_id == h.programme_id
            )
        )
        if exists is not None:
            return
        self.session.add(
            BaseHistoryRow(
                mentor_id=mentor_id,
                programme_id=h.programme_id,
                title=h.title,
                mentees=h.mentees,
                meetings=h.meetings,
                satisfaction=h.satisfaction,
                outcomes=outcomes,
                finished_at=now,
            )
        )
        await self.session.execute(
            update(BaseMentorRow).where(BaseMentorRow.id == mentor_id).values(active_at=now)
        )
        await self.session.flush()

    async def outcomes(self, mentor_part_id: int) -> dict[str, int]:
        rows = await self.session.execute(
            select(PairRow.outcome, func.count())
            .where(PairRow.mentor_id == mentor_part_id, PairRow.started_at.is_not(None))
            .group_by(PairRow.outcome)
        )
        return {str(o or "unknown"): int(n) for o, n in rows.all()}

    async def copy_survey_items(self, source_id: int, target_id: int) -> int:
        """A copied programme's questionnaire: the previous one's questions as the curator
        left them (switched off, added, reworded)."""
        rows = list(
            await self.session.scalars(
                select(SurveyItemRow)
                .where(SurveyItemRow.programme_id == source_id)
                .order_by(SurveyItemRow.id)
            )
        )
        for r in rows:
            self.session.add(
                SurveyItemRow(
                    programme_id=target_id,
                    role=r.role,
                    position=r.position,
                    kind=r.kind,
                    code=r.code,
                    text_ru=r.text_ru,
                    text_en=r.text_en,
                    active=r.active,
                )
            )
        await self.session.flush()
        return len(rows)

    async def drop_stale(self, before: datetime) -> int:
        """Records untouched since ``before`` (housekeeping: docs/privacy.md)."""
        result = await self.session.execute(delete(BaseMentorRow).where(BaseMentorRow.active_at < before))
        return int(getattr(result, "rowcount", 0) or 0)

    # invitations

    async def invite(
        self,
        programme_id: int,
        user_id: int,
        role: Role,
        source: InviteSource,
        by: int,
        now: datetime,
        from_participant: int | None = None,
    ) -> BaseInvite | None:
        """A new invitation; None when this person was already asked to this programme."""
        exists = await self.session.scalar(
            select(BaseInviteRow.id).where(
                BaseInviteRow.programme_id == programme_id, BaseInviteRow.user_id == user_id
            )
        )
        if exists is not None:
            return None
        row = BaseInviteRow(
            programme_id=programme_id,
            user_id=user_id,
            role=role.value,
            source=source.value,
            from_participant=from_participant,
            status=InviteStatus.PENDING.value,
            created_by=by,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return _invite(row)

    async def get_invite(self, invite_id: int) -> BaseInvite | None:
        row = await self.session.get(BaseInviteRow, invite_id)
        return _invite(row) if row else None

    async def inviter(self, invite_id: int) -> int | None:
        """The curator who sent the invitation (decides the enrolment it leads to)."""
        return await self.session.scalar(
            select(BaseInviteRow.created_by).where(BaseInviteRow.id == invite_id)
        )

    async def answer_invite(self, invite_id: int, status: InviteStatus, now: datetime) -> bool:
        """True if this answer settled a pending invitation (a second press changes nothing)."""
        result = await self.session.execute(
            update(BaseInviteRow)
            .where(BaseInviteRow.id == invite_id, BaseInviteRow.status == InviteStatus.PENDING.value)
            .values(status=status.value, answered_at=now)
        )
        return bool(getattr(result, "rowcount", 0))

    async def invited(self, programme_id: int) -> dict[int, InviteStatus]:
        """Who was asked to this programme (user id → the answer so far)."""
        rows = await self.session.execute(
            select(BaseInviteRow.user_id, BaseInviteRow.status).where(
                BaseInviteRow.programme_id == programme_id
            )
        )
        return {int(u): InviteStatus(s) for u, s in rows.all()}

    async def in_programme(self, programme_id: int) -> set[int]:
        """People already taking part in the programme (any status but «left»)."""
        rows = await self.session.scalars(
            select(ParticipantRow.user_id).where(
                ParticipantRow.programme_id == programme_id, ParticipantRow.status != Status.LEFT.value
            )
        )
        return set(rows)
