"""A received file's original brought in: fetched, checked from its bytes, stored in the
blob store and recorded, or refused (not a kind warta takes, or the same as a file the
item has). A failed fetch is counted and tried again by the download sweep; after
:data:`REPORT_AFTER` failures the caller tells the IT team once."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from bot.core.values import Media
from bot.ports.blobs import BlobStore, BlobStoreError
from bot.ports.downloads import Fetch, FetchFailed
from bot.ports.file_checks import FileCheck, FileRefused
from bot.ports.originals import OriginalsWork
from bot.ports.units import Units
from bot.usecases.drafts import DraftService
from bot.usecases.originals import keep_original, refuse_original

log = logging.getLogger(__name__)

# Failed downloads of one file before the log group hears of it (once).
REPORT_AFTER = 5


@dataclass(frozen=True)
class Fetched:
    kept: bool
    # The chats that got rows (a refusal's notice and card redraws), to wake.
    wake: tuple[int, ...] = ()
    # The download failed for the REPORT_AFTER-th time: how often, and why (the kind).
    stuck: tuple[int, str] | None = None


@dataclass(frozen=True)
class Originals:
    """What bringing originals in needs, built by the wiring."""

    blobs: BlobStore
    check_file: FileCheck
    units: Units[OriginalsWork]
    drafts: DraftService


async def bring_in(originals: Originals, fetch: Fetch, media: Media, now: datetime) -> Fetched:
    blobs = originals.blobs
    target = blobs.new_temp_path()
    try:
        await fetch(media, target)
        # What it is, from its bytes: a file warta cannot take leaves the item now,
        # not at publishing.
        checked = await asyncio.to_thread(originals.check_file, target, media.kind, media.mime_type)
        ref = await blobs.put_file(target)
    except FileRefused as refused:
        target.unlink(missing_ok=True)
        log.info("media %s refused: %s", media.id, refused.reason)
        chats = await refuse_original(originals.units, media.id, refused.key, refused.params, now)
        return Fetched(kept=False, wake=chats)
    except (FetchFailed, OSError, BlobStoreError) as error:
        target.unlink(missing_ok=True)
        kind = error.kind if isinstance(error, FetchFailed) else type(error).__name__
        log.warning("download of media %s failed: %s", media.id, kind)
        attempts = await originals.drafts.note_download_failure(media.id)
        return Fetched(kept=False, stuck=(attempts, kind) if attempts == REPORT_AFTER else None)
    chats = await keep_original(
        originals.units, media.id, ref.key, ref.size, ref.sha256, checked.mime, now
    )
    # Chats to wake: the same bytes as a file the item has, refused as a duplicate.
    return Fetched(kept=True, wake=chats)
