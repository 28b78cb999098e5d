"""What a backup or a restore reads of the configuration, as a port: the shell's
``Settings`` satisfies it, so storage never imports the shell."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class BackupSettings(Protocol):
    @property
    def data_dir(self) -> Path: ...
    @property
    def media_dir(self) -> Path: ...
    @property
    def effective_site_dir(self) -> Path: ...
    @property
    def effective_database_url(self) -> str: ...
    @property
    def timezone(self) -> str: ...
    @property
    def blob_store(self) -> str:
        """``local`` or ``s3``: where the originals are kept."""
        ...

    @property
    def s3_bucket(self) -> str | None: ...
