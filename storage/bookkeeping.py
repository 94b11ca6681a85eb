"""The bot's own bookkeeping: updates already handled, a small key/value store, and the
leases that let one process at a time hold a role (the scheduler's leader)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import DateTime, bindparam, delete, or_, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import dialect_insert
from storage.tables import KvRow, LeaseRow, SeenUpdateRow

# A text statement: it runs for every update, and SQLAlchemy builds and keys a constructed
# insert each time, costing more than the database takes (SQLite and PostgreSQL say the same).
SEEN = text(
    "INSERT INTO seen_updates (source, update_id, at) VALUES (:source, :update_id, :at)"
    " ON CONFLICT DO NOTHING"
).bindparams(bindparam("at", type_=DateTime()))


class SeenUpdatesRepo:
    """Updates already handled (Telegram sends one again after a restart)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def first_time(self, source: str, update_id: int, now: datetime) -> bool:
        """Record that an update is being handled; False if it was handled before (it is
        recorded in the same transaction as the handler's first effects). One statement,
        a write first: two workers given the same update cannot both go on."""
        result = await self.session.execute(SEEN, {"source": source, "update_id": update_id, "at": now})
        return bool(getattr(result, "rowcount", 0))

    async def forget_before(self, before: datetime) -> int:
        result = await self.session.execute(delete(SeenUpdateRow).where(SeenUpdateRow.at < before))
        return int(getattr(result, "rowcount", 0) or 0)


class KvRepo:
    """A small key/value store."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, key: str) -> str | None:
        row = await self.session.get(KvRow, key)
        return row.value if row else None

    async def set(self, key: str, value: str | None) -> None:
        row = await self.session.get(KvRow, key)
        if value is None:
            if row is not None:
                await self.session.delete(row)
        elif row is None:
            self.session.add(KvRow(key=key, value=value))
        else:
            row.value = value
        await self.session.flush()


class LeasesRepo:
    """Roles held by one process at a time, with a lease the holder renews."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def take(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take or renew ``name`` for ``holder`` until ``now + ttl``; True if it is ours.
        One conditional statement: free, expired or already ours."""
        await self.session.execute(
            dialect_insert(self.session, LeaseRow.__table__)
            .values(name=name, holder=holder, until=now - timedelta(seconds=1))
            .on_conflict_do_nothing()
        )
        result = await self.session.execute(
            update(LeaseRow)
            .where(LeaseRow.name == name, or_(LeaseRow.holder == holder, LeaseRow.until < now))
            .values(holder=holder, until=now + ttl)
        )
        return bool(getattr(result, "rowcount", 0))

    async def release(self, name: str, holder: str) -> None:
        await self.session.execute(delete(LeaseRow).where(LeaseRow.name == name, LeaseRow.holder == holder))

    async def holder(self, name: str, now: datetime) -> str | None:
        row = await self.session.get(LeaseRow, name)
        return row.holder if row is not None and row.until >= now else None
