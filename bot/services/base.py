"""The school's mentor base: kept as mentors are approved, trained and finish programmes;
read by curators with filters; the source of one-tap invitations to a new programme, of a
copied programme's cohort, and of alumni who plan to mentor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.domain import base as rules
from bot.domain import register
from bot.domain.base import BaseInvite, BaseMentor, Filter, History, InviteSource, InviteStatus
from bot.domain.catalog import CONSENT_VERSION, Role, Status
from bot.domain.errors import AlreadyDecided, NotFound
from bot.domain.models import Invite, OrganisationId, Participant, Profile, Programme, ProgrammeId
from bot.domain.pairs import PairStatus
from bot.services.curation import require_organisation, require_programme, to_base
from storage.unit import Unit


@dataclass(frozen=True)
class Listing:
    organisation_id: int
    programme: Programme | None  # the programme the curator invites to, if any
    mentors: list[BaseMentor]  # the filter's result (the programme's own people left out)
    invited: dict[int, InviteStatus]  # user id → the answer to this programme's invitation


@dataclass(frozen=True)
class Answered:
    invite: BaseInvite
    programme: Programme
    participant: Participant | None  # enrolled at once (a known profile)
    needs_form: bool  # no profile yet (an alumnus): the registration questionnaire follows
    formal: bool = True  # the register of the answer: as the invitation's (``invitee_formal``)


async def remember(uow: Unit, participant: Participant, programme: Programme, now: datetime) -> None:
    """An approved mentor's profile and training go to the school's base."""
    await to_base(uow, participant, programme, now)


async def known_mentor(uow: Unit, organisation_id: int, user_id: int) -> BaseMentor | None:
    """The base's record with a profile to pre-fill a mentor's registration, if any."""
    found = await uow.base.find(organisation_id, user_id)
    return found if found is not None and found.profile is not None else None


async def carry_training(uow: Unit, participant: Participant, programme: Programme) -> Participant:
    """A mentor trained in an earlier programme of the school stays trained."""
    if participant.role is not Role.MENTOR:
        return participant
    found = await uow.base.find(programme.organisation_id, participant.user_id)
    if found is None or not rules.carry_trained(found.trained, participant.trained):
        return participant
    await uow.participants.set_trained(participant.id, True)
    updated = await uow.participants.get(participant.id)
    assert updated is not None
    return updated


async def listing(
    uow: Unit, curator_id: int, programme_id: int | None, flt: Filter, now: datetime
) -> Listing:
    """The curator's own school's base (never another school's), filtered; for a programme,
    without the people already in it."""
    programme = None
    if programme_id:
        programme = await require_programme(uow, curator_id, programme_id, write=True)
        org_id = programme.organisation_id
        exclude = await uow.base.in_programme(programme.id)
        invited = await uow.base.invited(programme.id)
    else:
        org_id, exclude, invited = (await require_organisation(uow, curator_id)).id, set(), {}
    everyone = await uow.base.of_organisation(org_id, now)
    return Listing(org_id, programme, rules.select(everyone, flt, exclude), invited)


async def invite(
    uow: Unit, curator_id: int, programme_id: int, mentor_id: int, now: datetime
) -> tuple[BaseInvite, BaseMentor, Programme]:
    """One former mentor (or alumnus) asked to take part; asked once per programme."""
    programme = await require_programme(uow, curator_id, programme_id, write=True)
    mentor = await uow.base.get(mentor_id)
    if mentor is None or mentor.organisation_id != programme.organisation_id:
        raise NotFound()  # another school's record, or gone: as a stale button
    if mentor.user_id in await uow.base.in_programme(programme.id):
        raise AlreadyDecided()
    source = InviteSource.BASE if mentor.profile is not None else InviteSource.ALUMNI
    made = await uow.base.invite(programme.id, mentor.user_id, Role.MENTOR, source, curator_id, now)
    if made is None:
        raise AlreadyDecided()
    await uow.audit.record(
        programme.organisation_id, curator_id, "base.invited", now, target=str(mentor.user_id)
    )
    return made, mentor, programme


async def invite_all(
    uow: Unit, curator_id: int, programme_id: int, flt: Filter, now: datetime
) -> tuple[list[tuple[BaseInvite, BaseMentor]], Programme]:
    """Everyone the filter shows who is not yet in the programme nor asked."""
    found = await listing(uow, curator_id, programme_id, flt, now)
    assert found.programme is not None
    made = []
    for mentor in found.mentors:
        if mentor.user_id in found.invited:
            continue
        invitation, _, _ = await invite(uow, curator_id, found.programme.id, mentor.id, now)
        made.append((invitation, mentor))
    return made, found.programme


async def answer(uow: Unit, user_id: int, invite_id: int, yes: bool, now: datetime) -> Answered:
    """The person answers «Участвовать» or «Не сейчас». Yes with a known profile: enrolled,
    approved, the trained mark kept, no questionnaire; a minor still waits for the parent's
    consent. Yes without one: the registration questionnaire follows."""
    invitation = await uow.base.get_invite(invite_id)
    if invitation is None or invitation.user_id != user_id:
        raise NotFound()
    programme = await uow.programmes.get(invitation.programme_id)
    if programme is None or programme.archived:
        raise NotFound()
    if invitation.status is not InviteStatus.PENDING:
        raise AlreadyDecided()
    formal = await invitee_formal(uow, programme, invitation)
    if not yes:
        await uow.base.answer_invite(invitation.id, InviteStatus.DECLINED, now)
        return Answered(invitation, programme, None, False, formal)
    if await uow.participants.find(programme.id, user_id) is not None:
        raise AlreadyDecided()
    name, age, profile, trained = await _known(uow, programme, invitation)
    await uow.base.answer_invite(invitation.id, InviteStatus.ACCEPTED, now)
    if profile is None:
        return Answered(invitation, programme, None, True, formal)
    created = await uow.participants.create(programme.id, user_id, name, age, profile, now)
    by = await _inviter(uow, invite_id)
    await uow.participants.decide(created.id, Status.APPROVED, trained, by, now)
    await uow.people.add_consent(user_id, created.id, CONSENT_VERSION, "self", now)
    await uow.audit.record(programme.organisation_id, user_id, "base.accepted", now, target=str(created.id))
    participant = await uow.participants.get(created.id)
    assert participant is not None
    await remember(uow, participant, programme, now)
    return Answered(invitation, programme, participant, False, formal)


async def invitee_formal(uow: Unit, programme: Programme, invitation: BaseInvite) -> bool:
    """«вы» (True) or «ты» for an invitation from the base and the answer to it: chosen from
    the base's record or the earlier programme (kind, age) and the invitation's source, not
    from the participations the person once had (an alumna was a pupil mentee)."""
    _, age, profile, _ = await _known(uow, programme, invitation)
    kind = profile.kind if profile is not None else None
    alumnus = invitation.source is InviteSource.ALUMNI
    return register.formal_invitee(invitation.role, programme.forms, kind, age, alumnus)


async def _inviter(uow: Unit, invite_id: int) -> int:
    return await uow.base.inviter(invite_id) or 0


async def _known(
    uow: Unit, programme: Programme, invitation: BaseInvite
) -> tuple[str, int | None, Profile | None, bool]:
    """Name, age, profile and training from the base (a mentor) or the earlier programme
    (a copied mentee)."""
    if invitation.role is Role.MENTOR:
        found = await uow.base.find(programme.organisation_id, invitation.user_id)
        if found is None:
            return "", None, None, False
        return found.name, found.age, found.profile, found.trained
    before = await uow.participants.get(invitation.from_participant or 0)
    if before is None or before.user_id != invitation.user_id:
        return "", None, None, False
    return before.name, before.age, before.profile, False


async def registration_invite(
    uow: Unit, programme: Programme, role: Role, by: int, now: datetime, token: Callable[[], str]
) -> Invite:
    """The programme's invite link for a role (the questionnaire after an alumnus's yes)."""
    existing = await uow.invites.find(programme.organisation_id, programme.id, role)
    if existing is not None:
        return existing
    made = Invite(token(), OrganisationId(programme.organisation_id), ProgrammeId(programme.id), role)
    return await uow.invites.create(made, by, now)


async def mark_candidate(uow: Unit, participant_id: int, now: datetime) -> bool:
    """A mentee answered «планирую стать наставником»: an alumni candidate in the school's
    base (a mark, not a mentor yet). True when the mark is new."""
    participant = await uow.participants.get(participant_id)
    if participant is None or participant.role is not Role.MENTEE:
        return False
    programme = await uow.programmes.get(participant.programme_id)
    if programme is None or await uow.base.find(programme.organisation_id, participant.user_id):
        return False
    await uow.base.remember(
        programme.organisation_id, participant.user_id, participant.name, participant.age, None, False, now
    )
    await uow.audit.record(programme.organisation_id, None, "base.candidate", now, target=str(participant.id))
    return True


async def record_programme(
    uow: Unit, programme: Programme, mentors: list[Participant], now: datetime
) -> None:
    """The archived programme joins each mentor's history in the base."""
    stats = await uow.base.stats([m.id for m in mentors], now)
    for m in mentors:
        if m.profile is None:
            continue
        record = await uow.base.remember(
            programme.organisation_id, m.user_id, m.name, m.age, m.profile, m.trained, now
        )
        mentees, meetings, satisfaction = stats.get(m.id, (0, 0, None))
        history = History(programme.id, programme.title, mentees, meetings, satisfaction)
        await uow.base.add_history(record.id, history, await uow.base.outcomes(m.id), now)


async def copy_programme(
    uow: Unit, curator_id: int, source_id: int, plan: rules.CopyPlan, cohort: bool, now: datetime
) -> tuple[Programme, list[tuple[BaseInvite, str]]]:
    """A new programme with the previous one's settings and questionnaire; with ``cohort``,
    its mentors and the mentees who did not finish are each invited to confirm (nobody is
    enrolled unasked)."""
    source = await require_programme(uow, curator_id, source_id)
    copy = rules.copy_of(source, plan)
    created = await uow.programmes.create(copy, now)
    await uow.programmes.update(
        created.id,
        proposal_ttl_hours=copy.proposal_ttl_hours,
        mentee_choice=copy.mentee_choice,
        weights=copy.weights or None,
        digest_weekday=copy.digest_weekday,
        digest_hour=copy.digest_hour,
        curator_chat_id=copy.curator_chat_id,
        chat_members=copy.chat_members,
    )
    await uow.base.copy_survey_items(source.id, created.id)
    await uow.audit.record(
        source.organisation_id, curator_id, "programme.copied", now, str(created.id), source=source.id
    )
    programme = await uow.programmes.get(created.id)
    assert programme is not None
    invited = await _invite_cohort(uow, curator_id, source, programme, now) if cohort else []
    return programme, invited


async def _invite_cohort(
    uow: Unit, curator_id: int, source: Programme, programme: Programme, now: datetime
) -> list[tuple[BaseInvite, str]]:
    outcomes: dict[int, list[str | None]] = {}
    for pair in await uow.pairs.in_programme(source.id, (PairStatus.ACTIVE, PairStatus.ENDED)):
        outcomes.setdefault(pair.mentee.id, []).append(pair.outcome)
    out: list[tuple[BaseInvite, str]] = []
    for person in await uow.participants.members(source.id):
        if person.role is Role.MENTOR:
            await remember(uow, person, source, now)
            made = await uow.base.invite(
                programme.id, person.user_id, Role.MENTOR, InviteSource.COPY, curator_id, now
            )
        elif person.role is Role.MENTEE and rules.unfinished_mentee(outcomes.get(person.id, [])):
            made = await uow.base.invite(
                programme.id, person.user_id, Role.MENTEE, InviteSource.COPY, curator_id, now, person.id
            )
        else:
            continue
        if made is not None:
            out.append((made, person.name))
    return out
