from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.domain import programmes as rules
from bot.domain.catalog import Role, Status
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.models import Participant, ParticipantId, ProgrammeId, UserId


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01.09.2026", date(2026, 9, 1)),
        ("1.9.26", date(2026, 9, 1)),
        ("2026-09-01", date(2026, 9, 1)),
        (" 31/05/2027 ", date(2027, 5, 31)),
    ],
)
def test_dates_as_people_type_them(text: str, expected: date) -> None:
    assert rules.parse_date(text) == expected


@pytest.mark.parametrize("text", [None, "", "завтра", "31.02.2027", "1.13.2026", "01.09.2026 15:00"])
def test_bad_dates(text: str | None) -> None:
    with pytest.raises(InvalidInput):
        rules.parse_date(text)


def test_end_after_start_and_at_most_two_years() -> None:
    with pytest.raises(InvalidInput) as err:
        rules.check_end(date(2026, 9, 1), date(2026, 9, 1))
    assert err.value.key == "prog.ask.end.before_start"
    with pytest.raises(InvalidInput):
        rules.check_end(date(2026, 9, 1), date(2029, 9, 1))


def test_stages_go_forward_to_seven() -> None:
    assert rules.next_stage(1) == 2
    with pytest.raises(NotAllowed):
        rules.next_stage(7)


def participant(**kw: object) -> Participant:
    base: dict[str, object] = dict(
        id=ParticipantId(1),
        programme_id=ProgrammeId(1),
        user_id=UserId(1),
        role=Role.MENTEE,
        status=Status.APPROVED,
        name="x",
        age=None,
        parental_consent=False,
        trained=False,
        joined_at=datetime(2026, 9, 1),
    )
    base.update(kw)
    return Participant(**base)  # type: ignore[arg-type]


def test_no_minor_is_matched_before_the_parent_consents() -> None:
    assert participant().can_be_matched
    assert not participant(age=14).can_be_matched
    assert participant(age=14, parental_consent=True).can_be_matched
    assert not participant(status=Status.PENDING).can_be_matched
    assert not participant(role=Role.MENTOR).can_be_matched  # an untrained mentor waits for stage 4
    assert participant(role=Role.MENTOR, trained=True).can_be_matched
