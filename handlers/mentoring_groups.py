"""Mentoring groups: the curator's group card, confirmation and moving a member; the
mentor's one answer for the group; a member leaving the group."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.clock import Clock
from bot.domain.errors import InvalidInput
from bot.domain.groups import parse_size
from bot.domain.models import User
from bot.domain.pairs import PairStatus
from bot.i18n import L10n, Translator
from bot.services import groups as service
from bot.services.curation import require_programme
from handlers import group_texts as texts
from handlers.callbacks import GroupCb, GroupMineCb, GroupMoveCb, PairsCb
from handlers.common import error_text, notify, strings_for, tell_curators
from handlers.curator import IsCurator
from handlers.kb import InlineKeyboardBuilder
from handlers.proposals import _curators, _introduce
from handlers.states import GroupSize
from storage.unit import Unit


# --- the curator ------------------------------------------------------------------------------
async def on_card(
    cb: CallbackQuery, callback_data: GroupCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    """A group's card ("card", and any action an old button may still carry)."""
    v = await service.curated(uow, user.id, callback_data.g)
    others = [g for g in await service.of_programme(uow, user.id, v.programme.id) if g.group.id != v.group.id]
    await cb.answer()
    await bot.send_message(user.id, texts.card(t, v), reply_markup=texts.card_keyboard(t, v, others))


async def on_list(
    cb: CallbackQuery, callback_data: PairsCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    """The programme's groups, each as its card (draft, waiting for answers or working)."""
    groups = await service.of_programme(uow, user.id, callback_data.pid)
    await cb.answer()
    if not groups:
        await bot.send_message(user.id, t("groups.none"))
        return
    for v in groups:
        others = [g for g in groups if g.group.id != v.group.id]
        await bot.send_message(user.id, texts.card(t, v), reply_markup=texts.card_keyboard(t, v, others))


async def on_confirm(
    cb: CallbackQuery,
    callback_data: GroupCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    """The curator confirms a draft group: the mentor and each member get their proposal."""
    now = clock.now()
    v = await service.confirm(uow, user.id, callback_data.g, now)
    await cb.answer()
    await texts.propose(uow, now, i18n, v)
    hours = v.programme.proposal_ttl_hours
    await bot.send_message(user.id, t("groups.confirmed", n=v.group.number, count=len(v.pairs), hours=hours))


async def on_move_start(
    cb: CallbackQuery, callback_data: GroupCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    """Which member to move: the group's proposed and working members."""
    v = await service.curated(uow, user.id, callback_data.g, write=True)
    await cb.answer()
    kb = InlineKeyboardBuilder()
    for p in v.pairs:
        if p.status is not PairStatus.DRAFT:
            kb.button(text=p.mentee.name[:40], callback_data=GroupMoveCb(pair=p.id, to=0))
    kb.adjust(1)
    await bot.send_message(user.id, t("groups.move_who", n=v.group.number), reply_markup=kb.as_markup())


async def on_move_where(
    cb: CallbackQuery, callback_data: GroupMoveCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    pair = await uow.pairs.get(callback_data.pair)
    if pair is None or pair.group_id is None:
        await cb.answer(t("error.stale"), show_alert=True)
        return
    groups = await service.of_programme(uow, user.id, pair.programme_id)
    await cb.answer()
    kb = InlineKeyboardBuilder()
    for g in groups:
        if g.group.id != pair.group_id and g.group.status.value in ("proposed", "active"):
            label = t("groups.btn.to", n=g.group.number, mentor=g.mentor.name[:30])
            kb.button(text=label, callback_data=GroupMoveCb(pair=pair.id, to=g.group.id))
    kb.adjust(1)
    if not kb.buttons:
        await bot.send_message(user.id, t("groups.move_nowhere"))
        return
    await bot.send_message(
        user.id, t("groups.move_where", member=pair.mentee.name), reply_markup=kb.as_markup()
    )


async def on_move(
    cb: CallbackQuery,
    callback_data: GroupMoveCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    """The member goes on in the other group: both mentors and the member are told."""
    now = clock.now()
    old, new = await service.move(uow, user.id, callback_data.pair, callback_data.to, now)
    await cb.answer()
    mt = await strings_for(uow, i18n, new.mentee.user_id)
    await notify(uow, now, new.mentee.user_id, mt("groups.moved_member", mentor=new.mentor.name))
    ot = await strings_for(uow, i18n, old.mentor.user_id)
    await notify(uow, now, old.mentor.user_id, ot("groups.moved_out", member=old.mentee.name))
    nt = await strings_for(uow, i18n, new.mentor.user_id)
    await notify(uow, now, new.mentor.user_id, nt("groups.moved_in", member=new.mentee.name))
    await bot.send_message(user.id, t("groups.moved", member=new.mentee.name, mentor=new.mentor.name))


async def on_size(
    cb: CallbackQuery, callback_data: PairsCb, state: FSMContext, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    """The programme's group size: asked as a number."""
    programme = await require_programme(uow, user.id, callback_data.pid, write=True)
    await cb.answer()
    await state.set_state(GroupSize.text)
    await state.set_data({"pid": programme.id})
    current = programme.group_size or "—"
    await bot.send_message(user.id, t("groups.ask_size", current=current))


async def on_size_text(message: Message, state: FSMContext, uow: Unit, user: User, t: L10n) -> None:
    data = await state.get_data()
    programme = await require_programme(uow, user.id, int(data["pid"]), write=True)
    try:
        size = parse_size(message.text)
    except InvalidInput as err:
        await message.answer(error_text(t, err))
        return
    await uow.programmes.update(programme.id, group_size=size)
    await state.clear()
    await message.answer(t("groups.size_set", size=size) if size else t("groups.size_cleared"))


# --- the mentor and the members ---------------------------------------------------------------
async def on_mentor_answer(
    cb: CallbackQuery,
    callback_data: GroupMineCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    """The mentor accepts or declines the whole group with one press."""
    now = clock.now()
    accept = callback_data.a == "y"
    v, started = await service.mentor_answer(uow, user.id, callback_data.id, accept, now)
    await cb.answer()
    if cb.message is not None:
        await bot.edit_message_reply_markup(chat_id=user.id, message_id=cb.message.message_id)
    await bot.send_message(user.id, t("groups.mentor_accepted" if accept else "groups.mentor_declined"))
    for pair in started:
        await _introduce(uow, now, i18n, pair)
        await _curators(uow, now, i18n, pair, "curator.pair_active")
    if accept:
        return
    for pair in v.pairs:
        if pair.status is PairStatus.DECLINED:
            st = await strings_for(uow, i18n, pair.mentee.user_id)
            await notify(uow, now, pair.mentee.user_id, st("proposal.other_declined"))
    curators = [
        (c.id, i18n.get(c.locale)) for c in await uow.organisations.curators(v.programme.organisation_id)
    ]
    await tell_curators(uow, now, curators, "groups.curator_declined", n=v.group.number, mentor=v.mentor.name)


async def on_leave(
    cb: CallbackQuery,
    callback_data: GroupMineCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    """A member leaves the group; the mentor and the curators are told; the group goes on."""
    now = clock.now()
    pair, v = await service.leave(uow, user.id, callback_data.id, now)
    await cb.answer()
    await bot.send_message(user.id, t("groups.left"))
    st = await strings_for(uow, i18n, v.mentor.user_id)
    await notify(uow, now, v.mentor.user_id, st("groups.member_left", member=pair.mentee.name))
    curators = [
        (c.id, i18n.get(c.locale)) for c in await uow.organisations.curators(v.programme.organisation_id)
    ]
    await tell_curators(
        uow, now, curators, "groups.curator_member_left", n=v.group.number, member=pair.mentee.name
    )


async def on_not_curator(cb: CallbackQuery, t: L10n) -> None:
    await cb.answer(t("error.not_curator"), show_alert=True)


def router() -> Router:
    r = Router(name="mentoring_groups")
    curator = Router(name="mentoring_groups_curator")
    curator.callback_query.filter(IsCurator())
    curator.message.filter(IsCurator(), F.chat.type == "private")
    curator.callback_query.register(on_confirm, GroupCb.filter(F.a == "ok"))
    curator.callback_query.register(on_move_start, GroupCb.filter(F.a == "mv"))
    curator.callback_query.register(on_card, GroupCb.filter())  # "card", and anything else
    curator.callback_query.register(on_move_where, GroupMoveCb.filter(F.to == 0))
    curator.callback_query.register(on_move, GroupMoveCb.filter())
    curator.callback_query.register(on_size, PairsCb.filter(F.action == "gsize"))
    curator.callback_query.register(on_list, PairsCb.filter(F.action == "groups"))
    curator.message.register(on_size_text, GroupSize.text, ~F.text.startswith("/"))
    r.include_router(curator)
    refusals = Router(name="mentoring_groups_refusals")  # the curator's group buttons, pressed by others
    refusals.callback_query.register(on_not_curator, GroupCb.filter())
    refusals.callback_query.register(on_not_curator, GroupMoveCb.filter())
    r.include_router(refusals)
    r.callback_query.register(on_mentor_answer, GroupMineCb.filter(F.a.in_({"y", "n"})))
    r.callback_query.register(on_leave, GroupMineCb.filter(F.a == "leave"))
    return r
