"""Which targets the configuration enables, and building them: used by the app factory
and by ``warta doctor``, so both always agree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from publisher.files import PublicFiles
from publisher.model import PublishError, Target
from publisher.policy import RetryPolicy, sort_key
from publisher.public_media import PublicMediaFolder
from publisher.renditions import Watermark
from storage.blobs import BlobStore


def target_names(settings: Settings) -> list[str]:
    """The enabled targets, in publishing order (websites first)."""
    names = []
    if settings.site_enabled:
        names.append("site")
    if settings.wordpress_url and settings.wordpress_user and settings.wordpress_app_password:
        names.append("wordpress")
    if settings.channel_id:
        names.append("channel")
    if settings.webhook_url and settings.webhook_secret:
        names.append("webhook")
    return sorted(names, key=sort_key)


def public_files(settings: Settings, blobs: BlobStore) -> PublicFiles:
    mark = None
    if settings.watermark_image is not None:
        mark = Watermark(
            settings.watermark_image,
            corner=settings.watermark_position,
            opacity=settings.watermark_opacity,
            scale=settings.watermark_scale,
        )
    return PublicFiles(blobs, settings.data_dir / "renditions", watermark=mark)


class InstallationId:
    """This installation's id, read from its database the first time it is needed and
    kept: the one row of ``installation`` (``storage.models.Installation``, made by the
    migration ``0004_installation``). Read lazily because the targets are built before
    start-up upgrades the database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._value: str | None = None

    async def __call__(self) -> str:
        if self._value is None:
            async with self._engine.connect() as connection:
                ids = list(
                    (await connection.execute(text("SELECT id FROM installation"))).scalars()
                )
            if len(ids) != 1:
                raise PublishError(
                    f"the database holds {len(ids)} installation ids instead of one "
                    "(table installation)",
                    kind="setup",
                )
            self._value = str(ids[0])
        return self._value


def build_targets(
    settings: Settings,
    bot: Any,
    blobs: BlobStore,
    engine: AsyncEngine,
    files: PublicFiles | None = None,
) -> dict[str, Target]:
    """The configured targets by name. ``bot`` is the PTB bot that posts to the channel;
    ``engine`` reaches the database that holds this installation's id (WordPress marks
    its posts with it); ``files`` makes the public copies, shared with whoever prepares
    them ahead."""
    from publisher.channel import channel_from_settings
    from publisher.static_site import static_site_from_settings
    from publisher.webhook import webhook_from_settings
    from publisher.wordpress import wordpress_from_settings

    files = files or public_files(settings, blobs)
    media = PublicMediaFolder(settings.effective_site_dir, settings.site_url, files)
    built: dict[str, Target | None] = {
        "site": static_site_from_settings(settings, files) if settings.site_enabled else None,
        "wordpress": wordpress_from_settings(settings, files, installation=InstallationId(engine)),
        "channel": channel_from_settings(settings, bot, files),
        "webhook": webhook_from_settings(settings, media),
    }
    targets = {name: target for name, target in built.items() if target is not None}
    missing = set(target_names(settings)) ^ set(targets)
    assert not missing, f"target configuration and factories disagree on {missing}"
    return targets


def retry_policy(settings: Settings) -> RetryPolicy:
    from datetime import timedelta

    return RetryPolicy(
        base=timedelta(seconds=settings.publish_retry_base_seconds),
        cap=timedelta(seconds=settings.publish_retry_max_seconds),
        alert_after=settings.publish_alert_after,
    )
