"""Invite links. A curator's link opens every minor's data, so it is single-use and
expires; a programme's link (mentors, mentees) is shared with a class and stays open."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.catalog import Role
from bot.domain.errors import NotFound
from bot.domain.models import Invite

CURATOR_INVITE_TTL = timedelta(hours=72)


def curator_invite_expiry(now: datetime) -> datetime:
    return now + CURATOR_INVITE_TTL


def check_usable(invite: Invite, now: datetime) -> None:
    """A curator's link works once, before it expires (a link with no expiry, made before
    links expired, never works)."""
    if invite.role is not Role.CURATOR:
        return
    if invite.used or invite.expires_at is None or now >= invite.expires_at:
        raise NotFound()
