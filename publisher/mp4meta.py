"""Removing metadata from MP4/QuickTime videos without re-encoding them.

Phones write where and with what a video was taken into metadata boxes: ``udta``
(QuickTime's ``©xyz`` location, ``©mak`` maker…), ``meta`` (Apple's
``com.apple.quicktime.location.ISO6709``) and ``uuid`` boxes (XMP). Each such box is
turned into a ``free`` box of the same size with its content zeroed: every other byte
stays where it was, so the sample offsets in ``stco``/``co64`` stay right and the video
plays exactly as before. A file that is not a well-formed ISO media file is returned as
it came (it is then no MP4 to clean).

:func:`strip_mp4_file` works on a file in place, reading only the box headers and
writing only the blanked boxes, so a 2 GB video costs no more memory than a small one;
:func:`strip_mp4_metadata` does the same on bytes.
"""

from __future__ import annotations

import io
import os
import struct
from pathlib import Path
from typing import BinaryIO

# Boxes that hold other boxes on the way to the metadata.
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"edts"}
# Boxes that carry descriptive metadata, wherever they appear above.
_METADATA = {b"udta", b"meta", b"uuid", b"XMP_"}
_ZEROS = bytes(1024 * 1024)


class NotMp4(ValueError):
    """Not a chain of ISO media boxes with a ``moov`` (cut off, damaged, another kind)."""


_NotMp4 = NotMp4


def _boxes(file: BinaryIO, start: int, end: int) -> list[tuple[bytes, int, int, int]]:
    """(type, box start, payload start, box end) for the boxes tiling [start, end) of
    the file; only their headers are read."""
    found = []
    at = start
    while at < end:
        if end - at < 8:
            raise _NotMp4("truncated box header")
        file.seek(at)
        head = file.read(16 if end - at >= 16 else 8)
        size, kind = struct.unpack_from(">I4s", head)
        header = 8
        if size == 1:
            if len(head) < 16:
                raise _NotMp4("truncated large box header")
            (size,) = struct.unpack_from(">Q", head, 8)
            header = 16
        elif size == 0:
            size = end - at
        if size < header or at + size > end:
            raise _NotMp4(f"box {kind!r} does not fit")
        found.append((bytes(kind), at, at + header, at + size))
        at += size
    return found


def _plan(file: BinaryIO, start: int, end: int) -> list[tuple[int, int, int]]:
    """(box start, payload start, box end) of every metadata box to blank. The whole
    file is checked before anything is written, so a malformed one is never half done."""
    found = []
    for kind, box_start, payload, box_end in _boxes(file, start, end):
        if kind in _METADATA:
            found.append((box_start, payload, box_end))
        elif kind in _CONTAINERS:
            found += _plan(file, payload, box_end)
    return found


def _blank(file: BinaryIO, boxes: list[tuple[int, int, int]]) -> None:
    # Keep the size field (and a 64-bit size if there is one); only the type and the
    # content change.
    for start, payload, end in boxes:
        file.seek(start + 4)
        file.write(b"free")
        file.seek(payload)
        left = end - payload
        while left:
            step = min(left, len(_ZEROS))
            file.write(_ZEROS[:step])
            left -= step


def _is_mp4(file: BinaryIO, size: int) -> bool:
    file.seek(0)
    return size >= 12 and file.read(8)[4:8] == b"ftyp"


def strip_mp4_file(path: Path) -> int:
    """Blank the metadata boxes of the video at ``path`` in place, reading only box
    headers and writing only the boxes' bytes (memory does not grow with the video).
    Returns how many boxes were blanked. A file that is not a whole chain of boxes with
    a ``moov`` (an old QuickTime file without ``ftyp`` is one) raises :class:`NotMp4`
    and is left as it is: what cannot be read cannot be cleaned, so it must not go out."""
    with open(path, "r+b") as file:
        size = os.fstat(file.fileno()).st_size
        top = _boxes(file, 0, size)
        if b"moov" not in {kind for kind, *_ in top}:
            raise NotMp4("no moov box")
        boxes = _plan(file, 0, size)
        _blank(file, boxes)
        return len(boxes)


def strip_mp4_metadata(original: bytes) -> bytes:
    """The same video with its metadata boxes blanked (see the module docstring)."""
    file = io.BytesIO(original)
    if not _is_mp4(file, len(original)):
        return original
    try:
        boxes = _plan(file, 0, len(original))
    except _NotMp4:
        return original
    if not boxes:
        return original
    _blank(file, boxes)
    return file.getvalue()
