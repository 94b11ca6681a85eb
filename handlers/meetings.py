"""Meetings of a pair: /meetings, propose (buttons or typed time), confirm or another
time, reschedule, cancel, .ics, a weekly cadence; and the private check-in after a meeting."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message

from bot import jobs
from bot.clock import Clock
from bot.domain import meetings as rules
from bot.domain.errors import AlreadyDecided, DomainError
from bot.domain.meetings import Kind, Meeting, MeetingStatus
from bot.domain.models import Participant, User
from bot.i18n import Html, L10n, Translator
from bot.services import groups as group_service
from bot.services import meetings as service
from bot.services.groups import GroupView
from handlers import meeting_texts as mt
from handlers.answered import collapse, collapse_pressed
from handlers.callbacks import DayCb, FormatCb, GroupMineCb, KindCb, MeetCb, PlanCb, ReflectCb, TimeCb
from handlers.common import error_text, notify, refuse, strings_for, tell_curators
from handlers.kb import InlineKeyboardBuilder
from handlers.states import MeetingForm, Reflect
from storage.pairs import Side
from storage.unit import Unit

PRIVATE = F.chat.type == "private"
HOURS = range(8, 21)


async def on_meetings(message: Message, uow: Unit, user: User, t: L10n, clock: Clock) -> None:
    contexts = await service.my_pairs(uow, user.id)
    if not contexts:
        await message.answer(t("meet.no_pair"))
        return
    now = clock.now()
    led = await group_service.led_by(uow, user.id)  # a group's mentor sees the group once
    for v in led:
        await _group_block(message, uow, t, v, now)
    in_led = {p.id for v in led for p in v.pairs}
    for ctx in contexts:
        if ctx.pair.id in in_led:
            continue
        meetings = [
            m for m in await uow.meetings.of_pair(ctx.pair.id) if m.status is not MeetingStatus.CANCELLED
        ]
        upcoming = [m for m in meetings if m.starts_at >= now]
        past = [m for m in meetings if m.starts_at < now][-5:]
        lines = [t("meet.head", other=ctx.other.name)]
        lines += (
            [t("meet.upcoming")] + [mt.line(t, m, ctx.programme.timezone) for m in upcoming]
            if upcoming
            else []
        )
        lines += [t("meet.past")] + [mt.line(t, m, ctx.programme.timezone) for m in past] if past else []
        if not meetings:
            lines.append(t("meet.none_yet"))
        kb = InlineKeyboardBuilder()
        for i, m in enumerate(upcoming[:8]):
            kb.button(
                text=f"{i + 1}. {mt.when(t, m, ctx.programme.timezone)}",
                callback_data=MeetCb(action="card", id=m.id),
            )
        kb.button(text=t("meet.btn.new"), callback_data=MeetCb(action="new", id=ctx.pair.id))
        kb.button(text=t("plan.btn.open"), callback_data=PlanCb(a="v", id=ctx.pair.id))
        if ctx.pair.group_id is not None and ctx.me.id == ctx.pair.mentee.id:
            kb.button(text=t("groups.btn.leave"), callback_data=GroupMineCb(a="leave", id=ctx.pair.id))
        kb.adjust(1)
        await message.answer("\n".join(lines), reply_markup=kb.as_markup())


async def _group_block(message: Message, uow: Unit, t: L10n, v: GroupView, now: datetime) -> None:
    """The mentor's group: its upcoming group meetings (one line each), a button to set one."""
    tz = v.programme.timezone
    rows = [m for p in v.active for m in await uow.meetings.of_pair(p.id)]
    upcoming = {
        m.group_meeting: m
        for m in sorted(rows, key=lambda m: m.starts_at)
        if m.group_meeting is not None and m.status is MeetingStatus.CONFIRMED and m.starts_at >= now
    }
    lines = [t("groups.meet_head", n=v.group.number, count=len(v.active))]
    lines += [mt.line(t, m, tz) for m in upcoming.values()] or [t("meet.none_yet")]
    names = {p.id: p.mentee.name for p in v.active}
    personal = [  # a member's own meetings with the mentor, besides the group's
        m
        for m in sorted(rows, key=lambda m: m.starts_at)
        if m.group_meeting is None and m.status is not MeetingStatus.CANCELLED and m.starts_at >= now
    ]
    if personal:
        lines.append(t("groups.personal_head"))
        lines += [
            t("groups.personal_line", line=Html(mt.line(t, m, tz)), member=names[m.pair_id]) for m in personal
        ]
    kb = InlineKeyboardBuilder()
    kb.button(text=t("groups.btn.meet"), callback_data=GroupMineCb(a="meet", id=v.group.id))
    for i, gm in enumerate(list(upcoming)[:8], start=1):
        kb.button(text=t("groups.btn.cancel_n", n=i), callback_data=GroupMineCb(a="gx", id=gm or 0))
    for i, m in enumerate(personal[:8], start=1):
        kb.button(text=t("groups.btn.personal_n", n=i), callback_data=MeetCb(action="card", id=m.id))
    kb.adjust(1)
    await message.answer("\n".join(lines), reply_markup=kb.as_markup())


async def on_group_meet(
    cb: CallbackQuery,
    callback_data: GroupMineCb,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    bot: Bot,
    clock: Clock,
) -> None:
    """The mentor sets a meeting for the whole group: the same steps as for a pair."""
    v = await group_service.mentor_view(uow, user.id, callback_data.id)
    if not v.active:
        return await refuse(cb, t, "groups.no_members")
    await cb.answer()
    data = {"mode": "group", "group": v.group.id, "pair": v.active[0].id}
    await _ask_day(bot, t, state, user.id, data, v.programme.timezone, clock.now())
    return None


async def on_group_cancel(
    cb: CallbackQuery,
    callback_data: GroupMineCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    """The mentor cancels a group meeting for every member."""
    now = clock.now()
    rows, v = await group_service.cancel_meeting(uow, user.id, callback_data.id, "")
    await cb.answer()
    tz = v.programme.timezone
    await bot.send_message(user.id, t("meet.cancelled", when=mt.when(t, rows[0], tz)))
    members = {p.id: p.mentee for p in v.pairs}
    for m in rows:
        if (member := members.get(m.pair_id)) is not None:
            st = await strings_for(uow, i18n, member.user_id)
            text = st("groups.meeting_cancelled", mentor=v.mentor.name, when=mt.when(st, m, tz))
            await notify(uow, now, member.user_id, text, key=f"gmeet-x:{m.id}")


def _card_keyboard(t: L10n, meeting_id: int, confirmed: bool, group: bool = False) -> InlineKeyboardMarkup:
    """A group meeting's time is the mentor's: a member may only take it or say they can't come."""
    kb = InlineKeyboardBuilder()
    kb.button(text=t("meet.btn.ics"), callback_data=MeetCb(action="ics", id=meeting_id))
    if not group:
        kb.button(text=t("meet.btn.move"), callback_data=MeetCb(action="move", id=meeting_id))
    kb.button(text=t("meet.btn.cancel"), callback_data=MeetCb(action="cancel", id=meeting_id))
    if confirmed and not group:
        kb.button(text=t("meet.btn.weekly"), callback_data=MeetCb(action="weekly", id=meeting_id))
    kb.adjust(2)
    return kb.as_markup()


async def on_meet_new(
    cb: CallbackQuery,
    callback_data: MeetCb,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    bot: Bot,
    clock: Clock,
) -> None:
    now = clock.now()
    ctx = await service.pair_context(uow, user.id, callback_data.id)
    await service.check_can_propose(uow, ctx, now)
    await cb.answer()
    await _ask_day(bot, t, state, user.id, {"mode": "new", "pair": ctx.pair.id}, ctx.programme.timezone, now)


async def on_meet_noplace(
    cb: CallbackQuery,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    await cb.answer()
    await _finish_new(bot, state, uow, user, t, i18n, clock, None)


async def on_meet_ok(
    cb: CallbackQuery,
    callback_data: MeetCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    now = clock.now()
    meeting, ctx = await service.confirm(uow, user.id, callback_data.id)
    tz = ctx.programme.timezone
    nxt = await jobs.fix_reminders(uow, meeting, _sides(ctx), now)
    await cb.answer()
    if cb.message is not None:  # the proposal now reads «подтверждена», without buttons
        with suppress(TelegramBadRequest):
            await bot.edit_message_text(
                t("meet.proposed_by", other=ctx.other.name, line=Html(mt.line(t, meeting, tz))),
                chat_id=user.id,
                message_id=cb.message.message_id,
            )
    note = Html(mt.next_reminder(t, meeting, nxt, tz))
    await bot.send_message(user.id, t("meet.confirmed", when=mt.when(t, meeting, tz), reminder=note))
    ot = await strings_for(uow, i18n, ctx.other.user_id)
    note = Html(mt.next_reminder(ot, meeting, nxt, tz))
    await notify(
        uow,
        now,
        ctx.other.user_id,
        ot("meet.confirmed_by", other=ctx.me.name, when=mt.when(ot, meeting, tz), reminder=note),
    )


async def on_meet_other(
    cb: CallbackQuery,
    callback_data: MeetCb,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    bot: Bot,
    clock: Clock,
) -> None:
    meeting, ctx = await service.meeting_context(uow, user.id, callback_data.id)
    if meeting.status is not MeetingStatus.PROPOSED or meeting.proposed_by == user.id:
        raise AlreadyDecided()
    await cb.answer()
    data = {"mode": "other", "pair": ctx.pair.id, "meeting": meeting.id}
    await _ask_day(bot, t, state, user.id, data, ctx.programme.timezone, clock.now())


async def on_meet_move(
    cb: CallbackQuery,
    callback_data: MeetCb,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    bot: Bot,
    clock: Clock,
) -> None:
    meeting, ctx = await service.meeting_context(uow, user.id, callback_data.id)
    await cb.answer()
    data = {"mode": "move", "pair": ctx.pair.id, "meeting": meeting.id}
    await _ask_day(bot, t, state, user.id, data, ctx.programme.timezone, clock.now())


async def on_meet_cancel(
    cb: CallbackQuery, callback_data: MeetCb, state: FSMContext, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    meeting, _ = await service.meeting_context(uow, user.id, callback_data.id)
    await cb.answer()
    await state.set_state(MeetingForm.reason)
    await state.set_data({"mode": "cancel", "meeting": meeting.id})
    await bot.send_message(user.id, t("meet.ask_reason_cancel"))


async def on_meet_ics(
    cb: CallbackQuery, callback_data: MeetCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    meeting, ctx = await service.meeting_context(uow, user.id, callback_data.id)
    await cb.answer()
    title = t("meet.ics_title", kind=Html(t(f"meet.kind.{meeting.kind.value}")), other=ctx.other.name)
    data = rules.ics(meeting, title, t("meet.ics_description")).encode()
    await bot.send_document(user.id, BufferedInputFile(data, filename=f"meeting-{meeting.id}.ics"))


async def on_meet_weekly(
    cb: CallbackQuery,
    callback_data: MeetCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    now = clock.now()
    meeting, ctx = await service.meeting_context(uow, user.id, callback_data.id)
    created = await service.repeat_weekly(uow, user.id, meeting.id, now)
    await cb.answer()
    await bot.send_message(user.id, t("meet.weekly_done", count=len(created)))
    ot = await strings_for(uow, i18n, ctx.other.user_id)
    when = mt.when(ot, meeting, ctx.programme.timezone)
    await notify(uow, now, ctx.other.user_id, ot("meet.weekly_by", other=ctx.me.name, when=when))


async def on_meet_card(
    cb: CallbackQuery, callback_data: MeetCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    """A meeting's card ("card", and any action an old button may still carry)."""
    meeting, ctx = await service.meeting_context(uow, user.id, callback_data.id)
    await cb.answer()
    confirmed = meeting.status is MeetingStatus.CONFIRMED
    await bot.send_message(
        user.id,
        mt.line(t, meeting, ctx.programme.timezone),
        reply_markup=_card_keyboard(t, meeting.id, confirmed, meeting.group_meeting is not None),
    )


async def _ask_day(
    bot: Bot, t: L10n, state: FSMContext, chat_id: int, data: dict[str, Any], tz: str, now: datetime
) -> None:
    local = rules.to_local(now, tz)
    today = local.date()
    first = 0 if rules.offered_hours(today, local, HOURS) else 1  # no hour left today: from tomorrow
    kb = InlineKeyboardBuilder()
    for i in range(first, first + 14):
        day = today + timedelta(days=i)
        kb.button(text=t.short_day(day), callback_data=DayCb(day=f"{day:%Y%m%d}"))
    kb.adjust(4)
    await state.set_state(MeetingForm.day)
    await state.set_data({**data, "tz": tz})
    await bot.send_message(chat_id, t("meet.ask_day"), reply_markup=kb.as_markup())


async def on_day(
    cb: CallbackQuery, callback_data: DayCb, state: FSMContext, t: L10n, bot: Bot, clock: Clock
) -> None:
    try:
        day = datetime.strptime(callback_data.day, "%Y%m%d").date()
    except ValueError:
        return await refuse(cb, t, "error.stale")
    data = await state.get_data()
    hours = rules.offered_hours(day, rules.to_local(clock.now(), str(data.get("tz"))), HOURS)
    if not hours:
        return await refuse(cb, t, "meet.when.no_hours")
    await state.update_data(day=day.isoformat())
    await state.set_state(MeetingForm.time)
    await cb.answer()
    await collapse(bot, cb, t.day(day))
    kb = InlineKeyboardBuilder()
    for hour in hours:
        kb.button(text=f"{hour:02d}:00", callback_data=TimeCb(hhmm=f"{hour:02d}00"))
    kb.adjust(5)
    await bot.send_message(cb.from_user.id, t("meet.ask_time", day=t.day(day)), reply_markup=kb.as_markup())
    return None


async def on_day_text(
    message: Message,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    data = await state.get_data()
    try:
        when = rules.parse_when(message.text, rules.to_local(clock.now(), data["tz"]))
    except DomainError as err:
        await message.answer(error_text(t, err))
        return
    await _got_time(message.chat.id, when, state, uow, user, t, i18n, bot, clock)


async def on_time(
    cb: CallbackQuery,
    callback_data: TimeCb,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    data = await state.get_data()
    try:
        when = rules.parse_time(
            f"{callback_data.hhmm[:2]}:{callback_data.hhmm[2:]}", datetime.fromisoformat(data["day"]).date()
        )
    except (DomainError, KeyError, ValueError):
        return await refuse(cb, t, "error.stale")
    await cb.answer()
    await collapse(bot, cb, f"{when:%H:%M}")
    await _got_time(user.id, when, state, uow, user, t, i18n, bot, clock)
    return None


async def on_time_text(
    message: Message,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    data = await state.get_data()
    try:
        when = rules.parse_time(message.text, datetime.fromisoformat(data["day"]).date())
    except DomainError:
        try:
            when = rules.parse_when(message.text, rules.to_local(clock.now(), data["tz"]))
        except DomainError as err:
            await message.answer(error_text(t, err))
            return
    await _got_time(message.chat.id, when, state, uow, user, t, i18n, bot, clock)


async def _got_time(
    chat_id: int,
    when: datetime,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    data = await state.get_data()
    try:
        rules.check_when(when, rules.to_local(clock.now(), data["tz"]))
    except DomainError as err:
        await bot.send_message(chat_id, error_text(t, err))
        return
    await state.update_data(when=when.isoformat())
    if data["mode"] == "other":  # only the time changes: the kind, format and place stay
        old, _ctx = await service.meeting_context(uow, user.id, int(data["meeting"]))
        await state.update_data(kind=old.kind.value, online=old.online)
        await _finish_new(bot, state, uow, user, t, i18n, clock, old.place)
        return
    if data["mode"] == "move":
        await state.set_state(MeetingForm.reason)
        await bot.send_message(chat_id, t("meet.ask_reason_move"))
        return
    ctx = await service.pair_context(uow, user.id, int(data["pair"]))
    suggested = await service.suggested_kind(uow, ctx, clock.now())
    kb = InlineKeyboardBuilder()
    for kind in Kind:
        star = "⭐ " if kind is suggested else ""
        kb.button(text=star + t(f"meet.kind.{kind.value}"), callback_data=KindCb(kind=kind.value))
    kb.adjust(1)
    await state.set_state(MeetingForm.kind)
    await bot.send_message(
        chat_id, t("meet.ask_kind", kind=Html(t(f"meet.kind.{suggested.value}"))), reply_markup=kb.as_markup()
    )


async def on_kind(cb: CallbackQuery, callback_data: KindCb, state: FSMContext, t: L10n, bot: Bot) -> None:
    if callback_data.kind not in {k.value for k in Kind}:
        return await refuse(cb, t, "error.stale")
    await state.update_data(kind=callback_data.kind)
    await state.set_state(MeetingForm.format)
    await cb.answer()
    await collapse(bot, cb, t(f"meet.kind.{callback_data.kind}"))
    kb = InlineKeyboardBuilder()
    kb.button(text=t("meet.offline"), callback_data=FormatCb(online=0))
    kb.button(text=t("meet.online"), callback_data=FormatCb(online=1))
    await bot.send_message(cb.from_user.id, t("meet.ask_format"), reply_markup=kb.as_markup())
    return None


async def on_format(cb: CallbackQuery, callback_data: FormatCb, state: FSMContext, t: L10n, bot: Bot) -> None:
    await state.update_data(online=bool(callback_data.online))
    await state.set_state(MeetingForm.place)
    await cb.answer()
    await collapse(bot, cb, t("meet.online" if callback_data.online else "meet.offline"))
    kb = InlineKeyboardBuilder()
    kb.button(text=t("btn.skip"), callback_data=MeetCb(action="noplace", id=0))
    key = "meet.ask_link" if callback_data.online else "meet.ask_place"
    await bot.send_message(cb.from_user.id, t(key), reply_markup=kb.as_markup())


async def on_place(
    message: Message,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    try:
        place = service.clean_text(message.text)
    except DomainError as err:
        await message.answer(error_text(t, err))
        return
    await _finish_new(bot, state, uow, user, t, i18n, clock, place)


async def _finish_new(
    bot: Bot,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    clock: Clock,
    place: str | None,
) -> None:
    data = await state.get_data()
    if "kind" not in data:
        await bot.send_message(user.id, t("error.stale"))
        return
    now = clock.now()
    if data.get("mode") == "group":
        await _finish_group(bot, state, uow, user, t, i18n, now, place)
        return
    replaces = int(data["meeting"]) if data.get("mode") == "other" else None
    meeting, ctx = await service.propose(
        uow,
        user.id,
        int(data["pair"]),
        datetime.fromisoformat(data["when"]),
        Kind(data["kind"]),
        bool(data.get("online")),
        place,
        now,
        replaces,
    )
    await state.clear()
    tz = ctx.programme.timezone
    await bot.send_message(user.id, t("meet.sent", when=mt.when(t, meeting, tz), other=ctx.other.name))
    ot = await strings_for(uow, i18n, ctx.other.user_id)
    text = ot("meet.proposed_by", other=ctx.me.name, line=Html(mt.line(ot, meeting, tz)))
    await notify(
        uow, now, ctx.other.user_id, text, mt.confirm_keyboard(ot, meeting.id), key=f"meetprop:{meeting.id}"
    )


async def _finish_group(
    bot: Bot,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    now: datetime,
    place: str | None,
) -> None:
    """One time for the whole group: a confirmed row per member; every member is told, the
    mentor once; reminders that have already passed are never sent."""
    data = await state.get_data()
    rows, v = await group_service.schedule(
        uow,
        user.id,
        int(data["group"]),
        datetime.fromisoformat(data["when"]),
        Kind(data["kind"]),
        bool(data.get("online")),
        place,
        now,
    )
    await state.clear()
    tz = v.programme.timezone
    nxt = await _tell_members(uow, i18n, v, rows, now)
    note = Html(mt.next_reminder(t, rows[0], nxt, tz))
    await bot.send_message(
        user.id, t("groups.meeting_done", when=mt.when(t, rows[0], tz), count=len(rows), reminder=note)
    )


async def _tell_members(
    uow: Unit, i18n: Translator, v: GroupView, rows: list[Meeting], now: datetime
) -> timedelta | None:
    """Each member of a group meeting is told; reminders already passed never go. Returns
    the next reminder's offset."""
    tz = v.programme.timezone
    members = {p.id: p for p in v.active}
    nxt = None
    for m in rows:
        pair = members[m.pair_id]
        nxt = await jobs.fix_reminders(uow, m, [_side(pair.mentor), _side(pair.mentee)], now)
        st = await strings_for(uow, i18n, pair.mentee.user_id)
        text = st(
            "groups.meeting_set",
            mentor=v.mentor.name,
            line=Html(mt.line(st, m, tz)),
            reminder=Html(mt.next_reminder(st, m, nxt, tz)),
        )
        await notify(uow, now, pair.mentee.user_id, text, key=f"gmeet:{m.id}")
    return nxt


def _side(p: Participant) -> Side:
    return Side(p.id, p.user_id, p.name, p.role)


def _sides(ctx: service.PairContext) -> list[Side]:
    return [Side(p.id, p.user_id, p.name, p.role) for p in (ctx.pair.mentor, ctx.pair.mentee)]


async def on_reason(
    message: Message, state: FSMContext, uow: Unit, user: User, t: L10n, i18n: Translator, clock: Clock
) -> None:
    data = await state.get_data()
    now = clock.now()
    try:
        meeting, ctx, key, mine = await _cancel_or_move(uow, user, data, message.text or "", now)
    except DomainError as err:
        if err.key.startswith("meet.text"):
            await message.answer(error_text(t, err))
            return
        raise
    await state.clear()
    tz = ctx.programme.timezone
    await message.answer(t(mine, when=mt.when(t, meeting, tz)))
    ot = await strings_for(uow, i18n, ctx.other.user_id)
    updated = await uow.meetings.get(meeting.id) or meeting
    await notify(
        uow,
        now,
        ctx.other.user_id,
        ot(
            key,
            other=ctx.me.name,
            when=mt.when(ot, updated, tz),
            reason=" ".join((message.text or "").split()),
        ),
    )


async def _cancel_or_move(
    uow: Unit, user: User, data: dict[str, Any], reason: str, now: datetime
) -> tuple[Meeting, service.PairContext, str, str]:
    """Cancel or move the meeting with the reason typed; the keys of what the other side and
    this one are told."""
    if data.get("mode") == "cancel":
        meeting, ctx = await service.cancel(uow, user.id, int(data["meeting"]), reason)
        return meeting, ctx, "meet.cancelled_by", "meet.cancelled"
    meeting, ctx = await service.reschedule(
        uow, user.id, int(data["meeting"]), datetime.fromisoformat(data["when"]), reason, now
    )
    if meeting.status is MeetingStatus.CONFIRMED:
        await jobs.fix_reminders(uow, meeting, _sides(ctx), now)
    return meeting, ctx, "meet.moved_by", "meet.moved"


async def on_buttons_expected(message: Message, t: L10n) -> None:
    await message.answer(t("hint.use_buttons"))


# --- the check-in after a meeting ---------------------------------------------------------------
FIELD = {"h": "happened", "u": "usefulness", "s": "second", "d": "done_text", "n": "next_text"}


async def on_reflect(
    cb: CallbackQuery,
    callback_data: ReflectCb,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    name = FIELD.get(callback_data.f)
    if name is None:
        return await refuse(cb, t, "error.stale")
    value: str | int = callback_data.v
    if name in ("usefulness", "second"):
        value = int(callback_data.v) if callback_data.v.isdigit() else -1
    elif name in ("done_text", "next_text"):
        value = ""  # skipped
    following, disagreement, ctx = await service.reflect(
        uow, user.id, callback_data.m, name, value, clock.now()
    )
    await cb.answer()
    await collapse_pressed(bot, cb)  # the check-in's question keeps the answer chosen
    await _next_reflection_step(
        bot, state, uow, user, t, i18n, clock, callback_data.m, following, disagreement, ctx
    )
    return None


async def on_reflect_text(
    message: Message,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    data = await state.get_data()
    try:
        following, disagreement, ctx = await service.reflect(
            uow, user.id, int(data["meeting"]), data["field"], message.text or "", clock.now()
        )
    except DomainError as err:
        if err.key.startswith("meet.text"):
            await message.answer(error_text(t, err))
            return
        raise
    await _next_reflection_step(
        bot, state, uow, user, t, i18n, clock, int(data["meeting"]), following, disagreement, ctx
    )


async def _next_reflection_step(
    bot: Bot,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    clock: Clock,
    meeting_id: int,
    following: str | None,
    disagreement: str | None,
    ctx: service.PairContext,
) -> None:
    if following is None:
        await _reflection_done(bot, state, uow, user, t, i18n, clock, meeting_id, disagreement, ctx)
        return
    text = mt.question(t, following, ctx.side)
    if following in ("usefulness", "second"):
        await state.clear()
        await bot.send_message(user.id, text, reply_markup=mt.scale_keyboard(meeting_id, following[0]))
    else:
        await state.set_state(Reflect.text)
        await state.set_data({"meeting": meeting_id, "field": following})
        field = "d" if following == "done_text" else "n"
        await bot.send_message(user.id, text, reply_markup=mt.skip_keyboard(t, meeting_id, field))


async def _reflection_done(
    bot: Bot,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    clock: Clock,
    meeting_id: int,
    disagreement: str | None,
    ctx: service.PairContext,
) -> None:
    """The check-in is complete: thanks; after a planning meeting, the plan if it is still
    empty; curators hear of the two sides disagreeing about whether it happened."""
    await state.clear()
    await bot.send_message(user.id, t("reflect.thanks"))
    meeting = await uow.meetings.get(meeting_id)
    if meeting is not None and meeting.kind is Kind.PLANNING:
        plan = await uow.plans.get(ctx.pair.id)
        if plan.empty:  # the planning meeting is where the pair writes its plan down
            kb = InlineKeyboardBuilder()
            kb.button(text=t("plan.btn.open"), callback_data=PlanCb(a="v", id=ctx.pair.id))
            await bot.send_message(user.id, t("plan.after_planning"), reply_markup=kb.as_markup())
    if disagreement:
        curators = [
            (c.id, i18n.get(c.locale))
            for c in await uow.organisations.curators(ctx.programme.organisation_id)
        ]
        await tell_curators(
            uow,
            clock.now(),
            curators,
            f"curator.disagreement_{disagreement}",
            mentor=ctx.pair.mentor.name,
            mentee=ctx.pair.mentee.name,
        )


def router() -> Router:
    r = Router(name="meetings")
    r.message.register(on_meetings, Command("meetings"), PRIVATE)
    r.callback_query.register(on_meet_new, MeetCb.filter(F.action == "new"))
    r.callback_query.register(on_meet_noplace, MeetCb.filter(F.action == "noplace"))
    r.callback_query.register(on_meet_ok, MeetCb.filter(F.action == "ok"))
    r.callback_query.register(on_meet_other, MeetCb.filter(F.action == "other"))
    r.callback_query.register(on_meet_move, MeetCb.filter(F.action == "move"))
    r.callback_query.register(on_meet_cancel, MeetCb.filter(F.action == "cancel"))
    r.callback_query.register(on_meet_ics, MeetCb.filter(F.action == "ics"))
    r.callback_query.register(on_meet_weekly, MeetCb.filter(F.action == "weekly"))
    r.callback_query.register(on_meet_card, MeetCb.filter())  # "card", and anything else
    r.callback_query.register(on_day, MeetingForm.day, DayCb.filter())
    r.message.register(on_day_text, MeetingForm.day, PRIVATE, ~F.text.startswith("/"))
    r.callback_query.register(on_time, MeetingForm.time, TimeCb.filter())
    r.message.register(on_time_text, MeetingForm.time, PRIVATE, ~F.text.startswith("/"))
    r.callback_query.register(on_kind, MeetingForm.kind, KindCb.filter())
    r.callback_query.register(on_format, MeetingForm.format, FormatCb.filter())
    r.message.register(on_place, MeetingForm.place, PRIVATE, ~F.text.startswith("/"))
    r.message.register(on_reason, MeetingForm.reason, PRIVATE, ~F.text.startswith("/"))
    r.message.register(on_buttons_expected, MeetingForm.kind, PRIVATE)
    r.message.register(on_buttons_expected, MeetingForm.format, PRIVATE)
    r.callback_query.register(on_group_meet, GroupMineCb.filter(F.a == "meet"))
    r.callback_query.register(on_group_cancel, GroupMineCb.filter(F.a == "gx"))
    r.callback_query.register(on_reflect, ReflectCb.filter())
    r.message.register(on_reflect_text, Reflect.text, PRIVATE, ~F.text.startswith("/"))
    return r
