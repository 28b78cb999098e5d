"""The received files' check, as a port: what a file really is, read from its content, or
why warta does not take it (``storage.file_checks`` reads the bytes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class FileRefused(Exception):
    """Why a file is not taken: a catalog key (``intake.refused.<reason>``) and what
    the sentence needs."""

    reason: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"intake.refused.{self.reason}"


@dataclass(frozen=True)
class Checked:
    """An accepted file: its kind as warta treats it and its type as read."""

    kind: str  # photo / video / document / animation
    mime: str
    width: int | None = None
    height: int | None = None


class FileCheck(Protocol):
    def __call__(self, path: Path, claimed_kind: str, claimed_mime: str | None = None) -> Checked:
        """The file at ``path`` as warta will keep it, or :class:`FileRefused`. Blocking:
        run it off the event loop."""
        ...
