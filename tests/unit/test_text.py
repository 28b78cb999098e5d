"""Length-aware text helpers in ``bot.core.text``, measured the way Telegram measures."""

from __future__ import annotations

import random

import pytest

from bot.core.text import (
    CALLBACK_DATA_LIMIT,
    CAPTION_LIMIT,
    ELLIPSIS,
    TEXT_LIMIT,
    esc,
    excerpt,
    split_for_messages,
    split_title_body,
    truncate,
    utf16_len,
)

# Mixed alphabet: ASCII, Latin-1, BMP symbols, astral emoji (2 UTF-16 units each),
# a skin-tone modifier sequence, a mathematical bold letter, whitespace and HTML specials.
ALPHABET = ["a", "b", "Z", "é", "—", "✨", "😀", "👍🏽", "𝐁", " ", " ", "\n", "&", "<"]


def random_text(rng: random.Random, max_len: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, max_len)))


def random_words(rng: random.Random, count: int, max_word: int = 8) -> str:
    # Mostly BMP letters with the odd emoji, like real posts; astral-heavy text is
    # covered by its own test below.
    letters = ["a", "e", "k", "n", "i", "é", "✨", "—", "a", "e", "😀"]
    seps = [" ", " ", " ", "\n", "\n\n"]
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(1, max_word)))]
    for _ in range(count - 1):
        words.append(rng.choice(seps))
        words.append("".join(rng.choice(letters) for _ in range(rng.randint(1, max_word))))
    return "".join(words)


def test_limits_match_telegram() -> None:
    assert TEXT_LIMIT == 4096
    assert CAPTION_LIMIT == 1024
    assert CALLBACK_DATA_LIMIT == 64


# --- utf16_len ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("", 0),
        ("abc", 3),
        ("é", 1),
        ("—✨", 2),  # BMP: one unit each
        ("😀", 2),  # astral: a surrogate pair
        ("𝐁", 2),
        ("👍🏽", 4),  # emoji + skin-tone modifier, both astral
        ("👨‍👩‍👧", 8),  # ZWJ family: 3 astral + 2 joiners
        ("a😀b", 4),
    ],
)
def test_utf16_len(text: str, units: int) -> None:
    assert utf16_len(text) == units


def test_utf16_len_differs_from_len_for_astral() -> None:
    text = "😀" * 10
    assert len(text) == 10
    assert utf16_len(text) == 20


# --- truncate -------------------------------------------------------------------------


def test_truncate_leaves_short_text_alone() -> None:
    assert truncate("hello", 5) == "hello"
    assert truncate("hello", 100) == "hello"
    assert truncate("", 3) == ""


def test_truncate_cuts_at_a_word_boundary() -> None:
    assert truncate("hello world foo", 12) == "hello world" + ELLIPSIS


def test_truncate_cuts_a_long_word_hard() -> None:
    out = truncate("a" * 20, 10)
    assert out == "a" * 9 + ELLIPSIS
    assert utf16_len(out) == 10


def test_truncate_counts_emoji_as_two_units() -> None:
    out = truncate("😀" * 10, 10)
    assert utf16_len(out) <= 10
    assert out.endswith(ELLIPSIS)
    assert out == "😀" * 4 + ELLIPSIS


def test_truncate_never_splits_a_surrogate_pair() -> None:
    out = truncate("a" + "😀" * 10, 6)
    out.encode("utf-8")  # a lone surrogate would raise here
    assert utf16_len(out) <= 6


def test_truncate_property_random_strings() -> None:
    rng = random.Random(20261126)
    for _ in range(3000):
        text = random_text(rng, 300)
        limit = rng.randint(1, 250)
        out = truncate(text, limit)
        assert utf16_len(out) <= limit, (text, limit, out)
        if utf16_len(text) <= limit:
            assert out == text
        else:
            assert out.endswith(ELLIPSIS)
            assert text.startswith(out[: -len(ELLIPSIS)])


def test_truncate_property_at_telegram_limits() -> None:
    rng = random.Random(7)
    for _ in range(40):
        text = random_words(rng, rng.randint(300, 1200))
        for limit in (CAPTION_LIMIT, TEXT_LIMIT):
            out = truncate(text, limit)
            assert utf16_len(out) <= limit
            assert (out == text) == (utf16_len(text) <= limit)


# --- excerpt --------------------------------------------------------------------------


def test_excerpt_flattens_whitespace_and_cuts() -> None:
    assert excerpt(None) == ""
    assert excerpt("") == ""
    assert excerpt("a\n\n b\t c") == "a b c"
    out = excerpt("kata " * 100, 50)
    assert utf16_len(out) <= 50
    assert out.endswith(ELLIPSIS)


# --- esc ------------------------------------------------------------------------------


def test_esc_escapes_html_specials() -> None:
    assert esc("<b>A & B</b>") == "&lt;b&gt;A &amp; B&lt;/b&gt;"
    assert esc("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_esc_keeps_quotes_and_plain_text() -> None:
    assert esc('say "hi" it\'s') == 'say "hi" it\'s'
    assert esc("Halo 😀") == "Halo 😀"


def test_esc_accepts_any_object() -> None:
    assert esc(42) == "42"
    assert esc(None) == "None"


def test_esc_is_not_idempotent_by_design() -> None:
    # Text is escaped exactly once; escaping twice shows entities to the reader.
    assert esc(esc("&")) == "&amp;amp;"


# --- split_title_body -----------------------------------------------------------------


def test_first_line_is_title_rest_is_body() -> None:
    title, body = split_title_body("  Judul acara  \nBaris satu\n\nBaris dua\n", 300)
    assert title == "Judul acara"
    assert body == "Baris satu\n\nBaris dua"


def test_title_only() -> None:
    assert split_title_body("Hanya judul", 300) == ("Hanya judul", "")


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_text(text: str) -> None:
    assert split_title_body(text, 300) == ("", "")


def test_leading_blank_lines_are_skipped() -> None:
    assert split_title_body("\n\n Judul\nIsi", 300) == ("Judul", "Isi")


def test_long_single_line_caption_keeps_every_word() -> None:
    words = [f"kata{i}" for i in range(120)]
    text = " ".join(words)
    title, body = split_title_body(text, 100)
    assert title.endswith(ELLIPSIS)
    assert len(title) <= 100 + len(ELLIPSIS)
    # The title is the start of the text, cut at a word boundary.
    stem = title[: -len(ELLIPSIS)]
    assert text.startswith(stem)
    assert text[len(stem)] == " "
    # Nothing is lost: the body still carries the whole paragraph.
    assert body.split() == words


def test_long_first_line_keeps_the_following_lines() -> None:
    first = " ".join(["panjang"] * 60)
    title, body = split_title_body(f"{first}\nBaris kedua", 100)
    assert title.endswith(ELLIPSIS)
    assert body == f"{first}\nBaris kedua"


def test_title_cut_drops_trailing_punctuation() -> None:
    text = "Satu, dua, tiga, empat, lima, enam, tujuh, delapan, sembilan, sepuluh"
    title, _ = split_title_body(text, 20)
    assert title[-2] not in " ,.;:"


def test_title_at_exactly_the_limit_is_kept_whole() -> None:
    title = "x" * 50
    assert split_title_body(f"{title}\nisi", 50) == (title, "isi")


def test_long_title_with_spaces_stays_within_limit() -> None:
    rng = random.Random(3)
    for _ in range(200):
        words = ["".join(rng.choice("abcdef") for _ in range(rng.randint(1, 15)))]
        words += [
            "".join(rng.choice("abcdef") for _ in range(rng.randint(1, 15)))
            for _ in range(rng.randint(5, 80))
        ]
        text = " ".join(words)
        limit = rng.randint(20, 120)
        title, body = split_title_body(text, limit)
        if len(text) > limit:
            assert len(title) <= limit, (text, limit, title)
            assert body.split() == words


def test_long_title_without_spaces_stays_within_limit() -> None:
    url = "https://example.go.id/" + "a" * 400
    title, body = split_title_body(url, 300)
    assert len(title) <= 300
    assert body == url


# --- split_for_messages ---------------------------------------------------------------


def test_short_text_is_one_piece() -> None:
    assert split_for_messages("Halo dunia", 100) == ["Halo dunia"]


def test_empty_text_is_no_pieces() -> None:
    assert split_for_messages("", 100) == []


def test_default_limit_is_a_message() -> None:
    text = "kata " * 2000
    pieces = split_for_messages(text)
    assert len(pieces) > 1
    assert all(utf16_len(p) <= TEXT_LIMIT for p in pieces)


def test_splits_at_whitespace() -> None:
    text = ("a" * 40 + "\n\n") * 5
    pieces = split_for_messages(text.strip(), 100)
    assert all(set(p) <= {"a", "\n"} for p in pieces)
    assert all(not p.startswith("\n") and not p.endswith("\n") for p in pieces)
    assert "".join(pieces).replace("\n", "") == "a" * 200


def test_a_word_longer_than_the_limit_is_cut_hard() -> None:
    text = "x" * 250
    pieces = split_for_messages(text, 100)
    assert all(utf16_len(p) <= 100 for p in pieces)
    assert "".join(pieces) == text


def test_astral_characters_never_overflow_or_split() -> None:
    text = "😀" * 150
    pieces = split_for_messages(text, 101)
    assert all(utf16_len(p) <= 101 for p in pieces)
    assert "".join(pieces) == text
    for piece in pieces:
        piece.encode("utf-8")


def test_split_property_random_words() -> None:
    rng = random.Random(1126)
    for _ in range(400):
        text = random_words(rng, rng.randint(1, 300))
        limit = rng.randint(60, 400)
        pieces = split_for_messages(text, limit)
        assert all(utf16_len(p) <= limit for p in pieces), (text, limit)
        assert all(p.strip() for p in pieces)
        assert " ".join(pieces).split() == text.split(), (text, limit)


def test_split_property_random_strings() -> None:
    """Arbitrary strings: never over the limit, and no character other than
    whitespace is lost or reordered."""
    rng = random.Random(99)
    for _ in range(1500):
        text = random_text(rng, 600)
        limit = rng.randint(10, 200)
        pieces = split_for_messages(text, limit)
        assert all(utf16_len(p) <= limit for p in pieces), (text, limit)
        squash = "".join(text.split())
        assert "".join("".join(p.split()) for p in pieces) == squash


def test_astral_words_are_not_cut_mid_word() -> None:
    word = "😀" * 30  # 60 UTF-16 units, fits a 100-unit message on its own
    text = " ".join([word] * 3)
    pieces = split_for_messages(text, 100)
    assert pieces == [word, word, word]
