"""Who is who, for the sandbox's sidebar: each person's roles across programmes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import CuratorRow, ParticipantRow


async def roles_by_user(session: AsyncSession) -> dict[int, list[str]]:
    """``{user id: ["curator", "mentor", ...]}`` (participants who left are not counted)."""
    found: dict[int, list[str]] = {}
    for uid in await session.scalars(select(CuratorRow.user_id).distinct()):
        found.setdefault(int(uid), []).append("curator")
    rows = await session.execute(
        select(ParticipantRow.user_id, ParticipantRow.role)
        .where(ParticipantRow.status != "left")
        .distinct()
        .order_by(ParticipantRow.user_id)
    )
    for uid, role in rows:
        if role not in found.setdefault(int(uid), []):
            found[int(uid)].append(str(role))
    return found
