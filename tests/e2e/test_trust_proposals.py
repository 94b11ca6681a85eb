"""Abuse: a pair holds at most 3 meeting proposals waiting for an answer; a refused button
answers its callback query once."""

from __future__ import annotations

from bot.domain.meetings import OPEN_PROPOSALS_MAX
from sandbox.client import Person, SandboxClient
from sandbox.emulator import Emulator
from tests.conftest import MakeCurator, Running
from tests.e2e import flows
from tests.e2e.test_meetings import active_pair


async def start_proposal(person: Person, when: str) -> dict[str, object]:
    """Up to the last step (the place); returns the message with «Пропустить»."""
    await person.send("/meetings")
    listing = await person.expect("Встречи ·")
    answer = await person.press(listing, "Назначить встречу")
    assert answer is not None and not answer["show_alert"], answer
    await person.expect("день или напиш")
    await person.send(when)
    kinds = await person.expect("Какая это встреча?")
    await person.press(kinds, "⭐")
    fmt = await person.expect("Как встречаетесь")
    await person.press(fmt, "онлайн")
    return await person.expect("ссылку на звонок")


async def test_a_pair_holds_at_most_three_open_proposals_and_a_refusal_answers_once(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, emulator: tuple[Emulator, str]
) -> None:
    curator = await make_curator()
    await flows.create_programme(curator)
    mentor, mentee = await active_pair(bot, client)
    for day in range(OPEN_PROPOSALS_MAX - 1):
        last = await start_proposal(mentor, f"{10 + day}.10 16:30")
        await mentor.press(last, "Пропустить")
        await mentor.expect("Предложение встречи")
        await mentee.expect("предлагает встречу")
    # the mentor is at the last step of a third one when the mentee proposes: the limit is
    # reached by the time the mentor presses «Пропустить», after the press was answered
    last = await start_proposal(mentor, "20.10 16:30")
    theirs = await start_proposal(mentee, "21.10 17:00")
    await mentee.send("https://example.org/call")
    await mentee.expect("Предложение встречи")
    answer = await mentor.press(last, "Пропустить")
    assert answer is not None and answer["text"] is None  # the press itself: answered once, plainly
    refusal = await mentor.expect("3 из 3")
    assert "/meetings" in refusal["text"]
    # a fresh attempt is refused at its first button, with a friendly alert
    await mentor.send("/meetings")
    listing = await mentor.expect("Встречи ·")
    alert = await mentor.press(listing, "Назначить встречу")
    assert alert is not None and alert["show_alert"] and "3 из 3" in alert["text"]
    # the other side got exactly the proposals that are open, never a fourth
    texts = [m.get("text") or "" for m in await client.get("/control/messages", chat_id=mentee.id, after=0)]
    assert sum("предлагает встречу" in t for t in texts) == OPEN_PROPOSALS_MAX - 1
    assert not any("query is too old" in e for e in emulator[0].errors), emulator[0].errors
    assert theirs is not None
