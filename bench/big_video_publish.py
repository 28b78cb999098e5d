"""Benchmark: making a large video public, warta's way against reading it into memory.

A phone-like MP4 of ``--mb`` MiB (500 by default: ``ftyp``, a ``moov`` whose ``udta``
holds a GPS position, then the pictures in ``mdat``) is put in a local blob store. Each
variant runs in a fresh process of its own and makes the public copy and writes it into
the static site's media folder, as the site target does:

* ``memory``: what warta did before: the original read whole (``read_bytes``), its
  metadata blanked in a copy (``strip_mp4_metadata``), the copy written out;
* ``warta``: ``PublicFiles.get`` and ``PublicMediaFolder.export``: the original copied
  file to file, the metadata boxes blanked in place, the copy copied into the site.

Each prints the growth of its peak resident memory (VmHWM, reset before) and the event
loop's longest stall meanwhile (a task that wakes every 10 ms): how long an unrelated
chat's ``/start`` would have waited. The last line gives the ratios memory / warta.

    .venv/bin/python bench/big_video_publish.py [--mb 500]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.big_file import MIB, _reset_peak, _status, _ticker

LOCATION = b"+06.1234+106.8456/"


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _write_video(path: Path, mebibytes: int) -> None:
    """``ftyp``, ``moov`` (with a location in ``udta``), then an ``mdat`` of the size."""
    head = _box(b"ftyp", b"isom\x00\x00\x02\x00isommp42")
    head += _box(b"moov", _box(b"mvhd", bytes(100)) + _box(b"udta", _box(b"\xa9xyz", LOCATION)))
    block = bytes(range(256)) * (MIB // 256)
    with path.open("wb") as out:
        out.write(head)
        out.write(struct.pack(">I4s", 8 + mebibytes * MIB, b"mdat"))
        for _ in range(mebibytes):
            out.write(block)


async def _publish(variant: str, data_dir: Path) -> Path:
    from bot.ports.targets import ArticleMedia
    from publisher.files import PublicFiles
    from publisher.mp4meta import strip_mp4_metadata
    from publisher.public_media import PublicMediaFolder
    from storage.blobs import LocalBlobStore

    blobs = LocalBlobStore(data_dir / "media")
    key = next(blobs.stored_keys())
    site = data_dir / f"site-{variant}"
    if variant == "memory":
        original = await blobs.read_bytes(key)
        cleaned = await asyncio.to_thread(strip_mp4_metadata, original)
        target = site / "media" / "video.mp4"
        target.parent.mkdir(parents=True)
        await asyncio.to_thread(target.write_bytes, cleaned)
        return target
    media = ArticleMedia("video", key, key.rsplit("/", 1)[-1], "video/mp4", "video.mp4")
    files = PublicFiles(blobs, data_dir / f"renditions-{variant}")
    relative, _ = await PublicMediaFolder(site, "http://127.0.0.1", files).export(media)
    return site / relative


async def _measure(variant: str, data_dir: Path) -> dict[str, float]:
    import publisher.files
    import publisher.public_media  # noqa: F401

    _reset_peak()
    before = _status("VmRSS")
    stop, lags = asyncio.Event(), []
    ticker = asyncio.create_task(_ticker(stop, lags))
    started = time.perf_counter()
    written = await _publish(variant, data_dir)
    seconds = time.perf_counter() - started
    stop.set()
    await ticker
    with written.open("rb") as public:
        clean = LOCATION not in public.read(64 * 1024)
    return {
        "growth_mib": (_status("VmHWM") - before) / MIB,
        "max_lag_ms": max(lags, default=0.0) * 1000,
        "seconds": seconds,
        "clean": float(clean),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=500, help="video size in MiB (500)")
    parser.add_argument("--variant", choices=["memory", "warta"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(asyncio.run(_measure(args.variant, args.data))))
        return
    from storage.blobs import LocalBlobStore

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        upload = data_dir / "upload.mp4"
        _write_video(upload, args.mb)
        asyncio.run(LocalBlobStore(data_dir / "media").put_file(upload))
        results = {}
        print(f"one {args.mb} MiB phone video made public, each variant in its own process")
        print(f"{'':8}{'seconds':>9}{'peak RSS growth MiB':>21}{'longest loop stall ms':>23}")
        for variant in ("memory", "warta"):
            command = [sys.executable, __file__, "--variant", variant, "--data", str(data_dir)]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            assert result["clean"], f"{variant}: the location is still in the public copy"
            results[variant] = result
            print(
                f"{variant:8}{result['seconds']:9.2f}{result['growth_mib']:21.1f}"
                f"{result['max_lag_ms']:23.1f}"
            )
    memory, warta = results["memory"], results["warta"]
    ratio = memory["growth_mib"] / max(warta["growth_mib"], 0.1)
    stall = memory["max_lag_ms"] / max(warta["max_lag_ms"], 0.1)
    print(
        f"big video {args.mb}MB: memory/warta memory {ratio:.1f}x, memory/warta loop stall "
        f"{stall:.1f}x; warta +{warta['growth_mib']:.0f} MiB (target < 50), longest stall "
        f"{warta['max_lag_ms']:.0f} ms (target < 500)"
    )


if __name__ == "__main__":
    main()
