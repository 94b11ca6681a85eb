"""The owner's one-time «стать куратором» link: /start owner_… → the school's name (unless
the link names it) → its timezone → the person is the school's curator."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.clock import Clock
from bot.domain import catalog as c
from bot.domain.errors import DomainError
from bot.domain.models import Organisation, User
from bot.i18n import L10n
from bot.services import owner
from handlers.answered import collapse
from handlers.callbacks import OwnerTzCb
from handlers.common import refuse, set_user_commands
from handlers.kb import InlineKeyboardBuilder
from handlers.states import OwnerSetup
from storage.unit import Unit

PRIVATE = F.chat.type == "private"
NAME_LIMIT = 200


async def on_owner_link(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    bot: Bot,
    clock: Clock,
) -> None:
    token = command.args or ""
    try:
        opened = await owner.open_link(uow, token, clock.now())
    except DomainError:
        await message.answer(t("owner.bad_link"))
        return
    await state.clear()
    if opened.org_name is not None and opened.timezone is not None:
        org = await owner.use(uow, token, user.id, opened.org_name, opened.timezone, clock.now())
        await _done(bot, t, user, org)
        return
    await state.set_state(OwnerSetup.name)
    await state.set_data({"token": token})
    await message.answer(t("owner.welcome"))
    await message.answer(t("owner.ask_name"))


async def on_name(message: Message, state: FSMContext, t: L10n) -> None:
    name = " ".join((message.text or "").split())
    if not 2 <= len(name) <= NAME_LIMIT:
        await message.answer(t("owner.bad_name", limit=NAME_LIMIT))
        return
    await state.update_data(name=name)
    await state.set_state(OwnerSetup.timezone)
    builder = InlineKeyboardBuilder()
    for i, tz in enumerate(c.TIMEZONES):
        builder.button(text=t(f"tz.{tz}"), callback_data=OwnerTzCb(i=i))
    builder.adjust(3)
    await message.answer(t("owner.ask_tz", name=name), reply_markup=builder.as_markup())


async def on_tz(
    cb: CallbackQuery,
    callback_data: OwnerTzCb,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    bot: Bot,
    clock: Clock,
) -> None:
    data = await state.get_data()
    if not 0 <= callback_data.i < len(c.TIMEZONES) or "name" not in data:
        return await refuse(cb, t, "error.stale")
    tz = c.TIMEZONES[callback_data.i]
    org = await owner.use(uow, str(data["token"]), user.id, str(data["name"]), tz, clock.now())
    await state.clear()
    await cb.answer()
    await collapse(bot, cb, t(f"tz.{tz}"))
    await _done(bot, t, user, org)
    return None


async def on_stale_tz(cb: CallbackQuery, t: L10n) -> None:
    await refuse(cb, t, "owner.stale")


async def _done(bot: Bot, t: L10n, user: User, org: Organisation) -> None:
    await set_user_commands(bot, t, user.id, curator=True, member=False)
    await bot.send_message(user.id, t("owner.done", org=org.name, tz=t.tz(org.timezone)))


def router() -> Router:
    r = Router(name="owner")
    r.message.register(
        on_owner_link,
        CommandStart(deep_link=True, magic=F.args.startswith(owner.PREFIX)),
        PRIVATE,
    )
    r.message.register(on_name, OwnerSetup.name, PRIVATE, F.text, ~F.text.startswith("/"))
    r.callback_query.register(on_tz, OwnerSetup.timezone, OwnerTzCb.filter())
    r.callback_query.register(on_stale_tz, OwnerTzCb.filter())
    return r
