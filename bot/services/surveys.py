"""The model's questionnaires: the curator launches one, each participant answers the
questions for their role, the curator reads the results. Answers are private."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import groups as group_rules
from bot.domain import surveys as rules
from bot.domain.catalog import Role, Status
from bot.domain.errors import AlreadyDecided, InvalidInput, NotAllowed, NotFound
from bot.domain.models import Participant, Programme
from bot.domain.pairs import PairStatus
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
    """A programme's questionnaire starts as the model's bank; the curator edits it."""
    if await uow.surveys.items(programme_id):
        return
    for item in rules.BANK:
        t = texts(item.code)
        for role in sorted(item.roles):
            await uow.surveys.add_item(programme_id, role, item.kind.value, t["ru"], t["en"], item.code)


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
    await require_programme(uow, curator_id, programme_id, write=True)
    if role not in (Role.MENTOR.value, Role.MENTEE.value) or kind not in set(rules.ItemKind):
        raise NotFound()
    clean = " ".join((text or "").split())
    if not clean:
        raise InvalidInput("survey.err_item_empty")
    if len(clean) > 300:
        raise InvalidInput("survey.err_item_long", limit=300, length=len(clean))
    return await uow.surveys.add_item(programme_id, role, kind, clean, clean)


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
    """Every approved mentor and mentee gets the active questions for their role."""
    programme = await require_programme(uow, curator_id, programme_id, write=True)
    survey_kind = rules.SurveyKind(kind)
    if any(s.kind == survey_kind.value for s in await uow.surveys.surveys(programme.id)):
        raise AlreadyDecided()
    await ensure_items(uow, programme.id, texts)
    questions = [i for i in await uow.surveys.items(programme.id) if i.active]
    forms = await _forms(uow, programme.id)
    grouped = await _in_groups(uow, programme.id)
    survey = await uow.surveys.create(programme.id, survey_kind.value, curator_id, now)
    asked: list[tuple[Participant, int, int]] = []
    members = await uow.participants.members(programme.id)
    for person in members:
        if person.role not in (Role.MENTOR, Role.MENTEE) or person.status is not Status.APPROVED:
            continue
        mine = [
            i.id
            for i in questions
            if i.role == person.role.value and group_rules.asks(i.code, person.id in grouped)
        ]
        if not mine:
            continue
        response = await uow.surveys.add_response(
            survey.id, person.id, person.role.value, forms.get(person.id), mine, now
        )
        asked.append((person, response, len(mine)))
    await uow.audit.record(
        programme.organisation_id, curator_id, "survey.launch", now, f"programme:{programme.id}", kind=kind
    )
    return Launched(survey, asked)


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
    changes: list[rules.Change]
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
    changes: list[rules.Change] = []
    entry = next((s for s in surveys if s.kind == rules.SurveyKind.ENTRY.value), None)
    if entry is not None and survey.kind != entry.kind:
        changes = rules.compare(rules.results(items, await uow.surveys.responses(entry.id)), groups)
    return Results(programme, survey, groups, changes, rules.swot(groups))


async def to_remind(uow: Unit, now: datetime) -> list[Asked]:
    """One reminder, two days after the questionnaire was sent, to whoever has not finished."""
    due = await uow.surveys.to_remind(now - timedelta(hours=rules.REMIND_AFTER_HOURS))
    await uow.surveys.mark_reminded([a.response_id for a in due])
    return due
