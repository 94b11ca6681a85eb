"""A minor's parental consent as a document: the curator downloads a form pre-filled for the
child, records the parent's contact and confirms the signed form came back (curation.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain import consent as rules
from bot.domain.errors import NotAllowed
from bot.domain.models import Participant, Programme
from bot.services.curation import require_participant
from storage.unit import Unit


@dataclass(frozen=True)
class FormFor:
    participant: Participant
    programme: Programme
    organisation: str


async def _minor(uow: Unit, curator_id: int, participant_id: int) -> tuple[Participant, Programme]:
    participant, programme = await require_participant(uow, curator_id, participant_id)
    if not participant.is_minor:
        raise NotAllowed()
    return participant, programme


async def form(uow: Unit, curator_id: int, participant_id: int, now: datetime) -> FormFor:
    """The form is handed out: the card says «asked» from now on."""
    participant, programme = await _minor(uow, curator_id, participant_id)
    org = await uow.organisations.get(programme.organisation_id)
    await uow.parental.mark_asked(participant.id, now)
    await uow.audit.record(
        programme.organisation_id, curator_id, "consent.form", now, target=str(participant.id)
    )
    return FormFor(participant, programme, org.name if org else "")


async def start_contact(uow: Unit, curator_id: int, participant_id: int) -> Participant:
    return (await _minor(uow, curator_id, participant_id))[0]


async def set_contact(
    uow: Unit, curator_id: int, participant_id: int, typed: str | None, now: datetime
) -> Participant:
    participant, programme = await _minor(uow, curator_id, participant_id)
    await uow.parental.set_contact(participant.id, rules.clean_contact(typed))
    await uow.audit.record(
        programme.organisation_id, curator_id, "consent.contact", now, target=str(participant.id)
    )
    return participant
