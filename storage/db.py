"""Engine, sessions and migrations. Nothing here runs at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.repo import Repo

MIGRATIONS = Path(__file__).parent / "migrations"


def create_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True, hide_parameters=True)  # no names in errors


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


async def migrate(engine: AsyncEngine, revision: str = "head", *, down: bool = False) -> None:
    """Upgrade (or downgrade) the schema over the engine's own connection."""

    def run(connection: Connection) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        if down:
            command.downgrade(cfg, revision)
        else:
            command.upgrade(cfg, revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)


_current: ContextVar[AsyncSession | None] = ContextVar("nastavnik_db_session", default=None)


def current_session() -> AsyncSession | None:
    """The session of the update being handled, if any (the FSM storage joins it, so a
    handler's writes and its state change commit together and never wait on each other)."""
    return _current.get()


class Database:
    """The bot's database: one engine, one session (a unit of work) per update."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.sessions = session_factory(self.engine)

    async def migrate(self, revision: str = "head", *, down: bool = False) -> None:
        await migrate(self.engine, revision, down=down)

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[Repo]:
        async with self.sessions() as session, session.begin():
            token = _current.set(session)
            try:
                yield Repo(session)
            finally:
                _current.reset(token)

    async def close(self) -> None:
        await self.engine.dispose()
