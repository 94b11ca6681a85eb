"""What differs between SQLite and PostgreSQL, in one place: INSERT … ON CONFLICT."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_insert(session: AsyncSession, table: Table | Any) -> Any:
    """An INSERT that knows ``on_conflict_do_nothing`` on the session's database (a unique
    key taken by a concurrent worker is then a no-op, not an IntegrityError)."""
    assert session.bind is not None
    if session.bind.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
