"""The questionnaire's rules pinned: steps per role and kind, each answer's check and key."""

from __future__ import annotations

import pytest

from bot.domain import catalog as c
from bot.domain import questionnaire as q
from bot.domain.catalog import MeetFormat, Role
from bot.domain.errors import InvalidInput
from bot.domain.models import Profile

S = q.Step


def refused(key: str, fn: object, *args: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as err:
        fn(*args)  # type: ignore[operator]
    assert err.value.key == key
    return err.value


def test_kinds_and_tags_per_role() -> None:
    assert q.kinds_for(Role.MENTOR) == ("pupil", "teacher", "student", "parent", "employer", "alumnus")
    assert q.kinds_for(Role.MENTEE) == ("pupil", "college", "yteacher", "eteacher")
    assert q.tags_for(Role.MENTOR) == c.COMPETENCIES
    assert q.tags_for(Role.MENTEE) == c.REQUESTS


@pytest.mark.parametrize(
    ("role", "kind", "grade", "experience"),
    [
        (Role.MENTOR, "pupil", True, False),
        (Role.MENTOR, "teacher", False, True),
        (Role.MENTOR, "alumnus", False, True),
        (Role.MENTOR, "student", False, False),
        (Role.MENTEE, "pupil", True, False),
        (Role.MENTEE, "yteacher", False, True),
        (Role.MENTEE, "college", False, False),
        (Role.MENTEE, None, False, False),
    ],
)
def test_which_kinds_need_a_grade_or_experience(
    role: Role, kind: str | None, grade: bool, experience: bool
) -> None:
    assert q.needs_grade(role, kind) is grade
    assert q.needs_experience(role, kind) is experience


def test_whole_step_lists() -> None:
    assert q.steps_for(Role.MENTOR, "pupil") == [
        S.NAME,
        S.KIND,
        S.GRADE,
        S.TAGS,
        S.INTERESTS,
        S.CAPACITY,
        S.SLOTS,
        S.FORMAT,
    ]
    assert q.steps_for(Role.MENTOR, "teacher") == [
        S.NAME,
        S.KIND,
        S.EXPERIENCE,
        S.TAGS,
        S.INTERESTS,
        S.CAPACITY,
        S.SLOTS,
        S.FORMAT,
    ]
    assert q.steps_for(Role.MENTEE, "yteacher") == [
        S.NAME,
        S.KIND,
        S.EXPERIENCE,
        S.TAGS,
        S.INTERESTS,
        S.SLOTS,
        S.FORMAT,
    ]
    assert q.steps_for(Role.MENTEE, None) == [S.NAME, S.KIND, S.TAGS, S.INTERESTS, S.SLOTS, S.FORMAT]


def test_next_step_is_the_first_unanswered() -> None:
    assert q.next_step(Role.MENTOR, {}) is S.NAME
    assert q.next_step(Role.MENTOR, {S.NAME: "Иван"}) is S.KIND
    assert q.next_step(Role.MENTOR, {S.NAME: "Иван", S.KIND: "teacher"}) is S.EXPERIENCE
    assert q.next_step(Role.MENTOR, {S.NAME: "Иван", S.KIND: "teacher", S.EXPERIENCE: 0}) is S.TAGS


def test_name_limits() -> None:
    assert q.clean_name("Ян") == "Ян"  # two letters: the shortest name
    assert q.clean_name("Я" * 64) == "Я" * 64
    assert q.clean_name(" Анна\u200b\tМария\n") == "Анна Мария"  # invisible characters dropped
    for bad in (None, "", "Я", "Я" * 65, "12", " \u200b\u200bЯ "):
        err = refused("ask.name.invalid", q.clean_name, bad)
        assert err.params == {"min": 2, "max": 64}


def mentor_draft() -> q.Draft:
    draft: q.Draft = {}
    for step, value in [
        (S.NAME, "Иван Петров"),
        (S.KIND, "teacher"),
        (S.EXPERIENCE, "20"),
        (S.TAGS, ["informatics", "olympiad", "informatics"]),
        (S.INTERESTS, ["chess"]),
        (S.CAPACITY, "5"),
        (S.SLOTS, ["wed_ev", "mon_am"]),
        (S.FORMAT, "offline"),
    ]:
        draft = q.answer(Role.MENTOR, draft, step, value)
    return draft


def test_a_mentor_answers_everything() -> None:
    draft = mentor_draft()
    assert draft == {
        S.NAME: "Иван Петров",
        S.KIND: "teacher",
        S.EXPERIENCE: 20,
        S.TAGS: [t for t in c.COMPETENCIES if t in ("informatics", "olympiad")],
        S.INTERESTS: ["chess"],
        S.CAPACITY: 5,
        S.SLOTS: ["mon_am", "wed_ev"],
        S.FORMAT: "offline",
    }
    profile = q.to_profile(Role.MENTOR, draft)
    assert profile == Profile(
        role=Role.MENTOR,
        kind="teacher",
        grade=None,
        experience=20,
        tags=tuple(draft[S.TAGS]),
        interests=("chess",),
        capacity=5,
        slots=("mon_am", "wed_ev"),
        format=MeetFormat.OFFLINE,
    )
    assert q.from_profile("Иван Петров", profile) == draft


def test_the_same_kind_again_keeps_the_answers() -> None:
    draft = mentor_draft()
    assert q.answer(Role.MENTOR, draft, S.KIND, "teacher") == draft
    changed = q.answer(Role.MENTOR, draft, S.KIND, "alumnus")
    assert changed[S.KIND] == "alumnus" and S.EXPERIENCE not in changed and changed[S.TAGS] == draft[S.TAGS]
    assert draft[S.KIND] == "teacher"  # the old draft is not changed


def test_answers_outside_the_catalogue() -> None:
    draft = mentor_draft()
    refused("error.stale", q.answer, Role.MENTOR, draft, S.KIND, "yteacher")  # a mentee's kind
    refused("error.stale", q.answer, Role.MENTOR, draft, S.GRADE, "12")
    assert q.answer(Role.MENTOR, draft, S.GRADE, "11")[S.GRADE] == 11
    assert q.answer(Role.MENTOR, draft, S.GRADE, "1")[S.GRADE] == 1
    refused("error.stale", q.answer, Role.MENTOR, draft, S.EXPERIENCE, "4")
    refused("error.stale", q.answer, Role.MENTOR, draft, S.CAPACITY, "6")
    assert q.answer(Role.MENTOR, draft, S.CAPACITY, 1)[S.CAPACITY] == 1
    refused("error.stale", q.answer, Role.MENTOR, draft, S.FORMAT, "somewhere")
    refused("error.stale", q.answer, Role.MENTEE, {}, S.TAGS, ["math"])  # a mentor's competence
    refused("error.stale", q.answer, Role.MENTOR, draft, S.SLOTS, ["mon_am", "never"])
    for step in (S.TAGS, S.INTERESTS, S.SLOTS):
        refused(f"ask.{step.value}.empty", q.answer, Role.MENTOR, draft, step, [])


def test_toggle() -> None:
    allowed = ("a", "b", "c")
    assert q.toggle(["c"], "a", allowed) == ["a", "c"]
    assert q.toggle(["a", "c"], "a", allowed) == ["c"]
    refused("error.stale", q.toggle, ["a"], "d", allowed)


def test_profile_of_an_incomplete_draft_and_capacity_defaults() -> None:
    draft = mentor_draft()
    del draft[S.FORMAT]
    refused("error.incomplete", q.to_profile, Role.MENTOR, draft)
    no_capacity = mentor_draft()
    del no_capacity[S.CAPACITY]  # only a mentor is asked it: still incomplete
    refused("error.incomplete", q.to_profile, Role.MENTOR, no_capacity)
    mentee = {
        S.NAME: "Аня",
        S.KIND: "college",
        S.TAGS: ["olympiad"],
        S.INTERESTS: ["chess"],
        S.SLOTS: ["mon_am"],
        S.FORMAT: "any",
        S.GRADE: 7,
        S.EXPERIENCE: 3,
    }
    profile = q.to_profile(Role.MENTEE, mentee)
    assert (profile.grade, profile.experience, profile.capacity) == (None, None, 1)  # stale answers dropped
    assert q.from_profile("Аня", profile) == {
        k: v for k, v in mentee.items() if k not in (S.GRADE, S.EXPERIENCE)
    }


def test_minor_age_limits() -> None:
    assert (q.MIN_AGE, q.MAX_MINOR_AGE) == (10, 17)
    assert q.check_minor_age(10) == 10 and q.check_minor_age(17) == 17
    for bad in (9, 18):
        refused("error.stale", q.check_minor_age, bad)
