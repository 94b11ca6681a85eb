"""A thin typed client of MAX's Bot API (https://dev.max.ru): the dozen calls the bot makes,
the token in the ``Authorization`` header, the host and its certificate authority
configurable. Errors come back as ``MaxError`` with MAX's ``code`` and ``message``.

Why our own and not ``maxapi``: the bot needs only these calls, shaped as aiogram methods by
``bot/messengers/max_session.py``; a framework with its own dispatcher, models and polling
loop would be a second bot inside ours, and the adapter would still translate every shape."""

from __future__ import annotations

import json
import ssl
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, FormData, TCPConnector

MAX_API = "https://platform-api2.max.ru"


class MaxError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class MaxNetworkError(Exception):
    pass


def _ssl(ca_file: str | None) -> ssl.SSLContext | bool:
    if ca_file is None:
        return True
    return ssl.create_default_context(cafile=ca_file)


class MaxApi:
    def __init__(self, token: str, base_url: str = MAX_API, ca_file: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": token}
        self._ssl = _ssl(ca_file)
        self._session: ClientSession | None = None

    def _client(self) -> ClientSession:
        if self._session is None or self._session.closed:
            self._session = ClientSession(
                connector=TCPConnector(ssl=self._ssl, limit=100), headers=self._headers
            )
        return self._session

    async def call(
        self,
        verb: str,
        path: str,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        timeout: float = 30.0,
    ) -> dict[str, Any]:
        query = {k: str(v) for k, v in (params or {}).items() if v is not None}
        url = self.base_url + path
        try:
            async with self._client().request(
                verb, url, params=query, json=body, timeout=ClientTimeout(total=timeout)
            ) as resp:
                raw = await resp.read()
                status = resp.status
        except (ClientError, TimeoutError) as exc:
            raise MaxNetworkError(f"{verb} {path}: {type(exc).__name__}") from exc
        return _answer(status, raw)

    async def upload(self, kind: str, filename: str, data: bytes) -> dict[str, Any]:
        """Upload a file (``kind``: image or file); returns the attachment's payload."""
        endpoint = await self.call("POST", "/uploads", {"type": kind})
        form = FormData()
        form.add_field("data", data, filename=filename)
        try:
            async with self._client().post(
                endpoint["url"], data=form, timeout=ClientTimeout(total=120)
            ) as resp:
                result = _answer(resp.status, await resp.read())
        except (ClientError, TimeoutError) as exc:
            raise MaxNetworkError(f"upload: {type(exc).__name__}") from exc
        if "photos" in result:
            return {"photos": result["photos"]}
        token = result.get("token") or endpoint.get("token")
        return {"token": token}

    async def stream(
        self, url: str, headers: dict[str, Any] | None = None, timeout: float = 30, chunk_size: int = 65536
    ) -> AsyncIterator[bytes]:
        """The bytes behind a file URL MAX gave (a person's attachment), in chunks. A session
        of its own: the bot's token is never sent to a file host."""
        try:
            async with (
                ClientSession(connector=TCPConnector(ssl=self._ssl)) as plain,
                plain.get(url, headers=headers, timeout=ClientTimeout(total=timeout)) as resp,
            ):
                resp.raise_for_status()
                async for chunk in resp.content.iter_chunked(chunk_size):
                    yield chunk
        except (ClientError, TimeoutError) as exc:
            raise MaxNetworkError(f"download: {type(exc).__name__}") from exc

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _answer(status: int, raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    if status >= 400:
        raise MaxError(status, str(data.get("code") or status), str(data.get("message") or ""))
    return data
