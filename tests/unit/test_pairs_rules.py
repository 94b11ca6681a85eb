"""Pairs' rules pinned: who answers, when a proposal is reminded and when it expires."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from bot.domain import pairs as pr
from bot.domain.catalog import Form, MeetFormat, Role, Status
from bot.domain.errors import AlreadyDecided, NotAllowed
from bot.domain.models import Participant, ParticipantId, Profile, ProgrammeId, UserId
from bot.domain.pairs import Outcome, Pair, PairStatus

T0 = datetime(2026, 11, 2, 9, 0)
MENTOR_UID, MENTEE_UID, STRANGER = 101, 202, 303


def person(pid: int, uid: int, role: Role, profile: Profile | None = None) -> Participant:
    return Participant(
        id=ParticipantId(pid),
        programme_id=ProgrammeId(1),
        user_id=UserId(uid),
        role=role,
        status=Status.APPROVED,
        name=f"P{pid}",
        age=30,
        parental_consent=False,
        trained=True,
        joined_at=T0,
        profile=profile,
    )


def proposed(**changes: object) -> Pair:
    pair = Pair(
        id=7,
        programme_id=1,
        mentor=person(1, MENTOR_UID, Role.MENTOR),
        mentee=person(2, MENTEE_UID, Role.MENTEE),
        status=PairStatus.PROPOSED,
        score=0.5,
        form=Form.TEACHER_PUPIL,
        reasons=None,
        proposed_at=T0,
        expires_at=T0 + timedelta(hours=72),
    )
    return replace(pair, **changes)  # type: ignore[arg-type]


def test_side_of_other_and_answer_of() -> None:
    pair = proposed(mentor_answer="m", mentee_answer="e")
    assert pair.side_of(MENTOR_UID) is Role.MENTOR
    assert pair.side_of(MENTEE_UID) is Role.MENTEE
    assert pair.side_of(STRANGER) is None
    assert pair.answer_of(Role.MENTOR) == "m"
    assert pair.answer_of(Role.MENTEE) == "e"
    assert pair.other(Role.MENTOR) is pair.mentee
    assert pair.other(Role.MENTEE) is pair.mentor


def test_a_stranger_may_not_answer() -> None:
    with pytest.raises(NotAllowed) as err:
        pr.respond(proposed(), STRANGER, True)
    assert err.value.key == "error.not_allowed"


@pytest.mark.parametrize("status", [s for s in PairStatus if s is not PairStatus.PROPOSED])
def test_only_a_proposal_is_answered(status: PairStatus) -> None:
    with pytest.raises(AlreadyDecided) as err:
        pr.respond(proposed(status=status), MENTEE_UID, True)
    assert err.value.key == "error.already_decided"


def test_one_answer_per_side() -> None:
    with pytest.raises(AlreadyDecided):
        pr.respond(proposed(mentee_answer=pr.ACCEPT), MENTEE_UID, False)
    # the other side's answer does not stop this side
    assert pr.respond(proposed(mentee_answer=pr.ACCEPT), MENTOR_UID, True) == (Role.MENTOR, Outcome.ACTIVE)


@pytest.mark.parametrize(
    ("uid", "accept", "mentor_answer", "mentee_answer", "expected"),
    [
        (MENTOR_UID, False, None, pr.ACCEPT, (Role.MENTOR, Outcome.DECLINED)),
        (MENTEE_UID, False, pr.ACCEPT, None, (Role.MENTEE, Outcome.DECLINED)),
        (MENTOR_UID, True, None, None, (Role.MENTOR, Outcome.WAITING)),
        (MENTEE_UID, True, None, None, (Role.MENTEE, Outcome.WAITING)),
        (MENTOR_UID, True, None, pr.ACCEPT, (Role.MENTOR, Outcome.ACTIVE)),
        (MENTEE_UID, True, pr.ACCEPT, None, (Role.MENTEE, Outcome.ACTIVE)),
    ],
)
def test_respond(
    uid: int, accept: bool, mentor_answer: str | None, mentee_answer: str | None, expected: object
) -> None:
    pair = proposed(mentor_answer=mentor_answer, mentee_answer=mentee_answer)
    assert pr.respond(pair, uid, accept) == expected


def test_accepted_and_declined_are_the_stored_words() -> None:
    assert (pr.ACCEPT, pr.DECLINE) == ("accepted", "declined")
    assert pr.OPEN == (PairStatus.PROPOSED, PairStatus.ACTIVE)


def test_reminder_at_half_time_exactly() -> None:
    pair = proposed()  # 72 h to answer: the reminder is due at 36 h
    assert not pr.reminder_due(pair, T0 + timedelta(hours=36) - timedelta(seconds=1))
    assert pr.reminder_due(pair, T0 + timedelta(hours=36))
    assert pr.reminder_due(pair, T0 + timedelta(hours=50))


@pytest.mark.parametrize(
    "changes",
    [
        {"status": PairStatus.ACTIVE},
        {"status": PairStatus.DRAFT},
        {"reminded": True},
        {"proposed_at": None},
        {"expires_at": None},
    ],
)
def test_no_reminder(changes: dict[str, object]) -> None:
    assert not pr.reminder_due(proposed(**changes), T0 + timedelta(hours=71))


def test_expired_at_the_deadline_exactly() -> None:
    pair = proposed()
    deadline = T0 + timedelta(hours=72)
    assert not pr.expired(pair, deadline - timedelta(seconds=1))
    assert pr.expired(pair, deadline)
    assert pr.expired(pair, deadline + timedelta(days=3))
    assert not pr.expired(proposed(status=PairStatus.ACTIVE), deadline)
    assert not pr.expired(proposed(expires_at=None), deadline)


@pytest.mark.parametrize(("ttl", "hours"), [(72, 72), (2, 2), (1, 1), (0, 1), (-5, 1)])
def test_expiry_at_least_an_hour(ttl: int, hours: int) -> None:
    assert pr.expiry(T0, ttl) == T0 + timedelta(hours=hours)


def test_to_person_copies_the_questionnaire() -> None:
    profile = Profile(
        role=Role.MENTOR,
        kind="teacher",
        grade=None,
        experience=10,
        tags=("math", "it"),
        interests=("chess",),
        capacity=3,
        slots=("mon_pm",),
        format=MeetFormat.ONLINE,
    )
    p = person(5, 55, Role.MENTOR, profile)
    got = pr.to_person(p)
    assert (got.id, got.user_id, got.kind, got.grade, got.experience) == (5, 55, "teacher", None, 10)
    assert got.tags == frozenset({"math", "it"})
    assert got.interests == frozenset({"chess"})
    assert got.slots == frozenset({"mon_pm"})
    assert got.format is MeetFormat.ONLINE
    assert got.capacity == 3
    assert got.priority is False
    bounded = pr.to_person(p, capacity=1, priority=True)
    assert (bounded.capacity, bounded.priority) == (1, True)
    pupil = pr.to_person(person(6, 66, Role.MENTEE, replace(profile, grade=8, experience=None)))
    assert (pupil.grade, pupil.experience) == (8, None)


def test_to_person_needs_a_questionnaire() -> None:
    with pytest.raises(AssertionError):
        pr.to_person(person(5, 55, Role.MENTOR))
