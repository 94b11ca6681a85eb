"""Pictures for curators, drawn with matplotlib's Agg backend (no display). matplotlib is
imported on first use, so the bot starts as fast as before."""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_lock = threading.Lock()  # pyplot keeps global state; draw one picture at a time


@dataclass(frozen=True)
class ChartLabels:
    title: str
    meetings: str
    usefulness: str
    week: str


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def weekly_chart(
    weeks: Sequence[int], held: Sequence[int], usefulness: Sequence[float | None], labels: ChartLabels
) -> bytes:
    """Bars: meetings held per week; line: mean usefulness (0–10) on the right axis."""
    plt = _pyplot()
    with _lock:
        fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
        try:
            ax.bar(weeks, held, color="#5b9bd5", label=labels.meetings)
            ax.set_xlabel(labels.week)
            ax.set_ylabel(labels.meetings)
            ax.set_title(labels.title)
            ax.set_xticks(list(weeks)[:: max(1, len(weeks) // 12)])
            ax.yaxis.get_major_locator().set_params(integer=True)
            right = ax.twinx()
            points = [(w, u) for w, u in zip(weeks, usefulness, strict=True) if u is not None]
            if points:
                right.plot([w for w, _ in points], [u for _, u in points], color="#ed7d31", marker="o")
            right.set_ylim(0, 10.5)
            right.set_ylabel(labels.usefulness)
            fig.tight_layout()
            out = io.BytesIO()
            fig.savefig(out, format="png")
            return out.getvalue()
        finally:
            plt.close(fig)


def certificate(lines: Sequence[str]) -> bytes:
    """A simple thank-you certificate: a framed card with centred lines, the first large."""
    plt = _pyplot()
    with _lock:
        fig = plt.figure(figsize=(8, 5.6), dpi=100)
        try:
            fig.patch.set_facecolor("#fffdf5")
            frame = plt.Rectangle(
                (0.03, 0.04), 0.94, 0.92, fill=False, lw=3, ec="#c9a227", transform=fig.transFigure
            )
            fig.add_artist(frame)
            y = 0.78
            for i, line in enumerate(lines):
                size = 26 if i == 0 else 15
                fig.text(0.5, y, line, ha="center", va="center", fontsize=size, wrap=True)
                y -= 0.15 if i == 0 else 0.1
            out = io.BytesIO()
            fig.savefig(out, format="png", facecolor=fig.get_facecolor())
            return out.getvalue()
        finally:
            plt.close(fig)
