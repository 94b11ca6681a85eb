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
from bot.services.curation import require_programme
from storage.repo import Repo

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


async def start(repo: Repo, curator_id: int, programme_id: int, now: datetime) -> Closing:
    programme = await require_programme(repo, curator_id, programme_id, write=True)
    first = programme.closing_at is None
    if first:
        await repo.update_programme(programme.id, stage=STAGES[-1], closing_at=now)
        await repo.audit(
            programme.organisation_id, curator_id, "programme.closing", now, f"programme:{programme.id}"
        )
        programme = await _reload(repo, programme.id)
    pairs = await repo.pairs(programme.id, (PairStatus.ACTIVE,))
    return Closing(programme, pairs, first)


async def set_outcome(repo: Repo, curator_id: int, pair_id: int, outcome: str, now: datetime) -> Pair:
    pair = await repo.get_pair(pair_id)
    if pair is None or outcome not in OUTCOMES:
        raise NotFound()
    programme = await require_programme(repo, curator_id, pair.programme_id, write=True)
    if pair.status not in (PairStatus.ACTIVE, PairStatus.ENDED):
        raise NotAllowed()
    await repo.update_pair(pair.id, outcome=outcome)
    await repo.audit(
        programme.organisation_id, curator_id, "pair.outcome", now, str(pair.id), outcome=outcome
    )
    updated = await repo.get_pair(pair.id)
    assert updated is not None
    return updated


async def archive(repo: Repo, curator_id: int, programme_id: int, now: datetime) -> Archived:
    """Working pairs end with the programme; the programme becomes read-only."""
    programme = await require_programme(repo, curator_id, programme_id, write=True)
    if programme.closing_at is None:
        raise NotAllowed()
    worked: dict[int, int] = {}
    outcomes: dict[str, int] = {}
    for pair in await repo.pairs(programme.id, (*OPEN, PairStatus.ENDED)):
        if pair.status in OPEN:
            await repo.update_pair(
                pair.id, status=PairStatus.ENDED, ended_at=now, end_reason="programme completed"
            )
        if pair.status is PairStatus.ACTIVE or pair.started_at is not None:
            worked[pair.mentor.id] = worked.get(pair.mentor.id, 0) + 1
            key = pair.outcome or "unknown"
            outcomes[key] = outcomes.get(key, 0) + 1
    await repo.delete_drafts(programme.id)
    await repo.update_programme(programme.id, archived=True, archived_at=now)
    await repo.audit(
        programme.organisation_id, curator_id, "programme.archived", now, f"programme:{programme.id}"
    )
    mentors = [
        (m, worked.get(m.id, 0)) for m in await repo.programme_members(programme.id) if m.role is Role.MENTOR
    ]
    return Archived(await _reload(repo, programme.id), mentors, outcomes)


async def _reload(repo: Repo, programme_id: int) -> Programme:
    programme = await repo.get_programme(programme_id)
    if programme is None:
        raise NotFound()
    return programme
