"""APScheduler wiring, kept apart from the job functions it calls."""

from __future__ import annotations

from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import jobs
from bot.clock import Clock
from bot.i18n import Translator
from storage.db import Database


def build_scheduler(
    db: Database, bot: Bot, i18n: Translator, clock: Clock, every_s: int = 60
) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        jobs.proposals_tick,
        "interval",
        seconds=every_s,
        args=[db, bot, i18n, clock],
        id="proposals",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=every_s,
    )
    return scheduler
