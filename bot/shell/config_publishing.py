"""The publishing part of the settings (README "Publishing"): the targets, the public
photos' watermark and the outbox's retries. :class:`bot.shell.config.Settings` inherits it, so
every value is still one ``WARTA_*`` variable of the one settings object."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings


class PublishingSettings(BaseSettings):
    # SOP step 7: publish an approved item without waiting for a publisher's tap.
    auto_publish: bool = False
    # Static website: the embedded default target.
    site_enabled: bool = True
    site_dir: Path | None = None  # default: <data dir>/site
    site_url: str = "http://127.0.0.1:8080"  # public address, for feeds and links
    site_title: str = "Warta Kota"
    site_description: str = "Berita dan informasi resmi pemerintah kota"
    site_posts_per_page: int = Field(default=10, gt=0, le=100)
    site_templates_dir: Path | None = None  # an office's own Jinja2 templates
    # An optional logo drawn on every public photo (README "Photos on the website").
    watermark_image: Path | None = None
    watermark_position: Literal[
        "top-left", "top-right", "bottom-left", "bottom-right", "center"
    ] = "bottom-right"
    watermark_opacity: float = Field(default=0.6, gt=0, le=1)
    watermark_scale: float = Field(default=0.18, gt=0, le=1)  # its longest side / photo width
    # WordPress (REST API with an Application Password).
    wordpress_url: str | None = None  # site root, e.g. https://kota.go.id
    wordpress_user: str | None = None
    wordpress_app_password: SecretStr | None = None
    wordpress_status: str = "publish"  # or "draft" to let the webmaster press Publish
    wordpress_create_terms: bool = True  # create missing categories and tags
    wordpress_takedown: str = "draft"  # or "trash"
    # Public Telegram channel the bot is an admin of: @username or -100… id.
    channel_id: str | None = None
    # Webhook: JSON POST signed with HMAC-SHA256 for an office's own CMS.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    # Outbox: retries with exponential backoff, never given up; an alert after N.
    publish_retry_base_seconds: float = Field(default=30, gt=0)
    publish_retry_max_seconds: float = Field(default=1800, gt=0)
    publish_alert_after: int = Field(default=5, gt=0)
    publish_timeout_seconds: float = Field(default=30, gt=0)

    @field_validator("wordpress_status")
    @classmethod
    def _wp_status(cls, value: str) -> str:
        if value not in ("publish", "draft", "pending"):
            raise ValueError("must be 'publish', 'draft' or 'pending'")
        return value

    @field_validator("wordpress_takedown")
    @classmethod
    def _wp_takedown(cls, value: str) -> str:
        if value not in ("draft", "trash"):
            raise ValueError("must be 'draft' or 'trash'")
        return value

    @field_validator("wordpress_url", "webhook_url", "channel_id")
    @classmethod
    def _optional(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("site_url", "wordpress_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")
