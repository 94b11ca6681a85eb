"""The emulator rejects what Telegram rejects (raw Bot API calls over HTTP)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import ClientSession

from sandbox.emulator import Emulator
from sandbox.run import SANDBOX_TOKEN


async def call(
    url: str, method: str, token: str = SANDBOX_TOKEN, **params: Any
) -> tuple[int, dict[str, Any]]:
    async with ClientSession() as http, http.post(f"{url}/bot{token}/{method}", json=params) as resp:
        return resp.status, await resp.json()


async def test_html_and_sizes_are_checked_like_telegram(emulator: tuple[Emulator, str]) -> None:
    emu, url = emulator
    user = emu.add_user("Аня")
    emu.started.add(user["id"])
    uid = user["id"]
    status, body = await call(
        url, "sendMessage", chat_id=uid, text="<b>жирный</b> &amp; <i>курсив</i>", parse_mode="HTML"
    )
    assert status == 200 and body["result"]["text"] == "жирный & курсив"
    status, body = await call(url, "sendMessage", chat_id=uid, text="<script>x</script>", parse_mode="HTML")
    assert status == 400 and 'Unsupported start tag "script"' in body["description"]
    status, body = await call(url, "sendMessage", chat_id=uid, text="<b>открыт", parse_mode="HTML")
    assert status == 400 and "Can't find end tag" in body["description"]
    status, body = await call(url, "sendMessage", chat_id=uid, text="a < b", parse_mode="HTML")
    assert status == 400 and "can't parse entities" in body["description"]
    status, body = await call(url, "sendMessage", chat_id=uid, text="x" * 4097)
    assert status == 400 and body["description"] == "Bad Request: message is too long"
    status, _ = await call(url, "sendMessage", chat_id=uid, text="x" * 4096)
    assert status == 200
    status, body = await call(url, "sendMessage", chat_id=uid, text="🙂" * 2049)  # 4098 UTF-16 units
    assert status == 400
    status, body = await call(url, "sendMessage", chat_id=uid, text="   ")
    assert status == 400 and "text is empty" in body["description"]
    markup = {"inline_keyboard": [[{"text": "ok", "callback_data": "я" * 33}]]}  # 66 bytes
    status, body = await call(url, "sendMessage", chat_id=uid, text="кнопка", reply_markup=markup)
    assert status == 400 and body["description"] == "Bad Request: BUTTON_DATA_INVALID"
    status, body = await call(url, "sendMessage", chat_id=424242, text="кому?")
    assert status == 400 and "chat not found" in body["description"]
    status, body = await call(url, "getMe", token="1:wrong")
    assert status == 401
    sent = emu.messages[uid][0]
    status, body = await call(
        url,
        "editMessageText",
        chat_id=uid,
        message_id=sent["message_id"],
        text="<b>жирный</b> &amp; <i>курсив</i>",
        parse_mode="HTML",
    )
    assert status == 400 and "message is not modified" in body["description"]


async def test_blocked_user_and_unstarted_user_get_403(emulator: tuple[Emulator, str]) -> None:
    emu, url = emulator
    user = emu.add_user("Боря")
    status, body = await call(url, "sendMessage", chat_id=user["id"], text="привет")
    assert status == 403 and "can't initiate conversation" in body["description"]
    emu.started.add(user["id"])
    emu.blocked.add(user["id"])
    status, body = await call(url, "sendMessage", chat_id=user["id"], text="привет")
    assert status == 403 and body["description"] == "Forbidden: bot was blocked by the user"


async def test_flood_limits_answer_429_with_retry_after(emulator: tuple[Emulator, str]) -> None:
    emu, url = emulator
    emu.limits.enabled = True
    people = [emu.add_user(f"u{i}") for i in range(40)]
    for p in people:
        emu.started.add(p["id"])
    # one private chat: a small burst, then 429
    codes = [(await call(url, "sendMessage", chat_id=people[0]["id"], text=str(i)))[0] for i in range(8)]
    assert codes[:5] == [200] * 5 and 429 in codes[5:]
    status, body = await call(url, "sendMessage", chat_id=people[0]["id"], text="ещё")
    assert status == 429 and body["parameters"]["retry_after"] >= 1
    assert body["description"].startswith("Too Many Requests: retry after")
    # overall: about 30 a second across chats
    emu.limits.buckets.clear()
    results = await asyncio.gather(*(call(url, "sendMessage", chat_id=p["id"], text="hi") for p in people))
    ok = sum(1 for status, _ in results if status == 200)
    assert 28 <= ok <= 31 and emu.stats["http_429"] >= 9
    # a group: 20 a minute
    group = emu.add_group("Кураторы", [people[0]["id"]])
    emu.limits.buckets.clear()
    codes = [(await call(url, "sendMessage", chat_id=group.id, text=str(i)))[0] for i in range(21)]
    assert codes.count(200) == 20 and codes[-1] == 429


async def test_fault_injection_answers_5xx(emulator: tuple[Emulator, str]) -> None:
    emu, url = emulator
    user = emu.add_user("Вика")
    emu.started.add(user["id"])
    emu.faults.error_rate = 1.0
    status, body = await call(url, "sendMessage", chat_id=user["id"], text="x")
    assert status == 500 and body["error_code"] == 500
    emu.faults.error_rate = 0.0
    status, _ = await call(url, "sendMessage", chat_id=user["id"], text="x")
    assert status == 200


async def test_files_are_stored_and_downloadable(emulator: tuple[Emulator, str]) -> None:
    emu, url = emulator
    user = emu.add_user("Гена")
    emu.started.add(user["id"])
    async with ClientSession() as http:
        from aiohttp import FormData

        form = FormData()
        form.add_field("chat_id", str(user["id"]))
        form.add_field("document", b"col1;col2\n1;2\n", filename="report.csv", content_type="text/csv")
        async with http.post(f"{url}/bot{SANDBOX_TOKEN}/sendDocument", data=form) as resp:
            body = await resp.json()
        assert body["ok"], body
        file_id = body["result"]["document"]["file_id"]
        async with http.get(f"{url}/control/files/{file_id}") as resp:
            assert await resp.read() == b"col1;col2\n1;2\n"


async def test_leaving_a_group_and_removing_the_bot(emulator: tuple[Emulator, str]) -> None:
    emu, url = emulator
    ann, bob = emu.add_user("Аня"), emu.add_user("Боря")
    group = emu.add_group("Кураторы", [ann["id"], bob["id"]])
    async with ClientSession() as http:
        for payload in (
            {"chat_id": group.id, "user_id": bob["id"]},
            {"chat_id": group.id, "user_id": ann["id"], "bot": True},
        ):
            async with http.post(f"{url}/control/leave", json=payload) as resp:
                assert resp.status == 200
    left, removed = emu.updates[-2:]
    assert left["message"]["left_chat_member"]["id"] == bob["id"] and bob["id"] not in group.members
    assert removed["my_chat_member"]["new_chat_member"] == {"status": "left", "user": emu.bot_user}
    status, body = await call(url, "sendMessage", chat_id=group.id, text="я тут?")
    assert status == 403 and "kicked" in body["description"]
