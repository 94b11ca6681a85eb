"""Closing a programme (stage 7): final survey, final meetings, each pair's outcome,
thanks (with a certificate) to mentors, then the archive."""

from __future__ import annotations

import asyncio

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery

from bot.charts import certificate
from bot.clock import Clock
from bot.domain.errors import AlreadyDecided
from bot.domain.models import User
from bot.i18n import Html, L10n, Translator
from bot.services import completion as service
from bot.services.curation import require_programme
from handlers.callbacks import CloseCb, OutcomeCb, ProgCb
from handlers.common import notify, strings_for
from handlers.curator import IsCurator
from handlers.kb import InlineKeyboardBuilder
from handlers.surveys import launch_and_invite
from storage.unit import Unit

PER_MESSAGE = 10


async def on_close(
    cb: CallbackQuery, callback_data: ProgCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    programme = await require_programme(uow, user.id, callback_data.pid, write=True)
    await cb.answer()
    kb = InlineKeyboardBuilder()
    kb.button(text=t("close.btn.go"), callback_data=CloseCb(a="go", pid=programme.id))
    await bot.send_message(user.id, t("close.confirm", title=programme.title), reply_markup=kb.as_markup())


async def on_step(
    cb: CallbackQuery,
    callback_data: CloseCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    now = clock.now()
    if callback_data.a == "go":
        closing = await service.start(uow, user.id, callback_data.pid, now)
        await cb.answer()
        survey_note = "close.survey_sent"
        try:
            await launch_and_invite(uow, now, i18n, user.id, closing.programme.id, "final")
        except AlreadyDecided:
            survey_note = "close.survey_was_sent"
        for pair in closing.pairs:
            for side in (pair.mentor, pair.mentee):
                st = await strings_for(uow, i18n, side.user_id)
                await notify(
                    uow,
                    now,
                    side.user_id,
                    st(
                        "close.final_meeting", title=closing.programme.title, other=pair.other(side.role).name
                    ),
                    key=f"finalmeet:{pair.id}:{side.id}",
                )
        await bot.send_message(
            user.id,
            t(
                "close.started",
                title=closing.programme.title,
                survey=Html(t(survey_note)),
                pairs=Html(t("n.pairs", count=len(closing.pairs))),
            ),
        )
        for start in range(0, len(closing.pairs), PER_MESSAGE):
            chunk = closing.pairs[start : start + PER_MESSAGE]
            lines = [t("close.outcomes_head")] if start == 0 else []
            kb = InlineKeyboardBuilder()
            for n, pair in enumerate(chunk, start=start + 1):
                lines.append(t("close.outcome_line", n=n, mentor=pair.mentor.name, mentee=pair.mentee.name))
                for o in service.OUTCOMES:
                    kb.button(
                        text=t(f"close.outcome_btn.{o}", n=n), callback_data=OutcomeCb(pair=pair.id, o=o)
                    )
            kb.adjust(3)
            await bot.send_message(user.id, "\n".join(lines), reply_markup=kb.as_markup())
        kb = InlineKeyboardBuilder()
        kb.button(text=t("close.btn.archive"), callback_data=CloseCb(a="archive", pid=closing.programme.id))
        await bot.send_message(user.id, t("close.archive_hint"), reply_markup=kb.as_markup())
    elif callback_data.a == "archive":
        done = await service.archive(uow, user.id, callback_data.pid, now)
        await cb.answer()
        org = await uow.organisations.get(done.programme.organisation_id)
        for mentor, _ in done.mentors:
            st = await strings_for(uow, i18n, mentor.user_id)
            picture = await asyncio.to_thread(
                certificate,
                [
                    st("close.cert.title"),
                    mentor.name,
                    st("close.cert.body"),
                    f"«{done.programme.title}»",
                    f"{org.name if org else ''} · {now:%d.%m.%Y}",
                ],
            )
            await notify(
                uow,
                now,
                mentor.user_id,
                st("close.thanks", title=done.programme.title),
                key=f"thanks:{done.programme.id}:{mentor.id}",
                photo=picture,
            )
        summary = ", ".join(f"{t(f'close.outcome.{k}')}: {v}" for k, v in sorted(done.outcomes.items()))
        await bot.send_message(
            user.id,
            t(
                "close.archived",
                title=done.programme.title,
                mentors=Html(t("n.mentors", count=len(done.mentors))),
                outcomes=summary or "—",
            ),
        )
    else:
        await cb.answer(t("error.stale"), show_alert=True)


async def on_outcome(
    cb: CallbackQuery, callback_data: OutcomeCb, uow: Unit, user: User, t: L10n, clock: Clock
) -> None:
    pair = await service.set_outcome(uow, user.id, callback_data.pair, callback_data.o, clock.now())
    await cb.answer(
        t("close.outcome_set", mentee=pair.mentee.name, outcome=Html(t(f"close.outcome.{callback_data.o}")))
    )


def router() -> Router:
    r = Router(name="completion")
    r.callback_query.filter(IsCurator())
    r.callback_query.register(on_close, ProgCb.filter(F.action == "close"))
    r.callback_query.register(on_step, CloseCb.filter())
    r.callback_query.register(on_outcome, OutcomeCb.filter())
    return r
