"""Reports for the school: the bases of mentors and mentees (the model's fields), pairs,
meetings, reflections per pair, survey results and KPIs, as XLSX or CSV. Columns in the
reader's language (Russian by default)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from statistics import fmean
from zoneinfo import ZoneInfo

from bot import documents
from bot.domain import surveys as survey_rules
from bot.domain.digest import COVERAGE_TARGET
from bot.domain.models import Programme
from bot.i18n import Html, L10n
from bot.services import surveys as survey_service
from storage.reports import BaseRow, MeetingReportRow, PairReportRow, ReflectionAgg
from storage.unit import Unit

Cell = str | int | float | datetime | date | None


@dataclass
class Sheet:
    key: str  # report.sheet.<key>
    columns: list[str]  # report.col.<name>, or a full key (with a dot)
    rows: list[Sequence[Cell]] = field(default_factory=list)


def _join(t: L10n, prefix: str, codes: Iterable[str]) -> str:
    return ", ".join(t(f"{prefix}.{c}") for c in codes)


def _local(when: datetime | None, tz: str) -> datetime | None:
    if when is None:
        return None
    return when.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).replace(tzinfo=None)


async def build(
    uow: Unit, t: L10n, org_id: int, now: datetime, programme_id: int | None = None
) -> list[Sheet]:
    """All sheets for an organisation (or one of its programmes)."""
    org = await uow.organisations.get(org_id)
    tz = org.timezone if org else "Europe/Moscow"
    r = uow.reports
    mentors = await r.base(org_id, programme_id, "mentor")
    mentees = await r.base(org_id, programme_id, "mentee")
    pairs = await r.pairs(org_id, programme_id)
    links = _links(t, pairs)
    base_mentors = _mentor_sheet(t, tz, mentors, links)
    base_mentees = _mentee_sheet(t, tz, mentees, links)
    pair_sheet = _pair_sheet(t, tz, pairs, await uow.plans.summaries([p.id for p in pairs]))
    meeting_sheet, held, planned = _meeting_sheet(t, await r.meetings(org_id, programme_id), now)
    by_pair: dict[int, dict[str, ReflectionAgg]] = {}
    for agg in await r.reflections(org_id, programme_id):
        by_pair.setdefault(agg.pair_id, {})[agg.role] = agg
    refl_sheet = _reflection_sheet(t, tz, by_pair, pairs)
    programme_ids = [programme_id] if programme_id is not None else await r.programme_ids(org_id)
    survey_sheet = await _survey_sheet(uow, t, programme_ids)
    kpi = Sheet("kpi", ["indicator", "value"])
    kpi.rows.extend(
        _kpi_rows(
            t,
            _Counts(mentors, mentees, pairs, links, held, planned),
            await r.covered_pupils(org_id),
            org.pupils_total if org else None,
            [a.usefulness_mean for sides in by_pair.values() for a in sides.values()],
        )
    )
    kpi.rows.extend(await _details_rows(uow, t, programme_ids))
    kpi.rows.extend(await _monitoring_rows(uow, t, programme_ids, pairs))
    growth = await _growth_sheet(uow, t, programme_ids)
    return [base_mentors, base_mentees, pair_sheet, meeting_sheet, refl_sheet, survey_sheet, kpi, growth]


async def _monitoring_rows(
    uow: Unit, t: L10n, programme_ids: Sequence[int], pairs: Sequence[PairReportRow]
) -> list[list[Cell]]:
    """The model's figures from the questionnaires (monitoring.md §5): satisfaction of
    mentors and mentees from the latest final (else interim) questionnaire, and the
    meetings the programmes planned (their minimum per pair, for each pair that started)."""
    items: list[survey_rules.Item] = []
    responses: list[survey_rules.Response] = []
    expected = 0
    for pid in programme_ids:
        programme = await uow.programmes.get(pid)
        if programme is None:
            continue
        started = sum(1 for p in pairs if p.programme == programme.title and p.started_at is not None)
        expected += started * programme.min_meetings
        surveys = await uow.surveys.surveys(pid)
        latest = next((s for kind in ("final", "interim") for s in reversed(surveys) if s.kind == kind), None)
        if latest is not None:
            items += await uow.surveys.items(pid, t.locale)
            responses += await uow.surveys.responses(latest.id)
    rows: list[list[Cell]] = [[t("report.kpi.monitor.meetings_expected"), expected]]
    sat = survey_rules.satisfaction(items, responses)
    for role in ("mentor", "mentee"):
        got = sat.get(role)
        rows.append([t(f"report.kpi.monitor.satisfaction_{role}"), _round(got.mean) if got else None])
        rows.append(
            [
                t(f"report.kpi.monitor.satisfied_{role}", at=survey_rules.SATISFIED_AT),
                _round(got.share) if got else None,
            ]
        )
    return rows


async def _growth_sheet(uow: Unit, t: L10n, programme_ids: Sequence[int]) -> Sheet:
    """Entry → final per programme, form, role and indicator (aggregates only)."""
    sheet = Sheet(
        "monitor.growth",
        ["programme", "form", "role", "monitor.indicator", "monitor.n", "monitor.entry", "monitor.exit",
         "monitor.change"],
    )  # fmt: skip
    for pid in programme_ids:
        programme = await uow.programmes.get(pid)
        if programme is None:
            continue
        for g in await survey_service.growth(uow, pid, t.locale):
            sheet.rows.append(
                [
                    programme.title,
                    t(f"form.{g.form}") if g.form != "-" else "",
                    t(f"survey.role_{g.role}"),
                    t("report.col.monitor.share_yes", text=Html(g.text))
                    if g.kind is survey_rules.ItemKind.YESNO
                    else g.text,
                    g.n,
                    _round(g.entry),
                    _round(g.exit),
                    _round(g.delta),
                ]
            )
    return sheet


async def _details_rows(uow: Unit, t: L10n, programme_ids: Sequence[int]) -> list[list[Cell]]:
    """Lines of the summary sheet: each programme's directions and sub-models (направления,
    подмодели), named by the programme when the report covers several."""
    rows: list[list[Cell]] = []
    for pid in programme_ids:
        p = await uow.programmes.get(pid)
        if p is None:
            continue
        suffix = f" · {p.title}" if len(programme_ids) > 1 else ""
        directions = _join(t, "forms.dir", p.directions) or t("forms.dir_none")
        rows.append([t("forms.report_directions") + suffix, directions])
        if p.submodels:
            rows.append([t("forms.report_submodels") + suffix, _join(t, "forms.sub", p.submodels)])
    return rows


@dataclass
class _Links:
    """Who works with whom, read off the pairs that started."""

    mentees_of: dict[int, list[str]] = field(default_factory=dict)  # mentor's participant id
    mentor_of: dict[int, list[str]] = field(default_factory=dict)  # mentee's participant id
    pair_of_mentee: dict[int, PairReportRow] = field(default_factory=dict)
    outcomes_of: dict[int, list[str]] = field(default_factory=dict)  # mentor's, in the reader's words
    form_of_mentor: dict[int, str] = field(default_factory=dict)


def _links(t: L10n, pairs: Sequence[PairReportRow]) -> _Links:
    links = _Links()
    for p in pairs:
        if p.form:
            links.form_of_mentor.setdefault(p.mentor_id, p.form)
        if p.status in ("active", "ended") and p.started_at is not None:
            links.mentees_of.setdefault(p.mentor_id, []).append(p.mentee)
            links.mentor_of.setdefault(p.mentee_id, []).append(p.mentor)
            links.pair_of_mentee[p.mentee_id] = p
            if p.outcome:
                links.outcomes_of.setdefault(p.mentor_id, []).append(t(f"close.outcome.{p.outcome}"))
    return links


def _contact(username: str | None) -> str:
    return f"@{username}" if username else ""


def _mentor_sheet(t: L10n, tz: str, mentors: Sequence[BaseRow], links: _Links) -> Sheet:
    sheet = Sheet(
        "mentors",
        ["name", "contact", "programme", "status", "source", "grade_or_exp", "competencies", "interests",
         "form", "mentees", "capacity", "trained", "joined", "results"],
    )  # fmt: skip
    for m in mentors:
        form = links.form_of_mentor.get(m.participant_id)
        sheet.rows.append(
            [
                m.name,
                _contact(m.username),
                m.programme,
                t(f"status.{m.status}"),
                t(f"mkind.{m.kind}") if m.kind else "",
                m.grade if m.grade is not None else m.experience,
                _join(t, "comp", m.tags),
                _join(t, "int", m.interests),
                t(f"form.{form}") if form else "",
                ", ".join(links.mentees_of.get(m.participant_id, [])),
                m.capacity,
                t("report.yes") if m.trained else t("report.no"),
                _local(m.joined_at, tz),
                ", ".join(links.outcomes_of.get(m.participant_id, [])),
            ]
        )
    return sheet


def _mentee_sheet(t: L10n, tz: str, mentees: Sequence[BaseRow], links: _Links) -> Sheet:
    sheet = Sheet(
        "mentees",
        ["name", "contact", "programme", "status", "kind", "grade_or_exp", "age", "requests", "interests",
         "joined", "form", "mentor", "end", "results", "parental_consent", "forms.needs_support"],
    )  # fmt: skip
    for m in mentees:
        mp = links.pair_of_mentee.get(m.participant_id)
        minor = m.age is not None and m.age < 18
        sheet.rows.append(
            [
                m.name,
                _contact(m.username),
                m.programme,
                t(f"status.{m.status}"),
                t(f"ekind.{m.kind}") if m.kind else "",
                m.grade if m.grade is not None else m.experience,
                m.age,
                _join(t, "req", m.tags),
                _join(t, "int", m.interests),
                _local(m.joined_at, tz),
                t(f"form.{mp.form}") if mp and mp.form else "",
                ", ".join(links.mentor_of.get(m.participant_id, [])),
                _local(mp.ended_at, tz) if mp else None,
                t(f"close.outcome.{mp.outcome}") if mp and mp.outcome else "",
                (t("report.yes") if m.parental_consent else t("report.no")) if minor else "",
                t("report.yes") if m.needs_support else "",
            ]
        )
    return sheet


def _pair_sheet(
    t: L10n, tz: str, pairs: Sequence[PairReportRow], plans: dict[int, tuple[str | None, int, int]]
) -> Sheet:
    sheet = Sheet(
        "pairs",
        ["pair", "programme", "mentor", "mentee", "form", "pair_status", "created", "started", "ended",
         "outcome", "end_reason", "goal", "plan", "groups.report.col_group"],
    )  # fmt: skip
    for p in pairs:
        goal, done, total = plans.get(p.id, (None, 0, 0))
        sheet.rows.append(
            [
                p.id,
                p.programme,
                p.mentor,
                p.mentee,
                t(f"form.{p.form}") if p.form else "",
                t(f"pair.status.{p.status}"),
                _local(p.created_at, tz),
                _local(p.started_at, tz),
                _local(p.ended_at, tz),
                t(f"close.outcome.{p.outcome}") if p.outcome else "",
                p.end_reason or "",
                goal or "",
                t("report.plan_done", done=done, total=total) if total else "",
                p.group,
            ]
        )
    return sheet


def _meeting_sheet(t: L10n, meetings: Iterable[MeetingReportRow], now: datetime) -> tuple[Sheet, int, int]:
    """The meetings sheet, and how many confirmed meetings were held and planned (a group
    meeting once, however many members' rows it has)."""
    held = planned = 0
    counted: set[int] = set()
    sheet = Sheet(
        "meetings",
        [
            "pair",
            "mentor",
            "mentee",
            "meeting_kind",
            "when",
            "meeting_status",
            "online",
            "groups.report.col_group",
        ],
    )
    for mt in meetings:
        if mt.status == "confirmed" and (mt.group_meeting is None or mt.group_meeting not in counted):
            planned += 1
            held += 1 if mt.starts_at <= now else 0
            if mt.group_meeting is not None:
                counted.add(mt.group_meeting)
        sheet.rows.append(
            [
                mt.pair_id,
                mt.mentor,
                mt.mentee,
                t(f"meet.kind.{mt.kind}"),
                _local(mt.starts_at, mt.timezone),
                t(f"meet.status.{mt.status}"),
                t("report.yes") if mt.online else t("report.no"),
                mt.group,
            ]
        )
    return sheet, held, planned


def _reflection_sheet(
    t: L10n, tz: str, by_pair: dict[int, dict[str, ReflectionAgg]], pairs: Sequence[PairReportRow]
) -> Sheet:
    pair_names = {p.id: (p.mentor, p.mentee) for p in pairs}
    sheet = Sheet(
        "reflections",
        ["pair", "mentor", "mentee", "asked_mentor", "answered_mentor", "asked_mentee", "answered_mentee",
         "usefulness_mentor", "usefulness_mentee", "engagement", "comfort", "last_answer"],
    )  # fmt: skip
    for pid, sides in sorted(by_pair.items()):
        mentor_agg, mentee_agg = sides.get("mentor"), sides.get("mentee")
        mentor_name, mentee_name = pair_names.get(pid, ("", ""))
        last = max((a.last_answered for a in sides.values() if a.last_answered), default=None)
        sheet.rows.append(
            [
                pid,
                mentor_name,
                mentee_name,
                mentor_agg.asked if mentor_agg else 0,
                mentor_agg.answered if mentor_agg else 0,
                mentee_agg.asked if mentee_agg else 0,
                mentee_agg.answered if mentee_agg else 0,
                _round(mentor_agg.usefulness_mean if mentor_agg else None),
                _round(mentee_agg.usefulness_mean if mentee_agg else None),
                _round(mentor_agg.second_mean if mentor_agg else None),
                _round(mentee_agg.second_mean if mentee_agg else None),
                _local(last, tz),
            ]
        )
    return sheet


async def _survey_sheet(uow: Unit, t: L10n, programme_ids: Sequence[int]) -> Sheet:
    sheet = Sheet(
        "surveys",
        ["programme", "survey", "form", "role", "question", "answers", "mean", "yes_share", "open_answers"],
    )
    for pid in programme_ids:
        programme = await uow.programmes.get(pid)
        if programme is None:
            continue
        items = await uow.surveys.items(pid, t.locale)
        for survey in await uow.surveys.surveys(pid):
            for g in survey_rules.results(items, await uow.surveys.responses(survey.id)):
                for res in g.items:
                    sheet.rows.append(
                        [
                            programme.title,
                            t(f"survey.kind.{survey.kind}"),
                            t(f"form.{g.form}") if g.form != "-" else "",
                            t(f"survey.role_{g.role}"),
                            res.item.text,
                            res.n,
                            _round(res.mean),
                            _round(res.yes / res.n)
                            if res.item.kind is survey_rules.ItemKind.YESNO and res.n
                            else None,
                            " | ".join(res.texts) if res.texts else "",
                        ]
                    )
    return sheet


@dataclass
class _Counts:
    mentors: Sequence[BaseRow]
    mentees: Sequence[BaseRow]
    pairs: Sequence[PairReportRow]
    links: _Links
    held: int
    planned: int


def _kpi_rows(
    t: L10n, c: _Counts, covered: int, pupils_total: int | None, usefulness: list[float | None]
) -> list[list[Cell]]:
    active = [p for p in c.pairs if p.status == "active"]
    ratings = [v for v in usefulness if v is not None]
    young = [m for m in c.mentees if m.kind == "yteacher"]
    young_with_mentor = [m for m in young if m.participant_id in c.links.mentor_of]
    kpi_rows: list[list[Cell]] = [
        [t("report.kpi.mentors"), len([m for m in c.mentors if m.status == "approved"])],
        [t("report.kpi.mentees"), len([m for m in c.mentees if m.status == "approved"])],
        [t("report.kpi.pairs_active"), len(active)],
        [t("report.kpi.pairs_total"), len([p for p in c.pairs if p.started_at is not None])],
        [
            t("report.kpi.coverage", target=t.percent(COVERAGE_TARGET)),
            _round(covered / pupils_total) if pupils_total else None,
        ],
        [t("report.kpi.covered"), covered],
        [t("report.kpi.pupils_total"), pupils_total],
        [t("report.kpi.young_teachers"), _round(len(young_with_mentor) / len(young)) if young else None],
        [t("report.kpi.meetings_held"), c.held],
        [t("report.kpi.meetings_planned"), c.planned],
        [t("report.kpi.usefulness"), _round(fmean(ratings)) if ratings else None],
        [
            t("report.kpi.good_share"),
            _round(sum(1 for v in ratings if v >= 7) / len(ratings)) if ratings else None,
        ],
    ]
    groups = {p.group for p in active if p.group is not None}
    if groups:  # a group is one unit: members are counted as pairs above
        kpi_rows.insert(3, [t("groups.report.kpi_active"), len(groups)])
    forms = sorted(_count(p.form for p in c.pairs if p.started_at and p.form).items())
    for i, (form, n) in enumerate(forms):
        kpi_rows.insert(4 + i, [t("report.kpi.pairs_form", form=t(f"form.{form}")), n])
    return kpi_rows


def _count(values: Iterable[str | None]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        if v:
            out[v] = out.get(v, 0) + 1
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def document(
    t: L10n, org: str, programme: Programme, now: datetime, sheets: list[Sheet], chart: bytes | None
) -> documents.Document:
    """The summary for the region: the KPI sheet's figures, the growth per form, the chart."""
    kpi = next(s for s in sheets if s.key == "kpi")
    growth = next(s for s in sheets if s.key == "monitor.growth")
    shares = _share_labels(t)
    figures = [
        [str(label), _shown(t, value, label in shares)] for label, value in (row[:2] for row in kpi.rows)
    ]
    changes = [
        [str(r[1]), str(r[2]), str(r[3]), str(r[4]), _shown(t, r[5]), _shown(t, r[6]), _signed(t, r[7])]
        for r in growth.rows
    ]
    return documents.Document(
        title=t("report.docx.title"),
        lines=[
            t("report.docx.programme", title=Html(programme.title), org=Html(org)),  # a document: no escaping
            t("report.docx.period", start=t.date(programme.start), end=t.date(programme.end)),
            t("report.docx.made", date=t.date(now)),
        ],
        tables=[
            documents.Table(
                t("report.docx.figures"), [t("report.col.indicator"), t("report.col.value")], figures
            ),
            documents.Table(
                t("report.docx.growth"),
                [t(f"report.col.{c}") for c in growth.columns[1:]],
                changes,
                empty=t("report.docx.growth_none"),
            ),
        ],
        chart=chart,
        chart_title=t("report.docx.chart"),
        footer=t("report.docx.footer"),
    )


def _share_labels(t: L10n) -> set[str]:
    """The KPI rows whose values are shares (0–1): shown as percentages in the DOCX."""
    return {
        t("report.kpi.coverage", target=t.percent(COVERAGE_TARGET)),
        t("report.kpi.young_teachers"),
        t("report.kpi.good_share"),
    } | {t(f"report.kpi.monitor.satisfied_{r}", at=survey_rules.SATISFIED_AT) for r in ("mentor", "mentee")}


def _shown(t: L10n, value: Cell, share: bool = False) -> str:
    """A figure as the reader's language writes it (Babel): «7,2», «70 %» in Russian."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return t.percent(value) if share else t.number(value)
    return str(value)


def _signed(t: L10n, value: Cell) -> str:
    if not isinstance(value, int | float):
        return "—"
    return t.number(value, signed=True)


def to_docx(doc: documents.Document) -> bytes:
    return documents.report(doc)


def _column(t: L10n, name: str) -> str:
    """A column's heading key: ``report.col.<name>`` when there is one, else the name itself
    (a full key of a section of its own, such as a group's number)."""
    return f"report.col.{name}" if t.has(f"report.col.{name}") else name


def to_xlsx(t: L10n, sheets: list[Sheet]) -> bytes:
    """One workbook, a sheet per table; streamed (write-only) so big schools stay fast."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(t(f"report.sheet.{sheet.key}")[:31])
        header = []
        for name in sheet.columns:
            cell = WriteOnlyCell(ws, value=t(_column(t, name)))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in sheet.rows:
            ws.append([_safe(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _safe(value: Cell) -> Cell:
    """Text that a spreadsheet would run as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_csv_zip(t: L10n, sheets: list[Sheet]) -> bytes:
    """A ZIP of CSV files (UTF-8 with BOM, so Excel opens Cyrillic correctly)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for sheet in sheets:
            buf = io.StringIO()
            w = csv.writer(buf, delimiter=";")
            w.writerow([t(_column(t, c)) for c in sheet.columns])
            for row in sheet.rows:
                w.writerow(
                    [
                        ""
                        if v is None
                        else _safe(v.strftime("%d.%m.%Y %H:%M") if isinstance(v, datetime) else v)
                        for v in row
                    ]
                )
            z.writestr(f"{sheet.key}.csv", "\ufeff" + buf.getvalue())
    return out.getvalue()
