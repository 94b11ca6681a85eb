"""Mentoring groups (stage 5, «пары или группы»): one mentor with up to N mentees.

A group is a view over its pairs: every member keeps a mentor–mentee pair row (acceptance,
check-ins, reports, /forget_me work per member), and the rows share a group id. Here:
how big a group may be, gathering a draft's matched pairs into groups within that size
(no mentee twice), and placing further compatible mentees into groups with free places
fairly (priority first, the emptiest group first). The hard rules of the forms stay in
``matching`` and are only asked here, never restated."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain import matching as mt
from bot.domain.errors import InvalidInput

SIZE_MIN, SIZE_MAX = 2, 30  # a group size the curator may set on a programme


class GroupStatus(StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    ACTIVE = "active"
    ENDED = "ended"


def limit(capacity: int, group_size: int | None) -> int:
    """How many mentees a mentor's group holds: the programme's group size when the curator
    set one, otherwise the mentor's own capacity."""
    return max(0, group_size if group_size is not None else capacity)


def parse_size(text: str | None) -> int | None:
    """A group size as the curator types it; «0» or «-» clears it (each mentor's capacity)."""
    value = (text or "").strip()
    if value in ("0", "-", "—"):
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 3 or not SIZE_MIN <= int(value) <= SIZE_MAX:
        raise InvalidInput("groups.size_invalid", low=SIZE_MIN, high=SIZE_MAX)
    return int(value)


@dataclass(frozen=True)
class Room:
    """A mentor's group as it stands before this draft: its id (None: none yet) and how many
    mentees it already holds (members and drafts); ``size`` is the group's limit."""

    mentor: int
    size: int
    group_id: int | None = None
    members: int = 0

    @property
    def free(self) -> int:
        return max(0, self.size - self.members)


@dataclass
class Formed:
    """One mentor's group in the draft: the existing group to join (or None for a new one)
    and the matched pairs that go into it, best first."""

    mentor: int
    group_id: int | None
    pairs: list[mt.Pair] = field(default_factory=list)


@dataclass
class Grouping:
    groups: list[Formed]
    left: list[mt.Pair]  # matched pairs that did not fit (the group is full): stay unmatched


def gather(pairs: Iterable[mt.Pair], rooms: dict[int, Room]) -> Grouping:
    """A matching's pairs gathered into one group per mentor, within each group's free
    places (best scores first); a mentee appears once, whatever the input says."""
    by_mentor: dict[int, list[mt.Pair]] = {}
    seen: set[int] = set()
    for pair in sorted(pairs, key=lambda p: (-p.score, p.mentee)):
        if pair.mentee in seen:
            continue
        seen.add(pair.mentee)
        by_mentor.setdefault(pair.mentor, []).append(pair)
    out = Grouping([], [])
    for mentor, mine in sorted(by_mentor.items()):
        room = rooms.get(mentor, Room(mentor, 0))
        out.groups.append(Formed(mentor, room.group_id, mine[: room.free]))
        out.left += mine[room.free :]
    out.groups = [g for g in out.groups if g.pairs]
    return out


def place(
    mentees: Sequence[mt.Person],
    mentors: Sequence[mt.Person],
    rooms: dict[int, Room],
    rules: mt.Rules,
    weights: mt.Weights | None = None,
) -> list[mt.Pair]:
    """Further mentees into groups with free places: those left unmatched before go first,
    then in the order given; each into the compatible group with the most free places
    (so groups fill evenly rather than one to the brim), then the better score, then the
    lower mentor id. Never two places for one mentee, never over a group's size."""
    weights = weights or mt.Weights()
    free = {m: r.free for m, r in rooms.items()}
    by_id = {m.id: m for m in mentors}
    placed: list[mt.Pair] = []
    taken: set[int] = set()
    for mentee in sorted(mentees, key=lambda e: not e.priority):  # stable: keeps the given order
        if mentee.id in taken:
            continue
        best: tuple[int, float, int] | None = None
        for mentor_id, left in free.items():
            mentor = by_id.get(mentor_id)
            if mentor is None or left <= 0:
                continue
            value = mt.score(mentor, mentee, rules, weights)
            if value is None:
                continue
            key = (left, value, -mentor_id)
            if best is None or key > best:
                best = key
        if best is None:
            continue
        mentor = by_id[-best[2]]
        form = mt.allowed(mentor, mentee, rules)
        assert form is not None
        placed.append(mt.Pair(mentor.id, mentee.id, best[1], form, mt.explain(mentor, mentee)))
        free[mentor.id] -= 1
        taken.add(mentee.id)
    return placed


def mentor_meeting(meeting_id: int, group_meeting: int | None) -> int:
    """The meeting the mentor is reminded of and asked about: a group meeting is one
    appointment for the mentor (its key, the first row's id), however many members."""
    return group_meeting if group_meeting is not None else meeting_id


@dataclass(frozen=True)
class Group:
    id: int
    programme_id: int
    mentor_id: int  # participant id
    number: int  # «Группа 3» within the programme
    status: GroupStatus


OPEN_GROUPS = (GroupStatus.DRAFT, GroupStatus.PROPOSED, GroupStatus.ACTIVE)


GROUP_ITEM = "group"  # the questionnaire's «полезность групповых встреч»


def asks(item_code: str | None, in_group: bool) -> bool:
    """A questionnaire item for this person: the one about group meetings only for those
    who were in a mentoring group (its mentor or a member); every other item for all."""
    return item_code != GROUP_ITEM or in_group
