"""MAX's updates by webhook, for an installation in webhook mode (``WEBHOOK_URL`` set), as
MAX recommends for production: at start the bot subscribes (``POST /subscriptions`` with the
URL, the update types it uses and a secret); MAX then POSTs each update there with the secret
in ``X-Max-Bot-Api-Secret``. The same web server takes Telegram's webhook and MAX's.

A request without the right secret is answered 401 and changes nothing; a body that is not an
update, 400; an update is answered 200 at once and handled in a task, so MAX (which retries
anything but a 200) never sends a slow update twice. MAX serves one of webhook and long polling
at a time: an installation that polls removes every subscription first."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from typing import Any

from aiohttp import web

from bot.messengers import max_convert as conv
from bot.messengers.max_api import MaxApi, MaxError
from bot.messengers.max_updates import MaxUpdates

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Max-Bot-Api-Secret"  # noqa: S105 - a header name, not a secret


def is_update(raw: Any) -> bool:
    """MAX's Update as the schema requires it: an object with its type and timestamp."""
    return (
        isinstance(raw, dict)
        and isinstance(raw.get("update_type"), str)
        and bool(raw["update_type"])
        and isinstance(raw.get("timestamp"), int)
    )


class MaxWebhook:
    def __init__(self, updates: MaxUpdates, secret: str) -> None:
        if not secret:
            raise ValueError("MAX's webhook never runs without a secret")
        self.updates = updates
        self._secret = secret.encode()

    def register(self, app: web.Application, path: str) -> None:
        app.router.add_post(path, self.handle)

    def _trusted(self, request: web.Request) -> bool:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        return secrets.compare_digest(given, self._secret)

    async def handle(self, request: web.Request) -> web.Response:
        if not self._trusted(request):
            return web.json_response({"ok": False, "error": "unauthorized"}, status=401)
        try:
            raw = await request.json()
        except ValueError:
            raw = None
        if not is_update(raw):
            return web.json_response({"ok": False, "error": "not an update"}, status=400)
        self.updates.take_soon(raw)
        return web.json_response({"ok": True})


async def subscriptions(api: MaxApi) -> list[dict[str, Any]]:
    answer = await api.call("GET", "/subscriptions")
    return [s for s in answer.get("subscriptions") or [] if isinstance(s, dict)]


def _succeeded(answer: dict[str, Any], what: str) -> None:
    if answer.get("success") is False:
        raise MaxError(200, what, str(answer.get("message") or ""))


async def unsubscribe(api: MaxApi, url: str) -> None:
    _succeeded(await api.call("DELETE", "/subscriptions", {"url": url}), "unsubscribe")


async def unsubscribe_all(api: MaxApi) -> list[str]:
    """Every subscription removed (long polling works only without one); their URLs."""
    urls = [str(s.get("url")) for s in await subscriptions(api) if s.get("url")]
    for url in urls:
        await unsubscribe(api, url)
    if urls:
        log.info("MAX: webhook subscriptions removed for long polling: %d", len(urls))
    return urls


async def subscribe(api: MaxApi, url: str, secret: str, types: Iterable[str] = conv.USED_TYPES) -> None:
    """MAX sends updates to ``url`` with ``secret``; a subscription at another URL (an old
    address) would get every update too, so it goes first."""
    for old in await subscriptions(api):
        if old.get("url") and old.get("url") != url:
            await unsubscribe(api, str(old["url"]))
    body = {"url": url, "update_types": list(types), "secret": secret}
    _succeeded(await api.call("POST", "/subscriptions", body=body), "subscribe")
