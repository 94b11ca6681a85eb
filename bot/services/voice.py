"""A participant's self-service (issue 16): another mentor, leaving, writing to the curator,
and the curator's answer. Returns plain data; handlers render and send."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot.domain import safety as notes
from bot.domain import voice as rules
from bot.domain.catalog import Role, Status
from bot.domain.errors import AlreadyDecided, NotFound
from bot.domain.meetings import MeetingStatus
from bot.domain.models import Participant, Programme, User
from bot.domain.pairs import Pair, PairStatus
from bot.domain.voice import MentorReason
from bot.services.curation import require_programme
from storage.unit import Unit


@dataclass(frozen=True)
class ToCurators:
    """What goes to the school's curators, about whom."""

    me: Participant
    programme: Programme
    curators: list[User]
    pair: Pair | None = None


@dataclass(frozen=True)
class Left(ToCurators):
    ended: list[Pair] = field(default_factory=list)


async def _programme(uow: Unit, programme_id: int) -> Programme:
    programme = await uow.programmes.get(programme_id)
    if programme is None:
        raise NotFound()
    return programme


async def ask_other_mentor(uow: Unit, user_id: int, pair_id: int, code: str, now: datetime) -> ToCurators:
    reason: MentorReason = rules.mentor_reason(code)
    pair = await uow.pairs.get(pair_id)
    if pair is None:
        raise NotFound()
    rules.check_can_ask_other_mentor(pair, user_id)
    programme = await _programme(uow, pair.programme_id)
    org = programme.organisation_id
    await uow.audit.record(org, user_id, "pair.other_mentor", now, target=str(pair.id), reason=reason.value)
    return ToCurators(pair.mentee, programme, await uow.organisations.curators(org), pair)


async def leave(uow: Unit, user_id: int, participant_id: int, now: datetime) -> Left:
    """The person leaves the programme: their open pairs end (a mentee whose mentor left goes
    first next round), future meetings are cancelled; their data stays."""
    me = await uow.participants.get(participant_id)
    if me is None:
        raise NotFound()
    rules.check_can_leave(me, user_id)
    programme = await _programme(uow, me.programme_id)
    ended = rules.pairs_to_end(await uow.pairs.in_programme(programme.id, rules.OPEN_PAIRS), participant_id)
    for pair in ended:
        await uow.pairs.update(
            pair.id, status=PairStatus.ENDED, ended_at=now, end_reason=rules.LEFT_PROGRAMME
        )
        for m in await uow.meetings.of_pair(pair.id):
            if m.starts_at > now and m.status in (MeetingStatus.PROPOSED, MeetingStatus.CONFIRMED):
                await uow.meetings.update(m.id, status=MeetingStatus.CANCELLED.value)
        if pair.mentor.id == participant_id:
            await uow.participants.set_priority([pair.mentee.id], True)
    await uow.participants.decide(me.id, Status.LEFT, me.trained, user_id, now)
    org = programme.organisation_id
    await uow.audit.record(org, user_id, "participant.left", now, target=str(me.id))
    return Left(me, programme, await uow.organisations.curators(org), None, ended)


async def write(uow: Unit, user_id: int, participant_id: int, text: str | None) -> tuple[ToCurators, str]:
    """A message to the curators: checked, never cut."""
    me = await uow.participants.get(participant_id)
    if me is None or me.user_id != user_id or me.status is Status.LEFT:
        raise NotFound()
    note = notes.clean_note(text, "voice")
    programme = await _programme(uow, me.programme_id)
    return ToCurators(me, programme, await uow.organisations.curators(programme.organisation_id)), note


async def answer_target(uow: Unit, curator_id: int, participant_id: int) -> Participant:
    """Whom a curator's «Ответить» answers: a participant of a programme they curate."""
    me = await uow.participants.get(participant_id)
    if me is None or me.user_id < 0:  # forgotten: nobody to answer
        raise NotFound()
    await require_programme(uow, curator_id, me.programme_id)
    return me


async def participation(uow: Unit, user_id: int, participant_id: int) -> Participant:
    me = await uow.participants.get(participant_id)
    if me is None or me.user_id != user_id or me.status is Status.LEFT:
        raise NotFound()
    return me


@dataclass(frozen=True)
class Paused:
    me: Participant
    programme: Programme
    others: list[Participant]  # the other side of each working pair, to be told kindly
    until: date | None


async def set_pause(
    uow: Unit, user_id: int, participant_id: int, until: date | None, now: datetime
) -> Paused:
    """Start (``until``) or end (None) the person's pause; no reason is asked or kept."""
    me = await participation(uow, user_id, participant_id)
    today = now.date()
    if until is None and not rules.is_paused(me.paused_until, today):
        raise AlreadyDecided()
    await uow.participants.set_pause(me.id, until)
    programme = await _programme(uow, me.programme_id)
    pairs = await uow.pairs.in_programme(programme.id, (PairStatus.ACTIVE,))
    others = [
        p.other(Role.MENTOR if p.mentor.id == me.id else Role.MENTEE)
        for p in pairs
        if me.id in (p.mentor.id, p.mentee.id)
    ]
    action = "participant.paused" if until else "participant.resumed"
    await uow.audit.record(programme.organisation_id, user_id, action, now, target=str(me.id))
    return Paused(me, programme, others, until)
