"""Pairs: run the matching into a draft the curator edits, publish proposals, take
answers, expire, end. Returns plain data; the handlers and jobs tell people."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.domain import groups as group_rules
from bot.domain import matching as mt
from bot.domain import pairs as rules
from bot.domain.catalog import Role
from bot.domain.errors import AlreadyDecided, DomainError, InvalidInput, NotAllowed, NotFound
from bot.domain.models import Participant, Programme
from bot.domain.pairs import OPEN, Outcome, Pair, PairStatus
from bot.services import groups
from bot.services.curation import require_programme
from storage.unit import Unit

EXACT_LIMIT = 2_000_000  # mentee × mentor pairs scored exactly; beyond, each mentee's best k


def top_k_for(n_mentors: int, n_mentees: int, k: int = 40) -> int | None:
    """None (exact over every allowed pair) for a school or a district; for a city,
    the optimum over each mentee's ``k`` best mentors, which bounds memory."""
    return None if n_mentors * n_mentees <= EXACT_LIMIT else k


class NeedsConfirmation(DomainError):
    """A hand-made pair breaks a hard rule; the curator must confirm it."""

    key = "pairs.warn_rule"


@dataclass
class Pool:
    """Who can still be paired in a programme, and the rules to pair them by."""

    programme: Programme
    mentors: list[Participant]
    free_mentees: list[Participant]
    load: dict[int, int]  # mentor id -> mentees in open pairs and drafts
    rules: mt.Rules
    weights: mt.Weights
    drafts: list[Pair] = field(default_factory=list)

    def free_capacity(self, mentor: Participant) -> int:
        assert mentor.profile is not None
        size = mentor.profile.capacity
        if self.programme.group_format:  # a group holds the programme's group size, if set
            size = group_rules.limit(size, self.programme.group_size)
        return max(0, size - self.load.get(mentor.id, 0))

    def person(self, p: Participant, capacity: int | None = None) -> mt.Person:
        return rules.to_person(p, capacity, priority=p.priority)


@dataclass
class Draft:
    programme: Programme
    pairs: list[Pair]
    unmatched: dict[int, str]  # mentee participant id -> reason
    mentees: dict[int, Participant]
    groups: dict[int, int] = field(default_factory=dict)  # group id -> its number (group format)


async def pool(uow: Unit, programme: Programme, with_drafts: bool = True) -> Pool:
    members = await uow.participants.members(programme.id)
    statuses = (*OPEN, PairStatus.DRAFT) if with_drafts else OPEN
    taken = await uow.pairs.in_programme(programme.id, statuses)
    busy = {p.mentee.id for p in taken}
    load: dict[int, int] = {}
    for p in taken:
        load[p.mentor.id] = load.get(p.mentor.id, 0) + 1
    weights = mt.Weights.from_settings(programme.weights)
    return Pool(
        programme=programme,
        mentors=[m for m in members if m.role is Role.MENTOR and m.can_be_matched and m.profile],
        free_mentees=[
            e
            for e in members
            if e.role is Role.MENTEE and e.can_be_matched and e.profile and e.id not in busy
        ],
        load=load,
        rules=mt.Rules(
            frozenset(programme.forms),
            frozenset(await uow.pairs.exclusions(programme.id)),
            frozenset(programme.submodels),
        ),
        weights=weights,
        drafts=[p for p in taken if p.status is PairStatus.DRAFT],
    )


async def run_matching(uow: Unit, curator_id: int, programme_id: int, now: datetime) -> Draft:
    """A new draft: the optimal assignment of free mentees to mentors with room."""
    programme = await require_programme(uow, curator_id, programme_id, write=True)
    await uow.pairs.delete_drafts(programme.id)
    p = await pool(uow, programme)
    mentors = [p.person(m, p.free_capacity(m)) for m in p.mentors]
    mentees = [p.person(e) for e in p.free_mentees]
    result = mt.match(mentors, mentees, p.rules, p.weights, top_k_for(len(mentors), len(mentees)))
    for pair in result.pairs:
        await uow.pairs.create(
            programme.id,
            pair.mentor,
            pair.mentee,
            PairStatus.DRAFT,
            pair.score,
            pair.form,
            pair.reasons,
            False,
            now,
        )
    if programme.group_format:  # the matching's post-step: one group per mentor
        await groups.form(uow, p, now)
    await uow.audit.record(
        programme.organisation_id,
        curator_id,
        "pairs.matched",
        now,
        pairs=len(result.pairs),
        unmatched=len(result.unmatched),
    )
    return await draft(uow, curator_id, programme.id)


async def draft(uow: Unit, curator_id: int, programme_id: int) -> Draft:
    programme = await require_programme(uow, curator_id, programme_id)
    p = await pool(uow, programme)
    in_draft = {d.mentee.id for d in p.drafts}
    left = [e for e in p.free_mentees if e.id not in in_draft]
    unmatched: dict[int, str] = {e.id: _why_unmatched(p, e) for e in left}
    numbers = {}
    for gid in {d.group_id for d in p.drafts if d.group_id is not None}:
        if (g := await uow.groups.get(gid)) is not None:
            numbers[gid] = g.number
    return Draft(programme, p.drafts, unmatched, {e.id: e for e in left}, numbers)


def _why_unmatched(p: Pool, mentee: Participant) -> str:
    person = p.person(mentee)
    compatible = [m for m in p.mentors if mt.allowed(p.person(m), person, p.rules) is not None]
    if not compatible and person.needs_support:  # someone would fit, but no adult trained mentor
        plain = replace(person, needs_support=False)
        if any(mt.allowed(p.person(m), plain, p.rules) is not None for m in p.mentors):
            return "no_support"
    return "no_capacity" if compatible else "no_compatible"


@dataclass(frozen=True)
class Option:
    mentor: Participant
    score: float | None  # None: a hard rule forbids this pair
    free: int


async def options_for(
    uow: Unit, curator_id: int, mentee_id: int, limit: int = 6
) -> tuple[Participant, list[Option]]:
    """Mentors with room for this mentee: allowed ones by score first, then (marked) the rest."""
    mentee = await uow.participants.get(mentee_id)
    if mentee is None or mentee.role is not Role.MENTEE:
        raise NotFound()
    programme = await require_programme(uow, curator_id, mentee.programme_id)
    p = await pool(uow, programme)
    current = next((d for d in p.drafts if d.mentee.id == mentee.id), None)
    person = p.person(mentee)
    found = []
    for m in p.mentors:
        free = p.free_capacity(m) + (1 if current and current.mentor.id == m.id else 0)
        if free <= 0 or (current and current.mentor.id == m.id):
            continue
        found.append(Option(m, mt.score(p.person(m), person, p.rules, p.weights), free))
    found.sort(key=lambda o: (o.score is None, -(o.score or 0), o.mentor.id))
    return mentee, found[:limit]


async def pair_by_hand(
    uow: Unit, curator_id: int, mentee_id: int, mentor_id: int, force: bool, now: datetime
) -> Pair:
    """Put (or replace) a draft pair for this mentee; a broken hard rule needs ``force``."""
    programme, p, mentee, mentor = await _hand_picked(uow, curator_id, mentee_id, mentor_id)
    current = next((d for d in p.drafts if d.mentee.id == mentee.id), None)
    own = 1 if current and current.mentor.id == mentor.id else 0
    if p.free_capacity(mentor) + own <= 0:
        raise NeedsConfirmation() if force is False else NotAllowed()
    m_person, e_person = p.person(mentor), p.person(mentee)
    form = mt.allowed(m_person, e_person, p.rules)
    if form is None and not force:
        raise NeedsConfirmation()
    if current is not None:
        await uow.pairs.delete(current.id)
    value = mt.score(m_person, e_person, p.rules, p.weights)
    pair_id = await uow.pairs.create(
        programme.id,
        mentor.id,
        mentee.id,
        PairStatus.DRAFT,
        value,
        form,
        mt.explain(m_person, e_person, p.rules),
        True,
        now,
    )
    if programme.group_format:  # a hand-made pair joins the mentor's group
        await groups.attach(uow, programme.id, mentor.id, pair_id, now)
    await uow.audit.record(
        programme.organisation_id, curator_id, "pairs.by_hand", now, target=str(pair_id), forced=form is None
    )
    pair = await uow.pairs.get(pair_id)
    assert pair is not None
    return pair


async def _hand_picked(
    uow: Unit, curator_id: int, mentee_id: int, mentor_id: int
) -> tuple[Programme, Pool, Participant, Participant]:
    """The two people a curator paired by hand, checked: one programme (theirs to change),
    the right roles, the mentee free or in a draft, the mentor in the pool."""
    mentee = await uow.participants.get(mentee_id)
    mentor = await uow.participants.get(mentor_id)
    if mentee is None or mentor is None or mentee.programme_id != mentor.programme_id:
        raise NotFound()
    if mentee.role is not Role.MENTEE or mentor.role is not Role.MENTOR:
        raise NotAllowed()
    programme = await require_programme(uow, curator_id, mentee.programme_id, write=True)
    p = await pool(uow, programme)
    if mentee.id not in {e.id for e in p.free_mentees} | {d.mentee.id for d in p.drafts}:
        raise AlreadyDecided()  # already proposed or working: end or reassign it instead
    if mentor.id not in {m.id for m in p.mentors}:
        raise NotAllowed()
    return programme, p, mentee, mentor


async def remove_draft(uow: Unit, curator_id: int, pair_id: int) -> Pair:
    pair = await _curated_pair(uow, curator_id, pair_id)
    if pair.status is not PairStatus.DRAFT:
        raise AlreadyDecided()
    await uow.pairs.delete(pair.id)
    return pair


async def _curated_pair(uow: Unit, curator_id: int, pair_id: int) -> Pair:
    pair = await uow.pairs.get(pair_id)
    if pair is None:
        raise NotFound()
    await require_programme(uow, curator_id, pair.programme_id, write=True)
    return pair


async def publish(uow: Unit, curator_id: int, programme_id: int, now: datetime) -> list[Pair]:
    """Drafts become proposals with a deadline; whoever stayed unmatched goes first next round."""
    await require_programme(uow, curator_id, programme_id, write=True)
    d = await draft(uow, curator_id, programme_id)
    if not d.pairs:  # an old «Опубликовать»: say what happened and where to look instead
        raise InvalidInput("pairs.nothing_to_publish")
    expires = rules.expiry(now, d.programme.proposal_ttl_hours)
    for pair in d.pairs:
        await uow.pairs.update(pair.id, status=PairStatus.PROPOSED, proposed_at=now, expires_at=expires)
    if d.programme.group_format:
        await groups.proposed(uow, [p.group_id for p in d.pairs])
    await uow.participants.set_priority([p.mentee.id for p in d.pairs], False)
    await uow.participants.set_priority(list(d.unmatched), True)
    await uow.audit.record(
        d.programme.organisation_id, curator_id, "pairs.published", now, pairs=len(d.pairs)
    )
    return [p for p in [await uow.pairs.get(x.id) for x in d.pairs] if p is not None]


@dataclass(frozen=True)
class Answer:
    pair: Pair
    side: Role
    outcome: Outcome


async def respond(uow: Unit, user_id: int, pair_id: int, accept: bool, now: datetime) -> Answer:
    pair = await uow.pairs.get(pair_id)
    if pair is None:
        raise NotFound()
    side, outcome = rules.respond(pair, user_id, accept)
    field_name = "mentor_answer" if side is Role.MENTOR else "mentee_answer"
    values: dict[str, object] = {field_name: rules.ACCEPT if accept else rules.DECLINE}
    if outcome is Outcome.ACTIVE:
        values.update(status=PairStatus.ACTIVE, started_at=now)
    elif outcome is Outcome.DECLINED:
        values.update(status=PairStatus.DECLINED, ended_at=now)
        await _back_to_pool(uow, pair, "declined", now)
    await uow.pairs.update(pair.id, **values)
    if pair.group_id is not None:
        await groups.settle(uow, pair.group_id)
    programme = await uow.programmes.get(pair.programme_id)
    if programme is not None:
        await uow.audit.record(
            programme.organisation_id, user_id, f"pair.{outcome.value}", now, target=str(pair.id)
        )
    updated = await uow.pairs.get(pair.id)
    assert updated is not None
    return Answer(updated, side, outcome)


async def _back_to_pool(uow: Unit, pair: Pair, reason: str, now: datetime) -> None:
    """This pairing is never proposed again, and the mentee goes first next round."""
    await uow.pairs.add_exclusion(pair.programme_id, pair.mentor.id, pair.mentee.id, reason, now)
    await uow.participants.set_priority([pair.mentee.id], True)


async def decline_reason(uow: Unit, user_id: int, pair_id: int, text: str) -> Pair:
    pair = await uow.pairs.get(pair_id)
    if pair is None or pair.side_of(user_id) is None or pair.status is not PairStatus.DECLINED:
        raise NotFound()
    await uow.pairs.update(pair.id, decline_reason=text[:500])
    return pair


@dataclass
class Due:
    remind: list[Pair] = field(default_factory=list)
    expired: list[Pair] = field(default_factory=list)


async def proposals_due(uow: Unit, now: datetime) -> Due:
    """Half-time reminders and expiries of every open proposal (an expired one counts as declined)."""
    due = Due()
    for pair in await uow.pairs.open_proposals():
        if rules.expired(pair, now):
            await uow.pairs.update(pair.id, status=PairStatus.EXPIRED, ended_at=now)
            await _back_to_pool(uow, pair, "expired", now)
            if pair.group_id is not None:
                await groups.settle(uow, pair.group_id)
            due.expired.append(pair)
        elif rules.reminder_due(pair, now):
            await uow.pairs.update(pair.id, reminded=True)
            due.remind.append(pair)
    return due


async def end_pair(uow: Unit, curator_id: int, pair_id: int, reason: str, now: datetime) -> Pair:
    pair = await _curated_pair(uow, curator_id, pair_id)
    if pair.status not in OPEN:
        raise AlreadyDecided()
    await uow.pairs.update(pair.id, status=PairStatus.ENDED, ended_at=now, end_reason=reason[:500])
    await _back_to_pool(uow, pair, "ended", now)
    if pair.group_id is not None:
        await groups.settle(uow, pair.group_id)
    programme = await uow.programmes.get(pair.programme_id)
    if programme is not None:
        await uow.audit.record(programme.organisation_id, curator_id, "pair.ended", now, target=str(pair.id))
    return pair


async def active_pairs(uow: Unit, curator_id: int, programme_id: int) -> list[Pair]:
    programme = await require_programme(uow, curator_id, programme_id)
    return await uow.pairs.in_programme(programme.id, OPEN)


async def suggestions(uow: Unit, mentee: Participant, limit: int = 3) -> list[tuple[Participant, float]]:
    """Mentee-choice mode: the mentee's best mentors with room, best first."""
    programme = await uow.programmes.get(mentee.programme_id)
    if programme is None:
        raise NotFound()
    p = await pool(uow, programme)
    if mentee.id not in {e.id for e in p.free_mentees}:
        raise AlreadyDecided()
    person = p.person(mentee)
    scored = []
    for m in p.mentors:
        if p.free_capacity(m) > 0:
            value = mt.score(p.person(m), person, p.rules, p.weights)
            if value is not None:
                scored.append((m, value))
    scored.sort(key=lambda x: (-x[1], x[0].id))
    return scored[:limit]


async def ask_mentor(uow: Unit, user_id: int, mentor_id: int, now: datetime) -> Pair:
    """Mentee-choice mode: the mentee asks one of the suggested mentors."""
    mentor = await uow.participants.get(mentor_id)
    if mentor is None:
        raise NotFound()
    mentee = await uow.participants.find(mentor.programme_id, user_id)
    if mentee is None or mentee.role is not Role.MENTEE or not mentee.can_be_matched:
        raise NotAllowed()
    programme = await uow.programmes.get(mentee.programme_id)
    if programme is None or not programme.mentee_choice:
        raise NotAllowed()
    if mentor.id not in {m.id for m, _ in await suggestions(uow, mentee, limit=3)}:
        raise NotFound()
    p = await pool(uow, programme)
    m_person, e_person = p.person(mentor), p.person(mentee)
    pair_id = await uow.pairs.create(
        programme.id,
        mentor.id,
        mentee.id,
        PairStatus.PROPOSED,
        mt.score(m_person, e_person, p.rules, p.weights),
        mt.allowed(m_person, e_person, p.rules),
        mt.explain(m_person, e_person, p.rules),
        False,
        now,
    )
    await uow.pairs.update(
        pair_id,
        proposed_at=now,
        expires_at=rules.expiry(now, programme.proposal_ttl_hours),
        mentee_answer=rules.ACCEPT,
    )
    if programme.group_format:  # the mentee chose a group's mentor: the group it is
        await groups.attach(uow, programme.id, mentor.id, pair_id, now, group_rules.GroupStatus.PROPOSED)
    pair = await uow.pairs.get(pair_id)
    assert pair is not None
    return pair


async def free_mentees(uow: Unit, curator_id: int, programme_id: int) -> list[Participant]:
    programme = await require_programme(uow, curator_id, programme_id)
    return (await pool(uow, programme, with_drafts=True)).free_mentees


# --- «быстрые встречи»: preferences, then a stable matching ---------------------------------

SHOWN = 5  # candidates each side ranks


@dataclass(frozen=True)
class Shown:
    participant: Participant
    preference_id: int
    candidates: list[Participant]


async def start_preferences(uow: Unit, curator_id: int, programme_id: int, now: datetime) -> list[Shown]:
    """After the meeting of all participants: each free mentee sees their best mentors with
    room, each mentor with room their best free mentees (allowed pairs only), to rank."""
    programme = await require_programme(uow, curator_id, programme_id, write=True)
    p = await pool(uow, programme, with_drafts=False)
    mentors = [m for m in p.mentors if p.free_capacity(m) > 0]
    scores: dict[tuple[int, int], float] = {}
    for m in mentors:
        for e in p.free_mentees:
            value = mt.score(p.person(m), p.person(e), p.rules, p.weights)
            if value is not None:
                scores[(m.id, e.id)] = value

    def best(
        candidates: list[Participant], key: Callable[[Participant], tuple[int, int]]
    ) -> list[Participant]:
        ranked = [(scores[key(c)], c) for c in candidates if key(c) in scores]
        ranked.sort(key=lambda x: (-x[0], x[1].id))
        return [c for _, c in ranked[:SHOWN]]

    shown: dict[int, tuple[Participant, list[Participant]]] = {}
    for e in p.free_mentees:
        shown[e.id] = (e, best(mentors, lambda m, e=e: (m.id, e.id)))  # type: ignore[misc]
    for mentor in mentors:
        shown[mentor.id] = (mentor, best(p.free_mentees, lambda e, m=mentor: (m.id, e.id)))  # type: ignore[misc]
    shown = {k: v for k, v in shown.items() if v[1]}
    ids = await uow.preferences.start(programme.id, {k: [c.id for c in v[1]] for k, v in shown.items()}, now)
    await uow.audit.record(programme.organisation_id, curator_id, "pairs.preferences", now, asked=len(shown))
    return [Shown(person, ids[pid], cands) for pid, (person, cands) in shown.items()]


async def rank(
    uow: Unit, user_id: int, preference_id: int, candidate_id: int, now: datetime
) -> tuple[list[Participant], list[Participant], bool]:
    """One press: ``candidate_id`` next in this person's order; 0 = done, -1 = start over.
    Returns the candidates, the order so far and whether it is finished."""
    pref = await uow.preferences.get(preference_id)
    if pref is None:
        raise NotFound()
    me = await uow.participants.get(pref.participant_id)
    if me is None or me.user_id != user_id:
        raise NotAllowed()
    ranked = list(pref.ranked)
    if candidate_id == -1:
        ranked, done = [], False
    elif candidate_id == 0:
        if not ranked:
            raise InvalidInput("rank.err_empty")
        done = True
    else:
        if candidate_id not in pref.candidates:
            raise NotAllowed()
        if candidate_id not in ranked:
            ranked.append(candidate_id)
        done = len(ranked) == len(pref.candidates)
    await uow.preferences.save(pref.id, ranked, now if done else None)
    people = {c: await uow.participants.get(c) for c in pref.candidates}
    candidates = [x for x in people.values() if x is not None]
    order = [people[c] for c in ranked if people.get(c) is not None]
    return candidates, [x for x in order if x is not None], done


async def stable_draft(uow: Unit, curator_id: int, programme_id: int, now: datetime) -> tuple[Draft, int]:
    """A draft from the rankings: stable (no mentor and mentee who both prefer each other
    over what they got), within capacities. Returns the draft and how many answered."""
    programme = await require_programme(uow, curator_id, programme_id, write=True)
    prefs = await uow.preferences.of_programme(programme.id)
    if not any(x.ranked for x in prefs):
        raise InvalidInput("rank.err_none")
    await uow.pairs.delete_drafts(programme.id)
    p = await pool(uow, programme)
    mentors: dict[int, Participant] = {m.id: m for m in p.mentors}
    mentees: dict[int, Participant] = {e.id: e for e in p.free_mentees}
    mentee_prefs = {
        x.participant_id: [c for c in x.ranked if c in mentors] for x in prefs if x.participant_id in mentees
    }
    mentor_prefs = {
        x.participant_id: [c for c in x.ranked if c in mentees] for x in prefs if x.participant_id in mentors
    }
    capacity = {m: p.free_capacity(mentors[m]) for m in mentor_prefs}
    result = mt.stable_match(mentee_prefs, mentor_prefs, capacity)
    for e_id, m_id in sorted(result.items()):
        mentor, mentee = p.person(mentors[m_id]), p.person(mentees[e_id])
        form = mt.allowed(mentor, mentee, p.rules)
        if form is None:  # a rule changed since the round: never pair against the rules
            continue
        await uow.pairs.create(
            programme.id, m_id, e_id, PairStatus.DRAFT, mt.score(mentor, mentee, p.rules, p.weights), form,
            mt.explain(mentor, mentee, p.rules), False, now,
        )  # fmt: skip
    if programme.group_format:
        await groups.form(uow, p, now)
    await uow.audit.record(programme.organisation_id, curator_id, "pairs.stable", now, pairs=len(result))
    return await draft(uow, curator_id, programme.id), sum(1 for x in prefs if x.ranked)
