"""The owner's one-time «стать куратором» link: the first curator of a school without a
terminal or a Telegram id. Only a hash of the link's secret is stored; a link works once.

A link made at start-up (no curator yet) names no school: the person who opens it names it.
It stops working as soon as the installation has a curator. A link from the CLI's
`curator invite --org … --tz …` names the school and works once within its lifetime."""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.errors import InvalidInput, NotFound
from bot.domain.models import Organisation
from storage.owner import OwnerInvite
from storage.unit import Unit

PREFIX = "owner_"
LIFETIME = timedelta(days=7)


@dataclass(frozen=True)
class OpenedLink:
    invite: OwnerInvite
    org_name: str | None  # None: ask the person
    timezone: str | None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_owner_token(payload: str) -> bool:
    return payload.startswith(PREFIX)


async def make(uow: Unit, now: datetime, org_name: str | None = None, timezone: str | None = None) -> str:
    """A new one-time link's payload (``owner_`` and 32 URL-safe characters)."""
    if timezone is not None:
        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise InvalidInput("owner.bad_tz") from None
    token = PREFIX + secrets.token_urlsafe(24)
    await uow.owner_invites.create(_hash(token), org_name, timezone, now + LIFETIME)
    return token


async def at_start(uow: Unit, now: datetime) -> str | None:
    """A start-up link when the installation has no curator yet, else None."""
    if await uow.organisations.has_curators():
        return None
    return await make(uow, now)


async def open_link(uow: Unit, token: str, now: datetime) -> OpenedLink:
    invite = await uow.owner_invites.find(_hash(token))
    if invite is None or invite.used or invite.expires_at <= now:
        raise NotFound()
    if invite.org_name is None and await uow.organisations.has_curators():
        raise NotFound()  # a start-up link: the school already has its first curator
    return OpenedLink(invite, invite.org_name, invite.timezone)


async def use(
    uow: Unit, token: str, user_id: int, org_name: str, timezone: str, now: datetime
) -> Organisation:
    """Makes the person the curator of the school (a new organisation, or the one the CLI
    named if it exists); the link is spent."""
    opened = await open_link(uow, token, now)
    if not await uow.owner_invites.use(opened.invite, user_id):
        raise NotFound()
    name = (opened.org_name or org_name).strip()
    tz = opened.timezone or timezone
    org = await uow.organisations.find(name) or await uow.organisations.create(name, tz, now)
    await uow.organisations.add_curator(org.id, user_id, None, now)
    await uow.audit.record(org.id, user_id, "curator.owner_link", now, target=str(user_id))
    return org
