"""Word documents a school prints or hands on: the programme's summary report for the region
and the parental consent form. Plain data in, DOCX bytes out (python-docx, imported on first
use); every text comes from the caller, in the reader's language."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]
    empty: str = ""  # said instead of the table when it has no rows


@dataclass
class Document:
    title: str
    lines: list[str]  # under the title: who, what, when
    tables: list[Table] = field(default_factory=list)
    chart: bytes | None = None  # a PNG
    chart_title: str = ""
    footer: str = ""


def _new() -> Any:
    from docx import Document as new_document
    from docx.shared import Pt

    doc = new_document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    return doc


def _bytes(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def report(d: Document) -> bytes:
    """A summary a school can hand to the region: title, figures, tables, the chart."""
    from docx.shared import Cm

    doc = _new()
    doc.add_heading(d.title, level=1)
    for line in d.lines:
        doc.add_paragraph(line)
    for table in d.tables:
        doc.add_heading(table.title, level=2)
        if not table.rows:
            doc.add_paragraph(table.empty)
            continue
        grid = doc.add_table(rows=1, cols=len(table.header))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in table.rows:
            cells = grid.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
    if d.chart is not None:
        doc.add_heading(d.chart_title, level=2)
        doc.add_picture(io.BytesIO(d.chart), width=Cm(16))
    if d.footer:
        doc.add_paragraph().add_run(d.footer).italic = True
    return _bytes(doc)


def consent_form(title: str, paragraphs: Sequence[str], signature_lines: Sequence[str]) -> bytes:
    """The parental consent form: a title, the text (a school edits the wording in the
    locales), and lines to sign by hand."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = _new()
    heading = doc.add_heading(title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in paragraphs:
        doc.add_paragraph(text)
    doc.add_paragraph("")
    for line in signature_lines:
        doc.add_paragraph(line)
    return _bytes(doc)
