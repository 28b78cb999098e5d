"""Blanking the metadata boxes of MP4 videos (``publisher.mp4meta``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.mp4meta import NotMp4, strip_mp4_file, strip_mp4_metadata
from tests.fakebotapi import PHONE_MP4_SAMPLES, mp4_box, sample_phone_mp4

LOCATION = b"+06.1234+106.8456/"


def test_location_and_maker_are_gone_and_everything_else_stays_in_place() -> None:
    original, samples = sample_phone_mp4(), PHONE_MP4_SAMPLES
    cleaned = strip_mp4_metadata(original)

    assert len(cleaned) == len(original)
    assert LOCATION not in cleaned and b"Phone" not in cleaned and b"xmpmeta" not in cleaned
    assert b"Rina's phone" not in cleaned and b"ISO6709" not in cleaned
    # The media data sits at the very same offset, byte for byte (offsets stay valid).
    at = original.index(samples)
    assert cleaned[at : at + len(samples)] == samples
    # The boxes that describe the tracks are untouched.
    for kept in (b"mvhd" + b"\x00" * 100, b"tkhd" + b"\x01" * 84, b"stbl" + b"\x03" * 40):
        assert kept in cleaned
    # Metadata boxes became free space of the same size.
    assert cleaned.count(b"free") == 4
    assert b"udta" not in cleaned and b"meta" not in cleaned and b"uuid" not in cleaned


def test_a_clean_video_is_returned_as_it_is() -> None:
    data = mp4_box(b"ftyp", b"isom\x00\x00\x02\x00") + mp4_box(
        b"moov", mp4_box(b"mvhd", b"\x00" * 100)
    )
    data += mp4_box(b"mdat", b"frames")
    assert strip_mp4_metadata(data) is data


def test_what_is_not_an_mp4_is_left_alone() -> None:
    assert strip_mp4_metadata(b"%PDF-1.4 not a video") == b"%PDF-1.4 not a video"
    original = sample_phone_mp4()
    truncated = original[:-5]  # the last box claims more bytes than there are
    assert strip_mp4_metadata(truncated) == truncated
    assert strip_mp4_metadata(b"") == b""


def test_a_file_is_cleaned_in_place_as_the_bytes_are(tmp_path: Path) -> None:
    original = sample_phone_mp4()
    video = tmp_path / "video.mp4"
    video.write_bytes(original)
    assert strip_mp4_file(video) == 4
    assert video.read_bytes() == strip_mp4_metadata(original)
    # Already clean: nothing more to do.
    assert strip_mp4_file(video) == 0


def test_a_malformed_file_is_refused_and_not_touched(tmp_path: Path) -> None:
    truncated = sample_phone_mp4()[:-5]
    video = tmp_path / "video.mp4"
    video.write_bytes(truncated)
    with pytest.raises(NotMp4):
        strip_mp4_file(video)
    assert video.read_bytes() == truncated


def test_a_quicktime_file_without_ftyp_is_cleaned_too(tmp_path: Path) -> None:
    # Older QuickTime files start with their moov (or a "wide" box), not with ftyp.
    original = sample_phone_mp4()
    at = original.index(b"moov") - 4
    video = tmp_path / "old.mov"
    video.write_bytes(original[at:])
    assert strip_mp4_file(video) == 4
    assert LOCATION not in video.read_bytes()
