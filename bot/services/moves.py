"""Moving to the other messenger with a one-time link: the same person, profile, pairs and
history, reached in the messenger they now use."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.identity import Messenger, messenger_of
from storage.moves import MovesRepo

PREFIX = "move_"
LIFETIME = timedelta(hours=24)


class Moved(StrEnum):
    DONE = "done"
    INVALID = "invalid"  # unknown, used or expired
    SAME = "same"  # opened in the messenger the person already uses
    BUSY = "busy"  # the new account already takes part


def is_move_token(payload: str) -> bool:
    return payload.startswith(PREFIX)


def other(messenger: Messenger) -> Messenger:
    return Messenger.MAX if messenger is Messenger.TELEGRAM else Messenger.TELEGRAM


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def make(moves: MovesRepo, user_id: int, now: datetime) -> str:
    token = PREFIX + secrets.token_urlsafe(24)
    await moves.create(_hash(token), user_id, now + LIFETIME)
    return token


async def take(
    moves: MovesRepo, token: str, new_id: int, username: str | None, now: datetime
) -> tuple[Moved, int]:
    """Use the link from ``new_id``; the outcome and the person's old id (0 if none)."""
    link = await moves.take(_hash(token))
    if link is None or link.expires_at < now:
        return Moved.INVALID, 0
    if messenger_of(link.user_id) is messenger_of(new_id):
        await moves.create(_hash(token), link.user_id, link.expires_at)  # still theirs to use
        return Moved.SAME, link.user_id
    if await moves.busy(new_id):
        return Moved.BUSY, link.user_id
    if not await moves.move(link.user_id, new_id, username):
        return Moved.INVALID, 0
    return Moved.DONE, link.user_id
