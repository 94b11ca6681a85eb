"""Registration of participants and curators, profiles, and the right to be forgotten."""

from __future__ import annotations

import secrets
from datetime import datetime

from bot.domain import invites
from bot.domain import questionnaire as q
from bot.domain.catalog import CONSENT_VERSION, Role, Status
from bot.domain.errors import AlreadyDecided, NotAllowed, NotFound
from bot.domain.models import Invite, Organisation, Participant, Programme, User
from bot.services import base as mentor_base
from storage.erasure import Erased
from storage.unit import Unit


def new_token() -> str:
    """A deep-link payload: URL-safe, 16 characters (Telegram allows 64 of [A-Za-z0-9_-])."""
    return secrets.token_urlsafe(12)


async def open_invite(uow: Unit, token: str) -> tuple[Invite, Programme | None]:
    invite = await uow.invites.get(token)
    if invite is None:
        raise NotFound()
    programme = None
    if invite.programme_id is not None:
        programme = await uow.programmes.get(invite.programme_id)
        if programme is None or programme.archived:
            raise NotFound()
    return invite, programme


async def bootstrap_curator(
    uow: Unit, user_id: int, org_name: str, timezone: str, now: datetime, name: str = ""
) -> tuple[Organisation, bool]:
    """The CLI's `curator add`: the organisation is found by name or created."""
    org = await uow.organisations.find(org_name) or await uow.organisations.create(org_name, timezone, now)
    if await uow.people.get(user_id) is None:
        await uow.people.touch(user_id, name or f"id{user_id}", None, now)
    added = await uow.organisations.add_curator(org.id, user_id, None, now)
    if added:
        await uow.audit.record(org.id, None, "curator.granted", now, target=str(user_id), by="cli")
    return org, added


async def join_as_curator(uow: Unit, invite: Invite, user: User, now: datetime) -> bool:
    """A curator's link, once and before it expires: the person becomes a curator (the
    grant is audited; the existing curators are told by the caller)."""
    if invite.role is not Role.CURATOR:
        raise NotAllowed()
    if await uow.organisations.is_curator(user.id, invite.organisation_id):
        return False  # the link stays unused for the colleague it was meant for
    invites.check_usable(invite, now)
    if not await uow.invites.use(invite.token, user.id, now):
        raise NotFound()
    await uow.organisations.add_curator(invite.organisation_id, user.id, invite.created_by, now)
    await uow.audit.record(
        invite.organisation_id, user.id, "curator.granted", now, target=str(user.id), by=invite.created_by
    )
    return True


async def submit_application(
    uow: Unit,
    invite: Invite,
    user: User,
    draft: q.Draft,
    age: int | None,
    now: datetime,
) -> tuple[Participant, Programme]:
    """The questionnaire is sent: a pending participant with a profile and a consent record."""
    _, programme = await open_invite(uow, invite.token)
    if programme is None or invite.role not in (Role.MENTOR, Role.MENTEE):
        raise NotFound()
    if await uow.participants.find(programme.id, user.id) is not None:
        raise AlreadyDecided()
    profile = q.to_profile(invite.role, draft)
    participant = await uow.participants.create(programme.id, user.id, draft[q.Step.NAME], age, profile, now)
    participant = await mentor_base.carry_training(uow, participant, programme)
    await uow.people.add_consent(user.id, participant.id, CONSENT_VERSION, "self", now)
    await uow.audit.record(
        programme.organisation_id, user.id, "participant.applied", now, target=str(participant.id)
    )
    return participant, programme


async def save_profile(
    uow: Unit, user_id: int, participant_id: int, draft: q.Draft, now: datetime
) -> Participant:
    participant = await uow.participants.get(participant_id)
    if participant is None or participant.user_id != user_id or participant.status is Status.LEFT:
        raise NotFound()
    profile = q.to_profile(participant.role, draft)
    await uow.participants.save_profile(participant.id, profile)
    await uow.participants.rename(participant.id, draft[q.Step.NAME])
    updated = await uow.participants.get(participant.id)
    assert updated is not None
    programme = await uow.programmes.get(updated.programme_id)
    if programme is not None:
        await mentor_base.remember(uow, updated, programme, now)
    return updated


async def forget(uow: Unit, user_id: int, placeholder: str, now: datetime) -> Erased:
    """The right to be forgotten: the person's identity and texts leave every table, their
    open pairs end; the audit keeps that it happened, under the random pseudonym."""
    erased = await uow.erasure.erase_person(user_id, placeholder, now)
    for org in erased.organisations:
        await uow.audit.record(
            org, erased.pseudonym, "participant.forgotten", now, pairs_ended=len(erased.pairs)
        )
    return erased


async def set_share_contact(uow: Unit, user_id: int, value: bool) -> None:
    """Whether the other side of a pair sees my Telegram (else: "through the curator")."""
    await uow.people.set_share_contact(user_id, value)
