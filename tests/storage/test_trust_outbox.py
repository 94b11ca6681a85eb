"""Retention in the outbox, on a real SQLite file: a finished row keeps no body, however it
was settled, and goes after the keeping period; a waiting one keeps its body."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from storage.db import Database

NOW = datetime(2026, 9, 1, 9, 0)
MARKUP = {"inline_keyboard": [[{"text": "Анна", "url": "tg://user?id=5"}]]}


async def test_a_finished_row_loses_its_body_and_goes_after_the_period(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'o.db'}")
    await db.migrate()
    try:
        async with db.unit() as uow:
            for key in ("sent", "failed", "waiting"):
                assert await uow.outbox.enqueue(key, 5, f"Анна Тест: {key}", MARKUP, NOW, photo=b"png")
        async with db.engine.begin() as conn:  # as a sender that settles without wiping would
            await conn.execute(text("UPDATE outbox SET status = dedupe_key WHERE dedupe_key != 'waiting'"))
            await conn.execute(text("UPDATE outbox SET status = 'pending' WHERE dedupe_key = 'waiting'"))
        async with db.unit() as uow:
            assert await uow.outbox.prune(NOW - timedelta(days=30)) == 0  # too recent to go
        async with db.engine.connect() as conn:
            rows = {
                key: (body, markup, photo)
                for key, body, markup, photo in await conn.execute(
                    text("SELECT dedupe_key, text, coalesce(CAST(markup AS TEXT), 'null'), photo FROM outbox")
                )
            }
        assert rows["sent"] == rows["failed"] == ("", "null", None)
        assert rows["waiting"][0] == "Анна Тест: waiting" and rows["waiting"][2] == b"png"
        async with db.unit() as uow:
            assert await uow.outbox.prune(NOW + timedelta(days=1)) == 2
            assert await uow.outbox.counts() == {"pending": 1}
    finally:
        await db.close()
