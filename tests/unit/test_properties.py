"""Invariants of the domain's rules, checked by Hypothesis over generated cases (issue 18):
matching never exceeds a mentor's capacity nor pairs across a form the programme does not
allow; the «быстрые встречи» matching leaves no blocking pair; the pacer never lets more
through than its rates allow in any window of time.

Fixed seed and no example database, so a run is repeatable; under mutmut
(``MUTANT_UNDER_TEST`` set) each property tries fewer examples to keep `make mutation` bounded.
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import catalog as c
from bot.domain import matching as mt
from bot.domain.catalog import Form, MeetFormat, MenteeKind, MentorKind
from bot.domain.pacing import GLOBAL_BURST, Pacer

EXAMPLES = 10 if "MUTANT_UNDER_TEST" in os.environ else 50
FAST = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None)
EPS = 1e-9


# --- people -----------------------------------------------------------------------------------
@st.composite
def people(draw: st.DrawFn, mentor: bool, first_id: int) -> list[mt.Person]:
    kinds = [k.value for k in (MentorKind if mentor else MenteeKind)]
    out = []
    for i in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(kinds))
        out.append(
            mt.Person(
                id=first_id + i,
                user_id=draw(st.integers(1, 8)),  # a few shared users: nobody mentors themself
                kind=kind,
                grade=draw(st.integers(1, 11)) if kind == "pupil" else None,
                experience=draw(st.sampled_from(c.EXPERIENCE_CHOICES)) if kind != "pupil" else None,
                tags=frozenset(draw(st.sets(st.sampled_from(c.REQUESTS[:5]), max_size=3))),
                interests=frozenset(draw(st.sets(st.sampled_from(c.INTERESTS[:5]), max_size=3))),
                slots=frozenset(draw(st.sets(st.sampled_from(c.SLOTS[:6]), max_size=3))),
                format=draw(st.sampled_from(list(MeetFormat))),
                capacity=draw(st.integers(0, 3)) if mentor else 1,
                priority=not mentor and draw(st.booleans()),
            )
        )
    return out


forms_enabled = st.frozensets(st.sampled_from(list(Form)))


def _check(result: mt.Result, mentors: list[mt.Person], mentees: list[mt.Person], rules: mt.Rules) -> None:
    mentor_of = {m.id: m for m in mentors}
    mentee_of = {e.id: e for e in mentees}
    load = Counter(p.mentor for p in result.pairs)
    for mentor_id, n in load.items():
        assert n <= mentor_of[mentor_id].capacity  # never beyond a mentor's capacity
    for p in result.pairs:
        mentor, mentee = mentor_of[p.mentor], mentee_of[p.mentee]
        assert p.form in rules.forms  # never a form the programme has not enabled
        assert mt.form_of(mentor, mentee, [p.form]) is p.form  # ... and the form's rule holds
        assert mentor.user_id != mentee.user_id
        assert mt.formats_fit(mentor.format, mentee.format)
        assert (p.mentor, p.mentee) not in rules.excluded
        assert p.score == mt.score(mentor, mentee, rules)
    paired = [p.mentee for p in result.pairs]
    assert len(paired) == len(set(paired))  # a mentee gets one mentor
    assert set(paired) | set(result.unmatched) == set(mentee_of)
    assert not set(paired) & set(result.unmatched)
    for mentee_id, why in result.unmatched.items():
        can = any(mt.allowed(m, mentee_of[mentee_id], rules) for m in mentors)
        assert why == ("no_capacity" if can else "no_compatible")
    assert abs(result.total - sum(p.score for p in result.pairs)) < 1e-6


@FAST
@given(people(mentor=True, first_id=1), people(mentor=False, first_id=100), forms_enabled, st.data())
def test_matching_keeps_capacity_and_the_enabled_forms(
    mentors: list[mt.Person], mentees: list[mt.Person], forms: frozenset[Form], data: st.DataObject
) -> None:
    pairs = [(m.id, e.id) for m in mentors for e in mentees]
    excluded = frozenset(data.draw(st.sets(st.sampled_from(pairs)))) if pairs else frozenset()
    rules = mt.Rules(forms=forms, excluded=excluded)
    _check(mt.match(mentors, mentees, rules), mentors, mentees, rules)
    _check(mt.greedy(mentors, mentees, rules), mentors, mentees, rules)


@FAST
@given(people(mentor=True, first_id=1), people(mentor=False, first_id=100), forms_enabled)
def test_the_optimum_is_never_below_greedy(
    mentors: list[mt.Person], mentees: list[mt.Person], forms: frozenset[Form]
) -> None:
    rules = mt.Rules(forms=forms)
    assert mt.match(mentors, mentees, rules).total >= mt.greedy(mentors, mentees, rules).total - 1e-6


# --- «быстрые встречи»: stable matching -------------------------------------------------------
MENTEES = range(6)
MENTORS = range(100, 104)


@st.composite
def rankings(draw: st.DrawFn) -> tuple[dict[int, list[int]], dict[int, list[int]], dict[int, int]]:
    def ranked(of: range) -> list[int]:
        order = draw(st.permutations(list(of)))
        return order[: draw(st.integers(0, len(of)))]

    mentee_prefs = {e: ranked(MENTORS) for e in MENTEES}
    mentor_prefs = {m: ranked(MENTEES) for m in MENTORS}
    capacity = {m: draw(st.integers(0, 2)) for m in MENTORS}
    return mentee_prefs, mentor_prefs, capacity


def blocking_by_hand(
    result: dict[int, int],
    mentee_prefs: dict[int, list[int]],
    mentor_prefs: dict[int, list[int]],
    capacity: dict[int, int],
) -> set[tuple[int, int]]:
    """The definition, written out: e and m rank each other, e prefers m to what e got, and m
    has a free place or holds someone m ranks below e."""
    out = set()
    for e, prefs in mentee_prefs.items():
        for m in prefs:
            if result.get(e) == m:
                break  # the rest e likes less than what e has
            if e not in mentor_prefs[m]:
                continue
            held = [x for x, y in result.items() if y == m]
            worse = [x for x in held if mentor_prefs[m].index(x) > mentor_prefs[m].index(e)]
            if len(held) < capacity[m] or worse:
                out.add((e, m))
    return out


@FAST
@given(rankings())
def test_stable_matching_has_no_blocking_pair(
    case: tuple[dict[int, list[int]], dict[int, list[int]], dict[int, int]],
) -> None:
    mentee_prefs, mentor_prefs, capacity = case
    result = mt.stable_match(mentee_prefs, mentor_prefs, capacity)
    for e, m in result.items():  # only mutually ranked pairs, within capacity
        assert m in mentee_prefs[e] and e in mentor_prefs[m]
    assert all(n <= capacity[m] for m, n in Counter(result.values()).items())
    assert blocking_by_hand(result, mentee_prefs, mentor_prefs, capacity) == set()
    assert mt.blocking_pairs(result, mentee_prefs, mentor_prefs, capacity) == []


@FAST
@given(rankings(), st.data())
def test_blocking_pairs_follow_the_definition_for_any_assignment(
    case: tuple[dict[int, list[int]], dict[int, list[int]], dict[int, int]], data: st.DataObject
) -> None:
    mentee_prefs, mentor_prefs, capacity = case
    result: dict[int, int] = {}  # any assignment of mutual choices within capacity, stable or not
    for e in MENTEES:
        m = data.draw(st.sampled_from([None, *(m for m in mentee_prefs[e] if e in mentor_prefs[m])]))
        if m is not None and Counter(result.values())[m] < capacity[m]:
            result[e] = m
    found = mt.blocking_pairs(result, mentee_prefs, mentor_prefs, capacity)
    assert len(found) == len(set(found))
    assert set(found) == blocking_by_hand(result, mentee_prefs, mentor_prefs, capacity)


# --- the pacer --------------------------------------------------------------------------------
CHATS = [1, 2, 3, -100, -200]  # private chats and groups (negative ids)


@FAST
@given(
    st.lists(st.tuples(st.sampled_from(CHATS), st.floats(0, 3, allow_nan=False)), min_size=1, max_size=60),
    st.floats(1, 40),
    st.floats(0.2, 3),
    st.sampled_from([1.0, 2.0, 3.0]),
)
def test_the_pacer_never_lets_more_through_than_its_rates(
    sends: list[tuple[int, float]], global_rate: float, chat_rate: float, burst: float
) -> None:
    pacer = Pacer(global_rate=global_rate, chat_rate=chat_rate, chat_burst=burst)
    now = 1000.0
    sent: list[tuple[int, float]] = []
    for chat, pause in sends:
        now += pause
        wait = pacer.wait(chat, now)
        assert wait >= 0
        now += wait
        assert pacer.wait(chat, now) <= EPS  # waiting as told is enough
        pacer.take(chat, now)
        sent.append((chat, now))

    def at_most(times: list[float], rate: float, burst: float) -> None:
        # any window [t_i, t_j] holds no more than the burst plus what the rate refills
        for i, start in enumerate(times):
            for j in range(i, len(times)):
                assert j - i + 1 <= burst + rate * (times[j] - start) + 1e-6

    at_most([t for _, t in sent], global_rate, GLOBAL_BURST)
    for chat in CHATS:
        times = [t for c_, t in sent if c_ == chat]
        rate, cap = (pacer.group_per_minute / 60, 1.0) if chat < 0 else (chat_rate, burst)
        at_most(times, rate, cap)
