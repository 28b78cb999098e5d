"""The living card of an item, as each audience sees it, and its buttons.

Buttons come from :func:`bot.core.workflow.allowed_actions` for the audience's role, so a card
never offers a move the SOP refuses; the person who taps is checked again on the tap.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core import timefmt
from bot.core.i18n import Translator
from bot.core.item_changes import view_of
from bot.core.publication import OUTBOX_EVENTS, PUBLISHED, REMOVING, PublicationStatus
from bot.core.text import TEXT_LIMIT, esc, excerpt, split_for_messages, truncate, utf16_len
from bot.core.values import Event, Item, Media, Person, Publication
from bot.core.workflow import Action, Actor, Role, State, allowed_actions
from bot.usecases.services import Services
from handlers.buttons import button

# Characters per message of an item's whole text: room left for the HTML escaping.
FULL_TEXT_PART = 3500

AUDIENCE_ROLE = {
    "officer": Role.OFFICER,
    "it": Role.IT,
    "editor": Role.EDITOR,
    "official": Role.OFFICIAL,
    "publisher": Role.PUBLISHER,
}

STATE_ICON = {
    State.COLLECTING: "📝",
    State.SUBMITTED: "📥",
    State.EDITING: "✏️",
    State.REVIEW: "🔎",
    State.APPROVED: "✅",
    State.PUBLISHED: "🌐",
    State.REJECTED: "⛔",
    State.WITHDRAWN: "🗑",
    State.UNPUBLISHED: "🚫",
}

BODY_EXCERPT = 280

# Moves shown as their own button on a card, in this order; the editor's content
# actions get their own layout below.
_MOVE_BUTTONS = (
    Action.SUBMIT,
    Action.ACCEPT,
    Action.SEND_BACK,
    Action.SEND_TO_OFFICIAL,
    Action.APPROVE,
    Action.REQUEST_CHANGES,
    Action.REJECT,
    Action.PUBLISH,
    Action.UNSCHEDULE,
    Action.HOLD,
    Action.RETRY,
    Action.CONFIRM_OUT,
    Action.UNPUBLISH,
    Action.WITHDRAW,
)


@dataclass(frozen=True)
class CardView:
    text: str
    markup: InlineKeyboardMarkup | None


# A target that will see no more attempts, as it is shown on the card.
_SETTLED_ICONS = {
    PublicationStatus.REMOVED: "🚫",
    PublicationStatus.CANCELLED: "➖",
    PublicationStatus.UNCERTAIN: "❓",
}


def live_media(item: Item) -> list[Media]:
    return [m for m in item.media if not m.dropped]


def media_summary(item: Item, services: Services, language: str) -> str:
    counts = Counter(m.kind for m in live_media(item))
    if not counts:
        return services.t("card.no_media", language)
    parts = []
    for kind in ("photo", "video", "animation", "document"):
        if counts.get(kind):
            parts.append(services.t(f"media.count.{kind}", language, n=counts[kind]))
    return " · ".join(parts)


def _audience_actor(item: Item, audience: str) -> Actor:
    role = AUDIENCE_ROLE[audience]
    # The officer's card is in the officer's own chat; group cards act for the role,
    # and the person who taps is checked against the rules on the tap itself.
    person_id = item.officer_id if role is Role.OFFICER else 0
    return Actor(person_id=person_id, roles=frozenset({role}))


def render_card(
    item: Item,
    audience: str,
    language: str,
    services: Services,
    officer: Person | None = None,
    last_event: Event | None = None,
) -> CardView:
    t = services.t
    now = services.now()
    state = State(item.state)
    lines = [
        f"{STATE_ICON[state]} <b>{esc(item.code)}</b> — {esc(t(f'state.{state.value}', language))}"
    ]
    title = item.title or t("card.no_title", language)
    lines.append(f"<b>{esc(title)}</b>")
    body_cut = False
    if item.body:
        short_body = excerpt(item.body, BODY_EXCERPT)
        body_cut = short_body != excerpt(item.body, len(item.body) + 1)
        lines.append(f"<i>{esc(short_body)}</i>")
    lines.append("")
    lines.append("📎 " + esc(media_summary(item, services, language)))
    if officer is not None:
        who = esc(officer.full_name)
        if item.section:
            who += f" · {esc(item.section)}"
        lines.append(f"👤 {who}")
    if item.category:
        lines.append("🏷 " + esc(t("card.category", language, category=item.category)))
    lines.append(_status_line(item, state, now, services, language))
    if item.publish_at is not None and state is State.APPROVED:
        when = timefmt.full(item.publish_at, services.zone, language)
        lines.append("🗓 " + esc(t("card.scheduled", language, when=when)))
    if item.publications and state in (State.PUBLISHED, State.UNPUBLISHED):
        alert_after = services.settings.publish_alert_after
        lines.extend(
            publication_line(p, services, language, alert_after) for p in item.publications
        )
    if item.last_note and state in (State.COLLECTING, State.EDITING, State.REJECTED):
        lines.append("💬 " + esc(t("card.note", language, note=excerpt(item.last_note, 600))))
    # Receipts of the officer's own additions are visible in the counts already.
    if last_event is not None and last_event.action not in ("created", "add_media", "edit_text"):
        lines.append(_last_event_line(last_event, now, services, language))
    text = truncate("\n".join(lines), TEXT_LIMIT)
    return CardView(text=text, markup=_keyboard(item, audience, language, services, body_cut))


def _status_line(item: Item, state: State, now: datetime, services: Services, language: str) -> str:
    t = services.t
    since = timefmt.short(item.state_entered_at, services.zone, language, now)
    line = "🕒 " + t("card.since", language, since=since)
    if item.step_due_at is not None:
        left = services.steps.left(item.step_due_at, now)
        due = timefmt.deadline(item.step_due_at, now, left, services.zone, t, language)
        late = item.step_due_at < now
        line += "\n" + ("⚠️ " if late else "⏰ ") + t("card.due", language, due=due)
    return esc(line)


def publication_line(
    publication: Publication, services: Services, language: str, alert_after: int
) -> str:
    """One target's progress: published with its link, retrying, failed with the reason."""
    t = services.t
    label = esc(t(f"target.{publication.target}", language))
    status, attempts = publication.status, publication.attempts
    reason = t(f"pubfail.{publication.error_kind or 'other'}", language)
    if status == PUBLISHED:
        if publication.url:
            link = f'<a href="{esc(publication.url)}">{esc(t("pub.open", language))}</a>'
            return f"✅ {label} — {link}"
        return f"✅ {label} — {esc(t('pub.published', language))}"
    if status in _SETTLED_ICONS:
        icon = _SETTLED_ICONS[PublicationStatus(status)]
        return f"{icon} {label} — {esc(t(f'pub.{status}', language))}"
    removing = status == REMOVING
    if attempts == 0:
        return f"⏳ {label} — {esc(t('pub.removing' if removing else 'pub.sending', language))}"
    icon, key = ("❌", "pub.failed") if attempts >= alert_after else ("🔁", "pub.retrying")
    when = ""
    if publication.next_attempt_at is not None:
        when = timefmt.short(publication.next_attempt_at, services.zone, language, services.now())
    text = t(key, language, n=attempts, reason=reason, when=when)
    return f"{icon} {label} — {esc(text)}"


def _last_event_line(event: Event, now: datetime, services: Services, language: str) -> str:
    t = services.t
    when = timefmt.short(event.created_at, services.zone, language, now)
    action = t(f"event.{event.action}", language)
    return "🧾 " + esc(
        t(
            "card.last_event",
            language,
            action=action,
            name=actor_text(event, t, language),
            when=when,
        )
    )


def actor_text(event: Event, t: Translator, language: str) -> str:
    """Who made a move: ``Sari Dewi``, or ``Sari Dewi sebagai Plh Agus Salim``."""
    name = event.actor_name or "-"
    if event.acting_for_name:
        name += " " + t("history.acting_for", language, name=event.acting_for_name)
    return name


def _keyboard(
    item: Item, audience: str, language: str, services: Services, body_cut: bool
) -> InlineKeyboardMarkup | None:
    t = services.t
    view = view_of(item)
    allowed = set(allowed_actions(view, _audience_actor(item, audience)))
    rows: list[list[InlineKeyboardButton]] = []
    if audience == "editor" and view.state is State.EDITING:
        rows.append(
            [
                button(
                    t("button.edit_title", language),
                    "act",
                    Action.EDIT_TITLE,
                    item.id,
                    item.version,
                ),
                button(
                    t("button.edit_body", language), "act", Action.EDIT_BODY, item.id, item.version
                ),
            ]
        )
        media_row = [button(t("button.category", language), "cat", item.id, item.version, -1)]
        if Action.DROP_MEDIA in allowed:
            media_row.append(button(t("button.media", language), "med", item.id, item.version))
        rows.append(media_row)
        rows.append([button(t("button.preview", language), "pre", item.id)])
    moves = [a for a in _MOVE_BUTTONS if a in allowed]
    if audience == "officer" and view.state is State.COLLECTING:
        add_row = [button(t("button.add", language), "add", item.id)]
        if Action.DROP_MEDIA in allowed:
            add_row.append(button(t("button.files", language), "med", item.id, item.version))
        rows.append(add_row)
    for action in moves:
        rows.append(
            [button(t(f"button.{action.value}", language), "act", action, item.id, item.version)]
        )
        if action is Action.PUBLISH and Action.SCHEDULE in allowed:
            # Publish now first; choosing a time opens a small menu of quick choices.
            label = t("button.reschedule" if view.scheduled else "button.schedule", language)
            rows.append([button(label, "sch", item.id, item.version, "open")])
    if audience in ("official", "publisher") and view.state in (State.REVIEW, State.APPROVED):
        rows.append([button(t("button.preview", language), "pre", item.id)])
    extras = [button(t("button.history", language), "his", item.id)]
    if body_cut:
        extras.insert(0, button(t("button.full", language), "full", item.id))
    rows.append(extras)
    return InlineKeyboardMarkup(rows)


def full_text_parts(item: Item) -> list[str]:
    """The item's whole title and text, cut where a message must end (plain text)."""
    whole = f"{item.title or ''}\n\n{item.body or ''}".strip()
    return split_for_messages(whole, FULL_TEXT_PART) or ["-"]


def media_keyboard(item: Item, language: str, services: Services) -> InlineKeyboardMarkup:
    """One row per file: drop it, or make a photo the cover; for an editor, a photo's
    second row asks for its description (alt text, ✓ once written)."""
    t = services.t
    rows = []
    for media in live_media(item):
        label = t(f"media.one.{media.kind}", language, n=media.position)
        if media.file_name:
            label += f" {media.file_name}"
        if item.cover_media_id == media.id:
            label = "⭐ " + label
        row = [
            InlineKeyboardButton(truncate(label, 30), callback_data=f"card:{item.id}"),
        ]
        row.append(button(t("button.drop", language), "drop", item.id, item.version, media.id))
        # The cover and the descriptions are the editors' work; an officer only tidies
        # their own draft.
        editing = item.state == State.EDITING.value
        if editing and media.kind == "photo" and item.cover_media_id != media.id:
            row.append(button(t("button.cover", language), "cov", item.id, item.version, media.id))
        rows.append(row)
        if editing and media.kind == "photo":
            key = "button.alt_done" if media.alt else "button.alt"
            label = t(key, language, n=media.position)
            rows.append([button(label, "alt", item.id, item.version, media.id)])
    rows.append([button(t("button.back", language), "card", item.id)])
    return InlineKeyboardMarkup(rows)


def category_keyboard(item: Item, language: str, services: Services) -> InlineKeyboardMarkup:
    t = services.t
    rows = []
    for index, name in enumerate(services.items.categories):
        label = ("✓ " if item.category == name else "") + name
        rows.append([button(label, "cat", item.id, item.version, index)])
    rows.append([button(t("button.back", language), "card", item.id)])
    return InlineKeyboardMarkup(rows)


def _media_note(event: Event, language: str, services: Services) -> str | None:
    """Media edits are stored as ``#<position> <kind>``; show them in words."""
    if event.action not in ("add_media", "drop_media", "set_cover", "set_alt") or not event.note:
        return None
    position, _, kind = event.note.lstrip("#").partition(" ")
    if not position.isdigit() or kind not in ("photo", "video", "animation", "document"):
        return None
    return services.t(f"media.one.{kind}", language, n=int(position))


def _outbox_note(event: Event, language: str, services: Services) -> str | None:
    """Outbox entries are stored as ``<target>[ — <url>]``; name the target in words."""
    if event.action not in OUTBOX_EVENTS or not event.note:
        return None
    target, _, rest = event.note.partition(" — ")
    label = services.t(f"target.{target}", language)
    return f"{label} — {rest}" if rest else label


def history_text(item: Item, events: list[Event], language: str, services: Services) -> str:
    t = services.t
    now = services.now()
    header = [
        "📜 " + esc(t("history.title", language, code=item.code)),
        esc(t("history.now", language, state=t(f"state.{item.state}", language))),
        "",
    ]
    entries: list[str] = []
    for run in _runs(events):
        event = run[0]
        when = timefmt.short(event.created_at, services.zone, language, now)
        role = t(f"role.{event.actor_role}", language) if event.actor_role else "-"
        action = t(f"event.{event.action}", language)
        if len(run) > 1:
            action += f" ({len(run)})"
        line = f"• {esc(when)} — <b>{esc(action)}</b>"
        line += f"\n  {esc(actor_text(event, t, language))} ({esc(role)})"
        notes = [
            _media_note(e, language, services) or _outbox_note(e, language, services) or e.note
            for e in run
        ]
        note = ", ".join(n for n in notes if n)
        if note:
            line += f"\n  💬 {esc(excerpt(note, 300))}"
        entries.append(line)
    return fit_lines(header, entries, TEXT_LIMIT)


def fit_lines(header: list[str], entries: list[str], limit: int) -> str:
    """Join whole lines (never cutting an HTML tag), keeping the newest entries and
    marking how many older ones were left out."""
    kept: list[str] = []
    budget = limit - utf16_len("\n".join(header)) - 20
    for entry in reversed(entries):
        cost = utf16_len(entry) + 1
        if cost > budget:
            break
        kept.append(entry)
        budget -= cost
    skipped = len(entries) - len(kept)
    marker = [f"… (+{skipped})"] if skipped else []
    return "\n".join([*header, *marker, *reversed(kept)])


def _runs(events: list[Event]) -> list[list[Event]]:
    """Consecutive file receipts by one person read as one line on a phone."""
    runs: list[list[Event]] = []
    for event in events:
        previous = runs[-1][-1] if runs else None
        if (
            previous is not None
            and event.action == previous.action == "add_media"
            and event.actor_id == previous.actor_id
        ):
            runs[-1].append(event)
        else:
            runs.append([event])
    return runs
