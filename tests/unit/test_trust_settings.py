"""Empty means unset for every optional setting; a webhook secret follows Telegram's rule."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings
from bot.webhook import max_webhook_secret, webhook_secret


def test_empty_values_mean_unset() -> None:
    s = Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token="",
        webhook_url="",
        webhook_secret=" ",
        telegram_api_url="",
        log_level="",
    )
    assert s.bot_token is None and s.webhook_url is None and s.webhook_secret is None
    assert s.telegram_api_url == "https://api.telegram.org" and s.log_level == "INFO"
    assert not s.webhook_mode


def test_empty_environment_values_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WEBHOOK_URL", "WEBHOOK_SECRET", "WEBHOOK_PORT", "DEFAULT_LOCALE"):
        monkeypatch.setenv(name, "")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.webhook_url is None and s.webhook_secret is None
    assert s.webhook_port == 8081 and s.default_locale == "ru"


def test_a_secret_with_characters_telegram_refuses_is_an_error() -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, webhook_secret="пароль с пробелами")  # type: ignore[call-arg]


def test_no_secret_configured_means_a_fresh_strong_one() -> None:
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    first, second = webhook_secret(s), webhook_secret(s)
    assert first != second and len(first) >= 32
    fixed = Settings(_env_file=None, webhook_secret="s3cret-Token_1")  # type: ignore[call-arg]
    assert webhook_secret(fixed) == "s3cret-Token_1"


def test_the_retention_period_is_a_setting_with_a_years_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHIVE_RETENTION_MONTHS", "")
    assert Settings(_env_file=None).archive_retention_months == 12  # type: ignore[call-arg]
    monkeypatch.setenv("ARCHIVE_RETENTION_MONTHS", "36")
    assert Settings(_env_file=None).archive_retention_months == 36  # type: ignore[call-arg]


def test_maxs_webhook_secret_follows_maxs_rule_and_is_fresh_when_unset() -> None:
    for wrong in ("abcd", "пароль-пароль", "a b c d e"):  # MAX wants 5-256 of A-Z a-z 0-9 _ -
        with pytest.raises(ValidationError):
            Settings(_env_file=None, max_webhook_secret=wrong)  # type: ignore[call-arg]
    s = Settings(_env_file=None, max_webhook_secret=" ")  # type: ignore[call-arg]
    assert s.max_webhook_secret is None and s.max_webhook_path == "/max-webhook"
    first, second = max_webhook_secret(s), max_webhook_secret(s)
    assert first != second and len(first) >= 32
    fixed = Settings(_env_file=None, max_webhook_secret="max_Secret-1")  # type: ignore[call-arg]
    assert max_webhook_secret(fixed) == "max_Secret-1"


def test_the_two_webhook_paths_differ_and_are_paths() -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, max_webhook_path="/webhook")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        Settings(_env_file=None, max_webhook_path="max-webhook")  # type: ignore[call-arg]
