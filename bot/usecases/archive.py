"""Write a month's archive: one ZIP anyone can check with ``sha256sum -c`` (layout and
checks in :mod:`bot.core.archive_manifest`).

Items are read a batch at a time and every file goes into the ZIP in chunks while its
SHA-256 is computed, so a month of videos needs no more memory than a quiet one. The ZIP
is written under a temporary name and renamed when complete: an archive that exists is
whole. Only a month that has ended is archived; its figures and history do not change
after, so the archive never needs rewriting.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import uuid
import zipfile
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from bot.core import values
from bot.core.archive_manifest import (
    MANIFEST,
    README,
    SUMS,
    NoPublicCopy,
    PublicCopy,
    folder_name,
    readme,
    sums_line,
)
from bot.core.months import Month
from bot.core.working_time import OfficeCalendar
from bot.ports.blobs import BlobNotFoundError, BlobStore
from bot.ports.records import ArchivedItem, MonthChain, Records
from bot.usecases.report import MonthlyReports

CHUNK = 1024 * 1024
# After a failed archive the next try waits this long, so the log group hears of it
# hourly, not at every run of the timer.
RETRY_AFTER = timedelta(hours=1)
_UNSAFE = re.compile(r"[^\w.\-]+")


class MonthNotOver(ValueError):
    """Only a month that has ended is archived."""


class PublicCopies(Protocol):
    """The public copies of an item's files (``publisher.archive_copies``)."""

    async def of(self, item: values.Item) -> dict[int, PublicCopy | NoPublicCopy]: ...


@dataclass(frozen=True)
class ArchiveWritten:
    path: Path
    items: int
    files: int
    size: int
    chain: MonthChain


@dataclass
class _Entry:
    path: str
    sha256: str
    size: int


@dataclass
class _Zip:
    """The ZIP being written, and what went into it (called from one worker thread at a
    time; every call is awaited before the next)."""

    archive: zipfile.ZipFile
    root: str
    # Every member's time: when the archive was made, on the office's clock.
    stamp: tuple[int, int, int, int, int, int]
    entries: list[_Entry] = field(default_factory=list)

    def info(self, name: str, compress: bool) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(f"{self.root}/{name}", date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        return info

    def add_bytes(self, name: str, data: bytes, *, compress: bool = True) -> _Entry:
        self.archive.writestr(self.info(name, compress), data)
        entry = _Entry(name, hashlib.sha256(data).hexdigest(), len(data))
        self.entries.append(entry)
        return entry

    def add_file(self, name: str, source: Path, *, compress: bool = False) -> _Entry:
        digest, size = hashlib.sha256(), 0
        info = self.info(name, compress)
        with source.open("rb") as reading, self.archive.open(info, "w", force_zip64=True) as out:
            while chunk := reading.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
        entry = _Entry(name, digest.hexdigest(), size)
        self.entries.append(entry)
        return entry


def safe_name(name: str | None, fallback: str) -> str:
    """A file name that is one plain path part (no folders, no odd characters)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip("._")
    return cleaned[:120] or fallback


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str).encode("utf-8") + b"\n"


class MonthArchives:
    def __init__(
        self,
        records: Records,
        blobs: BlobStore,
        reports: MonthlyReports,
        public: PublicCopies | None,
        *,
        folder: Path,
        office: str,
        sop: str,
    ) -> None:
        self._records = records
        self._blobs = blobs
        self._reports = reports
        self._public = public
        self.folder = folder
        self._office = office
        self._sop = sop
        # Month → when its archive last failed to be written, in this process.
        self._failed: dict[str, datetime] = {}

    def failed(self, month: Month, now: datetime) -> None:
        """The month's archive could not be written now (a full disk, the media store
        out of reach): the next try waits :data:`RETRY_AFTER`."""
        self._failed[str(month)] = now

    def resting(self, month: Month, now: datetime) -> bool:
        """Whether the month's last failed try is too recent for another."""
        last = self._failed.get(str(month))
        return last is not None and now - last < RETRY_AFTER

    async def recorded_before_end(self, month: Month) -> bool:
        return await self._records.history_before(month.bounds(self._reports.zone)[1])

    def path_for(self, month: Month) -> Path:
        return self.folder / f"{folder_name(str(month))}.zip"

    async def write(
        self, month: Month, now: datetime, target: Path | None = None
    ) -> ArchiveWritten:
        zone = self._reports.zone
        start, end = month.bounds(zone)
        if end > now:
            raise MonthNotOver(str(month))
        path = target or self.path_for(month)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.partial")
        report = await self._reports.make(month, now)
        chain = await self._records.month_chain(start, end)
        try:
            written = await self._write_zip(partial, month, now, report.files, chain)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, path)
        return replace(written, path=path, size=path.stat().st_size)

    async def _write_zip(
        self,
        partial: Path,
        month: Month,
        now: datetime,
        report_files: tuple[Path, ...],
        chain: MonthChain,
    ) -> ArchiveWritten:
        zone = self._reports.zone
        start, end = month.bounds(zone)
        run = asyncio.to_thread
        with zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
            local = now.astimezone(zone)
            stamp = (local.year, local.month, local.day, local.hour, local.minute, local.second)
            out = _Zip(archive, folder_name(str(month)), stamp)
            count = 0
            for report_file in report_files:
                compress = report_file.suffix != ".png"
                await run(
                    out.add_file, f"laporan/{report_file.name}", report_file, compress=compress
                )
            async for archived in self._records.month_items(start, end):
                await self._item(out, archived)
                count += 1
            files = len(out.entries)
            text = readme(
                self._reports.translator,
                month=str(month),
                office=self._office,
                sop=self._sop,
                items=count,
                files=files,
            )
            await run(out.add_bytes, README, text.encode("utf-8"))
            manifest = {
                "month": str(month),
                "office": self._office,
                "sop": self._sop,
                "made_at": _iso(now),
                "items": count,
                "chain": {
                    "first": asdict(chain.first) if chain.first else None,
                    "last": asdict(chain.last) if chain.last else None,
                    "events_in_month": chain.events,
                    "not_yet_chained": chain.unsealed,
                },
                "files": [asdict(entry) for entry in out.entries],
            }
            await run(out.add_bytes, MANIFEST, _json(manifest))
            sums = "".join(sums_line(entry.sha256, entry.path) for entry in out.entries)
            archive.writestr(out.info(SUMS, compress=True), sums.encode("utf-8"))
        return ArchiveWritten(partial, count, len(out.entries) + 1, 0, chain)

    async def _item(self, out: _Zip, archived: ArchivedItem) -> None:
        item = archived.item
        base = f"naskah/{safe_name(item.code, str(item.id))}"
        run = asyncio.to_thread
        public = await self._public.of(item) if self._public is not None else {}
        files = []
        for media in item.media:
            fallback = f"{media.kind}-{media.id}"
            name = f"{media.position + 1:02d}-{safe_name(media.file_name, fallback)}"
            record: dict[str, Any] = {
                "position": media.position + 1,
                "kind": media.kind,
                "file_name": media.file_name,
                "mime_type": media.mime_type,
                "size": media.size,
                "sha256": media.sha256,
                "received_at": _iso(media.received_at),
                "dropped": media.dropped,
                "refused": media.refused,
                "alt": media.alt,
                "original": None,
                "public": None,
            }
            if media.blob_key is not None:
                entry = await self._original(out, f"{base}/asli/{name}", media.blob_key)
                record["original"] = entry.path if entry else None
            copy = public.get(media.id)
            if isinstance(copy, PublicCopy):
                public_name = f"{base}/publik/{safe_name(copy.file_name, name)}"
                if copy.path is not None:
                    entry = await run(out.add_file, public_name, copy.path)
                else:
                    entry = await run(
                        out.add_bytes, public_name, copy.content or b"", compress=False
                    )
                record["public"] = entry.path
            elif isinstance(copy, NoPublicCopy):
                record["public_missing"] = copy.reason
            files.append(record)
        data = {
            "code": item.code,
            "title": item.title,
            "body": item.body,
            "section": item.section,
            "category": item.category,
            "officer": archived.officer_name,
            "state": item.state,
            "created_at": _iso(item.created_at),
            "files": files,
            "targets": [
                {
                    "target": target.target,
                    "status": target.status,
                    "url": target.url,
                    "published_at": _iso(target.published_at),
                    "removed_at": _iso(target.removed_at),
                    "attempts": target.attempts,
                }
                for target in item.publications
            ],
        }
        await run(out.add_bytes, f"{base}/naskah.json", _json(data))
        history = [
            {**asdict(event), "created_at": _iso(event.created_at)} for event in archived.events
        ]
        await run(out.add_bytes, f"{base}/riwayat.json", _json(history))

    async def _original(self, out: _Zip, name: str, key: str) -> _Entry | None:
        local = self._blobs.local_path(key)
        if local is not None:
            return await asyncio.to_thread(out.add_file, name, local)
        temporary = self._blobs.new_temp_path(".archive")
        try:
            await self._blobs.copy_to(key, temporary)
            return await asyncio.to_thread(out.add_file, name, temporary)
        except BlobNotFoundError:
            return None
        finally:
            temporary.unlink(missing_ok=True)


def archive_due(archives: MonthArchives, calendar: OfficeCalendar, now: datetime) -> Month | None:
    """The month whose archive the bot should write now: the one before this, once its
    file is not there yet, while the office is open (an operator is there to read the
    log group's message)."""
    if not calendar.is_open(now):
        return None
    month = Month.of(now, calendar.zone).previous()
    if archives.path_for(month).exists() or archives.resting(month, now):
        return None
    return month
