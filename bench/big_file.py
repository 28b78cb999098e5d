"""Benchmark: taking in one large file, warta's way against PTB's own download.

A file of ``--mb`` MiB (500 by default) is served over HTTP by a separate process
(``python -m http.server`` on 127.0.0.1), standing in for Telegram's file server. Each
variant runs in a fresh process of its own, so their memory figures do not mix:

* ``ptb``: ``telegram.File.download_to_drive``, as warta did before: the whole file is
  read into memory, then written in one blocking call;
* ``warta``: ``handlers.telegram_files.fetch``: streamed in 1 MiB chunks, each written
  from a worker thread.

Each prints the growth of its peak resident memory (VmHWM, reset before the download)
and the event loop's longest stall meanwhile (a task that wakes every 10 ms measures
how late it woke): the time an unrelated chat's ``/start`` would have waited. The last
line gives the ratios ptb / warta.

    .venv/bin/python bench/big_file.py [--mb 500]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MIB = 1024 * 1024


def _status(field: str) -> int:
    """A memory figure of this process from /proc, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


async def _ticker(stop: asyncio.Event, lags: list[float]) -> None:
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - before - 0.01)


async def _download(variant: str, url: str, dest: Path) -> None:
    from telegram import Bot, File

    telegram_file = File("bench", "bench", file_path=url)
    if variant == "ptb":
        bot = Bot("1:bench")
        await bot.request.initialize()
        telegram_file.set_bot(bot)
        try:
            await telegram_file.download_to_drive(dest, read_timeout=600)
        finally:
            await bot.request.shutdown()
    else:
        from handlers.telegram_files import fetch

        await fetch(telegram_file, dest, local_mode=False)


async def _measure(variant: str, url: str, dest: Path) -> dict[str, float]:
    import telegram  # noqa: F401

    import handlers.telegram_files  # noqa: F401  (imports are not the download's cost)

    _reset_peak()
    before = _status("VmRSS")
    stop, lags = asyncio.Event(), []
    ticker = asyncio.create_task(_ticker(stop, lags))
    started = time.perf_counter()
    await _download(variant, url, dest)
    seconds = time.perf_counter() - started
    stop.set()
    await ticker
    return {
        "growth_mib": (_status("VmHWM") - before) / MIB,
        "max_lag_ms": max(lags, default=0.0) * 1000,
        "seconds": seconds,
        "size_mib": _size(dest) / MIB,
    }


def _reset_peak() -> None:
    """Make VmHWM (the peak RSS) start again from the current RSS."""
    Path("/proc/self/clear_refs").write_text("5")


def _size(path: Path) -> int:
    return path.stat().st_size


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _write_file(path: Path, mebibytes: int) -> None:
    block = bytes(range(256)) * (MIB // 256)
    with path.open("wb") as out:
        for _ in range(mebibytes):
            out.write(block)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=500, help="file size in MiB (500)")
    parser.add_argument("--variant", choices=["ptb", "warta"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--dest", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(asyncio.run(_measure(args.variant, args.url, args.dest))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        served = folder / "served"
        served.mkdir()
        _write_file(served / "video.mp4", args.mb)
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
            cwd=served,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}/video.mp4"
        try:
            for _ in range(100):
                with contextlib.suppress(OSError):
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
                    break
                time.sleep(0.05)
            results = {}
            for variant in ("ptb", "warta"):
                dest = folder / f"{variant}.bin"
                done = subprocess.run(
                    [sys.executable, __file__, "--variant", variant, "--url", url, "--dest", dest],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                results[variant] = json.loads(done.stdout)
                dest.unlink()
        finally:
            server.terminate()
            server.wait()
    print(f"one {args.mb} MiB file over HTTP from 127.0.0.1, each variant in its own process")
    print(f"{'':8} {'seconds':>8} {'peak RSS growth MiB':>20} {'longest loop stall ms':>22}")
    for variant, figures in results.items():
        print(
            f"{variant:8} {figures['seconds']:8.2f} {figures['growth_mib']:20.1f} "
            f"{figures['max_lag_ms']:22.1f}"
        )
    ptb, warta = results["ptb"], results["warta"]
    memory = ptb["growth_mib"] / max(warta["growth_mib"], 0.1)
    stall = ptb["max_lag_ms"] / max(warta["max_lag_ms"], 0.1)
    print(
        f"big file {args.mb}MB: ptb/warta memory {memory:.1f}x, ptb/warta loop stall "
        f"{stall:.1f}x; warta +{warta['growth_mib']:.0f} MiB (target < 50), longest stall "
        f"{warta['max_lag_ms']:.0f} ms (target < 500)"
    )


if __name__ == "__main__":
    main()
