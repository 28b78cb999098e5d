"""The one wiring place: every use case, store and publishing target built from the
settings. The app factory, the command line and ``warta doctor`` all build here, so they
agree; nothing outside the shell reads the settings (the targets in ``publisher`` are
handed their values, the handlers see :class:`bot.usecases.services.OfficeSettings`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.core.i18n import Translator
from bot.core.publish_policy import RetryPolicy, sort_key
from bot.core.standards import StepClock
from bot.ports.blobs import BlobStore
from bot.ports.targets import PublishError, Target
from bot.shell.config import ConfigError, Settings
from bot.shell.office_calendar import office_calendar
from bot.shell.report_files import ReportRenderer
from bot.usecases.archive import MonthArchives
from bot.usecases.chats import ChatService
from bot.usecases.downloads import Originals
from bot.usecases.drafts import DraftService
from bot.usecases.items import ItemService
from bot.usecases.outbox import Outbox
from bot.usecases.people import PeopleService
from bot.usecases.remind import ReminderSweep
from bot.usecases.report import MonthlyReports
from bot.usecases.services import Services, Work, utc_now
from handlers.sender import Sender, pace_for
from publisher.archive_copies import ArchiveCopies
from publisher.files import PublicFiles
from publisher.public_media import PublicMediaFolder
from publisher.renditions import Watermark
from storage.audit import ChainStore
from storage.blob_stores import blob_store
from storage.card_facts import read_card_facts
from storage.chats import SqlChats
from storage.db import make_sessions
from storage.deliveries import Deliveries
from storage.drafts import SqlDraftWork
from storage.file_checks import check_file
from storage.items import SqlItemWork
from storage.outgoing import OutgoingStore
from storage.people import SqlPeopleWork
from storage.publications import PublicationStore
from storage.records import SqlRecords
from storage.units import units
from storage.work import SqlAbsenceWork, SqlOriginalsWork, SqlQueueWork, SqlReminderWork

if TYPE_CHECKING:
    from telegram import Bot

    from publisher.channel import TelegramChannel
    from publisher.static_site import StaticSite
    from publisher.webhook import Webhook
    from publisher.wordpress import WordPress
    from publisher.wordpress.scope import InstallationSource


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


def static_site_from_settings(settings: Settings, files: PublicFiles) -> StaticSite:
    """The site as the operator configured it (``WARTA_SITE_*``).

    Its words stay in Indonesian (the default ``language``): ``WARTA_DEFAULT_LANGUAGE``
    is the bot's language for the office's staff, not the public's.
    """
    from publisher.static_site import StaticSite

    site_dir = settings.effective_site_dir
    return StaticSite(
        site_dir,
        PublicMediaFolder(site_dir, settings.site_url, files),
        base_url=settings.site_url,
        title=settings.site_title,
        description=settings.site_description,
        per_page=settings.site_posts_per_page,
        timezone=ZoneInfo(settings.timezone),
        templates_dir=settings.site_templates_dir,
    )


def wordpress_from_settings(
    settings: Settings,
    files: PublicFiles,
    *,
    installation: str | InstallationSource | None = None,
) -> WordPress | None:
    """The WordPress target when its address, user and application password are all
    set, else None. ``installation`` is this installation's id or what reads it (see
    :class:`WordPress`)."""
    # The same test as ``target_names``, so the two always agree.
    from publisher.wordpress import WordPress

    if not (settings.wordpress_url and settings.wordpress_user and settings.wordpress_app_password):
        return None
    return WordPress(
        settings.wordpress_url,
        settings.wordpress_user.strip(),
        settings.wordpress_app_password.get_secret_value(),
        files,
        installation=installation,
        status=settings.wordpress_status,
        create_terms=settings.wordpress_create_terms,
        takedown=settings.wordpress_takedown,
        timeout=settings.publish_timeout_seconds,
    )


def channel_from_settings(
    settings: Settings, bot: Bot, files: PublicFiles
) -> TelegramChannel | None:
    """The channel target when ``WARTA_CHANNEL_ID`` is set, else None.

    Its words stay in Indonesian (the default ``language``): ``WARTA_DEFAULT_LANGUAGE``
    is the bot's language for the office's staff, not the public's.
    """
    from publisher.channel import TelegramChannel, normalize_channel_id

    if not settings.channel_id:
        return None
    return TelegramChannel(
        bot,
        normalize_channel_id(settings.channel_id),
        files,
        timeout=settings.publish_timeout_seconds,
    )


def webhook_from_settings(settings: Settings, media: PublicMediaFolder) -> Webhook | None:
    """The webhook target when ``WARTA_WEBHOOK_URL`` is set, else None."""
    from publisher.webhook import Webhook

    if not settings.webhook_url:
        return None
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not secret.strip():
        raise ConfigError(
            "WARTA_WEBHOOK_SECRET is not set. Webhook deliveries are signed with it so the\n"
            "receiver can tell they come from warta; generate one, e.g.\n"
            "  python3 -c 'import secrets; print(secrets.token_hex(32))'\n"
            "and give the same value to the receiving system."
        )
    return Webhook(
        settings.webhook_url,
        secret.strip(),
        media,
        timeout=settings.publish_timeout_seconds,
    )


# --- The use cases -----------------------------------------------------------


def blobs_for(settings: Settings) -> BlobStore:
    """Where the originals are kept, as configured (WARTA_BLOB_STORE)."""
    return blob_store(
        settings.blob_store,
        settings.media_dir,
        settings.data_dir / "tmp",
        bucket=settings.s3_bucket,
        prefix=settings.s3_prefix,
        endpoint_url=settings.s3_endpoint_url,
        region=settings.s3_region,
    )


def build_services(
    settings: Settings,
    engine: AsyncEngine,
    clock: Callable[[], datetime] = utc_now,
    blobs: BlobStore | None = None,
    files: PublicFiles | None = None,
) -> Services:
    """The handlers' bundle. ``blobs`` and ``files``: the app's own, so that one store
    and one maker of public copies serve the bot, the outbox and the archive."""
    sessions = make_sessions(engine)
    zone = ZoneInfo(settings.timezone)
    calendar = office_calendar(settings)
    steps = StepClock(settings.time_standards, calendar)
    blobs = blobs or blobs_for(settings)
    drafts = DraftService(units(sessions, SqlDraftWork), steps, settings.code_prefix, zone)
    reports = month_reports(settings, sessions)
    services = Services(
        settings=settings,
        people=people_service(settings, sessions),
        items=ItemService(
            units(sessions, SqlItemWork),
            steps,
            settings.categories,
            publish_targets=target_names(settings),
        ),
        drafts=drafts,
        chats=ChatService(SqlChats(sessions)),
        blobs=blobs,
        t=Translator(settings.default_language),
        zone=zone,
        chain=ChainStore(engine),
        originals=Originals(blobs, check_file, units(sessions, SqlOriginalsWork), drafts),
        work=Work(
            queue=units(sessions, SqlQueueWork),
            absences=units(sessions, SqlAbsenceWork),
            originals=units(sessions, SqlOriginalsWork),
        ),
        clock=clock,
        reminders=ReminderSweep(
            units(sessions, SqlReminderWork),
            calendar,
            supervisor=settings.supervisor_chat,
            any_hour=settings.remind_outside_hours,
        ),
        reports=reports,
        archives=month_archives(settings, sessions, blobs, reports, files),
    )
    return services


def people_service(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> PeopleService:
    return PeopleService(
        units(sessions, SqlPeopleWork),
        settings.admin_ids,
        timedelta(hours=settings.invite_ttl_hours),
        settings.default_language,
    )


def month_reports(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> MonthlyReports:
    return MonthlyReports(
        SqlRecords(sessions),
        StepClock(settings.time_standards, office_calendar(settings)),
        Translator(settings.default_language),
        ReportRenderer(),
        folder=settings.data_dir / "reports",
        office=settings.office_name,
        sop=settings.sop_number,
    )


def month_archives(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    blobs: BlobStore,
    reports: MonthlyReports | None = None,
    files: PublicFiles | None = None,
) -> MonthArchives:
    return MonthArchives(
        SqlRecords(sessions),
        blobs,
        reports or month_reports(settings, sessions),
        # The same public files as the outbox's, where the bot has them: one maker.
        ArchiveCopies(files or public_files(settings, blobs)),
        folder=settings.data_dir / "archive",
        office=settings.office_name,
        sop=settings.sop_number,
    )


def build_outbox(
    settings: Settings,
    bot: Bot,
    blobs: BlobStore,
    engine: AsyncEngine,
    files: PublicFiles,
    clock: Callable[[], datetime],
) -> Outbox:
    """The outbox worker with every enabled target."""
    return Outbox(
        PublicationStore(make_sessions(engine)),
        build_targets(settings, bot, blobs, engine, files),
        retry_policy(settings),
        clock,
    )


def build_sender(settings: Settings, engine: AsyncEngine, clock: Callable[[], datetime]) -> Sender:
    """The durable sender, paced per chat."""
    sessions = make_sessions(engine)
    return Sender(
        OutgoingStore(sessions),
        Deliveries(sessions),
        partial(read_card_facts, sessions),
        pace_for(settings.group_messages_per_minute),
        clock,
    )
