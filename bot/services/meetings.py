"""Meetings and reflections of working pairs. Plain data in, plain data out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain import meetings as rules
from bot.domain.catalog import Role
from bot.domain.errors import AlreadyDecided, InvalidInput, NotAllowed, NotFound
from bot.domain.meetings import Kind, Meeting, MeetingStatus
from bot.domain.models import Participant, Programme
from bot.domain.pairs import Pair, PairStatus
from storage.meetings import Reflection
from storage.unit import Unit

TEXT_MAX = 300


@dataclass(frozen=True)
class PairContext:
    pair: Pair
    programme: Programme
    side: Role

    @property
    def me(self) -> Participant:
        return self.pair.mentor if self.side is Role.MENTOR else self.pair.mentee

    @property
    def other(self) -> Participant:
        return self.pair.other(self.side)


async def my_pairs(uow: Unit, user_id: int) -> list[PairContext]:
    out = []
    for part in await uow.participants.participations(user_id):
        for pair in await uow.pairs.in_programme(part.programme_id, (PairStatus.ACTIVE,)):
            side = pair.side_of(user_id)
            programme = await uow.programmes.get(pair.programme_id)
            if side is not None and programme is not None and part.id in (pair.mentor.id, pair.mentee.id):
                out.append(PairContext(pair, programme, side))
    return out


async def pair_context(uow: Unit, user_id: int, pair_id: int) -> PairContext:
    pair = await uow.pairs.get(pair_id)
    if pair is None or pair.status is not PairStatus.ACTIVE:
        raise NotFound()
    side = pair.side_of(user_id)
    programme = await uow.programmes.get(pair.programme_id)
    if side is None or programme is None:
        raise NotAllowed()
    return PairContext(pair, programme, side)


async def meeting_context(uow: Unit, user_id: int, meeting_id: int) -> tuple[Meeting, PairContext]:
    meeting = await uow.meetings.get(meeting_id)
    if meeting is None:
        raise NotFound()
    return meeting, await pair_context(uow, user_id, meeting.pair_id)


async def suggested_kind(uow: Unit, ctx: PairContext, now: datetime) -> Kind:
    held = [m for m in await uow.meetings.of_pair(ctx.pair.id) if m.status is MeetingStatus.CONFIRMED]
    today = rules.to_local(now, ctx.programme.timezone).date()
    return rules.next_kind(len(held), today, ctx.programme.end)


def clean_text(text: str | None) -> str:
    value = " ".join((text or "").split())
    if not value:
        raise InvalidInput("meet.text.empty")
    if len(value) > TEXT_MAX:
        raise InvalidInput("meet.text.too_long", max=TEXT_MAX)
    return value


async def check_can_propose(uow: Unit, ctx: PairContext, now: datetime) -> None:
    """A pair holds at most a few proposals waiting for an answer (see rules.OPEN_PROPOSALS_MAX)."""
    rules.check_open_proposals(await uow.meetings.open_proposals(ctx.pair.id, now))


async def propose(
    uow: Unit,
    user_id: int,
    pair_id: int,
    when_local: datetime,
    kind: Kind,
    online: bool,
    place: str | None,
    now: datetime,
    replaces: int | None = None,
) -> tuple[Meeting, PairContext]:
    ctx = await pair_context(uow, user_id, pair_id)
    rules.check_when(when_local, rules.to_local(now, ctx.programme.timezone))
    if replaces is not None:
        old, _ = await meeting_context(uow, user_id, replaces)
        if old.pair_id != pair_id or old.status is MeetingStatus.CANCELLED:
            raise AlreadyDecided()
        await uow.meetings.update(old.id, status=MeetingStatus.CANCELLED, reason="another time")
        await uow.outbox.drop_pending(f"meet:{old.id}:")
    await check_can_propose(uow, ctx, now)
    meeting = await uow.meetings.create(
        pair_id,
        kind,
        rules.to_utc(when_local, ctx.programme.timezone),
        online,
        place,
        MeetingStatus.PROPOSED,
        user_id,
        now,
    )
    return meeting, ctx


async def confirm(uow: Unit, user_id: int, meeting_id: int) -> tuple[Meeting, PairContext]:
    meeting, ctx = await meeting_context(uow, user_id, meeting_id)
    if meeting.status is not MeetingStatus.PROPOSED:
        raise AlreadyDecided()
    if meeting.proposed_by == user_id:
        raise NotAllowed()  # the other side confirms
    await uow.meetings.update(meeting.id, status=MeetingStatus.CONFIRMED)
    updated = await uow.meetings.get(meeting.id)
    assert updated is not None
    return updated, ctx


async def reschedule(
    uow: Unit, user_id: int, meeting_id: int, when_local: datetime, reason: str, now: datetime
) -> tuple[Meeting, PairContext]:
    meeting, ctx = await meeting_context(uow, user_id, meeting_id)
    if meeting.status is MeetingStatus.CANCELLED:
        raise AlreadyDecided()
    if meeting.group_meeting is not None:
        raise NotAllowed()  # a group meeting's time is set by the mentor for everyone
    rules.check_when(when_local, rules.to_local(now, ctx.programme.timezone))
    await uow.meetings.update(
        meeting.id, starts_at=rules.to_utc(when_local, ctx.programme.timezone), reason=clean_text(reason)
    )
    await uow.outbox.drop_pending(f"meet:{meeting.id}:")  # reminders follow the new time
    updated = await uow.meetings.get(meeting.id)
    assert updated is not None
    return updated, ctx


async def cancel(uow: Unit, user_id: int, meeting_id: int, reason: str) -> tuple[Meeting, PairContext]:
    meeting, ctx = await meeting_context(uow, user_id, meeting_id)
    if meeting.status is MeetingStatus.CANCELLED:
        raise AlreadyDecided()
    await uow.meetings.update(meeting.id, status=MeetingStatus.CANCELLED, reason=clean_text(reason))
    await uow.outbox.drop_pending(f"meet:{meeting.id}:")
    return meeting, ctx


async def repeat_weekly(uow: Unit, user_id: int, meeting_id: int, now: datetime) -> list[Meeting]:
    """A regular cadence agreed by the pair: the same weekday and time until the programme ends."""
    meeting, ctx = await meeting_context(uow, user_id, meeting_id)
    if meeting.status is not MeetingStatus.CONFIRMED or meeting.group_meeting is not None:
        raise NotAllowed()
    tz = ctx.programme.timezone
    existing = {
        m.starts_at
        for m in await uow.meetings.of_pair(ctx.pair.id)
        if m.status is not MeetingStatus.CANCELLED
    }
    created = []
    for when in rules.weekly(rules.to_local(meeting.starts_at, tz), ctx.programme.end)[1:]:
        utc = rules.to_utc(when, tz)
        if utc not in existing:
            created.append(
                await uow.meetings.create(
                    ctx.pair.id,
                    Kind.REGULAR,
                    utc,
                    meeting.online,
                    meeting.place,
                    MeetingStatus.CONFIRMED,
                    user_id,
                    now,
                )
            )
    return created


# --- reflection ---------------------------------------------------------------------------------
FIELDS = ("happened", "usefulness", "second", "done_text", "next_text")


async def my_reflection(uow: Unit, user_id: int, meeting_id: int) -> tuple[Reflection, Meeting, PairContext]:
    meeting = await uow.meetings.get(meeting_id)
    if meeting is None:
        raise NotFound()
    pair = await uow.pairs.get(meeting.pair_id)
    if pair is None:
        raise NotFound()
    side = pair.side_of(user_id)
    programme = await uow.programmes.get(pair.programme_id)
    if side is None or programme is None:
        raise NotAllowed()
    me = pair.mentor if side is Role.MENTOR else pair.mentee
    reflection = await uow.meetings.reflection(meeting.id, me.id)
    if reflection is None:
        raise NotFound()
    return reflection, meeting, PairContext(pair, programme, side)


def next_question(r: Reflection) -> str | None:
    """What to ask next, or None when this side's reflection is complete."""
    if r.happened is None:
        return "happened"
    if r.happened != "yes":
        return None
    for name in ("usefulness", "second", "done_text", "next_text"):
        if getattr(r, name) is None:
            return name
    return None


async def reflect(
    uow: Unit, user_id: int, meeting_id: int, name: str, value: str | int, now: datetime
) -> tuple[str | None, str | None, PairContext]:
    """Record one answer. Returns (next question, disagreement to report, context)."""
    r, meeting, ctx = await my_reflection(uow, user_id, meeting_id)
    if r.answered_at is not None or next_question(r) != name:
        raise AlreadyDecided()
    if name == "happened" and value not in ("yes", "no", "moved"):
        raise InvalidInput("error.stale")
    if name in ("usefulness", "second") and not (isinstance(value, int) and 1 <= value <= 10):
        raise InvalidInput("error.stale")
    if name in ("done_text", "next_text") and isinstance(value, str) and value:
        value = clean_text(value)
    await uow.meetings.answer(r.id, **{name: value})
    updated = await uow.meetings.reflection(meeting.id, r.participant_id)
    assert updated is not None
    following = next_question(updated)
    disagreement = None
    if following is None:
        await uow.meetings.answer(r.id, answered_at=now)
        disagreement = await _check_disagreement(uow, meeting)
    return following, disagreement, ctx


async def _check_disagreement(uow: Unit, meeting: Meeting) -> str | None:
    both = [x for x in await uow.meetings.reflections(meeting.id) if x.answered_at is not None]
    if len(both) < 2 or meeting.disagreement:
        return None
    a, b = both[0], both[1]
    found = rules.disagreement(a.happened, b.happened, a.usefulness, b.usefulness)
    if found:
        await uow.meetings.update(meeting.id, disagreement=found)
    return found
