"""The audit trail: who did what to whom in an organisation, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import AuditRow


class AuditRepo:
    """Appends to the audit trail; reads an organisation's actions back."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self,
        org_id: int | None,
        actor: int | None,
        action: str,
        now: datetime,
        target: str | None = None,
        **details: Any,
    ) -> None:
        self.session.add(
            AuditRow(
                organisation_id=org_id,
                actor_id=actor,
                action=action,
                target=target,
                details=details or None,
                at=now,
            )
        )

    async def actions(self, org_id: int) -> list[str]:
        rows = await self.session.scalars(
            select(AuditRow.action).where(AuditRow.organisation_id == org_id).order_by(AuditRow.id)
        )
        return list(rows)
