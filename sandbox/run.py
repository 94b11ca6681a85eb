"""`make run` with no BOT_TOKEN: the emulator and the bot in one process, and a web chat.

The emulator's people, groups and chats are kept in a file next to the database
(``data/nastavnik.sandbox.json`` for ``data/nastavnik.db``), so a stopped and restarted
sandbox goes on where it stopped. `make demo` has a database of its own (``data/demo.db``)."""

from __future__ import annotations

import asyncio
import logging
import shutil
import signal
from contextlib import suppress
from pathlib import Path

from aiohttp import web
from pydantic import SecretStr

from bot.app import App, owner_link_notice
from bot.domain.identity import Messenger, messenger_of, to_max
from bot.settings import Settings
from sandbox.emulator import MAX_SANDBOX_TOKEN, Emulator
from storage.db import Database
from storage.roles import roles_by_user

log = logging.getLogger(__name__)
SANDBOX_TOKEN = "1000001:sandbox-token"
DEMO_DB = "demo.db"


async def start_emulator(
    host: str, port: int, token: str = SANDBOX_TOKEN, state_file: Path | None = None
) -> tuple[Emulator, web.AppRunner, str]:
    emulator = Emulator(token, state_file=state_file)
    runner = web.AppRunner(emulator.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1] if runner.addresses else port
    return emulator, runner, f"http://{host}:{bound}"


ROLE_LABELS = {"curator": "куратор", "mentor": "наставник", "mentee": "наставляемый"}


def show_roles(emulator: Emulator, db: Database) -> None:
    """The web chat's sidebar shows each person's role, read from the bot's database."""

    async def source() -> dict[int, str]:
        async with db.sessions() as session:
            found = await roles_by_user(session)
        return {
            _world_id(uid): ", ".join(ROLE_LABELS.get(r, r) for r in roles) for uid, roles in found.items()
        }

    emulator.roles_source = source


def _world_id(uid: int) -> int:
    """The sandbox's id of a person the bot knows by ``uid`` (MAX's ids are moved, see
    bot/domain/identity.py)."""
    return to_max(uid) if messenger_of(uid) is Messenger.MAX else uid


def sqlite_path(database_url: str) -> Path | None:
    """The file of an SQLite URL, or None for another database."""
    if not database_url.startswith("sqlite"):
        return None
    path = database_url.split("///", 1)[-1]
    return None if not path or path == ":memory:" else Path(path)


def sandbox_files(settings: Settings, demo: bool) -> tuple[str, Path]:
    """The database URL and the emulator's state file of this sandbox. The demo never
    touches the user's database: it lives in ``demo.db`` next to it (or in ./data)."""
    db = sqlite_path(settings.database_url)
    if demo:
        db = (db.parent if db is not None else Path("data")) / DEMO_DB
        url = f"sqlite+aiosqlite:///{db}"
    else:
        url = settings.database_url
    folder, stem = (db.parent, db.stem) if db is not None else (Path("data"), "sandbox")
    return url, folder / f"{stem}.sandbox.json"


def reset_demo(db: Path, state: Path) -> None:
    """A demo starts afresh unless the last demo left both its database and its people."""
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"), state):
        path.unlink(missing_ok=True)
    shutil.rmtree(state.with_name(state.name + ".files"), ignore_errors=True)


async def run_sandbox(settings: Settings, demo: bool = False, port: int | None = None) -> None:
    database_url, state_file = sandbox_files(settings, demo)
    demo_db = sqlite_path(database_url)
    fill = False
    if demo and demo_db is not None and not (demo_db.exists() and state_file.exists()):
        reset_demo(demo_db, state_file)
        fill = True
    emulator, runner, url = await start_emulator(
        settings.sandbox_host,
        settings.sandbox_port if port is None else port,
        state_file=state_file,
    )
    bot_settings = settings.model_copy(
        update={
            "bot_token": SecretStr(SANDBOX_TOKEN),
            "telegram_api_url": url,
            "max_bot_token": SecretStr(emulator.max.token or MAX_SANDBOX_TOKEN),  # both faces
            "max_api_url": url + "/max",
            "webhook_url": None,
            "database_url": database_url,
        }
    )
    app = App(bot_settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await app.start()
        assert app.db is not None
        show_roles(emulator, app.db)
        if fill:
            from sandbox.demo import fill_demo

            await fill_demo(app, emulator)
        elif demo:
            print(f"The demo school goes on from {demo_db} (delete it to start over)", flush=True)
        print(f"Sandbox is running: open {url} in a browser (Ctrl+C stops it)", flush=True)
        print(f"Its people and chats are kept in {state_file}", flush=True)
        if app.owner_link and not demo:
            emulator.owner_link = app.owner_link  # the page offers it to the selected person
            await emulator.notify()
            print(owner_link_notice(app.owner_links), flush=True)
            print("(the web chat offers it too: «Стать куратором»)", flush=True)
        serving = asyncio.create_task(app.serve(handle_signals=False))
        await stop.wait()
        await app.stop()
        with suppress(asyncio.CancelledError):
            await serving
    finally:
        await app.close()
        await runner.cleanup()
