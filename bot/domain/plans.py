"""A pair's plan, recorded at the planning meeting: a goal and a few items (activity, due
date). Either side marks items done; both sides and the curator see it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.domain.errors import InvalidInput

GOAL_MAX = 300
ITEM_MAX = 200
MAX_ITEMS = 15
_DUE = re.compile(
    r"(?:^|\s+)(?:(?:до|к|by|until)\s+)?(\d{1,2})\.(\d{1,2})(?:\.(\d{2,4}))?\s*$", re.IGNORECASE
)


@dataclass(frozen=True)
class PlanItem:
    id: int
    text: str
    due: date | None
    done_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True)
class Plan:
    pair_id: int
    goal: str | None = None
    items: tuple[PlanItem, ...] = field(default_factory=tuple)

    @property
    def done_count(self) -> int:
        return sum(1 for i in self.items if i.done)

    @property
    def empty(self) -> bool:
        return not self.goal and not self.items


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def clean_goal(text: str | None) -> str:
    goal = _clean(text)
    if not goal:
        raise InvalidInput("plan.err_empty")
    if len(goal) > GOAL_MAX:
        raise InvalidInput("plan.err_long", limit=GOAL_MAX, length=len(goal))
    return goal


def parse_item(text: str | None, today: date) -> tuple[str, date | None]:
    """ "Прочитать главу 3 до 15.12" -> ("Прочитать главу 3", 15 December, this year or next);
    the date is optional."""
    raw = _clean(text)
    due: date | None = None
    match = _DUE.search(raw)
    if match:
        day, month, year = int(match[1]), int(match[2]), match[3]
        y = (2000 + int(year) if len(year) == 2 else int(year)) if year else today.year
        try:
            due = date(y, month, day)
        except ValueError:
            raise InvalidInput("plan.err_date") from None
        if year is None and due < today:
            due = date(y + 1, month, day)
        raw = raw[: match.start()].strip()
    if not raw:
        raise InvalidInput("plan.err_empty")
    if len(raw) > ITEM_MAX:
        raise InvalidInput("plan.err_long", limit=ITEM_MAX, length=len(raw))
    return raw, due


def check_room(plan: Plan) -> None:
    if len(plan.items) >= MAX_ITEMS:
        raise InvalidInput("plan.err_full", limit=MAX_ITEMS)
