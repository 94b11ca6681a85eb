"""Who a person is: (messenger, id), kept in one integer so every table, key and rule that
holds a person's id works for both messengers unchanged.

Telegram's user and chat ids stay as Telegram gives them: they have at most 52 significant
bits (Telegram's own promise), so |id| < 2**53. MAX's ids are moved above that: a MAX id
``x`` becomes ``MAX_BASE + x`` (a person or a dialog, positive in MAX) or
``-(MAX_BASE + |x|)`` (a group chat, negative in MAX). So the two messengers' ids never
collide, the sign still says "group" as in Telegram, and the messenger of any id is read
off it without a lookup. MAX ids are int64 in its API; in practice they are far below
2**59, and an id beyond that is refused rather than folded."""

from __future__ import annotations

from enum import StrEnum


class Messenger(StrEnum):
    TELEGRAM = "telegram"
    MAX = "max"


MAX_BASE = 1 << 60
MAX_SPAN = 1 << 59  # MAX ids we can hold: |x| < 2**59


class ForeignId(ValueError):
    """A MAX id too large to place in our id space."""


def messenger_of(internal: int) -> Messenger:
    """MAX for ids in MAX's band; Telegram for the rest (erasure's pseudonyms, below -2**62,
    reach no one either way)."""
    return Messenger.MAX if MAX_BASE <= abs(internal) < MAX_BASE + MAX_SPAN else Messenger.TELEGRAM


def from_max(max_id: int) -> int:
    """Our id for a MAX user (positive) or group chat (negative)."""
    if not -MAX_SPAN < max_id < MAX_SPAN or max_id == 0:
        raise ForeignId(f"MAX id out of range: {max_id}")
    return MAX_BASE + max_id if max_id > 0 else -(MAX_BASE - max_id)


def to_max(internal: int) -> int:
    """The MAX id behind one of ours (a user when positive, a group chat when negative)."""
    if messenger_of(internal) is not Messenger.MAX:
        raise ForeignId(f"not a MAX id: {internal}")
    return internal - MAX_BASE if internal > 0 else -(-internal - MAX_BASE)


def is_group(internal: int) -> bool:
    return internal < 0
