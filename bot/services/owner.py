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
from storage.repo import Repo

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


async def make(repo: Repo, now: datetime, org_name: str | None = None, timezone: str | None = None) -> str:
    """A new one-time link's payload (``owner_`` and 32 URL-safe characters)."""
    if timezone is not None:
        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise InvalidInput("owner.bad_tz") from None
    token = PREFIX + secrets.token_urlsafe(24)
    await repo.owner_invites.create(_hash(token), org_name, timezone, now + LIFETIME)
    return token


async def at_start(repo: Repo, now: datetime) -> str | None:
    """A start-up link when the installation has no curator yet, else None."""
    if await repo.has_curators():
        return None
    return await make(repo, now)


async def open_link(repo: Repo, token: str, now: datetime) -> OpenedLink:
    invite = await repo.owner_invites.find(_hash(token))
    if invite is None or invite.used or invite.expires_at <= now:
        raise NotFound()
    if invite.org_name is None and await repo.has_curators():
        raise NotFound()  # a start-up link: the school already has its first curator
    return OpenedLink(invite, invite.org_name, invite.timezone)


async def use(
    repo: Repo, token: str, user_id: int, org_name: str, timezone: str, now: datetime
) -> Organisation:
    """Makes the person the curator of the school (a new organisation, or the one the CLI
    named if it exists); the link is spent."""
    opened = await open_link(repo, token, now)
    if not await repo.owner_invites.use(opened.invite, user_id):
        raise NotFound()
    name = (opened.org_name or org_name).strip()
    tz = opened.timezone or timezone
    org = await repo.find_organisation(name) or await repo.create_organisation(name, tz, now)
    await repo.add_curator(org.id, user_id, None, now)
    await repo.audit(org.id, user_id, "curator.owner_link", now, target=str(user_id))
    return org
