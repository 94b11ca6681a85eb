"""Engine, sessions and migrations. Nothing here runs at import time."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.unit import Unit

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 30_000  # how long SQLite waits for another process's writer


def normalise_url(url: str) -> str:
    """``postgresql://…`` (as PostgreSQL's own tools write it) means the asyncpg driver."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+asyncpg://" + url[len(plain) :]
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_engine(url: str) -> AsyncEngine:
    url = normalise_url(url)
    if is_sqlite(url):
        _ensure_sqlite_dir(url)
        # SQLite has one writer at a time. Every transaction starts with BEGIN IMMEDIATE (a
        # deferred one that read first and then writes fails at once with "database is
        # locked" when another writer committed in between), and the process keeps one
        # connection: sessions queue for it in asyncio (FIFO, no busy-wait sleeps) and hold
        # it only while their short transaction is open. Other processes on the same file
        # wait through busy_timeout.
        engine = create_async_engine(
            url,
            async_creator=partial(_inline_sqlite, _sqlite_path(url)),
            pool_size=1,
            max_overflow=0,
            pool_timeout=60,
            hide_parameters=True,  # no names in errors
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    return create_async_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=20, pool_timeout=60, hide_parameters=True
    )


def _sqlite_path(url: str) -> str:
    return url.split("///", 1)[-1].split("?", 1)[0] or ":memory:"


def _ensure_sqlite_dir(url: str) -> None:
    path = _sqlite_path(url)
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


class _InlineConnection(aiosqlite.Connection):
    """aiosqlite runs every call — a cursor, an execute, a fetch, a close — on its own thread
    and hands the result back through the event loop: four thread hops a statement, most of
    an update's time. The process keeps one connection (the pool), used by one session at a
    time, and inside a BEGIN IMMEDIATE transaction nothing waits on a lock, so statements run
    in the loop; only BEGIN, which may wait for another process's writer, goes to the thread."""

    async def _execute(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        if args and isinstance(args[0], str) and args[0].lstrip()[:5].upper() == "BEGIN":
            if self._begin_now(fn, *args, **kwargs):
                return None
            return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]
        return fn(*args, **kwargs)

    def _begin_now(self, fn: Any, *args: Any, **kwargs: Any) -> bool:
        """BEGIN in the loop when no other process holds the write lock (almost always: one
        process, one connection) — a thread hop costs more than the statement, and far more
        on a busy machine. When another process writes, SQLite says so at once (no busy
        wait here) and BEGIN goes to the thread, which may wait for it."""
        connection = self._connection
        assert connection is not None
        connection.execute("PRAGMA busy_timeout=0")
        try:
            fn(*args, **kwargs)
            return True
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) and "busy" not in str(err):
                raise
            return False
        finally:
            connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _inline_sqlite(path: str, *_: Any, **__: Any) -> aiosqlite.Connection:
    def connector() -> sqlite3.Connection:
        return sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)

    connection = _InlineConnection(connector, 64)
    connection._thread.daemon = True
    return connection


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # the driver emits no BEGIN of its own; _sqlite_begin does
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


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


async def commit_current() -> None:
    """Commit the current unit of work's open transaction, if any (called before every Bot
    API request, so a lock or a pooled connection is never held across the network)."""
    session = _current.get()
    if session is not None and session.in_transaction():
        await session.commit()


class Database:
    """The bot's database: one engine, one session (a unit of work) per update."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = create_engine(self.url)
        self.sessions = session_factory(self.engine)

    async def migrate(self, revision: str = "head", *, down: bool = False) -> None:
        await migrate(self.engine, revision, down=down)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[Unit]:
        """One unit of work: commits when the block ends, rolls back when it raises. A Bot
        API call made inside it commits what was done so far first (``commit_current``),
        so no transaction is ever held while Telegram answers; work after the call runs in
        a new transaction of the same session."""
        async with self.sessions() as session:
            token = _current.set(session)
            try:
                yield Unit(session)
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
            finally:
                _current.reset(token)

    async def close(self) -> None:
        await self.engine.dispose()
