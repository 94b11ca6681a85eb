"""MAX by webhook: the real bot in webhook mode against the emulator with both faces. MAX
people and Telegram people are answered through one web server (each messenger at its own
path with its own secret); a forged MAX request is refused and changes nothing; a bot started
again in polling mode removes the subscription and long-polls."""

from __future__ import annotations

import asyncio
import time
from contextlib import suppress
from typing import Any

from aiohttp import ClientSession
from pydantic import SecretStr
from sqlalchemy import select

from bot.app import App
from bot.domain.identity import from_max
from bot.settings import Settings
from sandbox.client import Person, SandboxClient
from sandbox.emulator import Emulator
from storage.tables import UserRow
from tests.e2e.test_emulator_max import max_call
from tests.e2e.test_webhook import free_port

HEADER = "X-Max-Bot-Api-Secret"


async def serving(settings: Settings) -> tuple[App, asyncio.Task[None]]:
    app = App(settings)
    await app.start()
    return app, asyncio.create_task(app.serve(handle_signals=False))


async def stopped(app: App, task: asyncio.Task[None]) -> None:
    await app.stop()
    with suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, 10)
    await app.close()


async def state_when(client: SandboxClient, ready: Any) -> dict[str, Any]:
    for _ in range(100):
        state: dict[str, Any] = await client.get("/control/state")
        if ready(state):
            return state
        await asyncio.sleep(0.05)
    raise AssertionError(f"the emulator never reached the state: {state}")


async def answered_with_a_press(person: Person) -> None:
    """/start, then a button: /language and "English"."""
    if person.messenger == "max":
        await person.start()
    else:
        await person.send("/start")
    await person.expect("Я бот «Наставник»")
    await person.send("/language")
    choice = await person.expect("Choose your language")
    await person.press(choice, "English")
    await person.expect("I speak English now")


def a_message(person: Person, text: str, n: int) -> dict[str, Any]:
    """A MAX ``message_created`` webhook body, shaped as MAX's samples."""
    now = int(time.time() * 1000)
    return {
        "update_type": "message_created",
        "timestamp": now,
        "user_locale": "ru",
        "message": {
            "recipient": {"chat_id": 9_999_000_000 + n, "chat_type": "dialog", "user_id": 7_000_000_000},
            "timestamp": now,
            "body": {"mid": f"mid.forged{n}", "seq": n, "text": text},
            "sender": {"user_id": person.id, "first_name": person.name, "is_bot": False, "name": person.name},
        },
    }


async def test_max_and_telegram_by_webhook_then_polling_again(
    settings: Settings, client: SandboxClient, emulator: tuple[Emulator, str]
) -> None:
    emu, url = emulator
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    hook = settings.model_copy(update={"webhook_url": base, "webhook_port": port})  # no secrets set
    app, task = await serving(hook)
    try:
        state = await state_when(client, lambda s: s["webhook"] and s["max_webhook"])
        assert state["webhook"] == f"{base}/webhook" and state["max_webhook"] == f"{base}/max-webhook"
        status, subs = await max_call(url, "GET", "/subscriptions")
        assert status == 200 and [s["url"] for s in subs["subscriptions"]] == [f"{base}/max-webhook"]
        assert "message_callback" in subs["subscriptions"][0]["update_types"]
        assert "secret" not in subs["subscriptions"][0]
        secret = emu.max.subscriptions[f"{base}/max-webhook"]["secret"]
        assert secret and len(secret) >= 32  # none configured: a strong one made for this start
        status, body = await max_call(url, "GET", "/updates", timeout=0)
        assert status == 405, body  # MAX serves webhook or long polling, not both

        masha = await client.person("Маша", messenger="max")
        tanya = await client.person("Таня", messenger="telegram")
        await asyncio.gather(answered_with_a_press(masha), answered_with_a_press(tanya))
        assert (await client.get("/control/stats"))["max_webhook_sent"] >= 3  # start, /language, the press

        # forged: a well-formed update without the secret, or with a wrong one
        stranger = await client.person("Чужой", messenger="max")
        masha_before = len(await client.get("/control/messages", chat_id=masha.id))
        async with ClientSession() as http:
            for n, headers in enumerate(({}, {HEADER: "wrong-secret"}, {HEADER: secret + "x"})):
                for who in (masha, stranger):
                    forged = a_message(who, "/help", n * 2 + (who is stranger))
                    async with http.post(f"{base}/max-webhook", json=forged, headers=headers) as resp:
                        assert resp.status == 401
            # with the secret: a body that is not an update is 400
            for bad in (b"not json", b"[]", b'{"update_type": "message_created"}'):
                right = {HEADER: secret, "Content-Type": "application/json"}
                async with http.post(f"{base}/max-webhook", data=bad, headers=right) as resp:
                    assert resp.status == 400
            await asyncio.sleep(0.5)
            assert len(await client.get("/control/messages", chat_id=masha.id)) == masha_before
            assert app.db is not None
            async with app.db.sessions() as s:
                found = await s.scalar(select(UserRow.id).where(UserRow.id == from_max(stranger.id)))
                assert found is None  # the refused requests changed nothing
            # the same body with MAX's secret is an update the bot answers (the forgery was well-formed)
            async with http.post(
                f"{base}/max-webhook", json=a_message(masha, "/help", 99), headers={HEADER: secret}
            ) as resp:
                assert resp.status == 200
        await masha.expect("What I can do")
    finally:
        await stopped(app, task)

    app, task = await serving(settings)  # polling mode: the subscription goes, long polling works
    try:
        await state_when(client, lambda s: s["max_webhook"] is None)
        status, subs = await max_call(url, "GET", "/subscriptions")
        assert status == 200 and subs == {"subscriptions": []}
        await masha.send("/help")
        await masha.expect("What I can do")
        await tanya.send("/help")
        await tanya.expect("What I can do")
    finally:
        await stopped(app, task)


async def test_max_alone_by_webhook_serves_only_maxs_route(
    settings: Settings, client: SandboxClient, emulator: tuple[Emulator, str]
) -> None:
    emu, _ = emulator
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    only_max = settings.model_copy(
        update={
            "bot_token": None,
            "webhook_url": base,
            "webhook_port": port,
            "max_webhook_path": "/hooks/max",
            "max_webhook_secret": SecretStr("configured_Secret-1"),
        }
    )
    app, task = await serving(only_max)
    try:
        state = await state_when(client, lambda s: s["max_webhook"])
        assert state["max_webhook"] == f"{base}/hooks/max" and state["webhook"] is None
        assert emu.max.subscriptions[f"{base}/hooks/max"]["secret"] == "configured_Secret-1"
        async with ClientSession() as http, http.post(f"{base}/webhook", json={"update_id": 1}) as resp:
            assert resp.status == 404  # no Telegram here
        pupil = await client.person("Маша", messenger="max")
        await pupil.start()
        await pupil.expect("Я бот «Наставник»")
    finally:
        await stopped(app, task)
