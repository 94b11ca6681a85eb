"""The whole of stages 1–4 through the real bot, over HTTP, against the emulator."""

from __future__ import annotations

from sqlalchemy import select

from sandbox.client import SandboxClient
from storage.tables import ConsentRow, MenteeProfileRow, MentorProfileRow, ParticipantRow
from tests.conftest import BOTH_MESSENGERS, MakeCurator, Running, bot_id, eventually
from tests.e2e import flows

pytestmark = BOTH_MESSENGERS


async def test_curator_registers_mentor_and_mentee_and_approves_them(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    card = await flows.create_programme(curator)
    links = await flows.invite_links(curator, card)

    mentor = await client.person("Анна")
    await flows.register_mentor(mentor, links["mentor"])
    summary = await mentor.expect("Проверьте профиль")
    assert "Анна Соколова" in summary["text"]
    assert "Олимпиады, Математика" in summary["text"]
    await mentor.press(summary, "Отправить")
    await mentor.expect("Профиль отправлен куратору")
    note = await curator.expect("Новая заявка: Анна Соколова — наставник")

    mentee = await client.person("Алиса")
    await flows.register_mentee(mentee, links["mentee"], minor_age=14)
    await flows.send_summary(mentee)
    await curator.expect("Новая заявка: Алиса Смирнова — наставляемый")

    await curator.press(note, "Открыть заявки")
    await curator.expect("Заявки в «Наставничество 2026/27» (всего 2)")
    mentor_card = await curator.expect("Анна Соколова")
    mentee_card = await curator.expect("Алиса Смирнова", "Ждём согласие родителя")
    answer = await curator.press(mentor_card, "обучение пройдено")
    assert answer is not None and answer["text"] == "Одобрено, обучение отмечено"
    await mentor.expect("одобрена 🎉")
    await curator.press(mentee_card, "Одобрить")
    await mentee.expect("одобрена 🎉")
    await curator.press(mentee_card, "Согласие родителя получено")

    assert bot.app is not None and bot.app.db is not None
    db = bot.app.db

    async def consent_committed() -> bool:
        async with db.sessions() as s:
            return bool(
                await s.scalar(select(ParticipantRow.parental_consent).where(ParticipantRow.age == 14))
            )

    await eventually(consent_committed)
    async with bot.app.db.sessions() as s:
        rows = {r.name: r for r in await s.scalars(select(ParticipantRow))}
        assert rows["Анна Соколова"].status == "approved" and rows["Анна Соколова"].trained
        assert rows["Алиса Смирнова"].status == "approved" and rows["Алиса Смирнова"].parental_consent
        assert rows["Алиса Смирнова"].age == 14
        mentor_profile = await s.get(MentorProfileRow, rows["Анна Соколова"].id)
        assert mentor_profile is not None
        assert mentor_profile.competencies == ["olympiad", "math"]
        assert mentor_profile.capacity == 2 and mentor_profile.experience == 10
        mentee_profile = await s.get(MenteeProfileRow, rows["Алиса Смирнова"].id)
        assert mentee_profile is not None and mentee_profile.requests == ["olympiad", "communication"]
        assert mentee_profile.slots == ["tue_pm", "thu_pm"] and mentee_profile.grade == 7
        consents = list(await s.scalars(select(ConsentRow).order_by(ConsentRow.id)))
        assert [(c.on_behalf, c.confirmed_by) for c in consents] == [
            ("self", None),
            ("self", None),
            ("parent", bot_id(curator)),
        ]

    # the participants list with a filter
    await curator.press(card, "Участники")
    listing = await curator.expect("Участников найдено: 2")
    await curator.press(listing, "Наставники")
    only_mentors = await curator.expect("Участников найдено: 1")
    assert "Анна Соколова" in only_mentors["text"] and "Алиса" not in only_mentors["text"]
