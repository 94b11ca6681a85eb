"""A person moves to the other messenger: their id changes in every table, their history,
profile, pairs and consents stay. One-time move links live in the ``kv`` table (the key
holds a hash of the link's secret). Runs inside the update's unit of work."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.erasure import NOT_PERSON_IDS
from storage.tables import Base, CuratorRow, FsmRow, KvRow, ParticipantRow, UserRow

KEY = "move:"  # + 48 hex digits of the secret's SHA-256


@dataclass(frozen=True)
class MoveLink:
    key: str
    user_id: int
    expires_at: datetime


class MovesRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, token_hash: str, user_id: int, expires: datetime) -> None:
        value = json.dumps({"user": user_id, "expires": expires.isoformat()})
        self.session.add(KvRow(key=KEY + token_hash[:48], value=value))
        await self.session.flush()

    async def take(self, token_hash: str) -> MoveLink | None:
        """The link, deleted as it is read (one use, even in a race: only one delete wins)."""
        key = KEY + token_hash[:48]
        row = await self.session.get(KvRow, key)
        if row is None:
            return None
        data = json.loads(row.value)
        gone = await self.session.execute(delete(KvRow).where(KvRow.key == key))
        if not getattr(gone, "rowcount", 0):
            return None
        return MoveLink(key, int(data["user"]), datetime.fromisoformat(data["expires"]))

    async def busy(self, user_id: int) -> bool:
        """The account already takes part (a participant or a curator): no one moves into it."""
        s = self.session
        parts = await s.scalar(select(func.count()).where(ParticipantRow.user_id == user_id))
        curators = await s.scalar(select(func.count()).where(CuratorRow.user_id == user_id))
        return bool(parts or curators)

    async def move(self, old: int, new: int, username: str | None) -> bool:
        """Every column holding ``old`` as a person's id holds ``new``; False if ``old`` is
        no one. The new account's own bare row (made when it opened the link) gives way."""
        s = self.session
        person = await s.get(UserRow, old)
        if person is None:
            return False
        s.info.pop("fsm_rows", None)  # the FSM storage's per-unit reads (storage/fsm.py)
        await s.execute(delete(FsmRow).where(FsmRow.key.contains(f":{new}:")))
        await s.execute(delete(UserRow).where(UserRow.id == new))
        await s.flush()
        s.add(
            UserRow(
                id=new,
                name=person.name,
                username=username,
                locale=person.locale,
                forgotten=False,
                unreachable=False,
                created_at=person.created_at,
                share_contact=person.share_contact,
            )
        )
        await s.flush()
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, BigInteger) or column.primary_key:
                    continue
                if (table.name, column.name) in NOT_PERSON_IDS:
                    continue
                await s.execute(update(table).where(column == old).values({column.name: new}))
        s.info.pop("fsm_rows", None)
        await s.execute(delete(FsmRow).where(FsmRow.key.contains(f":{old}:")))
        await s.execute(delete(UserRow).where(UserRow.id == old))
        await s.flush()
        return True
