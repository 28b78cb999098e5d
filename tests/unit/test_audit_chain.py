"""The hash chain's rules, on plain values: what holds, and what each tampering is called."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from bot.core.audit_chain import GENESIS, Anchor, ChainCheck, Link, canonical, link, values_of

START = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def _events(n: int) -> list[dict[str, object]]:
    return [
        {
            "id": i,
            "item_id": 1 + i // 3,
            "actor_id": 1000 + i,
            "actor_name": "Sari Dewi",
            "actor_role": "editor",
            "action": "accept",
            "from_state": "submitted",
            "to_state": "editing",
            "note": f"catatan {i} ✓",
            "created_at": START + timedelta(minutes=i),
            "acting_for_id": None,
            "acting_for_name": None,
        }
        for i in range(1, n + 1)
    ]


def _chain(events: list[dict[str, object]]) -> list[Link]:
    links, previous = [], GENESIS
    for seq, event in enumerate(events, start=1):
        own = link(previous, seq, values_of(event))
        links.append(Link(seq, previous, own))
        previous = own
    return links


def _check(
    events: list[dict[str, object]], links: list[Link], anchors: tuple[Anchor, ...] = ()
) -> ChainCheck:
    check = ChainCheck(anchors)
    for event, chained in zip(events, links, strict=True):
        if check.feed(values_of(event), chained):
            break
    check.finish()
    return check


def test_the_canonical_form_is_one_way_only() -> None:
    event = _events(1)[0]
    moment = event["created_at"]
    assert isinstance(moment, datetime)
    shifted = {**event, "created_at": moment.astimezone(timezone(timedelta(hours=7)))}  # same
    assert canonical(1, values_of(event)) == canonical(1, values_of(shifted))
    assert b'"2026-11-02T01:01:00.000000+00:00"' in canonical(1, values_of(event))
    assert canonical(1, values_of(event)) != canonical(2, values_of(event))


def test_an_untouched_chain_holds_and_ends_at_its_head() -> None:
    events = _events(10)
    links = _chain(events)
    check = _check(events, links, (Anchor(5, links[4].hash, "2026-11-02"),))
    assert check.finding is None and check.count == 10 and check.head == links[-1].hash


def test_an_edited_event_is_named() -> None:
    events, links = _events(10), _chain(_events(10))
    events[6] = {**events[6], "note": "diubah diam-diam"}
    finding = _check(events, links).finding
    assert finding is not None and (finding.problem, finding.event_id) == ("edited", 7)


def test_a_deleted_event_is_named_by_its_place() -> None:
    events, links = _events(10), _chain(_events(10))
    del events[3], links[3]
    finding = _check(events, links).finding
    assert finding is not None and (finding.problem, finding.seq) == ("deleted", 5)
    assert "number 4" in finding.detail


def test_events_moved_with_their_places_renumbered_are_caught() -> None:
    events, links = _events(10), _chain(_events(10))
    # Swap events 4 and 5 and give each the other's place: each hash now disagrees.
    events[3], events[4] = events[4], events[3]
    finding = _check(events, links).finding
    assert finding is not None and finding.problem == "edited" and finding.seq == 4


def test_a_deletion_with_the_rest_rehashed_is_caught_by_a_recorded_head() -> None:
    events = _events(10)
    anchors = (Anchor(8, _chain(events)[7].hash, "2026-11-02"),)
    rewritten = events[:2] + events[3:]  # event 3 gone, and everything after re-chained
    finding = _check(rewritten, _chain(rewritten), anchors).finding
    assert finding is not None and finding.problem == "rewritten" and finding.seq == 8
    cut = events[:6]
    finding = _check(cut, _chain(cut), anchors).finding
    assert (
        finding is not None
        and finding.problem == "deleted"
        and "8 were recorded" in (finding.detail)
    )


def test_a_broken_link_is_called_a_move() -> None:
    events, links = _events(5), _chain(_events(5))
    links[2] = replace(links[2], prev_hash=GENESIS, hash=link(GENESIS, 3, values_of(events[2])))
    finding = _check(events, links).finding
    assert finding is not None and finding.problem == "reordered" and finding.event_id == 3
