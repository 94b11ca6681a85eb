"""The model's questionnaires: the curator launches one, each participant answers the
questions for their role, the curator reads the results. Answers are private."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain import groups as group_rules
from bot.domain import surveys as rules
from bot.domain.catalog import Role, Status
from bot.domain.errors import AlreadyDecided, InvalidInput, NotAllowed, NotFound
from bot.domain.models import Participant, Programme
from bot.domain.pairs import PairStatus
from bot.services import base as mentor_base
from bot.services.curation import require_programme
from storage.surveys import Asked, Survey
from storage.unit import Unit

# Texts of the bank's items in each language, from the locales: code -> {locale: text}.
BankTexts = Callable[[str], dict[str, str]]


@dataclass(frozen=True)
class Launched:
    survey: Survey
    asked: list[tuple[Participant, int, int]]  # participant, response id, number of questions


@dataclass(frozen=True)
class Question:
    response_id: int
    item: rules.Item
    number: int  # 1-based
    total: int


@dataclass(frozen=True)
class Progress:
    survey: Survey
    asked: dict[str, int]
    done: dict[str, int]


async def ensure_items(uow: Unit, programme_id: int, texts: BankTexts) -> None:
    """A programme's questionnaire starts as the model's catalog: each item for its roles,
    moments and (for a form's own items) each of the programme's forms; the curator edits it.
    A programme made before an item joined the catalog (or given a form later) gets it added."""
    have = {(i.code, i.role, i.form) for i in await uow.surveys.items(programme_id)}
    programme = await uow.programmes.get(programme_id)
    forms = [f.value for f in programme.forms] if programme else []
    for item in rules.BANK:
        wanted = [
            (role, form)
            for role in sorted(item.roles)
            for form in (sorted(item.forms & set(forms)) if item.forms is not None else [None])
            if (item.code, role, form) not in have and (item.code, role, None) not in have  # None: any form
        ]
        if not wanted:
            continue
        t = texts(item.code)
        moments = rules.moments_text(item.moments)
        for role, form in wanted:
            await uow.surveys.add_item(
                programme_id, role, item.kind.value, t["ru"], t["en"], item.code, moments, form
            )


async def items(
    uow: Unit, curator_id: int, programme_id: int, texts: BankTexts, locale: str | None
) -> list[rules.Item]:
    await require_programme(uow, curator_id, programme_id)
    await ensure_items(uow, programme_id, texts)
    return await uow.surveys.items(programme_id, locale)


async def toggle_item(uow: Unit, curator_id: int, item_id: int) -> tuple[Programme, rules.Item]:
    found = await uow.surveys.item(item_id)
    if found is None:
        raise NotFound()
    programme = await require_programme(uow, curator_id, found[0], write=True)
    await uow.surveys.set_item_active(item_id, not found[1].active)
    return programme, found[1]


async def add_item(
    uow: Unit, curator_id: int, programme_id: int, role: str, kind: str, text: str | None
) -> int:
    """The curator's own question, asked in every questionnaire until they say otherwise."""
    await require_programme(uow, curator_id, programme_id, write=True)
    if role not in (Role.MENTOR.value, Role.MENTEE.value) or kind not in set(rules.ItemKind):
        raise NotFound()
    clean = " ".join((text or "").split())
    if not clean:
        raise InvalidInput("survey.err_item_empty")
    if len(clean) > 300:
        raise InvalidInput("survey.err_item_long", limit=300, length=len(clean))
    return await uow.surveys.add_item(programme_id, role, kind, clean, clean)


async def set_own_moments(uow: Unit, curator_id: int, item_id: int, choice: str) -> rules.Item:
    """When the curator's own question is asked (the catalog's items keep their moments)."""
    found = await uow.surveys.item(item_id)
    if found is None or choice not in rules.OWN_MOMENTS:
        raise NotFound()
    await require_programme(uow, curator_id, found[0], write=True)
    if found[1].code is not None:
        raise NotAllowed()
    await uow.surveys.set_item_moments(item_id, rules.moments_text(rules.OWN_MOMENTS[choice]))
    return found[1]


async def edit_item(
    uow: Unit, curator_id: int, programme_id: int, role: str, typed: str | None, locale: str | None
) -> rules.Item:
    """ "3 New wording" replaces the text of question 3 for that role, in the curator's
    language (the other language keeps its text)."""
    await require_programme(uow, curator_id, programme_id, write=True)
    match = re.match(r"^\s*(\d{1,3})[.)]?\s+(.+)$", typed or "", re.DOTALL)
    if match is None:
        raise InvalidInput("survey.err_edit_format")
    mine = [i for i in await uow.surveys.items(programme_id, locale) if i.role == role]
    n = int(match[1])
    if not 1 <= n <= len(mine):
        raise InvalidInput("survey.err_edit_number", count=len(mine))
    text = " ".join(match[2].split())
    if len(text) > 300:
        raise InvalidInput("survey.err_item_long", limit=300, length=len(text))
    await uow.surveys.set_item_text(mine[n - 1].id, locale, text)
    return mine[n - 1]


async def launch(
    uow: Unit, curator_id: int, programme_id: int, kind: str, now: datetime, texts: BankTexts
) -> Launched:
    """Every approved mentor and mentee gets the active questions of this questionnaire
    for their role and form."""
    programme = await require_programme(uow, curator_id, programme_id, write=True)
    survey_kind = rules.SurveyKind(kind)
    if any(s.kind == survey_kind.value and s.point is None for s in await uow.surveys.surveys(programme.id)):
        raise AlreadyDecided()
    launched = await _send_out(uow, programme, survey_kind, now, texts, curator_id, None)
    assert launched is not None  # a questionnaire launched by hand is always recorded
    await uow.audit.record(
        programme.organisation_id, curator_id, "survey.launch", now, f"programme:{programme.id}", kind=kind
    )
    return launched


async def _send_out(
    uow: Unit,
    programme: Programme,
    kind: rules.SurveyKind,
    now: datetime,
    texts: BankTexts,
    by: int,
    point: int | None,
) -> Launched | None:
    await ensure_items(uow, programme.id, texts)
    questions = await uow.surveys.items(programme.id)
    pair_forms = await _forms(uow, programme.id)
    grouped = await _in_groups(uow, programme.id)
    programme_forms = tuple(f.value for f in programme.forms)
    working = await _working(uow, programme.id, now - timedelta(days=rules.PULSE_MIN_PAIR_DAYS))
    if point is not None and not working:
        return None  # nobody to ask yet: no empty questionnaire in the curator's list
    survey = await uow.surveys.create(programme.id, kind.value, by, now, point)
    asked: list[tuple[Participant, int, int]] = []
    for person in await uow.participants.members(programme.id):
        if person.role not in (Role.MENTOR, Role.MENTEE) or person.status is not Status.APPROVED:
            continue
        if point is not None and person.id not in working:
            continue  # a pulse asks how the work goes: only people whose pair has been at it a while
        form = rules.form_for(
            person.role.value,
            person.profile.kind if person.profile else None,
            pair_forms.get(person.id),
            programme_forms,
        )
        mine = [
            i.id
            for i in questions
            if i.role == person.role.value
            and rules.asks(i, kind, form)
            and group_rules.asks(i.code, person.id in grouped)
        ]
        if not mine:
            continue
        response = await uow.surveys.add_response(survey.id, person.id, person.role.value, form, mine, now)
        asked.append((person, response, len(mine)))
    return Launched(survey, asked)


async def pulses_due(uow: Unit, now: datetime) -> list[tuple[Programme, int]]:
    """Programmes whose interim pulse day has come (in their own time zone), with the day;
    each is claimed in the outbox under a key of its own, so two processes (or two ticks)
    never send the same pulse twice."""
    out: list[tuple[Programme, int]] = []
    for pid, start, tz, days in await uow.surveys.pulse_programmes():
        today = now.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).date()
        point = rules.pulse_due(start, today, days, set())
        if point is None or any(s.point == point for s in await uow.surveys.surveys(pid)):
            continue  # not a pulse day (most ticks: no query more), or already sent
        if not await uow.outbox.enqueue(f"pulse:{pid}:{point}", 0, "", None, now, status="dropped"):
            continue  # another process took it
        programme = await uow.programmes.get(pid)
        if programme is not None:
            out.append((programme, point))
    return out


async def send_pulse(
    uow: Unit, programme: Programme, point: int, now: datetime, texts: BankTexts
) -> Launched | None:
    """The pulse of this day to everyone whose pair has worked a while (None: nobody yet)."""
    launched = await _send_out(uow, programme, rules.SurveyKind.INTERIM, now, texts, 0, point)
    if launched is None:
        return None
    await uow.audit.record(
        programme.organisation_id, None, "survey.pulse", now, f"programme:{programme.id}", day=point
    )
    return launched


async def set_pulse_days(uow: Unit, curator_id: int, programme_id: int, typed: str | None) -> tuple[int, ...]:
    """ "30 60 90": the days of the programme on which the interim pulse goes; "0": none."""
    await require_programme(uow, curator_id, programme_id, write=True)
    days = rules.parse_pulse_days(typed)
    await uow.surveys.set_pulse_days(programme_id, days)
    return days


async def _working(uow: Unit, programme_id: int, started_before: datetime) -> set[int]:
    """Participants in an active pair that started before the given moment."""
    out: set[int] = set()
    for pair in await uow.pairs.in_programme(programme_id, (PairStatus.ACTIVE,)):
        if pair.started_at is not None and pair.started_at <= started_before:
            out.update((pair.mentor.id, pair.mentee.id))
    return out


async def _in_groups(uow: Unit, programme_id: int) -> set[int]:
    """Participants who were in a mentoring group: its mentor or a member."""
    statuses = (PairStatus.ENDED, PairStatus.PROPOSED, PairStatus.ACTIVE)
    pairs = await uow.pairs.in_programme(programme_id, statuses)
    return {x.id for p in pairs if p.group_id is not None for x in (p.mentor, p.mentee)}


async def _forms(uow: Unit, programme_id: int) -> dict[int, str]:
    """Each participant's form: that of their working (or last) pair."""
    out: dict[int, str] = {}
    statuses = (PairStatus.ENDED, PairStatus.PROPOSED, PairStatus.ACTIVE)  # later ones win
    for pair in sorted(
        await uow.pairs.in_programme(programme_id, statuses), key=lambda p: statuses.index(p.status)
    ):
        if pair.form is not None:
            out[pair.mentor.id] = pair.form.value
            out[pair.mentee.id] = pair.form.value
    return out


async def _mine(uow: Unit, user_id: int, response_id: int) -> rules.Response:
    found = await uow.surveys.response(response_id)
    if found is None or found[1] != user_id:
        raise NotFound()
    return found[0]


async def current(uow: Unit, user_id: int, response_id: int, locale: str | None) -> Question | None:
    """The next question to ask, or None when all are answered."""
    response = await _mine(uow, user_id, response_id)
    item_id = rules.next_item(response)
    if item_id is None:
        return None
    found = await uow.surveys.item(item_id, locale)
    if found is None:
        raise NotFound()
    return Question(response.id, found[1], response.items.index(item_id) + 1, len(response.items))


async def answer(
    uow: Unit,
    user_id: int,
    response_id: int,
    item_id: int,
    raw: str | None,
    now: datetime,
    locale: str | None,
    *,
    skip: bool = False,
) -> Question | None:
    """Record one answer and return the next question (None: finished). An answer to a
    question that is not the current one (an old button) changes nothing."""
    response = await _mine(uow, user_id, response_id)
    expected = rules.next_item(response)
    if expected is None:
        raise AlreadyDecided()
    if expected != item_id:
        raise NotAllowed()
    found = await uow.surveys.item(item_id, locale)
    if found is None:
        raise NotFound()
    value = rules.parse(found[1].kind, raw, skip=skip)
    answers = {**response.answers, str(item_id): value}
    finished = all(str(i) in answers for i in response.items)
    await uow.surveys.save_answers(response.id, answers, now if finished else None)
    if found[1].code == "become_mentor" and value == "y":  # an alumni candidate for the base
        await mentor_base.mark_candidate(uow, response.participant_id, now)
    if finished:
        return None
    return await current(uow, user_id, response_id, locale)


async def progress(uow: Unit, curator_id: int, programme_id: int) -> list[Progress]:
    await require_programme(uow, curator_id, programme_id)
    out = []
    for survey in await uow.surveys.surveys(programme_id):
        asked: dict[str, int] = {}
        done: dict[str, int] = {}
        for r in await uow.surveys.responses(survey.id):
            asked[r.role] = asked.get(r.role, 0) + 1
            done[r.role] = done.get(r.role, 0) + (1 if r.completed else 0)
        out.append(Progress(survey, asked, done))
    return out


@dataclass
class Results:
    programme: Programme
    survey: Survey
    groups: list[rules.GroupResult]
    changes: list[rules.Growth]
    swot: rules.Swot


async def results(
    uow: Unit, curator_id: int, programme_id: int, survey_id: int | None, locale: str | None
) -> Results | None:
    """The latest (or the given) survey's results; with entry vs final when both exist."""
    programme = await require_programme(uow, curator_id, programme_id)
    surveys = await uow.surveys.surveys(programme.id)
    if not surveys:
        return None
    survey = next((s for s in surveys if s.id == survey_id), surveys[-1])
    items = await uow.surveys.items(programme.id, locale)
    groups = rules.results(items, await uow.surveys.responses(survey.id))
    changes: list[rules.Growth] = []
    entry = next((s for s in surveys if s.kind == rules.SurveyKind.ENTRY.value), None)
    if entry is not None and survey.kind == rules.SurveyKind.FINAL.value:
        changes = await growth(uow, programme.id, locale)
    return Results(programme, survey, groups, changes, rules.swot(groups))


async def growth(uow: Unit, programme_id: int, locale: str | None) -> list[rules.Growth]:
    """Entry → final per form, role and indicator (empty before both were held)."""
    surveys = await uow.surveys.surveys(programme_id)
    entry = next((s for s in surveys if s.kind == rules.SurveyKind.ENTRY.value), None)
    final = next((s for s in surveys if s.kind == rules.SurveyKind.FINAL.value), None)
    if entry is None or final is None:
        return []
    return rules.growth(
        await uow.surveys.items(programme_id, locale),
        await uow.surveys.responses(entry.id),
        await uow.surveys.responses(final.id),
    )


async def to_remind(uow: Unit, now: datetime) -> list[Asked]:
    """One reminder, two days after the questionnaire was sent, to whoever has not finished."""
    due = await uow.surveys.to_remind(now - timedelta(hours=rules.REMIND_AFTER_HOURS))
    await uow.surveys.mark_reminded([a.response_id for a in due])
    return due
