"""The messengers' flood limits as a pacer: when may the next message to a chat go out.

Each messenger has its own limits (its own bot, its own server): Telegram ≈30 messages a
second overall, ≈1 a second into a private chat, 20 a minute into a group; MAX 30
requests a second overall and 2 messages a second into one chat. Token buckets over an
injected time (seconds, monotonic), so tests need no waiting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.identity import Messenger, messenger_of

GLOBAL_RATE = 28.0  # a little under Telegram's ≈30 messages a second
CHAT_RATE = 1.0  # ≈1 a second into one private chat
GROUP_PER_MINUTE = 19.0  # under 20 a minute into one group
GLOBAL_BURST = 2.0  # tokens the overall bucket may save up while a send is late
MAX_GLOBAL_RATE = 28.0  # a little under MAX's 30 requests a second
MAX_CHAT_RATE = 2.0  # MAX: at most 2 messages a second into one chat


@dataclass
class _Bucket:
    rate: float
    capacity: float
    tokens: float
    stamp: float

    def wait(self, now: float) -> float:
        tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def take(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate) - 1
        self.stamp = now


@dataclass
class Pacer:
    global_rate: float = GLOBAL_RATE
    chat_rate: float = CHAT_RATE
    chat_burst: float = 1.0
    group_per_minute: float = GROUP_PER_MINUTE
    max_global_rate: float = MAX_GLOBAL_RATE
    max_chat_rate: float = MAX_CHAT_RATE
    _globals: dict[Messenger, _Bucket] = field(default_factory=dict)
    _chats: dict[int, _Bucket] = field(default_factory=dict)

    def wait(self, chat_id: int, now: float) -> float:
        """Seconds until a message to ``chat_id`` may go (0: now)."""
        return max(self._all(chat_id, now).wait(now), self._chat(chat_id, now).wait(now))

    def take(self, chat_id: int, now: float) -> None:
        self._all(chat_id, now).take(now)
        self._chat(chat_id, now).take(now)

    def forget_idle(self, now: float, idle: float = 120.0) -> None:
        """Drop buckets of chats quiet for a while (they are full again anyway)."""
        self._chats = {k: b for k, b in self._chats.items() if now - b.stamp < idle}

    def _all(self, chat_id: int, now: float) -> _Bucket:
        messenger = messenger_of(chat_id)
        bucket = self._globals.get(messenger)
        if bucket is None:
            # evenly spaced, but a send the event loop woke late for is made up by the next
            # one (a busy machine no longer loses the lateness); two tokens keep any second
            # within 28 + 2 = 30 messages
            rate = self.max_global_rate if messenger is Messenger.MAX else self.global_rate
            bucket = self._globals[messenger] = _Bucket(rate, GLOBAL_BURST, 1.0, now)
        return bucket

    def _chat(self, chat_id: int, now: float) -> _Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if messenger_of(chat_id) is Messenger.MAX:  # people and group chats alike
                rate, cap = self.max_chat_rate, 1.0
            elif chat_id < 0:  # groups and supergroups
                rate, cap = self.group_per_minute / 60, 1.0
            else:
                rate, cap = self.chat_rate, self.chat_burst
            bucket = self._chats[chat_id] = _Bucket(rate, cap, cap, now)
        return bucket


def backoff(attempt: int, base: float = 1.0, cap: float = 300.0) -> float:
    """Seconds before retry number ``attempt`` (1, 2, ...) after a 5xx or a timeout."""
    return float(min(cap, base * 2.0 ** (attempt - 1)))


MAX_ATTEMPTS = 8  # then the message is given up and logged


def latest_starts(deadlines: Sequence[datetime], rate: float) -> list[datetime]:
    """The latest moment each message may go so that all go by their deadlines when they
    are sent one after another at ``rate`` a second, earliest deadline first: a backward
    pass from the last deadline. A wave bigger than the rate allows starts early enough
    instead of everything going at its own moment and the tail arriving late."""
    gap = timedelta(seconds=1 / rate)
    order = sorted(range(len(deadlines)), key=lambda i: deadlines[i])
    starts: list[datetime] = list(deadlines)
    following: datetime | None = None
    for i in reversed(order):
        start = deadlines[i] if following is None else min(deadlines[i], following - gap)
        starts[i] = following = start
    return starts
