"""The target model's forms in detail (issue 15): reverse mentoring the right way round, the
employer–teacher form, sub-models as data with their hard rules and score emphasis, the
«нужна поддержка» rule, the profession of a parent or employer, requests offered by kind."""

from __future__ import annotations

import random

import pytest

from bot.domain import catalog as c
from bot.domain import matching as mt
from bot.domain import questionnaire as q
from bot.domain.catalog import Form, MenteeKind, MentorKind, Role
from bot.domain.errors import InvalidInput

ALL = frozenset(Form)


def person(pid: int, kind: str, **kw: object) -> mt.Person:
    return mt.Person(pid, pid, kind, **kw)  # type: ignore[arg-type]


# --- 1. reverse mentoring: the younger teaches an experienced teacher ---------------------------
def test_reverse_pairs_young_mentors_with_an_experienced_teacher() -> None:
    rev = mt.Rules(frozenset({Form.REVERSE}))
    senior = person(100, MenteeKind.EXPERIENCED_TEACHER, experience=20)
    for mentor in (
        person(1, MentorKind.PUPIL, grade=10),
        person(2, MentorKind.STUDENT),
        person(3, MentorKind.TEACHER, experience=1),  # a young teacher
    ):
        assert mt.allowed(mentor, senior, rev) is Form.REVERSE
    assert mt.allowed(person(4, MentorKind.TEACHER, experience=10), senior, rev) is None  # not younger
    assert mt.allowed(person(5, MentorKind.PARENT), senior, rev) is None
    # the old, wrong way round: a pupil «mentoring» a young teacher is no reverse mentoring
    young = person(101, MenteeKind.YOUNG_TEACHER, experience=1)
    assert mt.allowed(person(1, MentorKind.PUPIL, grade=10), young, rev) is None
    assert mt.allowed(person(2, MentorKind.STUDENT), young, mt.Rules(ALL)) is None


def test_no_other_form_pairs_an_experienced_teacher_but_the_employer_one() -> None:
    senior = person(100, MenteeKind.EXPERIENCED_TEACHER, experience=20)
    mentors = [
        person(1, MentorKind.PUPIL, grade=11),
        person(2, MentorKind.TEACHER, experience=30),
        person(3, MentorKind.STUDENT),
        person(4, MentorKind.PARENT, experience=10),
        person(5, MentorKind.EMPLOYER, experience=10),
        person(6, MentorKind.ALUMNUS, experience=10),
    ]
    for form in Form:
        if form in (Form.REVERSE, Form.EMPLOYER_TEACHER):
            continue
        assert all(mt.allowed(m, senior, mt.Rules(frozenset({form}))) is None for m in mentors), form


# --- 3. работодатель–педагог–учащийся: an employer mentors a teacher ----------------------------
def test_an_employer_mentors_a_teacher_under_the_employer_teacher_form() -> None:
    etp = mt.Rules(frozenset({Form.EMPLOYER_TEACHER}))
    boss = person(1, MentorKind.EMPLOYER, experience=10)
    for kind in (MenteeKind.YOUNG_TEACHER, MenteeKind.EXPERIENCED_TEACHER):
        assert mt.allowed(boss, person(100, kind, experience=2), etp) is Form.EMPLOYER_TEACHER
    assert mt.allowed(boss, person(101, MenteeKind.PUPIL, grade=9), etp) is None
    assert mt.allowed(person(2, MentorKind.EMPLOYER, experience=1), person(102, "yteacher"), etp) is None
    # employer → pupil stays the employer–pupil form
    ep = mt.Rules(frozenset({Form.EMPLOYER_PUPIL}))
    assert mt.allowed(boss, person(101, MenteeKind.PUPIL, grade=9), ep) is Form.EMPLOYER_PUPIL
    assert mt.allowed(boss, person(100, MenteeKind.YOUNG_TEACHER), ep) is None


# --- 5. requests by kind ------------------------------------------------------------------------
def test_a_pupil_is_never_offered_a_teachers_requests_nor_a_teacher_olympiads() -> None:
    teachers_only = {"lessons", "classroom", "parents", "documents"}
    for kind in ("pupil", "college"):
        assert not teachers_only & set(q.tags_for(Role.MENTEE, kind))
    for kind in ("yteacher", "eteacher"):
        offered = set(q.tags_for(Role.MENTEE, kind))
        assert not {"olympiad", "talents", "results"} & offered and teachers_only <= offered
    assert q.tags_for(Role.MENTOR, "teacher") == c.COMPETENCIES  # mentors: the full list
    assert set(c.REQUESTS) >= set(c.PUPIL_REQUESTS) | set(c.TEACHER_REQUESTS)


def test_a_requests_answer_is_checked_against_the_kind() -> None:
    draft = q.answer(Role.MENTEE, {q.Step.NAME: "Алиса"}, q.Step.KIND, "pupil")
    with pytest.raises(InvalidInput):
        q.answer(Role.MENTEE, draft, q.Step.TAGS, ["lessons"])  # a forged button
    draft = q.answer(Role.MENTEE, draft, q.Step.TAGS, ["motivation", "communication"])
    # becoming a young teacher keeps what a teacher is offered too, and forgets the rest
    teacher = q.answer(Role.MENTEE, draft, q.Step.KIND, "yteacher")
    assert teacher[q.Step.TAGS] == ["motivation", "communication"]
    olympiad = q.answer(Role.MENTEE, draft, q.Step.TAGS, ["olympiad"])
    assert q.Step.TAGS not in q.answer(Role.MENTEE, olympiad, q.Step.KIND, "eteacher")
    assert q.steps_for(Role.MENTEE, "eteacher") == [
        q.Step.NAME,
        q.Step.KIND,
        q.Step.EXPERIENCE,
        q.Step.TAGS,
        q.Step.INTERESTS,
        q.Step.SLOTS,
        q.Step.FORMAT,
    ]


# --- vectorised = scalar with everything new in play --------------------------------------------
def rand_person(rng: random.Random, pid: int, mentor: bool) -> mt.Person:
    kind = rng.choice([k.value for k in (MentorKind if mentor else MenteeKind)])
    return mt.Person(
        id=pid,
        user_id=rng.randint(1, 12),
        kind=kind,
        grade=rng.randint(5, 11) if kind == "pupil" else None,
        experience=rng.choice([0, 1, 2, 3, 5, 10]) if kind != "pupil" else None,
        tags=frozenset(rng.sample(c.REQUESTS, rng.randint(0, 5))),
        interests=frozenset(rng.sample(c.INTERESTS[:5], rng.randint(0, 3))),
        capacity=rng.randint(0, 3) if mentor else 1,
        needs_support=not mentor and rng.random() < 0.3,
        minor=mentor and rng.random() < 0.2,
        trained=rng.random() < 0.8,
        profession=mentor and rng.random() < 0.5,
    )


@pytest.mark.parametrize("seed", range(40))
def test_vectorised_scores_equal_the_scalar_score_with_sub_models(seed: int) -> None:
    rng = random.Random(seed)
    mentors = [rand_person(rng, i, True) for i in range(14)]
    mentees = [rand_person(rng, 100 + i, False) for i in range(20)]
    picked = frozenset(rng.sample([s.code for s in c.SUBMODELS], rng.randint(0, 8)))
    rules = mt.Rules(frozenset(rng.sample(list(Form), rng.randint(1, len(Form)))), submodels=picked)
    rows, cols, vals = mt.candidate_edges(mentors, mentees, rules, mt.Weights(), None, block=6)
    got = {(int(r), int(col)): float(v) for r, col, v in zip(rows, cols, vals, strict=True)}
    for r, e in enumerate(mentees):
        for col, m in enumerate(mentors):
            expected = mt.score(m, e, rules)
            assert got.get((r, col)) == (pytest.approx(expected) if expected is not None else None)
    for pair in mt.match(mentors, mentees, rules).pairs:
        mentor = next(m for m in mentors if m.id == pair.mentor)
        mentee = next(e for e in mentees if e.id == pair.mentee)
        assert mt.supports(mentor, mentee)
        sub = pair.reasons.submodel
        assert sub is None or (sub in picked and c.SUBMODEL_BY_CODE[sub].form is pair.form)
