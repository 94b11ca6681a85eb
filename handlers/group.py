"""The curators' group chat: /bind makes it the programme's curator chat."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import JOIN_TRANSITION, LEAVE_TRANSITION, ChatMemberUpdatedFilter, Command
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message
from aiogram.types import User as TgUser

from bot.clock import Clock
from bot.domain.digest import outsiders
from bot.domain.models import Programme, User
from bot.i18n import L10n, Translator
from bot.services import curation
from bot.services import digest as digests
from handlers.callbacks import BindCb
from handlers.common import notify
from handlers.kb import InlineKeyboardBuilder
from storage.unit import Unit

GROUPS = F.chat.type.in_({"group", "supergroup"})


async def on_bind(message: Message, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock) -> None:
    programmes = await uow.programmes.of_curator(user.id)
    if not programmes:
        await message.answer(t("group.only_curators"))
        return
    if len(programmes) == 1:
        bound = await curation.bind_chat(uow, user.id, programmes[0].id, message.chat.id, clock.now())
        await message.answer(
            await _bound_text(uow, t, bound, clock.now()) + await _audience(uow, t, bot, bound)
        )
        return
    kb = InlineKeyboardBuilder()
    for p in programmes:
        kb.button(text=p.title[:60], callback_data=BindCb(pid=p.id))
    kb.adjust(1)
    await message.answer(t("group.choose"), reply_markup=kb.as_markup())


async def on_bind_choice(
    cb: CallbackQuery,
    callback_data: BindCb,
    uow: Unit,
    user: User,
    t: L10n,
    bot: Bot,
    clock: Clock,
) -> None:
    if cb.message is None:
        await cb.answer(t("error.stale"), show_alert=True)
        return
    bound = await curation.bind_chat(uow, user.id, callback_data.pid, cb.message.chat.id, clock.now())
    await cb.answer()
    text = await _bound_text(uow, t, bound, clock.now()) + await _audience(uow, t, bot, bound)
    await bot.send_message(cb.message.chat.id, text)


async def _audience(uow: Unit, t: L10n, bot: Bot, programme: Programme) -> str:
    """How many people read the chat against how many curators the school has."""
    assert programme.curator_chat_id is not None
    members = await bot.get_chat_member_count(programme.curator_chat_id) - 1  # the bot aside
    curators = await digests.note_chat_members(uow, programme, members)
    key = "group.members_warn" if outsiders(members, curators) else "group.members"
    return "\n\n" + t(key, members=members, curators=curators)


async def on_member_joined(
    event: ChatMemberUpdated, uow: Unit, i18n: Translator, bot: Bot, clock: Clock
) -> None:
    """Someone joined a bound curators' chat (the bot is an admin there): the curators hear
    of a non-curator at once."""
    await _joined(uow, i18n, bot, clock, event.chat.id, [event.new_chat_member.user])


async def on_members_added(message: Message, uow: Unit, i18n: Translator, bot: Bot, clock: Clock) -> None:
    """The service message of a join reaches the bot even when it is no admin (then no
    chat_member update comes); when both come, the outbox keys report a person once."""
    await _joined(uow, i18n, bot, clock, message.chat.id, message.new_chat_members or [])


async def on_member_left(event: ChatMemberUpdated | Message, uow: Unit, bot: Bot) -> None:
    programme = await digests.programme_of_chat(uow, event.chat.id)
    if programme is not None:
        await _recount(uow, bot, programme)


async def _recount(uow: Unit, bot: Bot, programme: Programme) -> None:
    """Ask Telegram again: counting joins and leaves would drift when both a chat_member
    update and a service message tell of the same one."""
    assert programme.curator_chat_id is not None
    members = await bot.get_chat_member_count(programme.curator_chat_id) - 1  # the bot aside
    await digests.note_chat_members(uow, programme, members)


async def _joined(
    uow: Unit, i18n: Translator, bot: Bot, clock: Clock, chat_id: int, people: list[TgUser]
) -> None:
    programme = await digests.programme_of_chat(uow, chat_id)
    if programme is None:
        return
    await _recount(uow, bot, programme)
    now = clock.now()
    for joined in people:
        if joined.is_bot or await uow.organisations.is_curator(joined.id, programme.organisation_id):
            continue
        name = joined.full_name + (f" (@{joined.username})" if joined.username else "")
        for curator in await uow.organisations.curators(programme.organisation_id):
            ct = i18n.get(curator.locale)
            text = ct("group.outsider", name=name, title=programme.title)
            await notify(
                uow, now, curator.id, text, key=f"joined:{chat_id}:{joined.id}:{curator.id}:{now:%Y%m%d}"
            )


async def _bound_text(uow: Unit, t: L10n, programme: Programme, now: datetime) -> str:
    """Bound: when the first digest comes (never at once mid-week), and /digest for one now."""
    first = await digests.bound(uow, programme, now)
    when = f"{t.when(first)} ({t.tz(programme.timezone)})"
    return t("group.bound", title=programme.title, first=when)


async def on_group_help(message: Message, t: L10n) -> None:
    await message.answer(t("group.help"))


def router() -> Router:
    r = Router(name="group")
    r.message.filter(GROUPS)
    r.message.register(on_bind, Command("bind"))
    r.message.register(on_group_help, Command("help", "start"))
    r.callback_query.register(on_bind_choice, BindCb.filter())
    r.chat_member.register(on_member_joined, ChatMemberUpdatedFilter(JOIN_TRANSITION))
    r.chat_member.register(on_member_left, ChatMemberUpdatedFilter(LEAVE_TRANSITION))
    r.message.register(on_members_added, F.new_chat_members)
    r.message.register(on_member_left, F.left_chat_member)
    return r
