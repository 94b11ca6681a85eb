"""MAX's updates by long polling (``GET /updates`` with a marker), for an installation
without ``WEBHOOK_URL``: MAX serves one of webhook and long polling at a time, so any
subscription is removed first (``bot/messengers/max_webhook.py``)."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from bot.messengers import max_convert as conv
from bot.messengers.max_api import MaxApi, MaxError, MaxNetworkError
from bot.messengers.max_updates import MaxUpdates

log = logging.getLogger(__name__)


class MaxPolling:
    def __init__(self, api: MaxApi, updates: MaxUpdates, timeout: int = 30) -> None:
        self.api = api
        self.updates = updates
        self.timeout = timeout
        self._stop = asyncio.Event()

    async def run(self) -> None:
        marker: int | None = None
        backoff = 1.0
        while not self._stop.is_set():
            try:
                answer = await self.api.call(
                    "GET",
                    "/updates",
                    {
                        "marker": marker,
                        "timeout": self.timeout,
                        "limit": 100,
                        "types": ",".join(conv.USED_TYPES),
                    },
                    timeout=self.timeout + 10,
                )
            except (MaxError, MaxNetworkError) as exc:
                log.warning("MAX updates: %s; again in %.0fs", exc, backoff)
                await self._sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            backoff = 1.0
            marker = answer.get("marker", marker)
            for raw in answer.get("updates") or []:
                update = await self.updates.convert(raw)  # in order: ids resolved, then handled
                if update is not None:
                    self.updates.feed_soon(update)

    async def _sleep(self, seconds: float) -> None:
        with suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    async def stop(self) -> None:
        self._stop.set()
        await self.updates.stop()
