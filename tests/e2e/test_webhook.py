"""Webhook mode: the emulator posts updates with the secret header; no header, 401."""

from __future__ import annotations

import asyncio
import socket
from contextlib import suppress

from aiohttp import ClientSession
from pydantic import SecretStr

from bot.app import App
from bot.settings import Settings
from sandbox.client import SandboxClient


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_mode_serves_updates_and_checks_the_secret(
    settings: Settings, client: SandboxClient
) -> None:
    port = free_port()
    hook = settings.model_copy(
        update={
            "webhook_url": f"http://127.0.0.1:{port}",
            "webhook_secret": SecretStr("s3cret-Token_1"),
            "webhook_port": port,
        }
    )
    app = App(hook)
    await app.start()
    task = asyncio.create_task(app.serve(handle_signals=False))
    try:
        state = None
        for _ in range(100):
            state = await client.get("/control/state")
            if state["webhook"]:
                break
            await asyncio.sleep(0.05)
        assert state is not None and state["webhook"] == f"http://127.0.0.1:{port}/webhook"
        person = await client.person("Вебхук")
        await person.send("/start")
        await person.expect("ссылку-приглашение")
        async with ClientSession() as http:
            update = {
                "update_id": 999,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": 1, "type": "private"},
                    "text": "/start",
                },
            }
            async with http.post(f"http://127.0.0.1:{port}/webhook", json=update) as resp:
                assert resp.status == 401
            headers = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            async with http.post(f"http://127.0.0.1:{port}/webhook", json=update, headers=headers) as resp:
                assert resp.status == 401
    finally:
        await app.stop()
        with suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
        await app.close()
