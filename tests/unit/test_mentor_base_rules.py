"""The mentor base's rules: filters, pages, the trained mark, copies, retention."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.domain import base as rules
from bot.domain.base import Activity, BaseMentor, Filter, History
from bot.domain.catalog import Cadence, Form, MeetFormat, Role
from bot.domain.errors import InvalidInput
from bot.domain.models import OrganisationId, Profile, Programme, ProgrammeId, UserId

NOW = datetime(2027, 9, 1, 9, 0)


def mentor(
    n: int,
    name: str,
    kind: str | None = "teacher",
    tags: tuple[str, ...] = ("math",),
    trained: bool = False,
    running: tuple[int, ...] = (),
    history: tuple[History, ...] = (),
) -> BaseMentor:
    profile = None if kind is None else Profile(Role.MENTOR, kind, tags=tags, format=MeetFormat.ANY)
    return BaseMentor(
        n, OrganisationId(1), UserId(100 + n), name, None, kind is None, profile, trained, None, NOW,
        history, running,
    )  # fmt: skip


BASE = [
    mentor(1, "Елена Морозова", trained=True, running=(2,)),
    mentor(2, "анна Соколова", kind="student", tags=("olympiad", "math")),
    mentor(3, "Борис Ким", tags=("physics",), trained=True),
    mentor(4, "Алиса Смирнова", kind=None),  # an alumni candidate
]


def names(flt: Filter, exclude: set[int] | None = None) -> list[str]:
    return [m.name for m in rules.select(BASE, flt, exclude)]


def test_the_whole_base_is_its_mentors_by_name_without_candidates() -> None:
    assert names(Filter()) == ["анна Соколова", "Борис Ким", "Елена Морозова"]


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (Filter(kind="student"), ["анна Соколова"]),
        (Filter(trained="1"), ["Борис Ким", "Елена Морозова"]),
        (Filter(trained="0"), ["анна Соколова"]),
        (Filter(comp="math"), ["анна Соколова", "Елена Морозова"]),
        (Filter(activity=Activity.ACTIVE), ["Елена Морозова"]),
        (Filter(activity=Activity.FREE), ["анна Соколова", "Борис Ким"]),
        (Filter(activity=Activity.CANDIDATE), ["Алиса Смирнова"]),
        (Filter(kind="teacher", trained="1", comp="physics"), ["Борис Ким"]),
    ],
)
def test_filters(flt: Filter, expected: list[str]) -> None:
    assert names(flt) == expected


def test_people_already_in_the_programme_are_left_out() -> None:
    assert names(Filter(), exclude={101, 103}) == ["анна Соколова"]


@pytest.mark.parametrize(
    ("kind", "trained", "comp", "activity"),
    [("wizard", "", "", ""), ("", "2", "", ""), ("", "", "<b>", ""), ("", "", "", "z")],
)
def test_a_forged_filter_is_refused(kind: str, trained: str, comp: str, activity: str) -> None:
    with pytest.raises(InvalidInput):
        rules.check_filter(kind, trained, comp, activity)


def test_pages_are_clamped() -> None:
    many = [mentor(i, f"Имя {i:03}") for i in range(65)]
    first, page = rules.page_of(many, 0)
    assert (len(first), page) == (rules.PAGE, 0)
    last, page = rules.page_of(many, 99)  # an old button past the end: the last page
    assert (len(last), page) == (5, 2)
    assert rules.page_of([], 3) == ([], 0)


def test_history_adds_up_and_satisfaction_is_the_mean_of_known() -> None:
    m = mentor(
        1, "Е", history=(History(1, "А", 2, 10, 4.0), History(2, "Б", 1, 3, None), History(3, "В", 1, 2, 5.0))
    )
    assert (m.mentees, m.meetings, m.satisfaction) == (4, 15, 4.5)
    assert rules.mean_satisfaction([None, None]) is None


def test_the_trained_mark_carries_over() -> None:
    assert rules.carry_trained(True, False) and rules.carry_trained(False, True)
    assert not rules.carry_trained(False, False)


def test_a_mentee_finished_only_when_a_pair_reached_its_goal() -> None:
    assert rules.unfinished_mentee([]) and rules.unfinished_mentee(["partly", None])
    assert not rules.unfinished_mentee(["not", "reached"])


def test_records_untouched_for_three_years_are_stale() -> None:
    assert datetime(2024, 8, 31) < rules.stale_before(NOW) < datetime(2024, 9, 2)
    assert rules.stale_before(NOW, 1) < NOW


def test_a_copy_keeps_the_settings_and_takes_new_dates() -> None:
    old = Programme(
        ProgrammeId(7), OrganisationId(1), "2026/27", (Form.PUPIL_PUPIL,), True, date(2026, 9, 1),
        date(2027, 5, 31), "Asia/Yekaterinburg", Cadence.BIWEEKLY, 12, stage=7, archived=True,
        proposal_ttl_hours=48, mentee_choice=True, weights={"tags": 2.0}, digest_weekday=4, digest_hour=15,
        closing_at=NOW, archived_at=NOW, curator_chat_id=-100,
    )  # fmt: skip
    plan = rules.parse_copy("  Наставничество   2027/28 ", "01.09.2027 – 31.05.2028")
    new = rules.copy_of(old, plan)
    assert (new.title, new.start, new.end) == ("Наставничество 2027/28", date(2027, 9, 1), date(2028, 5, 31))
    assert (new.stage, new.archived, new.closing_at, new.archived_at) == (1, False, None, None)
    kept = (new.forms, new.group_format, new.timezone, new.cadence, new.min_meetings, new.proposal_ttl_hours)
    assert kept == (old.forms, True, "Asia/Yekaterinburg", Cadence.BIWEEKLY, 12, 48)
    assert (new.mentee_choice, new.weights, new.digest_weekday, new.digest_hour) == (
        True,
        {"tags": 2.0},
        4,
        15,
    )
    assert new.weights is not old.weights


@pytest.mark.parametrize(
    "period",
    ["", "01.09.2027", "31.05.2028 - 01.09.2027", "01.09.2027 - 01.09.2031", "вчера - завтра", "x" * 5000],
)
def test_bad_copy_dates_are_refused(period: str) -> None:
    with pytest.raises(InvalidInput) as err:
        rules.parse_copy("Наставничество 2027/28", period)
    assert err.value.key == "base.copy.period_invalid"


@pytest.mark.parametrize(
    "period",
    ["01.09.2027-31.05.2028", "01.09.2027 по 31.05.2028", " 1.9.27 — 31.5.28 ", "2027-09-01 2028-05-31"],
)
def test_copy_dates_as_people_type_them(period: str) -> None:
    plan = rules.parse_copy("Наставничество 2027/28", period)
    assert (plan.start, plan.end) == (date(2027, 9, 1), date(2028, 5, 31))


def test_a_copy_needs_a_title() -> None:
    with pytest.raises(InvalidInput):
        rules.parse_copy("12", "01.09.2027 - 31.05.2028")
