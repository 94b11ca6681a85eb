"""An async client of the emulator's control API, for tests and benchmarks: it acts
as people (send, press, open a link) and reads what the bot answered."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession

# How long a test waits for the bot before it calls the bot silent. A passing test never
# waits this long (every wait ends as soon as the bot's answer lands), so the budget is set
# for a CI machine whose cores are busy with other work, not for a quiet laptop.
PATIENCE = 30.0
# How long a bot process a test launches may take to come up and answer (or finish, for a
# CLI command): importing aiogram's types alone is about 1 s of CPU on a quiet machine and
# was 15-45 s on two cores shared with other work.
BOOT = 180.0


class SandboxError(AssertionError):
    pass


@dataclass
class Person:
    id: int
    name: str
    client: SandboxClient
    seen: dict[int, int] = field(default_factory=dict)  # chat id -> the last message id read
    messenger: str = "telegram"  # or "max": the same calls drive either face

    async def send(self, text: str, chat_id: int | None = None) -> None:
        await self.client.post("/control/send", user_id=self.id, text=text, chat_id=chat_id or self.id)

    async def sticker(self) -> None:
        await self.client.post("/control/send", user_id=self.id, sticker=True)

    async def start(self, payload: str = "") -> None:
        await self.client.post("/control/start", user_id=self.id, payload=payload)

    async def reply(self, timeout: float = PATIENCE, chat_id: int | None = None) -> dict[str, Any]:
        """The next message the bot sends to this person (in order)."""
        chat = chat_id or self.id
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            wait = min(5.0, max(0.1, deadline - time.monotonic()))
            found = await self.client.get(
                "/control/messages", chat_id=chat, after=self.seen.get(chat, 0), wait=wait
            )
            for m in found:
                self.seen[chat] = max(self.seen.get(chat, 0), m["message_id"])
                if m["from_bot"]:
                    return dict(m)
        raise SandboxError(f"{self.name}: no answer from the bot within {timeout}s")

    async def expect(
        self, *fragments: str, timeout: float = PATIENCE, chat_id: int | None = None
    ) -> dict[str, Any]:
        """Read bot messages until one contains every fragment; fail on timeout."""
        deadline = time.monotonic() + timeout
        seen_texts: list[str] = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SandboxError(f"{self.name}: expected {fragments!r}, got {seen_texts!r}")
            try:
                m = await self.reply(left, chat_id)
            except SandboxError:
                raise SandboxError(f"{self.name}: expected {fragments!r}, got {seen_texts!r}") from None
            text = m.get("text") or m.get("caption") or ""
            seen_texts.append(text[:300])
            if all(f in text for f in fragments):
                return m

    async def press(
        self, message: dict[str, Any], label: str, timeout: float = PATIENCE
    ) -> dict[str, Any] | None:
        """Press the button whose text contains ``label``; returns the callback answer. The
        button may come with an edit the bot makes after answering an earlier press (a list
        that opens into its fields): it is waited for, as a person waits for the screen."""
        deadline = time.monotonic() + timeout
        while True:
            current = await self.client.message(message["chat_id"], message["message_id"])
            try:
                data = button_data(current, label)
            except SandboxError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.02)
                continue
            return await self.press_data(current, data, timeout)

    async def press_data(
        self, message: dict[str, Any], data: str, timeout: float = PATIENCE
    ) -> dict[str, Any] | None:
        res = await self.client.post(
            "/control/press",
            user_id=self.id,
            chat_id=message["chat_id"],
            message_id=message["message_id"],
            data=data,
        )
        answer: dict[str, Any] | None = await self.client.get(
            f"/control/callback/{res['callback_query_id']}", wait=timeout
        )
        if answer is None:
            raise SandboxError(f"{self.name}: the bot did not answer the button {data!r}")
        return answer


def button_data(message: dict[str, Any], label: str) -> str:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    labels = []
    for row in rows:
        for button in row:
            labels.append(button["text"])
            if label in button["text"]:
                return str(button["callback_data"])
    raise SandboxError(f"no button {label!r} among {labels!r} in {message.get('text', '')[:200]!r}")


class SandboxClient:
    """``messenger``: where new people and groups are made unless a call says otherwise
    (the end-to-end tests run their main flows once per messenger)."""

    def __init__(self, base_url: str, messenger: str = "telegram") -> None:
        self.base_url = base_url.rstrip("/")
        self.messenger = messenger
        self._http: ClientSession | None = None

    async def __aenter__(self) -> SandboxClient:
        self._http = ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._http is not None:
            await self._http.close()

    async def _call(self, method: str, path: str, **kw: Any) -> Any:
        assert self._http is not None
        async with self._http.request(method, self.base_url + path, **kw) as resp:
            if resp.status != 200:
                raise SandboxError(f"{method} {path}: HTTP {resp.status} {await resp.text()}")
            body = await resp.json()
            return body["result"]

    async def get(self, path: str, **query: Any) -> Any:
        return await self._call("GET", path, params={k: str(v) for k, v in query.items()})

    async def post(self, path: str, **data: Any) -> Any:
        return await self._call("POST", path, json=data)

    async def person(
        self, name: str, language_code: str = "ru", messenger: str | None = None, **extra: Any
    ) -> Person:
        """A new person in the client's messenger, or in the one named (``messenger="max"``)."""
        messenger = messenger or self.messenger
        user = await self.post(
            "/control/users", first_name=name, language_code=language_code, messenger=messenger, **extra
        )
        return Person(int(user["id"]), name, self, messenger=messenger)

    async def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        for m in await self.get("/control/messages", chat_id=chat_id, after=message_id - 1):
            if m["message_id"] == message_id:
                return dict(m)
        raise SandboxError(f"message {message_id} not found in chat {chat_id}")

    async def edited(
        self,
        message: dict[str, Any],
        *fragments: str,
        markup: bool | None = None,
        button: str | None = None,
        timeout: float = PATIENCE,
    ) -> dict[str, Any]:
        """The message once the bot's edit has landed: its text holds every fragment, (when
        ``markup`` is given) it has or has no buttons, (when ``button`` is) a button's label
        holds that text. The bot answers a press before it edits
        the message, so a test reading the message right after the answer may see the old one."""
        chat_id, message_id = int(message["chat_id"]), int(message["message_id"])
        deadline = time.monotonic() + timeout
        while True:
            current = await self.message(chat_id, message_id)
            text = current.get("text") or current.get("caption") or ""
            rows = (current.get("reply_markup") or {}).get("inline_keyboard") or []
            labels = [b["text"] for row in rows for b in row]
            if (
                all(f in text for f in fragments)
                and (markup is None or bool(labels) == markup)
                and (button is None or any(button in label for label in labels))
            ):
                return current
            if time.monotonic() > deadline:
                raise SandboxError(f"message {message_id} never became {fragments!r}: {text[:300]!r}")
            await asyncio.sleep(0.02)

    async def file(self, file_id: str) -> bytes:
        """The bytes of a photo or document the bot sent."""
        assert self._http is not None
        async with self._http.get(f"{self.base_url}/control/files/{file_id}") as resp:
            if resp.status != 200:
                raise SandboxError(f"file {file_id}: HTTP {resp.status}")
            return await resp.read()

    async def wait_for(self, predicate: Any, timeout: float = PATIENCE) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if await predicate():
                return
            await asyncio.sleep(0.05)
        raise SandboxError("condition not met in time")
