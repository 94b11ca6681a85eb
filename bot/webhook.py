"""Webhook mode never runs open: every request must carry the secret Telegram (or MAX) was
given."""

from __future__ import annotations

import secrets

from aiogram import Bot
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from pydantic import SecretStr

from bot.settings import Settings


def webhook_secret(settings: Settings) -> str:
    """The configured secret, or a strong one made for this run (registered with setWebhook,
    so Telegram sends it; it changes at every start and is never written anywhere)."""
    return _configured_or_fresh(settings.webhook_secret)


def max_webhook_secret(settings: Settings) -> str:
    """The same for MAX's webhook: ``MAX_WEBHOOK_SECRET``, or a strong one made for this run
    (given to MAX with the subscription, sent back in ``X-Max-Bot-Api-Secret``)."""
    return _configured_or_fresh(settings.max_webhook_secret)


def _configured_or_fresh(configured: SecretStr | None) -> str:
    if configured is not None and configured.get_secret_value():
        return configured.get_secret_value()
    return secrets.token_urlsafe(32)


class ClosedRequestHandler(SimpleRequestHandler):
    """aiogram's handler lets every request through when its secret is empty; this one
    answers 401 to a request without the secret whatever it was built with."""

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        expected = self.secret_token or ""
        return bool(expected) and secrets.compare_digest(telegram_secret_token, expected)
