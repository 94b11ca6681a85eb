"""A participant's self-service: who may ask for another mentor, leaving once, which pairs a
leaving person's departure ends, the reasons a button may carry."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from bot.domain.catalog import Role, Status
from bot.domain.errors import AlreadyDecided, InvalidInput, NotAllowed
from bot.domain.models import Participant
from bot.domain.pairs import Pair, PairStatus
from bot.domain.voice import (
    MentorReason,
    check_can_ask_other_mentor,
    check_can_leave,
    is_paused,
    mentor_reason,
    pairs_to_end,
    parse_pause_date,
    pause_until,
)

NOW = datetime(2026, 10, 1, 9, 0)


def person(pid: int, user_id: int, role: Role) -> Participant:
    return Participant(pid, 1, user_id, role, Status.APPROVED, f"P{pid}", None, False, False, NOW)  # type: ignore[arg-type]


MENTOR, MENTEE, OTHER = person(1, 101, Role.MENTOR), person(2, 102, Role.MENTEE), person(3, 103, Role.MENTEE)


def pair(pid: int, mentee: Participant, status: PairStatus) -> Pair:
    return Pair(pid, 1, MENTOR, mentee, status, 5.0, None, None)


def test_reasons_from_buttons_and_a_forged_one_refused() -> None:
    assert [mentor_reason(r.value) for r in MentorReason] == list(MentorReason)
    with pytest.raises(InvalidInput):
        mentor_reason("zzz")


def test_only_the_mentee_of_a_working_pair_asks_for_another_mentor() -> None:
    check_can_ask_other_mentor(pair(1, MENTEE, PairStatus.ACTIVE), MENTEE.user_id)
    with pytest.raises(NotAllowed):
        check_can_ask_other_mentor(pair(1, MENTEE, PairStatus.ACTIVE), MENTOR.user_id)
    with pytest.raises(NotAllowed):
        check_can_ask_other_mentor(pair(1, MENTEE, PairStatus.ACTIVE), OTHER.user_id)
    with pytest.raises(AlreadyDecided):
        check_can_ask_other_mentor(pair(1, MENTEE, PairStatus.ENDED), MENTEE.user_id)


def test_one_leaves_only_ones_own_participation_and_once() -> None:
    check_can_leave(MENTEE, MENTEE.user_id)
    with pytest.raises(NotAllowed):
        check_can_leave(MENTEE, MENTOR.user_id)
    with pytest.raises(AlreadyDecided):
        check_can_leave(replace(MENTEE, status=Status.LEFT), MENTEE.user_id)


def test_leaving_ends_open_pairs_of_that_person_only() -> None:
    pairs = [
        pair(1, MENTEE, PairStatus.ACTIVE),
        pair(2, OTHER, PairStatus.PROPOSED),
        pair(3, MENTEE, PairStatus.ENDED),
        pair(4, OTHER, PairStatus.ACTIVE),
    ]
    assert [p.id for p in pairs_to_end(pairs, MENTEE.id)] == [1]
    assert [p.id for p in pairs_to_end(pairs, MENTOR.id)] == [1, 2, 4]


TODAY = date(2026, 10, 1)


def test_a_pause_lasts_until_its_day_exclusive() -> None:
    assert is_paused(date(2026, 10, 15), TODAY)
    assert is_paused(date(2026, 10, 15), date(2026, 10, 14))
    assert not is_paused(date(2026, 10, 15), date(2026, 10, 15))  # that day everything goes on
    assert not is_paused(None, TODAY)


def test_pause_buttons_and_a_forged_one() -> None:
    assert [pause_until(c, TODAY) for c in ("1w", "2w", "1m")] == [
        date(2026, 10, 8), date(2026, 10, 15), date(2026, 10, 31),
    ]  # fmt: skip
    with pytest.raises(InvalidInput):
        pause_until("1y", TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("25.12", date(2026, 12, 25)), ("2.10", date(2026, 10, 2)), (" 05/11 ", date(2026, 11, 5)),
     ("25.12.2026", date(2026, 12, 25)), ("25.12.26", date(2026, 12, 25))],
)  # fmt: skip
def test_a_typed_pause_date(text: str, expected: date) -> None:
    assert parse_pause_date(text, TODAY) == expected


def test_a_date_without_a_year_after_new_year_wraps() -> None:
    assert parse_pause_date("10.01", date(2026, 12, 20)) == date(2027, 1, 10)


@pytest.mark.parametrize(
    ("text", "key"),
    [(None, "voice.pause_bad_date"), ("", "voice.pause_bad_date"), ("завтра", "voice.pause_bad_date"),
     ("31.02", "voice.pause_bad_date"), ("01.10.2026", "voice.pause_past"),
     ("30.09.2026", "voice.pause_past"), ("25.01", "voice.pause_too_long"),
     ("1" * 5000, "voice.pause_bad_date")],
)  # fmt: skip
def test_a_bad_pause_date_is_refused_with_its_reason(text: str | None, key: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_pause_date(text, TODAY)
    assert err.value.key == key
