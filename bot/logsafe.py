"""Secrets never reach the logs: the bot token (and the webhook secret) are redacted from
every log record, its message, arguments, exception and stack text, whatever logger or
handler it goes to; SQL statements' parameters and rows are never logged.

Installed once per process (idempotent) by the entry point and by ``App.start``: a record
factory runs the redacting filter on each record when it is made, so handlers added later
(a test's, a file's) see only redacted text."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

REDACTED = "<secret>"
QUIET = ("sqlalchemy.engine", "sqlalchemy.pool", "aiosqlite")  # SQL, parameters, rows, connections


class Redactor(logging.Filter):
    """Replaces each known secret (and its URL-encoded form) in a record by ``<secret>``."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: list[str] = []
        self._formatter = logging.Formatter()

    def add(self, secret: str) -> None:
        forms = {secret, quote(secret, safe=""), quote(secret)}
        if ":" in secret:  # a bot token: its part after the colon is the secret proper
            forms.add(secret.split(":", 1)[1])
        for form in forms:
            if len(form) >= 6 and form not in self.secrets:
                self.secrets.append(form)
        self.secrets.sort(key=len, reverse=True)  # the whole token before its tail

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: keep its parts, redacted, rather than fail
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


REDACTOR = Redactor()
_installed = False


def install(*secrets: str | None) -> Redactor:
    """Redact these secrets from every log record from now on; silence SQL logging."""
    global _installed
    for secret in secrets:
        if secret:
            REDACTOR.add(secret)
    if not _installed:
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            REDACTOR.filter(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
    for name in QUIET:  # even at LOG_LEVEL=DEBUG: statements carry names in their parameters
        logging.getLogger(name).setLevel(logging.WARNING)
    return REDACTOR
