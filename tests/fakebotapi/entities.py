"""Text formatting (``parse_mode``): HTML, MarkdownV2 and legacy Markdown become plain
text + entities, or raise :class:`EntityParseError` on markup Telegram would refuse."""

from __future__ import annotations

import re

from tests.fakebotapi.records import JSON


class EntityParseError(Exception):
    """Markup that Telegram would refuse with "can't parse entities"."""


def utf16_len(text: str) -> int:
    """Telegram measures offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(raw: str, index: int) -> int:
    return len(raw[:index].encode("utf-8"))


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")

_ATTR_RE = re.compile(r"""([A-Za-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")

_HTML_ENTITY_RE = re.compile(r"&(#[xX][0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot);")

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _html_attrs(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
        for m in _ATTR_RE.finditer(text)
    }


def parse_html(raw: str) -> tuple[str, list[JSON]]:
    """Parse Telegram-flavoured HTML into (plain text, entities).

    Strict on tags (unknown tag, stray ``<``, unbalanced or crossed tags are errors, like
    Telegram) because those are the bugs that break real sends: user input interpolated
    into HTML without escaping.
    """
    out: list[str] = []
    pos = 0  # UTF-16 offset in the output
    stack: list[tuple[str, int, JSON | None]] = []
    entities: list[JSON] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "<":
            m = _TAG_RE.match(raw, i)
            if not m:
                raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(raw, i)}")
            closing, name, attr_text = m.group(1), m.group(2).lower(), m.group(3)
            if name not in _HTML_TAGS:
                kind = "end" if closing else "start"
                raise EntityParseError(
                    f'Unsupported {kind} tag "{name}" at byte offset {_byte_offset(raw, i)}'
                )
            if closing:
                if not stack:
                    raise EntityParseError(
                        f'Unexpected end tag "{name}" at byte offset {_byte_offset(raw, i)}'
                    )
                open_name, start, opened = stack.pop()
                if open_name != name:
                    raise EntityParseError(
                        f'Can\'t find end tag corresponding to start tag "{open_name}"'
                    )
                if opened is not None and pos > start:
                    entities.append({**opened, "offset": start, "length": pos - start})
            else:
                attrs = _html_attrs(attr_text)
                template: JSON | None = {"type": _HTML_TAGS[name]}
                if name == "a":
                    template = (
                        {"type": "text_link", "url": attrs["href"]} if attrs.get("href") else None
                    )
                elif name == "span" and attrs.get("class") != "tg-spoiler":
                    raise EntityParseError(
                        f'Tag "span" must have class "tg-spoiler" at byte offset '
                        f"{_byte_offset(raw, i)}"
                    )
                elif name == "blockquote" and "expandable" in attrs:
                    template = {"type": "expandable_blockquote"}
                elif name == "tg-emoji":
                    template = {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id")}
                elif name == "code" and stack and stack[-1][0] == "pre":
                    # <pre><code class="language-x"> is one pre entity with a language.
                    language = attrs.get("class", "")
                    if language.startswith("language-") and stack[-1][2] is not None:
                        stack[-1][2]["language"] = language[len("language-") :]
                        template = None
                stack.append((name, pos, template))
            i = m.end()
            continue
        if ch == "&":
            m = _HTML_ENTITY_RE.match(raw, i)
            if m:
                token = m.group(1)
                if token.startswith(("#x", "#X")):
                    piece = chr(int(token[2:], 16))
                elif token.startswith("#"):
                    piece = chr(int(token[1:]))
                else:
                    piece = _NAMED_ENTITIES[token]
                out.append(piece)
                pos += utf16_len(piece)
                i = m.end()
                continue
        out.append(ch)
        pos += utf16_len(ch)
        i += 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), _sorted_entities(entities)


_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")

_MDV2_TOGGLES = (
    ("||", "spoiler"),
    ("__", "underline"),
    ("*", "bold"),
    ("_", "italic"),
    ("~", "strikethrough"),
)


def parse_markdown_v2(raw: str) -> tuple[str, list[JSON]]:
    """Parse MarkdownV2, enforcing that reserved characters are escaped."""
    out: list[str] = []
    pos = 0
    entities: list[JSON] = []
    stack: list[tuple[str, str, int, int]] = []  # (marker, type, offset, byte offset)
    i = 0
    n = len(raw)

    def emit(piece: str) -> None:
        nonlocal pos
        out.append(piece)
        pos += utf16_len(piece)

    def code_body(start: int, fence: str) -> tuple[str, int]:
        """Text up to the closing fence; inside code only ` and \\ are escaped."""
        j = start
        body: list[str] = []
        while j < n:
            if raw[j] == "\\" and j + 1 < n:
                body.append(raw[j + 1])
                j += 2
                continue
            if raw.startswith(fence, j):
                return "".join(body), j + len(fence)
            body.append(raw[j])
            j += 1
        kind = "Pre" if fence == "```" else "Code"
        raise EntityParseError(
            f"Can't find end of {kind} entity at byte offset {_byte_offset(raw, start)}"
        )

    while i < n:
        ch = raw[i]
        if ch == "\\":
            if i + 1 < n and ord(raw[i + 1]) <= 126:
                emit(raw[i + 1])
                i += 2
                continue
            raise EntityParseError(
                "Character '\\' is reserved and must be escaped with the preceding '\\'"
            )
        if raw.startswith("```", i):
            body, i = code_body(i + 3, "```")
            language = ""
            if "\n" in body:
                first, rest = body.split("\n", 1)
                if first and " " not in first:
                    language, body = first, rest
            start = pos
            emit(body)
            entity: JSON = {"type": "pre", "offset": start, "length": pos - start}
            if language:
                entity["language"] = language
            if pos > start:
                entities.append(entity)
            continue
        if ch == "`":
            body, i = code_body(i + 1, "`")
            start = pos
            emit(body)
            if pos > start:
                entities.append({"type": "code", "offset": start, "length": pos - start})
            continue
        if ch == "[":
            stack.append(("[", "text_link", pos, _byte_offset(raw, i)))
            i += 1
            continue
        if ch == "]" and stack and stack[-1][0] == "[":
            if not raw.startswith("(", i + 1):
                raise EntityParseError(
                    "Character ']' is reserved and must be escaped with the preceding '\\'"
                )
            # The URL ends at the first ")" that is not escaped with "\\".
            close = i + 2
            url_chars: list[str] = []
            while close < n and raw[close] != ")":
                if raw[close] == "\\" and close + 1 < n:
                    close += 1
                url_chars.append(raw[close])
                close += 1
            if close >= n:
                raise EntityParseError(
                    f"Can't find end of a url at byte offset {_byte_offset(raw, i)}"
                )
            url = "".join(url_chars)
            _, _, start, _ = stack.pop()
            if pos > start:
                entities.append(
                    {"type": "text_link", "offset": start, "length": pos - start, "url": url}
                )
            i = close + 1
            continue
        if ch == ">" and (i == 0 or raw[i - 1] == "\n"):
            i += 1  # blockquote marker at line start: no entity needed for tests
            continue
        for marker, etype in _MDV2_TOGGLES:
            if raw.startswith(marker, i):
                if stack and stack[-1][0] == marker:
                    _, _, start, _ = stack.pop()
                    if pos > start:
                        entities.append({"type": etype, "offset": start, "length": pos - start})
                elif any(item[0] == marker for item in stack):
                    raise EntityParseError(
                        f"Can't find end of {stack[-1][1].title()} entity at byte offset "
                        f"{stack[-1][3]}"
                    )
                else:
                    stack.append((marker, etype, pos, _byte_offset(raw, i)))
                i += len(marker)
                break
        else:
            if ch in _MDV2_RESERVED:
                raise EntityParseError(
                    f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
                )
            emit(ch)
            i += 1
    if stack:
        _, etype, _, byte_off = stack[-1]
        raise EntityParseError(
            f"Can't find end of {etype.replace('_', ' ').title()} entity at byte offset {byte_off}"
        )
    return "".join(out), _sorted_entities(entities)


def parse_markdown_legacy(raw: str) -> tuple[str, list[JSON]]:
    """Parse legacy ``Markdown``: *bold* _italic_ `code` ```pre``` [text](url), no nesting."""
    out: list[str] = []
    pos = 0
    entities: list[JSON] = []
    i = 0
    n = len(raw)
    simple = {"*": "bold", "_": "italic", "`": "code"}
    while i < n:
        ch = raw[i]
        if ch == "\\" and i + 1 < n and raw[i + 1] in "*_`[":
            out.append(raw[i + 1])
            pos += 1
            i += 2
            continue
        fence = "```" if raw.startswith("```", i) else ch if ch in simple else None
        if ch == "[":
            close = raw.find("](", i)
            end = raw.find(")", close + 2) if close >= 0 else -1
            if close < 0 or end < 0:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(raw, i)}"
                )
            label = raw[i + 1 : close]
            entities.append(
                {
                    "type": "text_link",
                    "offset": pos,
                    "length": utf16_len(label),
                    "url": raw[close + 2 : end],
                }
            )
            out.append(label)
            pos += utf16_len(label)
            i = end + 1
            continue
        if fence:
            end = raw.find(fence, i + len(fence))
            if end < 0:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(raw, i)}"
                )
            body = raw[i + len(fence) : end]
            etype = "pre" if fence == "```" else simple[fence]
            if body:
                entities.append({"type": etype, "offset": pos, "length": utf16_len(body)})
            out.append(body)
            pos += utf16_len(body)
            i = end + len(fence)
            continue
        out.append(ch)
        pos += utf16_len(ch)
        i += 1
    return "".join(out), _sorted_entities(entities)


def _sorted_entities(entities: list[JSON]) -> list[JSON]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _trim(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Telegram strips surrounding whitespace; entity offsets shift accordingly."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    limit = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


def command_entities(text: str) -> list[JSON]:
    """Entities a Telegram client attaches to user text: a leading /command and URLs."""
    entities: list[JSON] = []
    m = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
    if m:
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(m.group(0))})
    for url in re.finditer(r"https?://[^\s]+", text):
        entities.append(
            {
                "type": "url",
                "offset": utf16_len(text[: url.start()]),
                "length": utf16_len(url.group(0)),
            }
        )
    return entities
