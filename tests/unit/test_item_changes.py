"""What a move changes on the item, decided by the core as values
(``bot.core.item_changes``), and storage's guard on what it may write."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.item_changes import (
    Changes,
    Edit,
    absorb_text,
    edit_changes,
    enter_step,
    move_changes,
    outbox_changes,
    view_of,
)
from bot.core.publication import CANCELLED, PENDING, PUBLISHED, REMOVED, REMOVING, UNCERTAIN
from bot.core.standards import StepClock, TimeStandards
from bot.core.values import Item, Media, Publication
from bot.core.workflow import Action, Role, State, Transition, WorkflowError
from storage.item_changes import apply_changes
from storage.models import Item as ItemRow
from tests.unit.report_month import CALENDAR

# Monday 30 November 2026, 09.00 WIB: the office is open.
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
CLOCK = StepClock(TimeStandards(), CALENDAR)


def publication(target: str, status: str, **fields: object) -> Publication:
    return Publication(0, 1, target, status, NOW, NOW, **fields)  # type: ignore[arg-type]


def photo(media_id: int, position: int, **fields: object) -> Media:
    return Media(media_id, 1, "photo", "f", "u", NOW, position=position, **fields)  # type: ignore[arg-type]


ITEM = Item(
    id=1,
    code="PKP-2026-0001",
    state=State.APPROVED.value,
    version=4,
    officer_id=7,
    created_at=NOW,
    updated_at=NOW,
    state_entered_at=NOW,
    title="Sidak pasar",
    media=(photo(11, 1), photo(12, 2)),
)


def move(action: Action, source: State, target: State, note: str | None = None) -> Transition:
    return Transition(action, source, target, Role.PUBLISHER, note, NOW)


def test_publishing_writes_one_waiting_row_per_target_it_lacks() -> None:
    item = replace(ITEM, publications=(publication("site", PUBLISHED),))
    published = move(Action.PUBLISH, State.APPROVED, State.PUBLISHED)
    changes = outbox_changes(item, published, NOW, ["site", "wordpress", "channel"])
    assert changes.new_targets == ("wordpress", "channel")
    assert changes.item == {"publish_at": None}


@pytest.mark.parametrize(
    ("status", "fields", "becomes"),
    [
        (PENDING, {}, CANCELLED),  # never sent: nothing to take down
        (PENDING, {"remote_id": "42"}, REMOVING),
        (PENDING, {"ambiguous": True}, REMOVING),  # it may be out there
        (PUBLISHED, {"remote_id": "42"}, REMOVING),
        (UNCERTAIN, {}, REMOVING),
    ],
)
def test_a_takedown_cancels_what_never_went_out_and_removes_the_rest(
    status: str, fields: dict[str, object], becomes: str
) -> None:
    item = replace(
        ITEM,
        state=State.PUBLISHED.value,
        publications=(publication("site", status, attempts=3, **fields),),
    )
    takedown = move(Action.UNPUBLISH, State.PUBLISHED, State.UNPUBLISHED, "Data keliru")
    changes = outbox_changes(item, takedown, NOW, ["site"])
    assert changes.publications["site"]["status"] == becomes
    assert changes.publications["site"]["attempts"] == 0


def test_a_takedown_leaves_finished_rows_alone() -> None:
    item = replace(ITEM, publications=(publication("site", REMOVED),))
    takedown = move(Action.UNPUBLISH, State.PUBLISHED, State.UNPUBLISHED, "x")
    assert outbox_changes(item, takedown, NOW, ["site"]) == Changes()


def test_retry_wakes_rows_in_trouble_and_sends_an_uncertain_one_again() -> None:
    item = replace(
        ITEM,
        publications=(
            publication("site", PUBLISHED),
            publication("channel", UNCERTAIN, ambiguous=True),
            publication("webhook", PENDING, attempts=2),
        ),
    )
    changes = outbox_changes(item, move(Action.RETRY, State.PUBLISHED, State.PUBLISHED), NOW, [])
    assert set(changes.publications) == {"channel", "webhook"}
    assert changes.publications["channel"]["status"] == PENDING
    assert "status" not in changes.publications["webhook"]


def test_a_confirmed_uncertain_row_is_published_and_stays_ambiguous() -> None:
    item = replace(ITEM, publications=(publication("channel", UNCERTAIN),))
    confirm = move(Action.CONFIRM_OUT, State.PUBLISHED, State.PUBLISHED)
    fields = outbox_changes(item, confirm, NOW, []).publications["channel"]
    assert fields["status"] == PUBLISHED and fields["ambiguous"] is True


def test_a_new_step_gets_its_reminder_and_late_instants_and_nothing_sent() -> None:
    fields = enter_step(State.SUBMITTED, NOW, CLOCK).item
    deadlines = CLOCK.deadlines(State.SUBMITTED, NOW)
    assert deadlines is not None
    assert fields["step_remind_at"] == deadlines.remind_at
    assert fields["step_due_at"] == deadlines.late_at
    assert fields["step_reminded_at"] is None and fields["step_escalated_at"] is None
    # A finished item has no standard: no instants.
    assert enter_step(State.REJECTED, NOW, CLOCK).item["step_due_at"] is None


@pytest.mark.parametrize(
    ("action", "edit", "key"),
    [
        (Action.EDIT_TITLE, Edit(title="   "), "error.title_empty"),
        (Action.EDIT_TITLE, Edit(title="x" * 301), "error.title_too_long"),
        (Action.EDIT_BODY, Edit(body="x" * 20_001), "error.body_too_long"),
        (Action.SET_CATEGORY, Edit(category="Olahraga"), "error.category_unknown"),
        (Action.SCHEDULE, Edit(publish_at=NOW - timedelta(minutes=1)), "error.schedule_past"),
        (Action.SET_COVER, Edit(media_id=99), "error.media_unknown"),
        (Action.SET_ALT, Edit(media_id=11, alt="x" * 301), "error.alt_too_long"),
    ],
)
def test_an_edit_out_of_bounds_is_refused(action: Action, edit: Edit, key: str) -> None:
    with pytest.raises(WorkflowError) as refused:
        edit_changes(ITEM, action, edit, NOW, ["Perizinan"], CLOCK)
    assert refused.value.key == key


def test_the_last_file_of_an_item_being_edited_cannot_be_dropped() -> None:
    editing = replace(ITEM, state=State.EDITING.value, media=(photo(11, 1),))
    with pytest.raises(WorkflowError, match=r"error\.last_media"):
        edit_changes(editing, Action.DROP_MEDIA, Edit(media_id=11), NOW, [], CLOCK)


def test_dropping_the_cover_clears_it() -> None:
    item = replace(ITEM, cover_media_id=12)
    changes, note = edit_changes(item, Action.DROP_MEDIA, Edit(media_id=12), NOW, [], CLOCK)
    assert changes.media == {12: {"dropped": True}}
    assert changes.item == {"cover_media_id": None}
    assert note == "#2 photo"


def test_a_photo_description_dash_gives_the_default_back() -> None:
    changes, _ = edit_changes(ITEM, Action.SET_ALT, Edit(media_id=11, alt=" - "), NOW, [], CLOCK)
    assert changes.media == {11: {"alt": None}}


def test_scheduling_moves_the_late_point_to_the_chosen_time() -> None:
    later = NOW + timedelta(days=2)
    changes, note = edit_changes(ITEM, Action.SCHEDULE, Edit(publish_at=later), NOW, [], CLOCK)
    deadlines = CLOCK.deadlines(State.APPROVED, later)
    assert deadlines is not None
    assert changes.item["publish_at"] == later
    assert changes.item["step_due_at"] == deadlines.late_at
    assert changes.item["step_remind_at"] is None
    assert note == later.isoformat()


def test_a_move_that_changes_state_starts_the_step_and_keeps_its_note() -> None:
    sent_back = Transition(
        Action.SEND_BACK, State.SUBMITTED, State.COLLECTING, Role.IT, "Buram", NOW
    )
    changes, note = move_changes(
        replace(ITEM, state=State.SUBMITTED.value),
        sent_back,
        None,
        NOW,
        categories=[],
        clock=CLOCK,
        targets=[],
    )
    assert note == "Buram"
    assert changes.item["state"] == State.COLLECTING.value
    assert changes.item["last_note"] == "Buram"
    assert changes.item["updated_at"] == NOW


def test_changes_merge_the_later_winning() -> None:
    first = Changes({"title": "a", "body": "b"}, {1: {"alt": "x"}}, new_targets=("site",))
    second = Changes({"title": "c"}, {1: {"dropped": True}}, new_targets=("site", "channel"))
    merged = first.then(second)
    assert merged.item == {"title": "c", "body": "b"}
    assert merged.media == {1: {"alt": "x", "dropped": True}}
    assert merged.new_targets == ("site", "channel")


def test_text_fills_the_title_first_then_the_body() -> None:
    assert absorb_text(None, None, "Sidak pasar\nTimbangan diperiksa.") == (
        "Sidak pasar",
        "Timbangan diperiksa.",
    )
    assert absorb_text("Sidak pasar", "Satu.", "Dua.") == ("Sidak pasar", "Satu.\n\nDua.")
    with pytest.raises(WorkflowError, match=r"error\.body_too_long"):
        absorb_text("Judul", "x" * 19_990, "y" * 20)


def test_the_view_counts_live_files_and_trouble() -> None:
    item = replace(
        ITEM,
        media=(photo(11, 1), photo(12, 2, dropped=True)),
        publications=(publication("channel", PENDING, attempts=1),),
    )
    view = view_of(item)
    assert view.media_count == 1 and view.has_title and view.publishing_trouble


def test_storage_writes_only_the_columns_a_move_may_change() -> None:
    row = ItemRow(code="PKP-2026-0001", version=4, media=[], publications=[])
    apply_changes(row, Changes({"title": "Baru"}, new_targets=("site",)), NOW)
    assert row.title == "Baru"
    assert [(p.target, p.status) for p in row.publications] == [("site", PENDING)]
    with pytest.raises(ValueError, match=r"Item\.version"):
        apply_changes(row, Changes({"version": 9}), NOW)
    with pytest.raises(ValueError, match=r"Item\.code"):
        apply_changes(row, Changes({"code": "X"}), NOW)
