"""Web renditions of a photo: several sizes, JPEG and WebP, upright and without metadata.

A phone photo is 12 to 200 MP; a page shows it at a few hundred to two thousand pixels.
Decoding every pixel only to throw most of them away is what makes a naive pipeline slow
and hungry, so the photo is decoded once and reduced as early as libjpeg allows:

1. **Draft mode.** A JPEG is decoded at 1/2, 1/4 or 1/8 of its size by libjpeg's DCT
   scaling, the smallest of those still at least as large as the biggest rendition
   (a 48 MP photo decodes to 2000 x 1500, about 1/16 of its pixels).
2. **A cascade.** Each smaller size is resized from the one above it, not from the
   decoded photo again, with a box reduction first (``reducing_gap``) and a Lanczos
   filter for the last step, so quality stays while the work shrinks with each size.
3. **Bounded pixels.** A picture that would decode to more than :data:`MAX_PIXELS` is
   refused (a decompression bomb); the bound is intake's, so what came in can go out.

Orientation from EXIF is applied to the pixels, then every metadata block (EXIF and its
GPS position, XMP, ICC, comments) is left behind: the encoders are given none.
An optional watermark (an image, a corner, an opacity) is drawn on every size.
"""

from __future__ import annotations

import io
import math
import os
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import ExifTags, Image

from bot.core.media_limits import MAX_PIXELS

# Longest side of each rendition, largest first: a full-screen view, a laptop column, a
# phone, a list thumbnail. The largest is also the copy for the channel and WordPress.
SIDES = (1920, 1280, 640, 320)
JPEG_QUALITY = 82
WEBP_QUALITY = 80
# libwebp's effort, 0 (fast) to 6 (small); 4 is libwebp's own default.
WEBP_METHOD = 4
# Resize by a whole factor with a box filter until within this factor of the target,
# then resample (Pillow's own thumbnail default): fast and indistinguishable on a photo.
REDUCING_GAP = 2.0
RESAMPLE = Image.Resampling.LANCZOS
ENCODERS = max(2, min(4, os.cpu_count() or 2))

Corner = Literal["top-left", "top-right", "bottom-left", "bottom-right", "center"]
CORNERS: tuple[Corner, ...] = ("top-left", "top-right", "bottom-left", "bottom-right", "center")


class UnsafeImage(ValueError):
    """The image cannot be made public safely (unreadable, or a decompression bomb);
    ``reason`` is the catalog key that says so to people."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class WatermarkUnreadable(OSError):
    """The configured watermark cannot be read: the office's set-up, not the photo."""


@dataclass(frozen=True)
class Watermark:
    """A logo drawn on every rendition: ``scale`` is its longest side as a share of the
    photo's width."""

    image: Path
    corner: Corner = "bottom-right"
    opacity: float = 0.6
    scale: float = 0.18


@dataclass(frozen=True)
class Rendition:
    side: int  # the longest side it was made for
    width: int
    height: int
    mime_type: str
    ext: str
    data: bytes


def open_upright(data: bytes, largest: int) -> Image.Image:
    """The picture decoded (reduced where the format allows), no larger than ``largest``
    on its long side, turned upright, bare of metadata and in RGB or RGBA."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_PIXELS and twice that; refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
            # The orientation is not applied yet: ask for the stored shape.
            opened.draft("RGB", fit_at_least(opened.size, largest))
            opened.load()
            turn = _TURNS.get(opened.getexif().get(ExifTags.Base.Orientation, 1))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UnsafeImage("image too large to decode safely", "unpublishable.too_large") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise UnsafeImage("not a readable image", "unpublishable.unreadable") from exc
    alpha = opened.mode in ("RGBA", "LA", "PA") or (
        opened.mode == "P" and "transparency" in opened.info
    )
    image: Image.Image = opened
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if alpha else "RGB")
    if max(image.size) > largest:
        image = image.resize(fit(image.size, largest), RESAMPLE, reducing_gap=REDUCING_GAP)
    # Turned after the reduction: fewer pixels to move.
    if turn is not None:
        image = image.transpose(turn)
    # Whatever the decoder kept (EXIF, XMP, ICC, comments) stays behind.
    image.info = {}
    return image


# EXIF orientation -> the turn that makes the stored pixels upright (as exif_transpose).
_TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def has_alpha(image: Image.Image) -> bool:
    if image.mode != "RGBA":
        return False
    low = image.getchannel("A").getextrema()[0]
    return isinstance(low, int | float) and low < 255


def fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    """``size`` scaled so its longest side is ``side`` (never enlarged)."""
    width, height = size
    longest = max(width, height)
    if longest <= side:
        return size
    return max(1, round(width * side / longest)), max(1, round(height * side / longest))


def fit_at_least(size: tuple[int, int], side: int) -> tuple[int, int]:
    """The smallest size of this shape whose longest side is still ``side``: what a
    reduced decode must at least give for the largest rendition."""
    width, height = size
    longest = max(width, height, 1)
    if longest <= side:
        return size
    return math.ceil(width * side / longest), math.ceil(height * side / longest)


def sides_for(size: tuple[int, int], sides: Sequence[int] = SIDES) -> list[int]:
    """The sizes worth making for a picture this large, largest first: none larger than
    the picture, and the picture's own size when it is smaller than the largest."""
    longest = max(size)
    ordered = sorted(set(sides), reverse=True)
    wanted = [s for s in ordered if s < longest]
    top = min(longest, ordered[0])
    if top not in wanted:
        wanted.insert(0, top)
    return wanted


def make_renditions(
    data: bytes, sides: Sequence[int] = SIDES, watermark: Watermark | None = None
) -> tuple[Rendition, ...]:
    """Every size of ``data``, largest first, each as JPEG (PNG when transparent) and
    WebP. Raises :class:`UnsafeImage` for a picture that cannot be made public and
    :class:`WatermarkUnreadable` when the configured logo cannot be read."""
    # The logo first: a broken set-up is said before any photo is decoded.
    mark = _load_mark(watermark) if watermark is not None else None
    image = open_upright(data, max(sides))
    transparent = has_alpha(image)
    if not transparent and image.mode == "RGBA":
        image = image.convert("RGB")
    # Only the latest size is kept: the decoded picture goes as soon as it is resized.
    size, current = image.size, image
    del image
    # Encoding (WebP above all) costs more than resizing, and Pillow lets go of the GIL
    # for both: the sizes are made here one from the other while the encoders run.
    with ThreadPoolExecutor(max_workers=ENCODERS) as pool:
        pending = []
        for side in sides_for(size, sides):
            target = fit(size, side)
            if target != current.size:
                current = current.resize(target, RESAMPLE, reducing_gap=REDUCING_GAP)
            shown = _stamp(current, mark, watermark) if mark and watermark else current
            pending.append(pool.submit(_encode, shown, side, "WEBP"))
            pending.append(pool.submit(_encode, shown, side, "PNG" if transparent else "JPEG"))
        made = [job.result() for job in pending]
    # JPEG (or PNG) before WebP for each size, largest first.
    return tuple(made[i + k] for i in range(0, len(made), 2) for k in (1, 0))


def _encode(image: Image.Image, side: int, kind: str) -> Rendition:
    buffer = io.BytesIO()
    if kind == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, progressive=True)
        mime, ext = "image/jpeg", "jpg"
    elif kind == "PNG":
        image.save(buffer, "PNG")
        mime, ext = "image/png", "png"
    else:
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
        mime, ext = "image/webp", "webp"
    return Rendition(side, image.width, image.height, mime, ext, buffer.getvalue())


def _load_mark(watermark: Watermark) -> Image.Image:
    try:
        with Image.open(watermark.image) as logo:
            return logo.convert("RGBA")
    except (OSError, ValueError, SyntaxError) as exc:
        raise WatermarkUnreadable(
            f"the watermark {watermark.image} (WARTA_WATERMARK_IMAGE) cannot be read as an image"
        ) from exc


def _stamp(image: Image.Image, mark: Image.Image, watermark: Watermark) -> Image.Image:
    """``image`` with the logo in its corner, ``scale`` of its width, at ``opacity``."""
    width = max(1, round(image.width * watermark.scale))
    logo = mark.resize(fit(mark.size, width) if mark.width > width else mark.size)
    if watermark.opacity < 1:
        alpha = logo.getchannel("A").point(lambda v: round(v * max(0.0, watermark.opacity)))
        logo.putalpha(alpha)
    margin = max(2, image.width // 50)
    x = {
        "top-left": margin,
        "bottom-left": margin,
        "center": (image.width - logo.width) // 2,
    }.get(watermark.corner, image.width - logo.width - margin)
    y = {
        "top-left": margin,
        "top-right": margin,
        "center": (image.height - logo.height) // 2,
    }.get(watermark.corner, image.height - logo.height - margin)
    stamped = image.copy()
    stamped.paste(logo, (x, y), logo)
    return stamped
