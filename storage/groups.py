"""Mentoring groups: a mentor's group in a programme. Its members are pair rows that carry
the group's id (``storage/pairs.py``, ``PairsRepo.of_group``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.groups import Group, GroupStatus
from storage.tables import MentoringGroupRow, PairRow


def _group(row: MentoringGroupRow) -> Group:
    return Group(row.id, row.programme_id, row.mentor_id, row.number, GroupStatus(row.status))


class GroupsRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, programme_id: int, mentor_id: int, status: GroupStatus, now: datetime) -> Group:
        last = await self.session.scalar(
            select(func.max(MentoringGroupRow.number)).where(MentoringGroupRow.programme_id == programme_id)
        )
        row = MentoringGroupRow(
            programme_id=programme_id,
            mentor_id=mentor_id,
            number=(last or 0) + 1,
            status=status.value,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return _group(row)

    async def get(self, group_id: int) -> Group | None:
        row = await self.session.get(MentoringGroupRow, group_id)
        return _group(row) if row else None

    async def in_programme(self, programme_id: int, statuses: Sequence[GroupStatus]) -> list[Group]:
        rows = await self.session.scalars(
            select(MentoringGroupRow)
            .where(
                MentoringGroupRow.programme_id == programme_id,
                MentoringGroupRow.status.in_([s.value for s in statuses]),
            )
            .order_by(MentoringGroupRow.number)
        )
        return [_group(r) for r in rows]

    async def of_mentor(self, mentor_id: int, statuses: Sequence[GroupStatus]) -> Group | None:
        """The mentor's open group (a mentor leads one group in a programme)."""
        row = await self.session.scalar(
            select(MentoringGroupRow)
            .where(
                MentoringGroupRow.mentor_id == mentor_id,
                MentoringGroupRow.status.in_([s.value for s in statuses]),
            )
            .order_by(MentoringGroupRow.id.desc())
            .limit(1)
        )
        return _group(row) if row else None

    async def set_status(self, group_id: int, status: GroupStatus) -> None:
        await self.session.execute(
            update(MentoringGroupRow).where(MentoringGroupRow.id == group_id).values(status=status.value)
        )

    async def delete_empty_drafts(self, programme_id: int) -> None:
        """Draft groups no pair points at any more (the draft was run again or edited)."""
        used = select(PairRow.group_id).where(PairRow.group_id.is_not(None))
        await self.session.execute(
            delete(MentoringGroupRow).where(
                MentoringGroupRow.programme_id == programme_id,
                MentoringGroupRow.status == GroupStatus.DRAFT.value,
                MentoringGroupRow.id.not_in(used),
            )
        )
