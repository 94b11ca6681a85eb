"""«Быстрые встречи» through the real bot: after the meeting of all participants each side
ranks the candidates shown to them; the curator forms pairs from the rankings; the draft is
stable and within capacities; a forged press for someone else's ranking is refused."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.catalog import MeetFormat, Role, Status
from bot.domain.matching import blocking_pairs
from bot.domain.models import Profile
from sandbox.client import Person, SandboxClient, button_data
from storage.tables import PairRow, PreferenceRow
from tests.conftest import MakeCurator, Running, eventually
from tests.e2e import flows


def pupil(role: Role, grade: int) -> Profile:
    return Profile(
        role, "pupil", grade=grade, tags=("olympiad",), interests=("chess", "robotics"),
        capacity=1, slots=("tue_pm", "thu_pm"), format=MeetFormat.ANY,
    )  # fmt: skip


async def rank(person: Person, order: list[str]) -> None:
    message = await person.expect("Быстрые встречи")
    chat_id, message_id = message["chat_id"], message["message_id"]
    for i, name in enumerate(order):
        number = next(
            line.split(".", 1)[0]
            for line in message["text"].splitlines()
            if name in line and line[:1].isdigit()
        )
        await person.press(message, number)

        async def shows(chosen: list[str] = order[: i + 1]) -> bool:
            """The press is answered before the message is edited: wait for the choice."""
            last = (await person.client.message(chat_id, message_id))["text"].splitlines()[-1]
            return all(n in last for n in chosen)

        await person.client.wait_for(shows)
    current = await person.client.message(chat_id, message_id)
    if current.get("reply_markup"):  # ranking everyone shown finishes by itself
        await person.press(current, "Готово")
    final = await person.client.edited(message, "Спасибо! Твой выбор")  # the same message, edited
    assert all(name in final["text"] for name in order)


async def test_speed_meetings_rankings_make_a_stable_draft(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    card = await flows.create_programme(curator)  # forms: ученик–ученик, учитель–учитель
    assert bot.app is not None and bot.app.db is not None
    people: dict[str, Person] = {}
    ids: dict[str, int] = {}
    for name, role, grade in (("Маша", Role.MENTOR, 10), ("Петя", Role.MENTOR, 11), ("Оля", Role.MENTEE, 7),
                              ("Коля", Role.MENTEE, 8)):  # fmt: skip
        person = await client.person(name)
        await person.send("/start")
        await person.expect("/help")
        people[name] = person
        async with bot.app.db.unit() as uow:
            p = await uow.participants.create(
                1, person.id, f"{name} Тест", None, pupil(role, grade), bot.clock.now()
            )
            await uow.participants.decide(p.id, Status.APPROVED, True, 0, bot.clock.now())
            ids[name] = p.id
    await curator.press(card, "Пары")
    menu = await curator.expect("Пары «Наставничество 2026/27»")
    early = await curator.press(menu, "Пары по предпочтениям")  # nobody asked yet
    assert early is not None and "Пока никто не ответил" in early["text"]
    await curator.press(menu, "Быстрые встречи")
    ask = await curator.expect("что будет, если запустить", "одобрено: 2 наставника, 2 наставляемых")
    await curator.press(ask, "Да, разослать")  # one tap asks first; the second sends
    await curator.expect("Предпочтения запрошены у 4 участников")
    # both mentees want Петя; Петя prefers Коля; Маша prefers Оля
    await rank(people["Оля"], ["Петя", "Маша"])
    await rank(people["Коля"], ["Петя", "Маша"])
    await rank(people["Петя"], ["Коля", "Оля"])
    maria = await people["Маша"].expect("Быстрые встречи")
    answer = await people["Маша"].press(maria, "Готово")  # nothing chosen yet
    assert answer is not None and "хотя бы одного" in answer["text"]
    await people["Маша"].press(maria, "1")
    await people["Маша"].press(maria, "Сначала")
    number = next(
        line.split(".", 1)[0] for line in maria["text"].splitlines() if "Оля" in line and line[:1].isdigit()
    )
    await people["Маша"].press(maria, number)
    await people["Маша"].press(maria, "Готово")
    edited = await client.edited(maria, "Спасибо! Твой выбор")
    assert edited["text"].startswith("Спасибо! Твой выбор: Оля Тест")
    # a stranger pressing someone else's ranking is refused
    forged = await people["Коля"].press_data(maria, button_data(maria, "Готово"))
    assert forged is not None and "недоступно" in forged["text"]

    async def answered() -> bool:
        async with bot.app.db.unit() as uow:  # type: ignore[union-attr]
            rows = list(await uow.session.scalars(select(PreferenceRow)))
            return sum(1 for r in rows if r.done_at is not None) == 4

    await eventually(answered)
    await curator.press(menu, "Пары по предпочтениям")
    await curator.expect("Пары составлены по ответам (ответов: 4)")
    draft = await curator.expect("Черновик")  # the usual draft: it can be edited and published
    assert "Коля Тест" in draft["text"] and "Петя Тест" in draft["text"]

    async def drafted() -> bool:
        async with bot.app.db.unit() as uow:  # type: ignore[union-attr]
            return len(list(await uow.session.scalars(select(PairRow)))) == 2

    await eventually(drafted)
    async with bot.app.db.unit() as uow:
        rows = list(await uow.session.scalars(select(PairRow).where(PairRow.status == "draft")))
        result = {r.mentee_id: r.mentor_id for r in rows}
        prefs = {r.participant_id: list(r.ranked) for r in await uow.session.scalars(select(PreferenceRow))}
    assert result == {ids["Коля"]: ids["Петя"], ids["Оля"]: ids["Маша"]}
    mentee_prefs = {k: v for k, v in prefs.items() if k in (ids["Оля"], ids["Коля"])}
    mentor_prefs = {k: v for k, v in prefs.items() if k in (ids["Маша"], ids["Петя"])}
    assert blocking_pairs(result, mentee_prefs, mentor_prefs, {ids["Маша"]: 1, ids["Петя"]: 1}) == []
