"""Safety reports («Сообщить куратору»): written once, read by curators, closed once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.safety import Concern, SafetyReport
from storage.tables import SafetyReportRow


def _report(row: SafetyReportRow) -> SafetyReport:
    return SafetyReport(
        row.id,
        row.programme_id,
        row.pair_id,
        row.participant_id,
        row.user_id,
        Concern(row.concern),
        row.note,
        row.created_at,
        row.resolved_at,
        row.resolved_by,
    )


class SafetyRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        programme_id: int,
        pair_id: int | None,
        participant_id: int,
        user_id: int,
        concern: Concern,
        note: str | None,
        now: datetime,
    ) -> SafetyReport:
        row = SafetyReportRow(
            programme_id=programme_id,
            pair_id=pair_id,
            participant_id=participant_id,
            user_id=user_id,
            concern=concern.value,
            note=note,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return _report(row)

    async def get(self, report_id: int) -> SafetyReport | None:
        row = await self.session.get(SafetyReportRow, report_id)
        return _report(row) if row is not None else None

    async def open_in(self, programme_ids: Sequence[int]) -> list[SafetyReport]:
        """Open reports of these programmes, oldest first."""
        if not programme_ids:
            return []
        rows = await self.session.scalars(
            select(SafetyReportRow)
            .where(SafetyReportRow.programme_id.in_(programme_ids), SafetyReportRow.resolved_at.is_(None))
            .order_by(SafetyReportRow.id)
        )
        return [_report(r) for r in rows]

    async def resolve(self, report_id: int, by: int, now: datetime) -> None:
        row = await self.session.get(SafetyReportRow, report_id)
        if row is not None:
            row.resolved_at, row.resolved_by = now, by
            await self.session.flush()
