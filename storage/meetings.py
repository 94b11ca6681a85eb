"""Meetings of pairs and the private check-ins (reflections) after them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.meetings import Kind, Meeting, MeetingStatus
from bot.domain.pairs import PairStatus
from storage.tables import MeetingRow, PairRow, ReflectionRow


def _meeting(row: MeetingRow) -> Meeting:
    return Meeting(
        id=row.id,
        pair_id=row.pair_id,
        kind=Kind(row.kind),
        starts_at=row.starts_at,
        online=row.online,
        place=row.place,
        status=MeetingStatus(row.status),
        proposed_by=row.proposed_by,
        duration_min=row.duration_min,
        disagreement=row.disagreement,
        group_meeting=row.group_meeting,
    )


class Reflection(NamedTuple):
    id: int
    meeting_id: int
    participant_id: int
    role: str
    happened: str | None
    usefulness: int | None
    second: int | None
    done_text: str | None
    next_text: str | None
    asked_at: datetime
    answered_at: datetime | None
    reminded: bool


def _reflection(r: ReflectionRow) -> Reflection:
    return Reflection(
        r.id,
        r.meeting_id,
        r.participant_id,
        r.role,
        r.happened,
        r.usefulness,
        r.second,
        r.done_text,
        r.next_text,
        r.asked_at,
        r.answered_at,
        r.reminded,
    )


class MeetingsRepo:
    """Meetings (proposed, confirmed, moved, cancelled) and their check-ins."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(
        self,
        pair_id: int,
        kind: Kind,
        starts_at: datetime,
        online: bool,
        place: str | None,
        status: MeetingStatus,
        proposed_by: int,
        now: datetime,
        group_meeting: int | None = None,
    ) -> Meeting:
        row = MeetingRow(
            group_meeting=group_meeting,
            pair_id=pair_id,
            kind=kind.value,
            starts_at=starts_at,
            online=online,
            place=place,
            status=status.value,
            proposed_by=proposed_by,
            created_at=now,
            duration_min=60,
        )
        self.session.add(row)
        await self.session.flush()
        return _meeting(row)

    async def of_group_meeting(self, group_meeting: int) -> list[Meeting]:
        """A group meeting's rows, one per member (the first row's id is the key)."""
        rows = await self.session.scalars(
            select(MeetingRow).where(MeetingRow.group_meeting == group_meeting).order_by(MeetingRow.id)
        )
        return [_meeting(r) for r in rows]

    async def asked_in_group(self, group_meeting: int, participant_id: int) -> bool:
        """The mentor was already asked about this group meeting (on any member's row)."""
        found = await self.session.scalar(
            select(ReflectionRow.id)
            .join(MeetingRow, MeetingRow.id == ReflectionRow.meeting_id)
            .where(MeetingRow.group_meeting == group_meeting, ReflectionRow.participant_id == participant_id)
            .limit(1)
        )
        return found is not None

    async def open_proposals(self, pair_id: int, now: datetime) -> int:
        """The pair's proposals still waiting for an answer (their time not yet come)."""
        count = await self.session.scalar(
            select(func.count(MeetingRow.id)).where(
                MeetingRow.pair_id == pair_id,
                MeetingRow.status == MeetingStatus.PROPOSED.value,
                MeetingRow.starts_at > now,
            )
        )
        return int(count or 0)

    async def get(self, meeting_id: int) -> Meeting | None:
        row = await self.session.get(MeetingRow, meeting_id)
        return _meeting(row) if row else None

    async def update(self, meeting_id: int, **values: Any) -> None:
        for key in ("status", "kind"):
            if key in values and hasattr(values[key], "value"):
                values[key] = values[key].value
        await self.session.execute(update(MeetingRow).where(MeetingRow.id == meeting_id).values(**values))

    async def of_pair(self, pair_id: int) -> list[Meeting]:
        rows = await self.session.scalars(
            select(MeetingRow).where(MeetingRow.pair_id == pair_id).order_by(MeetingRow.starts_at)
        )
        return [_meeting(r) for r in rows]

    async def confirmed_between(self, start: datetime, end: datetime) -> list[Meeting]:
        rows = await self.session.scalars(
            select(MeetingRow)
            .where(
                MeetingRow.status == MeetingStatus.CONFIRMED.value,
                MeetingRow.starts_at >= start,
                MeetingRow.starts_at < end,
            )
            .order_by(MeetingRow.starts_at)
        )
        return [_meeting(r) for r in rows]

    async def proposed_before(self, created_before: datetime) -> list[Meeting]:
        rows = await self.session.scalars(
            select(MeetingRow).where(
                MeetingRow.status == MeetingStatus.PROPOSED.value, MeetingRow.created_at <= created_before
            )
        )
        return [_meeting(r) for r in rows]

    async def without_checkins(self, start: datetime, end: datetime) -> list[Meeting]:
        """Confirmed meetings in [start, end) whose check-ins have not all been asked yet."""
        asked = (
            select(ReflectionRow.meeting_id, func.count().label("n"))
            .group_by(ReflectionRow.meeting_id)
            .subquery()
        )
        rows = await self.session.scalars(
            select(MeetingRow)
            .outerjoin(asked, asked.c.meeting_id == MeetingRow.id)
            .where(
                MeetingRow.status == MeetingStatus.CONFIRMED.value,
                MeetingRow.starts_at >= start,
                MeetingRow.starts_at < end,
                func.coalesce(asked.c.n, 0) < 2,
            )
            .order_by(MeetingRow.starts_at)
        )
        return [_meeting(r) for r in rows]

    async def silent_pairs(self, before: datetime) -> list[tuple[int, datetime]]:
        """Active pairs whose latest confirmed meeting (or start) is at or before ``before``,
        with that moment: one query for all pairs."""
        last = (
            select(MeetingRow.pair_id, func.max(MeetingRow.starts_at).label("last"))
            .where(MeetingRow.status == MeetingStatus.CONFIRMED.value)
            .group_by(MeetingRow.pair_id)
            .subquery()
        )
        rows = await self.session.execute(
            select(PairRow.id, PairRow.started_at, last.c.last)
            .outerjoin(last, last.c.pair_id == PairRow.id)
            .where(PairRow.status == PairStatus.ACTIVE.value)
        )
        out = []
        for pair_id, started, met in rows.all():
            moment = max((x for x in (started, met) if x is not None), default=None)
            if moment is not None and moment <= before:
                out.append((int(pair_id), moment))
        return out

    async def last_activity(self, pair_id: int) -> datetime | None:
        """The latest confirmed meeting's start, past or future."""
        return await self.session.scalar(
            select(func.max(MeetingRow.starts_at)).where(
                MeetingRow.pair_id == pair_id, MeetingRow.status == MeetingStatus.CONFIRMED.value
            )
        )

    async def ask(self, meeting_id: int, participant_id: int, role: str, now: datetime) -> bool:
        exists = await self.session.scalar(
            select(ReflectionRow.id).where(
                ReflectionRow.meeting_id == meeting_id, ReflectionRow.participant_id == participant_id
            )
        )
        if exists is not None:
            return False
        self.session.add(
            ReflectionRow(
                meeting_id=meeting_id, participant_id=participant_id, role=role, asked_at=now, reminded=False
            )
        )
        await self.session.flush()
        return True

    async def reflection(self, meeting_id: int, participant_id: int) -> Reflection | None:
        row = await self.session.scalar(
            select(ReflectionRow).where(
                ReflectionRow.meeting_id == meeting_id, ReflectionRow.participant_id == participant_id
            )
        )
        return _reflection(row) if row else None

    async def reflections(self, meeting_id: int) -> list[Reflection]:
        rows = await self.session.scalars(
            select(ReflectionRow).where(ReflectionRow.meeting_id == meeting_id).order_by(ReflectionRow.id)
        )
        return [_reflection(r) for r in rows]

    async def answer(self, reflection_id: int, **values: Any) -> None:
        await self.session.execute(
            update(ReflectionRow).where(ReflectionRow.id == reflection_id).values(**values)
        )

    async def unanswered(self, asked_before: datetime) -> list[Reflection]:
        rows = await self.session.scalars(
            select(ReflectionRow).where(
                ReflectionRow.answered_at.is_(None),
                ReflectionRow.reminded.is_(False),
                ReflectionRow.asked_at <= asked_before,
            )
        )
        return [_reflection(r) for r in rows]
