"""The digest and the report at the scale of a region: 500 organisations, 100,000
participants, 40,000 pairs, 400,000 meetings, 800,000 reflections (fixed seed), in a real
SQLite file migrated by the project's own migrations.

Prints one JSON line: participants, reflections, digest_ms_p50, digest_ms_max (one
programme's digest including the chart), export_s (the largest organisation's XLSX), and
the parts (reading the snapshot, drawing the chart) so a regression can be located.
Targets: digest p50 under 300 ms, export under 10 s.

Run: .venv/bin/python bench/digest.py [--scale 0.1] [--programmes 40]"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain.catalog import COMPETENCIES, INTERESTS, REQUESTS, SLOTS  # noqa: E402
from bot.i18n import Translator  # noqa: E402
from bot.services import digest as digests  # noqa: E402
from bot.services import reports  # noqa: E402
from handlers import digest as views  # noqa: E402
from storage.db import Database  # noqa: E402

SEED = 20261122
START = date(2026, 9, 1)
NOW = datetime(2026, 12, 7, 6, 0)  # a Monday, 09:00 in Moscow
FORMS = ("pp", "tt", "sp", "tp")
FIRST = (
    "Анна",
    "Борис",
    "Вера",
    "Глеб",
    "Дарья",
    "Егор",
    "Жанна",
    "Иван",
    "Ксения",
    "Лев",
    "Мария",
    "Никита",
)
LAST = ("Иванова", "Петров", "Смирнова", "Кузнецов", "Попова", "Соколов", "Лебедева", "Козлов", "Новикова")


def ts(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S.%f")


def fill(path: str, scale: float) -> dict[str, int]:
    """Bulk rows through sqlite3 (the bot's own code reads them back)."""
    rnd = random.Random(SEED)
    n_orgs = max(2, round(500 * scale))
    n_people = round(100_000 * scale)
    # one large school (2% of everyone), the rest even
    sizes = [round(n_people * 0.02)] + [0] * (n_orgs - 1)
    rest = n_people - sizes[0]
    for i in range(1, n_orgs):
        sizes[i] = rest // (n_orgs - 1) + (1 if i <= rest % (n_orgs - 1) else 0)
    total_pairs = round(40_000 * scale)  # exactly, spread in proportion to the schools' sizes
    pair_counts = [size * total_pairs // n_people for size in sizes]
    for i in range(total_pairs - sum(pair_counts)):
        pair_counts[i % n_orgs] += 1
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    created = ts(datetime(2026, 8, 20, 9, 0))
    orgs, users, programmes, participants, mentor_p, mentee_p = [], [], [], [], [], []
    pairs, meetings, reflections = [], [], []
    uid, pid_, mid, rid = 1_000_000, 0, 0, 0
    pair_id = 0
    for org in range(1, n_orgs + 1):
        size = sizes[org - 1]
        orgs.append((org, f"Школа №{org}", "Europe/Moscow", size * 3, created))
        programmes.append(
            (org, org, "Наставничество 2026/27", json.dumps(list(FORMS)), 0, START.isoformat(),
             date(2027, 5, 31).isoformat(), "Europe/Moscow", "weekly", 8, 6, -org, 0, created, 72, 0, 0, 9)
        )  # fmt: skip
        mentors, mentees = [], []
        for k in range(size):
            uid += 1
            pid_ += 1
            name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
            users.append((uid, name, None, "ru", 0, 0, 0, created))
            joined = ts(datetime(2026, 8, 25) + timedelta(hours=rnd.randrange(24 * 10)))
            role = "mentor" if k % 10 < 3 else "mentee"
            participants.append((pid_, org, uid, role, "approved", name, None, 1, 1, joined, 0))
            tags = json.dumps(rnd.sample(COMPETENCIES if role == "mentor" else REQUESTS, 2))
            interests = json.dumps(rnd.sample(INTERESTS, 2))
            slots = json.dumps(rnd.sample(SLOTS, 3))
            if role == "mentor":
                mentor_p.append((pid_, "teacher", None, 8, tags, interests, 2, slots, "any"))
                mentors.append(pid_)
            else:
                mentee_p.append((pid_, "pupil", 7, None, tags, interests, slots, "any"))
                mentees.append(pid_)
        n_pairs = pair_counts[org - 1]
        for j in range(min(n_pairs, len(mentees))):
            pair_id += 1
            started = datetime(2026, 9, 7, 10) + timedelta(hours=rnd.randrange(24 * 14))
            status = "active" if rnd.random() > 0.05 else rnd.choice(("declined", "expired"))
            ended = ts(NOW - timedelta(days=rnd.randrange(10))) if status != "active" else None
            pairs.append(
                (pair_id, org, mentors[j % len(mentors)], mentees[j], status, rnd.choice(FORMS), 5.0, 0,
                 created, ts(started) if status == "active" else None, ended)
            )  # fmt: skip
            quiet = rnd.random() < 0.08  # some pairs go quiet: their last meetings never happen
            for w in range(10):
                mid += 1
                when = started + timedelta(days=7 * w + 1, hours=rnd.randrange(8))
                status_m = "cancelled" if quiet and w >= 6 else "confirmed"
                meetings.append(
                    (mid, pair_id, "regular", ts(when), 60, 1, status_m, 0, ts(when - timedelta(days=2)))
                )
                base = rnd.choice((3, 6, 7, 8, 9))
                for side, role in ((mentors[j % len(mentors)], "mentor"), (mentees[j], "mentee")):
                    rid += 1
                    asked = when + timedelta(hours=2)
                    answered = rnd.random() < 0.8 and asked < NOW
                    reflections.append(
                        (rid, mid, side, role, "yes" if answered else None,
                         max(1, min(10, base + rnd.randrange(-1, 2))) if answered else None,
                         8 if answered else None, ts(asked),
                         ts(asked + timedelta(hours=3)) if answered else None, 0)
                    )  # fmt: skip
    con.executemany(
        "INSERT INTO organisations (id,name,timezone,pupils_total,created_at) VALUES (?,?,?,?,?)", orgs
    )
    con.executemany(
        "INSERT INTO users (id,name,username,locale,forgotten,unreachable,unreachable_told,created_at)"
        " VALUES (?,?,?,?,?,?,?,?)",
        users,
    )
    con.executemany(
        "INSERT INTO programmes (id,organisation_id,title,forms,group_format,start_date,end_date,timezone,"
        "cadence,min_meetings,stage,curator_chat_id,archived,created_at,proposal_ttl_hours,mentee_choice,"
        "digest_weekday,digest_hour) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        programmes,
    )
    con.executemany(
        "INSERT INTO participants (id,programme_id,user_id,role,status,name,age,parental_consent,trained,"
        "joined_at,priority) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        participants,
    )
    con.executemany(
        "INSERT INTO mentor_profiles (participant_id,kind,grade,experience,competencies,interests,capacity,"
        "slots,format) VALUES (?,?,?,?,?,?,?,?,?)",
        mentor_p,
    )
    con.executemany(
        "INSERT INTO mentee_profiles (participant_id,kind,grade,experience,requests,interests,slots,format)"
        " VALUES (?,?,?,?,?,?,?,?)",
        mentee_p,
    )
    con.executemany(
        "INSERT INTO pairs (id,programme_id,mentor_id,mentee_id,status,form,score,manual,created_at,"
        "started_at,ended_at,reminded) VALUES (?,?,?,?,?,?,?,?,?,?,?,0)",
        pairs,
    )
    con.executemany(
        "INSERT INTO meetings (id,pair_id,kind,starts_at,duration_min,online,status,proposed_by,created_at)"
        " VALUES (?,?,?,?,?,?,?,?,?)",
        meetings,
    )
    con.executemany(
        "INSERT INTO reflections (id,meeting_id,participant_id,role,happened,usefulness,second,asked_at,"
        "answered_at,reminded) VALUES (?,?,?,?,?,?,?,?,?,?)",
        reflections,
    )
    con.commit()
    con.close()
    return {
        "organisations": n_orgs,
        "participants": len(participants),
        "pairs": len(pairs),
        "meetings": len(meetings),
        "reflections": len(reflections),
    }


async def main(scale: float, sample: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/digest.db"
        db = Database(f"sqlite+aiosqlite:///{path}")
        await db.migrate()
        await db.close()
        started = time.perf_counter()
        counts = fill(path, scale)
        fill_s = time.perf_counter() - started
        db = Database(f"sqlite+aiosqlite:///{path}")
        t = Translator("ru").get("ru")
        rnd = random.Random(SEED)
        async with db.unit() as uow:
            ids = await uow.reports.programme_ids()
            largest = await uow.reports.largest_organisation()
        chosen = sorted(rnd.sample(ids, min(sample, len(ids))))
        if largest is not None and largest not in chosen:
            chosen.append(largest)  # the largest school's programme is programme = organisation here
        await views.chart(t, await _build(db, chosen[0]))  # matplotlib's first import is not a digest
        total, snapshot, drawing, messages = [], [], [], []
        for pid in chosen:
            t0 = time.perf_counter()
            d = await _build(db, pid)
            t1 = time.perf_counter()
            parts = await views.full(t, d)
            t2 = time.perf_counter()
            total.append((t2 - t0) * 1000)
            snapshot.append((t1 - t0) * 1000)
            drawing.append((t2 - t1) * 1000)
            messages.append(len(parts))
            assert all(len(p.text) <= 4096 for p in parts)
        t0 = time.perf_counter()
        async with db.unit() as uow:
            assert largest is not None
            sheets = await reports.build(uow, t, largest, NOW)
        data = reports.to_xlsx(t, sheets)
        export_s = time.perf_counter() - t0
        await db.close()
    print(
        json.dumps(
            {
                "participants": counts["participants"],
                "reflections": counts["reflections"],
                "pairs": counts["pairs"],
                "meetings": counts["meetings"],
                "organisations": counts["organisations"],
                "fill_s": round(fill_s, 1),
                "digests_measured": len(chosen),
                "digest_ms_p50": round(statistics.median(total), 1),
                "digest_ms_max": round(max(total), 1),
                "read_and_rules_ms_p50": round(statistics.median(snapshot), 1),
                "render_and_chart_ms_p50": round(statistics.median(drawing), 1),
                "digest_messages_max": max(messages),
                "export_s": round(export_s, 2),
                "export_rows": sum(len(s.rows) for s in sheets),
                "export_bytes": len(data),
                "digest_p50_vs_target_300ms": round(statistics.median(total) / 300, 2),
                "export_vs_target_10s": round(export_s / 10, 2),
            }
        )
    )


async def _build(db: Database, programme_id: int) -> digests.Digest:
    async with db.unit() as uow:
        programme = await uow.programmes.get(programme_id)
        assert programme is not None
        return await digests.build(uow, programme, NOW)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--programmes", type=int, default=40)
    a = ap.parse_args()
    asyncio.run(main(a.scale, a.programmes))
