"""«Сообщить куратору»: a participant's report about their pair, the curators' list of open
ones, closing one. Returns plain data; the handler renders and sends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain import safety as rules
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.models import Participant, Programme, User
from bot.domain.pairs import Pair, PairStatus
from bot.domain.safety import Concern, SafetyReport
from bot.services.curation import require_programme
from storage.unit import Unit


@dataclass(frozen=True)
class Subject:
    """What a report is about: the reporter's participation, their pair if any."""

    me: Participant
    programme: Programme
    pair: Pair | None


@dataclass(frozen=True)
class Filed:
    report: SafetyReport
    subject: Subject
    curators: list[User]


async def subject(uow: Unit, user_id: int, pair_id: int = 0) -> Subject:
    """The pair the button came from (a reminder or a check-in), else the person's active
    pair, else their participation alone. Someone in no programme may not report."""
    if pair_id:
        pair = await uow.pairs.get(pair_id)
        side = pair.side_of(user_id) if pair is not None else None
        if pair is None or side is None:
            raise NotAllowed()
        programme = await uow.programmes.get(pair.programme_id)
        if programme is None:
            raise NotFound()
        return Subject(pair.mentor if pair.mentor.user_id == user_id else pair.mentee, programme, pair)
    parts = await uow.participants.participations(user_id)
    for part in parts:
        for pair in await uow.pairs.in_programme(part.programme_id, (PairStatus.ACTIVE,)):
            if part.id in (pair.mentor.id, pair.mentee.id):
                programme = await uow.programmes.get(part.programme_id)
                if programme is not None:
                    return Subject(part, programme, pair)
    for part in parts:
        programme = await uow.programmes.get(part.programme_id)
        if programme is not None:
            return Subject(part, programme, None)
    raise NotAllowed()


async def file(uow: Unit, user_id: int, pair_id: int, code: str, note: str | None, now: datetime) -> Filed:
    """Keep the report; the handler tells the curators at once."""
    concern: Concern = rules.concern(code)
    about = await subject(uow, user_id, pair_id)
    report = await uow.safety.add(
        about.programme.id,
        about.pair.id if about.pair else None,
        about.me.id,
        user_id,
        concern,
        rules.clean_note(note) if note is not None else None,
        now,
    )
    org = about.programme.organisation_id
    await uow.audit.record(org, user_id, "safety.report", now, str(report.id))
    curators = await uow.organisations.curators(about.programme.organisation_id)
    return Filed(report, about, curators)


async def open_reports(uow: Unit, curator_id: int) -> list[tuple[SafetyReport, Subject]]:
    """Open reports of every programme this person curates, oldest first."""
    programmes: dict[int, Programme] = {p.id: p for p in await uow.programmes.of_curator(curator_id)}
    out = []
    for report in await uow.safety.open_in(list(programmes)):
        out.append((report, await _subject_of(uow, report, programmes[report.programme_id])))
    return out


async def _subject_of(uow: Unit, report: SafetyReport, programme: Programme) -> Subject:
    pair = await uow.pairs.get(report.pair_id) if report.pair_id else None
    me = await uow.participants.get(report.participant_id)
    if me is None:
        raise NotFound()
    return Subject(me, programme, pair)


async def resolve(uow: Unit, curator_id: int, report_id: int, now: datetime) -> SafetyReport:
    """«Решено»: only a curator of the report's programme; once."""
    report = await uow.safety.get(report_id)
    if report is None:
        raise NotFound()
    programme = await require_programme(uow, curator_id, report.programme_id)
    rules.check_can_resolve(report)
    await uow.safety.resolve(report.id, curator_id, now)
    await uow.audit.record(programme.organisation_id, curator_id, "safety.resolved", now, str(report.id))
    return report
