"""A pair's plan: either side records the goal and items and marks items done."""

from __future__ import annotations

from datetime import datetime

from bot.domain import meetings as meeting_rules
from bot.domain import plans as rules
from bot.domain.errors import NotFound
from bot.services.meetings import PairContext, pair_context
from storage.unit import Unit


async def plan_of(uow: Unit, user_id: int, pair_id: int) -> tuple[PairContext, rules.Plan]:
    ctx = await pair_context(uow, user_id, pair_id)
    return ctx, await uow.plans.get(ctx.pair.id)


async def set_goal(
    uow: Unit, user_id: int, pair_id: int, text: str | None, now: datetime
) -> tuple[PairContext, rules.Plan]:
    ctx = await pair_context(uow, user_id, pair_id)
    await uow.plans.set_goal(ctx.pair.id, rules.clean_goal(text), user_id, now)
    return ctx, await uow.plans.get(ctx.pair.id)


async def add_item(
    uow: Unit, user_id: int, pair_id: int, text: str | None, now: datetime
) -> tuple[PairContext, rules.Plan]:
    ctx = await pair_context(uow, user_id, pair_id)
    rules.check_room(await uow.plans.get(ctx.pair.id))
    today = meeting_rules.to_local(now, ctx.programme.timezone).date()
    activity, due = rules.parse_item(text, today)
    await uow.plans.add_item(ctx.pair.id, activity, due, user_id, now)
    return ctx, await uow.plans.get(ctx.pair.id)


async def toggle(
    uow: Unit, user_id: int, item_id: int, now: datetime
) -> tuple[PairContext, rules.PlanItem, rules.Plan]:
    pair_id = await uow.plans.item_pair(item_id)
    if pair_id is None:
        raise NotFound()
    ctx = await pair_context(uow, user_id, pair_id)
    item = await uow.plans.toggle(item_id, user_id, now)
    if item is None:
        raise NotFound()
    return ctx, item, await uow.plans.get(pair_id)
