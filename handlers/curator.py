"""Curator's work in a private chat: programmes, invite links, the queue, the base."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, TelegramObject

from bot.clock import Clock
from bot.domain.catalog import Role, Status
from bot.domain.errors import InvalidInput
from bot.domain.invites import CURATOR_INVITE_TTL
from bot.domain.models import Participant, Programme, User
from bot.domain.programmes import parse_period
from bot.i18n import Html, L10n, Translator
from bot.middlewares import CuratorCheck
from bot.services import curation, people
from bot.services.links import StartLinks
from handlers import render
from handlers.answered import collapse
from handlers.callbacks import (
    CloseCb,
    DecideCb,
    DigestSetCb,
    ExportCb,
    InviteCb,
    ListCb,
    MenteeCb,
    OutcomeCb,
    PairCb,
    PairsCb,
    PickCb,
    ProgCb,
    SupportCb,
    SurveyAdminCb,
    SurveyItemCb,
    SurveyMomentCb,
)
from handlers.cards import with_cards
from handlers.common import notify, send_long, strings_for
from handlers.kb import InlineKeyboardBuilder
from handlers.states import BreakForm
from storage.unit import Unit

PAGE = 50
QUEUE_BATCH = 10
CURATOR_ONLY = ("programmes", "new_programme", "add_curator", "export", "pupils", "base")


class IsCurator(Filter):
    """Curators only; the database is asked once per update however many routers ask."""

    async def __call__(self, event: TelegramObject, curator: CuratorCheck | None = None) -> bool:
        return curator is not None and await curator()


def deep_link(links: StartLinks, token: str) -> str:
    return links.text(token)


STAGE_TO = "to"  # ProgCb action "to3": the curator confirmed moving the programme to stage 3
OPEN_BUTTONS = (
    "invites",
    "queue",
    "consent",
    "list",
    "pairs",
    "breaks",
    "stage",
    "forms",
    "digest",
    "surveys",
    "export",
    "close",
    "base",
    "copy",
)
ARCHIVED_BUTTONS = ("list", "surveys", "export", "copy")  # a completed programme is read-only


def programme_keyboard(t: L10n, p: Programme) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for action in ARCHIVED_BUTTONS if p.archived else OPEN_BUTTONS:
        kb.button(text=t(f"prog.btn.{action}"), callback_data=ProgCb(action=action, pid=p.id))
    kb.adjust(2)
    return kb.as_markup()


def decision_keyboard(t: L10n, p: Participant) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if p.status is Status.PENDING:
        kb.button(text=t("dec.ok"), callback_data=DecideCb(action="ok", part=p.id))
        if p.role is Role.MENTOR:
            kb.button(text=t("dec.okt"), callback_data=DecideCb(action="okt", part=p.id))
        kb.button(text=t("dec.no"), callback_data=DecideCb(action="no", part=p.id))
    elif p.role is Role.MENTOR and p.status is Status.APPROVED and not p.trained:
        kb.button(text=t("dec.tr"), callback_data=DecideCb(action="tr", part=p.id))
    if p.awaits_parental_consent:
        kb.button(text=t("dec.pc"), callback_data=DecideCb(action="pc", part=p.id))
    if p.role is Role.MENTEE and p.status in (Status.PENDING, Status.APPROVED):
        on = p.needs_support
        kb.button(
            text=t("forms.btn_support_off" if on else "forms.btn_support_on"),
            callback_data=SupportCb(part=p.id, v=0 if on else 1),
        )
    if p.is_minor and p.status is not Status.REJECTED:
        kb.button(text=t("consent_doc.btn_form"), callback_data=DecideCb(action="cf", part=p.id))
        kb.button(text=t("consent_doc.btn_contact"), callback_data=DecideCb(action="pn", part=p.id))
    kb.adjust(1)
    return kb.as_markup()


async def curator_card(uow: Unit, t: L10n, p: Participant, programme: Programme) -> str:
    """The card as a curator reads it: for a minor, with the parental consent's status."""
    parental = await uow.parental.get(p.id) if p.is_minor else None
    return render.participant_card(t, p, programme, parental, curator=True)


async def on_programmes(message: Message, uow: Unit, user: User, t: L10n, bot: Bot) -> None:
    programmes = await uow.programmes.of_curator(user.id, archived=True)
    if not programmes:
        await message.answer(t("prog.none"))
        return
    for p in programmes:
        card = render.programme_card(t, p, await uow.participants.counts(p.id))
        await bot.send_message(user.id, card, reply_markup=programme_keyboard(t, p))


async def on_pupils(
    message: Message, command: CommandObject, uow: Unit, user: User, t: L10n, clock: Clock
) -> None:
    """/pupils 540: how many pupils the school has, for the coverage figure (target 70%)."""
    org = await curation.require_organisation(uow, user.id)
    raw = (command.args or "").strip().replace(" ", "")
    if not raw.isdigit() or not 1 <= int(raw) <= curation.PUPILS_MAX:
        await message.answer(t("pupils.ask", current=org.pupils_total or "—"))
        return
    org = await curation.set_pupils_total(uow, user.id, int(raw), clock.now())
    await message.answer(t("pupils.saved", org=org.name, count=int(raw)))


async def on_add_curator(
    message: Message, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock, links: StartLinks
) -> None:
    invite = await curation.curator_invite(uow, user.id, clock.now(), people.new_token)
    revoke = InlineKeyboardBuilder()
    revoke.button(
        text=t("curator.invite_revoke"), callback_data=InviteCb(action="revoke", token=invite.token)
    )
    hours = int(CURATOR_INVITE_TTL.total_seconds() // 3600)
    link = deep_link(links, invite.token)
    await message.answer(t("curator.invite", link=link, hours=hours), reply_markup=revoke.as_markup())


async def on_revoke_invite(
    cb: CallbackQuery, callback_data: InviteCb, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock
) -> None:
    await curation.revoke_curator_invite(uow, user.id, callback_data.token, clock.now())
    await cb.answer()
    if cb.message is not None:
        await bot.edit_message_text(
            t("curator.invite_revoked"), chat_id=user.id, message_id=cb.message.message_id
        )


async def on_programme(
    cb: CallbackQuery, callback_data: ProgCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    """A programme's card with its buttons ("card")."""
    programme = await curation.require_programme(uow, user.id, callback_data.pid)
    await cb.answer()
    await bot.send_message(
        user.id,
        render.programme_card(t, programme, await uow.participants.counts(programme.id)),
        reply_markup=programme_keyboard(t, programme),
    )


async def on_invites(
    cb: CallbackQuery,
    callback_data: ProgCb,
    uow: Unit,
    user: User,
    t: L10n,
    bot: Bot,
    clock: Clock,
    links: StartLinks,
) -> None:
    """The programme's invite links, one per role (a line per messenger when there are two)."""
    programme = await curation.require_programme(uow, user.id, callback_data.pid)
    urls = {}
    for role in (Role.MENTOR, Role.MENTEE):
        invite = await curation.invite_for(uow, user.id, programme.id, role, clock.now(), people.new_token)
        urls[role.value] = deep_link(links, invite.token)
    await cb.answer()
    await bot.send_message(user.id, t("prog.invites", title=programme.title, **urls))


async def on_queue(
    cb: CallbackQuery, callback_data: ProgCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    programme = await curation.require_programme(uow, user.id, callback_data.pid)
    await cb.answer()
    await _send_queue(bot, uow, t, user.id, programme)


async def on_list_button(
    cb: CallbackQuery, callback_data: ProgCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    programme = await curation.require_programme(uow, user.id, callback_data.pid)
    await cb.answer()
    await _send_list(bot, uow, t, user.id, ListCb(pid=programme.id, role="", status="", page=0))


async def on_breaks(
    cb: CallbackQuery, callback_data: ProgCb, state: FSMContext, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    """The programme's breaks so far; the next one is asked as typed text."""
    programme = await curation.require_programme(uow, user.id, callback_data.pid)
    await cb.answer()
    await state.set_state(BreakForm.period)
    await state.set_data({"pid": programme.id})
    current = await uow.programmes.breaks(programme.id)
    listed = "\n".join(f"• {t.date(a)} — {t.date(b)}" for a, b in current) or t("prog.break.none")
    await bot.send_message(user.id, t("prog.break.ask", current=listed))


async def on_consents(
    cb: CallbackQuery, callback_data: ProgCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    programme = await curation.require_programme(uow, user.id, callback_data.pid)
    await cb.answer()
    await _send_consents(bot, uow, t, user.id, programme)


async def on_stage(
    cb: CallbackQuery, callback_data: ProgCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    """Say what the next stage means, then ask."""
    programme = await curation.require_programme(uow, user.id, callback_data.pid)
    await cb.answer()
    if programme.stage >= 7:
        await bot.send_message(user.id, t("prog.stage.last"))
        return
    nxt = programme.stage + 1
    confirm = InlineKeyboardBuilder()
    confirm.button(
        text=t("prog.stage.go", stage=nxt),
        callback_data=ProgCb(action=f"{STAGE_TO}{nxt}", pid=programme.id),
    )
    confirm.button(text=t("prog.stage.stay"), callback_data=ProgCb(action="card", pid=programme.id))
    confirm.adjust(1)
    await bot.send_message(
        user.id,
        t(
            "prog.stage.confirm",
            stage=programme.stage,
            name=Html(t(f"stage.{programme.stage}")),
            next=nxt,
            next_name=Html(t(f"stage.{nxt}")),
            about=Html(t(f"stage_about.{nxt}")),
        ),
        reply_markup=confirm.as_markup(),
    )


async def on_stage_to(
    cb: CallbackQuery, callback_data: ProgCb, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock
) -> None:
    """The curator confirmed the next stage ("to3"); a stale confirmation changes nothing."""
    programme = await curation.require_programme(uow, user.id, callback_data.pid)
    target = callback_data.action.removeprefix(STAGE_TO)
    if not target.isdigit() or int(target) != programme.stage + 1:
        await cb.answer(t("prog.stage.stale", stage=programme.stage)[:200], show_alert=True)
        return
    updated = await curation.advance_stage(uow, user.id, programme.id, clock.now())
    await collapse(bot, cb, t("prog.stage.done", stage=updated.stage))
    await cb.answer(t("prog.stage_now", stage=updated.stage, name=Html(t(f"stage.{updated.stage}")))[:200])
    await bot.send_message(
        user.id,
        render.programme_card(t, updated, await uow.participants.counts(updated.id)),
        reply_markup=programme_keyboard(t, updated),
    )


async def _send_consents(bot: Bot, uow: Unit, t: L10n, chat_id: int, programme: Programme) -> None:
    page = await uow.participants.awaiting_parental_consent(programme.id, limit=QUEUE_BATCH)
    if not page.items:
        await bot.send_message(chat_id, t("consent_list.empty", title=programme.title))
        return
    await bot.send_message(chat_id, t("consent_list.head", title=programme.title, count=page.total))
    for p in page.items:
        full = await uow.participants.get(p.id)
        if full is not None:
            await send_long(
                bot, chat_id, [await curator_card(uow, t, full, programme)], decision_keyboard(t, full)
            )


async def _send_queue(bot: Bot, uow: Unit, t: L10n, chat_id: int, programme: Programme) -> None:
    page = await uow.participants.page(programme.id, status=Status.PENDING, limit=QUEUE_BATCH)
    if not page.items:
        await bot.send_message(chat_id, t("queue.empty", title=programme.title))
        return
    await bot.send_message(chat_id, t("queue.head", title=programme.title, count=page.total))
    for item in page.items:
        p = await uow.participants.get(item.id)
        if p is not None:
            await send_long(bot, chat_id, [await curator_card(uow, t, p, programme)], decision_keyboard(t, p))


async def _send_list(bot: Bot, uow: Unit, t: L10n, chat_id: int, f: ListCb) -> None:
    role = Role(f.role) if f.role else None
    status = Status(f.status) if f.status else None
    page = await uow.participants.page(f.pid, role=role, status=status, offset=f.page * PAGE, limit=PAGE)
    head = t("list.head", count=page.total, shown=len(page.items))
    lines = [render.participant_line(t, f.page * PAGE + i + 1, p) for i, p in enumerate(page.items)]
    await send_long(
        bot,
        chat_id,
        [head, *lines] if lines else [head, t("list.empty")],
        with_cards(_filters(t, f, page.total), page.items, f.page * PAGE + 1),
    )


def _filters(t: L10n, f: ListCb, total: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for role in ("", "mentor", "mentee"):
        mark = "• " if role == f.role else ""
        kb.button(
            text=mark + t(f"filter.role.{role or 'all'}"),
            callback_data=ListCb(pid=f.pid, role=role, status=f.status, page=0),
        )
    for status in ("", "pending", "approved", "rejected"):
        mark = "• " if status == f.status else ""
        kb.button(
            text=mark + t(f"filter.status.{status or 'all'}"),
            callback_data=ListCb(pid=f.pid, role=f.role, status=status, page=0),
        )
    sizes = [3, 4]
    if f.page > 0:
        kb.button(text="◀️", callback_data=ListCb(pid=f.pid, role=f.role, status=f.status, page=f.page - 1))
    if (f.page + 1) * PAGE < total:
        kb.button(text="▶️", callback_data=ListCb(pid=f.pid, role=f.role, status=f.status, page=f.page + 1))
    kb.adjust(*sizes, 2)
    return kb.as_markup()


async def on_list(cb: CallbackQuery, callback_data: ListCb, uow: Unit, user: User, t: L10n, bot: Bot) -> None:
    await curation.require_programme(uow, user.id, callback_data.pid)
    await cb.answer()
    await _send_list(bot, uow, t, user.id, callback_data)


async def on_decide(
    cb: CallbackQuery,
    callback_data: DecideCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    """Approve ("ok"; "okt": and trained) or reject ("no") an application; the person is told."""
    action, now = callback_data.action, clock.now()
    p, programme = await curation.decide(
        uow, user.id, callback_data.part, action != "no", action == "okt", now
    )
    pt = await strings_for(uow, i18n, p.user_id)
    await notify(
        uow,
        now,
        p.user_id,
        pt("decision.approved" if action != "no" else "decision.rejected", programme=programme.title),
    )
    await _decided(cb, uow, user, t, bot, p, action)


async def on_parental_consent(
    cb: CallbackQuery, callback_data: DecideCb, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock
) -> None:
    p = await curation.confirm_parental_consent(uow, user.id, callback_data.part, clock.now())
    await _decided(cb, uow, user, t, bot, p, callback_data.action)


async def on_trained(
    cb: CallbackQuery, callback_data: DecideCb, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock
) -> None:
    """The mentor is marked trained ("tr")."""
    p = await curation.mark_trained(uow, user.id, callback_data.part, clock.now())
    await _decided(cb, uow, user, t, bot, p, callback_data.action)


async def _decided(
    cb: CallbackQuery, uow: Unit, user: User, t: L10n, bot: Bot, p: Participant, action: str
) -> None:
    """The press is answered and the participant's card shows the decision."""
    full = await uow.participants.get(p.id)
    where = await uow.programmes.get(p.programme_id)
    await cb.answer(t(f"dec.done.{action}"))
    if cb.message is not None and full is not None and where is not None:
        await bot.edit_message_text(
            await curator_card(uow, t, full, where),
            chat_id=user.id,
            message_id=cb.message.message_id,
            reply_markup=decision_keyboard(t, full),
        )


async def on_break(message: Message, state: FSMContext, uow: Unit, user: User, t: L10n, clock: Clock) -> None:
    try:
        start, end = parse_period(message.text)
    except InvalidInput as err:
        await message.answer(t(err.key))
        return
    data = await state.get_data()
    programme = await curation.require_programme(uow, user.id, int(data["pid"]))
    await uow.programmes.add_break(programme.id, start, end)
    await uow.audit.record(
        programme.organisation_id,
        user.id,
        "programme.break",
        clock.now(),
        start=start.isoformat(),
        end=end.isoformat(),
    )
    await state.clear()
    await message.answer(t("prog.break.saved", start=t.date(start), end=t.date(end)))


async def on_not_curator(message: Message, t: L10n) -> None:
    await message.answer(t("error.not_curator"))


def router() -> Router:
    r = Router(name="curator")
    r.message.filter(IsCurator(), F.chat.type == "private")
    r.callback_query.filter(IsCurator())
    r.message.register(on_programmes, Command("programmes"))
    r.message.register(on_add_curator, Command("add_curator"))
    r.callback_query.register(on_revoke_invite, InviteCb.filter(F.action == "revoke"))
    r.message.register(on_pupils, Command("pupils"))
    r.callback_query.register(on_programme, ProgCb.filter(F.action == "card"))
    r.callback_query.register(on_invites, ProgCb.filter(F.action == "invites"))
    r.callback_query.register(on_queue, ProgCb.filter(F.action == "queue"))
    r.callback_query.register(on_list_button, ProgCb.filter(F.action == "list"))
    r.callback_query.register(on_breaks, ProgCb.filter(F.action == "breaks"))
    r.callback_query.register(on_consents, ProgCb.filter(F.action == "consent"))
    r.callback_query.register(on_stage, ProgCb.filter(F.action == "stage"))
    r.callback_query.register(on_stage_to, ProgCb.filter(F.action.startswith(STAGE_TO)))
    r.callback_query.register(on_list, ListCb.filter())
    r.callback_query.register(on_decide, DecideCb.filter(F.action.in_({"ok", "okt", "no"})))
    r.callback_query.register(on_parental_consent, DecideCb.filter(F.action == "pc"))
    r.callback_query.register(on_trained, DecideCb.filter())  # "tr", as before any other
    r.message.register(on_break, BreakForm.period, ~F.text.startswith("/"))
    return r


def refusals_router() -> Router:
    """Curator commands and buttons from anyone else: a polite no."""
    r = Router(name="curator-refusals")
    r.message.register(on_not_curator, Command(*CURATOR_ONLY), F.chat.type == "private")
    r.callback_query.register(_refuse_button, ProgCb.filter())
    r.callback_query.register(_refuse_button, ListCb.filter())
    r.callback_query.register(_refuse_button, DecideCb.filter())
    r.callback_query.register(_refuse_button, InviteCb.filter())
    for cb in (
        PairsCb,
        PairCb,
        PickCb,
        MenteeCb,
        DigestSetCb,
        SurveyAdminCb,
        SurveyItemCb,
        SurveyMomentCb,
        CloseCb,
        OutcomeCb,
        ExportCb,
    ):
        r.callback_query.register(_refuse_button, cb.filter())
    return r


async def _refuse_button(cb: CallbackQuery, t: L10n) -> None:
    await cb.answer(t("error.not_curator"), show_alert=True)
