"""The curators' group chat: /bind makes it the programme's curator chat."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.clock import Clock
from bot.domain.catalog import DAYS
from bot.domain.models import Programme, User
from bot.i18n import L10n
from bot.services import curation, digest
from handlers.callbacks import BindCb
from handlers.kb import InlineKeyboardBuilder
from storage.repo import Repo

GROUPS = F.chat.type.in_({"group", "supergroup"})


async def on_bind(message: Message, repo: Repo, user: User, t: L10n, clock: Clock) -> None:
    programmes = await repo.curator_programmes(user.id)
    if not programmes:
        await message.answer(t("group.only_curators"))
        return
    if len(programmes) == 1:
        bound = await curation.bind_chat(repo, user.id, programmes[0].id, message.chat.id, clock.now())
        await message.answer(await _bound_text(repo, t, bound, clock.now()))
        return
    kb = InlineKeyboardBuilder()
    for p in programmes:
        kb.button(text=p.title[:60], callback_data=BindCb(pid=p.id))
    kb.adjust(1)
    await message.answer(t("group.choose"), reply_markup=kb.as_markup())


async def on_bind_choice(
    cb: CallbackQuery,
    callback_data: BindCb,
    repo: Repo,
    user: User,
    t: L10n,
    bot: Bot,
    clock: Clock,
) -> None:
    if cb.message is None:
        await cb.answer(t("error.stale"), show_alert=True)
        return
    bound = await curation.bind_chat(repo, user.id, callback_data.pid, cb.message.chat.id, clock.now())
    await cb.answer()
    await bot.send_message(cb.message.chat.id, await _bound_text(repo, t, bound, clock.now()))


async def _bound_text(repo: Repo, t: L10n, programme: Programme, now: datetime) -> str:
    """Bound: when the first digest comes (never at once mid-week), and /digest for one now."""
    first = await digest.bound(repo, programme, now)
    day = t(f"day.{DAYS[first.weekday()]}")
    when = f"{day} {first:%d.%m %H:%M} ({programme.timezone})"
    return t("group.bound", title=programme.title, first=when)


async def on_group_help(message: Message, t: L10n) -> None:
    await message.answer(t("group.help"))


def router() -> Router:
    r = Router(name="group")
    r.message.filter(GROUPS)
    r.message.register(on_bind, Command("bind"))
    r.message.register(on_group_help, Command("help", "start"))
    r.callback_query.register(on_bind_choice, BindCb.filter())
    return r
