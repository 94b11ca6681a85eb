"""A pair's plan pinned: the limits on both sides, each refusal's key and figures."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.domain import plans as p
from bot.domain.errors import InvalidInput

TODAY = date(2026, 11, 22)


def refused(key: str, fn: object, *args: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as err:
        fn(*args)  # type: ignore[operator]
    assert err.value.key == key
    return err.value


def test_goal_limits() -> None:
    assert p.clean_goal("  Сдать \n ОГЭ  ") == "Сдать ОГЭ"
    assert p.clean_goal("ц" * 300) == "ц" * 300
    err = refused("plan.err_long", p.clean_goal, "ц" * 301)
    assert err.params == {"limit": 300, "length": 301}
    for empty in (None, "", "   "):
        refused("plan.err_empty", p.clean_goal, empty)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Шаг к 22.11", ("Шаг", date(2026, 11, 22))),  # today is not in the past
        ("Шаг к 21.11", ("Шаг", date(2027, 11, 21))),  # yesterday: next year
        ("Шаг until 1.2.27", ("Шаг", date(2027, 2, 1))),
        ("Шаг ДО 1.2.2030", ("Шаг", date(2030, 2, 1))),
        ("Шаг 01.10.2026", ("Шаг", date(2026, 10, 1))),  # a year typed is kept
        ("Глава 3.5 прочитана", ("Глава 3.5 прочитана", None)),
        ("ш" * 200, ("ш" * 200, None)),
    ],
)
def test_items(text: str, expected: tuple[str, date | None]) -> None:
    assert p.parse_item(text, TODAY) == expected


def test_item_refusals() -> None:
    for empty in (None, "", "до 15.12", " 15.12 "):
        refused("plan.err_empty", p.parse_item, empty, TODAY)
    refused("plan.err_date", p.parse_item, "Шаг до 31.02", TODAY)
    refused("plan.err_date", p.parse_item, "Шаг до 1.13", TODAY)
    err = refused("plan.err_long", p.parse_item, "ш" * 201 + " до 1.12", TODAY)
    assert err.params == {"limit": 200, "length": 201}


def test_room_for_fifteen_items() -> None:
    items = tuple(p.PlanItem(i, "шаг", None) for i in range(p.MAX_ITEMS - 1))
    p.check_room(p.Plan(1, "Цель", items))  # fourteen: one more fits
    err = refused("plan.err_full", p.check_room, p.Plan(1, "Цель", (*items, p.PlanItem(99, "шаг", None))))
    assert err.params == {"limit": 15}
    assert (p.GOAL_MAX, p.ITEM_MAX, p.MAX_ITEMS) == (300, 200, 15)


def test_done_count_and_empty() -> None:
    done = p.PlanItem(1, "a", None, done_at=datetime(2026, 11, 20))
    assert done.done and not p.PlanItem(2, "b", None).done
    plan = p.Plan(1, None, (done, p.PlanItem(2, "b", None), done))
    assert plan.done_count == 2
    assert p.Plan(1).empty and not plan.empty and not p.Plan(1, "Цель").empty
