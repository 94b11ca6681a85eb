"""What curators do: programmes, invites, the queue of applications, the curator chat."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot.domain import invites
from bot.domain import programmes as rules
from bot.domain.catalog import CADENCE_DAYS, Cadence, Form, Role, Status
from bot.domain.errors import AlreadyDecided, Archived, NotAllowed, NotFound
from bot.domain.models import (
    Invite,
    Organisation,
    OrganisationId,
    Participant,
    Programme,
    ProgrammeId,
)
from storage.repo import Repo


async def require_programme(
    repo: Repo, curator_id: int, programme_id: int, *, write: bool = False
) -> Programme:
    """The programme, if this person curates it. ``write``: a change, which an archived
    (completed, read-only) programme refuses."""
    programme = await repo.get_programme(programme_id)
    if programme is None:
        raise NotFound()
    if not await repo.is_curator(curator_id, programme.organisation_id):
        raise NotAllowed()
    if write and programme.archived:
        raise Archived()
    return programme


async def require_participant(
    repo: Repo, curator_id: int, participant_id: int
) -> tuple[Participant, Programme]:
    participant = await repo.get_participant(participant_id)
    if participant is None or participant.status is Status.LEFT:
        raise NotFound()
    return participant, await require_programme(repo, curator_id, participant.programme_id, write=True)


async def require_organisation(repo: Repo, curator_id: int) -> Organisation:
    orgs = await repo.curator_organisations(curator_id)
    if not orgs:
        raise NotAllowed()
    return orgs[0]


async def create_programme(
    repo: Repo, curator_id: int, answers: dict[str, object], now: datetime
) -> Programme:
    org = await require_organisation(repo, curator_id)
    cadence = Cadence(str(answers["cadence"]))
    start = rules.parse_date(str(answers["start"]))
    end = rules.check_end(start, rules.parse_date(str(answers["end"])))
    forms = rules.check_forms([str(f) for f in answers["forms"]])  # type: ignore[attr-defined]
    weeks = max(1, (end - start).days // CADENCE_DAYS[cadence])
    draft = Programme(
        id=ProgrammeId(0),
        organisation_id=OrganisationId(org.id),
        title=rules.clean_long_title(str(answers["title"])),
        forms=tuple(Form(f) for f in forms),
        group_format=bool(answers["group"]),
        start=start,
        end=end,
        timezone=str(answers.get("tz") or org.timezone),
        cadence=cadence,
        min_meetings=min(weeks, 40),
    )
    programme = await repo.create_programme(draft, now)
    await repo.audit(org.id, curator_id, "programme.created", now, target=str(programme.id))
    return programme


async def invite_for(
    repo: Repo,
    curator_id: int,
    programme_id: int | None,
    role: Role,
    now: datetime,
    token_factory: Callable[[], str],
) -> Invite:
    if programme_id is None:
        org_id = (await require_organisation(repo, curator_id)).id
    else:
        org_id = (await require_programme(repo, curator_id, programme_id, write=True)).organisation_id
    existing = await repo.find_invite(org_id, programme_id, role)
    if existing is not None:
        return existing
    pid = ProgrammeId(programme_id) if programme_id is not None else None
    invite = Invite(token_factory(), OrganisationId(org_id), pid, role)
    await repo.audit(org_id, curator_id, "invite.created", now, target=role.value)
    return await repo.create_invite(invite, curator_id, now)


async def curator_invite(
    repo: Repo, curator_id: int, now: datetime, token_factory: Callable[[], str]
) -> Invite:
    """A new single-use link for a colleague, expiring in 72 hours."""
    org = await require_organisation(repo, curator_id)
    invite = Invite(
        token_factory(), OrganisationId(org.id), None, Role.CURATOR, invites.curator_invite_expiry(now)
    )
    await repo.audit(org.id, curator_id, "invite.created", now, target=Role.CURATOR.value)
    return await repo.create_invite(invite, curator_id, now)


async def revoke_curator_invite(repo: Repo, curator_id: int, token: str, now: datetime) -> None:
    invite = await repo.get_invite(token)
    if invite is None or invite.role is not Role.CURATOR or invite.used:
        raise AlreadyDecided()
    if not await repo.is_curator(curator_id, invite.organisation_id):
        raise NotAllowed()
    await repo.revoke_invite(token)
    await repo.audit(invite.organisation_id, curator_id, "invite.revoked", now, target=Role.CURATOR.value)


async def decide(
    repo: Repo, curator_id: int, participant_id: int, approve: bool, trained: bool, now: datetime
) -> tuple[Participant, Programme]:
    participant, programme = await require_participant(repo, curator_id, participant_id)
    if participant.status is not Status.PENDING:
        raise AlreadyDecided()
    status = Status.APPROVED if approve else Status.REJECTED
    trained = approve and trained and participant.role is Role.MENTOR
    await repo.decide(participant.id, status, trained, curator_id, now)
    action = "participant.approved" if approve else "participant.rejected"
    await repo.audit(programme.organisation_id, curator_id, action, now, target=str(participant.id))
    return replace(participant, status=status, trained=trained), programme


async def mark_trained(repo: Repo, curator_id: int, participant_id: int, now: datetime) -> Participant:
    participant, programme = await require_participant(repo, curator_id, participant_id)
    if participant.role is not Role.MENTOR or participant.status is not Status.APPROVED:
        raise NotAllowed()
    if participant.trained:
        raise AlreadyDecided()
    await repo.decide(participant.id, Status.APPROVED, True, curator_id, now)
    await repo.audit(programme.organisation_id, curator_id, "mentor.trained", now, target=str(participant.id))
    return replace(participant, trained=True)


async def confirm_parental_consent(
    repo: Repo, curator_id: int, participant_id: int, now: datetime
) -> Participant:
    participant, programme = await require_participant(repo, curator_id, participant_id)
    if not participant.is_minor:
        raise NotAllowed()
    if participant.parental_consent:
        raise AlreadyDecided()
    await repo.confirm_parental_consent(participant.id, curator_id, now)
    await repo.audit(
        programme.organisation_id, curator_id, "consent.parental", now, target=str(participant.id)
    )
    return replace(participant, parental_consent=True)


async def advance_stage(repo: Repo, curator_id: int, programme_id: int, now: datetime) -> Programme:
    programme = await require_programme(repo, curator_id, programme_id, write=True)
    stage = rules.next_stage(programme.stage)
    await repo.update_programme(programme.id, stage=stage)
    await repo.audit(programme.organisation_id, curator_id, "programme.stage", now, stage=stage)
    return replace(programme, stage=stage)


async def bind_chat(repo: Repo, curator_id: int, programme_id: int, chat_id: int, now: datetime) -> Programme:
    programme = await require_programme(repo, curator_id, programme_id, write=True)
    await repo.update_programme(programme.id, curator_chat_id=chat_id)
    await repo.audit(programme.organisation_id, curator_id, "programme.chat_bound", now, chat=chat_id)
    return replace(programme, curator_chat_id=chat_id)


PUPILS_MAX = 100_000


async def set_pupils_total(repo: Repo, curator_id: int, value: int, now: datetime) -> Organisation:
    """How many pupils the school has: the base of the coverage figure (target 70%)."""
    org = await require_organisation(repo, curator_id)
    if not 1 <= value <= PUPILS_MAX:
        raise NotAllowed()
    await repo.reports.set_pupils_total(org.id, value)
    await repo.audit(org.id, curator_id, "org.pupils_total", now, value=value)
    return replace(org, pupils_total=value)
