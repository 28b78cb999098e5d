"""The translation catalogs and the ``Translator`` in ``bot.core.i18n``.

The catalogs are checked against each other (same keys, same placeholders), against
the code (every key the code asks for exists, literal or built from an enum), and
against Telegram's limits: texts shown as alerts, toasts or button labels carry no
HTML and stay short.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import get_args

import pytest

from bot.core import i18n
from bot.core.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Translator,
    load_catalog,
    normalize_language,
    placeholders,
)
from bot.core.publication import OUTBOX_EVENTS
from bot.core.publish_policy import TARGET_ORDER
from bot.core.workflow import Action, Role, State
from bot.ports.targets import ErrorKind
from bot.usecases.chats import Purpose
from handlers import start
from handlers.cards import _MOVE_BUTTONS
from handlers.prompts import ITEM_PROMPTS
from handlers.taps import CONFIRM_FIRST, PROMPT_FOR

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ("bot", "handlers", "publisher")

ID = load_catalog("id")
EN = load_catalog("en")
CATALOGS = {"id": ID, "en": EN}

# Shown as a Telegram alert / toast (answerCallbackQuery, 200 characters, plain text)
# or as a button label (plain text).
PLAIN_PREFIXES = ("error.", "stale.", "done.", "prompt.toast", "button.", "confirm.")
ALERT_LIMIT = 200
BUTTON_LABEL_LIMIT = 40
ALLOWED_TAGS = {"b", "i", "u", "s", "code", "a"}
MEDIA_KINDS = ("photo", "video", "animation", "document")
# Actions a tap performs right away (move buttons on the card, editor's content buttons).
TAP_ACTIONS = (*_MOVE_BUTTONS, Action.SET_CATEGORY, Action.DROP_MEDIA, Action.SET_COVER)


def _longest(catalog: Mapping[str, str], prefix: str) -> str:
    return max((v for k, v in catalog.items() if k.startswith(prefix)), key=len)


def sample_params(language: str) -> dict[str, object]:
    """Realistic, rather long values for every placeholder the catalogs use."""
    catalog = CATALOGS[language]
    return {
        "code": "PKP-2026-0123",
        "file": "Laporan kegiatan pengawasan lapangan November 2026 (final).pdf",
        "name": "Siti Nurhaliza Rahmawati",
        "state": _longest(catalog, "state."),
        "role": _longest(catalog, "role."),
        "action": _longest(catalog, "event."),
        "purpose": _longest(catalog, "purpose."),
        "purposes": "Grup Webmaster / Editor, Grup Publisher",
        "group": _longest(catalog, "purpose."),
        "problem": "Teks terlalu panjang (maksimal 20000 karakter).",
        "when": "Kam, 26 Nov 10.15 WIB",
        "since": "Kam, 26 Nov 10.15 WIB",
        "due": "13.15 WIB (2 j 10 mnt lagi)",
        "expires": "Minggu, 29 Nov 2026 10.15 WIB",
        "limit": 1000,
        "n": 12,
        "d": "1 hr 5 j 10 mnt",
        "category": "Layanan Publik",
        "title": "Pelayanan perizinan tetap buka selama libur panjang akhir pekan",
        "note": "Foto kedua buram, mohon kirim ulang.",
        "roles": "Petugas lapangan, Admin",
        "section": "Bidang Pengawasan dan Pengendalian",
        "username": "@siti_nur",
        "link": "https://t.me/warta_bot?start=AbCdEfGhIjKlMnOpQrStUv",
        "target": _longest(catalog, "target."),
        "attempts": 12,
        "reason": _longest(catalog, "pubfail."),
        "error": "WordPress answered HTTP 503: the site is under maintenance, try later",
        "hours": 3,
        "time": "16.00",
        "date": "27/11/2026",
        "at": "Kam, 26 Nov 10.15 WIB",
        "days": 90,
        "zone": "WITA",
        "weekday": "Jumat",
        "actual": "Kamis",
        "part": "petang",
        "holder": _longest(catalog, "role."),
        "waited": "1 hr 5 j 10 mnt",
        "day": "Jumat, 27 Nov 2026",
        "official": "Siti Nurhaliza Rahmawati",
        "deputy": "Bambang Sutrisno Wicaksono",
        "start": "Sen, 7 Des",
        "end": "Jum, 11 Des",
        "what": "Siti Nurhaliza Rahmawati: Sen, 7 Des – Jum, 11 Des (Dinas luar); Plh: Bambang",
        "late": 12,
        "count": 1048576,
        "hash": "3f7a" * 16,
        # The monthly report.
        "step": _longest(catalog, "report.step."),
        "month": "September 2026",
        "until": "Senin, 7 Desember 2026 09.00 WIB",
        "total": 1250,
        "published": 1100,
        "rejected": 60,
        "withdrawn": 40,
        "taken_down": 5,
        "open": 45,
        "median": "1 j 20 mnt",
        "p90": "1 hr 2 j 30 mnt",
        "within": 980,
        "visits": 1100,
        "standard": "1 hr 2 j",
        "reminders": 310,
        "escalations": 42,
        "on_time": 1080,
        "decided": 1100,
        "failed": 3,
        "sop": "SOP.WASDA 006/DPMPSTP& NAKER",
        "page": 12,
        "pages": 14,
        "given": "November",
        "example": "2026-11",
        "items": 1250,
        "chat": -1001234567890,
        "detail": "Traceback (most recent call last): ...",
        "media": 12345,
        "office": "Dinas Penanaman Modal, Pelayanan Terpadu Satu Pintu dan Tenaga Kerja",
        "folder": "arsip-2026-11",
        "sums": "SHA256SUMS",
        "manifest": "manifest.json",
        "item": 678,
        "files": 5400,
        "size": "20480.5",
    }


def render(key: str, language: str) -> str:
    text = CATALOGS[language][key]
    return text.format_map(sample_params(language))


def all_entries() -> Iterator[tuple[str, str, str]]:
    for language, catalog in CATALOGS.items():
        for key, text in catalog.items():
            yield language, key, text


def _code_files() -> list[Path]:
    return sorted(p for d in CODE_DIRS for p in (ROOT / d).rglob("*.py"))


# --- catalogs against each other ------------------------------------------------------


def test_catalogs_are_not_empty() -> None:
    assert set(LANGUAGES) == {"id", "en"}
    assert len(ID) > 100
    assert len(EN) > 100


def test_both_catalogs_have_the_same_keys() -> None:
    assert sorted(set(ID) - set(EN)) == [], "keys only in id.po"
    assert sorted(set(EN) - set(ID)) == [], "keys only in en.po"


@pytest.mark.parametrize("key", sorted(ID))
def test_same_placeholders_in_both_languages(key: str) -> None:
    assert placeholders(ID[key]) == placeholders(EN[key])


def test_placeholders_are_plain_names() -> None:
    """``{0}``, ``{a.b}`` or ``{a[0]}`` would break ``format_map`` with named params."""
    for language, key, text in all_entries():
        for name in placeholders(text):
            assert name.isidentifier(), (language, key, name)


def test_no_empty_translations() -> None:
    for language, key, text in all_entries():
        assert text.strip(), f"{language}: {key} is empty"


def test_every_message_formats_with_sample_params() -> None:
    for language, key, _ in all_entries():
        rendered = render(key, language)
        assert "{" not in rendered or "}" not in rendered, (language, key, rendered)


# --- catalogs against the code --------------------------------------------------------


def literal_keys() -> set[str]:
    """Keys the code names literally: ``t("key"`` (also split over lines) and
    ``WorkflowError("key"``, plus quoted ``error.*`` keys kept in variables."""
    pattern = re.compile(r'\b(?:t|WorkflowError)\(\s*"([a-z_.]+)"')
    error_literal = re.compile(r'"(error\.[a-z_.]+)"')
    keys: set[str] = set()
    for path in _code_files():
        source = path.read_text(encoding="utf-8")
        keys.update(pattern.findall(source))
        keys.update(error_literal.findall(source))
    return keys


def dynamic_keys() -> set[str]:
    """Keys the code builds from enums and tables."""
    keys: set[str] = set()
    keys |= {f"state.{s.value}" for s in State}
    keys |= {f"role.{r.value}" for r in Role}
    keys |= {f"event.{a.value}" for a in Action} | {"event.created"}
    keys |= {f"button.{a.value}" for a in _MOVE_BUTTONS}
    keys |= {f"done.{a.value}" for a in TAP_ACTIONS}
    keys |= {f"confirm.{a.value}" for a in CONFIRM_FIRST}
    keys |= {f"media.count.{kind}" for kind in MEDIA_KINDS}
    keys |= {f"media.one.{kind}" for kind in MEDIA_KINDS}
    keys |= {f"purpose.{p.value}" for p in Purpose}
    keys |= {f"command.{name}" for name in command_names()}
    keys |= {f"help.{r.value}" for r in Role}
    keys |= {f"welcome.next.{r.value}" for r in Role}
    keys |= {f"prompt.placeholder.{kind}" for kind in (*ITEM_PROMPTS, "section")}
    keys |= {question for _, question in PROMPT_FOR.values()}
    keys |= {f"pubfail.{kind}" for kind in get_args(ErrorKind)}
    keys |= {f"target.{name}" for name in TARGET_ORDER}
    keys |= {f"event.{action}" for action in OUTBOX_EVENTS}
    return keys


def command_names() -> set[str]:
    names = {"start", *start.BASE_COMMANDS, *start.MEMBER_COMMANDS, *start.GROUP_COMMANDS}
    for role_commands in start.ROLE_COMMANDS.values():
        names.update(role_commands)
    return names


def test_literal_key_scan_finds_keys() -> None:
    """Guard the scan itself: a regex that matches nothing would pass vacuously."""
    keys = literal_keys()
    assert len(keys) > 50
    assert {"card.no_title", "error.not_now", "bind.done", "error.empty_draft"} <= keys


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_literal_key_exists(language: str) -> None:
    missing = sorted(literal_keys() - set(CATALOGS[language]))
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_dynamic_key_exists(language: str) -> None:
    missing = sorted(dynamic_keys() - set(CATALOGS[language]))
    assert missing == []


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def test_literal_calls_pass_exactly_the_placeholders() -> None:
    """``t("key", lang, a=..)`` and ``WorkflowError("key", a=..)`` give every ``{name}``
    the message needs, so no user ever sees a raw ``{name}``."""
    problems = []
    checked = 0
    for path in _code_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _call_name(node) not in ("t", "WorkflowError"):
                continue
            if not node.args or not isinstance(node.args[0], ast.Constant):
                continue
            key = node.args[0].value
            if not isinstance(key, str) or key not in ID:
                continue
            if any(k.arg is None for k in node.keywords):
                continue  # **params: not checkable statically
            given = {k.arg for k in node.keywords}
            checked += 1
            if given != placeholders(ID[key]):
                rel = path.relative_to(ROOT)
                problems.append(f"{rel}:{node.lineno} {key}: {given} vs {placeholders(ID[key])}")
    assert checked > 50
    assert problems == []


def test_command_descriptions_fit_the_bot_api() -> None:
    """setMyCommands: names 1-32 of [a-z0-9_], descriptions 1-256 characters."""
    for name in command_names():
        assert re.fullmatch(r"[a-z0-9_]{1,32}", name), name
        for catalog in CATALOGS.values():
            assert 1 <= len(catalog[f"command.{name}"]) <= 256


def test_input_placeholders_fit_the_bot_api() -> None:
    """input_field_placeholder is 0-64 characters (the code cuts, but should not need to)."""
    for language, key, text in all_entries():
        if key.startswith("prompt.placeholder."):
            assert len(text) <= 64, (language, key)


# --- HTML and length ------------------------------------------------------------------


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags = 0
        self.entities = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags += 1
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}> not supported by Telegram")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.tags += 1
        if not self.stack or self.stack.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")

    def handle_entityref(self, name: str) -> None:
        self.entities += 1
        if name not in ("lt", "gt", "amp", "quot"):
            self.problems.append(f"entity &{name}; not supported by Telegram")

    def handle_charref(self, name: str) -> None:
        self.entities += 1


def check_html(text: str) -> _TagChecker:
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    if checker.stack:
        checker.problems.append(f"unclosed {checker.stack}")
    return checker


def test_tag_checker_catches_problems() -> None:
    assert check_html("<b>x</b> <i>y</i>").problems == []
    assert check_html("<b>x").problems
    assert check_html("<b>x</i>").problems
    assert check_html("<div>x</div>").problems
    assert check_html("&nbsp;").problems


def test_html_is_balanced_and_uses_telegram_tags_only() -> None:
    problems = []
    for language, key, text in all_entries():
        result = check_html(text)
        problems += [f"{language}: {key}: {p}" for p in result.problems]
        if result.tags:
            # A message with markup is parsed as HTML: a bare & or < must be escaped.
            bare = re.search(r"&(?!(?:lt|gt|amp|quot|#\d+);)", text)
            if bare:
                problems.append(f"{language}: {key}: bare '&'")
    assert problems == []


def _plain_entries() -> Iterator[tuple[str, str, str]]:
    for language, key, text in all_entries():
        if key.startswith(PLAIN_PREFIXES):
            yield language, key, text


def test_plain_family_is_not_empty() -> None:
    keys = {key for _, key, _ in _plain_entries()}
    for prefix in PLAIN_PREFIXES:
        assert any(k.startswith(prefix) for k in keys), prefix


@pytest.mark.parametrize(("language", "key"), [(lang, key) for lang, key, _ in _plain_entries()])
def test_alerts_toasts_and_labels_have_no_html(language: str, key: str) -> None:
    text = CATALOGS[language][key]
    result = check_html(text)
    assert result.tags == 0, text
    assert result.entities == 0, text


@pytest.mark.parametrize(("language", "key"), [(lang, key) for lang, key, _ in _plain_entries()])
def test_alerts_and_toasts_fit_telegram(language: str, key: str) -> None:
    rendered = render(key, language)
    assert len(rendered) <= ALERT_LIMIT, rendered


def _label_entries() -> Iterator[tuple[str, str]]:
    # role.* and purpose.* are button labels in the admin menus, too.
    for language, key, _ in all_entries():
        if key.startswith(("button.", "confirm.", "role.", "purpose.")):
            yield language, key


@pytest.mark.parametrize(("language", "key"), list(_label_entries()))
def test_button_labels_are_short(language: str, key: str) -> None:
    assert len(render(key, language)) <= BUTTON_LABEL_LIMIT


# --- Translator -----------------------------------------------------------------------


@pytest.fixture
def t() -> Translator:
    return Translator()


def test_translator_looks_up_each_language(t: Translator) -> None:
    assert t("state.editing", "id") == ID["state.editing"]
    assert t("state.editing", "en") == EN["state.editing"]
    assert ID["state.editing"] != EN["state.editing"]


@pytest.mark.parametrize("code", ["en", "en-US", "EN-gb", "en-us"])
def test_english_is_chosen_for_english_codes(t: Translator, code: str) -> None:
    assert normalize_language(code) == "en"
    assert t("state.editing", code) == EN["state.editing"]


@pytest.mark.parametrize("code", [None, "", "fr", "pt-BR", "zz"])
def test_unknown_language_falls_back_to_indonesian(t: Translator, code: str | None) -> None:
    assert normalize_language(code) == DEFAULT_LANGUAGE == "id"
    assert t("state.editing", code) == ID["state.editing"]


def test_id_codes_are_indonesian() -> None:
    assert normalize_language("id") == "id"
    assert normalize_language("id-ID") == "id"


def test_default_language_of_translator_is_used_for_unknown_codes() -> None:
    english = Translator(default_language="en")
    assert english("state.editing", None) == EN["state.editing"]
    assert english("state.editing", "fr") == EN["state.editing"]
    assert english("state.editing", "id") == ID["state.editing"]


def test_key_missing_in_one_language_falls_back_to_indonesian(
    monkeypatch: pytest.MonkeyPatch, t: Translator
) -> None:
    fake = {"id": {"only.id": "Halo {name}", "both": "ID"}, "en": {"both": "EN"}}
    monkeypatch.setattr(i18n, "load_catalog", lambda language: fake[language])
    assert t("only.id", "en", name="Siti") == "Halo Siti"
    assert t("both", "en") == "EN"
    # An empty English entry also falls back rather than showing nothing.
    fake["en"]["only.id"] = ""
    assert t("only.id", "en", name="Siti") == "Halo Siti"


def test_unknown_key_shows_the_key(t: Translator) -> None:
    assert t("no.such.key", "en") == "no.such.key"
    assert t("no.such.key", "id", n=1) == "no.such.key"
    assert not t.has("no.such.key")
    assert t.has("state.editing")


def test_unknown_placeholder_stays_visible_instead_of_raising(t: Translator) -> None:
    text = t("card.last_event", "en", action="Approved")
    assert text.startswith("Approved")
    assert "{name}" in text
    assert "{when}" in text


def test_params_are_substituted_and_extra_params_ignored(t: Translator) -> None:
    assert t("card.category", "en", category="News", unused=1) == "Category: News"
    assert t("media.count.photo", "id", n=3).startswith("3")


def test_without_params_text_is_returned_verbatim(t: Translator) -> None:
    assert t("card.category", "en") == EN["card.category"]
    assert "{category}" in t("card.category", "en")


def test_placeholders_helper() -> None:
    assert placeholders("{a} and {b} and {a}") == {"a", "b"}
    assert placeholders("no names") == set()
