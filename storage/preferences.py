"""«Быстрые встречи»: the candidates each participant was shown and their ranking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import PreferenceRow


@dataclass(frozen=True)
class Preference:
    id: int
    programme_id: int
    participant_id: int
    candidates: tuple[int, ...]
    ranked: tuple[int, ...]
    done: bool


def _pref(r: PreferenceRow) -> Preference:
    return Preference(
        r.id, r.programme_id, r.participant_id, tuple(r.candidates), tuple(r.ranked), r.done_at is not None
    )


class PreferencesRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def start(self, programme_id: int, shown: dict[int, list[int]], now: datetime) -> dict[int, int]:
        """A new round replaces the last one; returns participant id -> preference id."""
        await self.session.execute(delete(PreferenceRow).where(PreferenceRow.programme_id == programme_id))
        rows = [
            PreferenceRow(
                programme_id=programme_id, participant_id=pid, candidates=cands, ranked=[], asked_at=now
            )
            for pid, cands in shown.items()
        ]
        self.session.add_all(rows)
        await self.session.flush()
        return {r.participant_id: r.id for r in rows}

    async def get(self, pref_id: int) -> Preference | None:
        row = await self.session.get(PreferenceRow, pref_id)
        return _pref(row) if row else None

    async def save(self, pref_id: int, ranked: list[int], done_at: datetime | None) -> None:
        row = await self.session.get(PreferenceRow, pref_id)
        if row is not None:
            row.ranked, row.done_at = ranked, done_at
            await self.session.flush()

    async def of_programme(self, programme_id: int) -> list[Preference]:
        rows = await self.session.scalars(
            select(PreferenceRow).where(PreferenceRow.programme_id == programme_id).order_by(PreferenceRow.id)
        )
        return [_pref(r) for r in rows]
