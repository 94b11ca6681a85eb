"""The guided creation of a programme: title → forms → 1:1 or group → dates →
timezone → cadence."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.clock import Clock
from bot.domain import catalog as c
from bot.domain import programmes as rules
from bot.domain.errors import InvalidInput
from bot.domain.models import User
from bot.i18n import L10n
from bot.services import curation
from handlers import forms as forms_ui
from handlers import keyboards as kb
from handlers import render
from handlers.callbacks import NewProgCb
from handlers.common import refuse
from handlers.curator import IsCurator, programme_keyboard
from handlers.states import NewProgramme
from storage.unit import Unit


def _forms_keyboard(t: L10n, chosen: list[str]) -> InlineKeyboardMarkup:
    options = [(f.value, ("✅ " if f.value in chosen else "") + t(f"form.{f.value}")) for f in c.Form]
    options.append(("!", t("btn.done")))
    return kb.new_programme("form", options, 1)


async def on_new(message: Message, state: FSMContext, t: L10n) -> None:
    await state.set_state(NewProgramme.title)
    await state.set_data({})
    await message.answer(t("prog.ask.title.prompt"))


async def on_title(message: Message, state: FSMContext, t: L10n) -> None:
    try:
        title = rules.clean_long_title(message.text)
    except InvalidInput as err:
        await message.answer(t(err.key, **err.params))
        return
    await state.update_data(title=title, forms=[])
    await state.set_state(NewProgramme.forms)
    await message.answer(t("prog.ask.forms.prompt"), reply_markup=_forms_keyboard(t, []))


async def on_form(cb: CallbackQuery, callback_data: NewProgCb, state: FSMContext, t: L10n, bot: Bot) -> None:
    data = await state.get_data()
    forms: list[str] = data.get("forms", [])
    if callback_data.value == "!":
        try:
            rules.check_forms(forms)
        except InvalidInput as err:
            return await refuse(cb, t, err)
        await cb.answer()
        await state.set_state(NewProgramme.details)
        await state.update_data(submodels=[], directions=[])
        await bot.send_message(
            cb.from_user.id,
            t("forms.ask_details"),
            reply_markup=forms_ui.creation_keyboard(t, [c.Form(f) for f in forms], [], []),
        )
        return None
    if callback_data.value not in {f.value for f in c.Form}:
        return await refuse(cb, t, "error.stale")
    forms = [f.value for f in c.Form if (f.value in forms) != (f.value == callback_data.value)]
    await state.update_data(forms=forms)
    await cb.answer()
    if cb.message is not None:
        await bot.edit_message_reply_markup(
            chat_id=cb.from_user.id,
            message_id=cb.message.message_id,
            reply_markup=_forms_keyboard(t, forms),
        )
    return None


async def on_detail(
    cb: CallbackQuery, callback_data: NewProgCb, state: FSMContext, t: L10n, bot: Bot
) -> None:
    """A sub-model ("sm") or a direction ("dir") toggled while the programme is created."""
    data = await state.get_data()
    forms = [c.Form(f) for f in data.get("forms", [])]
    subs, dirs = list(data.get("submodels", [])), list(data.get("directions", []))
    try:
        if callback_data.field == "sm":
            subs = list(rules.check_submodels(forms, rules.toggled(subs, callback_data.value)))
        else:
            dirs = list(rules.check_directions(rules.toggled(dirs, callback_data.value)))
    except InvalidInput as err:
        return await refuse(cb, t, err)
    await state.update_data(submodels=subs, directions=dirs)
    await cb.answer()
    if cb.message is not None:
        await bot.edit_message_reply_markup(
            chat_id=cb.from_user.id,
            message_id=cb.message.message_id,
            reply_markup=forms_ui.creation_keyboard(t, forms, subs, dirs),
        )
    return None


async def on_details_done(cb: CallbackQuery, state: FSMContext, t: L10n, bot: Bot) -> None:
    await cb.answer()
    await state.set_state(NewProgramme.group)
    options = [("0", t("prog.one_to_one")), ("1", t("prog.group"))]
    await bot.send_message(
        cb.from_user.id, t("prog.ask.group"), reply_markup=kb.new_programme("group", options)
    )


async def on_group(cb: CallbackQuery, callback_data: NewProgCb, state: FSMContext, t: L10n, bot: Bot) -> None:
    await state.update_data(group=callback_data.value == "1")
    await state.set_state(NewProgramme.start)
    await cb.answer()
    await bot.send_message(cb.from_user.id, t("prog.ask.start.prompt"))


async def on_start_date(message: Message, state: FSMContext, t: L10n) -> None:
    try:
        start = rules.parse_date(message.text)
    except InvalidInput as err:
        await message.answer(t(err.key))
        return
    await state.update_data(start=start.isoformat())
    await state.set_state(NewProgramme.end)
    await message.answer(t("prog.ask.end.prompt"))


async def on_end_date(message: Message, state: FSMContext, t: L10n) -> None:
    data = await state.get_data()
    try:
        end = rules.check_end(rules.parse_date(data["start"]), rules.parse_date(message.text))
    except InvalidInput as err:
        await message.answer(t(err.key))
        return
    await state.update_data(end=end.isoformat())
    await state.set_state(NewProgramme.timezone)
    options = [(str(i), t(f"tz.{tz}")) for i, tz in enumerate(c.TIMEZONES)]
    await message.answer(t("prog.ask.tz"), reply_markup=kb.new_programme("tz", options, 3))


async def on_tz(cb: CallbackQuery, callback_data: NewProgCb, state: FSMContext, t: L10n, bot: Bot) -> None:
    index = int(callback_data.value) if callback_data.value.isdigit() else -1
    if not 0 <= index < len(c.TIMEZONES):
        return await refuse(cb, t, "error.stale")
    await state.update_data(tz=c.TIMEZONES[index])
    await state.set_state(NewProgramme.cadence)
    await cb.answer()
    options = [(x.value, t(f"cadence.{x.value}")) for x in c.Cadence]
    await bot.send_message(
        cb.from_user.id, t("prog.ask.cadence"), reply_markup=kb.new_programme("cadence", options, 1)
    )
    return None


async def on_cadence(
    cb: CallbackQuery,
    callback_data: NewProgCb,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    bot: Bot,
    clock: Clock,
) -> None:
    if callback_data.value not in {x.value for x in c.Cadence}:
        return await refuse(cb, t, "error.stale")
    data = await state.get_data()
    programme = await curation.create_programme(
        uow, user.id, {**data, "cadence": callback_data.value}, clock.now()
    )
    await state.clear()
    await cb.answer()
    await bot.send_message(user.id, t("prog.created"))
    card = render.programme_card(t, programme, await uow.participants.counts(programme.id))
    await bot.send_message(user.id, card, reply_markup=programme_keyboard(t, programme))
    return None


async def on_buttons_expected(message: Message, t: L10n) -> None:
    await message.answer(t("hint.use_buttons"))


def router() -> Router:
    r = Router(name="programmes")
    r.message.filter(F.chat.type == "private")
    r.message.register(on_new, Command("new_programme"), IsCurator())
    r.message.register(on_title, NewProgramme.title, ~F.text.startswith("/"))  # a command is no title
    r.callback_query.register(on_form, NewProgramme.forms, NewProgCb.filter(F.field == "form"))
    r.callback_query.register(on_detail, NewProgramme.details, NewProgCb.filter(F.field.in_({"sm", "dir"})))
    r.callback_query.register(on_details_done, NewProgramme.details, NewProgCb.filter(F.field == "det"))
    r.callback_query.register(on_group, NewProgramme.group, NewProgCb.filter(F.field == "group"))
    r.message.register(on_start_date, NewProgramme.start, ~F.text.startswith("/"))
    r.message.register(on_end_date, NewProgramme.end, ~F.text.startswith("/"))
    r.callback_query.register(on_tz, NewProgramme.timezone, NewProgCb.filter(F.field == "tz"))
    r.callback_query.register(
        on_cadence, NewProgramme.cadence, NewProgCb.filter(F.field == "cadence"), IsCurator()
    )
    for st in (
        NewProgramme.forms,
        NewProgramme.details,
        NewProgramme.group,
        NewProgramme.timezone,
        NewProgramme.cadence,
    ):
        r.message.register(on_buttons_expected, st)
    return r
