"""The weekly digest's rules: which pairs need a human and why, and the week's figures.
Plain data in, plain data out; storage fills a Snapshot, the handlers render the result."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from statistics import fmean

NO_MEETING_DAYS = 14
MISSING_REFLECTIONS = 2
LOW_USEFULNESS = 4  # of 10, this or less
GOOD_USEFULNESS = 7  # "share ≥ 7"
FALLING_DROP = 2  # three meetings in a row, each worse, at least this much in all
RECENT_DAYS = 7  # a declined or expired proposal (or a side that left) is news for a week
LEFT_REASON = "left"  # a pair's end reason when a side asked to be forgotten
CHECKIN_GRACE = timedelta(days=1)  # an unanswered check-in counts as missing after this
COVERAGE_TARGET = 0.70  # the national target: 70% of pupils covered by mentoring
PUPIL_KINDS = frozenset({"pupil", "college"})
CADENCE_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 30}


class Risk(StrEnum):
    UNREACHABLE = "unreachable"
    NO_MEETING = "no_meeting"
    MISSING = "missing_reflections"
    LOW = "low_usefulness"
    FALLING = "falling"
    DISAGREE = "disagree"
    EXPIRED = "expired"
    DECLINED = "declined"
    LEFT = "left"  # a side asked to be forgotten: the pair ended
    OVER_CAPACITY = "over_capacity"


SEVERITY = {risk: i for i, risk in enumerate(Risk)}  # the order above: most urgent first


@dataclass(frozen=True)
class SnapPerson:
    id: int
    role: str  # mentor | mentee
    name: str
    joined_at: datetime
    kind: str | None = None
    capacity: int = 1
    unreachable: bool = False
    left: bool = False  # erased at their request: shown on their ended pair, never counted
    needs_support: bool = False  # a mentee marked «нужна поддержка» by a curator
    paused_until: date | None = None  # on their own pause until this day (exclusive)


@dataclass(frozen=True)
class SnapPair:
    id: int
    mentor_id: int
    mentee_id: int
    status: str  # proposed | active | declined | expired | ended
    form: str | None
    created_at: datetime
    started_at: datetime | None = None
    ended_at: datetime | None = None
    end_reason: str | None = None
    group_id: int | None = None  # a member's pair in a mentoring group


@dataclass(frozen=True)
class SnapMeeting:
    id: int
    pair_id: int
    starts_at: datetime  # UTC
    status: str  # proposed | confirmed | cancelled
    disagreement: str | None = None
    group_meeting: int | None = None  # a group meeting's key: one row per member


def unit_of_pair(p: SnapPair) -> tuple[str, int]:
    """What works as one unit: a pair, or a mentoring group (all its members' pairs)."""
    return ("group", p.group_id) if p.group_id is not None else ("pair", p.id)


def unit_of_meeting(m: SnapMeeting) -> tuple[str, int]:
    """A group meeting is one meeting, however many members' rows it has."""
    return ("group", m.group_meeting) if m.group_meeting is not None else ("meeting", m.id)


@dataclass(frozen=True)
class SnapReflection:
    meeting_id: int
    role: str
    happened: str | None  # yes | no | moved | None (not answered)
    usefulness: int | None
    asked_at: datetime
    answered_at: datetime | None


@dataclass
class Snapshot:
    """Everything one programme's digest needs, read in one go."""

    start: date
    cadence: str
    people: list[SnapPerson] = field(default_factory=list)
    pairs: list[SnapPair] = field(default_factory=list)
    meetings: list[SnapMeeting] = field(default_factory=list)
    reflections: list[SnapReflection] = field(default_factory=list)
    breaks: list[tuple[date, date]] = field(default_factory=list)
    pupils_total: int | None = None
    covered_in_org: int | None = None  # pupils in active pairs across the organisation


@dataclass(frozen=True)
class Attention:
    pair: SnapPair
    mentor: SnapPerson
    mentee: SnapPerson
    risks: tuple[Risk, ...]
    days_silent: int | None = None


@dataclass(frozen=True)
class Figures:
    mentors: int
    mentees: int
    active_pairs: int
    pairs_by_form: dict[str, int]
    held: int
    scheduled: int
    expected: int  # by the programme's cadence
    asked: dict[str, int]
    answered: dict[str, int]
    usefulness_mean: float | None
    usefulness_good: float | None  # share of ratings ≥ 7
    ratings: int
    covered: int
    pupils_total: int | None
    groups: int = 0  # mentoring groups working (their members are in ``active_pairs``)
    paused: int = 0  # participants on their own pause (as of the week's end)
    paused_until: date | None = None  # the last of them is back on this day

    def response_rate(self, role: str) -> float | None:
        asked = self.asked.get(role, 0)
        return self.answered.get(role, 0) / asked if asked else None

    @property
    def coverage(self) -> float | None:
        return self.covered / self.pupils_total if self.pupils_total else None

    @property
    def quiet(self) -> bool:
        """Nothing happened: no pairs working, no meetings, no check-ins."""
        return not (self.active_pairs or self.held or self.scheduled or sum(self.asked.values()))


@dataclass(frozen=True)
class Week:
    number: int  # 1 = the programme's first week
    start: date
    held: int
    usefulness: float | None


def _held(meeting: SnapMeeting, sides: list[SnapReflection], now: datetime) -> bool:
    """A confirmed meeting in the past that nobody said did not happen."""
    if meeting.status != "confirmed" or meeting.starts_at > now:
        return False
    return not any(r.happened in ("no", "moved") for r in sides)


class _Index:
    def __init__(self, snap: Snapshot) -> None:
        self.people = {p.id: p for p in snap.people}
        self.by_meeting: dict[int, list[SnapReflection]] = defaultdict(list)
        for r in snap.reflections:
            self.by_meeting[r.meeting_id].append(r)
        self.by_pair: dict[int, list[SnapMeeting]] = defaultdict(list)
        for m in sorted(snap.meetings, key=lambda m: m.starts_at):
            self.by_pair[m.pair_id].append(m)


def initials(name: str) -> str:
    """«Снежана Уникальнова» → «С. У.»: enough for curators who know the pair, nothing for
    a stranger in the group."""
    return " ".join(f"{word[0]}." for word in name.split() if word[:1].isalpha()) or "—"


def outsiders(members: int | None, curators: int) -> bool:
    """More people in the curators' chat than the organisation has curators."""
    return members is not None and members > curators


def falling(values: list[float]) -> bool:
    if len(values) < 3:
        return False
    a, b, c = values[-3:]
    return a > b > c and a - c >= FALLING_DROP


def in_break(day: date, breaks: list[tuple[date, date]]) -> bool:
    return any(start <= day <= end for start, end in breaks)


def on_pause(person: SnapPerson, day: date) -> bool:
    """On their own pause that day (it ends on ``paused_until``: that day all goes on)."""
    return person.paused_until is not None and day < person.paused_until


def resting_pair(pair: SnapPair, ix: _Index, day: date) -> bool:
    """A pair in which a side is on a pause: not expected to meet or answer check-ins."""
    return any(
        (p := ix.people.get(pid)) is not None and on_pause(p, day) for pid in (pair.mentor_id, pair.mentee_id)
    )


def attention(snap: Snapshot, now: datetime) -> list[Attention]:
    """The pairs that need a human, most urgent first, each with its reasons."""
    ix = _Index(snap)
    load: dict[int, int] = defaultdict(int)
    for p in snap.pairs:
        if p.status in ("proposed", "active"):
            load[p.mentor_id] += 1
    taken = {p.mentee_id for p in snap.pairs if p.status in ("proposed", "active")}
    resting = in_break(now.date(), snap.breaks)
    out: list[Attention] = []
    for pair in snap.pairs:
        mentor, mentee = ix.people.get(pair.mentor_id), ix.people.get(pair.mentee_id)
        if mentor is None or mentee is None:
            continue
        risks: list[Risk] = []
        silent: int | None = None
        recent = pair.ended_at is not None and now - pair.ended_at <= timedelta(days=RECENT_DAYS)
        if pair.status in ("declined", "expired"):
            if recent and pair.mentee_id not in taken:
                risks.append(Risk.DECLINED if pair.status == "declined" else Risk.EXPIRED)
        elif pair.status == "ended" and pair.end_reason == LEFT_REASON and recent:
            risks.append(Risk.LEFT)
        elif pair.status in ("proposed", "active"):
            if mentor.unreachable or mentee.unreachable:
                risks.append(Risk.UNREACHABLE)
            if (
                load[pair.mentor_id] > max(1, mentor.capacity) and pair.group_id is None
            ):  # a group: by its size
                risks.append(Risk.OVER_CAPACITY)
        if pair.status == "active":
            silent = _working_risks(pair, ix, now, resting or resting_pair(pair, ix, now.date()), risks)
        if risks:
            risks.sort(key=SEVERITY.__getitem__)
            out.append(Attention(pair, mentor, mentee, tuple(risks), silent))
    out.sort(key=lambda a: (SEVERITY[a.risks[0]], -len(a.risks), a.pair.id))
    return out


def support_waiting(snap: Snapshot) -> list[SnapPerson]:
    """Mentees marked «нужна поддержка» who have no pair proposed or working: they need a
    curator (an adult trained mentor), so the digest counts them among what needs attention."""
    taken = {p.mentee_id for p in snap.pairs if p.status in ("proposed", "active")}
    return [
        p for p in snap.people if p.role == "mentee" and p.needs_support and not p.left and p.id not in taken
    ]


def _working_risks(pair: SnapPair, ix: _Index, now: datetime, resting: bool, risks: list[Risk]) -> int | None:
    """An active pair's risks from its meetings and check-ins, added to ``risks``; returns
    the days since it last met when that is the trouble (else None). A resting pair (the
    programme's break, or a side on a pause) is not «нет встреч»; a side on a pause is not
    asked check-ins, so none count as missed; how its meetings went still counts."""
    silent: int | None = None
    meetings = ix.by_pair.get(pair.id, [])
    held = [m for m in meetings if _held(m, ix.by_meeting.get(m.id, []), now)]
    last = held[-1].starts_at if held else pair.started_at
    if last is not None and not resting and now - last >= timedelta(days=NO_MEETING_DAYS):
        risks.append(Risk.NO_MEETING)
        silent = (now - last).days
    missing = sum(
        1
        for m in meetings
        for r in ix.by_meeting.get(m.id, [])
        if r.answered_at is None and now - r.asked_at >= CHECKIN_GRACE
    )
    if missing >= MISSING_REFLECTIONS and not resting_pair(pair, ix, now.date()):
        risks.append(Risk.MISSING)
    series = [
        fmean(values)
        for m in held
        if (values := [r.usefulness for r in ix.by_meeting.get(m.id, []) if r.usefulness is not None])
    ]
    if series and series[-1] <= LOW_USEFULNESS:
        risks.append(Risk.LOW)
    elif falling(series):
        risks.append(Risk.FALLING)
    recent_start = now - timedelta(days=NO_MEETING_DAYS)
    if any(m.disagreement and m.starts_at >= recent_start for m in meetings):
        risks.append(Risk.DISAGREE)
    return silent


def figures(snap: Snapshot, week_start: datetime, week_end: datetime) -> Figures:
    """The figures of one week [start, end); participants and pairs as of its end."""
    ix = _Index(snap)
    people = [p for p in snap.people if p.joined_at < week_end and not p.left]
    active = [
        p
        for p in snap.pairs
        if p.started_at is not None
        and p.started_at < week_end
        and (p.ended_at is None or p.ended_at >= week_end)
        and p.status in ("active", "ended")
    ]
    by_form: dict[str, int] = defaultdict(int)
    for p in active:
        by_form[p.form or "-"] += 1
    in_week = [m for m in snap.meetings if week_start <= m.starts_at < week_end and m.status == "confirmed"]
    held = len({unit_of_meeting(m) for m in in_week if _held(m, ix.by_meeting.get(m.id, []), week_end)})
    units = {unit_of_pair(p) for p in active}  # a group meets as one: planned and held per group
    day = week_end.date()
    paused = [p for p in people if on_pause(p, day)]
    expecting = {unit_of_pair(p) for p in active if not resting_pair(p, ix, day)}
    asked, answered, ratings = _checkins_of_week(snap, week_start, week_end)
    covered = _covered(snap, ix, active)
    days = CADENCE_DAYS.get(snap.cadence, 7)
    return Figures(
        mentors=sum(1 for p in people if p.role == "mentor"),
        mentees=sum(1 for p in people if p.role == "mentee"),
        active_pairs=len(active),
        pairs_by_form=dict(sorted(by_form.items())),
        held=held,
        scheduled=len({unit_of_meeting(m) for m in in_week}),
        expected=round(len(expecting) * 7 / days),
        asked=dict(asked),
        answered=dict(answered),
        usefulness_mean=fmean(ratings) if ratings else None,
        usefulness_good=sum(1 for v in ratings if v >= GOOD_USEFULNESS) / len(ratings) if ratings else None,
        ratings=len(ratings),
        covered=covered,
        pupils_total=snap.pupils_total,
        groups=sum(1 for kind, _ in units if kind == "group"),
        paused=len(paused),
        paused_until=max((p.paused_until for p in paused if p.paused_until), default=None),
    )


def _covered(snap: Snapshot, ix: _Index, active: list[SnapPair]) -> int:
    """Pupils with a mentor: the organisation's count when the snapshot has it, else this
    programme's working pairs' pupils."""
    if snap.covered_in_org is not None:
        return snap.covered_in_org
    return len(
        {
            p.mentee_id
            for p in active
            if (m := ix.people.get(p.mentee_id)) is not None and m.kind in PUPIL_KINDS
        }
    )


def _checkins_of_week(
    snap: Snapshot, week_start: datetime, week_end: datetime
) -> tuple[dict[str, int], dict[str, int], list[int]]:
    """Check-ins asked and answered in the week, per role, and the usefulness ratings given in it."""
    asked: dict[str, int] = defaultdict(int)
    answered: dict[str, int] = defaultdict(int)
    ratings: list[int] = []
    for r in snap.reflections:
        if week_start <= r.asked_at < week_end:
            asked[r.role] += 1
            if r.answered_at is not None:
                answered[r.role] += 1
        if r.usefulness is not None and r.answered_at is not None and week_start <= r.answered_at < week_end:
            ratings.append(r.usefulness)
    return asked, answered, ratings


def weeks(snap: Snapshot, now: datetime) -> list[Week]:
    """Meetings held and mean usefulness per week of the programme, for the chart."""
    ix = _Index(snap)
    first = datetime.combine(snap.start, datetime.min.time())
    if now <= first:
        return []
    count = (now - first).days // 7 + 1
    held = [0] * count
    ratings: list[list[int]] = [[] for _ in range(count)]
    counted: set[tuple[str, int]] = set()
    for m in snap.meetings:
        i = (m.starts_at - first).days // 7
        if 0 <= i < count and _held(m, ix.by_meeting.get(m.id, []), now):
            held[i] += 0 if unit_of_meeting(m) in counted else 1  # a group meeting once
            counted.add(unit_of_meeting(m))
            ratings[i].extend(r.usefulness for r in ix.by_meeting.get(m.id, []) if r.usefulness is not None)
    return [
        Week(
            i + 1, (first + timedelta(days=7 * i)).date(), held[i], fmean(ratings[i]) if ratings[i] else None
        )
        for i in range(count)
    ]


def due(now_local: datetime, weekday: int, hour: int) -> bool:
    """Whether this week's digest moment (weekday and hour, local time) has come. It goes
    once a week (the caller keys it by ``week_key``): after downtime it still goes the
    same week; a week missed entirely is skipped, not sent late."""
    return now_local >= week_moment(now_local, weekday, hour)


def week_moment(now_local: datetime, weekday: int, hour: int) -> datetime:
    """This week's digest moment (Monday-first weeks), in the same timezone as ``now_local``."""
    monday = (now_local - timedelta(days=now_local.weekday())).date()
    return datetime.combine(monday + timedelta(days=weekday), datetime.min.time()).replace(
        hour=hour, tzinfo=now_local.tzinfo
    )


ON_DEMAND_LEAD = timedelta(hours=12)


def first_scheduled(now_local: datetime, weekday: int, hour: int) -> tuple[datetime, list[str]]:
    """A group bound now: its first scheduled digest, and the weeks whose slot it must not
    fill (this week's, if its moment has passed: a curator binding on Thursday expects the
    next Monday's digest, not one at once; /digest gives one now)."""
    this = week_moment(now_local, weekday, hour)
    if now_local < this:
        return this, []
    return this + timedelta(days=7), [week_key(this)]


def weeks_covered(
    now_local: datetime, weekday: int, hour: int, lead: timedelta = ON_DEMAND_LEAD
) -> list[str]:
    """The weeks whose scheduled digest an on-demand one in the curators' group stands for:
    this week's if its moment has passed (Monday 10:00 after a 09:00 slot that has not gone
    yet), and the next one if it comes within ``lead`` (Monday 08:30 before 09:00), so the
    group never gets the same figures twice within hours. Asked earlier, the next digest
    still goes: by then there is a new week to tell."""
    this = week_moment(now_local, weekday, hour)
    if now_local < this:
        return [week_key(this)] if this - now_local <= lead else []
    upcoming = this + timedelta(days=7)
    return [week_key(this)] + ([week_key(upcoming)] if upcoming - now_local <= lead else [])


def week_key(now_local: datetime) -> str:
    year, week, _ = now_local.isocalendar()
    return f"{year}w{week:02d}"
