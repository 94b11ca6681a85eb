"""Questionnaires: the curator's menu (launch, progress, results, questions) and the
participant's answering, one question at a time, resumable after any restart."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.clock import Clock
from bot.domain import surveys as rules
from bot.domain.errors import AlreadyDecided, DomainError, NotAllowed
from bot.domain.models import User
from bot.i18n import Html, L10n, Translator, escape
from bot.services import surveys as service
from bot.services.curation import require_programme
from handlers.answered import collapse, collapse_pressed
from handlers.callbacks import ProgCb, SurveyAdminCb, SurveyCb, SurveyItemCb, SurveyMomentCb
from handlers.common import error_text, notify, send_long, strings_for
from handlers.kb import InlineKeyboardBuilder
from handlers.states import SurveyForm
from storage.unit import Unit

PRIVATE = F.chat.type == "private"
KINDS = tuple(k.value for k in rules.SurveyKind)


def _bank_key(t: L10n, code: str) -> str:
    return f"monitor.item.{code}" if t.has(f"monitor.item.{code}") else f"survey.item.{code}"


def bank_texts(i18n: Translator) -> service.BankTexts:
    def texts(code: str) -> dict[str, str]:
        out = {}
        for lang in i18n.languages:
            t = i18n.get(lang)
            out[lang] = t(_bank_key(t, code))
        return out

    return texts


def item_text(t: L10n, item: rules.Item) -> str:
    """A question as its reader reads it: a catalog item with «ты» for a pupil, «вы» for an
    adult (the curator's own wording as written)."""
    if item.code is None:
        return item.text
    key = _bank_key(t, item.code)
    return rules.worded(item, {t.reader(True)(key), t.reader(False)(key)}, t(key))


# --- the participant -----------------------------------------------------------------------


def question_view(t: L10n, q: service.Question) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    if q.item.kind is rules.ItemKind.SCALE:
        for v in range(1, 11):
            kb.button(text=str(v), callback_data=SurveyCb(r=q.response_id, i=q.item.id, v=str(v)))
        kb.adjust(5, 5)
    elif q.item.kind is rules.ItemKind.COUNT:
        for v in range(rules.COUNT_MAX + 1):
            label = f"{v}+" if v == rules.COUNT_MAX else str(v)
            kb.button(text=label, callback_data=SurveyCb(r=q.response_id, i=q.item.id, v=str(v)))
        kb.adjust(6, 5)
    elif q.item.kind is rules.ItemKind.YESNO:
        kb.button(text=t("survey.yes"), callback_data=SurveyCb(r=q.response_id, i=q.item.id, v="y"))
        kb.button(text=t("survey.no"), callback_data=SurveyCb(r=q.response_id, i=q.item.id, v="n"))
    else:
        kb.button(text=t("survey.skip"), callback_data=SurveyCb(r=q.response_id, i=q.item.id, v="-"))
    hint = (
        t("monitor.hint_count", limit=rules.COUNT_MAX)
        if q.item.kind is rules.ItemKind.COUNT
        else t(f"survey.hint.{q.item.kind.value}")
    )
    text = t("survey.question", n=q.number, total=q.total, text=item_text(t, q.item), hint=Html(hint))
    return text, kb.as_markup()


async def _ask(bot: Bot, state: FSMContext, t: L10n, chat_id: int, q: service.Question | None) -> None:
    if q is None:
        await state.clear()
        await bot.send_message(chat_id, t("survey.thanks"))
        return
    if q.item.kind is rules.ItemKind.OPEN:
        await state.set_state(SurveyForm.open)
        await state.set_data({"r": q.response_id, "i": q.item.id})
    elif await state.get_state() == SurveyForm.open.state:
        await state.clear()
    text, markup = question_view(t, q)
    await bot.send_message(chat_id, text, reply_markup=markup)


async def on_answer(
    cb: CallbackQuery,
    callback_data: SurveyCb,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    bot: Bot,
    clock: Clock,
) -> None:
    r, item = callback_data.r, callback_data.i
    try:
        if callback_data.v == "go":
            q = await service.current(uow, user.id, r, user.locale)
            if q is None:
                await cb.answer(t("survey.already_done"), show_alert=True)
                return
        else:
            q = await service.answer(
                uow, user.id, r, item, callback_data.v, clock.now(), user.locale, skip=callback_data.v == "-"
            )
    except AlreadyDecided:
        await cb.answer(t("survey.already_done"), show_alert=True)
        return
    except NotAllowed:  # an old question's button: show the current one again
        await cb.answer(t("survey.old_button"))
        await _ask(bot, state, t, user.id, await service.current(uow, user.id, r, user.locale))
        return
    await cb.answer()
    if callback_data.v != "go":  # the question keeps the answer chosen, without buttons
        await collapse_pressed(bot, cb)
    await _ask(bot, state, t, user.id, q)


async def on_open_text(
    message: Message, state: FSMContext, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock
) -> None:
    data = await state.get_data()
    if message.text is None:
        await message.answer(t("survey.err_open_text"))
        return
    try:
        q = await service.answer(
            uow, user.id, int(data["r"]), int(data["i"]), message.text, clock.now(), user.locale
        )
    except (AlreadyDecided, NotAllowed):
        await state.clear()
        current = await service.current(uow, user.id, int(data["r"]), user.locale)
        await _ask(bot, state, t, user.id, current)
        return
    except DomainError as exc:
        await message.answer(error_text(t, exc))
        return
    await _ask(bot, state, t, user.id, q)


# --- the curator ---------------------------------------------------------------------------


async def _menu(bot: Bot, uow: Unit, t: L10n, user: User, pid: int) -> None:
    progress = await service.progress(uow, user.id, pid)
    programme = await uow.programmes.get(pid)
    assert programme is not None
    lines = [t("survey.menu", title=programme.title)]
    for p in progress:
        lines.append(
            t(
                "survey.progress",
                kind=Html(_kind_label(t, p.survey.kind, p.survey.point)),
                date=t.date(p.survey.launched_at.date()),
                mentors=f"{p.done.get('mentor', 0)}/{p.asked.get('mentor', 0)}",
                mentees=f"{p.done.get('mentee', 0)}/{p.asked.get('mentee', 0)}",
            )
        )
    if not progress:
        lines.append(t("survey.none_yet"))
    launched = {p.survey.kind for p in progress if p.survey.point is None}
    kb = InlineKeyboardBuilder()
    if not programme.archived:
        for kind in KINDS:
            if kind not in launched:
                kb.button(
                    text=t(f"survey.btn.launch_{kind}"),
                    callback_data=SurveyAdminCb(a="launch", pid=pid, k=kind),
                )
    if progress:
        kb.button(text=t("survey.btn.results"), callback_data=SurveyAdminCb(a="results", pid=pid))
    kb.button(text=t("survey.btn.items"), callback_data=SurveyAdminCb(a="items", pid=pid))
    if not programme.archived:
        kb.button(text=t("monitor.btn_pulse"), callback_data=SurveyAdminCb(a="pulse", pid=pid))
    kb.adjust(1)
    await bot.send_message(user.id, "\n".join(lines), reply_markup=kb.as_markup())


def _kind_label(t: L10n, kind: str, point: int | None) -> str:
    """«Промежуточная», or «Промежуточная, день 30» for an automatic pulse."""
    label = t(f"survey.kind.{kind}")
    return label if point is None else t("monitor.pulse_kind", kind=Html(label), day=point)


async def on_programme_surveys(
    cb: CallbackQuery, callback_data: ProgCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    await _menu(bot, uow, t, user, callback_data.pid)
    await cb.answer()


async def launch_and_invite(
    uow: Unit, now: datetime, i18n: Translator, curator_id: int, pid: int, kind: str
) -> service.Launched:
    launched = await service.launch(uow, curator_id, pid, kind, now, bank_texts(i18n))
    await invite(uow, now, i18n, launched)
    return launched


async def invite(uow: Unit, now: datetime, i18n: Translator, launched: service.Launched) -> None:
    """Each person asked gets the questionnaire's invitation, once."""
    kind = launched.survey.kind
    for person, response_id, count in launched.asked:
        st = await strings_for(uow, i18n, person.user_id)
        kb = InlineKeyboardBuilder()
        kb.button(text=st("survey.btn.start"), callback_data=SurveyCb(r=response_id, i=0, v="go"))
        await notify(
            uow,
            now,
            person.user_id,
            st("survey.invite", kind=Html(st(f"survey.kind.{kind}")), count=count),
            kb.as_markup(),
            key=f"survey:{launched.survey.id}:{person.id}",
        )


async def on_launch(
    cb: CallbackQuery, callback_data: SurveyAdminCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    """Say what a launch will do and to whom, then ask."""
    pid, kind = callback_data.pid, callback_data.k
    counts = await uow.participants.counts(pid)
    await cb.answer()
    confirm = InlineKeyboardBuilder()
    confirm.button(text=t("survey.confirm.go"), callback_data=SurveyAdminCb(a="go", pid=pid, k=kind))
    confirm.button(text=t("survey.confirm.stay"), callback_data=SurveyAdminCb(a="stay", pid=pid, k=kind))
    confirm.adjust(1)
    await bot.send_message(
        user.id,
        t(
            "survey.confirm.text",
            kind=Html(t(f"survey.kind.{kind}")),
            mentors=Html(t("n.mentors", count=counts.mentors)),
            mentees=Html(t("n.mentees", count=counts.mentees)),
        ),
        reply_markup=confirm.as_markup(),
    )


async def on_stay(cb: CallbackQuery, t: L10n, bot: Bot) -> None:
    await cb.answer()
    await collapse(bot, cb, t("survey.confirm.stayed"))


async def on_go(
    cb: CallbackQuery,
    callback_data: SurveyAdminCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
    clock: Clock,
) -> None:
    try:
        launched = await launch_and_invite(
            uow, clock.now(), i18n, user.id, callback_data.pid, callback_data.k
        )
    except AlreadyDecided:
        await cb.answer(t("survey.already_launched"), show_alert=True)
        return
    await cb.answer()
    await collapse(bot, cb, t("survey.confirm.went"))
    await bot.send_message(
        user.id,
        t(
            "survey.launched",
            kind=Html(t(f"survey.kind.{callback_data.k}")),
            people=Html(t("n.people", count=len(launched.asked))),
        ),
    )


async def on_results(
    cb: CallbackQuery, callback_data: SurveyAdminCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    await cb.answer()
    await send_long(bot, user.id, await results_blocks(uow, t, user, callback_data.pid))


async def on_items(
    cb: CallbackQuery,
    callback_data: SurveyAdminCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
) -> None:
    await cb.answer()
    await _items(bot, uow, t, i18n, user, callback_data.pid)


async def on_add(cb: CallbackQuery, callback_data: SurveyAdminCb, user: User, t: L10n, bot: Bot) -> None:
    """A new question for a role: first its kind."""
    await cb.answer()
    kb = InlineKeyboardBuilder()
    for item_kind in (rules.ItemKind.SCALE, rules.ItemKind.YESNO, rules.ItemKind.OPEN):
        kb.button(
            text=t(f"survey.itemkind.{item_kind.value}"),
            callback_data=SurveyAdminCb(
                a="kind", pid=callback_data.pid, k=f"{callback_data.k}-{item_kind.value}"
            ),
        )
    kb.adjust(1)
    await bot.send_message(user.id, t("survey.add_kind"), reply_markup=kb.as_markup())


async def on_edit(
    cb: CallbackQuery, callback_data: SurveyAdminCb, state: FSMContext, user: User, t: L10n, bot: Bot
) -> None:
    await cb.answer()
    await state.set_state(SurveyForm.edit_item)
    await state.set_data({"pid": callback_data.pid, "role": callback_data.k})
    await bot.send_message(user.id, t("survey.edit_text"))


async def on_kind(
    cb: CallbackQuery, callback_data: SurveyAdminCb, state: FSMContext, user: User, t: L10n, bot: Bot
) -> None:
    """The new question's kind is chosen; its text is asked next."""
    role, _, new_kind = callback_data.k.partition("-")
    await cb.answer()
    await state.set_state(SurveyForm.new_item)
    await state.set_data({"pid": callback_data.pid, "role": role, "kind": new_kind})
    await bot.send_message(user.id, t("survey.add_text"))


def _days(t: L10n, days: tuple[int, ...]) -> str:
    return ", ".join(str(d) for d in days) or t("monitor.pulse_none")


async def on_pulse(
    cb: CallbackQuery,
    callback_data: SurveyAdminCb,
    state: FSMContext,
    uow: Unit,
    user: User,
    t: L10n,
    bot: Bot,
) -> None:
    """The days of the automatic interim questionnaire: shown, then typed anew."""
    programme = await require_programme(uow, user.id, callback_data.pid, write=True)
    await cb.answer()
    await state.set_state(SurveyForm.pulse_days)
    await state.set_data({"pid": programme.id})
    days = await uow.surveys.pulse_days(programme.id)
    await bot.send_message(user.id, t("monitor.pulse_days", days=_days(t, days)))


async def on_pulse_days(message: Message, state: FSMContext, uow: Unit, user: User, t: L10n) -> None:
    data = await state.get_data()
    try:
        days = await service.set_pulse_days(uow, user.id, int(data["pid"]), message.text)
    except DomainError as exc:
        await message.answer(error_text(t, exc))
        return
    await state.clear()
    await message.answer(t("monitor.pulse_saved", days=_days(t, days)))


async def on_admin_stale(cb: CallbackQuery, t: L10n) -> None:
    await cb.answer(t("error.stale"), show_alert=True)


async def _items(bot: Bot, uow: Unit, t: L10n, i18n: Translator, user: User, pid: int) -> None:
    items = await service.items(uow, user.id, pid, bank_texts(i18n), user.locale)
    for role in ("mentor", "mentee"):
        mine = [i for i in items if i.role == role]
        lines = [t(f"survey.items_{role}")]
        kb = InlineKeyboardBuilder()
        for n, item in enumerate(mine, start=1):
            mark = "✅" if item.active else "⛔"
            lines.append(f"{mark} {n}. {_item_mark(t, item)} {escape(item.text)}")
            kb.button(text=f"{n} {mark}", callback_data=SurveyItemCb(item=item.id))
        kb.adjust(6)
        kb.row()
        kb.button(text=t("survey.btn.add"), callback_data=SurveyAdminCb(a="add", pid=pid, k=role))
        kb.button(text=t("survey.btn.edit"), callback_data=SurveyAdminCb(a="edit", pid=pid, k=role))
        await send_long(bot, user.id, lines, kb.as_markup())
    await bot.send_message(user.id, t("survey.items_hint"))


def _item_mark(t: L10n, item: rules.Item) -> str:
    """When and for whom a question is asked: «[вход, итог · ученик–ученик]»."""
    moments = ", ".join(t(f"monitor.moment.{k.value}") for k in rules.SurveyKind if k in item.moments)
    form = f" · {t(f'form.{item.form}')}" if item.form else ""
    return t("monitor.mark", moments=moments, form=form)


async def on_toggle(
    cb: CallbackQuery,
    callback_data: SurveyItemCb,
    uow: Unit,
    user: User,
    t: L10n,
    i18n: Translator,
    bot: Bot,
) -> None:
    programme, item = await service.toggle_item(uow, user.id, callback_data.item)
    await cb.answer(t("survey.item_off" if item.active else "survey.item_on"))
    await _items(bot, uow, t, i18n, user, programme.id)


async def on_new_item(
    message: Message, state: FSMContext, uow: Unit, user: User, t: L10n, i18n: Translator, bot: Bot
) -> None:
    data = await state.get_data()
    try:
        item_id = await service.add_item(
            uow, user.id, int(data["pid"]), str(data["role"]), str(data["kind"]), message.text
        )
    except DomainError as exc:
        await message.answer(error_text(t, exc))
        return
    await state.clear()
    await message.answer(t("survey.item_added"))
    await _items(bot, uow, t, i18n, user, int(data["pid"]))
    kb = InlineKeyboardBuilder()
    for choice in rules.OWN_MOMENTS:
        kb.button(text=t(f"monitor.own.{choice}"), callback_data=SurveyMomentCb(item=item_id, m=choice))
    kb.adjust(1)
    await message.answer(t("monitor.own.ask"), reply_markup=kb.as_markup())


async def on_own_moments(
    cb: CallbackQuery, callback_data: SurveyMomentCb, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    await service.set_own_moments(uow, user.id, callback_data.item, callback_data.m)
    await cb.answer()
    await collapse(bot, cb, t("monitor.own.saved", when=Html(t(f"monitor.own.{callback_data.m}"))))


async def on_edit_item(
    message: Message, state: FSMContext, uow: Unit, user: User, t: L10n, i18n: Translator, bot: Bot
) -> None:
    data = await state.get_data()
    try:
        await service.edit_item(uow, user.id, int(data["pid"]), str(data["role"]), message.text, user.locale)
    except DomainError as exc:
        await message.answer(error_text(t, exc))
        return
    await state.clear()
    await message.answer(t("survey.item_edited"))
    await _items(bot, uow, t, i18n, user, int(data["pid"]))


async def results_blocks(uow: Unit, t: L10n, user: User, pid: int) -> list[str]:
    res = await service.results(uow, user.id, pid, None, user.locale)
    if res is None:
        return [t("survey.none_yet")]
    blocks = [
        t(
            "survey.results_head",
            kind=Html(t(f"survey.kind.{res.survey.kind}")),
            title=res.programme.title,
            date=t.date(res.survey.launched_at.date()),
        )
    ]
    if not res.groups:
        blocks.append(t("survey.no_answers"))
    blocks += [_group_block(t, g) for g in res.groups]
    if res.changes:
        blocks.append(_changes_block(t, res.changes))
    blocks.append(_swot_block(t, res.swot))
    return blocks


def _group_block(t: L10n, g: rules.GroupResult) -> str:
    """One form and role's answers, question by question."""
    form = t(f"form.{g.form}") if g.form != "-" else t("survey.no_form")
    lines = [t("survey.group", form=form, role=Html(t(f"survey.role_{g.role}")), count=g.responses)]
    for r in g.items:
        if r.item.kind is rules.ItemKind.SCALE and r.mean is not None:
            dist = ", ".join(t("survey.r_dist", value=v, count=c) for v, c in r.distribution.items())
            lines.append(t("survey.r_scale", text=r.item.text, mean=t.number(r.mean), n=r.n, dist=dist))
        elif r.item.kind is rules.ItemKind.YESNO and r.n:
            lines.append(
                t("survey.r_yesno", text=r.item.text, yes=r.yes, no=r.no, pct=f"{100 * r.yes / r.n:.0f}")
            )
        elif r.item.kind is rules.ItemKind.OPEN and r.texts:
            lines.append(t("survey.r_open", text=r.item.text))
            lines.extend(t("survey.r_quote", text=x) for x in r.texts)
    return "\n".join(lines)


def growth_value(t: L10n, kind: rules.ItemKind, value: float) -> str:
    """A mean as read: a yes/no indicator as its share of «yes» (the reader's decimals)."""
    return t.percent(value) if kind is rules.ItemKind.YESNO else t.number(value)


def growth_delta(t: L10n, kind: rules.ItemKind, delta: float) -> str:
    sign = "+" if delta > 0 else "−" if delta < 0 else "±"
    if kind is rules.ItemKind.YESNO:
        return sign + t.percent(abs(delta))
    return sign + t.number(abs(delta))


def _changes_block(t: L10n, changes: list[rules.Growth]) -> str:
    """From the entry questionnaire to the final one, per form, role and indicator."""
    lines = [t("survey.compare_head")]
    for c in changes:
        form = t(f"form.{c.form}") if c.form != "-" else t("survey.no_form")
        lines.append(
            t(
                "survey.compare",
                text=c.text,
                role=Html(f"{form} · {t(f'survey.role_{c.role}')}"),
                entry=growth_value(t, c.kind, c.entry),
                final=growth_value(t, c.kind, c.exit),
                delta=growth_delta(t, c.kind, c.delta),
            )
        )
    return "\n".join(lines)


def _swot_block(t: L10n, s: rules.Swot) -> str:
    strengths = "\n".join(t("survey.r_quote", text=f"{x} — {t.number(m)}") for x, m in s.strengths) or t(
        "survey.swot_none"
    )
    weaknesses = "\n".join(t("survey.r_quote", text=f"{x} — {t.number(m)}") for x, m in s.weaknesses) or t(
        "survey.swot_none"
    )
    wishes = "\n".join(t("survey.r_quote", text=x) for x in s.wishes)
    return t("survey.swot", strengths=Html(strengths), weaknesses=Html(weaknesses)) + (
        ("\n" + t("survey.swot_wishes", wishes=Html(wishes))) if wishes else ""
    )


def router() -> Router:
    r = Router(name="surveys")
    r.callback_query.register(on_answer, SurveyCb.filter())
    r.message.register(on_open_text, SurveyForm.open, PRIVATE, ~F.text.startswith("/"))
    return r


def curator_router() -> Router:
    from handlers.curator import IsCurator

    r = Router(name="surveys-curator")
    r.callback_query.filter(IsCurator())
    r.message.filter(IsCurator(), PRIVATE)
    r.callback_query.register(on_programme_surveys, ProgCb.filter(F.action == "surveys"))
    r.callback_query.register(on_launch, SurveyAdminCb.filter(F.a == "launch"))
    r.callback_query.register(on_stay, SurveyAdminCb.filter(F.a == "stay"))
    r.callback_query.register(on_go, SurveyAdminCb.filter(F.a == "go"))
    r.callback_query.register(on_results, SurveyAdminCb.filter(F.a == "results"))
    r.callback_query.register(on_items, SurveyAdminCb.filter(F.a == "items"))
    r.callback_query.register(on_add, SurveyAdminCb.filter(F.a == "add"))
    r.callback_query.register(on_edit, SurveyAdminCb.filter(F.a == "edit"))
    r.callback_query.register(on_kind, SurveyAdminCb.filter(F.a == "kind"))
    r.callback_query.register(on_pulse, SurveyAdminCb.filter(F.a == "pulse"))
    r.callback_query.register(on_admin_stale, SurveyAdminCb.filter())
    r.callback_query.register(on_toggle, SurveyItemCb.filter())
    r.callback_query.register(on_own_moments, SurveyMomentCb.filter())
    r.message.register(on_new_item, SurveyForm.new_item)
    r.message.register(on_edit_item, SurveyForm.edit_item)
    r.message.register(on_pulse_days, SurveyForm.pulse_days)
    return r
