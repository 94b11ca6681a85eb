"""The emulator's MAX face, driven over HTTP as a MAX bot would (``/max``, the token in the
Authorization header), while people act through the same control API as in Telegram."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, FormData, web

from sandbox.client import Person, SandboxClient
from sandbox.emulator import MAX_SANDBOX_TOKEN, Emulator
from sandbox.max_face import BOT_USER_ID
from sandbox.run import SANDBOX_TOKEN
from tests.conftest import serve_app
from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS

Reply = tuple[int, Any]


async def max_call(
    url: str, method: str, path: str, body: Any = None, token: str | None = MAX_SANDBOX_TOKEN, **query: Any
) -> Reply:
    headers = {"Authorization": token} if token is not None else {}
    params = {k: str(v) for k, v in query.items()}
    async with (
        ClientSession() as http,
        http.request(method, f"{url}/max{path}", json=body, params=params, headers=headers) as resp,
    ):
        return resp.status, await resp.json()


async def updates(url: str, **query: Any) -> dict[str, Any]:
    status, body = await max_call(url, "GET", "/updates", **{"timeout": 0, **query})
    assert status == 200, body
    return dict(body)


async def started(client: SandboxClient, name: str = "Маша") -> Person:
    person = await client.person(name, messenger="max")
    await person.start()
    return person


def keyboard(*rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "inline_keyboard", "payload": {"buttons": list(rows)}}


def callback(text: str, payload: str) -> dict[str, Any]:
    return {"type": "callback", "text": text, "payload": payload}


async def test_auth_me_and_commands(emulator: tuple[Emulator, str], client: SandboxClient) -> None:
    _, url = emulator
    assert await max_call(url, "GET", "/me", token=None) == (
        401,
        {"code": "verify.token", "message": "Invalid access_token"},
    )
    assert (await max_call(url, "GET", "/me", token="wrong"))[0] == 401
    status, _ = await max_call(url, "GET", "/me", token=None, access_token=MAX_SANDBOX_TOKEN)
    assert status == 401  # MAX deprecated the token in the query string
    status, me = await max_call(url, "GET", "/me")
    assert status == 200
    assert me["user_id"] == BOT_USER_ID and me["is_bot"] is True and me["first_name"] == "Наставник"
    assert me["username"] == "nastavnik_sandbox_bot" and me["name"] == "Наставник"
    commands = [{"name": "start", "description": "Начать"}, {"name": "help", "description": "Помощь"}]
    status, patched = await max_call(url, "PATCH", "/me", {"commands": commands})
    assert status == 200 and patched["commands"] == commands
    person = await client.person("Маша", messenger="max")
    assert await client.get("/control/commands", user_id=person.id) == [
        {"command": "start", "description": "Начать"},
        {"command": "help", "description": "Помощь"},
    ]
    status, body = await max_call(url, "PATCH", "/me", {"commands": [{"name": "x" * 65}]})
    assert status == 400 and body["code"] == "proto.payload"


async def test_people_ids_and_state(emulator: tuple[Emulator, str], client: SandboxClient) -> None:
    emu, _ = emulator
    tg = await client.person("Оля")
    first, second = await client.person("Маша", messenger="max"), await client.person("Петя", messenger="max")
    assert tg.id == 100001 and tg.messenger == "telegram"
    assert (first.id, second.id) == (7_000_000_001, 7_000_000_002) and first.messenger == "max"
    dialogs = emu.max.dialogs
    assert dialogs[first.id] == 9_000_000_001 and dialogs[second.id] == 9_000_000_002
    group = await client.post("/control/groups", title="MAX-кураторы", members=[first.id, second.id])
    assert group["id"] == -70_000_000_000_001 and group["messenger"] == "max"
    state = await client.get("/control/state")
    assert {u["id"]: u["messenger"] for u in state["users"]} == {
        tg.id: "telegram",
        first.id: "max",
        second.id: "max",
    }
    assert state["groups"][0]["messenger"] == "max" and state["max_bot"]["user_id"] == BOT_USER_ID
    async with ClientSession() as http:  # a group mixing the two messengers is refused
        payload = {"title": "Смешанная", "members": [tg.id, first.id]}
        async with http.post(f"{client.base_url}/control/groups", json=payload) as resp:
            assert resp.status == 400


async def test_start_send_and_faces_stay_apart(emulator: tuple[Emulator, str], client: SandboxClient) -> None:
    emu, url = emulator
    person = await client.person("Маша", "en", messenger="max")
    await person.start("https://max.ru/nastavnik_sandbox_bot?start=invite42")
    await person.send("привет")
    got = (await updates(url))["updates"]
    assert [u["update_type"] for u in got] == ["bot_started", "message_created"]
    start, created = got
    dialog = emu.max.dialogs[person.id]
    assert start["chat_id"] == dialog != person.id and start["payload"] == "invite42"
    assert start["user"]["user_id"] == person.id and start["user"]["name"] == "Маша"
    assert start["user_locale"] == "en" and start["timestamp"] > 1_700_000_000_000
    message = created["message"]
    assert message["recipient"] == {"chat_id": dialog, "chat_type": "dialog", "user_id": BOT_USER_ID}
    assert message["sender"]["user_id"] == person.id and message["sender"]["is_bot"] is False
    assert message["body"]["text"] == "привет" and isinstance(message["body"]["seq"], int)
    assert message["body"]["mid"] == f"mid.{dialog:016x}{1:016x}" and created["user_locale"] == "en"
    # a Telegram person in the same world: their update is Telegram's, MAX's queue is untouched
    tg = await client.person("Оля")
    await tg.send("hello")
    assert [u["message"]["text"] for u in emu.updates] == ["hello"]
    assert len((await updates(url))["updates"]) == 2
    # the /start/<payload> link form, and a payload over 128 characters is dropped
    await person.start("https://max.ru/nastavnik_sandbox_bot/start/second")
    await person.start("x" * 129)
    later = (await updates(url))["updates"][2:]
    assert later[0]["payload"] == "second" and "payload" not in later[1]


async def test_keyboard_press_and_answer(emulator: tuple[Emulator, str], client: SandboxClient) -> None:
    _, url = emulator
    person = await started(client)
    rows = [
        [callback("Да", "yes"), callback("Нет", "no")],
        [{"type": "link", "text": "Сайт", "url": "https://x.ru"}],
    ]
    question = {"text": "<b>Идём?</b>", "format": "html", "attachments": [keyboard(*rows)]}
    status, sent = await max_call(url, "POST", "/messages", question, user_id=person.id)
    assert status == 200
    mid = sent["message"]["body"]["mid"]
    assert sent["message"]["body"]["attachments"][0]["payload"]["buttons"] == rows
    shown = await person.expect("Идём?")
    assert shown["text"] == "Идём?" and shown["mid"] == mid and isinstance(shown["message_id"], int)
    assert shown["reply_markup"]["inline_keyboard"] == [
        [{"text": "Да", "callback_data": "yes"}, {"text": "Нет", "callback_data": "no"}],
        [{"text": "Сайт", "url": "https://x.ru"}],
    ]
    marker = (await updates(url))["marker"]
    press = asyncio.create_task(person.press(shown, "Да"))
    got = await updates(url, marker=marker, timeout=5, types="message_callback")
    update = got["updates"][0]
    assert update["update_type"] == "message_callback" and update["callback"]["payload"] == "yes"
    assert update["callback"]["user"]["user_id"] == person.id and update["message"]["body"]["mid"] == mid
    assert update["message"]["body"]["text"] == "Идём?"  # plain text plus MAX's markup
    assert update["message"]["body"]["markup"] == [{"type": "strong", "from": 0, "length": 5}]
    cb_id = update["callback"]["callback_id"]
    status, body = await max_call(
        url, "POST", "/answers", {"notification": "Принято", "message": {"text": "Идём!"}}, callback_id=cb_id
    )
    assert (status, body) == (200, {"success": True})
    answer = await press
    assert answer is not None and answer["text"] == "Принято" and answer["notification"] == "Принято"
    assert (await client.message(person.id, shown["message_id"]))["text"] == "Идём!"
    status, body = await max_call(url, "POST", "/answers", {"notification": "?"}, callback_id="nope")
    assert status == 404 and body["code"] == "not.found"


async def test_edit_delete_and_get(emulator: tuple[Emulator, str], client: SandboxClient) -> None:
    _, url = emulator
    person = await started(client)
    _, sent = await max_call(url, "POST", "/messages", {"text": "черновик"}, user_id=person.id)
    mid = sent["message"]["body"]["mid"]
    assert await max_call(url, "PUT", "/messages", {"text": "чистовик"}, message_id=mid) == (
        200,
        {"success": True},
    )
    shown = await person.expect("чистовик")
    assert shown["edit_date"] > 0
    status, got = await max_call(url, "GET", f"/messages/{mid}")
    assert status == 200 and got["body"]["text"] == "чистовик" and got["sender"]["user_id"] == BOT_USER_ID
    await person.send("моё")
    mine = f"mid.{sent['message']['recipient']['chat_id']:016x}{2:016x}"
    status, body = await max_call(url, "PUT", "/messages", {"text": "чужое"}, message_id=mine)
    assert status == 403 and body["code"] == "access.denied"
    assert await max_call(url, "DELETE", "/messages", message_id=mid) == (200, {"success": True})
    assert (await client.message(person.id, shown["message_id"]))["deleted"] is True
    status, body = await max_call(url, "GET", f"/messages/{mid}")
    assert status == 404 and body["code"] == "not.found"


async def upload(url: str, kind: str, data: bytes, name: str, mime: str) -> dict[str, Any]:
    status, endpoint = await max_call(url, "POST", "/uploads", type=kind)
    assert status == 200 and endpoint["url"].startswith(url + "/max/upload/")
    form = FormData()
    form.add_field("data", data, filename=name, content_type=mime)
    async with ClientSession() as http, http.post(endpoint["url"], data=form) as resp:
        assert resp.status == 200
        return dict(await resp.json())


async def test_upload_a_file_and_an_image(emulator: tuple[Emulator, str], client: SandboxClient) -> None:
    _, url = emulator
    person = await started(client)
    uploaded = await upload(url, "file", b"col1;col2\n1;2\n", "report.csv", "text/csv")
    attachment = {"type": "file", "payload": {"token": uploaded["token"]}}
    status, sent = await max_call(
        url, "POST", "/messages", {"text": "Отчёт", "attachments": [attachment]}, user_id=person.id
    )
    assert status == 200
    shown_file = sent["message"]["body"]["attachments"][0]
    assert shown_file["filename"] == "report.csv" and shown_file["size"] == 14
    doc = await person.expect("Отчёт")
    assert doc["document"]["file_name"] == "report.csv"
    assert await client.file(doc["document"]["file_id"]) == b"col1;col2\n1;2\n"
    photos = (await upload(url, "image", b"\x89PNG fake", "chart.png", "image/png"))["photos"]
    image = {"type": "image", "payload": {"photos": photos}}
    status, _ = await max_call(
        url, "POST", "/messages", {"text": None, "attachments": [image]}, user_id=person.id
    )
    assert status == 200
    chart = await person.reply()
    assert await client.file(chart["photo"][-1]["file_id"]) == b"\x89PNG fake"
    bogus = {"type": "file", "payload": {"token": "nope"}}
    status, body = await max_call(
        url, "POST", "/messages", {"text": "x", "attachments": [bogus]}, user_id=person.id
    )
    assert status == 400 and body["code"] == "proto.payload"


async def refused(url: str, person: Person, body: dict[str, Any]) -> str:
    status, answer = await max_call(url, "POST", "/messages", body, user_id=person.id)
    assert status == 400, (body, answer)
    assert set(answer) == {"code", "message"} and answer["code"] == "proto.payload"
    return str(answer["message"])


async def test_max_rules_answer_400(emulator: tuple[Emulator, str], client: SandboxClient) -> None:
    _, url = emulator
    person = await started(client)
    assert (await max_call(url, "POST", "/messages", {"text": "я" * 4000}, user_id=person.id))[0] == 200
    assert "4000" in await refused(url, person, {"text": "я" * 4001})
    assert "span" in await refused(url, person, {"text": "<span>x</span>", "format": "html"})
    assert "br" in await refused(url, person, {"text": "a<br>b", "format": "html"})
    assert "end tag" in await refused(url, person, {"text": "<b>открыт", "format": "html"})
    await refused(url, person, {"text": "x", "format": "bbcode"})
    await refused(url, person, {"text": ""})
    html = "<b>ж</b> <mark>m</mark> <h1>h</h1> <del>d</del> <a href='https://x.ru'>a</a>"
    status, _ = await max_call(url, "POST", "/messages", {"text": html, "format": "html"}, user_id=person.id)
    assert status == 200 and (await person.reply())["text"] == "я" * 4000
    assert (await person.reply())["text"] == "ж m h d a"
    link = {"type": "link", "text": "L", "url": "https://x.ru"}
    ok_boards = [[[callback(str(i), str(i)) for i in range(7)]] * 30, [[link, link, link]]]
    for rows in ok_boards:
        board = {"text": "k", "attachments": [keyboard(*rows)]}
        status, _ = await max_call(url, "POST", "/messages", board, user_id=person.id)
        assert status == 200
    bad_boards = [
        [[callback("a", "a")]] * 31,
        [[callback(str(i), str(i)) for i in range(8)]],
        [[link, link, link, callback("a", "a")]],
        [[callback("x" * 129, "a")]],
        [[callback("a", "p" * 1025)]],
        [[{"type": "callback", "text": "без payload"}]],
        [[{"type": "teleport", "text": "?"}]],
        [],
    ]
    for rows in bad_boards:
        await refused(url, person, {"text": "k", "attachments": [keyboard(*rows)]})
    longest = {"text": "k", "attachments": [keyboard([callback("a", "p" * 1024)])]}
    status, _ = await max_call(url, "POST", "/messages", longest, user_id=person.id)
    assert status == 200


async def test_unknown_chat_blocked_and_unstarted(
    emulator: tuple[Emulator, str], client: SandboxClient
) -> None:
    emu, url = emulator
    status, body = await max_call(url, "POST", "/messages", {"text": "кому?"}, chat_id=424242)
    assert status == 404 and body["code"] == "not.found"
    tg = await client.person("Оля")  # a Telegram person is not on the MAX face, and back
    assert (await max_call(url, "POST", "/messages", {"text": "x"}, user_id=tg.id))[0] == 404
    person = await client.person("Маша", messenger="max")
    status, body = await max_call(url, "POST", "/messages", {"text": "привет"}, user_id=person.id)
    assert status == 403 and body["code"] == "chat.denied"
    async with ClientSession() as http:
        payload = {"chat_id": person.id, "text": "x"}
        async with http.post(f"{url}/bot{SANDBOX_TOKEN}/sendMessage", json=payload) as resp:
            assert resp.status == 400
    await person.start()
    dialog = emu.max.dialogs[person.id]
    assert (await max_call(url, "POST", "/messages", {"text": "привет"}, chat_id=dialog))[0] == 200
    await client.post("/control/block", user_id=person.id, blocked=True)
    stopped = (await updates(url, types="bot_stopped"))["updates"]
    assert stopped[0]["chat_id"] == dialog and stopped[0]["user"]["user_id"] == person.id
    status, body = await max_call(url, "POST", "/messages", {"text": "ау"}, user_id=person.id)
    assert status == 403 and body["code"] == "chat.denied" and "suspended" in body["message"]
    status, chat = await max_call(url, "GET", f"/chats/{dialog}")
    assert status == 200 and chat["status"] == "suspended" and chat["type"] == "dialog"
    assert chat["dialog_with_user"]["user_id"] == person.id and chat["participants_count"] == 2
    stats = await client.get("/control/stats")
    assert stats["max_http_403"] == 2 and stats["max_http_404"] == 2 and stats["max_sent"] == 1


async def test_rate_limits_answer_429(emulator: tuple[Emulator, str], client: SandboxClient) -> None:
    emu, url = emulator
    person, other = await started(client), await started(client, "Петя")
    await client.post("/control/limits", enabled=True)
    codes = [
        (await max_call(url, "POST", "/messages", {"text": str(i)}, user_id=person.id))[0] for i in range(3)
    ]
    assert codes == [200, 200, 429]
    status, body = await max_call(url, "POST", "/messages", {"text": "ещё"}, user_id=person.id)
    assert (status, body) == (429, {"code": "too.many.requests", "message": "Too many requests"})
    assert (await max_call(url, "POST", "/messages", {"text": "другому"}, user_id=other.id))[0] == 200
    await asyncio.sleep(0.6)  # two a second: a moment later one more goes
    assert (await max_call(url, "POST", "/messages", {"text": "позже"}, user_id=person.id))[0] == 200
    emu.max.limits.buckets.clear()
    results = await asyncio.gather(*(max_call(url, "GET", "/me") for _ in range(40)))
    ok = sum(1 for status, _ in results if status == 200)
    assert 28 <= ok <= 31 and all(body["code"] == "too.many.requests" for s, body in results if s != 200)
    assert (await client.get("/control/stats"))["max_http_429"] >= 11
    limits = await client.post("/control/limits", enabled=False, max_chat_rate=5)
    assert limits["enabled"] is False and limits["max_chat_rate"] == 5
    codes = [
        (await max_call(url, "POST", "/messages", {"text": str(i)}, user_id=person.id))[0] for i in range(5)
    ]
    assert codes == [200] * 5


async def test_faults_cover_the_max_face(emulator: tuple[Emulator, str], client: SandboxClient) -> None:
    emu, url = emulator
    person = await started(client)
    await client.post("/control/faults", error_rate=1.0)
    status, body = await max_call(url, "POST", "/messages", {"text": "x"}, user_id=person.id)
    assert status == 500 and set(body) == {"code", "message"}
    assert (await max_call(url, "GET", "/updates", timeout=0))[0] == 200  # polling is not faulted
    await client.post("/control/faults", error_rate=0.0)
    assert (await max_call(url, "POST", "/messages", {"text": "x"}, user_id=person.id))[0] == 200
    assert emu.stats["max_http_5xx"] == 1 and emu.stats["max_requests"] >= 3


async def test_updates_marker_and_long_polling(emulator: tuple[Emulator, str], client: SandboxClient) -> None:
    _, url = emulator
    person = await started(client)
    await person.send("раз")
    await person.send("два")
    first = await updates(url)
    assert [u["update_type"] for u in first["updates"]] == [
        "bot_started",
        "message_created",
        "message_created",
    ]
    again = await updates(url)  # no marker: nothing was committed, the same updates come again
    assert again == first
    assert [u["update_type"] for u in (await updates(url, limit=1))["updates"]] == ["bot_started"]
    only = await updates(url, types="message_created")
    assert [u["message"]["body"]["text"] for u in only["updates"]] == ["раз", "два"]
    committed = await updates(url, marker=first["marker"])
    assert committed == {"updates": [], "marker": first["marker"]}
    assert (await updates(url))["updates"] == []  # the marker committed what came before it
    started_at = time.monotonic()
    waiting = asyncio.create_task(updates(url, marker=first["marker"], timeout=10))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    await person.send("три")
    woken = await asyncio.wait_for(waiting, 5)
    assert [u["message"]["body"]["text"] for u in woken["updates"]] == ["три"]
    assert woken["marker"] == first["marker"] + 1 and time.monotonic() - started_at < 5
    started_at = time.monotonic()
    assert (await updates(url, marker=woken["marker"], timeout=1))["updates"] == []
    assert time.monotonic() - started_at >= 0.9


async def test_groups_members_and_actions(emulator: tuple[Emulator, str], client: SandboxClient) -> None:
    _, url = emulator
    owner = await started(client)
    group = await client.post("/control/groups", title="Кураторы MAX", members=[owner.id])
    gid = group["id"]
    added = (await updates(url, types="bot_added"))["updates"][0]
    assert added["chat_id"] == gid and added["user"]["user_id"] == owner.id and added["is_channel"] is False
    newcomer = await client.person("Петя", messenger="max")
    joined = await client.post("/control/join", chat_id=gid, user_id=newcomer.id)
    user_added = (await updates(url, types="user_added"))["updates"][0]
    assert user_added["chat_id"] == gid and user_added["user"]["user_id"] == newcomer.id
    assert joined["update_id"] is not None and "inviter_id" in user_added
    await owner.send("всем привет", chat_id=gid)
    created = (await updates(url, types="message_created"))["updates"][-1]
    assert created["message"]["recipient"] == {"chat_id": gid, "chat_type": "chat"}
    assert (await max_call(url, "POST", "/messages", {"text": "привет, группа"}, chat_id=gid))[0] == 200
    assert (await owner.expect("привет, группа", chat_id=gid))["chat_id"] == gid
    status, chat = await max_call(url, "GET", f"/chats/{gid}")
    assert status == 200 and chat["type"] == "chat" and chat["title"] == "Кураторы MAX"
    assert chat["participants_count"] == 3
    _, members = await max_call(url, "GET", f"/chats/{gid}/members")
    assert [m["user_id"] for m in members["members"]] == [BOT_USER_ID, owner.id, newcomer.id]
    _, me = await max_call(url, "GET", f"/chats/{gid}/members/me")
    assert me["user_id"] == BOT_USER_ID and me["is_admin"] is True
    assert await max_call(url, "POST", f"/chats/{gid}/actions", {"action": "typing_on"}) == (
        200,
        {"success": True},
    )
    assert (await max_call(url, "POST", f"/chats/{gid}/actions", {"action": "dancing"}))[0] == 400
    assert (await max_call(url, "GET", "/chats/-70000000000999"))[0] == 404
    await client.post("/control/leave", chat_id=gid, user_id=newcomer.id)
    await client.post("/control/leave", chat_id=gid, user_id=owner.id, bot=True)
    gone = (await updates(url, types="user_removed,bot_removed"))["updates"]
    assert [(u["update_type"], u["user"]["user_id"], u["chat_id"]) for u in gone] == [
        ("user_removed", newcomer.id, gid),
        ("bot_removed", owner.id, gid),
    ]
    status, body = await max_call(url, "POST", "/messages", {"text": "я тут?"}, chat_id=gid)
    assert status == 403 and body["code"] == "chat.denied"
    before = (await updates(url))["marker"]
    await owner.send("бот ушёл", chat_id=gid)
    assert (await updates(url, marker=before))["updates"] == []


async def test_state_file_keeps_the_max_side(tmp_path: Path) -> None:
    state = tmp_path / "sandbox.json"
    emu = Emulator(SANDBOX_TOKEN)
    person = emu.add_user("Маша", messenger="max")
    await emu.user_starts(person["id"], "abc")
    group = emu.add_group("Кураторы MAX", [person["id"]])
    emu.save(state, clean=True)
    again = Emulator(SANDBOX_TOKEN, state_file=state)
    assert again.messenger_of(person["id"]) == "max" and again.chats[group.id].messenger == "max"
    assert again.max.dialogs == emu.max.dialogs and len(again.max.updates) == 1
    assert again.add_user("Петя", messenger="max")["id"] == person["id"] + 1
    assert again.max.new_group_id() == group.id - 1 and again.max.next_update == emu.max.next_update
    assert person["id"] in again.started


@pytest.fixture
def chromium_path() -> str:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed: browser test skipped")
    pytest.importorskip("playwright", reason="playwright is not installed: browser test skipped")
    return CHROMIUM


async def test_web_chat_shows_each_persons_messenger(
    chromium_path: str, emulator: tuple[Emulator, str], client: SandboxClient
) -> None:
    """A mixed pair in the browser: each person and chat is marked with its messenger, and a
    MAX person opens a max.ru link, sees the bot's keyboard and presses it."""
    from playwright.async_api import async_playwright, expect

    emu, url = emulator
    await client.person("Оля")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            await page.goto(url)
            await page.get_by_test_id("new-person-name").fill("Маша")
            await page.get_by_test_id("new-person-messenger").select_option("max")
            await page.get_by_test_id("new-person").get_by_role("button").click()
            await expect(page.get_by_test_id("chat-title")).to_contain_text("в MAX — Маша")
            people = page.get_by_test_id("person")
            await expect(people.filter(has_text="Оля").get_by_test_id("messenger-badge")).to_have_text("TG")
            await expect(people.filter(has_text="Маша").get_by_test_id("messenger-badge")).to_have_text("MAX")
            await page.get_by_test_id("open-link-input").fill(
                "https://max.ru/nastavnik_sandbox_bot?start=web"
            )
            await page.get_by_test_id("open-link-go").click()
            start = await updates(url, timeout=5, types="bot_started")
            masha = start["updates"][0]["user"]["user_id"]
            assert start["updates"][0]["payload"] == "web" and emu.messenger_of(masha) == "max"
            question = {"text": "Готовы?", "attachments": [keyboard([callback("Готова", "ready")])]}
            assert (await max_call(url, "POST", "/messages", question, user_id=masha))[0] == 200
            await page.get_by_test_id("inline-button").filter(has_text="Готова").click()
            pressed = await updates(url, marker=start["marker"], timeout=5, types="message_callback")
            cb_id = pressed["updates"][0]["callback"]["callback_id"]
            assert pressed["updates"][0]["callback"]["payload"] == "ready"
            await max_call(url, "POST", "/answers", {"notification": "Отлично"}, callback_id=cb_id)
            await expect(page.get_by_test_id("toast")).to_have_text("Отлично")
        finally:
            await browser.close()


async def test_webhook_subscriptions_deliver_with_the_secret(
    emulator: tuple[Emulator, str], client: SandboxClient
) -> None:
    emu, url = emulator
    got: list[tuple[str | None, dict[str, Any]]] = []
    status = {"now": 503}

    async def hook(request: web.Request) -> web.Response:
        got.append((request.headers.get("X-Max-Bot-Api-Secret"), await request.json()))
        return web.json_response({}, status=status["now"])

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner, port = await serve_app(app)
    emu.max.delivery_pause = 0.05
    try:
        assert await max_call(url, "GET", "/subscriptions") == (200, {"subscriptions": []})
        for bad in (
            {"url": "ftp://x"},
            {"url": "http://x", "secret": "abc"},
            {"url": "http://x", "secret": "a b c d"},
        ):
            assert (await max_call(url, "POST", "/subscriptions", bad))[0] == 400
        hook_url = f"http://127.0.0.1:{port}/hook"
        body = {"url": hook_url, "secret": "s3cret_Max-1", "update_types": ["bot_started", "message_created"]}
        assert await max_call(url, "POST", "/subscriptions", body) == (200, {"success": True})
        status_code, subs = await max_call(url, "GET", "/subscriptions")
        assert status_code == 200 and subs["subscriptions"][0]["url"] == hook_url
        assert subs["subscriptions"][0]["update_types"] == ["bot_started", "message_created"]
        assert "secret" not in subs["subscriptions"][0] and subs["subscriptions"][0]["version"]
        code, refused = await max_call(url, "GET", "/updates", timeout=0)
        assert code == 405 and refused["code"] == "method.not.allowed"  # not both at once

        person = await started(client)  # delivered, refused 503 five times, given up
        await until(lambda: emu.stats["max_webhook_failed"] == 1)
        assert len(got) == 5 and all(secret == "s3cret_Max-1" for secret, _ in got)
        assert got[0][1]["update_type"] == "bot_started" and "_n" not in got[0][1]
        status["now"] = 200
        await person.send("привет")
        await until(lambda: emu.stats["max_webhook_sent"] == 1)
        assert got[-1][1]["message"]["body"]["text"] == "привет"

        async with ClientSession() as http:
            headers = {"Authorization": MAX_SANDBOX_TOKEN}
            params = {"url": hook_url}
            async with http.delete(f"{url}/max/subscriptions", params=params, headers=headers) as resp:
                assert resp.status == 200 and await resp.json() == {"success": True}
        assert (await max_call(url, "DELETE", "/subscriptions"))[0] == 400  # url is required
        await person.send("опять")
        assert [u["message"]["body"]["text"] for u in (await updates(url))["updates"]] == ["опять"]
    finally:
        await runner.cleanup()


async def until(check: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not in time"
        await asyncio.sleep(0.02)


async def test_html_is_kept_as_plain_text_and_markup(
    emulator: tuple[Emulator, str], client: SandboxClient
) -> None:
    _, url = emulator
    person = await started(client)
    html = (
        "🎓 <b>Итог</b>: <i>курс <b>A</b></i> <u>u</u> <s>s</s> <code>c</code> <mark>m</mark> "
        '<a href="https://max.ru/?a=1&amp;b=2">ссылка</a>\n<blockquote>q</blockquote><h1>H</h1> &lt;3'
    )
    _, sent = await max_call(url, "POST", "/messages", {"text": html, "format": "html"}, user_id=person.id)
    body = sent["message"]["body"]
    assert body["text"] == "🎓 Итог: курс A u s c m ссылка\nqH <3"
    assert body["markup"] == [
        {"type": "strong", "from": 3, "length": 4},  # 🎓 is 2 UTF-16 units
        {"type": "emphasized", "from": 9, "length": 6},
        {"type": "strong", "from": 14, "length": 1},
        {"type": "underline", "from": 16, "length": 1},
        {"type": "strikethrough", "from": 18, "length": 1},
        {"type": "monospaced", "from": 20, "length": 1},
        {"type": "highlighted", "from": 22, "length": 1},
        {"type": "link", "from": 24, "length": 6, "url": "https://max.ru/?a=1&b=2"},
        {"type": "quote", "from": 31, "length": 1},
        {"type": "heading", "from": 32, "length": 1},
    ]
    _, got = await max_call(url, "GET", f"/messages/{body['mid']}")
    assert got["body"]["markup"] == body["markup"]
    shown = await person.expect("Итог")
    assert shown["text"] == body["text"] and "<b>Итог</b>" in shown["html"]
    # an edit without text keeps the text and its markup; a plain edit drops the markup
    await max_call(
        url, "PUT", "/messages", {"attachments": [keyboard([callback("OK", "ok")])]}, message_id=body["mid"]
    )
    _, got = await max_call(url, "GET", f"/messages/{body['mid']}")
    assert (
        got["body"]["markup"] == body["markup"]
        and "<b>Итог</b>" in (await client.message(person.id, shown["message_id"]))["html"]
    )
    await max_call(url, "PUT", "/messages", {"text": "<b>просто</b>"}, message_id=body["mid"])
    _, got = await max_call(url, "GET", f"/messages/{body['mid']}")
    assert got["body"]["text"] == "<b>просто</b>" and "markup" not in got["body"]
