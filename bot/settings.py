"""Settings from the environment (and .env). Every field is documented in .env.example."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_API = "https://api.telegram.org"
MAX_API = "https://platform-api2.max.ru"
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
MAX_SECRET = re.compile(r"[A-Za-z0-9_-]{5,256}")  # SubscriptionRequestBody.secret


class Settings(BaseSettings):
    # an empty value (``WEBHOOK_URL=`` as .env.example ships it) means "not set": the default
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    bot_token: SecretStr | None = None
    telegram_api_url: str = TELEGRAM_API
    max_bot_token: SecretStr | None = None  # MAX (dev.max.ru): either token alone also works
    max_api_url: str = MAX_API
    max_ca_file: str | None = None  # a certificate authority to trust for MAX's host (PEM file)
    database_url: str = "sqlite+aiosqlite:///./data/nastavnik.db"
    default_locale: Literal["ru", "en"] = "ru"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8081, ge=1, le=65535)
    webhook_path: str = "/webhook"
    # MAX's webhook: the same server, its own path and secret (sent in X-Max-Bot-Api-Secret)
    max_webhook_path: str = "/max-webhook"
    max_webhook_secret: SecretStr | None = None
    outbox_rate: float = Field(default=28.0, gt=0)  # messages a second, all processes together
    outbox_lease_s: float = Field(default=60.0, gt=0)  # a claim older than this: its worker died
    leader_ttl_s: float = Field(default=15.0, gt=0)  # a leader silent this long is replaced
    # months after a programme is archived until its personal data is anonymised (the
    # school decides; aggregates for reports stay)
    archive_retention_months: int = Field(default=12, ge=1, le=120)
    throttle_updates: int = Field(default=20, ge=1)  # more updates than this from one person...
    throttle_window_s: float = Field(default=10.0, gt=0)  # ...within this window: the rest dropped
    # updates handled at once; the rest wait in order (bot/middlewares.py UnitOfWork)
    updates_in_flight: int = Field(default=8, ge=1, le=1000)
    sandbox_host: str = "127.0.0.1"
    sandbox_port: int = Field(default=8080, ge=0, le=65535)

    @model_validator(mode="before")
    @classmethod
    def _empty_is_unset(cls, data: Any) -> Any:
        """Empty or blank values given directly (not only from the environment) are unset too."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data

    @field_validator("telegram_api_url", "max_api_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError("must be an SQLAlchemy URL such as sqlite+aiosqlite:///./data/bot.db")
        return value

    @field_validator("bot_token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        left, _, right = value.get_secret_value().partition(":")
        if not left.isdigit() or not right:
            raise ValueError("looks wrong: a token is 'digits:letters' as @BotFather gives it")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not SECRET_TOKEN.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("max_webhook_secret")
    @classmethod
    def _max_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not MAX_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("must be 5-256 characters of A-Z, a-z, 0-9, _ and - (MAX's rule)")
        return value

    @field_validator("webhook_path", "max_webhook_path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with /")
        return value

    @model_validator(mode="after")
    def _two_paths(self) -> Settings:
        if self.webhook_path == self.max_webhook_path:
            raise ValueError("WEBHOOK_PATH and MAX_WEBHOOK_PATH must differ (one server takes both)")
        return self

    @field_validator("max_bot_token")
    @classmethod
    def _max_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if any(c.isspace() for c in value.get_secret_value()):
            raise ValueError("looks wrong: a MAX token is one word, as MAX's MasterBot gives it")
        return value

    @property
    def messengers(self) -> tuple[str, ...]:
        """The messengers this installation serves (none: the sandbox serves both)."""
        return tuple(
            name for name, token in (("telegram", self.bot_token), ("max", self.max_bot_token)) if token
        )

    @property
    def webhook_mode(self) -> bool:
        return bool(self.webhook_url)
