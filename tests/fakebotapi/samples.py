"""Sample media for tests: a real tiny JPEG (optionally with EXIF/GPS), MP4-looking bytes,
and a well-formed phone QuickTime file with the metadata phones write."""

from __future__ import annotations

import io
import struct
import zlib


def sample_jpeg(
    width: int = 64,
    height: int = 48,
    color: tuple[int, int, int] = (200, 30, 30),
    *,
    gps: bool = False,
    maker: str | None = None,
    model: str | None = None,
) -> bytes:
    """A real (tiny) JPEG, so bot code that opens images with Pillow works.

    Without options it carries no EXIF at all. ``maker`` and ``model`` write the camera's
    EXIF tags; ``gps`` writes what a phone photo sent "as a file" carries: the camera
    (``maker``, "PhoneMaker" unless given) and the GPS position it was taken at."""
    try:
        from PIL import ExifTags, Image
    except ImportError:  # pragma: no cover - Pillow is a project dependency
        return b"\xff\xd8\xff\xe0fake-jpeg" + bytes([color[0]]) * 64
    exif = Image.Exif()
    if gps:
        exif[ExifTags.Base.Make] = "PhoneMaker"
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "S",
            ExifTags.GPS.GPSLatitude: (6.0, 10.0, 30.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (106.0, 49.0, 0.0),
        }
    if maker is not None:
        exif[ExifTags.Base.Make] = maker
    if model is not None:
        exif[ExifTags.Base.Model] = model
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), color)
    if len(exif):
        image.save(buffer, format="JPEG", exif=exif.tobytes())
    else:
        image.save(buffer, format="JPEG")
    return buffer.getvalue()


def sample_pdf(text: str = "Dokumen", *, author: str | None = None) -> bytes:
    """A small, well-formed one-page PDF showing ``text`` (ASCII), with an author in its
    document information when given: what an office's scanner or word processor makes."""

    def literal(value: str) -> bytes:
        escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"(" + escaped.encode("ascii", "replace") + b")"

    content = b"BT /F1 18 Tf 72 760 Td " + literal(text) + b" Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if author is not None:
        objects.append(b"<< /Author " + literal(author) + b" /Producer (Scanner Kantor) >>")
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    info = b" /Info %d 0 R" % len(objects) if author is not None else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objects) + 1, info)
    return out + b"startxref\n%d\n%%%%EOF\n" % table


def png_header_only(width: int = 30000, height: int = 30000) -> bytes:
    """A PNG that says it is width × height (a decompression bomb at the default 900 MP,
    2.7 GB to open), with a token of pixel data: only its header is ever read."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + pixels + chunk(b"IEND", b"")


def sample_mp4(tag: bytes = b"") -> bytes:
    """A minimal well-formed MP4: its type, an index (``moov``) and media data that
    carries ``tag`` (nobody decodes the frames in tests)."""
    ftyp = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    moov = struct.pack(">I4s", 8 + 32, b"moov") + b"\x00" * 32
    payload = tag + b"\x00" * 64
    return ftyp + moov + struct.pack(">I4s", 8 + len(payload), b"mdat") + payload


def mp4_box(kind: bytes, payload: bytes = b"", *, large: bool = False) -> bytes:
    """One ISO media box: 32-bit size, or ``large`` for the 64-bit form."""
    if large:
        return struct.pack(">I4sQ", 1, kind, 16 + len(payload)) + payload
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def sample_phone_mp4(location: bytes = b"+06.1234+106.8456/") -> bytes:
    """A small, well-formed QuickTime file as a phone writes one: a track, media data,
    and the metadata phones add (``©xyz`` location and ``©mak`` maker in ``udta``,
    Apple's location in ``meta``, XMP in a ``uuid`` box, a name in the track's
    ``udta``). Nobody decodes the pictures in tests."""
    moov = mp4_box(
        b"moov",
        mp4_box(b"mvhd", b"\x00" * 100)
        + mp4_box(
            b"udta",
            mp4_box(b"\xa9xyz", b"\x00\x12\x15\xc7" + location) + mp4_box(b"\xa9mak", b"Phone"),
        )
        + mp4_box(
            b"meta",
            b"\x00" * 4
            + mp4_box(b"keys", b"com.apple.quicktime.location.ISO6709")
            + mp4_box(b"ilst", location),
        )
        + mp4_box(
            b"trak",
            mp4_box(b"tkhd", b"\x01" * 84)
            + mp4_box(b"udta", mp4_box(b"\xa9nam", b"Rina's phone"))
            + mp4_box(
                b"mdia",
                mp4_box(b"mdhd", b"\x02" * 24) + mp4_box(b"minf", mp4_box(b"stbl", b"\x03" * 40)),
            ),
        ),
    )
    return (
        mp4_box(b"ftyp", b"qt  \x00\x00\x00\x00qt  ")
        + moov
        + mp4_box(b"uuid", b"\xbe\x7a\xcf\xcb" * 4 + b"<x:xmpmeta>GPS</x:xmpmeta>")
        + mp4_box(b"mdat", PHONE_MP4_SAMPLES, large=True)
    )


#: The media data inside :func:`sample_phone_mp4`.
PHONE_MP4_SAMPLES = b"\x00\x00\x00\x10" + b"picture-and-sound" * 20


def _image_size(data: bytes) -> tuple[int, int] | None:
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:
        return None
