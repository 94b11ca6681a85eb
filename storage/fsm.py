"""aiogram FSM storage in the bot's own database: a restart in the middle of a
dialogue resumes where the person was."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy import JSON, DateTime, String, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import current_session
from storage.tables import FsmRow

READ = text('SELECT state, data FROM fsm_states WHERE "key" = :key').columns(state=String, data=JSON)


_TYPES = (bindparam("data", type_=JSON()), bindparam("at", type_=DateTime()))
_UPSERT = (
    'INSERT INTO fsm_states ("key", state, data, updated_at) VALUES (:key, {state}, {data}, :at)'
    ' ON CONFLICT ("key") DO UPDATE SET {set}, updated_at = excluded.updated_at'
)
SET_STATE = text(_UPSERT.format(state=":state", data="NULL", set="state = excluded.state")).bindparams(
    _TYPES[1]
)
SET_DATA = text(_UPSERT.format(state="NULL", data=":data", set="data = excluded.data")).bindparams(*_TYPES)
SET_BOTH = text(
    _UPSERT.format(state=":state", data=":data", set="state = excluded.state, data = excluded.data")
).bindparams(*_TYPES)


class Snapshot(NamedTuple):
    state: str | None
    data: dict[str, Any] | None


class SqlStorage(BaseStorage):
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._keys = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    async def _get(self, session: AsyncSession, key: str) -> Snapshot | None:
        """The state and data, read once per unit of work (a missing row too: most people
        are in no dialogue, and the state filters ask for it many times an update). Read
        with a prepared text statement: this runs for every update, and building an ORM
        query costs more than SQLite takes to answer it."""
        seen: dict[str, Snapshot | None] = session.info.setdefault("fsm_rows", {})
        if key not in seen:
            found = (await session.execute(READ, {"key": key})).first()
            seen[key] = Snapshot(found[0], found[1]) if found else None
        return seen[key]

    async def _write(self, key: StorageKey, **values: Any) -> None:
        k = self._keys.build(key)
        session = current_session()
        if session is not None:
            current = await self._get(session, k)
            if current is None and all(not v for v in values.values()):
                return  # clearing what was never set
            if current is not None and all(getattr(current, n) == v for n, v in values.items()):
                return  # nothing changes
            await self._set(session, k, values)
            base = current or Snapshot(None, {})
            session.info["fsm_rows"][k] = Snapshot(
                values.get("state", base.state), values.get("data", base.data)
            )
            return  # in the unit of work's transaction, committed with it
        async with self._sessions.begin() as own:
            await self._set(own, k, values)

    @staticmethod
    async def _set(session: AsyncSession, key: str, values: dict[str, Any]) -> None:
        """One upsert of the fields given (state, data or both), as a prepared statement."""
        now = datetime.now(UTC).replace(tzinfo=None)
        if set(values) == {"state"}:
            await session.execute(SET_STATE, {"key": key, "state": values["state"], "at": now})
        elif set(values) == {"data"}:
            await session.execute(SET_DATA, {"key": key, "data": values["data"], "at": now})
        else:
            await session.execute(SET_BOTH, {"key": key, **values, "at": now})

    async def _read(self, key: StorageKey) -> Snapshot | None:
        session = current_session()
        if session is not None:
            return await self._get(session, self._keys.build(key))
        async with self._sessions() as own:
            row = await own.get(FsmRow, self._keys.build(key))
            return Snapshot(row.state, row.data) if row else None

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self._write(key, state=state.state if isinstance(state, State) else state)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._read(key)
        return row.state if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._read(key)
        return dict(row.data or {}) if row else {}

    async def close(self) -> None:
        return None
