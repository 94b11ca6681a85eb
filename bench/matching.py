"""Matching at school, district and city scale: the optimal assignment against a greedy
baseline measured in the same run. One JSON line per size; each size runs in its own
process so ``peak_mb`` is that size's peak resident memory.
Run: .venv/bin/python bench/matching.py"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = [(200, 50), (2_000, 500), (20_000, 5_000)]  # mentees × mentors


def one(n_mentees: int, n_mentors: int) -> dict[str, object]:
    from bot.domain import matching as mt
    from bot.domain.synthetic import people
    from bot.services.pairs import top_k_for

    mentors, mentees = people(n_mentors, n_mentees, seed=42)
    k = top_k_for(n_mentors, n_mentees)
    started = time.perf_counter()
    result = mt.match(mentors, mentees, top_k=k)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    baseline = mt.greedy(mentors, mentees, top_k=k)
    greedy_seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "mentees": n_mentees,
        "mentors": n_mentors,
        "seconds": round(seconds, 3),
        "peak_mb": round(peak_mb, 1),
        "score": round(result.total, 2),
        "greedy_score": round(baseline.total, 2),
        "greedy_seconds": round(greedy_seconds, 3),
        "matched": len(result.pairs),
        "greedy_matched": len(baseline.pairs),
        "top_k": k,
        "edges": result.edges,
        "score_ratio": round(result.total / baseline.total, 4) if baseline.total else None,
    }


def main() -> None:
    if len(sys.argv) == 3:
        print(json.dumps(one(int(sys.argv[1]), int(sys.argv[2]))), flush=True)
        return
    for n_mentees, n_mentors in SIZES:
        subprocess.run([sys.executable, __file__, str(n_mentees), str(n_mentors)], check=True)  # noqa: S603 - our own script


if __name__ == "__main__":
    main()
