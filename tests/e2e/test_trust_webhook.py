"""Webhook mode never runs open, and `cp .env.example .env` plus a token starts the bot."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from contextlib import suppress
from pathlib import Path

from aiohttp import ClientSession

from bot.app import App
from bot.settings import Settings
from sandbox.client import BOOT, PATIENCE, SandboxClient
from sandbox.emulator import Emulator
from sandbox.run import SANDBOX_TOKEN
from storage.tables import UserRow
from tests.conftest import LAUNCHES_PROCESSES
from tests.e2e.test_cli import ROOT, env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def forged(update_id: int, user_id: int, text: str) -> dict[str, object]:
    sender = {"id": user_id, "is_bot": False, "first_name": "Взломщик"}
    chat = {"id": user_id, "type": "private"}
    return {
        "update_id": update_id,
        "message": {"message_id": 1, "date": 0, "chat": chat, "from": sender, "text": text},
    }


async def test_webhook_without_a_configured_secret_makes_one_and_refuses_forged_posts(
    settings: Settings, client: SandboxClient, emulator: tuple[Emulator, str]
) -> None:
    """The issue's attack: WEBHOOK_SECRET empty, as .env.example ships it, and a forged
    update "from" someone posted straight to the webhook."""
    port = free_port()
    hook = settings.model_copy(update={"webhook_url": f"http://127.0.0.1:{port}", "webhook_port": port})
    assert hook.webhook_secret is None
    app = App(hook)
    await app.start()
    task = asyncio.create_task(app.serve(handle_signals=False))
    try:
        for _ in range(100):
            if emulator[0].webhook is not None:
                break
            await asyncio.sleep(0.05)
        assert emulator[0].webhook is not None
        secret = emulator[0].webhook["secret_token"]
        assert isinstance(secret, str) and len(secret) >= 32, "a strong secret was registered"
        person = await client.person("Вебхук")
        await person.send("/start")
        await person.expect("ссылку-приглашение")  # Telegram (the emulator) sends the secret: served
        attacker = 777_000_111
        async with ClientSession() as http:
            url = f"http://127.0.0.1:{port}/webhook"
            for n, headers in enumerate(
                ({}, {"X-Telegram-Bot-Api-Secret-Token": ""}, {"X-Telegram-Bot-Api-Secret-Token": "x"})
            ):
                async with http.post(url, json=forged(900 + n, attacker, "/start"), headers=headers) as r:
                    assert r.status == 401
        await asyncio.sleep(0.3)
        assert app.db is not None
        async with app.db.sessions() as s:
            assert await s.get(UserRow, attacker) is None, "a refused update is never processed"
        assert await client.get("/control/messages", chat_id=attacker, after=0) == []
    finally:
        await app.stop()
        with suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
        await app.close()


@LAUNCHES_PROCESSES
async def test_the_shipped_env_example_with_a_token_starts_the_bot(
    emulator: tuple[Emulator, str], client: SandboxClient, tmp_path: Path
) -> None:
    """README: `cp .env.example .env`, put the token into BOT_TOKEN, run. Every other
    setting stays as shipped (empty WEBHOOK_URL and WEBHOOK_SECRET among them); only the API
    URL points at the emulator instead of Telegram."""
    shipped = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert "\nWEBHOOK_URL=\n" in shipped and "\nBOT_TOKEN=\n" in shipped
    dotenv = shipped.replace("\nBOT_TOKEN=\n", f"\nBOT_TOKEN={SANDBOX_TOKEN}\n").replace(
        "TELEGRAM_API_URL=https://api.telegram.org", f"TELEGRAM_API_URL={emulator[1]}"
    )
    (tmp_path / ".env").write_text(dotenv, encoding="utf-8")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env(PYTHONPATH=str(ROOT)),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        person = await client.person("Из коробки")
        await person.send("/start")
        await person.expect("ссылку-приглашение", timeout=BOOT)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), PATIENCE)
        assert proc.stderr is not None
        err = (await proc.stderr.read()).decode()
    assert code == 0, err
    assert "Invalid setting" not in err
    assert (tmp_path / "data" / "nastavnik.db").exists()
