"""Operator configuration: ``WARTA_*`` environment variables and an optional ``.env`` file.

Read once, typed, and checked at start-up so a missing or malformed value stops the
bot with a message naming the variable. The token is a ``SecretStr``: it never shows
in ``repr``, logs or error messages.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.workflow import TimeStandards

DEFAULT_CATEGORIES = ("Berita", "Pengumuman", "Kegiatan", "Layanan Publik")


class ConfigError(Exception):
    """A configuration problem, phrased for the operator."""


def _split_csv(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, int):
        return [value]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="WARTA_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        hide_input_in_errors=True,
    )

    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str = "https://api.telegram.org/file/bot"
    data_dir: Path = Path("./data")
    # May hold a password: kept out of repr.
    database_url: str | None = Field(default=None, repr=False)
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)

    # Everything below is optional and documented in the README.
    default_language: str = "id"
    code_prefix: str = "PKP"
    timezone: str = "Asia/Jakarta"
    categories: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_CATEGORIES)
    )
    invite_ttl_hours: float = Field(default=72, gt=0)
    # The public Bot API refuses downloads above 20 MB; a self-hosted server lifts it.
    max_download_mb: int = Field(default=20, gt=0)
    album_settle_seconds: float = Field(default=1.0, ge=0)
    poll_timeout: int = Field(default=30, ge=0)
    # Telegram allows a bot about 20 messages a minute in one group; the rate limiter
    # queues anything beyond. Raise only for a Bot API server without that limit.
    group_messages_per_minute: int = Field(default=20, gt=0)
    # SOP time standards (minutes); defaults are the SOP's upper bounds.
    sla_collecting_minutes: int = Field(default=24 * 60, gt=0)
    sla_submitted_minutes: int = Field(default=180, gt=0)
    sla_editing_minutes: int = Field(default=180, gt=0)
    sla_review_minutes: int = Field(default=60, gt=0)
    sla_approved_minutes: int = Field(default=15, gt=0)

    @field_validator("admin_ids", "categories", mode="before")
    @classmethod
    def _csv(cls, value: Any) -> Any:
        return _split_csv(value)

    @field_validator("default_language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in ("id", "en"):
            raise ValueError("must be 'id' or 'en'")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone (use a name such as Asia/Jakarta)") from None
        return value

    @field_validator("code_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not value.isalnum() or len(value) > 8:
            raise ValueError("must be 1-8 letters or digits")
        return value.upper()

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'warta.sqlite3').resolve()}"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def time_standards(self) -> TimeStandards:
        return TimeStandards(
            collecting=timedelta(minutes=self.sla_collecting_minutes),
            submitted=timedelta(minutes=self.sla_submitted_minutes),
            editing=timedelta(minutes=self.sla_editing_minutes),
            review=timedelta(minutes=self.sla_review_minutes),
            approved=timedelta(minutes=self.sla_approved_minutes),
        )

    @property
    def max_download_bytes(self) -> int:
        return self.max_download_mb * 1024 * 1024

    def token(self) -> str:
        if self.telegram_token is None or not self.telegram_token.get_secret_value().strip():
            raise ConfigError(
                "WARTA_TELEGRAM_TOKEN is not set.\n"
                "Create a bot with @BotFather in Telegram (send /newbot, choose a name and a\n"
                "username ending in 'bot'), copy the token it gives you, then run:\n"
                "  export WARTA_TELEGRAM_TOKEN='<the token from BotFather>'\n"
                "or put WARTA_TELEGRAM_TOKEN=<token> in a .env file in this folder."
            )
        return self.telegram_token.get_secret_value().strip()


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning pydantic's report into one line per bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "?"
            lines.append(f"WARTA_{field.upper()}: {err['msg']}")
        raise ConfigError("Invalid configuration:\n  " + "\n  ".join(lines)) from None
