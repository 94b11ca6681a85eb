"""Programmes and their breaks (holidays with no meetings expected)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.catalog import Cadence, Form
from bot.domain.models import OrganisationId, Programme, ProgrammeId
from storage.tables import BreakRow, CuratorRow, ProgrammeRow


def _programme(row: ProgrammeRow) -> Programme:
    return Programme(
        id=ProgrammeId(row.id),
        organisation_id=OrganisationId(row.organisation_id),
        title=row.title,
        forms=tuple(Form(f) for f in row.forms),
        group_format=row.group_format,
        start=row.start_date,
        end=row.end_date,
        timezone=row.timezone,
        cadence=Cadence(row.cadence),
        min_meetings=row.min_meetings,
        stage=row.stage,
        curator_chat_id=row.curator_chat_id,
        archived=row.archived,
        proposal_ttl_hours=row.proposal_ttl_hours,
        mentee_choice=row.mentee_choice,
        weights=dict(row.weights or {}),
        digest_weekday=row.digest_weekday,
        digest_hour=row.digest_hour,
        closing_at=row.closing_at,
        archived_at=row.archived_at,
        chat_members=row.chat_members,
        submodels=tuple(row.submodels or ()),
        directions=tuple(row.directions or ()),
        group_size=row.group_size,
    )


class ProgrammesRepo:
    """Programmes: created by a curator, changed stage by stage, archived at the end."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, programme: Programme, now: datetime) -> Programme:
        row = ProgrammeRow(
            organisation_id=programme.organisation_id,
            title=programme.title,
            forms=[f.value for f in programme.forms],
            group_format=programme.group_format,
            start_date=programme.start,
            end_date=programme.end,
            timezone=programme.timezone,
            cadence=programme.cadence.value,
            min_meetings=programme.min_meetings,
            stage=programme.stage,
            created_at=now,
            submodels=list(programme.submodels),
            directions=list(programme.directions),
        )
        self.session.add(row)
        await self.session.flush()
        return _programme(row)

    async def get(self, programme_id: int) -> Programme | None:
        row = await self.session.get(ProgrammeRow, programme_id)
        return _programme(row) if row else None

    async def of_curator(self, user_id: int, *, archived: bool = False) -> list[Programme]:
        """The programmes this person curates; archived (completed) ones only when asked."""
        query = (
            select(ProgrammeRow)
            .join(CuratorRow, CuratorRow.organisation_id == ProgrammeRow.organisation_id)
            .where(CuratorRow.user_id == user_id)
            .order_by(ProgrammeRow.archived, ProgrammeRow.id)
        )
        if not archived:
            query = query.where(ProgrammeRow.archived.is_(False))
        rows = await self.session.scalars(query)
        return [_programme(r) for r in rows]

    async def update(self, programme_id: int, **values: Any) -> None:
        await self.session.execute(
            update(ProgrammeRow).where(ProgrammeRow.id == programme_id).values(**values)
        )

    async def add_break(self, programme_id: int, start: date, end: date) -> None:
        self.session.add(BreakRow(programme_id=programme_id, start_date=start, end_date=end))
        await self.session.flush()

    async def breaks(self, programme_id: int) -> list[tuple[date, date]]:
        rows = await self.session.execute(
            select(BreakRow.start_date, BreakRow.end_date)
            .where(BreakRow.programme_id == programme_id)
            .order_by(BreakRow.start_date)
        )
        return [(a, b) for a, b in rows.all()]
