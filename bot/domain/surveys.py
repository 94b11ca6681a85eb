"""The model's questionnaires (entry, interim, final): the item bank, answering rules and
the results a curator reads: means per item and form, distributions, open answers,
entry vs final, and a SWOT draft."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from statistics import fmean

from bot.domain.errors import InvalidInput

OPEN_MAX = 1000
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


@dataclass(frozen=True)
class BankItem:
    code: str
    kind: ItemKind
    roles: frozenset[str]


_BOTH = frozenset({"mentor", "mentee"})
_MENTEE = frozenset({"mentee"})
_MENTOR = frozenset({"mentor"})

# The model's questionnaire (texts in locales/: survey.item.<code>), in the order asked.
BANK: tuple[BankItem, ...] = (
    BankItem("effect", ItemKind.SCALE, _BOTH),
    BankItem("comfort", ItemKind.SCALE, _MENTEE),
    BankItem("comfort_mentor", ItemKind.SCALE, _MENTOR),
    BankItem("personal", ItemKind.SCALE, _BOTH),
    BankItem("group", ItemKind.SCALE, _BOTH),
    BankItem("planned", ItemKind.SCALE, _BOTH),
    BankItem("plan_done", ItemKind.SCALE, _BOTH),
    BankItem("expect_clear", ItemKind.SCALE, _MENTEE),
    BankItem("engagement", ItemKind.SCALE, _MENTOR),
    BankItem("satisfied", ItemKind.SCALE, _BOTH),
    BankItem("expect_met", ItemKind.SCALE, _BOTH),
    BankItem("liked", ItemKind.YESNO, _BOTH),
    BankItem("continue", ItemKind.YESNO, _BOTH),
    BankItem("become_mentor", ItemKind.YESNO, _MENTEE),
    BankItem("valuable", ItemKind.OPEN, _BOTH),
    BankItem("missing", ItemKind.OPEN, _BOTH),
    BankItem("change", ItemKind.OPEN, _BOTH),
)


@dataclass(frozen=True)
class Item:
    id: int
    role: str
    kind: ItemKind
    text: str  # in the reader's language
    code: str | None = None
    active: bool = True


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
            if item.kind is ItemKind.SCALE:
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
