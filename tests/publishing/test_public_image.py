"""The public copy of a photo: upright, web-sized, without metadata, decoded reduced."""

from __future__ import annotations

import io

from PIL import Image

from publisher.files import WEB_MAX_SIDE, public_image


def _phone_jpeg(width: int, height: int, orientation: int) -> bytes:
    """A camera JPEG stored sideways with an EXIF orientation and a GPS block."""
    image = Image.new("RGB", (width, height), (20, 120, 200))
    # A mark in the top-left corner of the stored pixels, to see where it ends up.
    image.paste((250, 10, 10), (0, 0, width // 4, height // 4))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Phone Maker"
    exif.get_ifd(0x8825)[2] = (6.0, 7.0, 8.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def test_a_large_sideways_photo_comes_out_upright_web_sized_and_bare() -> None:
    # 4000 × 3000 stored, "rotate 90° clockwise to view" (orientation 6): a portrait.
    data, mime, ext = public_image(_phone_jpeg(4000, 3000, 6))
    assert (mime, ext) == ("image/jpeg", "jpg")
    with Image.open(io.BytesIO(data)) as public:
        assert public.size == (1536, WEB_MAX_SIDE)
        assert not public.getexif() and "exif" not in public.info and "xmp" not in public.info
        # The stored top-left mark is now at the top right.
        red, _, _ = public.convert("RGB").getpixel((public.width - 10, 10))
        assert red > 200


def test_a_photo_smaller_than_the_web_size_keeps_its_size() -> None:
    data, _, _ = public_image(_phone_jpeg(800, 600, 1))
    with Image.open(io.BytesIO(data)) as public:
        assert public.size == (800, 600)
