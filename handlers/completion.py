"""Closing a programme (stage 7): final survey, final meetings, each pair's outcome,
thanks (with a certificate) to mentors, then the archive."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery

from bot.charts import certificate
from bot.clock import Clock
from bot.domain.errors import AlreadyDecided
from bot.domain.models import Participant, Programme, User
from bot.domain.pairs import Pair
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


async def on_go(
    cb: CallbackQuery,
    callback_data: CloseCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    """Stage 7 starts: the final survey, a final meeting asked of every pair, outcome buttons."""
    now = clock.now()
    closing = await service.start(uow, user.id, callback_data.pid, now)
    await cb.answer()
    survey_note = "close.survey_sent"
    try:
        await launch_and_invite(uow, now, i18n, user.id, closing.programme.id, "final")
    except AlreadyDecided:
        survey_note = "close.survey_was_sent"
    for pair in closing.pairs:
        await _ask_final_meeting(uow, now, i18n, closing.programme.title, pair)
    await bot.send_message(
        user.id,
        t(
            "close.started",
            title=closing.programme.title,
            survey=Html(t(survey_note)),
            pairs=Html(t("n.pairs", count=len(closing.pairs))),
        ),
    )
    await _send_outcome_buttons(bot, t, user.id, closing.pairs)
    kb = InlineKeyboardBuilder()
    kb.button(text=t("close.btn.archive"), callback_data=CloseCb(a="archive", pid=closing.programme.id))
    await bot.send_message(user.id, t("close.archive_hint"), reply_markup=kb.as_markup())


async def _ask_final_meeting(uow: Unit, now: datetime, i18n: Translator, title: str, pair: Pair) -> None:
    for side in (pair.mentor, pair.mentee):
        st = await strings_for(uow, i18n, side.user_id)
        await notify(
            uow,
            now,
            side.user_id,
            st("close.final_meeting", title=title, other=pair.other(side.role).name),
            key=f"finalmeet:{pair.id}:{side.id}",
        )


async def _send_outcome_buttons(bot: Bot, t: L10n, chat_id: int, pairs: Sequence[Pair]) -> None:
    """Each pair's outcome buttons, ``PER_MESSAGE`` pairs a message."""
    for start in range(0, len(pairs), PER_MESSAGE):
        chunk = pairs[start : start + PER_MESSAGE]
        lines = [t("close.outcomes_head")] if start == 0 else []
        kb = InlineKeyboardBuilder()
        for n, pair in enumerate(chunk, start=start + 1):
            lines.append(t("close.outcome_line", n=n, mentor=pair.mentor.name, mentee=pair.mentee.name))
            for o in service.OUTCOMES:
                kb.button(text=t(f"close.outcome_btn.{o}", n=n), callback_data=OutcomeCb(pair=pair.id, o=o))
        kb.adjust(3)
        await bot.send_message(chat_id, "\n".join(lines), reply_markup=kb.as_markup())


async def on_archive(
    cb: CallbackQuery,
    callback_data: CloseCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    """The programme goes to the archive; every mentor is thanked with a certificate."""
    now = clock.now()
    done = await service.archive(uow, user.id, callback_data.pid, now)
    await cb.answer()
    org = await uow.organisations.get(done.programme.organisation_id)
    for mentor, _ in done.mentors:
        await _thank(uow, now, i18n, done.programme, org.name if org else "", mentor)
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


async def _thank(
    uow: Unit, now: datetime, i18n: Translator, programme: Programme, org_name: str, mentor: Participant
) -> None:
    """A mentor's thanks, with a certificate drawn for them."""
    st = await strings_for(uow, i18n, mentor.user_id)
    picture = await asyncio.to_thread(
        certificate,
        [
            st("close.cert.title"),
            mentor.name,
            st("close.cert.body"),
            f"«{programme.title}»",
            f"{org_name} · {st.date(now.date())}",
        ],
    )
    await notify(
        uow,
        now,
        mentor.user_id,
        st("close.thanks", title=programme.title),
        key=f"thanks:{programme.id}:{mentor.id}",
        photo=picture,
    )


async def on_stale(cb: CallbackQuery, t: L10n) -> None:
    """A closing button of a kind this version no longer has."""
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
    r.callback_query.register(on_go, CloseCb.filter(F.a == "go"))
    r.callback_query.register(on_archive, CloseCb.filter(F.a == "archive"))
    r.callback_query.register(on_stale, CloseCb.filter())
    r.callback_query.register(on_outcome, OutcomeCb.filter())
    return r
