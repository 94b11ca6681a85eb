"""Matching's smaller rules: a programme's own weights (known keys taken as numbers, unknown
ones ignored, missing ones at their defaults), the bit masks of the vectorised score, and the
«быстрые встречи» matching when a mentor has no capacity or no ranking of their own."""

from __future__ import annotations

from bot.domain import matching as mt


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
