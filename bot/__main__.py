"""Entry point: ``python -m bot [run|migrate|curator add|export|sandbox]``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from bot import logsafe
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.services.links import StartLinks


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        for err in exc.errors():
            name = str(err["loc"][0]).upper() if err["loc"] else "settings"
            print(f"Invalid setting {name}: {err['msg']}", file=sys.stderr)
        raise SystemExit(2) from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description="Наставник: a mentoring bot")
    sub = p.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the bot (the default; with no BOT_TOKEN, the local sandbox)")
    run.add_argument(
        "--role",
        choices=("web", "worker", "all"),
        default="all",
        help="web: answer updates; worker: scheduler and sender (one leader at a time); all: both",
    )
    sub.add_parser("migrate", help="apply database migrations and exit")
    cur = sub.add_parser("curator", help="manage curators")
    cur_sub = cur.add_subparsers(dest="action", required=True)
    add = cur_sub.add_parser("add", help="make a Telegram user a curator of an organisation")
    add.add_argument("telegram_id", type=int)
    add.add_argument("--org", required=True, help='organisation name, e.g. "Школа №10"')
    add.add_argument("--tz", default="Europe/Moscow", help="organisation timezone (IANA name)")
    add.add_argument("--name", default="", help="the curator's name until they write to the bot")
    inv = cur_sub.add_parser("invite", help="print a one-time link that makes whoever opens it a curator")
    inv.add_argument("--org", required=True, help='organisation name, e.g. "Школа №10"')
    inv.add_argument("--tz", default="Europe/Moscow", help="organisation timezone (IANA name)")
    ex = sub.add_parser("export", help="write a report (XLSX, or a ZIP of CSVs) for an organisation")
    ex.add_argument("--org", type=int, default=None, help="organisation id (default: the only one)")
    ex.add_argument("--programme", type=int, default=None, help="only this programme")
    ex.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    ex.add_argument("--lang", default=None, help="column language (default DEFAULT_LOCALE)")
    ex.add_argument("--out", required=True, help="file to write")
    sb = sub.add_parser("sandbox", help="run the bot against the local Telegram emulator")
    sb.add_argument("--demo", action="store_true", help="fill in a demo school")
    sb.add_argument("--port", type=int, default=None, help="web chat port (default SANDBOX_PORT)")
    return p


async def curator_add(settings: Settings, args: argparse.Namespace) -> str:
    from bot.clock import SystemClock
    from bot.services.people import bootstrap_curator
    from storage.db import Database

    try:
        zoneinfo.ZoneInfo(args.tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SystemExit(f"Unknown timezone: {args.tz}") from None
    db = Database(settings.database_url)
    try:
        await db.migrate()
        async with db.unit() as uow:
            now = SystemClock().now()
            org, added = await bootstrap_curator(
                uow, args.telegram_id, args.org.strip(), args.tz, now, args.name
            )
            user = await uow.people.get(args.telegram_id)
            if added and user is not None:  # the other curators hear of it (the bot's outbox sends it)
                from bot.i18n import Translator
                from handlers.join import tell_curators_of_grant

                i18n = Translator(settings.default_locale)
                await tell_curators_of_grant(uow, i18n, now, org, user, None)
        state = "added" if added else "already a curator"
        return f"{args.telegram_id} {state} of «{org.name}» (organisation {org.id}, {org.timezone})"
    finally:
        await db.close()


async def curator_invite(settings: Settings, args: argparse.Namespace) -> str:
    """A one-time «стать куратором» link for the school named (the first curator of another
    school, or of this one, without knowing their Telegram id)."""
    from bot.clock import SystemClock
    from bot.services import owner
    from storage.db import Database

    try:
        zoneinfo.ZoneInfo(args.tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SystemExit(f"Unknown timezone: {args.tz}") from None
    links = await start_links(settings)
    db = Database(settings.database_url)
    try:
        await db.migrate()
        async with db.unit() as uow:
            token = await owner.make(uow, SystemClock().now(), args.org.strip(), args.tz)
    finally:
        await db.close()
    days = owner.LIFETIME.days
    return (
        f"One-time link: whoever opens it becomes a curator of «{args.org.strip()}» ({args.tz}); "
        f"it works once, within {days} days:\n" + "\n".join(url for _, url in links.urls(token))
    )


async def start_links(settings: Settings) -> StartLinks:
    """The bot's username in each messenger (asked of each), or the sandbox bot's with no token."""
    from bot.services.links import StartLinks

    if not settings.messengers:
        from sandbox.emulator import SANDBOX_USERNAME

        return StartLinks(telegram=SANDBOX_USERNAME, max=SANDBOX_USERNAME)
    from bot.app import build_bot
    from bot.app import start_links as ask
    from storage.db import Database
    from storage.message_refs import MessageRefs

    db = Database(settings.database_url)
    bot = build_bot(settings, MessageRefs(db.sessions))
    try:
        return await ask(bot, settings)
    finally:
        await bot.session.close()
        await db.close()


async def export(settings: Settings, args: argparse.Namespace) -> tuple[bytes, str]:
    from bot.clock import SystemClock
    from bot.i18n import Translator
    from bot.services import reports
    from storage.db import Database

    db = Database(settings.database_url)
    try:
        await db.migrate()
        t = Translator(settings.default_locale).get(args.lang or settings.default_locale)
        async with db.unit() as uow:
            org_id = args.org
            if args.programme is not None:
                programme = await uow.programmes.get(args.programme)
                if programme is None:
                    raise SystemExit(f"No programme {args.programme}")
                org_id = programme.organisation_id
            if org_id is None:
                ids = await uow.reports.organisation_ids()
                if len(ids) != 1:
                    raise SystemExit(f"Choose an organisation with --org (there are {len(ids)}: {ids[:20]})")
                org_id = ids[0]
            if await uow.organisations.get(org_id) is None:
                raise SystemExit(f"No organisation {org_id}")
            sheets = await reports.build(uow, t, org_id, SystemClock().now(), args.programme)
        data = reports.to_csv_zip(t, sheets) if args.format == "csv" else reports.to_xlsx(t, sheets)
        rows = sum(len(s.rows) for s in sheets)
        return data, f"wrote {args.out}: {len(sheets)} sheets, {rows} rows, {len(data)} bytes"
    finally:
        await db.close()


async def migrate_only(settings: Settings) -> None:
    from storage.db import Database

    db = Database(settings.database_url)
    try:
        await db.migrate()
    finally:
        await db.close()


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    settings = load_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logsafe.install(
        *(t.get_secret_value() if t else None for t in (settings.bot_token, settings.max_bot_token))
    )
    command = args.command or "run"
    if command == "migrate":
        asyncio.run(migrate_only(settings))
        print("database is up to date")
    elif command == "curator" and args.action == "invite":
        print(asyncio.run(curator_invite(settings, args)))
    elif command == "curator":
        print(asyncio.run(curator_add(settings, args)))
    elif command == "export":
        data, summary = asyncio.run(export(settings, args))
        Path(args.out).write_bytes(data)
        print(summary)
    elif command == "sandbox" or (command == "run" and not settings.messengers):
        from sandbox.run import run_sandbox

        demo = getattr(args, "demo", False)
        port = getattr(args, "port", None)
        asyncio.run(run_sandbox(settings, demo=demo, port=port))
    else:
        from bot.app import run

        try:
            asyncio.run(run(settings, role=getattr(args, "role", "all")))
        except Exception:  # through the log, so the token in an error's URL is redacted
            logging.getLogger("bot").exception("the bot stopped on an error")
            raise SystemExit(1) from None


if __name__ == "__main__":
    main()
