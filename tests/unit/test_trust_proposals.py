"""The cap on a pair's proposals waiting for an answer."""

from __future__ import annotations

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.meetings import OPEN_PROPOSALS_MAX, check_open_proposals


def test_below_the_limit_a_proposal_is_allowed() -> None:
    for open_now in range(OPEN_PROPOSALS_MAX):
        check_open_proposals(open_now)


def test_at_the_limit_it_is_refused_with_the_limit_named() -> None:
    with pytest.raises(InvalidInput) as err:
        check_open_proposals(OPEN_PROPOSALS_MAX)
    assert err.value.key == "meet.proposals.too_many" and err.value.params == {"max": OPEN_PROPOSALS_MAX}
