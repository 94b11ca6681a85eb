"""Pairs' plans: a goal and items."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.plans import Plan, PlanItem
from storage.tables import PlanItemRow, PlanRow


class PlansRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, pair_id: int) -> Plan:
        row = await self.session.get(PlanRow, pair_id)
        items = await self.session.scalars(
            select(PlanItemRow).where(PlanItemRow.pair_id == pair_id).order_by(PlanItemRow.id)
        )
        return Plan(
            pair_id,
            row.goal if row else None,
            tuple(PlanItem(i.id, i.text, i.due, i.done_at) for i in items),
        )

    async def set_goal(self, pair_id: int, goal: str, by: int, now: datetime) -> None:
        row = await self.session.get(PlanRow, pair_id)
        if row is None:
            self.session.add(PlanRow(pair_id=pair_id, goal=goal, updated_at=now, updated_by=by))
        else:
            row.goal, row.updated_at, row.updated_by = goal, now, by
        await self.session.flush()

    async def add_item(self, pair_id: int, text: str, due: date | None, by: int, now: datetime) -> int:
        row = PlanItemRow(pair_id=pair_id, text=text, due=due, created_at=now, created_by=by)
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def item_pair(self, item_id: int) -> int | None:
        return await self.session.scalar(select(PlanItemRow.pair_id).where(PlanItemRow.id == item_id))

    async def toggle(self, item_id: int, by: int, now: datetime) -> PlanItem | None:
        row = await self.session.get(PlanItemRow, item_id)
        if row is None:
            return None
        row.done_at, row.done_by = (None, None) if row.done_at else (now, by)
        await self.session.flush()
        return PlanItem(row.id, row.text, row.due, row.done_at)

    async def summaries(self, pair_ids: list[int]) -> dict[int, tuple[str | None, int, int]]:
        """For reports: each pair's goal, items done and items in all."""
        if not pair_ids:
            return {}
        out: dict[int, tuple[str | None, int, int]] = {}
        goals = dict((await self.session.execute(select(PlanRow.pair_id, PlanRow.goal))).all())
        counts = await self.session.execute(
            select(PlanItemRow.pair_id, func.count(PlanItemRow.done_at), func.count(PlanItemRow.id)).group_by(
                PlanItemRow.pair_id
            )
        )
        wanted = set(pair_ids)
        for pid, done, total in counts.all():
            if pid in wanted:
                out[pid] = (goals.get(pid), int(done), int(total))
        for pid, goal in goals.items():
            if pid in wanted and pid not in out:
                out[pid] = (goal, 0, 0)
        return out
