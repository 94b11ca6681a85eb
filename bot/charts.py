"""Pictures for curators, drawn with matplotlib's Agg backend (no display). matplotlib is
imported on first use, so the bot starts as fast as before."""

from __future__ import annotations

import io
import textwrap
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ChartLabels:
    title: str
    meetings: str
    usefulness: str
    week: str


def _figure(width: float, height: float) -> Any:
    """A figure of its own (no pyplot global state, so threads may draw at once)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Any, **kw: Any) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():
        # an emoji in a name has no glyph in the bundled font: it is drawn as a box, not an error
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)
        fig.savefig(out, format="png", **kw)
    return out.getvalue()


def weekly_chart(
    weeks: Sequence[int], held: Sequence[int], usefulness: Sequence[float | None], labels: ChartLabels
) -> bytes:
    """Bars: meetings held per week; line: mean usefulness (0–10) on the right axis."""
    from matplotlib.ticker import MaxNLocator

    fig = _figure(8, 4.2)
    ax = fig.add_subplot()
    # bars as one collection of thick lines (a patch per bar costs a fifth of the picture)
    width_pt = 0.7 * 8 * 72 * 0.84 / max(1, len(weeks))
    ax.vlines(weeks, 0, held, color="#5b9bd5", linewidth=width_pt, label=labels.meetings)
    ax.set_xlim(min(weeks, default=1) - 0.7, max(weeks, default=1) + 0.7)
    ax.set_ylim(0, max(max(held, default=0) * 1.1, 1))
    # titles and names are people's text: a pair of dollar signs in them is not mathematics
    ax.set_xlabel(labels.week, parse_math=False)
    ax.set_ylabel(labels.meetings, parse_math=False)
    ax.set_title(labels.title[:90], parse_math=False)
    ax.set_xticks(list(weeks)[:: max(1, len(weeks) // 12)])
    ax.yaxis.set_major_locator(MaxNLocator(5, integer=True))
    right = ax.twinx()
    points = [(w, u) for w, u in zip(weeks, usefulness, strict=True) if u is not None]
    if points:
        right.plot([w for w, _ in points], [u for _, u in points], color="#ed7d31", marker="o")
    right.set_ylim(0, 10.5)
    right.set_yticks([0, 5, 10])
    right.set_ylabel(labels.usefulness, parse_math=False)
    fig.subplots_adjust(left=0.08, right=0.92, top=0.9, bottom=0.12)  # fixed: tight_layout costs a third
    return _png(fig)


def certificate(lines: Sequence[str]) -> bytes:
    """A simple thank-you certificate: a framed card with centred lines, the first large."""
    from matplotlib.patches import Rectangle

    fig = _figure(8, 5.6)
    fig.patch.set_facecolor("#fffdf5")
    fig.add_artist(
        Rectangle((0.03, 0.04), 0.94, 0.92, fill=False, lw=3, ec="#c9a227", transform=fig.transFigure)
    )
    y = 0.78
    for i, line in enumerate(lines):
        # wrapped here: matplotlib's own wrapping reads dollar signs as mathematics again
        text = textwrap.fill(line, 28 if i == 0 else 48)
        fig.text(0.5, y, text, ha="center", va="center", fontsize=26 if i == 0 else 15, parse_math=False)
        y -= 0.15 if i == 0 else 0.1
    return _png(fig, facecolor=fig.get_facecolor())
