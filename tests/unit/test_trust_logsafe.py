"""The redacting filter: messages, arguments, exceptions and URL-encoded forms."""

from __future__ import annotations

import logging

from bot.logsafe import REDACTED, Redactor

TOKEN = "123456:AAE-secretPart_xyz"


def record(msg: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord("t", logging.INFO, __file__, 1, msg, args, exc_info)


def test_the_token_is_redacted_from_message_args_exceptions_and_urls() -> None:
    r = Redactor()
    r.add(TOKEN)
    try:
        raise RuntimeError(f"GET https://api.telegram.org/bot{TOKEN}/getMe")
    except RuntimeError as e:
        rec = record("call %s failed (%s)", f"/bot{TOKEN.replace(':', '%3A')}/x", "AAE-secretPart_xyz", exc=e)
    assert r.filter(rec)
    text = logging.Formatter().format(rec)
    assert "AAE-secretPart_xyz" not in text and TOKEN not in text
    assert text.count(REDACTED) >= 3 and "RuntimeError" in text


def test_without_secrets_records_pass_untouched() -> None:
    rec = record("hello %s", "world")
    assert Redactor().filter(rec) and rec.getMessage() == "hello world"
