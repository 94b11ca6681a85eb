"""One-time «стать куратором» links (the owner's way in without a terminal)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import OwnerInviteRow


@dataclass(frozen=True)
class OwnerInvite:
    id: int
    org_name: str | None
    timezone: str | None
    expires_at: datetime
    used: bool


class OwnerInvitesRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(
        self, token_hash: str, org_name: str | None, timezone: str | None, now: datetime, expires: datetime
    ) -> None:
        self.session.add(
            OwnerInviteRow(
                token_hash=token_hash,
                org_name=org_name,
                timezone=timezone,
                created_at=now,
                expires_at=expires,
            )
        )
        await self.session.flush()

    async def find(self, token_hash: str) -> OwnerInvite | None:
        row = await self.session.scalar(select(OwnerInviteRow).where(OwnerInviteRow.token_hash == token_hash))
        if row is None:
            return None
        return OwnerInvite(row.id, row.org_name, row.timezone, row.expires_at, row.used_at is not None)

    async def use(self, invite_id: int, user_id: int, now: datetime) -> bool:
        """Marks the link used; False when someone used it first (one use, even in a race)."""
        result = await self.session.execute(
            update(OwnerInviteRow)
            .where(OwnerInviteRow.id == invite_id, OwnerInviteRow.used_at.is_(None))
            .values(used_at=now, used_by=user_id)
        )
        return bool(getattr(result, "rowcount", 0))
