"""The target model's forms in detail (issue 15): reverse mentoring the right way round, the
employer–teacher form, sub-models as data with their hard rules and score emphasis, the
«нужна поддержка» rule, the profession of a parent or employer, requests offered by kind."""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest

from bot.domain import catalog as c
from bot.domain import matching as mt
from bot.domain import programmes as prog
from bot.domain import questionnaire as q
from bot.domain.catalog import Form, MenteeKind, MentorKind, Role
from bot.domain.digest import SnapPair, SnapPerson, Snapshot, support_waiting
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
    # the form's other pair, employer → pupil, as under the employer–pupil form
    assert mt.allowed(boss, person(101, MenteeKind.PUPIL, grade=9), etp) is Form.EMPLOYER_TEACHER
    assert mt.allowed(person(3, MentorKind.TEACHER, experience=20), person(102, "yteacher"), etp) is None
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


# --- 2. sub-models: hard rules and emphasis -----------------------------------------------------
def test_peer_to_peer_allows_the_same_class_and_only_when_picked() -> None:
    same = person(1, MentorKind.PUPIL, grade=8), person(100, MenteeKind.PUPIL, grade=8)
    pp = frozenset({Form.PUPIL_PUPIL})
    assert mt.allowed(*same, mt.Rules(pp)) is None  # today's rule: the mentor's class is higher
    assert mt.allowed(*same, mt.Rules(pp, submodels=frozenset({"pp_ach"}))) is None
    peer = mt.Rules(pp, submodels=frozenset({"pp_peer"}))
    assert mt.placement(*same, peer) == (Form.PUPIL_PUPIL, c.SUBMODEL_BY_CODE["pp_peer"])
    assert mt.explain(*same, peer).submodel == "pp_peer"
    younger_mentor = person(2, MentorKind.PUPIL, grade=7)
    assert mt.allowed(younger_mentor, same[1], peer) is None  # never a younger mentor
    # a sub-model of another form picked: this form keeps its own rule
    other = mt.Rules(pp, submodels=frozenset({"tt_young"}))
    assert mt.allowed(*same, other) is None
    assert mt.placement(person(3, MentorKind.PUPIL, grade=10), same[1], other) == (Form.PUPIL_PUPIL, None)


def test_the_sub_model_that_fits_best_is_chosen_and_its_requests_weigh_more() -> None:
    mentor = person(1, MentorKind.PUPIL, grade=10, tags=frozenset({"leadership", "results"}))
    leader = person(100, MenteeKind.PUPIL, grade=7, tags=frozenset({"leadership"}))
    both = mt.Rules(frozenset({Form.PUPIL_PUPIL}), submodels=frozenset({"pp_ach", "pp_lead"}))
    assert mt.explain(mentor, leader, both).submodel == "pp_lead"
    plain = mt.Rules(frozenset({Form.PUPIL_PUPIL}))
    w = mt.Weights()
    assert mt.score(mentor, leader, both, w) == mt.score(mentor, leader, plain, w) + w.emphasis
    results = person(101, MenteeKind.PUPIL, grade=7, tags=frozenset({"results"}))
    assert mt.explain(mentor, results, both).submodel == "pp_ach"
    # a request the mentor does not cover adds nothing; ties go to the catalogue's first
    none = person(102, MenteeKind.PUPIL, grade=7, tags=frozenset({"adaptation"}))
    assert mt.explain(mentor, none, both).submodel == "pp_ach"
    assert mt.score(mentor, none, both, w) == mt.score(mentor, none, plain, w)


def test_teacher_sub_models_set_the_experience_gap() -> None:
    young = person(100, MenteeKind.YOUNG_TEACHER, experience=1)
    close = person(1, MentorKind.TEACHER, experience=2)  # one year more
    tt = frozenset({Form.TEACHER_TEACHER})
    assert mt.allowed(close, young, mt.Rules(tt)) is None
    assert mt.allowed(close, young, mt.Rules(tt, submodels=frozenset({"tt_young"}))) is None
    assert mt.allowed(close, young, mt.Rules(tt, submodels=frozenset({"tt_comm"}))) is Form.TEACHER_TEACHER
    peer = person(2, MentorKind.TEACHER, experience=1)
    assert mt.allowed(peer, young, mt.Rules(tt, submodels=frozenset({"tt_comm"}))) is None
    assert mt.allowed(peer, young, mt.Rules(tt, submodels=frozenset({"tt_innov"}))) is Form.TEACHER_TEACHER
    assert (
        mt.allowed(
            peer, person(101, "eteacher", experience=9), mt.Rules(tt, submodels=frozenset({"tt_innov"}))
        )
        is None
    )


def test_every_sub_model_is_data_with_a_known_form_and_known_requests() -> None:
    codes = [s.code for s in c.SUBMODELS]
    assert len(codes) == len(set(codes)) and all(len(x) <= 10 and x.isascii() for x in codes)
    assert all(set(s.emphasis) <= set(c.REQUESTS) for s in c.SUBMODELS)
    assert {s.form for s in c.SUBMODELS} == {
        Form.PUPIL_PUPIL,
        Form.TEACHER_TEACHER,
        Form.STUDENT_PUPIL,
        Form.EMPLOYER_PUPIL,
    }
    assert [s.code for s in c.submodels_of(Form.PUPIL_PUPIL)] == ["pp_ach", "pp_lead", "pp_peer", "pp_adapt"]


def test_a_programmes_sub_models_and_directions_are_checked() -> None:
    forms = [Form.PUPIL_PUPIL]
    assert prog.check_submodels(forms, ["pp_peer", "pp_ach"]) == ("pp_ach", "pp_peer")  # catalogue order
    with pytest.raises(InvalidInput):
        prog.check_submodels(forms, ["tt_young"])  # a form the programme lacks
    with pytest.raises(InvalidInput):
        prog.check_submodels(forms, ["nope"])
    assert prog.check_directions(["young", "study"]) == ("study", "young")
    with pytest.raises(InvalidInput):
        prog.check_directions(["health"])
    assert prog.toggled(("a", "b"), "a") == ["b"] and prog.toggled(["b"], "a") == ["b", "a"]
    assert prog.kept_submodels([Form.TEACHER_TEACHER], ("pp_ach", "tt_young")) == ("tt_young",)


# --- 6. needs support ---------------------------------------------------------------------------
def test_a_mentee_who_needs_support_gets_only_an_adult_trained_mentor() -> None:
    kid = person(100, MenteeKind.PUPIL, grade=6, needs_support=True)
    rules = mt.Rules(ALL)
    assert mt.allowed(person(1, MentorKind.PUPIL, grade=10), kid, rules) is None  # a pupil: not adult
    assert mt.allowed(person(2, MentorKind.TEACHER, experience=9, trained=False), kid, rules) is None
    assert mt.allowed(person(3, MentorKind.STUDENT, minor=True), kid, rules) is None  # under 18
    assert mt.allowed(person(4, MentorKind.TEACHER, experience=9), kid, rules) is Form.TEACHER_PUPIL
    assert mt.explain(person(4, MentorKind.TEACHER), kid, rules).support
    calm = person(101, MenteeKind.PUPIL, grade=6)
    assert mt.allowed(person(1, MentorKind.PUPIL, grade=10), calm, rules) is Form.PUPIL_PUPIL
    assert not mt.explain(person(1, MentorKind.PUPIL), calm).support


# --- 7. a parent's or employer's profession -----------------------------------------------------
def test_a_profession_scores_for_a_career_request_only_with_a_parent_or_employer() -> None:
    rules, w = mt.Rules(ALL), mt.Weights()
    kid = person(100, MenteeKind.PUPIL, grade=9, tags=frozenset({"career"}))
    with_job = person(1, MentorKind.PARENT, profession=True)
    without = person(2, MentorKind.PARENT)
    assert mt.explain(with_job, kid).profession and not mt.explain(without, kid).profession
    assert mt.score(with_job, kid, rules, w) == mt.score(without, kid, rules, w) + w.profession
    other = person(101, MenteeKind.PUPIL, grade=9, tags=frozenset({"olympiad"}))
    assert mt.score(with_job, other, rules, w) == mt.score(without, other, rules, w)
    teacher = person(3, MentorKind.TEACHER, experience=9, profession=True)  # only parents, employers
    assert not mt.explain(teacher, kid).profession
    assert mt.match([without, with_job], [kid], rules).pairs[0].mentor == 1


def test_the_profession_step_of_a_parent_or_employer() -> None:
    assert q.Step.PROFESSION in q.steps_for(Role.MENTOR, "parent")
    assert q.Step.PROFESSION in q.steps_for(Role.MENTOR, "employer")
    assert q.Step.PROFESSION not in q.steps_for(Role.MENTOR, "teacher")
    assert q.Step.PROFESSION not in q.steps_for(Role.MENTEE, "pupil")
    draft = q.answer(Role.MENTOR, {q.Step.NAME: "Ирина"}, q.Step.KIND, "parent")
    draft = q.answer(Role.MENTOR, draft, q.Step.PROFESSION, "  Врач \n педиатр ")
    assert draft[q.Step.PROFESSION] == "Врач педиатр"
    for bad in (None, "", "🙂", "1234", "я" * 65):
        with pytest.raises(InvalidInput) as err:
            q.answer(Role.MENTOR, draft, q.Step.PROFESSION, bad)
        assert err.value.key == "ask.profession.invalid"
    assert q.Step.PROFESSION not in q.answer(Role.MENTOR, draft, q.Step.KIND, "teacher")
    assert q.Step.PROFESSION in q.answer(Role.MENTOR, draft, q.Step.KIND, "employer")
    full = {
        **draft,
        q.Step.EXPERIENCE: 5,
        q.Step.TAGS: ["career"],
        q.Step.INTERESTS: ["chess"],
        q.Step.CAPACITY: 1,
        q.Step.SLOTS: ["tue_pm"],
        q.Step.FORMAT: "any",
    }
    profile = q.to_profile(Role.MENTOR, full)
    assert profile.profession == "Врач педиатр"
    assert q.from_profile("Ирина", profile)[q.Step.PROFESSION] == "Врач педиатр"
    assert q.to_profile(Role.MENTOR, {**full, q.Step.KIND: "alumnus"}).profession is None


# --- the digest: supported mentees without a pair -------------------------------------------------
def test_the_digest_counts_supported_mentees_without_a_pair() -> None:
    now = datetime(2026, 10, 5, 9, 0)
    people = [
        SnapPerson(1, "mentee", "Соня", now, "pupil", needs_support=True),
        SnapPerson(2, "mentee", "Петя", now, "pupil", needs_support=True),
        SnapPerson(3, "mentee", "Аня", now, "pupil"),
        SnapPerson(4, "mentor", "Олег", now, "teacher"),
        SnapPerson(5, "mentee", "Удалённый", now, "pupil", left=True, needs_support=True),
        SnapPerson(6, "mentee", "Вика", now, "pupil", needs_support=True),
    ]
    pairs = [
        SnapPair(1, 4, 2, "active", "tp", now),
        SnapPair(2, 4, 6, "declined", "tp", now),
    ]
    snap = Snapshot(date(2026, 9, 1), "weekly", people=people, pairs=pairs)
    assert [p.name for p in support_waiting(snap)] == ["Соня", "Вика"]


def test_a_multi_select_starts_from_what_is_still_offered() -> None:
    old = {q.Step.KIND: "pupil", q.Step.TAGS: ["motivation", "lessons"], q.Step.INTERESTS: ["chess"]}
    assert q.selection(Role.MENTEE, old, q.Step.TAGS) == ["motivation"]  # «lessons» is a teacher's
    assert q.selection(Role.MENTEE, old, q.Step.INTERESTS) == ["chess"]
    assert q.selection(Role.MENTEE, old, q.Step.SLOTS) == []
    assert q.selection(Role.MENTOR, {q.Step.KIND: "pupil", q.Step.TAGS: ["lessons"]}, q.Step.TAGS) == [
        "lessons"
    ]


def test_the_digest_names_supported_mentees_to_a_curator_and_only_counts_them_in_a_group() -> None:
    from datetime import timedelta

    from bot.domain import digest as d
    from bot.domain.catalog import Cadence
    from bot.domain.models import OrganisationId, Programme, ProgrammeId
    from bot.i18n import Translator
    from bot.services.digest import Digest
    from handlers.digest import Audience, render

    now = datetime(2026, 10, 5, 6, 0)
    snap = d.Snapshot(start=date(2026, 9, 1), cadence="weekly")
    snap.people.append(d.SnapPerson(1, "mentee", "Соня <Тест>", now, "pupil", needs_support=True))
    programme = Programme(
        ProgrammeId(1), OrganisationId(1), "Программа", (Form.PUPIL_PUPIL,), False, date(2026, 9, 1),
        date(2027, 5, 31), "Europe/Moscow", Cadence.WEEKLY, 8,
    )  # fmt: skip
    week = d.figures(snap, now - timedelta(days=7), now)
    digest = Digest(programme, [], week, week, d.weeks(snap, now), now, d.support_waiting(snap))
    t = Translator().get("ru")
    private = render(t, digest)[0].text
    assert "Нужна поддержка, а пары нет (1): Соня &lt;Тест&gt;" in private  # not «quiet», escaped
    assert "тихо" not in private and "Все пары в порядке" not in private
    group = render(t, digest, Audience(members=3, curators=3))[0].text
    assert "Соня" not in group and "«нужна поддержка» без пары: 1" in group
    calm = Digest(programme, [], week, week, d.weeks(snap, now), now)
    assert "тихо" in render(t, calm)[0].text
