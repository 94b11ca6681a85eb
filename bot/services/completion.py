"""Stage 7: the curator closes a programme. First the final survey and final meetings
are prompted and each pair gets an outcome; then the programme is archived read-only.
Mentors stay in the organisation's base for the next programme."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.catalog import STAGES, Role
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.models import Participant, Programme
from bot.domain.pairs import OPEN, Pair, PairStatus
from bot.services import base as mentor_base
from bot.services.curation import require_programme
from storage.unit import Unit

OUTCOMES = ("reached", "partly", "not")


@dataclass(frozen=True)
class Closing:
    programme: Programme
    pairs: list[Pair]  # working pairs, each to get an outcome
    first_time: bool


@dataclass(frozen=True)
class Archived:
    programme: Programme
    mentors: list[tuple[Participant, int]]  # each mentor with the number of mentees they had
    outcomes: dict[str, int]


async def start(uow: Unit, curator_id: int, programme_id: int, now: datetime) -> Closing:
    programme = await require_programme(uow, curator_id, programme_id, write=True)
    first = programme.closing_at is None
    if first:
        await uow.programmes.update(programme.id, stage=STAGES[-1], closing_at=now)
        await uow.audit.record(
            programme.organisation_id, curator_id, "programme.closing", now, f"programme:{programme.id}"
        )
        programme = await _reload(uow, programme.id)
    pairs = await uow.pairs.in_programme(programme.id, (PairStatus.ACTIVE,))
    return Closing(programme, pairs, first)


async def set_outcome(uow: Unit, curator_id: int, pair_id: int, outcome: str, now: datetime) -> Pair:
    pair = await uow.pairs.get(pair_id)
    if pair is None or outcome not in OUTCOMES:
        raise NotFound()
    programme = await require_programme(uow, curator_id, pair.programme_id, write=True)
    if pair.status not in (PairStatus.ACTIVE, PairStatus.ENDED):
        raise NotAllowed()
    await uow.pairs.update(pair.id, outcome=outcome)
    await uow.audit.record(
        programme.organisation_id, curator_id, "pair.outcome", now, str(pair.id), outcome=outcome
    )
    updated = await uow.pairs.get(pair.id)
    assert updated is not None
    return updated


async def archive(uow: Unit, curator_id: int, programme_id: int, now: datetime) -> Archived:
    """Working pairs end with the programme; the programme becomes read-only."""
    programme = await require_programme(uow, curator_id, programme_id, write=True)
    if programme.closing_at is None:
        raise NotAllowed()
    worked: dict[int, int] = {}
    outcomes: dict[str, int] = {}
    for pair in await uow.pairs.in_programme(programme.id, (*OPEN, PairStatus.ENDED)):
        if pair.status in OPEN:
            await uow.pairs.update(
                pair.id, status=PairStatus.ENDED, ended_at=now, end_reason="programme completed"
            )
        if pair.status is PairStatus.ACTIVE or pair.started_at is not None:
            worked[pair.mentor.id] = worked.get(pair.mentor.id, 0) + 1
            key = pair.outcome or "unknown"
            outcomes[key] = outcomes.get(key, 0) + 1
    await uow.pairs.delete_drafts(programme.id)
    await uow.programmes.update(programme.id, archived=True, archived_at=now)
    await uow.audit.record(
        programme.organisation_id, curator_id, "programme.archived", now, f"programme:{programme.id}"
    )
    mentors = [
        (m, worked.get(m.id, 0))
        for m in await uow.participants.members(programme.id)
        if m.role is Role.MENTOR
    ]
    await mentor_base.record_programme(uow, programme, [m for m, _ in mentors], now)
    return Archived(await _reload(uow, programme.id), mentors, outcomes)


async def _reload(uow: Unit, programme_id: int) -> Programme:
    programme = await uow.programmes.get(programme_id)
    if programme is None:
        raise NotFound()
    return programme
