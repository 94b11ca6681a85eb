"""MAX message ids behind integer ids: the only SQL of the MAX adapter."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.dialect import dialect_insert
from storage.tables import MessageRefRow


class MessageRefs:
    """Each call is its own short transaction (the adapter runs between a handler's
    committed work and the network, never inside a unit of work)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self._ids: dict[str, int] = {}  # a small cache: the same process edits what it sent
        self._mids: dict[int, str] = {}

    async def ref(self, mid: str, now: datetime) -> int:
        if mid in self._ids:
            return self._ids[mid]
        async with self.sessions() as session:
            stmt = dialect_insert(session, MessageRefRow.__table__).values(mid=mid, created_at=now)
            await session.execute(stmt.on_conflict_do_nothing(index_elements=["mid"]))
            ref = (
                await session.execute(select(MessageRefRow.id).where(MessageRefRow.mid == mid))
            ).scalar_one()
            await session.commit()
        self._remember(mid, ref)
        return ref

    async def mid(self, ref: int) -> str | None:
        if ref in self._mids:
            return self._mids[ref]
        async with self.sessions() as session:
            found = await session.get(MessageRefRow, ref)
            mid = found.mid if found is not None else None
        if mid is not None:
            self._remember(mid, ref)
        return mid

    def _remember(self, mid: str, ref: int) -> None:
        if len(self._ids) > 50_000:
            self._ids.clear()
            self._mids.clear()
        self._ids[mid] = ref
        self._mids[ref] = mid

    async def forget_before(self, moment: datetime) -> int:
        """Refs older than any message the bot could still edit (retention)."""
        async with self.sessions() as session:
            result = await session.execute(delete(MessageRefRow).where(MessageRefRow.created_at < moment))
            await session.commit()
        self._ids.clear()
        self._mids.clear()
        return int(getattr(result, "rowcount", 0) or 0)
