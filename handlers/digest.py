"""The weekly digest in the curators' group: pairs that need a human first, each with
one-tap actions; then the week's figures against the last; then a chart."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramForbiddenError
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from bot.charts import ChartLabels, weekly_chart
from bot.clock import Clock
from bot.domain import digest as rules
from bot.domain.errors import NotAllowed
from bot.domain.models import Programme, User
from bot.domain.pairs import Pair
from bot.i18n import Html, L10n, Translator
from bot.services import digest as service
from bot.services.curation import require_programme
from bot.textutil import split_blocks
from handlers import keyboards
from handlers import pairs as pair_views
from handlers.callbacks import DigestCb, DigestSetCb, ProgCb
from handlers.common import notify, strings_for
from handlers.kb import InlineKeyboardBuilder
from storage.unit import Unit

PER_MESSAGE = 10  # at-risk pairs (and their rows of buttons) in one message
LISTED = 30  # the most urgent listed with buttons; the rest are counted (a group takes 20 msg/min)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS = (7, 8, 9, 10, 12, 14, 16, 18)


@dataclass(frozen=True)
class Audience:
    """The curators' group a digest goes to: who else reads it."""

    members: int | None  # people in the chat, the bot aside (None: unknown)
    curators: int  # the organisation's curators


@dataclass(frozen=True)
class Part:
    text: str
    markup: InlineKeyboardMarkup | None = None
    photo: bytes | None = None


def _signed(value: float, digits: int = 0, unit: str = "") -> str:
    if round(value, digits) == 0:
        return f"±0{unit}"
    sign = "+" if value > 0 else "−"
    return f"{sign}{abs(value):.{digits}f}{unit}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _pct_delta(now: float | None, before: float | None) -> str:
    return "" if now is None or before is None else f" ({_signed((now - before) * 100, 0, ' п.п.')})"


def _count_delta(now: int, before: int) -> str:
    return f" ({_signed(now - before)})"


def risk_text(t: L10n, a: rules.Attention) -> str:
    parts = []
    for risk in a.risks:
        if risk is rules.Risk.NO_MEETING and a.days_silent is not None:
            parts.append(t("digest.risk.no_meeting", days=Html(t("n.days", count=a.days_silent))))
        else:
            parts.append(t(f"digest.risk.{risk.value}"))
    return "; ".join(parts)


def _actions(t: L10n, a: rules.Attention, n: int) -> list[tuple[str, DigestCb]]:
    pid = a.pair.id
    out = []
    if a.pair.status == "active":
        out.append((t("digest.btn.nudge", n=n), DigestCb(a="n", pair=pid)))
    out.append((t("digest.btn.card", n=n), DigestCb(a="c", pair=pid)))
    out.append((t("digest.btn.reassign"), DigestCb(a="r", pair=pid)))
    if a.pair.status in ("active", "proposed"):
        out.append((t("digest.btn.end"), DigestCb(a="e", pair=pid)))
    return out


def figures_text(t: L10n, d: service.Digest) -> str:
    f, b = d.this_week, d.last_week
    forms = ", ".join(f"{t(f'form.{k}') if k != '-' else '—'}: {v}" for k, v in f.pairs_by_form.items())
    lines = [
        t("digest.fig.head"),
        t(
            "digest.fig.people",
            mentors=f.mentors,
            dm=Html(_count_delta(f.mentors, b.mentors)),
            mentees=f.mentees,
            de=Html(_count_delta(f.mentees, b.mentees)),
        ),
        t("digest.fig.pairs", pairs=f.active_pairs, d=Html(_count_delta(f.active_pairs, b.active_pairs)))
        + (f" · {forms}" if forms else "")
        + (f" · {t('groups.report.digest_groups', count=f.groups)}" if f.groups else ""),
        t(
            "digest.fig.meetings",
            held=f.held,
            scheduled=f.scheduled,
            expected=f.expected,
            d=Html(_count_delta(f.held, b.held)),
        ),
        t(
            "digest.fig.reflections",
            mentors=Html(_pct(f.response_rate("mentor"))),
            dm=Html(_pct_delta(f.response_rate("mentor"), b.response_rate("mentor"))),
            mentees=Html(_pct(f.response_rate("mentee"))),
            de=Html(_pct_delta(f.response_rate("mentee"), b.response_rate("mentee"))),
        ),
    ]
    if f.paused and f.paused_until is not None:  # their pairs rest: not expected to meet
        lines.insert(2, t("digest.fig.paused", count=f.paused, date=t.date(f.paused_until)))
    lines += [_useful_line(t, f, b), _coverage_line(t, f)]
    return "\n".join(lines)


def _useful_line(t: L10n, f: rules.Figures, b: rules.Figures) -> str:
    """How useful the week's meetings were, against the week before."""
    if f.usefulness_mean is None:
        return t("digest.fig.useful_none")
    change = None if b.usefulness_mean is None else f.usefulness_mean - b.usefulness_mean
    delta = "" if change is None else f" ({'±0' if round(change, 1) == 0 else t.number(change, signed=True)})"
    return t(
        "digest.fig.useful",
        mean=t.number(f.usefulness_mean),
        d=Html(delta),
        good=Html(_pct(f.usefulness_good)),
        count=f.ratings,
    )


def _coverage_line(t: L10n, f: rules.Figures) -> str:
    """The school's coverage, when its number of pupils is known."""
    if not f.pupils_total:
        return t("digest.fig.coverage_unknown")
    return t(
        "digest.fig.coverage",
        pct=Html(_pct(f.coverage)),
        d=Html(""),  # coverage is read as of today, so a weekly change would mislead
        covered=f.covered,
        total=f.pupils_total,
        target=Html(_pct(rules.COVERAGE_TARGET)),
        mark=Html("✅" if (f.coverage or 0) >= rules.COVERAGE_TARGET else "⏳"),
    )


def render(t: L10n, d: service.Digest, group: Audience | None = None) -> list[Part]:
    """The digest as messages, each under Telegram's limit, buttons with their lines. In a
    group (``group``), pairs show as numbers and initials, without their risks: names and
    details open in a curator's private chat (the card)."""
    p = d.programme
    week = max(1, (d.now.date() - p.start).days // 7 + 1)
    head = t("digest.head", title=p.title, week=week, date=t.date(d.now.date()))
    if group is not None:
        members = "?" if group.members is None else group.members
        key = "digest.audience_warn" if rules.outsiders(group.members, group.curators) else "digest.audience"
        head += "\n" + t(key, members=members, curators=group.curators)
    support = _support_line(t, d, in_group=group is not None)
    if d.this_week.quiet and not d.attention and not support:
        return [Part(head + "\n\n" + t("digest.quiet", stage=Html(t(f"stage.{p.stage}"))))]
    parts: list[Part] = []
    if not d.attention:
        parts.append(Part(head + "\n\n" + (support or t("digest.all_good"))))
    listed = d.attention[:LISTED]
    for start in range(0, len(listed), PER_MESSAGE):
        chunk = listed[start : start + PER_MESSAGE]
        lines = [head, "", t("digest.attention", count=len(d.attention))] if start == 0 else []
        if start == 0 and support:
            lines[2:2] = [support]
        # rows built directly: InlineKeyboardBuilder deep-copies itself on every button
        rows: list[list[InlineKeyboardButton]] = []
        for i, a in enumerate(chunk, start=start + 1):
            lines.append(_item_line(t, a, i, in_group=group is not None))
            rows.append(
                [
                    InlineKeyboardButton(text=text, callback_data=data.pack())
                    for text, data in _actions(t, a, i)
                ]
            )
        markup = InlineKeyboardMarkup(inline_keyboard=rows)
        if start + PER_MESSAGE >= len(listed) and len(d.attention) > len(listed):
            lines.append(t("digest.more", count=len(d.attention) - len(listed)))
        for n, text in enumerate(split_blocks(lines, sep="\n")):
            parts.append(Part(text, markup if n == 0 else None))
    parts.append(Part(figures_text(t, d)))
    return parts


def _support_line(t: L10n, d: service.Digest, *, in_group: bool) -> str:
    """Mentees marked «нужна поддержка» still without a pair: names in a curator's private
    chat, only the number in a group."""
    if not d.support:
        return ""
    if in_group:
        return t("forms.digest_support_group", count=len(d.support))
    names = ", ".join(p.name for p in d.support)
    return t("forms.digest_support", count=len(d.support), names=names)


def _item_line(t: L10n, a: rules.Attention, n: int, *, in_group: bool) -> str:
    """A pair needing attention: in a group, a number and initials without the risks."""
    if in_group:
        mentor, mentee = rules.initials(a.mentor.name), rules.initials(a.mentee.name)
        return t("digest.item_group", n=n, pair=a.pair.id, mentor=mentor, mentee=mentee)
    why = Html(risk_text(t, a))
    return t("digest.item", n=n, mentor=a.mentor.name, mentee=a.mentee.name, why=why)


async def chart(t: L10n, d: service.Digest) -> bytes | None:
    if not d.weeks or not any(w.held for w in d.weeks):
        return None
    labels_ = ChartLabels(
        title=t("digest.chart.title", title=d.programme.title),
        meetings=t("digest.chart.meetings"),
        usefulness=t("digest.chart.usefulness"),
        week=t("digest.chart.week"),
    )
    weeks = [w.number for w in d.weeks]
    return await asyncio.to_thread(
        weekly_chart, weeks, [w.held for w in d.weeks], [w.usefulness for w in d.weeks], labels_
    )


async def full(t: L10n, d: service.Digest, group: Audience | None = None) -> list[Part]:
    parts = render(t, d, group)
    picture = await chart(t, d)
    if picture is not None:
        parts.append(Part(t("digest.chart.caption"), None, picture))
    return parts


async def send_now(bot: Bot, chat_id: int, parts: list[Part]) -> None:
    for part in parts:
        if part.photo is not None:
            await bot.send_photo(
                chat_id,
                BufferedInputFile(part.photo, "digest.png"),
                caption=part.text,
                reply_markup=part.markup,
            )
        else:
            await bot.send_message(chat_id, part.text, reply_markup=part.markup)


async def enqueue(uow: Unit, now: datetime, chat_id: int, key: str, parts: list[Part]) -> None:
    """Into the outbox, in order, under keys that make this week's digest go once."""
    for i, part in enumerate(parts):
        await notify(uow, now, chat_id, part.text, part.markup, key=f"{key}:{i}", photo=part.photo)


def schedule_keyboard(t: L10n, p: Programme) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for i, day in enumerate(WEEKDAYS):
        mark = "• " if i == p.digest_weekday else ""
        kb.button(text=mark + t(f"day.{day}"), callback_data=DigestSetCb(pid=p.id, d=i, h=p.digest_hour))
    for hour in HOURS:
        mark = "• " if hour == p.digest_hour else ""
        kb.button(
            text=f"{mark}{hour:02d}:00", callback_data=DigestSetCb(pid=p.id, d=p.digest_weekday, h=hour)
        )
    kb.adjust(7, 4, 4)
    return kb.as_markup()


def schedule_text(t: L10n, p: Programme) -> str:
    return t(
        "digest.schedule",
        day=Html(t(f"digest.weekday.{WEEKDAYS[p.digest_weekday]}")),
        hour=f"{p.digest_hour:02d}:00",
        tz=t.tz(p.timezone),
        chat=Html(t("digest.chat_bound" if p.curator_chat_id else "digest.chat_unbound")),
    )


# --- handlers ------------------------------------------------------------------------------


async def on_digest_command(message: Message, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock) -> None:
    chat = message.chat
    if chat.type in ("group", "supergroup"):
        programme = await service.programme_of_chat(uow, chat.id)
        if programme is None:
            await message.answer(t("digest.group_unbound"))
            return
        if not await uow.organisations.is_curator(user.id, programme.organisation_id):
            await message.answer(t("digest.only_curators"))
            return
        await service.asked_in_group(uow, programme, clock.now())  # recorded before it is sent
        d = await service.build(uow, programme, clock.now())
        members = await bot.get_chat_member_count(chat.id) - 1  # the bot aside
        curators = await service.note_chat_members(uow, programme, members)
        await send_now(bot, chat.id, await full(t, d, Audience(members, curators)))
        return
    programmes = await uow.programmes.of_curator(user.id)
    if not programmes:
        await message.answer(
            t("error.not_curator") if not await uow.organisations.is_curator(user.id) else t("prog.none")
        )
        return
    if len(programmes) == 1:
        await _private_digest(bot, uow, t, user, programmes[0].id, clock.now())
        return
    await message.answer(t("digest.choose"), reply_markup=keyboards.programme_choice(programmes, "digest"))


async def _private_digest(bot: Bot, uow: Unit, t: L10n, user: User, programme_id: int, now: datetime) -> None:
    d = await service.for_curator(uow, user.id, programme_id, now)
    await send_now(bot, user.id, await full(t, d))
    await bot.send_message(
        user.id, schedule_text(t, d.programme), reply_markup=schedule_keyboard(t, d.programme)
    )


async def on_programme_digest(
    cb: CallbackQuery, callback_data: ProgCb, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock
) -> None:
    await cb.answer()
    await _private_digest(bot, uow, t, user, callback_data.pid, clock.now())


async def on_schedule(
    cb: CallbackQuery, callback_data: DigestSetCb, uow: Unit, user: User, t: L10n, clock: Clock
) -> None:
    p = await service.set_schedule(
        uow, user.id, callback_data.pid, callback_data.d, callback_data.h, clock.now()
    )
    await cb.answer(t("digest.schedule_saved"))
    if cb.message is not None and isinstance(cb.message, Message):
        await cb.message.edit_text(schedule_text(t, p), reply_markup=schedule_keyboard(t, p))


async def _line_pair(
    cb: CallbackQuery, callback_data: DigestCb, uow: Unit, user: User, t: L10n
) -> Pair | None:
    """The pair under a digest line, if this person may act on it: only curators of the
    pair's programme, and not once the programme is archived (None: they were told why)."""
    pair = await uow.pairs.get(callback_data.pair)
    if pair is None:
        await cb.answer(t("error.stale"), show_alert=True)
        return None
    try:
        programme = await require_programme(uow, user.id, pair.programme_id)
    except NotAllowed:
        await cb.answer(t("digest.not_yours"), show_alert=True)
        return None
    if programme.archived:
        await cb.answer(t("error.archived"), show_alert=True)
        return None
    return pair


async def _in_private(cb: CallbackQuery, user: User, t: L10n, opening: Awaitable[object]) -> None:
    """Whatever a digest button opens goes to the curator's private chat, never to the group."""
    try:
        await opening
    except TelegramForbiddenError:
        await cb.answer(t("digest.open_private"), show_alert=True)
        return
    await cb.answer(t("digest.sent_private") if cb.message and cb.message.chat.id != user.id else None)


async def on_nudge(
    cb: CallbackQuery, callback_data: DigestCb, uow: Unit, user: User, t: L10n, clock: Clock, i18n: Translator
) -> None:
    """«Напомнить»: both sides of an active pair are nudged, once a day."""
    pair = await _line_pair(cb, callback_data, uow, user, t)
    if pair is None:
        return
    if pair.status.value != "active":
        await cb.answer(t("error.already_decided"), show_alert=True)
        return
    now, sent = clock.now(), False
    for side in (pair.mentor, pair.mentee):
        st = await strings_for(uow, i18n, side.user_id)
        sent |= await notify(
            uow,
            now,
            side.user_id,
            st("digest.nudge_text", other=pair.other(side.role).name),
            key=f"curnudge:{pair.id}:{side.id}:{now:%Y%m%d}",
        )
    await cb.answer(t("digest.nudged" if sent else "digest.nudged_today"), show_alert=not sent)


async def on_line_card(
    cb: CallbackQuery, callback_data: DigestCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    if pair := await _line_pair(cb, callback_data, uow, user, t):
        await _in_private(cb, user, t, pair_views.send_card(bot, uow, t, user.id, pair))


async def on_line_reassign(
    cb: CallbackQuery,
    callback_data: DigestCb,
    uow: Unit,
    user: User,
    t: L10n,
    bot: Bot,
    fsm_storage: BaseStorage,
) -> None:
    """A declined or expired proposal: other mentors to choose from; a working pair: why end it."""
    pair = await _line_pair(cb, callback_data, uow, user, t)
    if pair is None:
        return
    if pair.status.value in ("declined", "expired"):
        await _in_private(cb, user, t, pair_views.show_options(bot, uow, t, user.id, pair.mentee.id))
        return
    private = FSMContext(fsm_storage, StorageKey(bot_id=bot.id, chat_id=user.id, user_id=user.id))
    await _in_private(cb, user, t, pair_views.ask_end_reason(bot, private, t, user.id, pair, reassign=True))


async def on_line_end(
    cb: CallbackQuery,
    callback_data: DigestCb,
    uow: Unit,
    user: User,
    t: L10n,
    bot: Bot,
    fsm_storage: BaseStorage,
) -> None:
    if pair := await _line_pair(cb, callback_data, uow, user, t):
        private = FSMContext(fsm_storage, StorageKey(bot_id=bot.id, chat_id=user.id, user_id=user.id))
        await _in_private(
            cb, user, t, pair_views.ask_end_reason(bot, private, t, user.id, pair, reassign=False)
        )


def router() -> Router:
    r = Router(name="digest")
    r.message.register(on_digest_command, Command("digest"))
    r.callback_query.register(on_programme_digest, ProgCb.filter(F.action == "digest"))
    r.callback_query.register(on_schedule, DigestSetCb.filter())
    r.callback_query.register(on_nudge, DigestCb.filter(F.a == "n"))
    r.callback_query.register(on_line_card, DigestCb.filter(F.a == "c"))
    r.callback_query.register(on_line_reassign, DigestCb.filter(F.a == "r"))
    r.callback_query.register(on_line_end, DigestCb.filter(F.a == "e"))
    return r
