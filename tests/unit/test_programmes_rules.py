"""Programmes' rules pinned on both sides of each boundary, with the key each refusal carries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain import catalog as c
from bot.domain import programmes as rules
from bot.domain.errors import InvalidInput, NotAllowed

D = date(2026, 9, 1)


def refused(key: str, fn: object, *args: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as err:
        fn(*args)  # type: ignore[operator]
    assert err.value.key == key
    return err.value


def test_title_limits_and_key() -> None:
    assert rules.clean_title("  Шаг   вперёд ") == "Шаг вперёд"
    assert rules.clean_title("Абв") == "Абв"  # three letters: the shortest title
    err = refused("prog.ask.title.invalid", rules.clean_title, "Аб")
    assert err.params == {"min": 3, "max": 100}
    err = refused("prog.ask.title.invalid", rules.clean_title, None)  # the name rule says no
    assert err.params == {"min": 3, "max": 100}
    refused("prog.ask.title.invalid", rules.clean_title, "123")
    assert (rules.TITLE_MIN, rules.TITLE_MAX) == (3, 100)


def test_long_title_limits_and_key() -> None:
    assert rules.clean_long_title("  Шаг \n вперёд ") == "Шаг вперёд"
    assert rules.clean_long_title("Абв") == "Абв"
    assert rules.clean_long_title("А" * 100) == "А" * 100
    for bad in (None, "Аб", "А" * 101, "1234", "  "):
        err = refused("prog.ask.title.invalid", rules.clean_long_title, bad)
        assert err.params == {"min": 3, "max": 100}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.9.26", date(2026, 9, 1)),
        ("01.09.99", date(2099, 9, 1)),
        ("01.09.2026", date(2026, 9, 1)),
        ("01-09-2026", date(2026, 9, 1)),
        ("1/9/2026", date(2026, 9, 1)),
        ("1.9.0100", date(100, 9, 1)),  # four digits are taken as they are
        ("2026-9-1", date(2026, 9, 1)),
        ("  2026-09-30  ", date(2026, 9, 30)),
    ],
)
def test_date_forms(text: str, expected: date) -> None:
    assert rules.parse_date(text) == expected


@pytest.mark.parametrize("text", [None, "", "x", "1.9.026", "2026-13-01", "2026-02-30", "1.9", "1.9.2026x"])
def test_bad_dates_say_so(text: str | None) -> None:
    refused("prog.ask.date.invalid", rules.parse_date, text)


def test_end_boundaries() -> None:
    assert rules.check_end(D, D + timedelta(days=1)) == D + timedelta(days=1)
    refused("prog.ask.end.before_start", rules.check_end, D, D)
    refused("prog.ask.end.before_start", rules.check_end, D, D - timedelta(days=1))
    longest = D + timedelta(days=2 * 366)
    assert rules.check_end(D, longest) == longest
    refused("prog.ask.end.too_long", rules.check_end, D, longest + timedelta(days=1))
    assert timedelta(days=732) == rules.MAX_DURATION


def test_forms() -> None:
    assert rules.check_forms(["pp", "tp"]) == (c.Form.PUPIL_PUPIL, c.Form("tp"))
    refused("prog.ask.forms.empty", rules.check_forms, [])
    with pytest.raises(ValueError, match="nope"):
        rules.check_forms(["nope"])


def test_stages() -> None:
    assert [rules.next_stage(s) for s in range(1, 7)] == [2, 3, 4, 5, 6, 7]
    with pytest.raises(NotAllowed) as err:
        rules.next_stage(7)
    assert err.value.key == "error.not_allowed"
    with pytest.raises(NotAllowed):
        rules.next_stage(8)


@pytest.mark.parametrize(
    "text",
    [
        "28.12.2026 - 10.01.2027",
        "28.12.2026–10.01.2027",
        "28.12.2026 — 10.01.2027",
        "28.12.2026 по 10.01.2027",
        " 28.12.2026 to 10.01.2027 ",
    ],
)
def test_period_forms(text: str) -> None:
    assert rules.parse_period(text) == (date(2026, 12, 28), date(2027, 1, 10))


def test_period_boundaries() -> None:
    assert rules.parse_period("01.01.2027 - 01.01.2027") == (date(2027, 1, 1), date(2027, 1, 1))
    assert rules.parse_period("01.01.2027 - 01.05.2027") == (date(2027, 1, 1), date(2027, 5, 1))  # 120 days
    for bad in (
        None,
        "",
        "01.01.2027",
        "01.01.2027 - 02.05.2027",
        "02.01.2027 - 01.01.2027",
        "01.01.2027 - 02.01.2027 - 03.01.2027",
        "01.01.2027 - 32.01.2027",
        "01.01.2027 по",
    ):
        refused("prog.break.invalid", rules.parse_period, bad)


def test_a_refusal_carries_its_key_and_params() -> None:
    err = InvalidInput("prog.ask.title.invalid", min=3, max=100)
    assert (err.key, err.params, str(err), err.args) == (
        "prog.ask.title.invalid",
        {"min": 3, "max": 100},
        "prog.ask.title.invalid",
        ("prog.ask.title.invalid",),
    )
    assert NotAllowed().key == "error.not_allowed"
