"""Web renditions of a phone photo: warta's pipeline against a naive Pillow one and pyvips.

Run: .venv/bin/python bench/media.py [--rounds N] [--sizes 12,48]

Each photo is made here (a sideways camera JPEG with an EXIF orientation and a GPS
block); each pipeline makes the same renditions (longest side 1920, 1280, 640, 320,
each as JPEG quality 82 and WebP quality 80, effort 4), upright and without metadata:

- **warta**: ``publisher.renditions.make_renditions`` (draft-mode decode, a cascade);
- **naive**: full decode, ``exif_transpose``, each size resized from the full picture;
- **pyvips**: ``thumbnail_buffer`` (shrink-on-load, auto-rotate) for the largest size,
  ``thumbnail_image`` from it for the others (pyvips[binary] from the ``bench`` extra).

Every run is a fresh process: wall time is the median of the rounds, peak memory is the
growth of the process's peak resident set (VmHWM, reset just before) over what it held
before the run, the photo's bytes already read. The last lines are the ratios, one per photo size.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIDES = (1920, 1280, 640, 320)
JPEG_QUALITY = 82
WEBP_QUALITY = 80
WEBP_EFFORT = 4
PIPELINES = ("warta", "naive", "pyvips")
MEGAPIXELS = {12: (4000, 3000), 48: (8000, 6000), 108: (12000, 9000)}


def make_photo(path: Path, width: int, height: int) -> None:
    """A photo-like JPEG: smooth light, shapes with edges, sensor grain; stored sideways
    (orientation 6) with maker and GPS tags, quality 92 as phones write them."""
    from PIL import Image, ImageDraw, ImageFilter

    small = (width // 8, height // 8)
    sky = Image.linear_gradient("L").resize(small).convert("RGB")
    base = Image.merge(
        "RGB",
        (
            sky.getchannel(0).point(lambda v: 60 + v // 2),
            sky.getchannel(1).point(lambda v: 90 + v // 3),
            Image.radial_gradient("L").resize(small).point(lambda v: 255 - v // 2),
        ),
    )
    draw = ImageDraw.Draw(base)
    for i in range(60):
        x = (i * 977) % small[0]
        y = (i * 613) % small[1]
        draw.rectangle(
            (x, y, x + small[0] // 9, y + small[1] // 11), fill=(i * 4, 140, 255 - i * 3)
        )
        draw.ellipse((y, x % small[1], y + 40, x % small[1] + 40), fill=(250, 200 - i, 40))
    picture = base.resize((width, height), Image.Resampling.BICUBIC)
    # Fine detail (foliage, fabric, sensor noise) is what makes a phone JPEG 3-4 bytes
    # a pixel and its decoding slow; a smooth synthetic picture would flatter everyone.
    grain = Image.effect_noise((width, height), 64).filter(ImageFilter.BoxBlur(0.6))
    picture = Image.blend(picture, Image.merge("RGB", (grain, grain, grain)), 0.35)
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Phone Maker"
    exif[0x0110] = "Phone 48"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "S", (6.0, 10.0, 30.0), "E", (106.0, 49.0, 40.0)
    picture.save(path, "JPEG", quality=92, exif=exif.tobytes())


# --- the pipelines, each run in its own process -----------------------------------------


def run_warta(data: bytes) -> list[tuple[int, int, str, int]]:
    from publisher.renditions import make_renditions

    return [(r.width, r.height, r.ext, len(r.data)) for r in make_renditions(data, SIDES)]


def run_naive(data: bytes) -> list[tuple[int, int, str, int]]:
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = None
    with Image.open(io.BytesIO(data)) as opened:
        full = ImageOps.exif_transpose(opened).convert("RGB")
    full.info = {}
    out = []
    for side in SIDES:
        scale = side / max(full.size)
        size = (round(full.width * scale), round(full.height * scale))
        picture = full.resize(size, Image.Resampling.LANCZOS)
        for fmt, ext, options in (
            ("JPEG", "jpg", {"quality": JPEG_QUALITY, "progressive": True}),
            ("WEBP", "webp", {"quality": WEBP_QUALITY, "method": WEBP_EFFORT}),
        ):
            buffer = io.BytesIO()
            picture.save(buffer, fmt, **options)
            out.append((picture.width, picture.height, ext, buffer.tell()))
    return out


def run_pyvips(data: bytes) -> list[tuple[int, int, str, int]]:
    import pyvips  # type: ignore[import-untyped]

    largest = pyvips.Image.thumbnail_buffer(data, SIDES[0], height=SIDES[0], size="down")
    largest = largest.copy_memory()  # decoded once; the smaller sizes start from it
    out = []
    for side in SIDES:
        picture = largest if side == SIDES[0] else largest.thumbnail_image(side, height=side)
        jpeg = picture.jpegsave_buffer(Q=JPEG_QUALITY, interlace=True, keep="none")
        webp = picture.webpsave_buffer(Q=WEBP_QUALITY, effort=WEBP_EFFORT, keep="none")
        out.append((picture.width, picture.height, "jpg", len(jpeg)))
        out.append((picture.width, picture.height, "webp", len(webp)))
    return out


def child(pipeline: str, photo: Path) -> None:
    runner = {"warta": run_warta, "naive": run_naive, "pyvips": run_pyvips}[pipeline]
    runner(_tiny_jpeg())  # imports and first-call set-up are not what is measured
    data = photo.read_bytes()
    before = _reset_peak()
    started = time.perf_counter()
    made = runner(data)
    seconds = time.perf_counter() - started
    peak = _status_kib("VmHWM") - before
    print(json.dumps({"seconds": seconds, "peak_kib": peak, "made": made}))


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise SystemExit(f"no {field} in /proc/self/status (this benchmark needs Linux)")


def _reset_peak() -> int:
    """Start the peak resident set over from now, and return what is resident now.
    (``ru_maxrss`` cannot be used: on Linux a child starts with its parent's.)"""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_kib("VmRSS")


def _tiny_jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (9, 9, 9)).save(buffer, "JPEG")
    return buffer.getvalue()


def measure(pipeline: str, photo: Path) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", pipeline, str(photo)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if result.returncode != 0:
        raise SystemExit(f"{pipeline} failed:\n{result.stderr}")
    answer: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sizes", default="12,48", help="megapixels: 12, 48 or 108")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    try:
        import pyvips  # type: ignore[import-untyped]  # noqa: F401
    except (ImportError, OSError):
        raise SystemExit("pyvips is missing: .venv/bin/pip install -e '.[bench]'") from None
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"renditions {', '.join(map(str, SIDES))} px as JPEG q{JPEG_QUALITY} + WebP "
        f"q{WEBP_QUALITY}; median of {args.rounds} rounds, each run in a fresh process"
    )
    summary = []
    with tempfile.TemporaryDirectory() as folder:
        for mp in sizes:
            photo = Path(folder) / f"{mp}mp.jpg"
            make_photo(photo, *MEGAPIXELS[mp])
            print(
                f"\n{mp} MP photo {MEGAPIXELS[mp][0]}x{MEGAPIXELS[mp][1]}, "
                f"{photo.stat().st_size / 2**20:.1f} MiB, EXIF orientation 6 + GPS"
            )
            print(f"{'pipeline':<8} {'time ms':>9} {'range':>13} {'peak MiB':>9}  renditions")
            medians: dict[str, float] = {}
            peaks: dict[str, float] = {}
            for pipeline in PIPELINES:
                runs = [measure(pipeline, photo) for _ in range(args.rounds)]
                times = sorted(float(r["seconds"]) * 1000 for r in runs)  # type: ignore[arg-type]
                medians[pipeline] = statistics.median(times)
                peaks[pipeline] = max(float(r["peak_kib"]) for r in runs) / 1024  # type: ignore[arg-type]
                made = runs[0]["made"]
                shapes = " ".join(f"{w}x{h}" for w, h, ext, _ in made if ext == "jpg")  # type: ignore[attr-defined]
                total = sum(n for *_, n in made) / 1024  # type: ignore[attr-defined]
                print(
                    f"{pipeline:<8} {medians[pipeline]:9.0f} {times[0]:6.0f}-{times[-1]:<6.0f}"
                    f" {peaks[pipeline]:9.1f}  {shapes} ({total:.0f} KiB)"
                )
            summary.append(
                f"media {mp}MP: naive/warta time {medians['naive'] / medians['warta']:.1f}x, "
                f"naive/warta memory {peaks['naive'] / max(peaks['warta'], 0.1):.1f}x, "
                f"pyvips/warta time {medians['pyvips'] / medians['warta']:.1f}x"
            )
    print()
    print("\n".join(summary))


if __name__ == "__main__":
    main()
