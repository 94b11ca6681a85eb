"""Pairs: running the matching for a programme (more in the proposal flow)."""

from __future__ import annotations

EXACT_LIMIT = 2_000_000  # mentee × mentor pairs scored exactly; beyond, each mentee's best k


def top_k_for(n_mentors: int, n_mentees: int, k: int = 40) -> int | None:
    """None (exact over every allowed pair) for a school or a district; for a city,
    the optimum over each mentee's ``k`` best mentors, which bounds memory."""
    return None if n_mentors * n_mentees <= EXACT_LIMIT else k
