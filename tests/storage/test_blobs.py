"""The local, content-addressed blob store."""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from pathlib import Path

import pytest

from bot.ports.blobs import BlobNotFoundError, BlobRef, BlobStore, blob_key
from storage.blobs import LocalBlobStore

DATA = b"\x89PNG fake image bytes " * 1000


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def store(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs")


def tmp_files(store: LocalBlobStore) -> list[Path]:
    return list(store.tmp_dir.iterdir())


def test_local_store_implements_the_port(store: LocalBlobStore) -> None:
    assert isinstance(store, BlobStore)


async def test_put_bytes_then_read(store: LocalBlobStore) -> None:
    ref = await store.put_bytes(DATA)
    digest = sha(DATA)
    assert ref == BlobRef(key=f"{digest[:2]}/{digest[2:4]}/{digest}", size=len(DATA), sha256=digest)
    assert await store.read_bytes(ref.key) == DATA
    assert await store.exists(ref.key)
    path = store.local_path(ref.key)
    assert path is not None and path == store.root / ref.key
    assert path.read_bytes() == DATA
    assert tmp_files(store) == []


async def test_put_file_consumes_the_temp_file(store: LocalBlobStore) -> None:
    temp = store.new_temp_path(".jpg")
    assert temp.parent == store.tmp_dir and temp.suffix == ".jpg" and not temp.exists()
    temp.write_bytes(DATA)

    ref = await store.put_file(temp)
    assert not temp.exists()
    assert tmp_files(store) == []
    assert (ref.size, ref.sha256) == (len(DATA), sha(DATA))
    assert await store.read_bytes(ref.key) == DATA


async def test_file_larger_than_a_chunk(store: LocalBlobStore) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    temp = store.new_temp_path()
    temp.write_bytes(data)
    ref = await store.put_file(temp)
    assert (ref.size, ref.sha256) == (len(data), sha(data))


async def test_empty_blob(store: LocalBlobStore) -> None:
    ref = await store.put_bytes(b"")
    assert (ref.size, ref.sha256) == (0, sha(b""))
    assert await store.read_bytes(ref.key) == b""


async def test_same_content_is_stored_once(store: LocalBlobStore) -> None:
    first = await store.put_bytes(DATA)
    temp = store.new_temp_path()
    temp.write_bytes(DATA)
    second = await store.put_file(temp)
    assert first == second
    assert not temp.exists()
    stored = [p for p in store.root.rglob("*") if p.is_file()]
    assert stored == [store.root / first.key]

    other = await store.put_bytes(DATA + b"!")
    assert other.key != first.key


async def test_file_from_another_folder(store: LocalBlobStore, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.bin"
    outside.write_bytes(DATA)
    ref = await store.put_file(outside)
    assert not outside.exists()
    assert await store.read_bytes(ref.key) == DATA


async def test_putting_a_blob_back_keeps_it(store: LocalBlobStore) -> None:
    ref = await store.put_bytes(DATA)
    path = store.local_path(ref.key)
    assert path is not None
    assert await store.put_file(path) == ref
    assert await store.read_bytes(ref.key) == DATA


async def test_concurrent_puts_of_the_same_content(store: LocalBlobStore) -> None:
    temps = []
    for _ in range(8):
        temp = store.new_temp_path(".mp4")
        temp.write_bytes(DATA)
        temps.append(temp)
    refs = await asyncio.gather(
        *(store.put_file(temp) for temp in temps),
        *(store.put_bytes(DATA) for _ in range(8)),
    )
    assert len(set(refs)) == 1
    assert await store.read_bytes(refs[0].key) == DATA
    assert tmp_files(store) == []
    assert [p for p in store.root.rglob("*") if p.is_file()] == [store.root / refs[0].key]


async def test_missing_blob(store: LocalBlobStore) -> None:
    key = blob_key(sha(b"never stored"))
    assert not await store.exists(key)
    assert store.local_path(key) is None
    with pytest.raises(BlobNotFoundError):
        await store.read_bytes(key)


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "ab/cd/" + "0" * 64,  # prefix does not match the digest
        sha(b"x"),  # no folders
        "/" + blob_key(sha(b"x")),
        blob_key(sha(b"x")).upper(),
    ],
)
async def test_malformed_keys_are_refused(store: LocalBlobStore, key: str) -> None:
    with pytest.raises(ValueError):
        await store.read_bytes(key)
    with pytest.raises(ValueError):
        await store.exists(key)
    with pytest.raises(ValueError):
        store.local_path(key)


def test_temp_paths_are_unique_and_suffixes_safe(store: LocalBlobStore) -> None:
    assert len({store.new_temp_path() for _ in range(100)}) == 100
    with pytest.raises(ValueError):
        store.new_temp_path("/../../x")


async def test_sweep_removes_only_old_temp_files(store: LocalBlobStore) -> None:
    old, fresh = store.new_temp_path(), store.new_temp_path()
    old.write_bytes(b"old")
    fresh.write_bytes(b"fresh")
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    assert await store.sweep_temp(older_than_seconds=60) == 1
    assert tmp_files(store) == [fresh]
