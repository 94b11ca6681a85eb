"""The curator's pairs: run the matching, edit the draft, publish, watch and end pairs."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.clock import Clock
from bot.domain.models import Participant, Programme, User
from bot.domain.pairs import Pair, PairStatus
from bot.i18n import Html, L10n, Translator
from bot.services import groups as group_service
from bot.services import pairs as service
from bot.services.curation import require_programme
from handlers import group_texts
from handlers import meeting_texts as mt
from handlers import pair_texts as texts
from handlers.answered import collapse
from handlers.callbacks import (
    ChooseCb,
    GroupCb,
    MenteeCb,
    PairCb,
    PairsCb,
    PickCb,
    ProgCb,
    ProposalCb,
    RankCb,
)
from handlers.common import notify, send_long, strings_for
from handlers.curator import IsCurator
from handlers.kb import InlineKeyboardBuilder
from handlers.plans import plan_lines
from handlers.states import EndReason
from storage.unit import Unit

BUTTONS = 40  # pair buttons under a draft; Telegram allows 100 in one keyboard


def menu_keyboard(t: L10n, p: Programme) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("pairs.btn.run"), callback_data=PairsCb(action="run", pid=p.id))
    kb.button(text=t("pairs.btn.draft"), callback_data=PairsCb(action="draft", pid=p.id))
    kb.button(text=t("pairs.btn.active"), callback_data=PairsCb(action="active", pid=p.id))
    mode = "pairs.btn.mode_on" if p.mentee_choice else "pairs.btn.mode_off"
    kb.button(text=t(mode), callback_data=PairsCb(action="mode", pid=p.id))
    kb.button(text=t("rank.btn.start"), callback_data=PairsCb(action="speed", pid=p.id))
    kb.button(text=t("rank.btn.stable"), callback_data=PairsCb(action="stable", pid=p.id))
    if p.group_format:
        kb.button(text=t("groups.btn.list"), callback_data=PairsCb(action="groups", pid=p.id))
        kb.button(text=t("groups.btn.size"), callback_data=PairsCb(action="gsize", pid=p.id))
    kb.adjust(2)
    return kb.as_markup()


async def on_menu(cb: CallbackQuery, callback_data: ProgCb, uow: Unit, user: User, t: L10n, bot: Bot) -> None:
    programme = await require_programme(uow, user.id, callback_data.pid)
    d = await service.draft(uow, user.id, programme.id)
    open_pairs = await service.active_pairs(uow, user.id, programme.id)
    active = sum(1 for p in open_pairs if p.status is PairStatus.ACTIVE)
    await cb.answer()
    text = t(
        "pairs.menu",
        title=programme.title,
        active=active,
        waiting=len(open_pairs) - active,
        drafts=len(d.pairs),
        free=len(d.unmatched) + len(d.pairs),
    )
    await bot.send_message(user.id, text, reply_markup=menu_keyboard(t, programme))


async def on_run(
    cb: CallbackQuery,
    callback_data: PairsCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    """Matching: mentees choose (mentee-choice mode) or the engine drafts pairs."""
    pid, now = callback_data.pid, clock.now()
    programme = await require_programme(uow, user.id, pid)
    if programme.mentee_choice:
        sent = await _offer_choices(uow, now, i18n, user.id, programme)
        await cb.answer()
        await bot.send_message(user.id, t("pairs.choice_sent", count=sent))
        return
    d = await service.run_matching(uow, user.id, pid, now)
    await cb.answer()
    await show_draft(bot, t, user.id, d)


async def on_draft(
    cb: CallbackQuery, callback_data: PairsCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    await require_programme(uow, user.id, callback_data.pid)
    d = await service.draft(uow, user.id, callback_data.pid)
    await cb.answer()
    await show_draft(bot, t, user.id, d)


async def on_publish(
    cb: CallbackQuery,
    callback_data: PairsCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    now = clock.now()
    programme = await require_programme(uow, user.id, callback_data.pid)
    published = await service.publish(uow, user.id, callback_data.pid, now)
    await cb.answer()
    for pair in published:
        if pair.group_id is None:
            await propose(uow, now, i18n, pair)
    for gid in dict.fromkeys(p.group_id for p in published if p.group_id is not None):
        await group_texts.propose(uow, now, i18n, await group_service.view(uow, gid))
    await bot.send_message(
        user.id, t("pairs.published", count=len(published), hours=programme.proposal_ttl_hours)
    )


async def on_speed(
    cb: CallbackQuery, callback_data: PairsCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    """«Быстрые встречи»: say what will happen and to whom, then ask."""
    pid = callback_data.pid
    await require_programme(uow, user.id, pid)
    counts = await uow.participants.counts(pid)
    await cb.answer()
    confirm = InlineKeyboardBuilder()
    confirm.button(text=t("rank.confirm.go"), callback_data=PairsCb(action="speedgo", pid=pid))
    confirm.button(text=t("rank.confirm.stay"), callback_data=PairsCb(action="speedno", pid=pid))
    confirm.adjust(1)
    await bot.send_message(
        user.id,
        t(
            "rank.confirm.text",
            mentors=Html(t("n.mentors", count=counts.mentors)),
            mentees=Html(t("n.mentees", count=counts.mentees)),
        ),
        reply_markup=confirm.as_markup(),
    )


async def on_speed_no(
    cb: CallbackQuery, callback_data: PairsCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    await require_programme(uow, user.id, callback_data.pid)
    await cb.answer()
    await collapse(bot, cb, t("rank.confirm.stayed"))


async def on_speed_go(
    cb: CallbackQuery,
    callback_data: PairsCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    now = clock.now()
    await require_programme(uow, user.id, callback_data.pid)
    shown = await service.start_preferences(uow, user.id, callback_data.pid, now)
    await cb.answer()
    await collapse(bot, cb, t("rank.confirm.went"))
    for item in shown:
        st = await strings_for(uow, i18n, item.participant.user_id)
        text, markup = rank_view(st, item.preference_id, item.candidates, [])
        await notify(uow, now, item.participant.user_id, text, markup, key=f"rank:{item.preference_id}")
    await bot.send_message(user.id, t("rank.sent", count=len(shown)))


async def on_stable(
    cb: CallbackQuery, callback_data: PairsCb, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock
) -> None:
    await require_programme(uow, user.id, callback_data.pid)
    d, answered = await service.stable_draft(uow, user.id, callback_data.pid, clock.now())
    await cb.answer()
    await bot.send_message(user.id, t("rank.stable_done", count=answered))
    await show_draft(bot, t, user.id, d)


async def on_active(
    cb: CallbackQuery, callback_data: PairsCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    await require_programme(uow, user.id, callback_data.pid)
    await cb.answer()
    await _show_active(bot, t, user.id, await service.active_pairs(uow, user.id, callback_data.pid))


async def on_mode(
    cb: CallbackQuery, callback_data: PairsCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    """Mentee-choice mode on or off; the menu's button follows."""
    pid = callback_data.pid
    programme = await require_programme(uow, user.id, pid)
    await uow.programmes.update(pid, mentee_choice=not programme.mentee_choice)
    await cb.answer(t("pairs.mode_now_on" if not programme.mentee_choice else "pairs.mode_now_off"))
    updated = await require_programme(uow, user.id, pid)
    if cb.message is not None:
        await bot.edit_message_reply_markup(
            chat_id=user.id, message_id=cb.message.message_id, reply_markup=menu_keyboard(t, updated)
        )


def rank_view(
    t: L10n, preference_id: int, candidates: list[Participant], order: list[Participant]
) -> tuple[str, InlineKeyboardMarkup]:
    """«Быстрые встречи»: the candidates, the order chosen so far, a button per candidate."""
    lines = [t("rank.head")]
    lines += [f"{i}. {texts.who(t, c)}" for i, c in enumerate(candidates, start=1)]
    chosen = " → ".join(c.name for c in order) if order else "—"
    lines.append(t("rank.order", order=chosen))
    number = {c.id: i for i, c in enumerate(candidates, start=1)}
    picked = {c.id for c in order}
    row = [
        InlineKeyboardButton(text=str(number[c.id]), callback_data=RankCb(p=preference_id, c=c.id).pack())
        for c in candidates
        if c.id not in picked
    ]
    rows = [row] if row else []
    rows.append(
        [
            InlineKeyboardButton(
                text=t("rank.btn.reset"), callback_data=RankCb(p=preference_id, c=-1).pack()
            ),
            InlineKeyboardButton(text=t("rank.btn.done"), callback_data=RankCb(p=preference_id, c=0).pack()),
        ]
    )
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


async def on_rank(
    cb: CallbackQuery, callback_data: RankCb, uow: Unit, user: User, t: L10n, clock: Clock
) -> None:
    """A participant's press in their ranking (not a curator's action: any member may)."""
    candidates, order, done = await service.rank(uow, user.id, callback_data.p, callback_data.c, clock.now())
    await cb.answer()
    if not isinstance(cb.message, Message):
        return
    if done:
        chosen = " → ".join(c.name for c in order)
        await cb.message.edit_text(t("rank.thanks", order=chosen))
        return
    text, markup = rank_view(t, callback_data.p, candidates, order)
    await cb.message.edit_text(text, reply_markup=markup)


async def show_draft(bot: Bot, t: L10n, chat_id: int, d: service.Draft) -> None:
    total = sum(p.score or 0 for p in d.pairs)
    avg = total / len(d.pairs) if d.pairs else 0.0
    blocks = [t("pairs.draft_head", title=d.programme.title, count=len(d.pairs), avg=t.number(avg))]
    if d.programme.group_format:  # a group is one card: its mentor, then its members
        d.pairs = group_texts.in_group_order(d.pairs)
        blocks += group_texts.draft_blocks(t, d.pairs, d.groups)
    else:
        blocks += [texts.pair_line(t, i + 1, p) for i, p in enumerate(d.pairs)]
    if d.unmatched:
        blocks.append(t("pairs.unmatched_head", count=len(d.unmatched)))
        blocks += [
            t("pairs.unmatched_line", name=d.mentees[m].name, why=Html(t(f"pairs.why.{why}")))
            for m, why in d.unmatched.items()
        ]
    kb = InlineKeyboardBuilder()
    for i, p in enumerate(d.pairs[:BUTTONS]):
        kb.button(text=t("pairs.btn.pair_n", n=i + 1), callback_data=PairCb(action="card", pair=p.id))
    for m in list(d.unmatched)[: max(0, BUTTONS - len(d.pairs))]:
        kb.button(text=f"➕ {d.mentees[m].name[:20]}", callback_data=MenteeCb(mentee=m))
    kb.adjust(5)
    for gid, number in sorted(d.groups.items(), key=lambda x: x[1]):
        kb.row(
            InlineKeyboardButton(
                text=t("groups.btn.confirm_n", n=number), callback_data=GroupCb(a="ok", g=gid).pack()
            )
        )
    if d.pairs:
        kb.row(
            InlineKeyboardButton(
                text=t("pairs.btn.publish"),
                callback_data=PairsCb(action="publish", pid=d.programme.id).pack(),
            )
        )
    kb.row(
        InlineKeyboardButton(
            text=t("pairs.btn.rerun"), callback_data=PairsCb(action="run", pid=d.programme.id).pack()
        )
    )
    await send_long(bot, chat_id, blocks, kb.as_markup())


async def _show_active(bot: Bot, t: L10n, chat_id: int, pairs: list[Pair]) -> None:
    if not pairs:
        await bot.send_message(chat_id, t("pairs.no_active"))
        return
    kb = InlineKeyboardBuilder()
    for i, p in enumerate(pairs[:BUTTONS]):
        kb.button(text=f"🔎 {i + 1}", callback_data=PairCb(action="card", pair=p.id))
    kb.adjust(5)
    await send_long(
        bot,
        chat_id,
        [
            t("pairs.active_head", count=len(pairs)),
            *[texts.pair_line(t, i + 1, p) for i, p in enumerate(pairs)],
        ],
        kb.as_markup(),
    )


async def _pair_pressed(
    cb: CallbackQuery, callback_data: PairCb, uow: Unit, user: User, t: L10n
) -> Pair | None:
    """The pair a card's button is about, once the curator may see it (None: it is gone)."""
    pair = await uow.pairs.get(callback_data.pair)
    if pair is None:
        await cb.answer(t("error.stale"), show_alert=True)
        return None
    await require_programme(uow, user.id, pair.programme_id)
    await cb.answer()
    return pair


async def on_pair_card(
    cb: CallbackQuery, callback_data: PairCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    """A pair's card ("card", and any action an old button may still carry)."""
    if pair := await _pair_pressed(cb, callback_data, uow, user, t):
        await send_card(bot, uow, t, user.id, pair)


async def on_pair_rm(
    cb: CallbackQuery, callback_data: PairCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    """An old «убрать» (the pair was removed, changed or published since) says so and
    where the current draft is; it changes nothing."""
    pair = await uow.pairs.get(callback_data.pair)
    if pair is not None:
        await require_programme(uow, user.id, pair.programme_id)
    if pair is None or pair.status is not PairStatus.DRAFT:
        await cb.answer(t("pairs.rm_stale"), show_alert=True)
        return
    await cb.answer()
    removed = await service.remove_draft(uow, user.id, pair.id)
    await bot.send_message(
        user.id,
        t("pairs.removed", mentee=removed.mentee.name),
        reply_markup=_draft_button(t, pair.programme_id),
    )


async def on_pair_swap(
    cb: CallbackQuery, callback_data: PairCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    if pair := await _pair_pressed(cb, callback_data, uow, user, t):
        await show_options(bot, uow, t, user.id, pair.mentee.id)


async def on_pair_end(
    cb: CallbackQuery, callback_data: PairCb, state: FSMContext, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    """ "end" and "reassign": the curator is asked why."""
    if pair := await _pair_pressed(cb, callback_data, uow, user, t):
        await ask_end_reason(bot, state, t, user.id, pair, reassign=callback_data.action == "reassign")


async def ask_end_reason(
    bot: Bot, state: FSMContext, t: L10n, chat_id: int, pair: Pair, *, reassign: bool
) -> None:
    """Ending (or reassigning) a pair asks the curator why; ``state`` is the private chat's."""
    await state.set_state(EndReason.text)
    await state.set_data({"pair": pair.id, "reassign": reassign})
    await bot.send_message(
        chat_id, t("pairs.ask_end_reason", mentee=pair.mentee.name, mentor=pair.mentor.name)
    )


async def send_card(bot: Bot, uow: Unit, t: L10n, chat_id: int, pair: Pair) -> None:
    """The pair's card with its plan, recent meetings and both sides' check-ins (curators only)."""
    plan = await uow.plans.get(pair.id)
    blocks = [pair_card(t, pair)]
    if not plan.empty:
        blocks.append("\n".join([t("plan.head_curator"), *plan_lines(t, plan)]))
    blocks += await _meetings_for_curator(uow, t, pair)
    await send_long(bot, chat_id, blocks, _pair_keyboard(t, pair))


def pair_card(t: L10n, pair: Pair) -> str:
    return t(
        "pairs.card",
        mentee=Html(texts.who(t, pair.mentee)),
        mentor=Html(texts.who(t, pair.mentor)),
        status=Html(t(f"pair.status.{pair.status.value}")),
        why=Html(texts.curator_reasons(t, pair)),
        score=t.number(pair.score) if pair.score is not None else "⚠️",
    )


async def _meetings_for_curator(uow: Unit, t: L10n, pair: Pair) -> list[str]:
    """Meetings with both sides' private check-ins: curators see them, the pair never does."""
    programme = await uow.programmes.get(pair.programme_id)
    if programme is None:
        return []
    blocks = []
    for m in (await uow.meetings.of_pair(pair.id))[-5:]:
        lines = [mt.line(t, m, programme.timezone)]
        for r in await uow.meetings.reflections(m.id):
            who = pair.mentor.name if r.participant_id == pair.mentor.id else pair.mentee.name
            if r.happened is None:
                lines.append(t("pairs.refl_missing", who=who))
                continue
            lines.append(
                t(
                    "pairs.refl",
                    who=who,
                    second_label=Html(
                        t(
                            "pairs.second_mentor"
                            if r.participant_id == pair.mentor.id
                            else "pairs.second_mentee"
                        )
                    ),
                    happened=Html(t(f"reflect.happened.{r.happened}")),
                    useful=r.usefulness if r.usefulness is not None else "—",
                    second=r.second if r.second is not None else "—",
                    done=r.done_text or "—",
                    next=r.next_text or "—",
                )
            )
        if m.disagreement:
            lines.append(t(f"pairs.disagreement_{m.disagreement}"))
        blocks.append("\n".join(lines))
    return blocks


def _pair_keyboard(t: L10n, pair: Pair) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if pair.status is PairStatus.DRAFT:
        kb.button(text=t("pairs.btn.remove"), callback_data=PairCb(action="rm", pair=pair.id))
        kb.button(text=t("pairs.btn.swap"), callback_data=PairCb(action="swap", pair=pair.id))
    elif pair.status in (PairStatus.ACTIVE, PairStatus.PROPOSED):
        kb.button(text=t("pairs.btn.reassign"), callback_data=PairCb(action="reassign", pair=pair.id))
        kb.button(text=t("pairs.btn.end"), callback_data=PairCb(action="end", pair=pair.id))
    kb.adjust(2)
    return kb.as_markup()


def _draft_button(t: L10n, programme_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("pairs.btn.draft"), callback_data=PairsCb(action="draft", pid=programme_id).pack()
                )
            ]
        ]
    )


async def show_options(bot: Bot, uow: Unit, t: L10n, chat_id: int, mentee_id: int) -> None:
    mentee, options = await service.options_for(uow, chat_id, mentee_id)
    if not options:
        await bot.send_message(chat_id, t("pairs.no_options", mentee=mentee.name))
        return
    kb = InlineKeyboardBuilder()
    for o in options:
        label = (
            f"{o.mentor.name[:28]} · {t.number(o.score)}"
            if o.score is not None
            else f"⚠️ {o.mentor.name[:28]}"
        )
        kb.button(text=label, callback_data=PickCb(mentee=mentee.id, mentor=o.mentor.id, force=0))
    kb.adjust(1)
    await bot.send_message(chat_id, t("pairs.options", mentee=mentee.name), reply_markup=kb.as_markup())


async def on_mentee(
    cb: CallbackQuery, callback_data: MenteeCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    await show_options(bot, uow, t, user.id, callback_data.mentee)
    await cb.answer()


async def on_pick(
    cb: CallbackQuery, callback_data: PickCb, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock
) -> None:
    try:
        pair = await service.pair_by_hand(
            uow, user.id, callback_data.mentee, callback_data.mentor, bool(callback_data.force), clock.now()
        )
    except service.NeedsConfirmation:
        await cb.answer()
        kb = InlineKeyboardBuilder()
        kb.button(
            text=t("pairs.btn.force"),
            callback_data=PickCb(mentee=callback_data.mentee, mentor=callback_data.mentor, force=1),
        )
        mentee = await uow.participants.get(callback_data.mentee)
        if mentee is not None:
            kb.button(
                text=t("pairs.btn.draft"), callback_data=PairsCb(action="draft", pid=mentee.programme_id)
            )
        await bot.send_message(user.id, t("pairs.warn_rule"), reply_markup=kb.as_markup())
        return
    await cb.answer(t("pairs.picked"))
    await bot.send_message(user.id, pair_card(t, pair), reply_markup=_draft_button(t, pair.programme_id))


async def on_end_reason(
    message: Message,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    if not message.text or not message.text.strip():
        await message.answer(t("pairs.ask_end_reason_text"))
        return
    data = await state.get_data()
    pair = await service.end_pair(uow, user.id, int(data["pair"]), message.text.strip(), clock.now())
    await state.clear()
    for side in (pair.mentor, pair.mentee):
        st = await strings_for(uow, i18n, side.user_id)
        await notify(
            uow, clock.now(), side.user_id, st("pair.ended_by_curator", other=pair.other(side.role).name)
        )
    await message.answer(t("pairs.ended"))
    if data.get("reassign"):
        await show_options(bot, uow, t, user.id, pair.mentee.id)


async def propose(uow: Unit, now: datetime, i18n: Translator, pair: Pair) -> None:
    """Both sides get an introduction with Accept / Decline; no contacts yet."""
    for side in (pair.mentor, pair.mentee):
        if pair.answer_of(side.role) is not None:
            continue
        st = await strings_for(uow, i18n, side.user_id)
        kb = InlineKeyboardBuilder()
        kb.button(text=st("btn.accept"), callback_data=ProposalCb(pair=pair.id, answer="y"))
        kb.button(text=st("btn.decline"), callback_data=ProposalCb(pair=pair.id, answer="n"))
        await notify(
            uow,
            now,
            side.user_id,
            texts.intro(st, pair, side.role),
            kb.as_markup(),
            key=f"propose:{pair.id}:{side.id}",
        )


async def _offer_choices(
    uow: Unit, now: datetime, i18n: Translator, curator_id: int, programme: Programme
) -> int:
    sent = 0
    for mentee in await service.free_mentees(uow, curator_id, programme.id):
        options = await service.suggestions(uow, mentee)
        if not options:
            continue
        st = await strings_for(uow, i18n, mentee.user_id)
        blocks = [st("choice.head")]
        kb = InlineKeyboardBuilder()
        for i, (mentor, _) in enumerate(options):
            blocks.append(f"{i + 1}. {texts.who(st, mentor)}")
            kb.button(text=st("choice.ask", n=i + 1), callback_data=ChooseCb(mentor=mentor.id))
        kb.adjust(len(options))
        if await notify(uow, now, mentee.user_id, "\n\n".join(blocks), kb.as_markup()):
            sent += 1
    return sent


def ranking_router() -> Router:
    """Participants' side of «быстрые встречи» (outside the curators-only router)."""
    r = Router(name="ranking")
    r.callback_query.register(on_rank, RankCb.filter())
    return r


def router() -> Router:
    r = Router(name="pairs")
    r.callback_query.filter(IsCurator())
    r.message.filter(IsCurator(), F.chat.type == "private")
    r.callback_query.register(on_menu, ProgCb.filter(F.action == "pairs"))
    r.callback_query.register(on_run, PairsCb.filter(F.action == "run"))
    r.callback_query.register(on_draft, PairsCb.filter(F.action == "draft"))
    r.callback_query.register(on_publish, PairsCb.filter(F.action == "publish"))
    r.callback_query.register(on_speed, PairsCb.filter(F.action == "speed"))
    r.callback_query.register(on_speed_no, PairsCb.filter(F.action == "speedno"))
    r.callback_query.register(on_speed_go, PairsCb.filter(F.action == "speedgo"))
    r.callback_query.register(on_stable, PairsCb.filter(F.action == "stable"))
    r.callback_query.register(on_active, PairsCb.filter(F.action == "active"))
    r.callback_query.register(on_mode, PairsCb.filter(F.action == "mode"))
    r.callback_query.register(on_pair_rm, PairCb.filter(F.action == "rm"))
    r.callback_query.register(on_pair_swap, PairCb.filter(F.action == "swap"))
    r.callback_query.register(on_pair_end, PairCb.filter(F.action.in_({"end", "reassign"})))
    r.callback_query.register(on_pair_card, PairCb.filter())  # "card", and anything else
    r.callback_query.register(on_mentee, MenteeCb.filter())
    r.callback_query.register(on_pick, PickCb.filter())
    r.message.register(on_end_reason, EndReason.text, ~F.text.startswith("/"))
    return r
