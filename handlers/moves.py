"""/move: a one-time link that takes the person's profile to the other messenger;
/start move_… in the other messenger uses it."""

from __future__ import annotations

from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.clock import Clock
from bot.domain.identity import messenger_of
from bot.domain.models import User
from bot.i18n import L10n
from bot.services import moves
from bot.services.links import StartLinks
from handlers.pair_texts import MESSENGERS
from storage.unit import Unit

PRIVATE = F.chat.type == "private"


async def on_move(message: Message, uow: Unit, user: User, t: L10n, clock: Clock, links: StartLinks) -> None:
    there = moves.other(messenger_of(user.id))
    name = MESSENGERS[there]
    urls = dict(links.urls("x"))
    if name not in urls:
        await message.answer(t("move.only_one", messenger=MESSENGERS[messenger_of(user.id)]))
        return
    token = await moves.make(uow.moves, user.id, clock.now())
    url = dict(links.urls(token))[name]
    await message.answer(t("move.link", messenger=name, link=url))


async def on_move_link(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    bot: Bot,
    clock: Clock,
) -> None:
    here = MESSENGERS[messenger_of(user.id)]
    username = message.from_user.username if message.from_user else None
    outcome, old = await moves.take(uow.moves, command.args or "", user.id, username, clock.now())
    if outcome is moves.Moved.SAME:
        await message.answer(t("move.same", messenger=MESSENGERS[moves.other(messenger_of(user.id))]))
        return
    if outcome is not moves.Moved.DONE:
        await message.answer(t(f"move.{outcome.value}"))
        return
    await state.clear()
    await message.answer(t("move.done", messenger=here))
    with suppress(TelegramAPIError):  # the old chat may be gone: the move stands
        await bot.send_message(old, t("move.left", messenger=here))


def router() -> Router:
    r = Router(name="moves")
    r.message.register(on_move, Command("move"), PRIVATE)
    r.message.register(
        on_move_link, CommandStart(deep_link=True, magic=F.args.startswith(moves.PREFIX)), PRIVATE
    )
    return r
