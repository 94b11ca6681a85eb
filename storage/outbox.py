"""The outbox: the durable queue of messages the bot starts itself (see bot/outbox.py)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, and_, bindparam, delete, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import dialect_insert
from storage.tables import OutboxRow


class OutboxItem(NamedTuple):
    id: int
    chat_id: int
    user_id: int | None
    text: str
    markup: dict[str, Any] | None
    attempts: int  # including the attempt this claim is for
    expires_at: datetime | None
    photo: bytes | None = None
    deadline: datetime | None = None


DONE = ("sent", "failed", "dropped")  # outbox statuses after which a row keeps no body


# what a claim hands the sender, in OutboxItem's order
_CLAIMED = (
    OutboxRow.id,
    OutboxRow.chat_id,
    OutboxRow.user_id,
    OutboxRow.text,
    OutboxRow.markup,
    OutboxRow.attempts,
    OutboxRow.expires_at,
    OutboxRow.photo,
    OutboxRow.deadline,
)


class OutboxRepo:
    """The durable queue of messages the bot starts itself."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(
        self,
        key: str,
        chat_id: int,
        text: str,
        markup: dict[str, Any] | None,
        now: datetime,
        not_before: datetime | None = None,
        expires_at: datetime | None = None,
        status: str = "pending",
        photo: bytes | None = None,
        checked: bool = False,
        deadline: datetime | None = None,
    ) -> bool:
        """Record a message once: the same key never makes a second message. ``status``
        "dropped" records a message that must never go (a superseded reminder). ``checked``:
        the caller has just asked ``existing`` about this key (a bulk path skips the lookup)."""
        values = dict(
            dedupe_key=key,
            chat_id=chat_id,
            user_id=chat_id if chat_id > 0 else None,
            text=text if status not in DONE else "",  # a message that never goes keeps no body
            markup=markup if status not in DONE else None,
            status=status,
            not_before=not_before or now,
            expires_at=expires_at,
            attempts=0,
            created_at=now,
            photo=photo if status not in DONE else None,
            deadline=deadline,
        )
        if checked:  # a bulk path: the caller asked ``existing`` a moment ago
            self.session.add(OutboxRow(**values))
            return True
        result = await self.session.execute(
            dialect_insert(self.session, OutboxRow.__table__).values(**values).on_conflict_do_nothing()
        )
        return bool(getattr(result, "rowcount", 0))

    async def exists(self, key: str) -> bool:
        return await self.session.scalar(select(OutboxRow.id).where(OutboxRow.dedupe_key == key)) is not None

    async def existing(self, keys: Sequence[str]) -> set[str]:
        """Which of these keys are already recorded (one query per 500 keys)."""
        found: set[str] = set()
        for i in range(0, len(keys), 500):
            chunk = list(keys[i : i + 500])
            found.update(
                await self.session.scalars(
                    select(OutboxRow.dedupe_key).where(OutboxRow.dedupe_key.in_(chunk))
                )
            )
        return found

    async def claim(
        self, now: datetime, limit: int, worker: str, lease: timedelta, held: Collection[int] = ()
    ) -> list[OutboxItem]:
        """Take up to ``limit`` messages that are due, earliest deadline first, for this
        worker until ``now + lease``: pending ones, and ones whose sender's lease ran out
        (it died mid-send). Atomic across processes: PostgreSQL skips rows another worker
        has locked; SQLite's BEGIN IMMEDIATE lets one writer at a time in. Rows another
        live worker is sending are never taken, nor ``held``: the claims the asking worker
        still has in hand (on the wire, or sent and not yet recorded), whatever the clock says."""
        due = or_(
            and_(OutboxRow.status == "pending", OutboxRow.not_before <= now),
            and_(OutboxRow.status == "sending", OutboxRow.lease_until < now),
        )
        ids = list(
            await self.session.scalars(
                select(OutboxRow.id)
                .where(due, OutboxRow.id.not_in(sorted(held)) if held else true())
                .order_by(func.coalesce(OutboxRow.deadline, OutboxRow.not_before), OutboxRow.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            return []
        rows = await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids), due)
            .values(
                status="sending",
                claimed_by=worker,
                lease_until=now + lease,
                attempts=OutboxRow.attempts + 1,
            )
            .returning(*_CLAIMED)
        )
        items = [OutboxItem(*r) for r in rows.all()]
        items.sort(key=lambda i: (i.deadline or now, i.id))
        return items

    async def settle(self, item_id: int, worker: str, **values: Any) -> bool:
        """Record what became of a message this worker claimed (sent, failed, again later),
        only while the claim is still this worker's; the claim is released. Delivered or
        given up, the row keeps no body."""
        if values.get("status") in DONE:
            values.update(text="", markup=None, photo=None)
        result = await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == item_id, OutboxRow.claimed_by == worker, OutboxRow.status == "sending")
            .values(claimed_by=None, lease_until=None, **values)
        )
        return bool(getattr(result, "rowcount", 0))

    async def settle_sent(self, sent: Sequence[tuple[int, datetime, int]], worker: str) -> None:
        """Record many sent messages (id, when, Telegram's message id) of this worker's claims
        in one statement run for each; a sent row keeps no body."""
        table = cast(Table, OutboxRow.__table__)
        stmt = (
            update(table)
            .where(
                table.c.id == bindparam("b_id"),
                table.c.claimed_by == worker,
                table.c.status == "sending",
            )
            .values(
                status="sent",
                sent_at=bindparam("b_at"),
                message_id=bindparam("b_mid"),
                error=None,
                claimed_by=None,
                lease_until=None,
                text="",
                markup=None,
                photo=None,
            )
        )
        await self.session.execute(stmt, [{"b_id": i, "b_at": at, "b_mid": mid} for i, at, mid in sent])

    async def waiting_deadlines(self) -> list[datetime]:
        """Deadlines of messages queued and not yet sent (a reminder wave's planning counts them)."""
        rows = await self.session.scalars(
            select(OutboxRow.deadline).where(
                OutboxRow.status.in_(("pending", "sending")), OutboxRow.deadline.is_not(None)
            )
        )
        return [d for d in rows if d is not None]

    async def renew(self, ids: list[int], worker: str, until: datetime) -> None:
        """Keep this worker's claims (rows waiting for a busy chat) from running out."""
        await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids), OutboxRow.claimed_by == worker, OutboxRow.status == "sending")
            .values(lease_until=until)
        )

    async def mark(self, ids: list[int], **values: Any) -> None:
        if values.get("status") in DONE:  # delivered or given up: the body is not kept
            values.update(text="", markup=None, photo=None)
        if ids:
            await self.session.execute(update(OutboxRow).where(OutboxRow.id.in_(ids)).values(**values))

    async def drop_pending(self, key_prefix: str) -> None:
        await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.status == "pending", OutboxRow.dedupe_key.startswith(key_prefix))
            .values(status="dropped", error="superseded", text="", markup=None, photo=None)
        )

    async def prune(self, before: datetime) -> int:
        """Rows delivered or given up before ``before`` go (their keys kept them from
        going twice; after a month no job makes those keys again). A finished row still
        holding a body (settled by a path that kept it) loses the body now."""
        await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.status.in_(DONE), (OutboxRow.text != "") | OutboxRow.photo.is_not(None))
            .values(text="", markup=None, photo=None)
        )
        result = await self.session.execute(
            delete(OutboxRow).where(OutboxRow.status.in_(DONE), OutboxRow.created_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def counts(self) -> dict[str, int]:
        rows = await self.session.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))
        return {status: int(n) for status, n in rows.all()}
