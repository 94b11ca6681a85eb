"""Organisations, their curators, and the invite links to join them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.catalog import Role
from bot.domain.models import Invite, Organisation, OrganisationId, ProgrammeId, User
from storage.people import _user
from storage.tables import CuratorRow, InviteRow, OrganisationRow, UserRow


def _org(row: OrganisationRow) -> Organisation:
    return Organisation(OrganisationId(row.id), row.name, row.timezone, row.pupils_total)


class OrganisationsRepo:
    """Organisations and who curates them."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, name: str, timezone: str, now: datetime) -> Organisation:
        row = OrganisationRow(name=name, timezone=timezone, created_at=now)
        self.session.add(row)
        await self.session.flush()
        return _org(row)

    async def find(self, name: str) -> Organisation | None:
        row = await self.session.scalar(select(OrganisationRow).where(OrganisationRow.name == name))
        return _org(row) if row else None

    async def get(self, org_id: int) -> Organisation | None:
        row = await self.session.get(OrganisationRow, org_id)
        return _org(row) if row else None

    async def add_curator(self, org_id: int, user_id: int, added_by: int | None, now: datetime) -> bool:
        exists = await self.session.scalar(
            select(CuratorRow.id).where(CuratorRow.organisation_id == org_id, CuratorRow.user_id == user_id)
        )
        if exists:
            return False
        self.session.add(
            CuratorRow(organisation_id=org_id, user_id=user_id, added_by=added_by, created_at=now)
        )
        await self.session.flush()
        return True

    async def of_curator(self, user_id: int) -> list[Organisation]:
        rows = await self.session.scalars(
            select(OrganisationRow)
            .join(CuratorRow, CuratorRow.organisation_id == OrganisationRow.id)
            .where(CuratorRow.user_id == user_id)
            .order_by(OrganisationRow.id)
        )
        return [_org(r) for r in rows]

    async def is_curator(self, user_id: int, org_id: int | None = None) -> bool:
        query = select(CuratorRow.id).where(CuratorRow.user_id == user_id)
        if org_id is not None:
            query = query.where(CuratorRow.organisation_id == org_id)
        return (await self.session.scalar(query.limit(1))) is not None

    async def curators(self, org_id: int) -> list[User]:
        rows = await self.session.scalars(
            select(UserRow)
            .join(CuratorRow, CuratorRow.user_id == UserRow.id)
            .where(CuratorRow.organisation_id == org_id)
            .order_by(CuratorRow.id)
        )
        return [_user(r) for r in rows]

    async def has_curators(self) -> bool:
        return (await self.session.scalar(select(CuratorRow.id).limit(1))) is not None


class InvitesRepo:
    """Invite links: to join a programme in a role, or to curate an organisation."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def find(self, org_id: int, programme_id: int | None, role: Role) -> Invite | None:
        row = await self.session.scalar(
            select(InviteRow).where(
                InviteRow.organisation_id == org_id,
                InviteRow.programme_id.is_(None)
                if programme_id is None
                else InviteRow.programme_id == programme_id,
                InviteRow.role == role.value,
                InviteRow.revoked.is_(False),
            )
        )
        return self._invite(row) if row else None

    async def create(self, invite: Invite, created_by: int, now: datetime) -> Invite:
        self.session.add(
            InviteRow(
                token=invite.token,
                organisation_id=invite.organisation_id,
                programme_id=invite.programme_id,
                role=invite.role.value,
                created_by=created_by,
                created_at=now,
                expires_at=invite.expires_at,
            )
        )
        await self.session.flush()
        return invite

    async def get(self, token: str) -> Invite | None:
        row = await self.session.get(InviteRow, token)
        return self._invite(row) if row and not row.revoked else None

    async def use(self, token: str, user_id: int, now: datetime) -> bool:
        """Mark a single-use link used; False if it was used or revoked meanwhile."""
        result = await self.session.execute(
            update(InviteRow)
            .where(InviteRow.token == token, InviteRow.used_at.is_(None), InviteRow.revoked.is_(False))
            .values(used_at=now, used_by=user_id)
        )
        return bool(getattr(result, "rowcount", 0))

    async def revoke(self, token: str) -> bool:
        result = await self.session.execute(
            update(InviteRow)
            .where(InviteRow.token == token, InviteRow.revoked.is_(False))
            .values(revoked=True)
        )
        return bool(getattr(result, "rowcount", 0))

    @staticmethod
    def _invite(row: InviteRow) -> Invite:
        return Invite(
            row.token,
            OrganisationId(row.organisation_id),
            ProgrammeId(row.programme_id) if row.programme_id is not None else None,
            Role(row.role),
            row.expires_at,
            row.used_at is not None,
            row.created_by,
        )
