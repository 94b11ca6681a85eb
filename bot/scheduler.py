"""APScheduler wiring, kept apart from the job functions it calls."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import jobs
from bot.clock import Clock
from bot.i18n import Translator
from storage.db import Database

Job = Callable[..., Awaitable[Any]]
TICKS = (jobs.proposals_tick, jobs.meetings_tick, jobs.digest_tick, jobs.surveys_tick, jobs.pulses_tick)


def gated(job: Job, leading: Callable[[], bool]) -> Job:
    """The job runs only in the process that leads (see ``bot/leader.py``)."""

    @wraps(job)
    async def run(db: Database, i18n: Translator, clock: Clock, **kwargs: Any) -> Any:
        if leading():
            return await job(db, i18n, clock, **kwargs)
        return None

    return run


def build_scheduler(
    db: Database,
    i18n: Translator,
    clock: Clock,
    every_s: int = 30,
    leading: Callable[[], bool] = lambda: True,
    retention_months: int = 12,
) -> AsyncIOScheduler:
    """Each tick decides from the database what is due, so nothing is lost to a restart
    and the outbox's keys make every message happen once. Every process schedules the
    ticks; only the leader's run."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    for job in TICKS:
        scheduler.add_job(
            gated(job, leading),
            "interval",
            seconds=every_s,
            args=[db, i18n, clock],
            id=job.__name__,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=every_s,
        )
    scheduler.add_job(
        gated(jobs.housekeeping_tick, leading),
        "interval",
        seconds=3600,
        args=[db, i18n, clock],
        kwargs={"retention_months": retention_months},
        id="housekeeping_tick",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=3600,
    )
    return scheduler
