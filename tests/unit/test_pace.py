"""Telegram's limits as sliding windows (``bot.core.pace``): pure, with made-up clock readings."""

from __future__ import annotations

import pytest

from bot.core.pace import Pace, Window

GROUP, PRIVATE = -100123, 4242


def pace(group: int = 20) -> Pace:
    return Pace(group=Window(group, 60.0), private=Window(3, 3.0), overall=Window(30, 1.0))


def test_a_group_takes_twenty_at_once_then_waits_for_the_oldest_to_leave() -> None:
    p = pace()
    for second in range(20):
        assert p.delay(GROUP, float(second)) == 0.0
        p.record(GROUP, float(second))
    # The 21st waits until the first (sent at 0 s) is a minute old.
    assert p.delay(GROUP, 20.0) == pytest.approx(40.0)
    assert p.delay(GROUP, 60.0) == 0.0


def test_an_album_counts_one_message_per_file() -> None:
    p = pace()
    p.record(GROUP, 0.0, 15)
    assert p.delay(GROUP, 1.0, 5) == 0.0
    # Ten more need ten of the fifteen gone, at 60 s.
    assert p.delay(GROUP, 1.0, 10) == pytest.approx(59.0)


def test_edits_do_not_use_up_a_groups_minute() -> None:
    p = pace()
    p.record(GROUP, 0.0, 20)
    assert p.delay(GROUP, 1.0, new=False) == 0.0
    p.record(GROUP, 1.0, new=False)
    assert p.delay(GROUP, 1.0) == pytest.approx(59.0)


def test_one_busy_group_does_not_slow_another_chat() -> None:
    p = pace()
    p.record(GROUP, 0.0, 20)
    assert p.delay(GROUP, 0.5) > 0
    assert p.delay(-100999, 0.5) == 0.0
    assert p.delay(PRIVATE, 0.5) == 0.0


def test_a_private_chat_allows_a_short_burst_then_about_one_a_second() -> None:
    p = pace()
    for _ in range(3):
        assert p.delay(PRIVATE, 10.0) == 0.0
        p.record(PRIVATE, 10.0)
    assert p.delay(PRIVATE, 10.0) == pytest.approx(3.0)


def test_the_overall_limit_holds_every_chat() -> None:
    p = pace()
    for chat in range(30):
        p.record(1000 + chat, 5.0)
    assert p.delay(2000, 5.5) == pytest.approx(0.5)
    assert p.delay(2000, 5.5, new=False) == pytest.approx(0.5)
    assert p.delay(2000, 6.0) == 0.0


def test_more_than_the_limit_at_once_waits_for_a_whole_window() -> None:
    p = pace(group=5)
    p.record(GROUP, 0.0, 5)
    # An album bigger than the window is treated as filling it.
    assert p.delay(GROUP, 0.0, 10) == pytest.approx(60.0)
