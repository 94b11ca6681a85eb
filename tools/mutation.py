"""`make mutation`: mutmut over bot/domain/ with tests/unit, one JSON line per module.

Usage: python tools/mutation.py [--report | --resume] [MODULE ...]
  MODULE   e.g. `pairs` or `programmes` to mutate only those (iterating); default all.
  --report print the table from the last run without running mutmut.
  --resume rerun only the mutants the last run did not kill (after adding tests; quicker).
The score counts killed + timeout over all generated mutants (no_tests counts against).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
LOG = MUTANTS / "mutation.log"  # mutmut's own output of the last run
KILLED = {1, 3}  # mutmut: 3 (pytest internal error) also counts as killed
TIMEOUT = {36, -24, 24, 152, 255}
NO_TESTS = {5, 33}
SURVIVED = {0}
SKIPPED = {34}


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def run(modules: list[str], resume: bool) -> int:
    # Named mutants are always run again; unnamed ones would keep a cached verdict from an
    # older run even after the tests changed, so a full run names them all.
    names = [f"bot.domain.{m}.*" for m in modules] or ["bot.domain.*"]
    if resume:  # only those not killed last time (new tests kill; they never revive a mutant)
        names = [k for k, c in _codes(modules) if c not in KILLED | TIMEOUT]
        if not names:
            return 0
    children = os.environ.get("MUTATION_JOBS", "2")
    budget = int(os.environ.get("MUTATION_BUDGET", "2400"))  # seconds; a guard, not the goal
    LOG.parent.mkdir(exist_ok=True)
    with LOG.open("w") as log:
        return _mutmut(names, children, budget, log)


def _mutmut(names: list[str], children: str, budget: int, log: IO[str]) -> int:
    try:
        done = subprocess.run(  # noqa: S603 (our own venv's mutmut, fixed arguments)
            [_bin("mutmut"), "run", "--max-children", children, *names],
            cwd=ROOT,
            timeout=budget,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        print(json.dumps({"error": f"mutmut ran past {budget} s; the table is partial"}))
        return 1
    if done.returncode:
        print(json.dumps({"error": f"mutmut exited {done.returncode}; see {LOG}", "verdicts": "stale"}))
    return done.returncode


def _codes(modules: list[str]) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for meta in sorted((MUTANTS / "bot" / "domain").glob("*.py.meta")):
        if not modules or meta.name.removesuffix(".py.meta") in modules:
            out += json.loads(meta.read_text())["exit_code_by_key"].items()
    return out


def tally(modules: list[str]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for meta in sorted((MUTANTS / "bot" / "domain").glob("*.py.meta")):
        module = meta.name.removesuffix(".py.meta")
        if modules and module not in modules:
            continue
        codes = list(json.loads(meta.read_text())["exit_code_by_key"].values())
        if not codes:
            continue
        rows.append(_row(module, codes))
    return rows


def _row(module: str, codes: list[int | None]) -> dict[str, object]:
    killed = sum(c in KILLED for c in codes)
    timeout = sum(c in TIMEOUT for c in codes)
    generated = len(codes) - sum(c in SKIPPED for c in codes)
    return {
        "module": module,
        "generated": generated,
        "killed": killed,
        "survived": sum(c in SURVIVED for c in codes),
        "timeout": timeout,
        "no_tests": sum(c in NO_TESTS for c in codes),
        "other": generated - killed - timeout - sum(c in SURVIVED | NO_TESTS for c in codes),
        "score": round(100 * (killed + timeout) / generated, 1) if generated else 100.0,
    }


def main(argv: list[str]) -> int:
    report_only = "--report" in argv
    modules = [a.removesuffix(".py") for a in argv if not a.startswith("--")]
    code = 0 if report_only else run(modules, "--resume" in argv)
    rows = tally(modules)
    counts = ("generated", "killed", "survived", "timeout", "no_tests", "other")
    sums = {k: sum(int(str(r[k])) for r in rows) for k in counts}
    caught = sums["killed"] + sums["timeout"]
    score = round(100 * caught / sums["generated"], 1) if sums["generated"] else 0.0
    total: dict[str, object] = {"module": "TOTAL", **sums, "score": score}
    for row in [*rows, total]:
        print(json.dumps(row))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
