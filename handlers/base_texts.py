"""How the mentor base reads: a line per mentor in the chat, a row per mentor in the
XLSX sheet «База наставников»."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from bot.domain.base import BaseMentor, InviteStatus
from bot.i18n import Html, L10n

Cell = str | int | float | datetime | None
COLUMNS = (
    "name",
    "kind",
    "candidate",
    "trained",
    "trained_at",
    "competencies",
    "interests",
    "capacity",
    "active",
    "programmes",
    "mentees",
    "meetings",
    "satisfaction",
    "history",
)
SHOWN_TAGS = 4


def mentor_line(t: L10n, n: int, m: BaseMentor, invited: InviteStatus | None = None) -> str:
    """«3. Елена Морозова · Учитель · 🎓 обучена 12.10.2026 · Олимпиады, Математика · …»."""
    parts: list[str] = []
    if m.profile is None:
        parts.append(t("base.candidate"))
    else:
        parts.append(t(f"mkind.{m.profile.kind}"))
        if m.trained:
            when = t.date(m.trained_at) if m.trained_at else "—"
            parts.append(t("base.trained", date=when))
        tags = [t(f"comp.{code}") for code in m.profile.tags[:SHOWN_TAGS]]
        more = len(m.profile.tags) - SHOWN_TAGS
        parts.append(", ".join(tags) + (f" +{more}" if more > 0 else ""))
    if m.history:
        parts.append(
            t(
                "base.record",
                programmes=len(m.history),
                mentees=m.mentees,
                meetings=m.meetings,
            )
        )
    if m.satisfaction is not None:
        parts.append(t("base.satisfaction", value=t.number(m.satisfaction)))
    parts.append(t("base.active") if m.active else t("base.free"))
    if invited is not None:
        parts.append(t(f"base.invited.{invited.value}"))
    return t("base.line", n=n, name=m.name, about=Html(" · ".join(parts)))


def base_sheet(t: L10n, mentors: Sequence[BaseMentor]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for m in mentors:
        p = m.profile
        history = "; ".join(
            t(
                "base.history_item",
                title=h.title,
                mentees=h.mentees,
                meetings=h.meetings,
                satisfaction=t.number(h.satisfaction) if h.satisfaction is not None else "—",
            )
            for h in m.history
        )
        rows.append(
            [
                m.name,
                t(f"mkind.{p.kind}") if p else "",
                t("base.yes") if m.candidate and p is None else "",
                t("base.yes") if m.trained else t("base.no"),
                m.trained_at,
                ", ".join(t(f"comp.{x}") for x in p.tags) if p else "",
                ", ".join(t(f"int.{x}") for x in p.interests) if p else "",
                p.capacity if p else None,
                t("base.yes") if m.active else t("base.no"),
                len(m.history),
                m.mentees,
                m.meetings,
                m.satisfaction,
                history,
            ]
        )
    return rows


def _safe(value: Cell) -> Cell:
    """Text a spreadsheet would run as a formula stays text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_xlsx(t: L10n, rows: list[list[Cell]]) -> bytes:
    """One sheet, «База наставников», streamed (write-only)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(t("base.sheet")[:31])
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(ws, value=t(f"base.col.{name}"))
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append([_safe(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
