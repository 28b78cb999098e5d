"""Operator configuration: ``WARTA_*`` environment variables and an optional ``.env`` file.

Read once, typed, and checked at start-up so a missing or malformed value stops the
bot with a message naming the variable. The token is a ``SecretStr``: it never shows
in ``repr``, logs or error messages.
"""

from __future__ import annotations

import base64
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from bot.core.standards import StepStandard, TimeStandards
from bot.core.working_time import office_week
from bot.shell.config_publishing import PublishingSettings

DEFAULT_CATEGORIES = ("Berita", "Pengumuman", "Kegiatan", "Layanan Publik")
# The largest file a self-hosted Bot API server hands over (Telegram's own file limit).
MAX_DOWNLOAD_MB = 2000
# Operators write PostgreSQL URLs in the forms libpq and most hosting panels use; warta
# talks to PostgreSQL through asyncpg, so those forms are read as asyncpg URLs.
_POSTGRES_SCHEMES = ("postgres://", "postgresql://", "postgresql+asyncpg://")
_SQLITE_SCHEMES = ("sqlite://", "sqlite+aiosqlite://")


class ConfigError(Exception):
    """A configuration problem, phrased for the operator."""


def _split_csv(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, int):
        return [value]
    return value


class Settings(PublishingSettings):
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
    # With Telegram's own server in --local mode, getFile answers a path on that server's
    # disk instead of a download URL; warta then reads the file from there.
    telegram_local_mode: bool = False
    # The public Bot API refuses downloads above 20 MB; a self-hosted server lifts it
    # to 2000 MB, the largest file Telegram itself carries.
    max_download_mb: int = Field(default=20, gt=0, le=MAX_DOWNLOAD_MB)
    album_settle_seconds: float = Field(default=1.0, ge=0)
    poll_timeout: int = Field(default=30, ge=0)
    # Telegram allows a bot about 20 messages a minute in one group; the rate limiter
    # queues anything beyond. Raise only for a Bot API server without that limit.
    group_messages_per_minute: int = Field(default=20, gt=0)
    # Printed at the top of every page of the monthly report (README "Reports").
    office_name: str = "DPMPTSP dan Tenaga Kerja Kota Pangkalpinang"
    sop_number: str = "SOP.WASDA 006/DPMPSTP& NAKER"
    # The office's working time, which the SOP's time standards count (README "Working
    # time"): its week, an optional break, which of Indonesia's holiday categories close
    # it ("public", "government" = cuti bersama), and days closed or opened by decree.
    office_hours: str = "Mon-Thu 07:30-16:00, Fri 07:30-16:30"
    office_break: str = ""
    holidays: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["public", "government"]
    )
    closed_days: Annotated[list[date], NoDecode] = Field(default_factory=list)
    working_days: Annotated[list[date], NoDecode] = Field(default_factory=list)
    # SOP time standards per step, "reminder/late" in working time (README "Working time").
    sla_collecting: str = str(TimeStandards().collecting)
    sla_submitted: str = str(TimeStandards().submitted)
    sla_editing: str = str(TimeStandards().editing)
    sla_review: str = str(TimeStandards().review)
    sla_approved: str = str(TimeStandards().approved)
    # Who hears that a step is late: a chat id (a group, or a person who started the bot);
    # by default the officials' group (for the officials' own step: the admins).
    supervisor_chat: int | None = None
    # Reminders and escalations wait for the office to open, unless this is set.
    remind_outside_hours: bool = False
    # The elapsed-minute standards of earlier versions; refused with the new name, so a
    # configured standard is never ignored in silence.
    sla_collecting_minutes: str | None = None
    sla_submitted_minutes: str | None = None
    sla_editing_minutes: str | None = None
    sla_review_minutes: str | None = None
    sla_approved_minutes: str | None = None

    # --- where originals are kept (see README "Media storage") ---
    # "local" (a folder in the data dir) or "s3" (any S3-compatible object storage;
    # credentials from the standard AWS chain: AWS_ACCESS_KEY_ID, AWS_PROFILE, a role).
    blob_store: str = "local"
    s3_bucket: str | None = None
    s3_prefix: str = ""  # e.g. "warta/": keys under one "folder" of a shared bucket
    s3_endpoint_url: str | None = None  # MinIO and other providers; none for AWS
    s3_region: str | None = None

    @field_validator("office_hours", "office_break")
    @classmethod
    def _week(cls, value: str, info: Any) -> str:
        if info.field_name == "office_hours":
            office_week(value)
        else:
            office_week("Mon 00:00-24:00", value)
        return value

    @field_validator("sla_collecting", "sla_submitted", "sla_editing", "sla_review", "sla_approved")
    @classmethod
    def _standard(cls, value: str) -> str:
        StepStandard.parse(value)
        return value

    @field_validator(
        "sla_collecting_minutes",
        "sla_submitted_minutes",
        "sla_editing_minutes",
        "sla_review_minutes",
        "sla_approved_minutes",
    )
    @classmethod
    def _old_standard(cls, value: str | None, info: Any) -> None:
        if value is None:
            return None
        new = "WARTA_" + str(info.field_name).removesuffix("_minutes").upper()
        raise ValueError(
            f"no longer read: use {new} with a reminder and a late point in working time, "
            "e.g. 1h/3h"
        )

    @field_validator("holidays", mode="before")
    @classmethod
    def _holiday_categories(cls, value: Any) -> Any:
        categories = _split_csv(value)
        if categories in (["none"], ["-"]):
            return []
        known = ("public", "government")
        for category in categories:
            if category not in known:
                raise ValueError(f"unknown holiday category {category!r} (use public, government)")
        return categories

    @field_validator("admin_ids", "categories", "closed_days", "working_days", mode="before")
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

    @field_validator("telegram_token", mode="before")
    @classmethod
    def _blank_token(cls, value: object) -> object:
        # "WARTA_TELEGRAM_TOKEN=" left empty in a settings file means not set yet.
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        scheme = value.split("://", 1)[0] + "://" if "://" in value else ""
        if scheme in _POSTGRES_SCHEMES:
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        if scheme in _SQLITE_SCHEMES:
            return "sqlite+aiosqlite://" + value.split("://", 1)[1]
        if scheme.startswith("postgresql+"):
            raise ValueError(
                "warta talks to PostgreSQL through asyncpg: write postgresql://user:password@"
                "host:5432/warta (the driver part is chosen for you)"
            )
        raise ValueError(
            "must be a PostgreSQL URL (postgresql://user:password@host:5432/warta) or a "
            "SQLite one (sqlite:////absolute/path/warta.sqlite3); leave it unset for the "
            "embedded SQLite file"
        )

    def secret_values(self) -> list[str]:
        """Every configured secret as it could appear in a log line: the token, the
        WordPress application password (as typed, without its spaces, and inside the
        Basic authorization header), the webhook key and the database password."""
        found: list[str] = []
        if self.telegram_token:
            found.append(self.telegram_token.get_secret_value())
        if self.wordpress_app_password:
            password = self.wordpress_app_password.get_secret_value()
            found += [password, password.replace(" ", "")]
            if self.wordpress_user:
                pair = f"{self.wordpress_user}:{password}".encode()
                found.append(base64.b64encode(pair).decode("ascii"))
        if self.webhook_secret:
            found.append(self.webhook_secret.get_secret_value())
        if self.database_url:
            raw = urlsplit(self.database_url).password
            if raw:
                found += [raw, unquote(raw)]
        # A one- or two-letter "secret" would blank out ordinary words in every line.
        return sorted({s for s in found if len(s) >= 4}, key=len, reverse=True)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'warta.sqlite3').resolve()}"

    @field_validator("blob_store")
    @classmethod
    def _blob_store(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in ("local", "s3"):
            raise ValueError('must be "local" or "s3"')
        return value

    @field_validator("s3_bucket", "s3_endpoint_url", "s3_region")
    @classmethod
    def _optional_s3(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("s3_prefix")
    @classmethod
    def _s3_prefix(cls, value: str) -> str:
        # Keys are "<prefix>ab/cd/<sha256>": a prefix is a folder, so it ends with "/".
        value = value.strip().strip("/")
        return f"{value}/" if value else ""

    @field_validator("s3_endpoint_url")
    @classmethod
    def _s3_endpoint(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @model_validator(mode="after")
    def _s3_complete(self) -> Settings:
        if self.blob_store == "s3" and not self.s3_bucket:
            raise ValueError("WARTA_BLOB_STORE=s3 needs WARTA_S3_BUCKET (the bucket's name)")
        return self

    @model_validator(mode="after")
    def _targets_complete(self) -> Settings:
        # A half-configured target would silently publish nowhere (or unsigned): refuse.
        wordpress = (self.wordpress_url, self.wordpress_user, self.wordpress_app_password)
        if any(wordpress) and not all(wordpress):
            raise ValueError(
                "WordPress needs WARTA_WORDPRESS_URL, WARTA_WORDPRESS_USER and "
                "WARTA_WORDPRESS_APP_PASSWORD together"
            )
        if self.webhook_url and not self.webhook_secret:
            raise ValueError(
                "WARTA_WEBHOOK_URL needs WARTA_WEBHOOK_SECRET: deliveries are signed with it "
                "(make one with: python3 -c 'import secrets; print(secrets.token_hex(32))')"
            )
        return self

    @property
    def effective_site_dir(self) -> Path:
        return self.site_dir if self.site_dir is not None else self.data_dir / "site"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def time_standards(self) -> TimeStandards:
        return TimeStandards(
            collecting=StepStandard.parse(self.sla_collecting),
            submitted=StepStandard.parse(self.sla_submitted),
            editing=StepStandard.parse(self.sla_editing),
            review=StepStandard.parse(self.sla_review),
            approved=StepStandard.parse(self.sla_approved),
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
                "or put WARTA_TELEGRAM_TOKEN=<token> in a .env file in this folder (for the\n"
                "systemd service: in /etc/warta/warta.env)."
            )
        return self.telegram_token.get_secret_value().strip()


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning pydantic's report into one line per bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            if not err["loc"]:  # a rule across several variables names them itself
                lines.append(str(err["msg"]).removeprefix("Value error, "))
                continue
            field = str(err["loc"][0])
            message = str(err["msg"]).removeprefix("Value error, ")
            lines.append(f"WARTA_{field.upper()}: {message}")
        raise ConfigError("Invalid configuration:\n  " + "\n  ".join(lines)) from None
