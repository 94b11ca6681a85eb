"""The demo looks like a school: ages fit the class, meetings after lessons on weekdays,
and the web chat's sidebar says who is who."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select

from sandbox.client import SandboxClient
from sandbox.demo import fill_demo
from sandbox.emulator import Emulator
from sandbox.run import show_roles
from storage.tables import MeetingRow, MenteeProfileRow, ParticipantRow
from tests.conftest import Running


async def test_demo_people_and_meetings_look_real(
    bot: Running, client: SandboxClient, emulator: tuple[Emulator, str]
) -> None:
    assert bot.app is not None and bot.app.db is not None
    show_roles(emulator[0], bot.app.db)
    await fill_demo(bot.app, emulator[0])
    async with bot.app.db.sessions() as s:
        pupils = (
            await s.execute(
                select(ParticipantRow.age, MenteeProfileRow.grade).join(
                    MenteeProfileRow, MenteeProfileRow.participant_id == ParticipantRow.id
                )
            )
        ).all()
        meetings = list(await s.scalars(select(MeetingRow.starts_at)))
    graded = [(age, grade) for age, grade in pupils if grade is not None]
    assert graded and all(age == grade + 7 for age, grade in graded)  # a 7th-former is 14
    moscow = ZoneInfo("Europe/Moscow")
    local = [m.replace(tzinfo=ZoneInfo("UTC")).astimezone(moscow) for m in meetings]
    assert local and all(m.weekday() < 5 and 14 <= m.hour < 18 for m in local)  # after lessons
    state = await client.get("/control/state")
    names = {u["id"]: u["first_name"] for u in state["users"]}
    roles = {names[int(uid)]: role for uid, role in state["roles"].items()}
    assert roles["Татьяна"] == "куратор" and roles["Анна"] == "наставник" and roles["Алиса"] == "наставляемый"
