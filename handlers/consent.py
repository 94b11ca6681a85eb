"""A minor's parental consent as a document, from the child's card: the curator downloads
the consent form pre-filled for the child (DOCX, wording from the locales) and records the
parent's contact, which only curators see."""

from __future__ import annotations

import asyncio

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot import documents
from bot.clock import Clock
from bot.domain.errors import DomainError
from bot.domain.models import User
from bot.i18n import Html, L10n
from bot.services import consent as service
from handlers.callbacks import DecideCb
from handlers.common import error_text
from handlers.states import ParentalForm
from storage.unit import Unit

PARAGRAPHS = ("doc_p1", "doc_p2", "doc_p3", "doc_p4")
SIGNATURES = ("doc_sign1", "doc_sign2")


def form_document(t: L10n, found: service.FormFor) -> bytes:
    """The form as a school prints it: its text from the locales (a template the school
    edits), the child, the organisation and the programme filled in (not HTML: unescaped)."""
    fill = {
        "child": Html(found.participant.name),
        "org": Html(found.organisation),
        "programme": Html(found.programme.title),
    }
    return documents.consent_form(
        t("consent_doc.doc_title"),
        [t(f"consent_doc.{key}", **fill) for key in PARAGRAPHS],
        [t(f"consent_doc.{key}", **fill) for key in SIGNATURES],
    )


async def on_form(
    cb: CallbackQuery, callback_data: DecideCb, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock
) -> None:
    found = await service.form(uow, user.id, callback_data.part, clock.now())
    await cb.answer()
    data = await asyncio.to_thread(form_document, t, found)
    await bot.send_document(
        user.id,
        BufferedInputFile(data, f"consent-{found.participant.id}.docx"),
        caption=t("consent_doc.form_caption", name=found.participant.name),
    )


async def on_contact(
    cb: CallbackQuery, callback_data: DecideCb, state: FSMContext, uow: Unit, user: User, t: L10n, bot: Bot
) -> None:
    participant = await service.start_contact(uow, user.id, callback_data.part)
    await cb.answer()
    await state.set_state(ParentalForm.contact)
    await state.set_data({"part": participant.id})
    await bot.send_message(user.id, t("consent_doc.ask_contact", name=participant.name))


async def on_contact_text(
    message: Message, state: FSMContext, uow: Unit, user: User, t: L10n, clock: Clock
) -> None:
    part = int((await state.get_data())["part"])
    try:
        participant = await service.set_contact(uow, user.id, part, message.text, clock.now())
    except DomainError as exc:
        await message.answer(error_text(t, exc))
        return
    await state.clear()
    await message.answer(t("consent_doc.contact_saved", name=participant.name))


def router() -> Router:
    from handlers.curator import IsCurator

    r = Router(name="consent")
    r.message.filter(IsCurator(), F.chat.type == "private")
    r.callback_query.filter(IsCurator())
    r.callback_query.register(on_form, DecideCb.filter(F.action == "cf"))
    r.callback_query.register(on_contact, DecideCb.filter(F.action == "pn"))
    r.message.register(on_contact_text, ParentalForm.contact, ~F.text.startswith("/"))
    return r
