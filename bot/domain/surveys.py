"""The model's questionnaires (entry, interim, final): the item bank, answering rules and
the results a curator reads: means per item and form, distributions, open answers,
entry vs final, and a SWOT draft."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from statistics import fmean

from bot.domain.errors import InvalidInput

OPEN_MAX = 1000
DEFAULT_PULSE_DAYS = (30, 60)  # the interim pulse: these days of a programme
PULSE_LATE_DAYS = 7  # a pulse is sent up to a week late (the bot was down), never later
PULSE_MAX_DAYS = 366
PULSE_MIN_PAIR_DAYS = 14  # a pulse asks only pairs that have worked this long
REMIND_AFTER_HOURS = 48
STRONG, WEAK = 8.0, 6.0  # SWOT: a mean at or above is a strength, below is a weakness


class SurveyKind(StrEnum):
    ENTRY = "entry"
    INTERIM = "interim"
    FINAL = "final"


class ItemKind(StrEnum):
    SCALE = "scale"  # 1..10
    YESNO = "yesno"
    OPEN = "open"
    COUNT = "count"  # 0..10, where 10 stands for «10 or more» (olympiads, open lessons, ...)


COUNT_MAX = 10

_E, _M, _F = SurveyKind.ENTRY, SurveyKind.INTERIM, SurveyKind.FINAL
ALL_MOMENTS = frozenset({_E, _M, _F})


@dataclass(frozen=True)
class BankItem:
    """One question of the model's questionnaires: for which roles, at which moments
    (entry, interim, final) and in which forms (None: every form). ``growth``: an indicator
    asked at entry and at the end, whose change per participant the report shows."""

    code: str
    kind: ItemKind
    roles: frozenset[str]
    moments: frozenset[SurveyKind] = ALL_MOMENTS
    forms: frozenset[str] | None = None
    growth: bool = False


_BOTH = frozenset({"mentor", "mentee"})
_MENTEE = frozenset({"mentee"})
_MENTOR = frozenset({"mentor"})
_ENTRY = frozenset({_E})
_PULSE = frozenset({_M, _F})  # past-tense items: never at entry
_FINAL = frozenset({_F})
_GROWTH = frozenset({_E, _F})
PUPIL_FORMS = frozenset({"pp", "sp", "ep", "rp", "tp", "rev"})  # the mentee is a pupil (or a student)


def _g(code: str, kind: ItemKind, roles: frozenset[str], forms: frozenset[str] | None) -> BankItem:
    return BankItem(code, kind, roles, _GROWTH, forms, growth=True)


# The catalog (texts in locales/: survey.item.<code>), in the order asked: monitoring.md §2–§4.
# The entry questionnaire asks expectations and starting points, never the past-tense items.
BANK: tuple[BankItem, ...] = (
    # entry: the common frame and expectations, in the future tense
    BankItem("met_before", ItemKind.YESNO, _BOTH, _ENTRY),
    BankItem("expect", ItemKind.OPEN, _BOTH, _ENTRY),
    BankItem("expect_role", ItemKind.OPEN, _BOTH, _ENTRY),
    BankItem("confidence", ItemKind.SCALE, _BOTH, _ENTRY),
    # growth: the same indicators at entry and at the end (§4), per form and role
    _g("g_engagement", ItemKind.SCALE, _MENTEE, PUPIL_FORMS),
    _g("g_olympiads", ItemKind.COUNT, _MENTEE, frozenset({"pp", "sp", "tp", "rp", "rev"})),
    _g("g_clubs", ItemKind.COUNT, _MENTEE, frozenset({"pp", "tp"})),
    _g("g_projects_led", ItemKind.COUNT, _MENTOR, frozenset({"pp", "sp"})),
    _g("g_leadership", ItemKind.SCALE, _MENTOR, frozenset({"pp", "sp"})),
    _g("g_open_lessons", ItemKind.COUNT, _MENTEE, frozenset({"tt"})),
    _g("g_contests", ItemKind.COUNT, _MENTEE, frozenset({"tt"})),
    _g("g_courses", ItemKind.COUNT, _MENTEE, frozenset({"tt"})),
    _g("g_work_satisfaction", ItemKind.SCALE, _BOTH, frozenset({"tt"})),
    _g("g_events", ItemKind.COUNT, _MENTOR, frozenset({"tt"})),
    _g("g_career_events", ItemKind.COUNT, _MENTEE, frozenset({"sp", "ep"})),
    _g("g_internships", ItemKind.COUNT, _MENTEE, frozenset({"ep"})),
    _g("g_next_step", ItemKind.YESNO, _MENTEE, frozenset({"sp"})),
    _g("g_interns", ItemKind.COUNT, _MENTOR, frozenset({"ep"})),
    # the rated core (§2), interim and final
    BankItem("effect", ItemKind.SCALE, _BOTH, _FINAL),
    BankItem("comfort", ItemKind.SCALE, _MENTEE, _PULSE),
    BankItem("comfort_mentor", ItemKind.SCALE, _MENTOR, _PULSE),
    BankItem("personal", ItemKind.SCALE, _BOTH, _PULSE),
    BankItem("group", ItemKind.SCALE, _BOTH, _PULSE),
    BankItem("planned", ItemKind.SCALE, _BOTH, _PULSE),
    BankItem("plan_done", ItemKind.SCALE, _BOTH, _PULSE),
    BankItem("expect_clear", ItemKind.SCALE, _MENTEE, _PULSE),
    BankItem("engagement", ItemKind.SCALE, _MENTOR, _PULSE),
    BankItem("satisfied", ItemKind.SCALE, _BOTH, _PULSE),
    BankItem("expect_met", ItemKind.SCALE, _BOTH, _FINAL),
    # per form and role (§3)
    BankItem("pp_leader", ItemKind.SCALE, _MENTOR, _PULSE, frozenset({"pp"})),
    BankItem("pp_training", ItemKind.YESNO, _MENTOR, _FINAL, frozenset({"pp"})),
    BankItem("tt_events", ItemKind.SCALE, _MENTEE, _PULSE, frozenset({"tt"})),
    BankItem("tt_future", ItemKind.YESNO, _MENTEE, _FINAL, frozenset({"tt"})),
    BankItem("tt_hindered", ItemKind.YESNO, _MENTOR, _FINAL, frozenset({"tt"})),
    BankItem("sp_beyond", ItemKind.YESNO, _MENTEE, _FINAL, frozenset({"sp"})),
    BankItem("sp_skills", ItemKind.SCALE, _MENTOR, _PULSE, frozenset({"sp"})),
    BankItem("ep_career", ItemKind.YESNO, _MENTEE, _FINAL, frozenset({"ep"})),
    BankItem("ep_hire", ItemKind.YESNO, _MENTOR, _FINAL, frozenset({"ep"})),
    # yes/no, looking back
    BankItem("liked", ItemKind.YESNO, _BOTH, _FINAL),
    BankItem("continue", ItemKind.YESNO, _BOTH, _FINAL),
    BankItem("become_mentor", ItemKind.YESNO, _MENTEE, _FINAL, PUPIL_FORMS),
    # open, interim and final
    BankItem("valuable", ItemKind.OPEN, _BOTH, _FINAL),
    BankItem("missing", ItemKind.OPEN, _BOTH, _PULSE),
    BankItem("change", ItemKind.OPEN, _BOTH, _FINAL),
)
GROWTH_CODES = frozenset(b.code for b in BANK if b.growth)


# The curator's own question: asked in every questionnaire, or only in some.
OWN_MOMENTS: dict[str, frozenset[SurveyKind]] = {
    "all": ALL_MOMENTS,
    "entry": _ENTRY,
    "pulse": _PULSE,
    "final": _FINAL,
}


def moments_text(moments: frozenset[SurveyKind] | None) -> str | None:
    """How an item's moments are stored (None: every moment)."""
    if moments is None or moments == ALL_MOMENTS:
        return None
    return ",".join(k.value for k in SurveyKind if k in moments)


def moments_of(stored: str | None) -> frozenset[SurveyKind]:
    if not stored:
        return ALL_MOMENTS
    return frozenset(SurveyKind(v) for v in stored.split(",") if v in set(SurveyKind))


def form_for(
    role: str, kind: str | None, pair_form: str | None, programme_forms: tuple[str, ...]
) -> str | None:
    """The form whose questionnaire a person answers: their pair's; before a pair, the
    programme's only form, or the one their kind (pupil, teacher, student, employer) implies
    among the programme's forms."""
    if pair_form:
        return pair_form
    if len(programme_forms) == 1:
        return programme_forms[0]
    likely = {
        ("mentor", "pupil"): ("pp",),
        ("mentor", "teacher"): ("tt", "tp"),
        ("mentor", "student"): ("sp",),
        ("mentor", "employer"): ("ep",),
        ("mentor", "parent"): ("rp",),
        ("mentor", "alumnus"): ("sp", "ep", "pp"),
        ("mentee", "yteacher"): ("tt",),
        ("mentee", "college"): ("ep", "sp"),
        ("mentee", "pupil"): ("pp", "sp", "ep", "tp", "rp", "rev"),
    }.get((role, kind or ""), ())
    return next((f for f in likely if f in programme_forms), None)


def asks(item: Item, moment: SurveyKind, form: str | None) -> bool:
    """Whether this item belongs to the questionnaire of this moment and form."""
    return item.active and moment in item.moments and (item.form is None or item.form == form)


@dataclass(frozen=True)
class Item:
    id: int
    role: str
    kind: ItemKind
    text: str  # in the reader's language
    code: str | None = None
    active: bool = True
    moments: frozenset[SurveyKind] = ALL_MOMENTS
    form: str | None = None  # None: every form


def worded(item: Item, catalog: Collection[str], reader: str) -> str:
    """The text a participant reads: a catalog item still in the catalog's wording (in either
    register, ``catalog``) is said in the reader's register (``reader``: «ты» to a pupil, «вы»
    to an adult); the curator's own question, or a catalog item they reworded, as written."""
    return reader if item.code is not None and item.text in catalog else item.text


@dataclass(frozen=True)
class Response:
    id: int
    participant_id: int
    role: str
    form: str | None
    items: tuple[int, ...]
    answers: dict[str, int | str | None]
    completed: bool


Answer = int | str | None


def pulse_due(start: date, today: date, days: tuple[int, ...], done: set[int]) -> int | None:
    """The pulse to send today: the latest day already reached, if not sent and not more
    than a week late (a programme created in January does not get September's pulse)."""
    passed = [d for d in sorted(days) if start + timedelta(days=d) <= today]
    if not passed or passed[-1] in done:
        return None
    if (today - (start + timedelta(days=passed[-1]))).days > PULSE_LATE_DAYS:
        return None
    return passed[-1]


def parse_pulse_days(typed: str | None) -> tuple[int, ...]:
    """ "30 60" or "30, 60, 90" -> (30, 60, 90); "0" -> () (no automatic pulse)."""
    parts = (typed or "").replace(",", " ").split()
    if not parts or not all(p.isdigit() and len(p) <= 3 for p in parts):
        raise InvalidInput("monitor.err_pulse_days", limit=PULSE_MAX_DAYS)
    days = sorted({int(p) for p in parts} - {0})
    if len(days) > 6 or any(d > PULSE_MAX_DAYS for d in days):
        raise InvalidInput("monitor.err_pulse_days", limit=PULSE_MAX_DAYS)
    return tuple(days)


def next_item(response: Response) -> int | None:
    """The first question not answered yet (None: the questionnaire is done)."""
    for item_id in response.items:
        if str(item_id) not in response.answers:
            return item_id
    return None


def parse(kind: ItemKind, raw: str | None, *, skip: bool = False) -> Answer:
    """A button's value or a typed answer, checked; raises InvalidInput with a hint."""
    if skip:
        if kind is not ItemKind.OPEN:
            raise InvalidInput("survey.err_required")
        return None
    text = (raw or "").strip()
    if kind is ItemKind.SCALE:
        if not text.isdigit() or not 1 <= int(text) <= 10:
            raise InvalidInput("survey.err_scale")
        return int(text)
    if kind is ItemKind.COUNT:
        if not text.isdigit() or not 0 <= int(text) <= COUNT_MAX:
            raise InvalidInput("monitor.err_count", limit=COUNT_MAX)
        return int(text)
    if kind is ItemKind.YESNO:
        if text not in ("y", "n"):
            raise InvalidInput("survey.err_yesno")
        return text
    if not text:
        raise InvalidInput("survey.err_open_empty")
    if len(text) > OPEN_MAX:
        raise InvalidInput("survey.err_open_long", limit=OPEN_MAX, length=len(text))
    return text


@dataclass
class ItemResult:
    item: Item
    n: int = 0
    mean: float | None = None
    distribution: dict[int, int] = field(default_factory=dict)  # scale: value -> count
    yes: int = 0
    no: int = 0
    texts: list[str] = field(default_factory=list)


@dataclass
class GroupResult:
    """One form and role: e.g. ученик–ученик, mentees."""

    form: str
    role: str
    responses: int
    items: list[ItemResult]


def results(items: list[Item], responses: list[Response]) -> list[GroupResult]:
    """Per form and role: means and distributions of scales, yes/no shares, open answers
    (identical ones counted once with their number)."""
    by_id = {i.id: i for i in items}
    groups: dict[tuple[str, str], list[Response]] = defaultdict(list)
    for r in responses:
        if r.answers:
            groups[(r.form or "-", r.role)].append(r)
    out: list[GroupResult] = []
    for (form, role), members in sorted(groups.items()):
        item_ids = [i for i in dict.fromkeys(x for r in members for x in r.items) if i in by_id]
        rows: list[ItemResult] = []
        for item_id in item_ids:
            item = by_id[item_id]
            values = [r.answers.get(str(item_id)) for r in members if str(item_id) in r.answers]
            res = ItemResult(item)
            if item.kind in (ItemKind.SCALE, ItemKind.COUNT):
                nums = [v for v in values if isinstance(v, int)]
                res.n = len(nums)
                res.mean = fmean(nums) if nums else None
                res.distribution = {v: nums.count(v) for v in sorted(set(nums))}
            elif item.kind is ItemKind.YESNO:
                res.yes = sum(1 for v in values if v == "y")
                res.no = sum(1 for v in values if v == "n")
                res.n = res.yes + res.no
            else:
                texts = [v.strip() for v in values if isinstance(v, str) and v.strip()]
                res.n = len(texts)
                counted: dict[str, int] = defaultdict(int)
                for t in texts:
                    counted[t.casefold()] += 1
                first = {t.casefold(): t for t in reversed(texts)}
                res.texts = [
                    first[k] if c == 1 else f"{first[k]} (×{c})"
                    for k, c in sorted(counted.items(), key=lambda kv: -kv[1])
                ]
            rows.append(res)
        out.append(GroupResult(form, role, len(members), rows))
    return out


@dataclass(frozen=True)
class Change:
    item: Item
    role: str
    entry: float
    final: float

    @property
    def delta(self) -> float:
        return self.final - self.entry


def compare(entry: list[GroupResult], final: list[GroupResult]) -> list[Change]:
    """Entry vs final: the mean of each scale item per role, across forms."""

    def means(groups: list[GroupResult]) -> dict[tuple[int, str], tuple[Item, float]]:
        acc: dict[tuple[int, str], list[float]] = defaultdict(list)
        seen: dict[int, Item] = {}
        for g in groups:
            for r in g.items:
                if r.item.kind is ItemKind.SCALE and r.mean is not None:
                    acc[(r.item.id, g.role)].extend([r.mean] * r.n)
                    seen[r.item.id] = r.item
        return {k: (seen[k[0]], fmean(v)) for k, v in acc.items() if v}

    a, b = means(entry), means(final)
    return [
        Change(item, role, a[(iid, role)][1], mean)
        for (iid, role), (item, mean) in b.items()
        if (iid, role) in a
    ]


@dataclass(frozen=True)
class Growth:
    """One indicator of one form and role, from entry to the end: the mean over the
    participants who answered both times (yes/no: the share of «yes»)."""

    form: str  # "-" when unknown
    role: str
    key: str  # the bank's code, or "#<id>" for the curator's own item
    text: str
    kind: ItemKind
    n: int
    entry: float
    exit: float

    @property
    def delta(self) -> float:
        return self.exit - self.entry


def _value(kind: ItemKind, answer: Answer) -> float | None:
    if kind is ItemKind.YESNO:
        return 1.0 if answer == "y" else 0.0 if answer == "n" else None
    if kind in (ItemKind.SCALE, ItemKind.COUNT) and isinstance(answer, int):
        return float(answer)
    return None


def _growth_key(item: Item) -> str:
    return item.code or f"#{item.id}"


def _averaged(form: str, role: str, key: str, item: Item, values: list[tuple[float, float]]) -> Growth:
    entry, exit_ = fmean(a for a, _ in values), fmean(b for _, b in values)
    return Growth(form, role, key, item.text, item.kind, len(values), entry, exit_)


def growth(items: list[Item], entry: list[Response], final: list[Response]) -> list[Growth]:
    """Per form, role and indicator: the change of each participant from entry to the
    end, averaged. An indicator is matched by its code, so a person who entered before a
    pair (another form's row of the same question) is still compared; open answers and
    people who answered only once are left out."""
    by_id = {i.id: i for i in items}
    key = _growth_key

    def values(r: Response) -> dict[str, float]:
        return {
            key(item): v
            for raw_id, answer in r.answers.items()
            if (item := by_id.get(int(raw_id))) is not None and (v := _value(item.kind, answer)) is not None
        }

    before = {r.participant_id: (r, values(r)) for r in entry}
    acc: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    shown: dict[str, Item] = {}
    for r in final:
        if r.participant_id not in before:
            continue
        first, start = before[r.participant_id]
        end = values(r)
        form = r.form or first.form or "-"
        for k in start.keys() & end.keys():
            acc[(form, r.role, k)].append((start[k], end[k]))
        for raw_id in r.answers:
            if (item := by_id.get(int(raw_id))) is not None:
                shown.setdefault(key(item), item)
    out = [_averaged(form, role, k, shown[k], v) for (form, role, k), v in acc.items() if k in shown]
    order = {b.code: n for n, b in enumerate(BANK)}
    return sorted(out, key=lambda g: (g.form, g.role, order.get(g.key, len(order)), g.key))


SATISFIED_AT = 7  # a respondent whose mean of the rated core is at least this counts as satisfied
# The rated core of §2: how the work went (not the growth indicators, not the entry items).
CORE_SCALES = frozenset(
    b.code
    for b in BANK
    if b.kind is ItemKind.SCALE and b.forms is None and not b.growth and SurveyKind.ENTRY not in b.moments
)


@dataclass(frozen=True)
class Satisfaction:
    """Satisfaction of one role (monitoring.md §5): the mean of each respondent's core
    scores, averaged, and the share of respondents at or above SATISFIED_AT."""

    role: str
    n: int
    mean: float
    share: float


def satisfaction(items: list[Item], responses: list[Response]) -> dict[str, Satisfaction]:
    by_id = {i.id: i for i in items}
    per_role: dict[str, list[float]] = defaultdict(list)
    for r in responses:
        scores = [
            float(v)
            for raw_id, v in r.answers.items()
            if isinstance(v, int)
            and (item := by_id.get(int(raw_id))) is not None
            and item.code in CORE_SCALES
        ]
        if scores:
            per_role[r.role].append(fmean(scores))
    return {
        role: Satisfaction(role, len(m), fmean(m), sum(1 for x in m if x >= SATISFIED_AT) / len(m))
        for role, m in sorted(per_role.items())
    }


@dataclass
class Swot:
    strengths: list[tuple[str, float]]
    weaknesses: list[tuple[str, float]]
    wishes: list[str]  # what participants missed / would change, for the curator to read


def swot(groups: list[GroupResult], top: int = 3) -> Swot:
    """A draft: strengths and weaknesses from the scale means; opportunities and threats
    are the curator's to fill in."""
    acc: dict[str, list[float]] = defaultdict(list)
    wishes: list[str] = []
    for g in groups:
        for r in g.items:
            if r.item.kind is ItemKind.SCALE and r.mean is not None:
                acc[r.item.text].extend([r.mean] * r.n)
            elif r.item.kind is ItemKind.OPEN and r.item.code in ("missing", "change"):
                wishes.extend(r.texts)
    means = sorted(((text, fmean(v)) for text, v in acc.items()), key=lambda kv: -kv[1])
    strengths = [m for m in means if m[1] >= STRONG][:top]
    weaknesses = [m for m in reversed(means) if m[1] < WEAK][:top]
    return Swot(strengths, weaknesses, wishes[: top * 2])
