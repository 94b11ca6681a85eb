"""Scheduler jobs: plain async functions with explicit arguments and an injectable clock,
so tests call them directly instead of waiting for time to pass. They decide what is due
and put messages into the outbox under keys that make each message happen once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot.clock import Clock
from bot.domain import groups as group_rules
from bot.domain import meetings as rules
from bot.domain.base import stale_before
from bot.domain.catalog import Role
from bot.domain.meetings import Meeting
from bot.domain.models import Programme
from bot.domain.pacing import GLOBAL_RATE, latest_starts
from bot.domain.pairs import PairStatus
from bot.i18n import Html, L10n, Translator
from bot.services import digest as digests
from bot.services import pairs, surveys
from handlers import digest as digest_views
from handlers import meeting_texts as mt
from handlers.callbacks import GroupMineCb, ProposalCb, SurveyCb
from handlers.common import notify, strings_for
from handlers.kb import InlineKeyboardBuilder
from storage.db import Database
from storage.message_refs import MessageRefs
from storage.pairs import PairSides, Side
from storage.unit import Unit

OUTBOX_KEPT = timedelta(days=30)  # a delivered row (with no body) keeps its key this long
MESSAGE_REFS_KEPT = timedelta(days=60)  # a MAX message id behind a button this old is forgotten


async def proposals_tick(db: Database, i18n: Translator, clock: Clock) -> pairs.Due:
    """One reminder at half-time to whoever has not answered; expire what is overdue."""
    now = clock.now()
    async with db.unit() as uow:
        due = await pairs.proposals_due(uow, now)
        for pair in due.remind:
            for side in (pair.mentor, pair.mentee):
                if pair.answer_of(side.role) is not None:
                    continue
                if pair.group_id is not None and side.role is Role.MENTOR:  # once for the group
                    await _remind_group(uow, now, i18n, pair.group_id, side.user_id, side.id)
                    continue
                t = await strings_for(uow, i18n, side.user_id)
                kb = InlineKeyboardBuilder()
                kb.button(text=t("btn.accept"), callback_data=ProposalCb(pair=pair.id, answer="y"))
                kb.button(text=t("btn.decline"), callback_data=ProposalCb(pair=pair.id, answer="n"))
                await notify(
                    uow,
                    now,
                    side.user_id,
                    t("proposal.reminder", other=pair.other(side.role).name),
                    kb.as_markup(),
                    key=f"propremind:{pair.id}:{side.id}",
                )
        for pair in due.expired:
            for side in (pair.mentor, pair.mentee):
                text = (await strings_for(uow, i18n, side.user_id))("proposal.expired")
                await notify(uow, now, side.user_id, text, key=f"propexpired:{pair.id}:{side.id}")
            programme = await uow.programmes.get(pair.programme_id)
            if programme is not None:
                for curator in await uow.organisations.curators(programme.organisation_id):
                    ct = i18n.get(curator.locale)
                    text = ct(
                        "curator.pair_expired",
                        mentee=pair.mentee.name,
                        mentor=pair.mentor.name,
                        programme=programme.title,
                    )
                    await notify(uow, now, curator.id, text, key=f"propexpired:{pair.id}:c{curator.id}")
    return due


async def _remind_group(
    uow: Unit, now: datetime, i18n: Translator, group_id: int, user_id: int, pid: int
) -> None:
    """The mentor's one reminder of a group proposal, with the group's own buttons."""
    t = await strings_for(uow, i18n, user_id)
    kb = InlineKeyboardBuilder()
    kb.button(text=t("btn.accept"), callback_data=GroupMineCb(a="y", id=group_id))
    kb.button(text=t("btn.decline"), callback_data=GroupMineCb(a="n", id=group_id))
    await notify(
        uow, now, user_id, t("groups.proposal_reminder"), kb.as_markup(), key=f"propremind:g{group_id}:{pid}"
    )


class _Tick:
    """What one tick reads more than once: programmes, people's languages, breaks."""

    def __init__(self, uow: Unit, i18n: Translator) -> None:
        self.uow, self.i18n = uow, i18n
        self._programmes: dict[int, Programme | None] = {}
        self._t: dict[int, L10n] = {}
        self._breaks: dict[int, list[tuple[date, date]]] = {}
        self.paused: set[int] = set()  # participants on a pause (read once per tick)

    async def programme(self, programme_id: int) -> Programme | None:
        if programme_id not in self._programmes:
            self._programmes[programme_id] = await self.uow.programmes.get(programme_id)
        return self._programmes[programme_id]

    async def t(self, user_id: int) -> L10n:
        if user_id not in self._t:
            self._t[user_id] = await strings_for(self.uow, self.i18n, user_id)
        return self._t[user_id]

    async def preload(self, user_ids: list[int]) -> None:
        """Everyone's language and register in a few queries."""
        missing = [u for u in user_ids if u not in self._t]
        formal = await self.uow.people.formal(missing)
        for user_id, locale in (await self.uow.people.locales(missing)).items():
            self._t[user_id] = self.i18n.get(locale, formal.get(user_id, True))

    async def breaks(self, programme_id: int) -> list[tuple[date, date]]:
        if programme_id not in self._breaks:
            self._breaks[programme_id] = await self.uow.programmes.breaks(programme_id)
        return self._breaks[programme_id]


async def meetings_tick(
    db: Database, i18n: Translator, clock: Clock, rate: float = GLOBAL_RATE
) -> dict[str, int]:
    """Reminders before meetings, check-ins after them, one reminder of an unanswered
    check-in, and nudges for pairs that have gone quiet (not during breaks).

    Reads in bulk and asks the outbox which keys it already holds, so a tick that has
    nothing new to send costs a handful of queries however many pairs there are."""
    now = clock.now()
    counts = {"reminders": 0, "checkins": 0, "reflection_reminders": 0, "nudges": 0, "waiting": 0}
    async with db.unit() as uow:
        tick = _Tick(uow, i18n)
        await uow.participants.end_pauses(now.date())
        tick.paused = await uow.participants.paused(now.date())
        await _reminders(uow, tick, now, counts)
        await _early_reminders(uow, tick, now, counts, rate)
        await _checkins(uow, tick, now, counts)
        await _checkin_reminders(uow, tick, now, counts)
        await _waiting_proposals(uow, tick, now, counts)
        counts["nudges"] += await _nudges(uow, tick, now)
    return counts


async def _checkin_reminders(uow: Unit, tick: _Tick, now: datetime, counts: dict[str, int]) -> None:
    """One reminder of a check-in left unanswered (none once it counts as missing)."""
    for r in await uow.meetings.unanswered(now - rules.REFLECTION_REMINDER):
        await uow.meetings.answer(r.id, reminded=True)
        if now - r.asked_at >= rules.REFLECTION_MISSING:
            continue  # counts as missing; no late reminder
        participant = await uow.participants.get(r.participant_id)
        if participant is None or participant.id in tick.paused:
            continue
        t = await tick.t(participant.user_id)
        await notify(
            uow,
            now,
            participant.user_id,
            t("reflect.reminder"),
            _checkin_keyboard(
                t, r.meeting_id, participant.role, r.happened is None, await _pair_of(uow, r.meeting_id)
            ),
            key=f"checkin-remind:{r.id}",
        )
        counts["reflection_reminders"] += 1


async def _waiting_proposals(uow: Unit, tick: _Tick, now: datetime, counts: dict[str, int]) -> None:
    """A meeting proposed a day ago and still unanswered: its other side is asked again."""
    for m in await uow.meetings.proposed_before(now - timedelta(hours=24)):
        if m.starts_at <= now:
            continue
        pair = await uow.pairs.get(m.pair_id)
        if pair is None or {pair.mentor.id, pair.mentee.id} & tick.paused:
            continue
        other = pair.mentee if pair.mentor.user_id == m.proposed_by else pair.mentor
        t = await tick.t(other.user_id)
        if await notify(
            uow,
            now,
            other.user_id,
            t("meet.waiting", other=pair.other(other.role).name),
            mt.confirm_keyboard(t, m.id),
            key=f"meetwait:{m.id}",
        ):
            counts["waiting"] += 1


def _paused_pairs(pairs: Iterable[PairSides], paused: set[int]) -> set[int]:
    """Pairs in which a side is on a pause (issue 16): nothing is sent to either side."""
    return {
        p.pair_id for p in pairs if p.mentor.participant_id in paused or p.mentee.participant_id in paused
    }


def reminder_key(m: Meeting, offset: timedelta, side: Side) -> str:
    """One key per meeting, side and moment; a group meeting's mentor has one key for all
    the members' rows (one reminder, not one per member)."""
    hours = int(offset.total_seconds() // 3600)
    ident = group_rules.mentor_meeting(m.id, m.group_meeting) if side.role is Role.MENTOR else m.id
    return f"meet:{ident}:{m.starts_at:%Y%m%d%H%M}:{hours}h:{side.participant_id}"


def other_name(t: L10n, m: Meeting, pair: PairSides, side: Side) -> str:
    """Whom the meeting is with, for this side: a group meeting's mentor meets the group."""
    if m.group_meeting is not None and side.role is Role.MENTOR:
        return t("groups.other")
    return pair.other(side).name


async def fix_reminders(uow: Unit, m: Meeting, sides: Sequence[Side], now: datetime) -> timedelta | None:
    """The meeting's time is fixed now (confirmed, or a confirmed meeting moved): each
    side's reminders whose moment has already passed are recorded as never to go, in this
    update's transaction, so no tick sends them late. Returns the next reminder's offset."""
    for offset in rules.reminders_passed(m.starts_at, now):
        for side in sides:
            await uow.outbox.enqueue(
                reminder_key(m, offset, side), side.user_id, "", None, now, status="dropped"
            )
    return rules.next_reminder(m.starts_at, now)


def reminder_text(t: L10n, m: Meeting, timezone: str, other: str, left_hours: int) -> str:
    return t(
        "meet.reminder",
        when=mt.when(t, m, timezone),
        kind=Html(t(f"meet.kind.{m.kind.value}")),
        other=other,
        left=Html(t("meet.in_hours", count=left_hours)),
    )


def reminder_markup(t: L10n, m: Meeting, side: Side) -> dict[str, Any] | None:
    """The mentee's reminder carries «Сообщить куратору» (a pupil reaches the curator from
    every reminder); the mentor's has no keyboard."""
    if side.role is not Role.MENTEE:
        return None
    return mt.safety_button(t, m.pair_id).model_dump(mode="json", exclude_none=True)


def _checkin_keyboard(
    t: L10n, meeting_id: int, role: Role, unanswered: bool, pair_id: int | None
) -> InlineKeyboardMarkup | None:
    """A check-in reminder: the first question's buttons while it is unanswered; the
    mentee's always with «Сообщить куратору»."""
    safety = pair_id if role is Role.MENTEE else None
    if unanswered:
        return mt.happened_keyboard(t, meeting_id, safety)
    return mt.safety_button(t, safety) if safety is not None else None


async def _pair_of(uow: Unit, meeting_id: int) -> int | None:
    m = await uow.meetings.get(meeting_id)
    return m.pair_id if m is not None else None


async def _reminders(uow: Unit, tick: _Tick, now: datetime, counts: dict[str, int]) -> None:
    horizon = max(rules.DEFAULT_REMINDERS)
    meetings = [
        (m, due)
        for m in await uow.meetings.confirmed_between(now, now + horizon + timedelta(minutes=1))
        if (due := rules.reminders_due(m, now))
    ]
    sides = await uow.pairs.sides([m.pair_id for m, _ in meetings])

    wanted = [
        reminder_key(m, offset, side)
        for m, due in meetings
        if (pair := sides.get(m.pair_id)) is not None
        for offset in due
        for side in (pair.mentor, pair.mentee)
    ]
    done = await uow.outbox.existing(wanted)
    await tick.preload([s.user_id for p in sides.values() for s in (p.mentor, p.mentee)])
    paused = _paused_pairs(sides.values(), tick.paused)
    for m, due in meetings:
        pair = sides.get(m.pair_id)
        if pair is None or pair.status != PairStatus.ACTIVE.value or pair.pair_id in paused:
            continue
        programme = await tick.programme(pair.programme_id)
        if programme is not None:
            counts["reminders"] += await _remind(uow, tick, now, m, due, pair, programme.timezone, done)


async def _remind(
    uow: Unit,
    tick: _Tick,
    now: datetime,
    m: Meeting,
    due: Sequence[timedelta],
    pair: PairSides,
    timezone: str,
    done: set[str],
) -> int:
    """Queue one meeting's due reminders for both sides; returns how many will go. Several
    due at once (after downtime or a late confirmation): only the nearest goes, saying the
    real time left; the others are recorded so they never go later."""
    sent = 0
    left = max(1, round((m.starts_at - now).total_seconds() / 3600))
    for offset in due:
        nearest = offset == min(due)
        for side in (pair.mentor, pair.mentee):
            k = reminder_key(m, offset, side)
            if k in done:
                continue
            done.add(k)  # a group meeting's mentor: the other members' rows share this key
            t = await tick.t(side.user_id)
            text = reminder_text(t, m, timezone, other_name(t, m, pair, side), left)
            status = "pending" if nearest else "dropped"
            if await uow.outbox.enqueue(
                k,
                side.user_id,
                text,
                reminder_markup(t, m, side),
                now,
                expires_at=m.starts_at,
                status=status,
                checked=True,
                deadline=m.starts_at - offset,
            ):
                sent += 1 if nearest else 0
    return sent


WAVE_LOOKAHEAD = timedelta(hours=2)  # how early a big reminder wave is planned and may start
WAVE_SHARE = 0.8  # of the outbox's rate, planned for reminders (the rest: everything else)


async def _early_reminders(
    uow: Unit, tick: _Tick, now: datetime, counts: dict[str, int], rate: float
) -> None:
    """Reminders whose moment is up to two hours ahead, queued now with the moment they
    must go at the latest (their deadline) and the moment they may go (``not_before``), so
    that a wave all goes by its moments at the outbox's rate (Monday's 20,000 meetings at
    10:00 cannot all be told at 09:00 sharp): planned earliest deadline first, starting
    early enough; the sender takes the earliest deadline first. Planned once, so a slow
    tick never makes the wave late; a moved or cancelled meeting drops them as before."""
    todo = await _wave(uow, now, tick.paused)
    if not todo:
        return
    queued = await uow.outbox.waiting_deadlines()
    starts = latest_starts([m.starts_at - o for m, o, _, _ in todo] + queued, rate * WAVE_SHARE)
    planned = list(zip(todo, starts, strict=False))
    await tick.preload([side.user_id for (_, _, _, side), _ in planned])
    for (m, offset, pair, side), start in planned:
        programme = await tick.programme(pair.programme_id)
        if programme is None:
            continue
        go = max(now, start)
        t = await tick.t(side.user_id)
        left = max(1, round((m.starts_at - go).total_seconds() / 3600))
        if await uow.outbox.enqueue(
            reminder_key(m, offset, side),
            side.user_id,
            reminder_text(t, m, programme.timezone, other_name(t, m, pair, side), left),
            reminder_markup(t, m, side),
            now,
            not_before=go,
            expires_at=m.starts_at,
            checked=True,
            deadline=m.starts_at - offset,
        ):
            counts["reminders"] += 1


async def _wave(
    uow: Unit, now: datetime, on_pause: set[int]
) -> list[tuple[Meeting, timedelta, PairSides, Side]]:
    """Reminders of active pairs whose moment is within the lookahead and not yet queued."""
    horizon = max(rules.DEFAULT_REMINDERS)
    upcoming = [
        (m, offset)
        for m in await uow.meetings.confirmed_between(now, now + horizon + WAVE_LOOKAHEAD)
        for offset in rules.DEFAULT_REMINDERS
        if now < m.starts_at - offset <= now + WAVE_LOOKAHEAD
    ]
    if not upcoming:
        return []
    sides = await uow.pairs.sides(list({m.pair_id for m, _ in upcoming}))
    paused = _paused_pairs(sides.values(), on_pause)
    wanted = [
        (m, offset, pair, side)
        for m, offset in upcoming
        if (pair := sides.get(m.pair_id)) is not None
        and pair.status == PairStatus.ACTIVE.value
        and pair.pair_id not in paused
        for side in (pair.mentor, pair.mentee)
    ]
    done = await uow.outbox.existing([reminder_key(m, o, side) for m, o, _, side in wanted])
    out = []
    for w in wanted:
        key = reminder_key(w[0], w[1], w[3])
        if key not in done:
            done.add(key)  # once: a group meeting's mentor shares one key across its rows
            out.append(w)
    return out


async def _asked_for_group(uow: Unit, m: Meeting, side: Side) -> bool:
    """A group meeting's mentor is asked once, on one member's row."""
    if m.group_meeting is None or side.role is not Role.MENTOR:
        return False
    return await uow.meetings.asked_in_group(m.group_meeting, side.participant_id)


async def _checkins(uow: Unit, tick: _Tick, now: datetime, counts: dict[str, int]) -> None:
    meetings = [
        m
        for m in await uow.meetings.without_checkins(
            now - timedelta(days=7), now - rules.CHECKIN_AFTER + timedelta(seconds=1)
        )
        if rules.checkin_due(m, now)
    ]
    sides = await uow.pairs.sides([m.pair_id for m in meetings])
    paused = _paused_pairs(sides.values(), tick.paused)
    for m in meetings:
        pair = sides.get(m.pair_id)
        programme = await tick.programme(pair.programme_id) if pair else None
        if pair is None or programme is None or pair.status != PairStatus.ACTIVE.value:
            continue  # an ended pair (a side was forgotten, the curator ended it) is asked nothing
        if pair.pair_id in paused:
            continue  # asked after the pause, while the meeting is within the week
        for side in (pair.mentor, pair.mentee):
            if await _asked_for_group(uow, m, side):
                continue
            if await uow.meetings.ask(m.id, side.participant_id, side.role.value, now):
                t = await tick.t(side.user_id)
                text = t(
                    "reflect.ask.happened",
                    when=mt.when(t, m, programme.timezone),
                    kind=Html(t(f"meet.kind.{m.kind.value}")),
                    other=other_name(t, m, pair, side),
                )
                await notify(
                    uow,
                    now,
                    side.user_id,
                    text,
                    mt.happened_keyboard(t, m.id, m.pair_id if side.role is Role.MENTEE else None),
                    key=f"checkin:{m.id}:{side.participant_id}",
                )
                counts["checkins"] += 1


def _nudge_key(pair: PairSides, bucket: int, side: Side) -> str:
    """A silent group's mentor is nudged once for the group, not once per member."""
    if pair.group_id is not None and side.role is Role.MENTOR:
        return f"nudge:g{pair.group_id}:{bucket}:{side.participant_id}"
    return f"nudge:{pair.pair_id}:{bucket}:{side.participant_id}"


def _nudged_with(t: L10n, pair: PairSides, side: Side) -> str:
    return (
        t("groups.other") if pair.group_id is not None and side.role is Role.MENTOR else pair.other(side).name
    )


async def _nudges(uow: Unit, tick: _Tick, now: datetime) -> int:
    """A nudge to both sides of each pair with no meeting for N days, once per N days."""
    silent = await uow.meetings.silent_pairs(now - timedelta(days=rules.DEFAULT_NUDGE_DAYS))
    sides = await uow.pairs.sides([pair_id for pair_id, _ in silent])
    todo: list[tuple[PairSides, datetime, int]] = []
    for pair_id, last in silent:
        bucket = rules.nudge_bucket(last, now, rules.DEFAULT_NUDGE_DAYS)
        if bucket is not None and pair_id in sides:
            todo.append((sides[pair_id], last, bucket))
    done = await uow.outbox.existing([_nudge_key(p, b, s) for p, _, b in todo for s in (p.mentor, p.mentee)])
    paused = _paused_pairs([p for p, _, _ in todo], tick.paused)
    sent = 0
    for pair, last, bucket in todo:
        if pair.pair_id in paused:
            continue
        keys = {s: _nudge_key(pair, bucket, s) for s in (pair.mentor, pair.mentee)}
        if all(k in done for k in keys.values()):
            continue
        programme = await tick.programme(pair.programme_id)
        if programme is None:
            continue
        today = rules.to_local(now, programme.timezone).date()
        if rules.in_break(today, await tick.breaks(programme.id)):
            continue
        for side, k in keys.items():
            t = await tick.t(side.user_id)
            if await notify(
                uow,
                now,
                side.user_id,
                t("meet.nudge", other=_nudged_with(t, pair, side), days=(now - last).days),
                key=k,
            ):
                sent += 1
    return sent


async def digest_tick(db: Database, i18n: Translator, clock: Clock) -> int:
    """Each programme's weekly digest into its curators' group, once a week at the set
    weekday and hour (the organisation's local time), in the installation's language."""
    now = clock.now()
    sent = 0
    async with db.unit() as uow:
        for programme, key in await digests.due(uow, now):
            if programme.curator_chat_id is None:
                continue
            digest = await digests.build(uow, programme, now)
            curators = await digests.note_chat_members(uow, programme, None)
            group = digest_views.Audience(programme.chat_members, curators)
            parts = await digest_views.full(i18n.get(i18n.default), digest, group)
            await digest_views.enqueue(uow, now, programme.curator_chat_id, key, parts)
            sent += 1
    return sent


async def surveys_tick(db: Database, i18n: Translator, clock: Clock) -> int:
    """One reminder to whoever has not finished a questionnaire two days after it came."""
    now = clock.now()
    async with db.unit() as uow:
        due = await surveys.to_remind(uow, now)
        for asked in due:
            t = await strings_for(uow, i18n, asked.user_id)
            kb = InlineKeyboardBuilder()
            kb.button(text=t("survey.btn.continue"), callback_data=SurveyCb(r=asked.response_id, i=0, v="go"))
            await notify(
                uow,
                now,
                asked.user_id,
                t("survey.reminder", kind=Html(t(f"survey.kind.{asked.kind}"))),
                kb.as_markup(),
                key=f"surveyremind:{asked.response_id}",
            )
    return len(due)


async def pulses_tick(db: Database, i18n: Translator, clock: Clock) -> int:
    """The interim questionnaire on the programme's set days (30 and 60 unless the
    curator changed them): sent once per programme and day, however many processes tick;
    the curators hear that it went."""
    from handlers import surveys as survey_views

    now = clock.now()
    sent = 0
    async with db.unit() as uow:
        for programme, day in await surveys.pulses_due(uow, now):
            launched = await surveys.send_pulse(uow, programme, day, now, survey_views.bank_texts(i18n))
            if launched is None:
                continue
            await survey_views.invite(uow, now, i18n, launched)
            for curator in await uow.organisations.curators(programme.organisation_id):
                ct = i18n.get(curator.locale)
                text = ct(
                    "monitor.pulse_sent",
                    day=day,
                    title=programme.title,
                    people=Html(ct("n.people", count=len(launched.asked))),
                )
                await notify(uow, now, curator.id, text, key=f"pulse:{programme.id}:{day}:c{curator.id}")
            sent += 1
    return sent


async def housekeeping_tick(db: Database, i18n: Translator, clock: Clock, retention_months: int = 12) -> int:
    """Forget the marks of handled updates after two days (Telegram keeps an unconfirmed
    update for 24 hours), delivered outbox rows after a month, MAX message ids after 60 days
    (buttons older than that are answered as stale), and the personal data of programmes
    archived longer than the retention period."""
    now = clock.now()
    async with db.unit() as uow:
        done = await uow.updates.forget_before(now - timedelta(days=2))
        done += await uow.outbox.prune(now - OUTBOX_KEPT)
        before = now - timedelta(days=round(retention_months * 365.25 / 12))
        placeholder = i18n.get(i18n.default)("forget.placeholder")
        done += len(await uow.erasure.anonymise_archived(before, placeholder, now))
        done += await uow.base.drop_stale(stale_before(now))  # the mentor base: docs/privacy.md
    return done + await MessageRefs(db.sessions).forget_before(now - MESSAGE_REFS_KEPT)
