"""A large file comes in chunks: memory does not grow with its size."""

from __future__ import annotations

import hashlib
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from telegram import File

from handlers.telegram_files import FetchError, fetch

MIB = 1024 * 1024


@pytest.fixture
async def file_server(tmp_path: Path) -> AsyncIterator[str]:
    """Serves the folder ``tmp_path/served`` over HTTP (as Telegram's file server)."""
    served = tmp_path / "served"
    served.mkdir()
    app = web.Application()
    app.router.add_static("/file/bot123:abc/", served)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}/file/bot123:abc"
    finally:
        await runner.cleanup()


def _big_file(path: Path, mebibytes: int) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for index in range(mebibytes):
            block = bytes([index % 251]) * MIB
            out.write(block)
            digest.update(block)
    return digest.hexdigest()


async def test_a_64_mib_download_keeps_memory_flat(tmp_path: Path, file_server: str) -> None:
    digest = _big_file(tmp_path / "served" / "video.mp4", 64)
    telegram_file = File("id", "unique", file_path=f"{file_server}/video.mp4")
    target = tmp_path / "received"

    tracemalloc.start()
    try:
        size = await fetch(telegram_file, target, local_mode=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert size == 64 * MIB
    assert hashlib.sha256(target.read_bytes()).hexdigest() == digest
    # A few chunks in flight at most, not the file (PTB's own download holds all 64 MiB).
    assert peak < 8 * MIB, f"peak {peak / MIB:.1f} MiB"


async def test_a_name_with_spaces_is_fetched(tmp_path: Path, file_server: str) -> None:
    (tmp_path / "served" / "laporan akhir.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    telegram_file = File("id", "unique", file_path=f"{file_server}/laporan akhir.pdf")
    await fetch(telegram_file, tmp_path / "received", local_mode=False)
    assert (tmp_path / "received").read_bytes() == b"%PDF-1.4\n%%EOF\n"


async def test_a_failed_download_says_so_without_the_token(
    tmp_path: Path, file_server: str
) -> None:
    telegram_file = File("id", "unique", file_path=f"{file_server}/gone.mp4")
    with pytest.raises(FetchError) as failed:
        await fetch(telegram_file, tmp_path / "received", local_mode=False)
    assert "404" in str(failed.value) and "123:abc" not in str(failed.value)
    unreachable = File("id", "unique", file_path="http://127.0.0.1:9/file/bot123:abc/x")
    with pytest.raises(FetchError) as failed:
        await fetch(unreachable, tmp_path / "other", local_mode=False)
    assert "123:abc" not in str(failed.value)


async def test_local_mode_copies_from_the_servers_disk(tmp_path: Path) -> None:
    source = tmp_path / "bot-api" / "documents" / "file_1.pdf"
    source.parent.mkdir(parents=True)
    digest = _big_file(source, 3)
    telegram_file = File("id", "unique", file_path=str(source))
    size = await fetch(telegram_file, tmp_path / "received", local_mode=True)
    assert size == 3 * MIB
    assert hashlib.sha256((tmp_path / "received").read_bytes()).hexdigest() == digest
