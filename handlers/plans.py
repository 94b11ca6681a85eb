"""A pair's plan in the chat: the goal, the items with due dates, ticks by either side."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.clock import Clock
from bot.domain.errors import DomainError
from bot.domain.models import User
from bot.domain.plans import Plan
from bot.i18n import Html, L10n, Translator
from bot.services import plans as service
from handlers.callbacks import PlanCb
from handlers.common import error_text, notify, strings_for
from handlers.states import PlanForm
from storage.unit import Unit

PRIVATE = F.chat.type == "private"


def plan_lines(t: L10n, plan: Plan) -> list[str]:
    """The plan as lines (also for the curator's pair card)."""
    lines = [t("plan.goal", goal=plan.goal) if plan.goal else t("plan.no_goal")]
    for n, item in enumerate(plan.items, start=1):
        due = t("plan.due", date=t.date(item.due)) if item.due else ""
        lines.append(
            t("plan.item", n=n, mark=Html("✅" if item.done else "⬜"), text=item.text, due=Html(due))
        )
    if not plan.items:
        lines.append(t("plan.no_items"))
    else:
        lines.append(t("plan.progress", done=plan.done_count, total=len(plan.items)))
    return lines


def plan_view(t: L10n, other: str, plan: Plan) -> tuple[str, InlineKeyboardMarkup]:
    text = "\n".join([t("plan.head", other=other), *plan_lines(t, plan)])
    rows: list[list[InlineKeyboardButton]] = []
    ticks = [
        InlineKeyboardButton(
            text=f"{n} {'✅' if i.done else '⬜'}", callback_data=PlanCb(a="t", id=i.id).pack()
        )
        for n, i in enumerate(plan.items, start=1)
    ]
    rows += [ticks[k : k + 5] for k in range(0, len(ticks), 5)]
    rows.append(
        [
            InlineKeyboardButton(
                text=t("plan.btn.goal"), callback_data=PlanCb(a="g", id=plan.pair_id).pack()
            ),
            InlineKeyboardButton(text=t("plan.btn.add"), callback_data=PlanCb(a="a", id=plan.pair_id).pack()),
        ]
    )
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


async def on_tick(
    cb: CallbackQuery, callback_data: PlanCb, uow: Unit, user: User, t: L10n, i18n: Translator, clock: Clock
) -> None:
    """An item ticked or unticked; the other side hears of a tick."""
    ctx, item, plan = await service.toggle(uow, user.id, callback_data.id, clock.now())
    await cb.answer(t("plan.ticked" if item.done else "plan.unticked"))
    text, markup = plan_view(t, ctx.other.name, plan)
    if isinstance(cb.message, Message):
        await cb.message.edit_text(text, reply_markup=markup)
    if item.done:
        ot = await strings_for(uow, i18n, ctx.other.user_id)
        await notify(
            uow,
            clock.now(),
            ctx.other.user_id,
            ot("plan.ticked_by", other=ctx.me.name, text=item.text),
            key=f"plantick:{item.id}:{item.done_at:%Y%m%d%H%M%S}",
        )


async def on_ask_goal(
    cb: CallbackQuery, callback_data: PlanCb, state: FSMContext, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    ctx, _ = await service.plan_of(uow, user.id, callback_data.id)
    await cb.answer()
    await state.set_state(PlanForm.goal)
    await state.set_data({"pair": ctx.pair.id})
    await bot.send_message(user.id, t("plan.ask_goal"))


async def on_ask_item(
    cb: CallbackQuery, callback_data: PlanCb, state: FSMContext, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    ctx, _ = await service.plan_of(uow, user.id, callback_data.id)
    await cb.answer()
    await state.set_state(PlanForm.item)
    await state.set_data({"pair": ctx.pair.id})
    await bot.send_message(user.id, t("plan.ask_item"))


async def on_view(cb: CallbackQuery, callback_data: PlanCb, uow: Unit, user: User, t: L10n, bot: Bot) -> None:
    """The pair's plan ("v", and any action an old button may still carry)."""
    ctx, plan = await service.plan_of(uow, user.id, callback_data.id)
    await cb.answer()
    text, markup = plan_view(t, ctx.other.name, plan)
    await bot.send_message(user.id, text, reply_markup=markup)


async def _typed(
    message: Message, state: FSMContext, uow: Unit, user: User, t: L10n, clock: Clock, goal: bool
) -> None:
    data = await state.get_data()
    if message.text is None:
        await message.answer(t("plan.err_text"))
        return
    try:
        if goal:
            ctx, plan = await service.set_goal(uow, user.id, int(data["pair"]), message.text, clock.now())
        else:
            ctx, plan = await service.add_item(uow, user.id, int(data["pair"]), message.text, clock.now())
    except DomainError as exc:
        await message.answer(error_text(t, exc))
        return
    await state.clear()
    text, markup = plan_view(t, ctx.other.name, plan)
    await message.answer(text, reply_markup=markup)


async def on_goal(message: Message, state: FSMContext, uow: Unit, user: User, t: L10n, clock: Clock) -> None:
    await _typed(message, state, uow, user, t, clock, goal=True)


async def on_item(message: Message, state: FSMContext, uow: Unit, user: User, t: L10n, clock: Clock) -> None:
    await _typed(message, state, uow, user, t, clock, goal=False)


def router() -> Router:
    r = Router(name="plans")
    r.callback_query.register(on_tick, PlanCb.filter(F.a == "t"))
    r.callback_query.register(on_ask_goal, PlanCb.filter(F.a == "g"))
    r.callback_query.register(on_ask_item, PlanCb.filter(F.a == "a"))
    r.callback_query.register(on_view, PlanCb.filter())  # "v", and anything else
    r.message.register(on_goal, PlanForm.goal, PRIVATE, ~F.text.startswith("/"))
    r.message.register(on_item, PlanForm.item, PRIVATE, ~F.text.startswith("/"))
    return r
