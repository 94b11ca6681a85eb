"""Matching: optimal against brute force on random small instances, every rule kept,
explainable; the preference mode is stable."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from bot.domain import catalog as c
from bot.domain import matching as mt
from bot.domain.catalog import Form, MeetFormat, MenteeKind, MentorKind

MENTOR_KINDS = [k.value for k in MentorKind]
MENTEE_KINDS = [k.value for k in MenteeKind]


def rand_person(rng: random.Random, pid: int, mentor: bool) -> mt.Person:
    kind = rng.choice(MENTOR_KINDS if mentor else MENTEE_KINDS)
    return mt.Person(
        id=pid,
        user_id=rng.randint(1, 12),
        kind=kind,
        grade=rng.randint(5, 11) if kind == "pupil" else None,
        experience=rng.choice([0, 1, 2, 3, 5, 10])
        if kind in ("teacher", "employer", "yteacher", "parent")
        else None,
        tags=frozenset(rng.sample(c.REQUESTS[:6], rng.randint(0, 3))),
        interests=frozenset(rng.sample(c.INTERESTS[:5], rng.randint(0, 3))),
        slots=frozenset(rng.sample(c.SLOTS[:6], rng.randint(0, 3))),
        format=rng.choice(list(MeetFormat)),
        capacity=rng.randint(0, 3) if mentor else 1,
        priority=not mentor and rng.random() < 0.2,
    )


def brute_force(mentors: list[mt.Person], mentees: list[mt.Person], rules: mt.Rules) -> float:
    options = []
    for e in mentees:
        opts: list[tuple[int | None, float]] = [(None, 0.0)]
        for i, m in enumerate(mentors):
            s = mt.score(m, e, rules)
            if s is not None:
                opts.append((i, s))
        options.append(opts)
    best = 0.0
    for combo in itertools.product(*options):
        used = [0] * len(mentors)
        ok = True
        for i, _ in combo:
            if i is not None:
                used[i] += 1
                if used[i] > mentors[i].capacity:
                    ok = False
                    break
        if ok:
            best = max(best, sum(s for _, s in combo))
    return best


def check_rules(
    result: mt.Result, mentors: list[mt.Person], mentees: list[mt.Person], rules: mt.Rules
) -> None:
    by_id = {m.id: m for m in mentors}
    load: dict[int, int] = {}
    seen = set()
    for p in result.pairs:
        mentee = next(e for e in mentees if e.id == p.mentee)
        assert mt.allowed(by_id[p.mentor], mentee, rules) is not None
        assert p.mentee not in seen
        seen.add(p.mentee)
        load[p.mentor] = load.get(p.mentor, 0) + 1
    assert all(load[m] <= by_id[m].capacity for m in load)
    assert seen | set(result.unmatched) == {e.id for e in mentees}


@pytest.mark.parametrize("seed", range(300))
def test_optimal_equals_brute_force_and_keeps_every_rule(seed: int) -> None:
    rng = random.Random(seed)
    mentors = [rand_person(rng, i, True) for i in range(rng.randint(1, 4))]
    mentees = [rand_person(rng, 100 + i, False) for i in range(rng.randint(1, 5))]
    forms = frozenset(rng.sample(list(Form), rng.randint(1, len(Form))))
    excluded = frozenset((m.id, e.id) for m in mentors for e in mentees if rng.random() < 0.15)
    rules = mt.Rules(forms, excluded)
    result = mt.match(mentors, mentees, rules)
    assert result.total == pytest.approx(brute_force(mentors, mentees, rules), abs=1e-6)
    check_rules(result, mentors, mentees, rules)
    baseline = mt.greedy(mentors, mentees, rules)
    check_rules(baseline, mentors, mentees, rules)
    assert result.total >= baseline.total - 1e-9


@pytest.mark.parametrize("seed", range(20))
def test_vectorised_scores_equal_the_explained_scalar_score(seed: int) -> None:
    rng = random.Random(1000 + seed)
    mentors = [rand_person(rng, i, True) for i in range(15)]
    mentees = [rand_person(rng, 100 + i, False) for i in range(25)]
    rules = mt.Rules(frozenset(Form), frozenset({(mentors[0].id, mentees[0].id)}))
    rows, cols, vals = mt.candidate_edges(mentors, mentees, rules, mt.Weights(), None, block=7)
    got = {(int(r), int(col)): float(v) for r, col, v in zip(rows, cols, vals, strict=True)}
    for r, e in enumerate(mentees):
        for col, m in enumerate(mentors):
            expected = mt.score(m, e, rules)
            assert got.get((r, col)) == (pytest.approx(expected) if expected is not None else None)


def test_forms_rules() -> None:
    rules = mt.Rules(frozenset({Form.PUPIL_PUPIL}))
    older = mt.Person(1, 1, "pupil", grade=10)
    younger = mt.Person(2, 2, "pupil", grade=7)
    assert mt.allowed(older, younger, rules) is Form.PUPIL_PUPIL
    assert mt.allowed(mt.Person(3, 3, "pupil", grade=7), younger, rules) is None  # same class
    tt = mt.Rules(frozenset({Form.TEACHER_TEACHER}))
    young = mt.Person(4, 4, "yteacher", experience=1)
    assert mt.allowed(mt.Person(5, 5, "teacher", experience=10), young, tt) is Form.TEACHER_TEACHER
    assert mt.allowed(mt.Person(6, 6, "teacher", experience=2), young, tt) is None  # not clearly more
    assert (
        mt.allowed(mt.Person(7, 7, "teacher", experience=20), mt.Person(8, 8, "yteacher", experience=5), tt)
        is None
    )
    ep = mt.Rules(frozenset({Form.EMPLOYER_PUPIL}))
    assert mt.allowed(mt.Person(9, 9, "employer", experience=1), younger, ep) is None
    assert mt.allowed(mt.Person(10, 10, "employer", experience=8), younger, ep) is Form.EMPLOYER_PUPIL
    assert mt.allowed(older, mt.Person(11, 1, "pupil", grade=5), rules) is None  # the same person
    assert mt.allowed(older, younger, mt.Rules(frozenset({Form.PUPIL_PUPIL}), frozenset({(1, 2)}))) is None
    offline = mt.Person(12, 12, "pupil", grade=11, format=MeetFormat.OFFLINE)
    assert mt.allowed(offline, mt.Person(13, 13, "pupil", grade=5, format=MeetFormat.ONLINE), rules) is None


def test_exact_tags_not_substrings() -> None:
    mentor = mt.Person(1, 1, "teacher", tags=frozenset({"english"}), experience=9)
    mentee = mt.Person(2, 2, "pupil", tags=frozenset({"ai"}))
    assert mt.explain(mentor, mentee).requests == ()
    assert mt.explain(mt.Person(3, 3, "teacher", tags=frozenset({"ai"})), mentee).requests == ("ai",)


def test_capacity_and_unmatched_reasons() -> None:
    mentor = mt.Person(1, 1, "teacher", experience=10, capacity=2, tags=frozenset({"olympiad"}))
    mentees = [
        mt.Person(10 + i, 10 + i, "pupil", grade=7, tags=frozenset({"olympiad"} if i == 0 else set()))
        for i in range(3)
    ]
    teacher_only = mt.Person(20, 20, "yteacher", experience=1)  # teacher–teacher is off
    result = mt.match([mentor], [*mentees, teacher_only], mt.Rules(frozenset({Form.TEACHER_PUPIL})))
    assert len(result.pairs) == 2 and {p.mentee for p in result.pairs} >= {10}
    assert result.unmatched[20] == "no_compatible"
    assert list(result.unmatched.values()).count("no_capacity") == 1
    pair = next(p for p in result.pairs if p.mentee == 10)
    assert pair.reasons.requests == ("olympiad",) and pair.form is Form.TEACHER_PUPIL


def test_priority_mentees_go_first() -> None:
    mentor = mt.Person(1, 1, "teacher", experience=10, tags=frozenset({"olympiad"}))
    keen = mt.Person(2, 2, "pupil", grade=7, tags=frozenset({"olympiad"}))
    waited = mt.Person(3, 3, "pupil", grade=7, priority=True)
    result = mt.match(
        [mentor], [keen, waited], mt.Rules(frozenset({Form.TEACHER_PUPIL})), mt.Weights(priority=10.0)
    )
    assert [p.mentee for p in result.pairs] == [3]


def test_top_k_keeps_the_rules_and_stays_close() -> None:
    rng = random.Random(5)
    mentors = [rand_person(rng, i, True) for i in range(60)]
    mentees = [rand_person(rng, 1000 + i, False) for i in range(150)]
    exact = mt.match(mentors, mentees)
    pruned = mt.match(mentors, mentees, top_k=10)
    check_rules(pruned, mentors, mentees, mt.Rules())
    assert pruned.total <= exact.total + 1e-9 and pruned.total >= 0.95 * exact.total


@pytest.mark.parametrize("seed", range(200))
def test_preference_mode_is_stable(seed: int) -> None:
    rng = np.random.default_rng(seed)
    mentors = list(range(1, int(rng.integers(1, 6)) + 1))
    mentees = list(range(100, 100 + int(rng.integers(1, 9))))
    capacity = {m: int(rng.integers(1, 3)) for m in mentors}
    mentee_prefs = {
        e: [int(x) for x in rng.permutation(mentors)[: int(rng.integers(0, min(5, len(mentors)) + 1))]]
        for e in mentees
    }
    mentor_prefs = {m: [int(x) for x in rng.permutation(mentees)[: int(rng.integers(0, 6))]] for m in mentors}
    result = mt.stable_match(mentee_prefs, mentor_prefs, capacity)
    assert mt.blocking_pairs(result, mentee_prefs, mentor_prefs, capacity) == []
    for e, m in result.items():
        assert m in mentee_prefs[e] and e in mentor_prefs[m]
    for m in mentors:
        assert sum(1 for x in result.values() if x == m) <= capacity[m]
