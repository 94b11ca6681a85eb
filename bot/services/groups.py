"""Mentoring groups: the matching's post-step (a mentor's matched mentees into one group,
further compatible mentees into groups with free places), the curator's group card and
confirmation, the mentor's one answer for the group, group meetings, leaving and moving.
A group is a view over its members' pairs; returns plain data, handlers tell people."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain import groups as rules
from bot.domain import matching as mt
from bot.domain import meetings as meeting_rules
from bot.domain import pairs as pair_rules
from bot.domain.catalog import Role, Status
from bot.domain.errors import AlreadyDecided, InvalidInput, NotAllowed, NotFound
from bot.domain.groups import Group, GroupStatus
from bot.domain.meetings import Kind, Meeting, MeetingStatus
from bot.domain.models import Participant, Programme
from bot.domain.pairs import OPEN, Pair, PairStatus
from bot.services.curation import require_programme
from storage.unit import Unit

if TYPE_CHECKING:
    from bot.services.pairs import Pool


@dataclass(frozen=True)
class GroupView:
    """A group with its mentor and its members' pairs (open ones unless asked otherwise)."""

    group: Group
    mentor: Participant
    pairs: list[Pair]
    programme: Programme

    @property
    def active(self) -> list[Pair]:
        return [p for p in self.pairs if p.status is PairStatus.ACTIVE]


# --- forming --------------------------------------------------------------------------------------
async def form(uow: Unit, p: Pool, now: datetime) -> None:
    """After the matching drafted pairs in a group programme: one group per mentor (the
    mentor's open group, when there is one), within the group's size; then mentees still
    free go into groups with free places, fairly (see ``rules.place``)."""
    await uow.groups.delete_empty_drafts(p.programme.id)
    drafts = await uow.pairs.in_programme(p.programme.id, (PairStatus.DRAFT,))
    rooms: dict[int, rules.Room] = {}
    for m in p.mentors:
        existing = await uow.groups.of_mentor(m.id, (GroupStatus.PROPOSED, GroupStatus.ACTIVE))
        assert m.profile is not None
        size = rules.limit(m.profile.capacity, p.programme.group_size)
        rooms[m.id] = rules.Room(m.id, size, existing.id if existing else None, p.load.get(m.id, 0))
    as_matched = [_matched(d) for d in drafts if d.group_id is None and d.form is not None]
    grouping = rules.gather(as_matched, rooms)
    for extra in grouping.left:  # over the group's size: back among the unmatched
        await uow.pairs.delete(next(d.id for d in drafts if d.mentee.id == extra.mentee))
    taken = {pair.mentee for g in grouping.groups for pair in g.pairs}
    after = {
        m: rules.Room(
            m, r.size, r.group_id, r.members + sum(len(g.pairs) for g in grouping.groups if g.mentor == m)
        )
        for m, r in rooms.items()
    }
    by_hand = {d.mentee.id for d in drafts if d.group_id is not None}
    left = [p.person(e) for e in p.free_mentees if e.id not in taken and e.id not in by_hand]
    mentors = [p.person(m) for m in p.mentors]
    for pair in rules.place(left, mentors, after, p.rules, p.weights):
        await uow.pairs.create(
            p.programme.id, pair.mentor, pair.mentee, PairStatus.DRAFT, pair.score, pair.form, pair.reasons,
            False, now,
        )  # fmt: skip
    for d in await uow.pairs.in_programme(p.programme.id, (PairStatus.DRAFT,)):
        if d.group_id is None:
            await attach(uow, p.programme.id, d.mentor.id, d.id, now)


def _matched(d: Pair) -> mt.Pair:
    assert d.form is not None
    return mt.Pair(
        d.mentor.id, d.mentee.id, d.score or 0.0, d.form, d.reasons or mt.Reasons((), (), 0, False)
    )


async def attach(
    uow: Unit,
    programme_id: int,
    mentor_id: int,
    pair_id: int,
    now: datetime,
    status: GroupStatus = GroupStatus.DRAFT,
) -> int:
    """The pair joins its mentor's open group (a new one, in ``status``, when there is none)."""
    group = await uow.groups.of_mentor(mentor_id, rules.OPEN_GROUPS)
    if group is None or group.programme_id != programme_id:
        group = await uow.groups.create(programme_id, mentor_id, status, now)
    await uow.pairs.update(pair_id, group_id=group.id)
    return group.id


async def proposed(uow: Unit, group_ids: Iterable[int | None]) -> None:
    """Published: the draft groups among these become proposals."""
    for gid in {g for g in group_ids if g is not None}:
        group = await uow.groups.get(gid)
        if group is not None and group.status is GroupStatus.DRAFT:
            await uow.groups.set_status(gid, GroupStatus.PROPOSED)


# --- reading --------------------------------------------------------------------------------------
async def view(uow: Unit, group_id: int, statuses: tuple[PairStatus, ...] | None = None) -> GroupView:
    group = await uow.groups.get(group_id)
    if group is None:
        raise NotFound()
    mentor = await uow.participants.get(group.mentor_id)
    programme = await uow.programmes.get(group.programme_id)
    if mentor is None or programme is None:
        raise NotFound()
    pairs = await uow.pairs.of_group(group.id, statuses or (PairStatus.DRAFT, *OPEN))
    return GroupView(group, mentor, pairs, programme)


async def curated(uow: Unit, curator_id: int, group_id: int, *, write: bool = False) -> GroupView:
    v = await view(uow, group_id)
    await require_programme(uow, curator_id, v.group.programme_id, write=write)
    return v


async def of_programme(uow: Unit, curator_id: int, programme_id: int) -> list[GroupView]:
    """The programme's groups in the draft, proposed or working, by number."""
    await require_programme(uow, curator_id, programme_id)
    out = []
    for g in await uow.groups.in_programme(programme_id, rules.OPEN_GROUPS):
        v = await view(uow, g.id)
        if v.pairs:
            out.append(v)
    return out


async def led_by(uow: Unit, user_id: int) -> list[GroupView]:
    """The groups this person leads as a mentor that have working members."""
    out = []
    for part in await uow.participants.participations(user_id):
        if part.role is not Role.MENTOR:
            continue
        group = await uow.groups.of_mentor(part.id, (GroupStatus.ACTIVE,))
        if group is not None:
            v = await view(uow, group.id, (PairStatus.ACTIVE,))
            if v.pairs:
                out.append(v)
    return out


async def mentor_view(uow: Unit, user_id: int, group_id: int) -> GroupView:
    v = await view(uow, group_id)
    if v.mentor.user_id != user_id:
        raise NotAllowed()
    return v


# --- confirming and answering ---------------------------------------------------------------------
async def confirm(uow: Unit, curator_id: int, group_id: int, now: datetime) -> GroupView:
    """The curator confirms one draft group: its members' drafts become proposals."""
    v = await curated(uow, curator_id, group_id, write=True)
    drafts = [p for p in v.pairs if p.status is PairStatus.DRAFT]
    if not drafts:
        raise AlreadyDecided()
    expires = pair_rules.expiry(now, v.programme.proposal_ttl_hours)
    for pair in drafts:
        await uow.pairs.update(pair.id, status=PairStatus.PROPOSED, proposed_at=now, expires_at=expires)
    await uow.participants.set_priority([p.mentee.id for p in drafts], False)
    await proposed(uow, [group_id])
    await uow.audit.record(
        v.programme.organisation_id,
        curator_id,
        "group.confirmed",
        now,
        target=str(group_id),
        pairs=len(drafts),
    )
    return await view(uow, group_id)


async def mentor_answer(
    uow: Unit, user_id: int, group_id: int, accept: bool, now: datetime
) -> tuple[GroupView, list[Pair]]:
    """The mentor answers for the whole group at once: every member's proposal gets the
    mentor's answer. Returns the group and the pairs that started working now."""
    from bot.services import pairs as pair_service  # the pairs service imports this module

    v = await mentor_view(uow, user_id, group_id)
    waiting = [p for p in v.pairs if p.status is PairStatus.PROPOSED and p.mentor_answer is None]
    if not waiting:
        raise AlreadyDecided()
    started = []
    for pair in waiting:
        answer = await pair_service.respond(uow, user_id, pair.id, accept, now)
        if answer.outcome is pair_rules.Outcome.ACTIVE:
            started.append(answer.pair)
    await settle(uow, group_id)
    return await view(uow, group_id, (PairStatus.DRAFT, *OPEN, PairStatus.DECLINED)), started


async def settle(uow: Unit, group_id: int) -> GroupStatus | None:
    """The group's status follows its members: working while one works, ended when none is
    open; returns the new status when it changed."""
    group = await uow.groups.get(group_id)
    if group is None or group.status is GroupStatus.DRAFT:
        return None
    pairs = await uow.pairs.of_group(group_id, OPEN)
    status = (
        GroupStatus.ACTIVE
        if any(p.status is PairStatus.ACTIVE for p in pairs)
        else GroupStatus.PROPOSED
        if pairs
        else GroupStatus.ENDED
    )
    if status is group.status:
        return None
    await uow.groups.set_status(group_id, status)
    return status


# --- leaving and moving ---------------------------------------------------------------------------
async def leave(uow: Unit, user_id: int, pair_id: int, now: datetime) -> tuple[Pair, GroupView]:
    """A member leaves the group; the group goes on with the others."""
    pair = await uow.pairs.get(pair_id)
    if pair is None or pair.group_id is None or pair.status not in OPEN:
        raise NotFound()
    if pair.mentee.user_id != user_id:
        raise NotAllowed()
    await _end_member(uow, pair, "left the group", now)
    return pair, await view(uow, pair.group_id)


async def move(uow: Unit, curator_id: int, pair_id: int, to_group: int, now: datetime) -> tuple[Pair, Pair]:
    """The curator moves a member to another group of the programme: the old pair ends, a
    new one starts with the other group's mentor (the curator's decision: no new answers)."""
    pair = await uow.pairs.get(pair_id)
    if pair is None or pair.group_id is None or pair.status not in OPEN:
        raise NotFound()
    target = await curated(uow, curator_id, to_group, write=True)
    if target.group.id == pair.group_id or target.group.programme_id != pair.programme_id:
        raise NotAllowed()
    if target.group.status not in (GroupStatus.PROPOSED, GroupStatus.ACTIVE):
        raise AlreadyDecided()
    await _end_member(uow, pair, "moved", now)
    mentor = target.mentor
    new_id = await uow.pairs.create(
        pair.programme_id, mentor.id, pair.mentee.id, PairStatus.ACTIVE, None, pair.form, None, True, now
    )
    await uow.pairs.update(
        new_id, group_id=target.group.id, started_at=now, mentor_answer="accepted", mentee_answer="accepted"
    )
    await settle(uow, target.group.id)
    await uow.audit.record(
        target.programme.organisation_id, curator_id, "group.moved", now, target=str(new_id)
    )
    new = await uow.pairs.get(new_id)
    assert new is not None
    return pair, new


async def _end_member(uow: Unit, pair: Pair, reason: str, now: datetime) -> None:
    await uow.pairs.update(pair.id, status=PairStatus.ENDED, ended_at=now, end_reason=reason)
    for m in await uow.meetings.of_pair(pair.id):
        if m.starts_at > now and m.status is not MeetingStatus.CANCELLED:
            await uow.meetings.update(m.id, status=MeetingStatus.CANCELLED, reason=reason)
            await uow.outbox.drop_pending(f"meet:{m.id}:")
    if pair.group_id is not None:
        await settle(uow, pair.group_id)


async def mentor_left(uow: Unit, pair_ids: Iterable[int]) -> list[GroupView]:
    """Groups whose mentor left (/forget_me ended the mentor's pairs): each is ended, so the
    curator can place its members; returns them with the members who were working."""
    out = []
    seen: set[int] = set()
    pair_ids = list(pair_ids)
    for pid in pair_ids:
        pair = await uow.pairs.get(pid)
        if pair is None or pair.group_id is None or pair.group_id in seen:
            continue
        seen.add(pair.group_id)
        group = await uow.groups.get(pair.group_id)
        if group is None:
            continue
        if pair.mentor.status is not Status.LEFT:
            await settle(uow, group.id)  # a member left: the group goes on
            continue
        v = await view(uow, group.id, (PairStatus.ENDED,))
        v = GroupView(v.group, v.mentor, [p for p in v.pairs if p.id in pair_ids], v.programme)
        await uow.groups.set_status(group.id, GroupStatus.ENDED)
        await uow.participants.set_priority([p.mentee.id for p in v.pairs], True)
        out.append(v)
    return out


# --- group meetings -------------------------------------------------------------------------------
async def schedule(
    uow: Unit,
    user_id: int,
    group_id: int,
    when_local: datetime,
    kind: Kind,
    online: bool,
    place: str | None,
    now: datetime,
) -> tuple[list[Meeting], GroupView]:
    """The mentor sets one time for the whole group: a confirmed meeting row per working
    member (so reminders and check-ins go per member), all sharing the first row's id."""
    v = await mentor_view(uow, user_id, group_id)
    if not v.active:
        raise InvalidInput("groups.no_members")
    meeting_rules.check_when(when_local, meeting_rules.to_local(now, v.programme.timezone))
    starts = meeting_rules.to_utc(when_local, v.programme.timezone)
    made: list[Meeting] = []
    for pair in v.active:
        m = await uow.meetings.create(
            pair.id, kind, starts, online, place, MeetingStatus.CONFIRMED, user_id, now,
            made[0].id if made else None,
        )  # fmt: skip
        if not made:
            await uow.meetings.update(m.id, group_meeting=m.id)
            m = await uow.meetings.get(m.id) or m
        made.append(m)
    return made, v


async def cancel_meeting(
    uow: Unit, user_id: int, group_meeting: int, reason: str
) -> tuple[list[Meeting], GroupView]:
    """The mentor cancels a group meeting for everyone."""
    lead = await uow.meetings.get(group_meeting)
    if lead is None or lead.group_meeting != group_meeting:
        raise NotFound()
    pair = await uow.pairs.get(lead.pair_id)
    if pair is None or pair.group_id is None:
        raise NotFound()
    v = await mentor_view(uow, user_id, pair.group_id)
    rows = [
        m
        for m in await uow.meetings.of_group_meeting(group_meeting)
        if m.status is not MeetingStatus.CANCELLED
    ]
    if not rows:
        raise AlreadyDecided()
    text = " ".join(reason.split())[:300] or None
    for m in rows:
        await uow.meetings.update(m.id, status=MeetingStatus.CANCELLED, reason=text)
        await uow.outbox.drop_pending(f"meet:{m.id}:")
    return rows, v
