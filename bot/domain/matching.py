"""Matching mentors and mentees: hard rules of the target model's forms, an explainable
compatibility score, and the assignment that maximises the total score.

Plain Python over dataclasses, with numpy for the score matrix and SciPy's sparse
LAPJV solver (``min_weight_full_bipartite_matching``) for the optimum. A mentor with
capacity k is k "slots"; each mentee also gets a private dummy column ("stays unmatched")
worth almost nothing, so a full matching always exists and the optimum over it is the
optimum over all matchings that keep the rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from bot.domain import catalog as c
from bot.domain.catalog import Form, MeetFormat, MenteeKind, MentorKind, SubModel

EPSILON = 1e-7  # the worth of "unmatched": below any real score's resolution

TEACHER_MAX_YOUNG = 3  # a young teacher has 0–3 years
TEACHER_GAP = 3  # "clearly more" experience: at least this many years more
EMPLOYER_MIN_YEARS = 3


@dataclass(frozen=True)
class Person:
    """What matching needs to know of a mentor or a mentee (ids are participant ids)."""

    id: int
    user_id: int
    kind: str
    grade: int | None = None
    experience: int | None = None
    tags: frozenset[str] = frozenset()  # mentor: competencies; mentee: key requests
    interests: frozenset[str] = frozenset()
    slots: frozenset[str] = frozenset()
    format: MeetFormat = MeetFormat.ANY
    capacity: int = 1  # mentors only
    priority: bool = False  # mentees left unmatched last round go first
    needs_support: bool = False  # mentee: the curator's neutral «нужна поддержка» flag
    minor: bool = False  # mentor: under 18
    trained: bool = True  # mentor: marked trained by a curator
    profession: bool = False  # mentor: a parent's or employer's profession is known


@dataclass(frozen=True)
class Weights:
    request: float = 3.0  # per key request covered by a competency
    interest: float = 1.0  # per shared interest
    hour: float = 0.25  # per common free hour a week (capped)
    max_hours: float = 12.0
    same_format: float = 0.5  # both want the same explicit format
    base: float = 1.0  # any allowed pair: matching someone beats no one
    priority: float = 2.0  # bonus for a mentee left unmatched before
    emphasis: float = 2.0  # extra per covered request that the pair's sub-model stresses
    profession: float = 2.0  # a career request and a parent or employer with a profession

    @classmethod
    def from_settings(cls, values: dict[str, float]) -> Weights:
        """A programme's own weights (unknown keys ignored, missing ones default)."""
        known = {k: float(v) for k, v in values.items() if k in cls.__dataclass_fields__}
        return replace(cls(), **known)


@dataclass(frozen=True)
class Reasons:
    interests: tuple[str, ...]
    requests: tuple[str, ...]  # the mentee's requests that the mentor covers (same tag)
    hours: int
    same_format: bool
    submodel: str | None = None  # the sub-model the pair was formed under
    support: bool = False  # the mentee needs support: an adult trained mentor (curators only)
    profession: bool = False  # a career request met by a parent's or employer's profession


@dataclass(frozen=True)
class Pair:
    mentor: int
    mentee: int
    score: float
    form: Form
    reasons: Reasons


@dataclass
class Result:
    pairs: list[Pair]
    unmatched: dict[int, str]  # mentee id -> "no_compatible" | "no_capacity"
    total: float = 0.0
    edges: int = 0


@dataclass(frozen=True)
class Rules:
    forms: frozenset[Form] = frozenset(Form)
    excluded: frozenset[tuple[int, int]] = field(default_factory=frozenset)  # (mentor id, mentee id)
    submodels: frozenset[str] = frozenset()  # codes picked; none for a form: the form's own rule


# --- the rules of the forms -------------------------------------------------------------------
PUPILS = {MenteeKind.PUPIL.value, MenteeKind.COLLEGE.value}


def form_of(
    mentor: Person, mentee: Person, forms: Iterable[Form], submodels: frozenset[str] = frozenset()
) -> Form | None:
    """The first enabled form under which this mentor may support this mentee, or None."""
    found = _placement(mentor, mentee, _ordered(forms), submodels)
    return found[0] if found else None


def options_of(form: Form, submodels: frozenset[str]) -> list[SubModel | None]:
    """The sub-models of this form a programme picked; none picked: the form's own rule."""
    picked: list[SubModel | None] = [s for s in c.submodels_of(form) if s.code in submodels]
    return picked or [None]


def emphasised(mentor: Person, mentee: Person, sub: SubModel | None) -> int:
    """How many covered requests the sub-model stresses."""
    if sub is None:
        return 0
    return sum(1 for x in sub.emphasis if x in mentee.tags and x in mentor.tags)


def _placement(
    mentor: Person, mentee: Person, forms: Iterable[Form], submodels: frozenset[str]
) -> tuple[Form, SubModel | None] | None:
    """The first form that allows the pair, with its picked sub-model that fits best."""
    for form in forms:
        fits = [s for s in options_of(form, submodels) if _allowed_under(form, mentor, mentee, s)]
        if fits:
            return form, max(fits, key=lambda s: emphasised(mentor, mentee, s))
    return None


def _allowed_under(form: Form, m: Person, e: Person, sub: SubModel | None = None) -> bool:
    if form is Form.PUPIL_PUPIL:
        if m.kind != MentorKind.PUPIL or e.kind != MenteeKind.PUPIL or m.grade is None or e.grade is None:
            return False
        return m.grade > e.grade or (sub is not None and sub.equal_grade and m.grade == e.grade)
    if form is Form.TEACHER_TEACHER:
        gap = sub.gap if sub is not None and sub.gap is not None else TEACHER_GAP
        return (
            m.kind == MentorKind.TEACHER
            and e.kind == MenteeKind.YOUNG_TEACHER
            and (e.experience or 0) <= TEACHER_MAX_YOUNG
            and (m.experience or 0) >= (e.experience or 0) + gap
        )
    if form is Form.STUDENT_PUPIL:
        return m.kind in (MentorKind.STUDENT, MentorKind.ALUMNUS) and e.kind in PUPILS
    if form is Form.EMPLOYER_PUPIL:
        return (
            m.kind == MentorKind.EMPLOYER and (m.experience or 0) >= EMPLOYER_MIN_YEARS and e.kind in PUPILS
        )
    if form is Form.PARENT_PUPIL:
        return m.kind == MentorKind.PARENT and e.kind == MenteeKind.PUPIL
    if form is Form.TEACHER_PUPIL:
        return m.kind == MentorKind.TEACHER and e.kind in PUPILS
    if form is Form.REVERSE:  # the younger teaches the experienced teacher (e.g. digital tools)
        if e.kind != MenteeKind.EXPERIENCED_TEACHER:
            return False
        if m.kind in (MentorKind.PUPIL, MentorKind.STUDENT):
            return True
        return (
            m.kind == MentorKind.TEACHER
            and (m.experience or 0) <= TEACHER_MAX_YOUNG
            and (m.experience or 0) < (e.experience or 0)
        )
    if form is Form.EMPLOYER_TEACHER:  # the employer's pairs: a teacher learns a profession's practice
        return (
            m.kind == MentorKind.EMPLOYER
            and (m.experience or 0) >= EMPLOYER_MIN_YEARS
            and (e.kind in c.TEACHER_MENTEES or e.kind in PUPILS)
        )
    return False


def supports(mentor: Person, mentee: Person) -> bool:
    """A mentee who needs support is paired only with an adult mentor marked trained."""
    if not mentee.needs_support:
        return True
    return mentor.kind != MentorKind.PUPIL and not mentor.minor and mentor.trained


def formats_fit(a: MeetFormat, b: MeetFormat) -> bool:
    return MeetFormat.ANY in (a, b) or a == b


def placement(mentor: Person, mentee: Person, rules: Rules) -> tuple[Form, SubModel | None] | None:
    """The form and sub-model this pair is allowed under, or None when a hard rule forbids it."""
    if mentor.user_id == mentee.user_id or (mentor.id, mentee.id) in rules.excluded:
        return None
    if not formats_fit(mentor.format, mentee.format) or not supports(mentor, mentee):
        return None
    return _placement(mentor, mentee, _ordered(rules.forms), rules.submodels)


def allowed(mentor: Person, mentee: Person, rules: Rules) -> Form | None:
    found = placement(mentor, mentee, rules)
    return found[0] if found else None


def _ordered(forms: Iterable[Form]) -> list[Form]:
    chosen = set(forms)
    return [f for f in Form if f in chosen]


PROFESSION_KINDS = frozenset({MentorKind.PARENT.value, MentorKind.EMPLOYER.value})


def profession_fits(mentor: Person, mentee: Person) -> bool:
    """A mentee choosing a path (профориентация) meets a parent's or employer's profession."""
    return "career" in mentee.tags and mentor.kind in PROFESSION_KINDS and mentor.profession


def explain(mentor: Person, mentee: Person, rules: Rules | None = None) -> Reasons:
    """Why these two fit, in codes the locale turns into words (with ``rules``: the
    sub-model the pair falls under too)."""
    interests = tuple(x for x in c.INTERESTS if x in mentor.interests and x in mentee.interests)
    requests = tuple(x for x in c.COMPETENCIES if x in mentee.tags and x in mentor.tags)
    hours = len(mentor.slots & mentee.slots) * c.HOURS_PER_PART
    same = mentor.format == mentee.format and mentor.format is not MeetFormat.ANY
    found = placement(mentor, mentee, rules) if rules is not None else None
    sub = found[1].code if found and found[1] else None
    return Reasons(
        interests, requests, hours, same, sub, mentee.needs_support, profession_fits(mentor, mentee)
    )


def score(mentor: Person, mentee: Person, rules: Rules, w: Weights = Weights()) -> float | None:
    """The pair's compatibility, or None when a hard rule forbids it."""
    found = placement(mentor, mentee, rules)
    if found is None:
        return None
    r = explain(mentor, mentee)
    return (
        w.base
        + w.request * len(r.requests)
        + w.interest * len(r.interests)
        + w.hour * min(r.hours, w.max_hours)
        + (w.same_format if r.same_format else 0.0)
        + (w.priority if mentee.priority else 0.0)
        + w.emphasis * emphasised(mentor, mentee, found[1])
        + (w.profession if r.profession else 0.0)
    )


# --- vectorised scoring -----------------------------------------------------------------------
def _bits(codes: Sequence[str]) -> dict[str, int]:
    return {code: 1 << i for i, code in enumerate(codes)}


_REQ_BITS = _bits(c.REQUESTS)
_INT_BITS = _bits(c.INTERESTS)
_SLOT_BITS = _bits(c.SLOTS)


def _mask(values: Iterable[str], bits: dict[str, int]) -> int:
    return sum(bits[v] for v in values if v in bits)


class _Table:
    """People as numpy columns, for scoring many pairs at once."""

    def __init__(self, people: Sequence[Person]) -> None:
        self.kind = np.array([p.kind for p in people], dtype=object)
        self.grade = np.array([p.grade if p.grade is not None else -1 for p in people], dtype=np.int64)
        self.exp = np.array([p.experience or 0 for p in people], dtype=np.int64)
        self.req = np.array([_mask(p.tags, _REQ_BITS) for p in people], dtype=np.uint64)
        self.interests = np.array([_mask(p.interests, _INT_BITS) for p in people], dtype=np.uint64)
        self.slots = np.array([_mask(p.slots, _SLOT_BITS) for p in people], dtype=np.uint64)
        fmt = {MeetFormat.OFFLINE: 1, MeetFormat.ONLINE: 2, MeetFormat.ANY: 0}
        self.format = np.array([fmt[p.format] for p in people], dtype=np.int8)
        self.user = np.array([p.user_id for p in people], dtype=np.int64)
        self.priority = np.array([p.priority for p in people], dtype=bool)
        self.support = np.array([p.needs_support for p in people], dtype=bool)
        self.adult_trained = np.array(
            [p.kind != MentorKind.PUPIL and not p.minor and p.trained for p in people], dtype=bool
        )
        self.career = np.array(["career" in p.tags for p in people], dtype=bool)
        self.profession = np.array([p.kind in PROFESSION_KINDS and p.profession for p in people], dtype=bool)
        self.kinds: dict[str, np.ndarray] = {}
        for kind in set(self.kind.tolist()):
            self.kinds[kind] = self.kind == kind

    def of(self, kind: str) -> np.ndarray:
        return self.kinds.get(kind, np.zeros(len(self.kind), dtype=bool))


FORM_MENTEES: dict[Form, tuple[str, ...]] = {  # the mentee kinds each form may pair
    Form.PUPIL_PUPIL: (MenteeKind.PUPIL,),
    Form.TEACHER_TEACHER: (MenteeKind.YOUNG_TEACHER,),
    Form.STUDENT_PUPIL: tuple(PUPILS),
    Form.EMPLOYER_PUPIL: tuple(PUPILS),
    Form.PARENT_PUPIL: (MenteeKind.PUPIL,),
    Form.TEACHER_PUPIL: tuple(PUPILS),
    Form.REVERSE: (MenteeKind.EXPERIENCED_TEACHER,),
    Form.EMPLOYER_TEACHER: (*PUPILS, *c.TEACHER_MENTEES),
}


def _form_matrix(form: Form, sub: SubModel | None, m: _Table, e: _Table, rows: slice) -> np.ndarray:
    """Allowed[mentee row, mentor] under one form (and one of its sub-models)."""

    def col(x: np.ndarray) -> np.ndarray:
        return x[rows][:, None]

    def kind_m(kind: str) -> np.ndarray:
        return m.of(kind)[None, :]

    def kind_e(kind: str) -> np.ndarray:
        return e.of(kind)[rows][:, None]

    ok: np.ndarray = np.zeros((rows.stop - rows.start, len(m.kind)), dtype=bool)
    if not any(e.of(kind)[rows].any() for kind in FORM_MENTEES[form]):
        return ok  # no mentee in this block the form could pair
    pupils = kind_e(MenteeKind.PUPIL) | kind_e(MenteeKind.COLLEGE)
    teachers = kind_e(MenteeKind.YOUNG_TEACHER) | kind_e(MenteeKind.EXPERIENCED_TEACHER)
    if form is Form.PUPIL_PUPIL:
        above = m.grade[None, :] > col(e.grade)
        if sub is not None and sub.equal_grade:
            above = m.grade[None, :] >= col(e.grade)
        ok = kind_m(MentorKind.PUPIL) & kind_e(MenteeKind.PUPIL) & above & (col(e.grade) >= 0)
    elif form is Form.TEACHER_TEACHER:
        gap = sub.gap if sub is not None and sub.gap is not None else TEACHER_GAP
        ok = (
            kind_m(MentorKind.TEACHER)
            & kind_e(MenteeKind.YOUNG_TEACHER)
            & (col(e.exp) <= TEACHER_MAX_YOUNG)
            & (m.exp[None, :] >= col(e.exp) + gap)
        )
    elif form is Form.STUDENT_PUPIL:
        ok = (kind_m(MentorKind.STUDENT) | kind_m(MentorKind.ALUMNUS)) & pupils
    elif form is Form.EMPLOYER_PUPIL:
        ok = kind_m(MentorKind.EMPLOYER) & (m.exp[None, :] >= EMPLOYER_MIN_YEARS) & pupils
    elif form is Form.PARENT_PUPIL:
        ok = kind_m(MentorKind.PARENT) & kind_e(MenteeKind.PUPIL)
    elif form is Form.TEACHER_PUPIL:
        ok = kind_m(MentorKind.TEACHER) & pupils
    elif form is Form.REVERSE:
        young_teacher = (
            kind_m(MentorKind.TEACHER) & (m.exp[None, :] <= TEACHER_MAX_YOUNG) & (m.exp[None, :] < col(e.exp))
        )
        mentors = kind_m(MentorKind.PUPIL) | kind_m(MentorKind.STUDENT) | young_teacher
        ok = mentors & kind_e(MenteeKind.EXPERIENCED_TEACHER)
    elif form is Form.EMPLOYER_TEACHER:
        ok = kind_m(MentorKind.EMPLOYER) & (m.exp[None, :] >= EMPLOYER_MIN_YEARS) & (teachers | pupils)
    return ok


def _allowed_matrix(
    m: _Table, e: _Table, rows: slice, forms: frozenset[Form], submodels: frozenset[str] = frozenset()
) -> tuple[np.ndarray, np.ndarray | None]:
    """Allowed[mentee row, mentor] for a block of mentees (rules of forms and sub-models,
    format, support, self), and how many covered requests the chosen sub-model stresses
    (None when no sub-model applies: nothing stressed)."""
    shape = (rows.stop - rows.start, len(m.kind))
    ok = np.zeros(shape, dtype=bool)
    stressed: np.ndarray | None = None
    for form in _ordered(forms):  # the first form that allows a pair is its form
        options = options_of(form, submodels)
        if options == [None]:  # the form's own rule: nothing to weigh
            ok |= _form_matrix(form, None, m, e, rows)
            continue
        best = np.full(shape, -1, dtype=np.int64)
        for sub in options:
            assert sub is not None
            fits = _form_matrix(form, sub, m, e, rows)
            bits = np.uint64(_mask(sub.emphasis, _REQ_BITS))
            count = np.bitwise_count(e.req[rows][:, None] & m.req[None, :] & bits).astype(np.int64)
            better = fits & (count > best)  # the first sub-model of the best count
            best = np.where(better, count, best)
        new = (best >= 0) & ~ok
        stressed = np.where(new, best, 0 if stressed is None else stressed)
        ok |= new
    fm, fe = m.format[None, :], e.format[rows][:, None]
    ok &= (fm == 0) | (fe == 0) | (fm == fe)
    ok &= m.user[None, :] != e.user[rows][:, None]
    if e.support[rows].any():
        ok &= ~e.support[rows][:, None] | m.adult_trained[None, :]
    return ok, stressed


def _score_matrix(
    m: _Table, e: _Table, rows: slice, w: Weights, stressed: np.ndarray | None = None
) -> np.ndarray:
    def col(x: np.ndarray) -> np.ndarray:
        return x[rows][:, None]

    req = np.bitwise_count(col(e.req) & m.req[None, :]).astype(np.float64)
    shared = np.bitwise_count(col(e.interests) & m.interests[None, :]).astype(np.float64)
    hours = np.minimum(np.bitwise_count(col(e.slots) & m.slots[None, :]) * c.HOURS_PER_PART, w.max_hours)
    fm, fe = m.format[None, :], col(e.format)
    same = ((fm == fe) & (fm != 0)).astype(np.float64)
    prio = col(e.priority).astype(np.float64)
    total: np.ndarray = (
        w.base
        + w.request * req
        + w.interest * shared
        + w.hour * hours
        + w.same_format * same
        + w.priority * prio
    )
    if stressed is not None:
        total += w.emphasis * stressed
    if e.career[rows].any() and m.profession.any():
        total += w.profession * (col(e.career) & m.profession[None, :])
    return total


def candidate_edges(
    mentors: Sequence[Person],
    mentees: Sequence[Person],
    rules: Rules,
    w: Weights,
    top_k: int | None,
    block: int = 512,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mentee index, mentor index, score) of allowed pairs; with ``top_k``, only each
    mentee's best k mentors (a bound on memory for very large schools)."""
    m, e = _Table(mentors), _Table(mentees)
    mentor_index = {p.id: i for i, p in enumerate(mentors)}
    mentee_index = {p.id: i for i, p in enumerate(mentees)}
    excluded = [
        (mentee_index[b], mentor_index[a])
        for a, b in rules.excluded
        if a in mentor_index and b in mentee_index
    ]
    out_r, out_c, out_s = [], [], []
    for start in range(0, len(mentees), block):
        rows = slice(start, min(start + block, len(mentees)))
        ok, stressed = _allowed_matrix(m, e, rows, rules.forms, rules.submodels)
        for r, col in excluded:
            if rows.start <= r < rows.stop:
                ok[r - rows.start, col] = False
        s = np.where(ok, _score_matrix(m, e, rows, w, stressed), 0.0)
        if top_k is not None and top_k < s.shape[1]:
            keep = np.argpartition(-s, top_k - 1, axis=1)[:, :top_k]
            vals = np.take_along_axis(s, keep, axis=1)
            rr = np.repeat(np.arange(rows.start, rows.stop), top_k)
            cc, vv = keep.ravel(), vals.ravel()
        else:
            rr_local, cc = np.nonzero(s)
            rr, vv = rr_local + rows.start, s[rr_local, cc]
        nz = vv > 0
        out_r.append(rr[nz])
        out_c.append(cc[nz])
        out_s.append(vv[nz])
    if not out_r:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    return np.concatenate(out_r), np.concatenate(out_c), np.concatenate(out_s)


def _slot_graph(
    rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, capacity: np.ndarray, n: int
) -> tuple[csr_array, int]:
    """The bipartite graph of mentees and mentors' slots (one column per unit of a mentor's
    capacity), plus one dummy column per mentee, «stays unmatched»; and the number of slots."""
    slot_start = np.concatenate([[0], np.cumsum(capacity)])
    n_slots = int(slot_start[-1])
    # expand every mentor edge to each of the mentor's slots
    caps = capacity[cols]
    er = np.repeat(rows, caps)
    offsets = np.arange(int(caps.sum())) - np.repeat(np.cumsum(caps) - caps, caps)
    ec = np.repeat(slot_start[cols], caps) + offsets
    ev = np.repeat(vals, caps)
    # one dummy column per mentee: "stays unmatched"
    dr = np.arange(n)
    graph = csr_array(
        (
            np.concatenate([ev, np.full(n, EPSILON)]),
            (np.concatenate([er, dr]), np.concatenate([ec, n_slots + dr])),
        ),
        shape=(n, n_slots + n),
    )
    return graph, n_slots


def match(
    mentors: Sequence[Person],
    mentees: Sequence[Person],
    rules: Rules = Rules(),
    w: Weights = Weights(),
    top_k: int | None = None,
) -> Result:
    """The assignment with the greatest total score that keeps every rule and capacity.

    Exact over all allowed pairs when ``top_k`` is None; with ``top_k`` it is exact over
    each mentee's best k mentors."""
    rows, cols, vals = candidate_edges(mentors, mentees, rules, w, top_k)
    capacity = np.array([max(0, p.capacity) for p in mentors], dtype=np.int64)
    n = len(mentees)
    graph, n_slots = _slot_graph(rows, cols, vals, capacity, n)
    result = Result([], {}, 0.0, len(rows))
    has_edge = np.zeros(n, dtype=bool)
    has_edge[rows] = True
    if n == 0:
        return result
    row_ind, col_ind = min_weight_full_bipartite_matching(graph, maximize=True)
    slot_owner = np.repeat(np.arange(len(mentors)), capacity)
    assigned: dict[int, int] = {}
    for r, col in zip(row_ind.tolist(), col_ind.tolist(), strict=True):
        if col < n_slots:
            assigned[r] = int(slot_owner[col])
    for i, mentee in enumerate(mentees):
        if i in assigned:
            mentor = mentors[assigned[i]]
            form = allowed(mentor, mentee, rules)
            value = score(mentor, mentee, rules, w)
            assert form is not None and value is not None
            result.pairs.append(Pair(mentor.id, mentee.id, value, form, explain(mentor, mentee, rules)))
            result.total += value
        else:
            result.unmatched[mentee.id] = "no_capacity" if has_edge[i] else "no_compatible"
    return result


def greedy(
    mentors: Sequence[Person],
    mentees: Sequence[Person],
    rules: Rules = Rules(),
    w: Weights = Weights(),
    top_k: int | None = None,
) -> Result:
    """The baseline: take the best remaining pair while both sides are free."""
    rows, cols, vals = candidate_edges(mentors, mentees, rules, w, top_k)
    order = np.argsort(-vals, kind="stable")
    left = [p.capacity for p in mentors]
    taken: set[int] = set()
    result = Result([], {}, 0.0, len(rows))
    for k in order.tolist():
        r, col = int(rows[k]), int(cols[k])
        if r in taken or left[col] <= 0:
            continue
        taken.add(r)
        left[col] -= 1
        mentor, mentee = mentors[col], mentees[r]
        form = allowed(mentor, mentee, rules)
        assert form is not None
        result.pairs.append(Pair(mentor.id, mentee.id, float(vals[k]), form, explain(mentor, mentee, rules)))
        result.total += float(vals[k])
    has_edge = set(rows.tolist())
    for i, mentee in enumerate(mentees):
        if i not in taken:
            result.unmatched[mentee.id] = "no_capacity" if i in has_edge else "no_compatible"
    return result


# --- «быстрые встречи»: stable matching from ranked preferences ------------------------------
def stable_match(
    mentee_prefs: dict[int, list[int]], mentor_prefs: dict[int, list[int]], capacity: dict[int, int]
) -> dict[int, int]:
    """Mentee-proposing deferred acceptance with mentor capacities (Gale–Shapley).

    Each side ranks only candidates it saw (top 3–5); an unranked partner is unacceptable.
    The result is stable: no mentor and mentee who both prefer each other over what they got.
    Returns mentee -> mentor."""
    rank = {m: {e: i for i, e in enumerate(prefs)} for m, prefs in mentor_prefs.items()}
    next_choice = dict.fromkeys(mentee_prefs, 0)
    held: dict[int, list[int]] = {m: [] for m in mentor_prefs}
    free = [e for e in mentee_prefs if mentee_prefs[e]]
    while free:
        e = free.pop()
        prefs = mentee_prefs[e]
        while next_choice[e] < len(prefs):
            m = prefs[next_choice[e]]
            next_choice[e] += 1
            if m not in rank or e not in rank[m] or capacity.get(m, 0) <= 0:
                continue
            held[m].append(e)
            held[m].sort(key=lambda x: rank[m][x])
            if len(held[m]) > capacity[m]:
                rejected = held[m].pop()
                if rejected != e:
                    free.append(rejected)
                    break
                continue
            break
    return {e: m for m, es in held.items() for e in es}


def blocking_pairs(
    result: dict[int, int],
    mentee_prefs: dict[int, list[int]],
    mentor_prefs: dict[int, list[int]],
    capacity: dict[int, int],
) -> list[tuple[int, int]]:
    """Pairs (mentee, mentor) that would both rather be together: empty when stable."""
    held: dict[int, list[int]] = {m: [] for m in mentor_prefs}
    for e, m in result.items():
        held[m].append(e)
    out = []
    for e, prefs in mentee_prefs.items():
        current = result.get(e)
        better = prefs[: prefs.index(current)] if current in prefs else prefs
        for m in better:
            ranks = mentor_prefs.get(m, [])
            if e not in ranks:
                continue
            if len(held[m]) < capacity.get(m, 0) or any(ranks.index(e) < ranks.index(x) for x in held[m]):
                out.append((e, m))
    return out
