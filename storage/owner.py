"""One-time «стать куратором» links (the owner's way in without a terminal), kept in the
installation's small ``kv`` table: the key holds a hash of the link's secret, the value a
JSON record. No table of their own, so no migration."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import KvRow

KEY = "owner_invite:"  # + 48 hex digits of the secret's SHA-256 (a key holds 64 characters)


@dataclass(frozen=True)
class OwnerInvite:
    key: str
    org_name: str | None
    timezone: str | None
    expires_at: datetime
    used_by: int | None

    @property
    def used(self) -> bool:
        return self.used_by is not None


def _record(org_name: str | None, timezone: str | None, expires: datetime, used_by: int | None) -> str:
    return json.dumps(
        {"org": org_name, "tz": timezone, "expires": expires.isoformat(), "used_by": used_by},
        ensure_ascii=False,
        sort_keys=True,
    )


class OwnerInvitesRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @staticmethod
    def key(token_hash: str) -> str:
        return KEY + token_hash[:48]

    async def create(
        self, token_hash: str, org_name: str | None, timezone: str | None, expires: datetime
    ) -> None:
        record = _record(org_name, timezone, expires, None)
        self.session.add(KvRow(key=self.key(token_hash), value=record))
        await self.session.flush()

    async def find(self, token_hash: str) -> OwnerInvite | None:
        row = await self.session.get(KvRow, self.key(token_hash))
        if row is None:
            return None
        data = json.loads(row.value)
        expires = datetime.fromisoformat(data["expires"])
        return OwnerInvite(row.key, data["org"], data["tz"], expires, data["used_by"])

    async def use(self, invite: OwnerInvite, user_id: int) -> bool:
        """Marks the link used; False when someone used it first (one use, even in a race:
        the record changes only while it is still the unused one that was read)."""
        unused = _record(invite.org_name, invite.timezone, invite.expires_at, None)
        result = await self.session.execute(
            update(KvRow)
            .where(KvRow.key == invite.key, KvRow.value == unused)
            .values(value=_record(invite.org_name, invite.timezone, invite.expires_at, user_id))
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))
