"""A curator's link: once, before it expires; a programme's link stays open."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.domain.catalog import Role
from bot.domain.errors import NotFound
from bot.domain.invites import CURATOR_INVITE_TTL, check_usable, curator_invite_expiry
from bot.domain.models import Invite, OrganisationId, ProgrammeId

NOW = datetime(2026, 10, 1, 9, 0)


def curator_link(**kw: object) -> Invite:
    base: dict[str, object] = {"expires_at": curator_invite_expiry(NOW), "used": False}
    return Invite("tok", OrganisationId(1), None, Role.CURATOR, **{**base, **kw})  # type: ignore[arg-type]


def test_a_fresh_curator_link_works_until_it_expires() -> None:
    check_usable(curator_link(), NOW + CURATOR_INVITE_TTL - timedelta(seconds=1))
    with pytest.raises(NotFound):
        check_usable(curator_link(), NOW + CURATOR_INVITE_TTL)


def test_a_used_or_never_expiring_curator_link_does_not_work() -> None:
    for invite in (curator_link(used=True), curator_link(expires_at=None)):
        with pytest.raises(NotFound):
            check_usable(invite, NOW)


def test_a_programme_link_is_not_single_use() -> None:
    check_usable(Invite("t", OrganisationId(1), ProgrammeId(2), Role.MENTEE, None, True), NOW)
