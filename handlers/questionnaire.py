"""The role questionnaire: one question at a time, buttons first, a summary with
"edit" and "send". Shared by registration (flow "join") and /profile (flow "edit")."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.domain import catalog as c
from bot.domain import questionnaire as q
from bot.domain.catalog import Role
from bot.domain.errors import DomainError, InvalidInput
from bot.i18n import Html, L10n
from bot.services import register
from handlers import keyboards as kb
from handlers import render
from handlers.callbacks import ChoiceCb, EditCb, SummaryCb, ToggleCb
from handlers.common import refuse
from handlers.states import Questionnaire

MULTI = {q.Step.TAGS, q.Step.INTERESTS, q.Step.SLOTS}
TEXT_STEPS = {q.Step.NAME, q.Step.PROFESSION}  # answered by typing


def _options(t: L10n, role: Role, step: q.Step, kind: str | None = None) -> list[tuple[str, str]]:
    if step is q.Step.KIND:
        return [(k, t(f"{render.kind_group(role)}.{k}")) for k in q.kinds_for(role)]
    if step is q.Step.GRADE:
        return [(str(g), str(g)) for g in c.GRADES]
    if step is q.Step.EXPERIENCE:
        return [(str(y), t("years_short", count=y)) for y in c.EXPERIENCE_CHOICES]
    if step is q.Step.CAPACITY:
        return [(str(n), str(n)) for n in c.CAPACITY_CHOICES]
    if step is q.Step.FORMAT:
        return [(f.value, t(f"format.{f.value}")) for f in c.MeetFormat]
    if step is q.Step.TAGS:
        return [(x, t(f"{render.tag_group(role)}.{x}")) for x in q.tags_for(role, kind)]
    return [(x, t(f"int.{x}")) for x in c.INTERESTS]


async def ask(bot: Bot, chat_id: int, t: L10n, data: dict[str, Any]) -> None:
    role, step = Role(data["role"]), q.Step(data["step"])
    specific = f"ask.{step.value}.{role.value}"
    prompt = t(specific) if t.has(specific) else t(f"ask.{step.value}.prompt")
    if step is q.Step.PROFESSION:
        prompt = t("ask.profession.prompt", max=c.PROFESSION_MAX)
    if step in TEXT_STEPS:
        await bot.send_message(chat_id, prompt)
    elif step is q.Step.SLOTS:
        await bot.send_message(chat_id, prompt, reply_markup=kb.slots(t, data.get("sel", [])))
    elif step in MULTI:
        kind = data.get("draft", {}).get(q.Step.KIND)
        markup = kb.multi(t, step.value, _options(t, role, step, kind), data.get("sel", []))
        await bot.send_message(chat_id, prompt, reply_markup=markup)
    else:
        width = 4 if step in (q.Step.GRADE, q.Step.CAPACITY, q.Step.EXPERIENCE) else 2
        await bot.send_message(
            chat_id, prompt, reply_markup=kb.choices(step.value, _options(t, role, step), width)
        )


async def show_summary(bot: Bot, chat_id: int, t: L10n, data: dict[str, Any]) -> None:
    role = Role(data["role"])
    lines = render.draft_lines(t, role, data["draft"])
    text = t("summary.head", body=Html("\n".join(lines)))
    await bot.send_message(chat_id, text, reply_markup=kb.summary(t, data.get("flow") == "edit"))


async def go_on(bot: Bot, chat_id: int, t: L10n, state: FSMContext, data: dict[str, Any]) -> None:
    """Ask the next unanswered question, or show the summary (in the register of the kind
    and age given so far: a pupil who came by a mentor's link reads «ты» from here on)."""
    known = register.from_dialogue(data)
    t = t if known is None else t.reader(known)
    step = q.next_step(Role(data["role"]), data["draft"])
    data.pop("sel", None)
    if step is None:
        await state.set_state(Questionnaire.summary)
        await state.set_data(data)
        await show_summary(bot, chat_id, t, data)
        return
    data["step"] = step.value
    if step in MULTI:
        data["sel"] = q.selection(Role(data["role"]), data["draft"], step)
    await state.set_state(Questionnaire.step)
    await state.set_data(data)
    await ask(bot, chat_id, t, data)


async def start(bot: Bot, chat_id: int, t: L10n, state: FSMContext, data: dict[str, Any]) -> None:
    data.setdefault("draft", {})
    await go_on(bot, chat_id, t, state, data)


async def close_question(
    bot: Bot, cb: CallbackQuery, t: L10n, role: Role, step: q.Step, value: object
) -> None:
    """Keep the answered question in the chat with its answer, without buttons."""
    if not isinstance(cb.message, Message):
        return
    shown = render.value_text(t, role, step, value)
    with suppress(TelegramBadRequest):  # the message may be too old to edit; the dialogue goes on
        await bot.edit_message_text(
            f"{cb.message.html_text}\n→ <b>{shown}</b>",
            chat_id=cb.from_user.id,
            message_id=cb.message.message_id,
        )


async def _current(cb: CallbackQuery, state: FSMContext, step: str) -> dict[str, Any] | None:
    data = await state.get_data()
    return data if data.get("step") == step and "role" in data else None


async def on_choice(cb: CallbackQuery, callback_data: ChoiceCb, state: FSMContext, t: L10n, bot: Bot) -> None:
    data = await _current(cb, state, callback_data.step)
    if data is None:
        return await refuse(cb, t, "error.stale")
    try:
        data["draft"] = q.answer(Role(data["role"]), data["draft"], q.Step(data["step"]), callback_data.value)
    except (DomainError, ValueError):
        return await refuse(cb, t, "error.stale")
    await cb.answer()
    step = q.Step(data["step"])
    await close_question(bot, cb, t, Role(data["role"]), step, data["draft"][step])
    await go_on(bot, cb.from_user.id, t, state, data)


async def on_toggle(cb: CallbackQuery, callback_data: ToggleCb, state: FSMContext, t: L10n, bot: Bot) -> None:
    data = await _current(cb, state, callback_data.step)
    if data is None:
        return await refuse(cb, t, "error.stale")
    role, step = Role(data["role"]), q.Step(data["step"])
    kind = data["draft"].get(q.Step.KIND)
    try:
        if callback_data.code == "!":
            data["draft"] = q.answer(role, data["draft"], step, data.get("sel", []))
        else:
            allowed = (
                tuple(code for code, _ in _options(t, role, step, kind))
                if step is not q.Step.SLOTS
                else c.SLOTS
            )
            data["sel"] = q.toggle(data.get("sel", []), callback_data.code, allowed)
    except InvalidInput as err:
        return await refuse(cb, t, err)
    await cb.answer()
    if callback_data.code == "!":
        await close_question(bot, cb, t, role, step, data["draft"][step])
        return await go_on(bot, cb.from_user.id, t, state, data)
    await state.set_data(data)
    markup = (
        kb.slots(t, data["sel"])
        if step is q.Step.SLOTS
        else kb.multi(t, step.value, _options(t, role, step, kind), data["sel"])
    )
    if cb.message is not None:
        await bot.edit_message_reply_markup(
            chat_id=cb.from_user.id, message_id=cb.message.message_id, reply_markup=markup
        )


async def on_text(message: Message, state: FSMContext, t: L10n, bot: Bot) -> None:
    data = await state.get_data()
    if data.get("step") not in TEXT_STEPS or "role" not in data:
        await message.answer(t("hint.use_buttons"))
        return await ask(bot, message.chat.id, t, data) if "role" in data else None
    try:
        data["draft"] = q.answer(Role(data["role"]), data["draft"], q.Step(data["step"]), message.text)
    except InvalidInput as err:
        await message.answer(t(err.key, **err.params))
        return None
    await go_on(bot, message.chat.id, t, state, data)


async def on_edit_menu(cb: CallbackQuery, state: FSMContext, t: L10n, bot: Bot) -> None:
    """«Изменить» under the summary: its buttons become one per answer to change."""
    data = await state.get_data()
    await cb.answer()
    role = Role(data["role"])
    steps = [(s.value, render.field_label(t, role, s)) for s in q.steps_for(role, data["draft"].get("kind"))]
    if cb.message is not None:
        await bot.edit_message_reply_markup(
            chat_id=cb.from_user.id,
            message_id=cb.message.message_id,
            reply_markup=kb.edit_steps(t, steps),
        )


async def on_back_to_summary(cb: CallbackQuery, state: FSMContext, t: L10n, bot: Bot) -> None:
    """«Назад» from the answers' buttons: the summary's buttons again."""
    data = await state.get_data()
    await cb.answer()
    if cb.message is not None:
        flow_edit = data.get("flow") == "edit"
        await bot.edit_message_reply_markup(
            chat_id=cb.from_user.id,
            message_id=cb.message.message_id,
            reply_markup=kb.summary(t, flow_edit),
        )


async def on_edit_step(
    cb: CallbackQuery, callback_data: EditCb, state: FSMContext, t: L10n, bot: Bot
) -> None:
    data = await state.get_data()
    role = Role(data["role"])
    if callback_data.step not in {s.value for s in q.steps_for(role, data["draft"].get("kind"))}:
        return await refuse(cb, t, "error.stale")
    await cb.answer()
    if cb.message is not None:
        await bot.edit_message_reply_markup(chat_id=cb.from_user.id, message_id=cb.message.message_id)
    data["step"] = callback_data.step
    data["sel"] = q.selection(role, data["draft"], q.Step(callback_data.step))
    await state.set_state(Questionnaire.step)
    await state.set_data(data)
    await ask(bot, cb.from_user.id, t, data)


async def on_text_at_summary(message: Message, state: FSMContext, t: L10n, bot: Bot) -> None:
    await message.answer(t("hint.use_buttons"))
    await show_summary(bot, message.chat.id, t, await state.get_data())


def router() -> Router:
    r = Router(name="questionnaire")
    r.callback_query.register(on_choice, Questionnaire.step, ChoiceCb.filter())
    r.callback_query.register(on_toggle, Questionnaire.step, ToggleCb.filter())
    r.message.register(on_text, Questionnaire.step, F.chat.type == "private")
    r.callback_query.register(on_edit_menu, Questionnaire.summary, SummaryCb.filter(F.action == "edit"))
    r.callback_query.register(on_back_to_summary, Questionnaire.summary, SummaryCb.filter(F.action == "back"))
    r.callback_query.register(on_edit_step, Questionnaire.summary, EditCb.filter())
    r.message.register(on_text_at_summary, Questionnaire.summary, F.chat.type == "private")
    return r
