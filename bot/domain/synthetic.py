"""Realistic synthetic mentors and mentees with a fixed seed (benchmarks, demos, tests)."""

from __future__ import annotations

import random

from bot.domain import catalog as c
from bot.domain.catalog import MeetFormat
from bot.domain.matching import Person

MENTOR_MIX = [
    ("teacher", 0.35),
    ("pupil", 0.25),
    ("student", 0.2),
    ("employer", 0.1),
    ("parent", 0.05),
    ("alumnus", 0.05),
]
MENTEE_MIX = [("pupil", 0.8), ("college", 0.1), ("yteacher", 0.1)]
# the vocabulary the benchmarks' figures were measured on (codes added later left out, so a
# seed keeps giving the same people)
REQUESTS = c.REQUESTS[:14]
COMPETENCIES = REQUESTS + c.SUBJECTS


def _pick(rng: random.Random, mix: list[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in mix], [w for _, w in mix])[0]


def _slots(rng: random.Random) -> frozenset[str]:
    days = rng.sample(c.DAYS[:6], rng.randint(2, 4))
    parts = ["pm", "ev"] if rng.random() < 0.7 else ["am", "pm"]
    return frozenset(f"{d}_{p}" for d in days for p in rng.sample(parts, rng.randint(1, 2)))


def people(n_mentors: int, n_mentees: int, seed: int = 42) -> tuple[list[Person], list[Person]]:
    rng = random.Random(seed)
    fmt = [MeetFormat.ANY, MeetFormat.ANY, MeetFormat.OFFLINE, MeetFormat.ONLINE]
    mentors = []
    for i in range(n_mentors):
        kind = _pick(rng, MENTOR_MIX)
        mentors.append(
            Person(
                id=i + 1,
                user_id=i + 1,
                kind=kind,
                grade=rng.randint(9, 11) if kind == "pupil" else None,
                experience=rng.choice([2, 4, 6, 10, 15, 25])
                if kind in ("teacher", "employer", "parent")
                else None,
                tags=frozenset(rng.sample(COMPETENCIES, rng.randint(2, 6))),
                interests=frozenset(rng.sample(c.INTERESTS, rng.randint(1, 4))),
                slots=_slots(rng),
                format=rng.choice(fmt),
                capacity=rng.randint(1, 4),
            )
        )
    mentees = []
    for i in range(n_mentees):
        kind = _pick(rng, MENTEE_MIX)
        requests = REQUESTS[10:] if kind == "yteacher" else REQUESTS[:10]
        mentees.append(
            Person(
                id=10_000_000 + i,
                user_id=10_000_000 + i,
                kind=kind,
                grade=rng.randint(5, 10) if kind == "pupil" else None,
                experience=rng.randint(0, 3) if kind == "yteacher" else None,
                tags=frozenset(rng.sample(requests, rng.randint(1, 3))),
                interests=frozenset(rng.sample(c.INTERESTS, rng.randint(1, 4))),
                slots=_slots(rng),
                format=rng.choice(fmt),
            )
        )
    return mentors, mentees
