"""Shared fixtures: a Bot API emulator on 127.0.0.1, the real bot talking to it over
HTTP, and a real database per test: an SQLite file, or (``--database postgresql``, as
``make test`` runs the suite a second time) a fresh database in a throwaway PostgreSQL
server that pytest-postgresql starts from the machine's binaries."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import suppress
from datetime import datetime
from pathlib import Path

import pytest
from aiohttp import web
from pydantic import SecretStr
from pytest_postgresql import factories
from pytest_postgresql.janitor import DatabaseJanitor

from bot.__main__ import curator_add
from bot.app import App
from bot.clock import FakeClock
from bot.domain.identity import from_max
from bot.settings import Settings
from sandbox.client import PATIENCE, Person, SandboxClient
from sandbox.emulator import MAX_SANDBOX_TOKEN, Emulator
from sandbox.run import SANDBOX_TOKEN, start_emulator

PG_CTL = Path(__file__).parent / "pg_ctl_as_postgres"
_OWN_TEMP = pytest.StashKey[str]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=("sqlite", "postgresql"),
        default=os.environ.get("TEST_DATABASE", "sqlite"),
        help="the engine every test's database runs on (make test runs both)",
    )


def postgres_binaries() -> bool:
    return bool(shutil.which("pg_ctl") or list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")))


def pytest_configure(config: pytest.Config) -> None:
    """A temporary root of this run's own: pytest keeps only the three newest numbered
    roots, so two runs at once (two engines, two checkouts) would delete each other's
    databases, PostgreSQL's data directory among them, mid-test."""
    if not config.option.basetemp:
        config.option.basetemp = tempfile.mkdtemp(prefix="nastavnik-tests-")
        config.stash[_OWN_TEMP] = config.option.basetemp


def pytest_unconfigure(config: pytest.Config) -> None:
    own = config.stash.get(_OWN_TEMP, None)
    if own:
        shutil.rmtree(own, ignore_errors=True)


def pytest_report_header(config: pytest.Config) -> str:
    return f"database engine: {config.getoption('--database')}"


pg_server = factories.postgresql_proc(executable=str(PG_CTL), host="127.0.0.1", port=None)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database for one test, on the engine the run was asked for."""
    if request.config.getoption("--database") == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
        return
    if not postgres_binaries():
        pytest.skip("PostgreSQL's binaries (pg_ctl) are not on this machine: the PostgreSQL run is skipped")
    proc = request.getfixturevalue("pg_server")
    name = f"t_{uuid.uuid4().hex[:16]}"
    janitor = DatabaseJanitor(
        user=proc.user, host=proc.host, port=proc.port, dbname=name, password=proc.password
    )
    janitor.init()
    try:
        yield f"postgresql+asyncpg://{proc.user}@{proc.host}:{proc.port}/{name}"
    finally:
        janitor.drop()


@pytest.fixture
async def emulator() -> AsyncIterator[tuple[Emulator, str]]:
    emu, runner, url = await start_emulator("127.0.0.1", 0)
    emu.limits.enabled = False  # flow tests switch limits on where they test them
    try:
        yield emu, url
    finally:
        await runner.cleanup()


@pytest.fixture
def settings(emulator: tuple[Emulator, str], database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=SecretStr(SANDBOX_TOKEN),
        telegram_api_url=emulator[1],
        max_bot_token=SecretStr(MAX_SANDBOX_TOKEN),  # one installation serves both faces
        max_api_url=emulator[1] + "/max",
        database_url=database_url,
        throttle_updates=10_000,  # scripted people press faster than any person; test_throttle sets 20
    )


class Running:
    """The bot as a process would run it; ``restart`` stops and starts it on the same DB."""

    def __init__(self, settings: Settings, clock: FakeClock) -> None:
        self.settings = settings
        self.clock = clock
        self.app: App | None = None
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> App:
        self.app = App(self.settings, self.clock)
        await self.app.start()
        self.task = asyncio.create_task(self.app.serve(handle_signals=False))
        await asyncio.sleep(0.05)
        return self.app

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.stop()
            if self.task is not None:
                with suppress(asyncio.CancelledError):
                    await asyncio.wait_for(self.task, 10)
            await self.app.close()
        self.app, self.task = None, None

    async def restart(self) -> App:
        await self.stop()
        return await self.start()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 10, 1, 9, 0))


@pytest.fixture
async def bot(settings: Settings, clock: FakeClock) -> AsyncIterator[Running]:
    running = Running(settings, clock)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
def messenger(request: pytest.FixtureRequest) -> str:
    """Where a test's people are made: Telegram, unless a module runs its flows in both
    (``pytestmark = BOTH_MESSENGERS``)."""
    return str(getattr(request, "param", "telegram"))


BOTH_MESSENGERS = pytest.mark.parametrize("messenger", ["telegram", "max"], indirect=True)

# A test that launches bot processes: each may take up to BOOT (sandbox/client.py) to come
# up on a loaded machine, so the per-test cap (120 s, pyproject.toml) is raised for it.
LAUNCHES_PROCESSES = pytest.mark.timeout(600)


@pytest.fixture
async def client(emulator: tuple[Emulator, str], messenger: str) -> AsyncIterator[SandboxClient]:
    async with SandboxClient(emulator[1], messenger) as c:
        yield c


MakeCurator = Callable[..., Awaitable[Person]]


def bot_id(person: Person) -> int:
    """The id the bot knows a sandbox person by (MAX's ids live in their own band)."""
    return from_max(person.id) if person.messenger == "max" else person.id


@pytest.fixture
def make_curator(client: SandboxClient, settings: Settings) -> MakeCurator:
    """A curator made the way a school's IT person does it: the CLI's `curator add`."""

    async def make(
        name: str = "Татьяна", org: str = "Школа №10", language_code: str = "ru", messenger: str | None = None
    ) -> Person:
        person = await client.person(name, language_code, messenger)
        args = argparse.Namespace(telegram_id=bot_id(person), org=org, tz="Europe/Moscow", name=name)
        await curator_add(settings, args)
        await person.send("/start")
        await person.expect("Вы куратор" if language_code == "ru" else "You are a curator")
        return person

    return make


async def serve_app(app: web.Application) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, runner.addresses[0][1]


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = PATIENCE) -> None:
    """The bot answers inside its handler and commits when the handler returns: a test that
    reads the database after an answer waits for the commit."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the database did not reach the expected state in time")
        await asyncio.sleep(0.02)
