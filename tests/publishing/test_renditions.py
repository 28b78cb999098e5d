"""Web renditions, read back: sizes, upright, no metadata, transparency, bombs, watermark."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from publisher.renditions import (
    SIDES,
    UnsafeImage,
    Watermark,
    WatermarkUnreadable,
    fit_at_least,
    make_renditions,
    sides_for,
)
from tests.fakebotapi.samples import png_header_only


def _phone_jpeg(width: int, height: int, orientation: int) -> bytes:
    """A camera JPEG stored sideways: EXIF orientation, maker, GPS, XMP, an ICC profile
    and a comment, with a red mark in the stored top-left corner."""
    image = Image.new("RGB", (width, height), (20, 120, 200))
    image.paste((250, 10, 10), (0, 0, width // 4, height // 4))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Phone Maker"
    exif.get_ifd(0x8825)[2] = (6.0, 7.0, 8.0)
    out = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    image.save(
        out, "JPEG", quality=90, exif=exif.tobytes(), xmp=xmp, comment=b"taken at home",
        icc_profile=b"\0" * 128,
    )  # fmt: skip
    return out.getvalue()


def _read(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_sideways_48mp_photo_gives_every_size_upright_in_jpeg_and_webp() -> None:
    made = make_renditions(_phone_jpeg(8000, 6000, 6))
    shapes = [(r.side, r.width, r.height, r.ext) for r in made]
    assert shapes == [
        (1920, 1440, 1920, "jpg"), (1920, 1440, 1920, "webp"),
        (1280, 960, 1280, "jpg"), (1280, 960, 1280, "webp"),
        (640, 480, 640, "jpg"), (640, 480, 640, "webp"),
        (320, 240, 320, "jpg"), (320, 240, 320, "webp"),
    ]  # fmt: skip
    for rendition in made:
        image = _read(rendition.data)
        assert image.format == {"jpg": "JPEG", "webp": "WEBP"}[rendition.ext]
        assert image.size == (rendition.width, rendition.height)
        # Portrait now, and the stored top-left mark is at the top right.
        red, _, blue = image.convert("RGB").getpixel((image.width - 5, 5))  # type: ignore[misc]
        assert red > 200 and blue < 80, rendition
        assert not image.getexif(), rendition
        for block in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"):
            assert block not in image.info, (rendition, block)
        assert b"Phone Maker" not in rendition.data and b"xmpmeta" not in rendition.data
        assert b"taken at home" not in rendition.data


def test_a_photo_smaller_than_the_largest_size_is_never_enlarged() -> None:
    made = make_renditions(_phone_jpeg(800, 600, 1))
    assert [(r.width, r.height) for r in made if r.ext == "jpg"] == [
        (800, 600),
        (640, 480),
        (320, 240),
    ]


def test_a_transparent_png_stays_transparent_and_an_opaque_one_becomes_jpeg() -> None:
    clear = Image.new("RGBA", (900, 300), (0, 0, 0, 0))
    clear.paste((10, 200, 10, 255), (0, 0, 300, 300))
    out = io.BytesIO()
    clear.save(out, "PNG")
    made = make_renditions(out.getvalue())
    assert [r.ext for r in made[:2]] == ["png", "webp"]
    assert _read(made[0].data).getpixel((800, 100))[3] == 0  # type: ignore[index]
    assert _read(made[1].data).mode == "RGBA"
    opaque = io.BytesIO()
    Image.new("RGBA", (900, 300), (10, 20, 30, 255)).save(opaque, "PNG")
    assert make_renditions(opaque.getvalue())[0].ext == "jpg"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not a readable image"),
        (b"MZ\x90\x00 this is a program", "not a readable image"),
        (_phone_jpeg(640, 480, 1)[:400], "not a readable image"),
    ],
)
def test_what_is_not_a_picture_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(UnsafeImage, match=reason):
        make_renditions(data)


def test_a_decompression_bomb_is_refused() -> None:
    # A PNG header claiming 30000 x 30000 (900 MP) is refused before any pixel is decoded.
    with pytest.raises(UnsafeImage, match="too large"):
        make_renditions(png_header_only(30000, 30000))


def test_a_watermark_is_drawn_in_its_corner_at_its_opacity(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (100, 100), (255, 255, 255, 255)).save(logo)
    plain = io.BytesIO()
    Image.new("RGB", (2000, 1000), (0, 0, 0)).save(plain, "JPEG")
    mark = Watermark(logo, corner="bottom-right", opacity=0.5, scale=0.2)
    largest = _read(make_renditions(plain.getvalue(), watermark=mark)[0].data).convert("L")
    assert largest.size == (1920, 960)
    # Half-white in the bottom-right corner, black elsewhere.
    assert 110 < largest.getpixel((1920 - 100, 960 - 100)) < 145  # type: ignore[operator]
    assert largest.getpixel((100, 100)) < 10  # type: ignore[operator]
    assert largest.getpixel((1920 - 100, 100)) < 10  # type: ignore[operator]


def test_size_rules() -> None:
    assert sides_for((8000, 6000)) == list(SIDES)
    assert sides_for((1920, 1080)) == [1920, 1280, 640, 320]
    assert sides_for((1000, 50)) == [1000, 640, 320]
    assert sides_for((100, 100)) == [100]
    # A reduced decode must still give 1920 on the long side, whatever the orientation.
    assert fit_at_least((8000, 6000), 1920) == (1920, 1440)
    assert fit_at_least((6000, 8000), 1920) == (1440, 1920)
    assert fit_at_least((800, 600), 1920) == (800, 600)


def test_an_unreadable_watermark_is_a_set_up_problem_not_the_photos(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"not a picture")
    with pytest.raises(WatermarkUnreadable, match="WARTA_WATERMARK_IMAGE"):
        make_renditions(_phone_jpeg(640, 480, 1), watermark=Watermark(logo))
