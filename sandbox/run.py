"""`make run` with no BOT_TOKEN: the emulator and the bot in one process, and a web chat."""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import suppress

from aiohttp import web
from pydantic import SecretStr

from bot.app import App
from bot.settings import Settings
from sandbox.emulator import Emulator

log = logging.getLogger(__name__)
SANDBOX_TOKEN = "1000001:sandbox-token"


async def start_emulator(
    host: str, port: int, token: str = SANDBOX_TOKEN
) -> tuple[Emulator, web.AppRunner, str]:
    emulator = Emulator(token)
    runner = web.AppRunner(emulator.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1] if runner.addresses else port
    return emulator, runner, f"http://{host}:{bound}"


async def run_sandbox(settings: Settings, demo: bool = False, port: int | None = None) -> None:
    emulator, runner, url = await start_emulator(
        settings.sandbox_host, settings.sandbox_port if port is None else port
    )
    bot_settings = settings.model_copy(
        update={"bot_token": SecretStr(SANDBOX_TOKEN), "telegram_api_url": url, "webhook_url": None}
    )
    app = App(bot_settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await app.start()
        if demo:
            from sandbox.demo import fill_demo

            await fill_demo(app, emulator)
        print(f"Sandbox is running: open {url} in a browser (Ctrl+C stops it)", flush=True)
        serving = asyncio.create_task(app.serve(handle_signals=False))
        await stop.wait()
        await app.stop()
        with suppress(asyncio.CancelledError):
            await serving
    finally:
        await app.close()
        await runner.cleanup()
