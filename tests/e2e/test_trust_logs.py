"""Secrets never reach the logs: the bot runs at DEBUG through 5xx, slow answers, redirect
loops and a refused token, and the whole log holds neither the token nor a participant's name."""

from __future__ import annotations

import asyncio
import io
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.client import BOOT, SandboxClient
from sandbox.emulator import Emulator
from sandbox.run import SANDBOX_TOKEN
from tests.conftest import LAUNCHES_PROCESSES, MakeCurator, Running
from tests.e2e import flows
from tests.e2e.test_cli import ROOT, env

NAME, USERNAME = "Снежана Уникальнова", "snezhana_unik"


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """Everything logged in the process, at DEBUG, formatted with exceptions."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def assert_clean(log: str) -> None:
    secret_tail = SANDBOX_TOKEN.split(":", 1)[1]
    assert SANDBOX_TOKEN not in log and secret_tail not in log, "the bot token is in the log"
    assert "Уникальнова" not in log and USERNAME not in log, "a participant's name is in the log"


async def test_the_debug_log_through_faults_holds_no_token_and_no_name(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, debug_log: io.StringIO
) -> None:
    curator = await make_curator()
    links = await flows.invite_links(curator, await flows.create_programme(curator))
    await client.post(
        "/control/faults", error_rate=0.15, timeout_rate=0.1, timeout_seconds=0.3, redirect_rate=0.15
    )
    kid = await client.person("Снежана", username=USERNAME)
    await flows.register_mentee(kid, links["mentee"], name=NAME, minor_age=None)
    await flows.send_summary(kid)
    await client.post("/control/faults", error_rate=0, timeout_rate=0, redirect_rate=1.0)
    await kid.send("/profile")  # every answer loops on redirects: the handler fails, logged
    await asyncio.sleep(9)  # the retries' backoff runs out
    await client.post("/control/faults", redirect_rate=0)
    await kid.send("/profile")
    await kid.expect(NAME)
    stats = await client.get("/control/stats")
    assert stats["http_5xx"] > 0 and stats["http_3xx"] > 0
    log = debug_log.getvalue()
    assert "TooManyRedirects" in log and "Traceback" in log, "the loops and a failed update were logged"
    assert_clean(log)
    assert "<secret>" in log, "...with the token redacted"


@LAUNCHES_PROCESSES
async def test_a_refused_token_at_start_up_is_not_printed(
    emulator: tuple[Emulator, str], tmp_path: Path
) -> None:
    """Telegram answers 401 to a revoked token: the process stops with a logged error that
    does not repeat the token (the emulator refuses any token but its own)."""
    revoked = "1000001:revoked-Token-Abcdef123"
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=ROOT,
        env=env(
            BOT_TOKEN=revoked,
            TELEGRAM_API_URL=emulator[1],
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
            LOG_LEVEL="DEBUG",
        ),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), BOOT)
    text = out.decode() + err.decode()
    assert proc.returncode == 1, text
    assert "Unauthorized" in text
    assert revoked not in text and "revoked-Token-Abcdef123" not in text
