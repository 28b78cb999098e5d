"""A video's poster: one picture from near its start, shown on the page before it plays.

The frame is decoded with PyAV (FFmpeg's libraries, bundled in its wheels: nothing to
install on the server). It is taken a second in, where there is one, because a phone
video often starts black or blurred; the display rotation a phone records is applied,
so a portrait video gets a portrait poster. Only the start of the file is read.
"""

from __future__ import annotations

import io
from pathlib import Path

import av
from PIL import Image

# Seconds into the video; shorter videos give their first frame.
POSTER_AT = 1.0
POSTER_QUALITY = 90


class NoPoster(Exception):
    """The file has no picture that can be decoded (no video track, or damaged)."""


def poster_jpeg(path: Path) -> bytes:
    """The poster frame as a JPEG (the renditions are made from it); raises
    :class:`NoPoster`."""
    image = poster_frame(path)
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=POSTER_QUALITY)
    return out.getvalue()


def poster_frame(path: Path) -> Image.Image:
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise NoPoster("no video track")
            stream = container.streams.video[0]
            if container.duration is not None and container.duration > 2 * POSTER_AT * 1e6:
                # To the key frame before that moment (container time is in microseconds).
                container.seek(int(POSTER_AT * 1_000_000))
            for frame in container.decode(stream):
                image: Image.Image = frame.to_image()  # type: ignore[no-untyped-call]
                if frame.rotation:
                    # PyAV gives the display matrix's turn counterclockwise, as Pillow.
                    image = image.rotate(frame.rotation, expand=True)
                return image
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise NoPoster(str(exc)) from exc
    raise NoPoster("no frame could be decoded")
