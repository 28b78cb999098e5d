"""``warta blobs migrate``: copy the originals from the local folder to S3."""

from __future__ import annotations

import asyncio

from bot.shell.config import Settings


def cmd_blobs_migrate(settings: Settings) -> int:
    """Copy every original to the configured bucket, checked; exit 1 when one could not
    be copied or its local file is damaged. Safe to run again (what is there is kept)."""
    from storage.blob_migration import migrate
    from storage.blobs import LocalBlobStore
    from storage.s3_blobs import S3BlobStore, S3Location

    if not settings.s3_bucket:
        print(
            "warta: set WARTA_S3_BUCKET (and WARTA_S3_ENDPOINT_URL for a provider other than "
            "AWS) to the bucket the originals go to, then run this again"
        )
        return 2
    source = LocalBlobStore(settings.media_dir)
    location = S3Location(
        settings.s3_bucket, settings.s3_prefix, settings.s3_endpoint_url, settings.s3_region
    )
    target = S3BlobStore(location, settings.data_dir / "tmp")
    print(f"copying the originals in {settings.media_dir.resolve()} to {location.describe()}")
    seen = {"copied": 0, "present": 0, "damaged": 0, "failed": 0}

    def progress(key: str, outcome: str) -> None:
        seen[outcome] += 1
        if outcome in ("damaged", "failed"):
            print(f"  {outcome.upper()}: {key}")
        elif sum(seen.values()) % 100 == 0:
            print(f"  {sum(seen.values())} originals so far")

    done = asyncio.run(migrate(source, target, progress))
    print(f"copied           {done.copied}")
    print(f"already there    {done.present}")
    for problem in done.failed:
        print(f"FAILED           {problem}")
    for key in done.damaged:
        print(f"DAMAGED          {key} (its content no longer matches its SHA-256; not copied)")
    if done.ok:
        print(
            "every original is in the bucket; set WARTA_BLOB_STORE=s3 and restart warta "
            f"(the local folder {settings.media_dir} is left as it was)"
        )
    return 0 if done.ok else 1
