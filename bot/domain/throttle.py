"""One person cannot slow the bot for the others: more than ``limit`` updates from one
person within ``window`` seconds and the rest are dropped, with one friendly word.

Every update counts, the dropped ones too: a spammer typing on stays held back; a pause of
one window lets them in again. Time is injected (seconds, monotonic), so tests need no
waiting. Memory is a few floats per person active in the last window."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import Enum


class Verdict(Enum):
    ALLOW = "allow"  # handle it
    WARN = "warn"  # drop it, and say once «слишком часто»
    DROP = "drop"  # drop it silently (already told)


@dataclass
class _Person:
    hits: deque[float]
    warned: bool = False


@dataclass
class Throttle:
    limit: int  # updates from one person...
    window: float  # ...within this many seconds; one more is "too often" (bot/settings.py)
    _people: dict[int, _Person] = field(default_factory=dict)
    _swept: float = 0.0

    def hit(self, who: int, now: float) -> Verdict:
        """Count one update from ``who`` at ``now`` and say what to do with it."""
        self._sweep(now)
        person = self._people.get(who)
        if person is None:
            person = self._people[who] = _Person(deque(maxlen=self.limit))
        hits = person.hits
        over = len(hits) == self.limit and now - hits[0] < self.window
        hits.append(now)
        if not over:
            person.warned = False
            return Verdict.ALLOW
        if person.warned:
            return Verdict.DROP
        person.warned = True
        return Verdict.WARN

    def __len__(self) -> int:
        return len(self._people)

    def _sweep(self, now: float) -> None:
        """Forget people quiet for a whole window (at most once a window, so it stays cheap)."""
        if now - self._swept < self.window:
            return
        self._swept = now
        quiet = [who for who, p in self._people.items() if now - p.hits[-1] >= self.window]
        for who in quiet:
            del self._people[who]
