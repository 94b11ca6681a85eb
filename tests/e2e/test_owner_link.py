"""The first curator without a terminal: the owner's one-time «стать куратором» link,
printed at start while the installation has no curator, or made by `curator invite`."""

from __future__ import annotations

import asyncio
import json
import re
import sys

from sqlalchemy import select

from bot.settings import Settings
from sandbox.client import BOOT, SandboxClient
from storage.tables import CuratorRow, KvRow, OrganisationRow
from tests.conftest import LAUNCHES_PROCESSES, Running
from tests.e2e import flows
from tests.e2e.test_first_hour import ROOT, env

LINK = re.compile(r"https://t\.me/nastavnik_sandbox_bot\?start=(owner_[\w-]+)")


async def test_the_start_up_link_makes_the_first_curator_once(bot: Running, client: SandboxClient) -> None:
    assert bot.app is not None and bot.app.db is not None and bot.app.owner_link
    token = LINK.fullmatch(bot.app.owner_link)
    assert token, bot.app.owner_link
    owner = await client.person("Ольга")
    await owner.start(bot.app.owner_link)  # the whole link, pasted
    await owner.expect("одноразовая ссылка «стать куратором»")
    await owner.expect("Как называется ваша школа")
    await owner.send("/help")  # a command in the middle of the dialogue is still a command
    await owner.expect("Что я умею")
    await owner.send("Ш")
    await owner.expect("от 2 до 200 символов")
    await owner.send("Школа   №7 <Курск>")
    zones = await owner.expect("«Школа №7 <Курск>»: в каком часовом поясе")
    await owner.press(zones, "Самара")
    await owner.expect("Готово: вы куратор «Школа №7 <Курск>» (часовой пояс: Самара)", "/new_programme")
    answered = await client.edited(zones, "→ Самара", markup=False)
    assert answered["text"].endswith("→ Самара") and "reply_markup" not in answered
    card = await flows.create_programme(owner)  # the new curator's path goes on
    assert "Этап 1 из 7" in card["text"]

    thief = await client.person("Посторонний")
    await thief.start(token.group(1))  # the same link again: spent
    await thief.expect("уже использована или устарела")
    await thief.send("/programmes")
    await thief.expect("только для кураторов")
    async with bot.app.db.sessions() as s:
        row = (await s.scalars(select(KvRow).where(KvRow.key.startswith("owner_invite:")))).one()
        assert token.group(1) not in row.key + row.value  # only a hash of the secret is kept
        assert json.loads(row.value)["used_by"] == owner.id
        org = (await s.scalars(select(OrganisationRow))).one()
        assert (org.name, org.timezone) == ("Школа №7 <Курск>", "Europe/Samara")
        assert list(await s.scalars(select(CuratorRow.user_id))) == [owner.id]
    app = await bot.restart()
    assert app.owner_link is None  # the school has its curator: no link at start any more


async def test_an_old_start_up_link_dies_when_someone_became_curator(
    bot: Running, client: SandboxClient
) -> None:
    assert bot.app is not None and bot.app.owner_link
    old = bot.app.owner_link
    app = await bot.restart()  # a second start before anyone used it: a second link
    assert app.owner_link and app.owner_link != old
    first = await client.person("Первая")
    await first.start(app.owner_link)
    await first.send("Лицей №1")
    await first.press(await first.expect("часовом поясе"), "Москва")
    await first.expect("Готово: вы куратор «Лицей №1»")
    second = await client.person("Второй")
    await second.start(old)
    await second.expect("уже использована или устарела")


@LAUNCHES_PROCESSES
async def test_curator_invite_makes_a_link_for_a_named_school(
    bot: Running, client: SandboxClient, settings: Settings
) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "curator",
        "invite",
        "--org",
        "Гимназия №2",
        "--tz",
        "Asia/Yekaterinburg",
        cwd=ROOT,
        env=env(DATABASE_URL=settings.database_url, LOG_LEVEL="WARNING"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), BOOT)
    assert proc.returncode == 0, err.decode()
    found = LINK.search(out.decode())
    assert found and "works once" in out.decode(), out.decode()
    head = await client.person("Галина")
    await head.start(found.group(0))
    await head.expect("Готово: вы куратор «Гимназия №2» (часовой пояс: Екатеринбург)")
    await head.send("/start")
    await head.expect("Вы куратор")
    other = await client.person("Другая")
    await other.start(found.group(1))
    await other.expect("уже использована или устарела")
    bad = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "curator", "invite", "--org", "X", "--tz", "Mars/Olympus",
        cwd=ROOT, env=env(DATABASE_URL=settings.database_url), stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(bad.communicate(), 60)
    assert bad.returncode == 1 and "Unknown timezone: Mars/Olympus" in err.decode()
