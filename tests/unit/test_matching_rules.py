"""Matching's smaller rules: a programme's own weights (known keys taken as numbers, unknown
ones ignored, missing ones at their defaults), the bit masks of the vectorised score, and the
«быстрые встречи» matching when a mentor has no capacity or no ranking of their own."""

from __future__ import annotations

from bot.domain import matching as mt
from bot.domain.catalog import Form


def test_weights_from_a_programmes_settings() -> None:
    assert mt.Weights.from_settings({}) == mt.Weights()
    w = mt.Weights.from_settings({"interest": 2, "hour": 0.5, "colour": 9.0})
    assert w == mt.Weights(interest=2.0, hour=0.5)
    assert isinstance(w.interest, float) and not hasattr(w, "colour")
    assert (w.request, w.base, w.priority, w.max_hours, w.same_format) == (3.0, 1.0, 2.0, 12.0, 0.5)


def test_each_code_gets_its_own_bit() -> None:
    assert mt._bits(["a", "b", "c"]) == {"a": 1, "b": 2, "c": 4}
    assert mt._mask({"b", "c", "unknown"}, mt._bits(["a", "b", "c"])) == 6


def test_a_mentor_without_a_capacity_or_a_ranking_takes_nobody() -> None:
    mentee_prefs = {1: [7, 8], 2: [8]}
    mentor_prefs = {7: [1], 8: [2, 1]}
    capacity = {8: 1}  # mentor 7 has no capacity given: no places
    result = mt.stable_match(mentee_prefs, mentor_prefs, capacity)
    assert result == {2: 8}
    assert mt.blocking_pairs(result, mentee_prefs, mentor_prefs, capacity) == []
    assert mt.blocking_pairs({}, mentee_prefs, mentor_prefs, capacity) == [(1, 8), (2, 8)]
    # mentor 9 ranks nobody (no ranking at all): never a blocking pair, never matched
    prefs = {1: [9, 8]}
    assert mt.stable_match(prefs, {8: [1]}, {8: 1, 9: 1}) == {1: 8}
    assert mt.blocking_pairs({1: 8}, prefs, {8: [1]}, {8: 1, 9: 1}) == []
    assert mt.stable_match({1: [7]}, {7: [1]}, {7: 0}) == {}


def teacher(pid: int, capacity: int, tags: frozenset[str] = frozenset()) -> mt.Person:
    return mt.Person(pid, pid, "teacher", tags=tags, interests=frozenset({"sport"}), capacity=capacity)


def pupil(pid: int, tags: frozenset[str] = frozenset(), sport: bool = False) -> mt.Person:
    interests = frozenset({"sport"}) if sport else frozenset()
    return mt.Person(pid, pid, "pupil", grade=7, tags=tags, interests=interests)


MOTIVATION = frozenset({"motivation"})


def test_greedy_by_hand() -> None:
    mentors = [teacher(1, 1, MOTIVATION), teacher(2, 2)]
    young = mt.Person(103, 103, "yteacher", experience=0)  # a teacher of 0 years mentors no teacher
    mentees = [pupil(101, MOTIVATION, sport=True), pupil(102, MOTIVATION), young, pupil(104), pupil(105)]
    # scores: 1→101: 1 + 3 + 1 = 5, 1→102: 4, every other pair 1 (2 shares no request or interest)
    got = mt.greedy(mentors, mentees)
    assert [(p.mentor, p.mentee, p.score, p.form) for p in got.pairs] == [
        (1, 101, 5.0, Form.TEACHER_PUPIL),  # the best pair first; mentor 1 is then full
        (2, 102, 1.0, Form.TEACHER_PUPIL),
        (2, 104, 1.0, Form.TEACHER_PUPIL),  # mentor 2 takes two, then is full
    ]
    assert got.pairs[0].reasons == mt.Reasons(("sport",), ("motivation",), 0, False)
    assert (got.total, got.edges) == (7.0, 8)
    assert got.unmatched == {103: "no_compatible", 105: "no_capacity"}
    # with only each mentee's best mentor, 102 (whose best, mentor 1, is full) stays unmatched
    best_only = mt.greedy(mentors, mentees[:2], top_k=1)
    assert ([(p.mentor, p.mentee) for p in best_only.pairs], best_only.unmatched) == (
        [(1, 101)],
        {102: "no_capacity"},
    )
    assert best_only.edges == 2
    optimum = mt.match(mentors, mentees[:2], top_k=1)
    assert ([(p.mentor, p.mentee) for p in optimum.pairs], optimum.unmatched) == (
        [(1, 101)],
        {102: "no_capacity"},
    )
    assert mt.match(mentors, mentees[:2]).unmatched == {}


def test_greedy_breaks_ties_by_the_mentees_order() -> None:
    # twenty pupils covering 0, 1 or 2 of the mentor's requests: scores 1, 4, 7 interleaved
    tags = [frozenset(), frozenset({"motivation"}), frozenset({"motivation", "results"})]
    mentees = [pupil(100 + i, tags[(i * 7) % 3]) for i in range(20)]
    mentor = teacher(1, 3, frozenset({"motivation", "results"}))
    got = mt.greedy([mentor], mentees)
    best = [e.id for e in mentees if len(e.tags) == 2]
    assert [p.mentee for p in got.pairs] == best[:3]  # the three first given among the best


def test_the_optimum_by_hand_with_a_programmes_weights() -> None:
    mentors = [teacher(1, 1, MOTIVATION), teacher(2, 2)]
    young = mt.Person(103, 103, "yteacher", experience=0)
    mentees = [pupil(101, MOTIVATION, sport=True), pupil(102, MOTIVATION), young, pupil(104), pupil(105)]
    w = mt.Weights(base=2.0)  # 1→101: 2 + 3 + 1 = 6, 1→102: 5, every other allowed pair 2
    got = mt.match(mentors, mentees, w=w)
    assert (got.total, got.edges) == (10.0, 8)  # 1→101 and two of the rest with mentor 2
    assert sorted((p.mentor, p.score) for p in got.pairs) == [(1, 6.0), (2, 2.0), (2, 2.0)]
    assert (1, 101) in {(p.mentor, p.mentee) for p in got.pairs}
    assert set(got.unmatched.values()) == {"no_capacity", "no_compatible"} and got.unmatched[103] == (
        "no_compatible"
    )


def test_exclusions_in_every_block_and_of_people_not_in_this_run() -> None:
    mentors = [teacher(1, 3)]
    mentees = [pupil(101), pupil(102), pupil(103)]
    rules = mt.Rules(excluded=frozenset({(1, 103), (1, 999), (7, 101)}))  # 999 and 7 are elsewhere
    for block in (1, 2, 512):  # the mentees scored a block at a time: the same edges
        rows, cols, vals = mt.candidate_edges(mentors, mentees, rules, mt.Weights(), None, block=block)
        assert (rows.tolist(), cols.tolist(), vals.tolist()) == ([0, 1], [0, 0], [1.0, 1.0])
    assert {p.mentee for p in mt.match(mentors, mentees, rules).pairs} == {101, 102}
