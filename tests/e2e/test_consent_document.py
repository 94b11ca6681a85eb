"""Parental consent as a document (issue 16 item 4): on a minor's card the curator downloads
the consent form pre-filled with the child, the school and the programme, records the
parent's contact (curators only), and the card says where the consent stands; a curator of
another school gets nothing."""

from __future__ import annotations

import io

from docx import Document as DocxDocument
from sqlalchemy import select

from bot.domain.catalog import MeetFormat, Role, Status
from bot.domain.models import Profile
from handlers.callbacks import DecideCb
from sandbox.client import SandboxClient
from storage.tables import ParticipantRow
from tests.conftest import BOTH_MESSENGERS, MakeCurator, Running, bot_id, eventually
from tests.e2e import flows

KID = "Лиза <Ёлкина> 🎄"


@BOTH_MESSENGERS
async def test_the_consent_form_the_parents_contact_and_the_status_on_the_card(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    card = await flows.create_programme(curator)
    kid = await client.person("Лиза")
    await kid.send("/start")
    await kid.expect("/help")
    assert bot.app is not None and bot.app.db is not None
    now = bot.clock.now()
    profile = Profile(
        Role.MENTEE, "pupil", grade=6, tags=("olympiad",), slots=("tue_pm",), format=MeetFormat.ANY
    )
    async with bot.app.db.unit() as uow:
        p = await uow.participants.create(1, bot_id(kid), KID, 12, profile, now)
        await uow.participants.decide(p.id, Status.APPROVED, False, 0, now)
        part = p.id

    await curator.press(card, "Согласия родителей")
    listed = await curator.expect(KID, "Согласие родителя: бланк ещё не выдавали")
    await curator.press(listed, "Бланк согласия родителя")
    sent = await curator.expect("Бланк согласия родителя · " + KID)
    assert sent["document"]["file_name"].endswith(".docx")
    doc = DocxDocument(io.BytesIO(await client.file(sent["document"]["file_id"])))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Согласие родителя (законного представителя)" in text
    assert f"ребёнка {KID}, даю согласие" in text  # as typed, not HTML-escaped
    assert "программе наставничества «Наставничество 2026/27», которую проводит Школа №10" in text
    assert "Подпись:" in text and "152-ФЗ" in text

    # the parent's contact: checked, cleaned, kept for curators only
    await curator.press(listed, "Контакт родителя")
    await curator.expect("как связаться с родителем участника " + KID)
    await curator.send("☎" * 5000)
    await curator.expect("Слишком длинно: 5000 символов, можно до 128")
    await curator.send("  <b>Мама</b>   +7 900 000-00-00\u200b 📞 ")
    await curator.expect("Контакт родителя сохранён")
    async with bot.app.db.unit() as uow:
        row = await uow.session.get(ParticipantRow, part)
        assert row is not None and row.parent_contact == "<b>Мама</b> +7 900 000-00-00 📞"
    await curator.press(card, "Согласия родителей")
    listed = await curator.expect(KID, "бланк выдан 1 октября 2026, ждём подписанный")
    assert "☎️ Контакт родителя: <b>Мама</b> +7 900 000-00-00 📞" in listed["text"]

    # the child sees neither the contact nor the status
    await kid.send("/profile")
    own = await kid.expect(KID)
    assert "Контакт родителя" not in own["text"] and "Согласие родителя:" not in own["text"]

    # a curator of another school: no form, no contact, nothing recorded
    other = await make_curator("Олег", org="Школа №20")
    for action in ("cf", "pn"):
        answer = await other.press_data(listed, DecideCb(action=action, part=part).pack())
        assert answer is not None and "недоступно" in answer["text"]
    messages = await client.get("/control/messages", chat_id=other.id, after=0)
    assert not any(m.get("document") for m in messages)

    # the signed form came back: the card (the same message) says so
    await curator.press(listed, "Согласие родителя получено")

    db = bot.app.db

    async def received() -> bool:
        async with db.unit() as uow:
            given = await uow.session.scalar(
                select(ParticipantRow.parental_consent).where(ParticipantRow.id == part)
            )
        shown = await client.message(listed["chat_id"], listed["message_id"])
        return bool(given) and "Согласие родителя: получено 1 октября 2026" in shown["text"]

    await eventually(received)
