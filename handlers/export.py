"""Reports as files: /export (or the programme card's button) sends an XLSX or a ZIP of
CSVs as a document to the curator's private chat."""

from __future__ import annotations

import asyncio
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.clock import Clock
from bot.domain.models import Programme, User
from bot.i18n import L10n
from bot.services import digest as digests
from bot.services import reports
from bot.services.curation import require_programme
from handlers import digest as digest_views
from handlers import keyboards
from handlers.callbacks import ExportCb, ProgCb
from handlers.curator import IsCurator
from handlers.kb import InlineKeyboardBuilder
from storage.unit import Unit


async def on_export_command(message: Message, uow: Unit, user: User, t: L10n) -> None:
    programmes = await uow.programmes.of_curator(user.id, archived=True)
    if not programmes:
        await message.answer(t("prog.none"))
        return
    await message.answer(t("export.choose"), reply_markup=keyboards.programme_choice(programmes, "export"))


async def on_programme_export(
    cb: CallbackQuery, callback_data: ProgCb, uow: Unit, user: User, t: L10n
) -> None:
    programme = await require_programme(uow, user.id, callback_data.pid)
    await cb.answer()
    kb = InlineKeyboardBuilder()
    kb.button(text=t("export.btn.xlsx"), callback_data=ExportCb(pid=programme.id, f="xlsx"))
    kb.button(text=t("export.btn.csv"), callback_data=ExportCb(pid=programme.id, f="csv"))
    if cb.message is not None:
        await cb.message.answer(t("export.format", title=programme.title), reply_markup=kb.as_markup())


async def on_export(
    cb: CallbackQuery, callback_data: ExportCb, uow: Unit, user: User, t: L10n, bot: Bot, clock: Clock
) -> None:
    programme = await require_programme(uow, user.id, callback_data.pid)
    await cb.answer(t("export.preparing"))
    now = clock.now()
    sheets = await reports.build(uow, t, programme.organisation_id, now, programme.id)
    if callback_data.f == "csv":
        data = await asyncio.to_thread(reports.to_csv_zip, t, sheets)
        name = f"report-{programme.id}-{now:%Y%m%d}.zip"
    else:
        data = await asyncio.to_thread(reports.to_xlsx, t, sheets)
        name = f"report-{programme.id}-{now:%Y%m%d}.xlsx"
    await bot.send_document(
        user.id, BufferedInputFile(data, name), caption=t("export.caption", title=programme.title)
    )
    if callback_data.f == "xlsx":  # with the workbook, the summary a school hands to the region
        await _send_summary(bot, uow, t, user, programme, now, sheets)


async def _send_summary(
    bot: Bot, uow: Unit, t: L10n, user: User, programme: Programme, now: datetime, sheets: list[reports.Sheet]
) -> None:
    org = await uow.organisations.get(programme.organisation_id)
    chart = await digest_views.chart(t, await digests.build(uow, programme, now))
    doc = reports.document(t, org.name if org else "", programme, now, sheets, chart)
    data = await asyncio.to_thread(reports.to_docx, doc)
    await bot.send_document(
        user.id,
        BufferedInputFile(data, f"summary-{programme.id}-{now:%Y%m%d}.docx"),
        caption=t("report.docx.caption", title=programme.title),
    )


def router() -> Router:
    r = Router(name="export")
    r.message.filter(IsCurator(), F.chat.type == "private")
    r.callback_query.filter(IsCurator())
    r.message.register(on_export_command, Command("export"))
    r.callback_query.register(on_programme_export, ProgCb.filter(F.action == "export"))
    r.callback_query.register(on_export, ExportCb.filter())
    return r
