"""Removing metadata from MP4/QuickTime videos without re-encoding them.

Phones write where and with what a video was taken into metadata boxes: ``udta``
(QuickTime's ``©xyz`` location, ``©mak`` maker…), ``meta`` (Apple's
``com.apple.quicktime.location.ISO6709``) and ``uuid`` boxes (XMP). Each such box is
turned into a ``free`` box of the same size with its content zeroed: every other byte
stays where it was, so the sample offsets in ``stco``/``co64`` stay right and the video
plays exactly as before. A file that is not a well-formed ISO media file is returned as
it came (it is then no MP4 to clean).
"""

from __future__ import annotations

import struct

# Boxes that hold other boxes on the way to the metadata.
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"edts"}
# Boxes that carry descriptive metadata, wherever they appear above.
_METADATA = {b"udta", b"meta", b"uuid", b"XMP_"}


class _NotMp4(ValueError):
    pass


def _boxes(data: bytearray, start: int, end: int) -> list[tuple[bytes, int, int, int]]:
    """(type, box start, payload start, box end) for the boxes tiling data[start:end]."""
    found = []
    at = start
    while at < end:
        if end - at < 8:
            raise _NotMp4("truncated box header")
        size, kind = struct.unpack_from(">I4s", data, at)
        header = 8
        if size == 1:
            if end - at < 16:
                raise _NotMp4("truncated large box header")
            (size,) = struct.unpack_from(">Q", data, at + 8)
            header = 16
        elif size == 0:
            size = end - at
        if size < header or at + size > end:
            raise _NotMp4(f"box {kind!r} does not fit")
        found.append((bytes(kind), at, at + header, at + size))
        at += size
    return found


def _neutralize(data: bytearray, start: int, payload: int, end: int) -> None:
    # Keep the size field (and a 64-bit size if there is one); only the type and the
    # content change.
    data[start + 4 : start + 8] = b"free"
    data[payload:end] = bytes(end - payload)


def _clean(data: bytearray, start: int, end: int) -> int:
    cleaned = 0
    for kind, box_start, payload, box_end in _boxes(data, start, end):
        if kind in _METADATA:
            _neutralize(data, box_start, payload, box_end)
            cleaned += 1
        elif kind in _CONTAINERS:
            cleaned += _clean(data, payload, box_end)
    return cleaned


def strip_mp4_metadata(original: bytes) -> bytes:
    """The same video with its metadata boxes blanked (see the module docstring)."""
    if len(original) < 12 or original[4:8] != b"ftyp":
        return original
    data = bytearray(original)
    try:
        cleaned = _clean(data, 0, len(data))
    except _NotMp4:
        return original
    return bytes(data) if cleaned else original
