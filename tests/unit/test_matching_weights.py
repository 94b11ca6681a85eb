"""A programme's own matching weights: known keys taken as numbers, unknown ones ignored,
missing ones left at their defaults."""

from __future__ import annotations

from bot.domain import matching as mt


def test_weights_from_a_programmes_settings() -> None:
    assert mt.Weights.from_settings({}) == mt.Weights()
    w = mt.Weights.from_settings({"interest": 2, "hour": 0.5, "colour": 9.0})
    assert w == mt.Weights(interest=2.0, hour=0.5)
    assert isinstance(w.interest, float) and not hasattr(w, "colour")
    assert (w.request, w.base, w.priority, w.max_hours, w.same_format) == (3.0, 1.0, 2.0, 12.0, 0.5)
