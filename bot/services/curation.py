"""What curators do: programmes, invites, the queue of applications, the curator chat."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot.domain import invites
from bot.domain import programmes as rules
from bot.domain.catalog import CADENCE_DAYS, Cadence, Form, Role, Status
from bot.domain.errors import AlreadyDecided, Archived, InvalidInput, NotAllowed, NotFound
from bot.domain.models import (
    Invite,
    Organisation,
    OrganisationId,
    Participant,
    Programme,
    ProgrammeId,
)
from storage.unit import Unit


async def require_programme(
    uow: Unit, curator_id: int, programme_id: int, *, write: bool = False
) -> Programme:
    """The programme, if this person curates it. ``write``: a change, which an archived
    (completed, read-only) programme refuses."""
    programme = await uow.programmes.get(programme_id)
    if programme is None:
        raise NotFound()
    if not await uow.organisations.is_curator(curator_id, programme.organisation_id):
        raise NotAllowed()
    if write and programme.archived:
        raise Archived()
    return programme


async def require_participant(
    uow: Unit, curator_id: int, participant_id: int
) -> tuple[Participant, Programme]:
    participant = await uow.participants.get(participant_id)
    if participant is None or participant.status is Status.LEFT:
        raise NotFound()
    return participant, await require_programme(uow, curator_id, participant.programme_id, write=True)


async def require_organisation(uow: Unit, curator_id: int) -> Organisation:
    orgs = await uow.organisations.of_curator(curator_id)
    if not orgs:
        raise NotAllowed()
    return orgs[0]


async def create_programme(
    uow: Unit, curator_id: int, answers: dict[str, object], now: datetime
) -> Programme:
    org = await require_organisation(uow, curator_id)
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
        submodels=rules.check_submodels(forms, _codes(answers, "submodels")),
        directions=rules.check_directions(_codes(answers, "directions")),
    )
    programme = await uow.programmes.create(draft, now)
    await uow.audit.record(org.id, curator_id, "programme.created", now, target=str(programme.id))
    return programme


def _codes(answers: dict[str, object], key: str) -> list[str]:
    value = answers.get(key)
    return [str(x) for x in value] if isinstance(value, list) else []


async def invite_for(
    uow: Unit,
    curator_id: int,
    programme_id: int | None,
    role: Role,
    now: datetime,
    token_factory: Callable[[], str],
) -> Invite:
    if programme_id is None:
        org_id = (await require_organisation(uow, curator_id)).id
    else:
        org_id = (await require_programme(uow, curator_id, programme_id, write=True)).organisation_id
    existing = await uow.invites.find(org_id, programme_id, role)
    if existing is not None:
        return existing
    pid = ProgrammeId(programme_id) if programme_id is not None else None
    invite = Invite(token_factory(), OrganisationId(org_id), pid, role)
    await uow.audit.record(org_id, curator_id, "invite.created", now, target=role.value)
    return await uow.invites.create(invite, curator_id, now)


async def curator_invite(
    uow: Unit, curator_id: int, now: datetime, token_factory: Callable[[], str]
) -> Invite:
    """A new single-use link for a colleague, expiring in 72 hours."""
    org = await require_organisation(uow, curator_id)
    invite = Invite(
        token_factory(), OrganisationId(org.id), None, Role.CURATOR, invites.curator_invite_expiry(now)
    )
    await uow.audit.record(org.id, curator_id, "invite.created", now, target=Role.CURATOR.value)
    return await uow.invites.create(invite, curator_id, now)


async def revoke_curator_invite(uow: Unit, curator_id: int, token: str, now: datetime) -> None:
    invite = await uow.invites.get(token)
    if invite is None or invite.role is not Role.CURATOR or invite.used:
        raise AlreadyDecided()
    if not await uow.organisations.is_curator(curator_id, invite.organisation_id):
        raise NotAllowed()
    await uow.invites.revoke(token)
    await uow.audit.record(
        invite.organisation_id, curator_id, "invite.revoked", now, target=Role.CURATOR.value
    )


async def decide(
    uow: Unit, curator_id: int, participant_id: int, approve: bool, trained: bool, now: datetime
) -> tuple[Participant, Programme]:
    participant, programme = await require_participant(uow, curator_id, participant_id)
    if participant.status is not Status.PENDING:
        raise AlreadyDecided()
    status = Status.APPROVED if approve else Status.REJECTED
    trained = approve and (trained or participant.trained) and participant.role is Role.MENTOR
    await uow.participants.decide(participant.id, status, trained, curator_id, now)
    action = "participant.approved" if approve else "participant.rejected"
    await uow.audit.record(programme.organisation_id, curator_id, action, now, target=str(participant.id))
    decided = replace(participant, status=status, trained=trained)
    await to_base(uow, decided, programme, now)
    return decided, programme


async def mark_trained(uow: Unit, curator_id: int, participant_id: int, now: datetime) -> Participant:
    participant, programme = await require_participant(uow, curator_id, participant_id)
    if participant.role is not Role.MENTOR or participant.status is not Status.APPROVED:
        raise NotAllowed()
    if participant.trained:
        raise AlreadyDecided()
    await uow.participants.decide(participant.id, Status.APPROVED, True, curator_id, now)
    await uow.audit.record(
        programme.organisation_id, curator_id, "mentor.trained", now, target=str(participant.id)
    )
    await to_base(uow, replace(participant, trained=True), programme, now)
    return replace(participant, trained=True)


async def to_base(uow: Unit, participant: Participant, programme: Programme, now: datetime) -> None:
    """An approved mentor's profile and training go to the school's mentor base, which
    outlives the programme (bot/services/base.py)."""
    if participant.role is not Role.MENTOR or participant.profile is None:
        return
    if participant.status is not Status.APPROVED:
        return
    await uow.base.remember(
        programme.organisation_id,
        participant.user_id,
        participant.name,
        participant.age,
        participant.profile,
        participant.trained,
        now,
    )


async def confirm_parental_consent(
    uow: Unit, curator_id: int, participant_id: int, now: datetime
) -> Participant:
    participant, programme = await require_participant(uow, curator_id, participant_id)
    if not participant.is_minor:
        raise NotAllowed()
    if participant.parental_consent:
        raise AlreadyDecided()
    await uow.participants.confirm_parental_consent(participant.id, curator_id, now)
    await uow.audit.record(
        programme.organisation_id, curator_id, "consent.parental", now, target=str(participant.id)
    )
    return replace(participant, parental_consent=True)


async def advance_stage(uow: Unit, curator_id: int, programme_id: int, now: datetime) -> Programme:
    programme = await require_programme(uow, curator_id, programme_id, write=True)
    stage = rules.next_stage(programme.stage)
    await uow.programmes.update(programme.id, stage=stage)
    await uow.audit.record(programme.organisation_id, curator_id, "programme.stage", now, stage=stage)
    return replace(programme, stage=stage)


async def bind_chat(uow: Unit, curator_id: int, programme_id: int, chat_id: int, now: datetime) -> Programme:
    programme = await require_programme(uow, curator_id, programme_id, write=True)
    await uow.programmes.update(programme.id, curator_chat_id=chat_id)
    await uow.audit.record(programme.organisation_id, curator_id, "programme.chat_bound", now, chat=chat_id)
    return replace(programme, curator_chat_id=chat_id)


PUPILS_MAX = 100_000


async def set_pupils_total(uow: Unit, curator_id: int, value: int, now: datetime) -> Organisation:
    """How many pupils the school has: the base of the coverage figure (target 70%)."""
    org = await require_organisation(uow, curator_id)
    if not 1 <= value <= PUPILS_MAX:
        raise NotAllowed()
    await uow.reports.set_pupils_total(org.id, value)
    await uow.audit.record(org.id, curator_id, "org.pupils_total", now, value=value)
    return replace(org, pupils_total=value)


async def toggle_programme_detail(
    uow: Unit, curator_id: int, programme_id: int, what: str, code: str, now: datetime
) -> Programme:
    """A sub-model ("s") or a direction ("d") of a programme on or off, saved at once."""
    programme = await require_programme(uow, curator_id, programme_id, write=True)
    if what == "s":
        picked = rules.check_submodels(programme.forms, rules.toggled(programme.submodels, code))
        await uow.programmes.update(programme.id, submodels=list(picked))
        programme = replace(programme, submodels=picked)
    elif what == "d":
        chosen = rules.check_directions(rules.toggled(programme.directions, code))
        await uow.programmes.update(programme.id, directions=list(chosen))
        programme = replace(programme, directions=chosen)
    else:
        raise InvalidInput("error.stale")
    await uow.audit.record(
        programme.organisation_id, curator_id, "programme.details", now, target=str(programme.id), code=code
    )
    return programme


async def set_needs_support(
    uow: Unit, curator_id: int, participant_id: int, value: bool, now: datetime
) -> Participant:
    """The neutral «нужна поддержка» flag of a mentee, set or cleared by a curator (no reason
    is asked or kept)."""
    participant, programme = await require_participant(uow, curator_id, participant_id)
    if participant.role is not Role.MENTEE:
        raise NotAllowed()
    await uow.participants.set_needs_support(participant.id, value)
    await uow.audit.record(
        programme.organisation_id,
        curator_id,
        "mentee.support" if value else "mentee.support_off",
        now,
        target=str(participant.id),
    )
    return replace(participant, needs_support=value)
