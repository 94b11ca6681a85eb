"""Scheduler jobs: plain async functions with explicit arguments and an injectable clock,
so tests call them directly instead of waiting for time to pass."""

from __future__ import annotations

from aiogram import Bot
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
from bot.i18n import Translator
from bot.services import pairs
from handlers.callbacks import ProposalCb
from handlers.common import notify
from storage.db import Database


async def proposals_tick(db: Database, bot: Bot, i18n: Translator, clock: Clock) -> pairs.Due:
    """One reminder at half-time to whoever has not answered; expire what is overdue."""
    async with db.unit() as repo:
        due = await pairs.proposals_due(repo, clock.now())
        for pair in due.remind:
            for side in (pair.mentor, pair.mentee):
                if pair.answer_of(side.role) is not None:
                    continue
                owner = await repo.get_user(side.user_id)
                t = i18n.get(owner.locale if owner else None)
                kb = InlineKeyboardBuilder()
                kb.button(text=t("btn.accept"), callback_data=ProposalCb(pair=pair.id, answer="y"))
                kb.button(text=t("btn.decline"), callback_data=ProposalCb(pair=pair.id, answer="n"))
                await notify(
                    bot,
                    side.user_id,
                    t("proposal.reminder", other=pair.other(side.role).name),
                    kb.as_markup(),
                )
        for pair in due.expired:
            for side in (pair.mentor, pair.mentee):
                owner = await repo.get_user(side.user_id)
                await notify(bot, side.user_id, i18n.get(owner.locale if owner else None)("proposal.expired"))
            programme = await repo.get_programme(pair.programme_id)
            if programme is not None:
                for curator in await repo.curators_of(programme.organisation_id):
                    ct = i18n.get(curator.locale)
                    await notify(
                        bot,
                        curator.id,
                        ct(
                            "curator.pair_expired",
                            mentee=pair.mentee.name,
                            mentor=pair.mentor.name,
                            programme=programme.title,
                        ),
                    )
    return due
