"""The school's mentor base («база наставников»): /base and the programme card's button for
curators (filters, pages, one-tap invitations, XLSX), an invited person's answer, and
copying a programme with its settings and, if asked, its cohort."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message

from bot.clock import Clock
from bot.domain import base as rules
from bot.domain import catalog as c
from bot.domain import programmes as programme_rules
from bot.domain.base import BaseInvite, BaseMentor, Filter, InviteSource
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.models import Programme, User
from bot.i18n import Html, L10n, Translator
from bot.services import base as service
from bot.services import people
from bot.services.curation import require_programme
from handlers import keyboards as kb
from handlers.answered import collapse
from handlers.base_texts import base_sheet, mentor_line, to_xlsx
from handlers.callbacks import BaseAnswerCb, BaseCb, CopyCb, ProgCb
from handlers.common import notify, refuse, send_long, set_user_commands, strings_for
from handlers.curator import IsCurator, programme_keyboard
from handlers.kb import InlineKeyboardBuilder
from handlers.render import programme_card
from handlers.states import CopyForm, Join
from storage.unit import Unit

KINDS = ("", *(k.value for k in c.MentorKind))
TRAINED = ("", "1", "0")
ACTIVITY = tuple(a.value for a in rules.Activity)
INVITE_ROW = 5


def _filter(f: BaseCb) -> Filter:
    return rules.check_filter(f.k, f.t, f.c, f.f)


def _with(cb: BaseCb, **changes: object) -> BaseCb:
    return cb.model_copy(update=changes)


async def on_base_command(
    message: Message, command: CommandObject, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock
) -> None:
    """/base: the school's whole base; /base export: as an XLSX sheet."""
    if (command.args or "").strip().casefold() in ("export", "xlsx", "выгрузка", "excel"):
        await _send_xlsx(bot, uow, t, user.id, BaseCb(a="xl"), clock.now())
        return
    await _send_base(bot, uow, t, user.id, BaseCb(a="ls"), clock.now())


async def on_programme_base(
    cb: CallbackQuery, callback_data: ProgCb, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock
) -> None:
    """The card's «База наставников»: former mentors not yet in this programme, to invite."""
    await require_programme(uow, user.id, callback_data.pid, write=True)
    await cb.answer()
    await _send_base(bot, uow, t, user.id, BaseCb(a="ls", p=callback_data.pid), clock.now())


async def on_list(
    cb: CallbackQuery, callback_data: BaseCb, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock
) -> None:
    """A filter or a page of the base."""
    try:
        _filter(callback_data)
    except InvalidInput as err:
        return await refuse(cb, t, err)
    await cb.answer()
    await _send_base(bot, uow, t, user.id, callback_data, clock.now())
    return None


async def on_competence(cb: CallbackQuery, callback_data: BaseCb, t: L10n, bot: Bot) -> None:
    """The competencies to filter by (one per button)."""
    await cb.answer()
    choose = InlineKeyboardBuilder()
    for code in ("", *c.COMPETENCIES):
        label = t(f"comp.{code}") if code else t("base.filter.comp_all")
        choose.button(text=label, callback_data=_with(callback_data, a="ls", c=code, g=0, m=0))
    choose.adjust(3)
    await bot.send_message(cb.from_user.id, t("base.comp_choose"), reply_markup=choose.as_markup())


async def on_xlsx(
    cb: CallbackQuery, callback_data: BaseCb, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock
) -> None:
    try:
        _filter(callback_data)
    except InvalidInput as err:
        return await refuse(cb, t, err)
    await cb.answer(t("export.preparing"))
    await _send_xlsx(bot, uow, t, user.id, callback_data, clock.now())
    return None


async def _send_xlsx(bot: Bot, uow: Unit, t: L10n, curator_id: int, f: BaseCb, now: datetime) -> None:
    found = await service.listing(uow, curator_id, f.p or None, _filter(f), now)
    sheet = base_sheet(t, found.mentors)
    data = await asyncio.to_thread(to_xlsx, t, sheet)
    await bot.send_document(
        curator_id,
        BufferedInputFile(data, f"mentor-base-{now:%Y%m%d}.xlsx"),
        caption=t("base.export_caption", count=len(found.mentors)),
    )


async def _send_base(bot: Bot, uow: Unit, t: L10n, curator_id: int, f: BaseCb, now: datetime) -> None:
    found = await service.listing(uow, curator_id, f.p or None, _filter(f), now)
    shown, page = rules.page_of(found.mentors, f.g)
    pages = max(1, -(-len(found.mentors) // rules.PAGE))
    f = _with(f, g=page, a="ls", m=0)
    org = await uow.organisations.get(found.organisation_id)
    head = t("base.head", org=org.name if org else "", count=len(found.mentors), page=page + 1, pages=pages)
    if found.programme is not None:
        head += "\n" + t("base.head_programme", title=found.programme.title)
    first = page * rules.PAGE + 1
    lines = [mentor_line(t, n, m, found.invited.get(m.user_id)) for n, m in enumerate(shown, start=first)]
    blocks = [head, *lines] if lines else [head, t("base.empty")]
    markup = _keyboard(t, f, found.mentors, found.invited)
    await send_long(bot, curator_id, blocks, markup)


def _keyboard(
    t: L10n, f: BaseCb, everyone: list[BaseMentor], invited: Mapping[int, object]
) -> InlineKeyboardMarkup:
    """Invitation buttons for the page (to a programme), the filters, pages, export."""
    shown, _ = rules.page_of(everyone, f.g)
    first, total = f.g * rules.PAGE + 1, len(everyone)
    board = InlineKeyboardBuilder()
    sizes: list[int] = []
    if f.p:
        free = [(n, m) for n, m in enumerate(shown, start=first) if m.user_id not in invited]
        for n, m in free:
            board.button(text=t("base.btn.invite_one", n=n), callback_data=_with(f, a="inv", m=m.id))
        sizes += [INVITE_ROW] * (len(free) // INVITE_ROW) + (
            [len(free) % INVITE_ROW] if len(free) % INVITE_ROW else []
        )
        invitable = sum(1 for m in everyone if m.user_id not in invited)  # on every page
        if invitable:
            board.button(text=t("base.btn.invite_all", count=invitable), callback_data=_with(f, a="all"))
            sizes.append(1)
    _filter_buttons(board, t, f)
    sizes += [4, 3, 3, 4, 1]
    nav = 0
    if f.g > 0:
        board.button(text="◀️", callback_data=_with(f, g=f.g - 1))
        nav += 1
    if (f.g + 1) * rules.PAGE < total:
        board.button(text="▶️", callback_data=_with(f, g=f.g + 1))
        nav += 1
    if nav:
        sizes.append(nav)
    board.button(text=t("base.btn.export"), callback_data=_with(f, a="xl"))
    sizes.append(1)
    board.adjust(*sizes)
    return board.as_markup()


def _filter_buttons(board: InlineKeyboardBuilder, t: L10n, f: BaseCb) -> None:
    def mark(on: bool) -> str:
        return "• " if on else ""

    for kind in KINDS:
        label = t(f"mkind.{kind}") if kind else t("base.filter.kind_all")
        board.button(text=mark(kind == f.k) + label, callback_data=_with(f, k=kind, g=0))
    for value in TRAINED:
        board.button(
            text=mark(value == f.t) + t(f"base.filter.trained.{value or 'all'}"),
            callback_data=_with(f, t=value, g=0),
        )
    for value in ACTIVITY:
        board.button(
            text=mark(value == f.f) + t(f"base.filter.activity.{value or 'all'}"),
            callback_data=_with(f, f=value, g=0),
        )
    comp = t(f"comp.{f.c}") if f.c else t("base.filter.comp_all")
    board.button(text=t("base.btn.comp", comp=comp), callback_data=_with(f, a="comp"))


async def on_invite(
    cb: CallbackQuery,
    callback_data: BaseCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    """«➕ N»: one person from the base is asked privately; the list loses their button."""
    now = clock.now()
    invitation, mentor, programme = await service.invite(uow, user.id, callback_data.p, callback_data.m, now)
    await send_invitation(uow, i18n, now, programme, invitation)
    await cb.answer(t("base.invited_one", name=mentor.name)[:200])
    await _refresh(cb, uow, t, bot, user, callback_data, now)


async def on_invite_all(
    cb: CallbackQuery,
    callback_data: BaseCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    """«Пригласить всех»: everyone the filter shows who was not asked yet."""
    now = clock.now()
    try:
        flt = _filter(callback_data)
    except InvalidInput as err:
        return await refuse(cb, t, err)
    made, programme = await service.invite_all(uow, user.id, callback_data.p, flt, now)
    for invitation, _ in made:
        await send_invitation(uow, i18n, now, programme, invitation)
    await cb.answer(t("base.invited_all", count=len(made))[:200])
    await _refresh(cb, uow, t, bot, user, callback_data, now)
    return None


async def _refresh(
    cb: CallbackQuery, uow: Unit, t: L10n, bot: Bot, user: User, f: BaseCb, now: datetime
) -> None:
    """The list's buttons again, without the people just asked."""
    if not isinstance(cb.message, Message):
        return
    found = await service.listing(uow, user.id, f.p, _filter(f), now)
    _, page = rules.page_of(found.mentors, f.g)
    markup = _keyboard(t, _with(f, a="ls", m=0, g=page), found.mentors, found.invited)
    await bot.edit_message_reply_markup(
        chat_id=user.id, message_id=cb.message.message_id, reply_markup=markup
    )


async def send_invitation(
    uow: Unit, i18n: Translator, now: datetime, programme: Programme, invitation: BaseInvite
) -> None:
    """The private message with «Участвовать» / «Не сейчас»."""
    formal = await service.invitee_formal(uow, programme, invitation)  # not their old participations
    pt = (await strings_for(uow, i18n, invitation.user_id)).reader(formal)
    org = await uow.organisations.get(programme.organisation_id)
    if invitation.source is InviteSource.ALUMNI:
        key = "base.invite.alumni"
    elif invitation.role is c.Role.MENTEE:
        key = "base.invite.mentee"
    else:
        key = "base.invite.mentor"
    text = pt(
        key,
        org=org.name if org else "",
        programme=programme.title,
        start=pt.date(programme.start),
        end=pt.date(programme.end),
    )
    board = InlineKeyboardBuilder()
    board.button(text=pt("base.btn.yes"), callback_data=BaseAnswerCb(a="y", i=invitation.id))
    board.button(text=pt("base.btn.no"), callback_data=BaseAnswerCb(a="n", i=invitation.id))
    await notify(uow, now, invitation.user_id, text, board.as_markup(), key=f"baseinv:{invitation.id}")


async def on_answer(
    cb: CallbackQuery,
    callback_data: BaseAnswerCb,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    """«Участвовать»: enrolled at once with the known profile (or the questionnaire for an
    alumnus); «Не сейчас»: nothing else happens. The curators are told either way."""
    now = clock.now()
    try:
        done = await service.answer(uow, user.id, callback_data.i, callback_data.a == "y", now)
    except DomainError as err:
        return await refuse(cb, t, err)
    t = t.reader(done.formal)  # as the invitation said it
    await cb.answer()
    if done.needs_form:
        await collapse(bot, cb, t("base.btn.yes"))
        return await _start_form(uow, state, t, bot, user, done, now)
    if done.participant is None:
        await collapse(bot, cb, t("base.btn.no"))
        await bot.send_message(user.id, t("base.answer.declined"))
    else:
        await collapse(bot, cb, t("base.btn.yes"))
        key = "base.answer.joined_minor" if done.participant.awaits_parental_consent else "base.answer.joined"
        await bot.send_message(user.id, t(key, programme=done.programme.title))
        await set_user_commands(
            bot, t, user.id, curator=await uow.organisations.is_curator(user.id), member=True
        )
    await _tell_curators(uow, i18n, now, done)
    return None


async def _start_form(
    uow: Unit, state: FSMContext, t: L10n, bot: Bot, user: User, done: service.Answered, now: datetime
) -> None:
    """An alumnus said yes: the programme's registration (language, consent, questionnaire)."""
    invite = await service.registration_invite(
        uow, done.programme, done.invite.role, user.id, now, people.new_token
    )
    await state.clear()
    await state.set_state(Join.language)
    await state.set_data({"flow": "join", "invite": invite.token, "role": done.invite.role.value})
    await bot.send_message(user.id, t("base.answer.form", programme=done.programme.title))
    await bot.send_message(user.id, t("join.language"), reply_markup=kb.languages(t))


async def _tell_curators(uow: Unit, i18n: Translator, now: datetime, done: service.Answered) -> None:
    person = done.participant
    name = person.name if person is not None else ""
    if not name:
        found = await uow.base.find(done.programme.organisation_id, done.invite.user_id)
        name = found.name if found is not None else "—"
    for curator in await uow.organisations.curators(done.programme.organisation_id):
        ct = i18n.get(curator.locale)
        if person is None:
            text = ct("base.curator.declined", name=name, programme=done.programme.title)
        else:
            trained = Html(ct("base.curator.trained")) if person.trained else Html("")
            text = ct(
                "base.curator.joined",
                name=name,
                role=Html(ct(f"role.{person.role.value}")),
                programme=done.programme.title,
                trained=trained,
            )
        await notify(uow, now, curator.id, text)


# copying a programme


async def on_copy(
    cb: CallbackQuery, callback_data: ProgCb, state: FSMContext, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    """«Копировать программу»: the copy's title first."""
    programme = await require_programme(uow, user.id, callback_data.pid)
    await cb.answer()
    await state.set_state(CopyForm.title)
    await state.set_data({"pid": programme.id})
    await bot.send_message(user.id, t("base.copy.ask_title", title=programme.title))


async def on_copy_title(message: Message, state: FSMContext, t: L10n) -> None:
    try:
        title = programme_rules.clean_long_title(message.text)
    except InvalidInput as err:
        await message.answer(t(err.key, **err.params))
        return
    await state.update_data(title=title)
    await state.set_state(CopyForm.period)
    await message.answer(t("base.copy.ask_period"))


async def on_copy_period(message: Message, state: FSMContext, t: L10n) -> None:
    data = await state.get_data()
    try:
        rules.parse_copy(data.get("title"), message.text)
    except InvalidInput as err:
        await message.answer(t(err.key, **err.params))
        return
    await state.update_data(period=message.text)
    await state.set_state(CopyForm.cohort)
    board = InlineKeyboardBuilder()
    board.button(text=t("base.copy.btn.cohort"), callback_data=CopyCb(pid=int(data["pid"]), c=1))
    board.button(text=t("base.copy.btn.settings"), callback_data=CopyCb(pid=int(data["pid"]), c=0))
    board.adjust(1)
    await message.answer(t("base.copy.ask_cohort"), reply_markup=board.as_markup())


async def on_copy_go(
    cb: CallbackQuery,
    callback_data: CopyCb,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    data = await state.get_data()
    if int(data.get("pid") or 0) != callback_data.pid:
        return await refuse(cb, t, "error.stale")
    now = clock.now()
    plan = rules.parse_copy(data.get("title"), data.get("period"))
    programme, invited = await service.copy_programme(
        uow, user.id, callback_data.pid, plan, callback_data.c == 1, now
    )
    await state.clear()
    for invitation, _ in invited:
        await send_invitation(uow, i18n, now, programme, invitation)
    await cb.answer()
    await collapse(bot, cb, t("base.copy.btn.cohort" if callback_data.c == 1 else "base.copy.btn.settings"))
    await bot.send_message(user.id, t("base.copy.done", title=programme.title, count=len(invited)))
    card = programme_card(t, programme, await uow.participants.counts(programme.id))
    await bot.send_message(user.id, card, reply_markup=programme_keyboard(t, programme))
    return None


async def on_copy_text(message: Message, t: L10n) -> None:
    await message.answer(t("hint.use_buttons"))


async def on_stale(cb: CallbackQuery, t: L10n) -> None:
    """A base button of a kind this version does not have, or a copy choice out of its dialogue."""
    await cb.answer(t("error.stale"), show_alert=True)


async def on_not_curator(cb: CallbackQuery, t: L10n) -> None:
    await cb.answer(t("error.not_curator"), show_alert=True)


def router() -> Router:
    r = Router(name="base")
    r.callback_query.register(on_answer, BaseAnswerCb.filter(F.a.in_({"y", "n"})))
    r.callback_query.register(on_stale, BaseAnswerCb.filter())
    r.message.register(on_base_command, Command("base"), F.chat.type == "private", IsCurator())
    r.callback_query.register(on_programme_base, ProgCb.filter(F.action == "base"), IsCurator())
    r.callback_query.register(on_copy, ProgCb.filter(F.action == "copy"), IsCurator())
    r.callback_query.register(on_list, BaseCb.filter(F.a == "ls"), IsCurator())
    r.callback_query.register(on_competence, BaseCb.filter(F.a == "comp"), IsCurator())
    r.callback_query.register(on_xlsx, BaseCb.filter(F.a == "xl"), IsCurator())
    r.callback_query.register(on_invite, BaseCb.filter(F.a == "inv"), IsCurator())
    r.callback_query.register(on_invite_all, BaseCb.filter(F.a == "all"), IsCurator())
    r.callback_query.register(on_copy_go, CopyForm.cohort, CopyCb.filter(), IsCurator())
    # a command typed in the middle of the copy is that command, never the new title or dates
    not_command = ~F.text.startswith("/")
    r.message.register(on_copy_title, CopyForm.title, F.chat.type == "private", not_command)
    r.message.register(on_copy_period, CopyForm.period, F.chat.type == "private", not_command)
    r.message.register(on_copy_text, CopyForm.cohort, F.chat.type == "private", not_command)
    r.callback_query.register(on_stale, BaseCb.filter(), IsCurator())
    r.callback_query.register(on_stale, CopyCb.filter(), IsCurator())
    r.callback_query.register(on_not_curator, BaseCb.filter())
    r.callback_query.register(on_not_curator, CopyCb.filter())
    return r
