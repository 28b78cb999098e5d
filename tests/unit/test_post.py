"""The public form of an item, ``bot.core.post.compose``: Telegram HTML within Telegram's limits."""

from __future__ import annotations

import html
import random

import pytest

from bot.core.post import PublicPost, compose
from bot.core.text import CAPTION_LIMIT, TEXT_LIMIT, utf16_len

TITLE = "Pelayanan perizinan tetap buka"
BODY = "Kantor DPMPTSP tetap melayani\n\npada hari Sabtu pukul 08.00 – 12.00."


def long_body(units: int, seed: int = 5) -> str:
    """Paragraphs of words (with some emoji) at least ``units`` UTF-16 units long."""
    rng = random.Random(seed)
    words = ["layanan", "izin", "usaha", "warga", "kantor", "😀", "✨", "Pangkalpinang"]
    paragraphs = []
    while utf16_len("\n\n".join(paragraphs)) < units:
        paragraphs.append(" ".join(rng.choice(words) for _ in range(rng.randint(5, 60))))
    return "\n\n".join(paragraphs)


def plain(text: str) -> str:
    """What the reader sees: tags removed, entities decoded."""
    for tag in ("<b>", "</b>"):
        text = text.replace(tag, "")
    return html.unescape(text)


def test_short_text_is_one_caption() -> None:
    post = compose(TITLE, BODY, "Berita", "Bidang Pelayanan", has_visual_media=True)
    assert isinstance(post, PublicPost)
    assert post.follow_ups == ()
    assert post.caption.startswith(f"<b>{TITLE}</b>\n\n")
    assert BODY in post.caption


def test_html_in_short_text_is_escaped() -> None:
    post = compose("A <b> & B", "x < y & z > w", None, None, has_visual_media=True)
    assert post.caption == "<b>A &lt;b&gt; &amp; B</b>\n\nx &lt; y &amp; z &gt; w"


def test_script_tags_are_escaped() -> None:
    post = compose(
        "<script>alert(1)</script>", "<script>steal()</script>", None, None, has_visual_media=False
    )
    assert "<script>" not in post.caption
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in post.caption
    assert "&lt;script&gt;steal()&lt;/script&gt;" in post.caption


def test_script_tags_in_follow_ups_are_escaped() -> None:
    body = "<script>x()</script> " + long_body(5000)
    post = compose("<script>t</script>", body, None, None, has_visual_media=True)
    assert post.follow_ups
    everything = post.caption + "".join(post.follow_ups)
    assert "<script>" not in everything
    assert post.follow_ups[0].startswith("&lt;script&gt;")


def test_footer_carries_category_and_section() -> None:
    post = compose(TITLE, BODY, "Pengumuman", "Bidang Pengawasan", has_visual_media=True)
    assert post.caption.endswith("\n\nPengumuman · Bidang Pengawasan")


@pytest.mark.parametrize(
    ("category", "section", "footer"),
    [
        ("Berita", None, "\n\nBerita"),
        (None, "Bidang A", "\n\nBidang A"),
        ("", "", ""),
        (None, None, ""),
    ],
)
def test_footer_parts_are_optional(category: str | None, section: str | None, footer: str) -> None:
    post = compose(TITLE, BODY, category, section, has_visual_media=True)
    assert post.caption == f"<b>{TITLE}</b>\n\n{BODY}{footer}"


def test_footer_is_escaped() -> None:
    post = compose(TITLE, None, "Q&A", "<Bidang>", has_visual_media=False)
    assert post.caption.endswith("\n\nQ&amp;A · &lt;Bidang&gt;")


def test_no_body_and_no_title() -> None:
    assert compose(TITLE, None, None, None, True).caption == f"<b>{TITLE}</b>"
    assert compose(TITLE, "   \n", None, None, True).caption == f"<b>{TITLE}</b>"
    assert compose(None, BODY, None, None, True).caption == f"<b></b>\n\n{BODY}"


def test_body_is_stripped() -> None:
    post = compose(TITLE, "\n\n  isi  \n", None, None, True)
    assert post.caption == f"<b>{TITLE}</b>\n\nisi"


def test_long_text_with_media_moves_body_to_follow_ups() -> None:
    body = long_body(3000)
    post = compose(TITLE, body, "Berita", "Bidang A", has_visual_media=True)
    assert utf16_len(post.caption) <= CAPTION_LIMIT
    assert post.caption == f"<b>{TITLE}</b>\n\nBerita · Bidang A"
    assert post.follow_ups
    assert all(utf16_len(p) <= TEXT_LIMIT for p in post.follow_ups)
    # Nothing lost, in order.
    assert " ".join(plain(p) for p in post.follow_ups).split() == body.split()


def test_just_over_the_caption_limit_moves_the_body() -> None:
    head = f"<b>{TITLE}</b>\n\n"
    body = "a" * (CAPTION_LIMIT - len(head))
    assert compose(TITLE, body, None, None, True).follow_ups == ()
    post = compose(TITLE, body + "b", None, None, True)
    assert post.caption == f"<b>{TITLE}</b>"
    assert post.follow_ups == (body + "b",)


def test_caption_limit_is_counted_in_utf16_units() -> None:
    head = f"<b>{TITLE}</b>\n\n"
    room = CAPTION_LIMIT - len(head)
    fits = "😀" * (room // 2)
    assert compose(TITLE, fits, None, None, True).follow_ups == ()
    # Same number of characters, but twice the units: too long for a caption.
    too_long = "😀" * room
    post = compose(TITLE, too_long, None, None, True)
    assert post.follow_ups
    assert utf16_len(post.caption) <= CAPTION_LIMIT


def test_without_media_the_limit_is_a_whole_message() -> None:
    body = long_body(3000)
    post = compose(TITLE, body, "Berita", None, has_visual_media=False)
    assert post.follow_ups == ()
    assert utf16_len(post.caption) <= TEXT_LIMIT
    assert plain(post.caption).split() == [*TITLE.split(), *body.split(), "Berita"]


def test_without_media_very_long_text_is_split() -> None:
    body = long_body(12000)
    post = compose(TITLE, body, "Berita", "Bidang A", has_visual_media=False)
    assert post.caption == f"<b>{TITLE}</b>\n\nBerita · Bidang A"
    assert len(post.follow_ups) >= 3
    assert all(utf16_len(p) <= TEXT_LIMIT for p in post.follow_ups)
    assert " ".join(plain(p) for p in post.follow_ups).split() == body.split()


def test_long_text_with_some_html_stays_within_limits() -> None:
    # A few escapable characters per message: escaping must not push a part over.
    body = long_body(9000).replace("izin", "izin & <usaha>", 20)
    post = compose("Q&A <izin>", body, "Berita", None, has_visual_media=True)
    assert utf16_len(post.caption) <= CAPTION_LIMIT
    assert all(utf16_len(p) <= TEXT_LIMIT for p in post.follow_ups)
    assert " ".join(plain(p) for p in post.follow_ups).split() == body.split()


def test_overlong_title_is_cut_in_the_caption() -> None:
    title = "Judul " * 200  # 1200 characters
    post = compose(title, long_body(2000), None, None, has_visual_media=True)
    assert utf16_len(post.caption) <= CAPTION_LIMIT
    assert post.caption.startswith("<b>Judul")
    assert post.caption.endswith("…</b>")


def test_follow_ups_rich_in_html_specials_stay_within_limit() -> None:
    body = "Q & A <-> " * 1500  # every 10 characters carry 3 escapable ones
    post = compose(TITLE, body, None, None, has_visual_media=True)
    assert all(utf16_len(p) <= TEXT_LIMIT for p in post.follow_ups)


def test_caption_with_escaped_title_stays_within_limit() -> None:
    title = "<&>" * 100  # 300 characters, the longest title items.py accepts
    post = compose(title, long_body(2000), "Berita", None, has_visual_media=True)
    assert utf16_len(post.caption) <= CAPTION_LIMIT
