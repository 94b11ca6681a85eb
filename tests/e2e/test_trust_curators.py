"""The curator invite: one use, 72 hours, revocable; the existing curators are told when
someone becomes a curator; every grant is audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.clock import FakeClock, SystemClock
from sandbox.client import Person, SandboxClient
from storage.tables import AuditRow, CuratorRow
from tests.conftest import MakeCurator, Running, eventually
from tests.e2e import flows


async def new_link(curator: Person) -> tuple[str, dict[str, object]]:
    await curator.send("/add_curator")
    message = await curator.expect("Ссылка для нового куратора")
    return flows.LINK.findall(str(message["text"]))[0], message


async def curators(bot: Running) -> set[int]:
    assert bot.app is not None and bot.app.db is not None
    async with bot.app.db.sessions() as s:
        return set(await s.scalars(select(CuratorRow.user_id)))


async def test_a_curator_link_works_once_and_the_curators_are_told(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    first = await make_curator()
    await flows.create_programme(first)
    token, _ = await new_link(first)
    colleague = await client.person("Ольга", username="olga_k")
    await colleague.start(token)
    await colleague.expect("Вы стали куратором организации «Школа №10»")
    notice = await first.expect("Новый куратор организации «Школа №10»", "Ольга (@olga_k)")
    assert "По приглашению: Татьяна" in notice["text"]
    stranger = await client.person("Посторонний")  # the link was forwarded on
    await stranger.start(token)
    await stranger.expect("ссылка-приглашение не работает")
    await stranger.send("/programmes")
    await stranger.expect("только для кураторов")
    assert await curators(bot) == {first.id, colleague.id}
    assert "одноразовая, действует 72 ч" in str(_["text"])
    assert bot.app is not None and bot.app.db is not None
    db = bot.app.db

    async def audited() -> bool:
        async with db.sessions() as s:
            rows = (await s.scalars(select(AuditRow).where(AuditRow.action == "curator.granted"))).all()
        return sorted(r.target or "" for r in rows) == sorted((str(first.id), str(colleague.id)))

    await eventually(audited)  # the CLI's grant and the link's grant, each with who granted it


async def test_a_curator_link_expires_after_72_hours(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    first = await make_curator()
    token, _ = await new_link(first)
    clock.current += timedelta(hours=72, minutes=1)
    late = await client.person("Опоздавший")
    await late.start(token)
    await late.expect("ссылка-приглашение не работает")
    assert await curators(bot) == {first.id}


async def test_a_curator_link_can_be_revoked(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    first = await make_curator()
    token, message = await new_link(first)
    await first.press(message, "Отозвать ссылку")
    edited = await client.edited(message, "Ссылка отозвана", markup=False)
    assert "Ссылка отозвана" in edited["text"] and not edited.get("reply_markup")
    other = await client.person("Получатель")
    await other.start(token)
    await other.expect("ссылка-приглашение не работает")
    assert await curators(bot) == {first.id}


async def test_a_curator_added_from_the_command_line_is_announced_too(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    first = await make_curator()
    second = await make_curator("Пётр")
    clock.current = SystemClock().now() + timedelta(minutes=1)  # the CLI stamps it with real time
    await first.expect("Новый куратор организации «Школа №10»", "Пётр", "из командной строки")
    assert await curators(bot) == {first.id, second.id}
