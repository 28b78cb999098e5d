"""A post's content as block-editor markup: the body's paragraphs, then one image (or a
gallery of all of them, each linking to the full-size file), the videos and the
documents (file blocks with a download button)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import escape

from bot.ports.targets import Article, ArticleMedia
from publisher.files import is_image
from publisher.html import text_to_html

# Label of the download button under a document.
DOWNLOAD_LABEL = "Unduh"


@dataclass(frozen=True)
class Upload:
    """One article file in the media library."""

    media: ArticleMedia
    id: int
    url: str  # the full-size file
    display_url: str  # the "large" size for images when WordPress made one, else ``url``
    file_name: str  # shown as the document's link text


def content(article: Article, uploads: list[Upload]) -> str:
    """The post's block-editor markup."""
    blocks = [
        block("paragraph", {}, paragraph)
        for paragraph in re.findall(r"<p>.*?</p>", text_to_html(article.body), re.DOTALL)
    ]
    images = [u for u in uploads if is_image(u.media)]
    if len(images) == 1:
        blocks.append(_image_block(images[0]))
    elif images:
        inner = "\n\n".join(_image_block(u) for u in images)
        blocks.append(
            block(
                "gallery",
                {"linkTo": "media"},
                '<figure class="wp-block-gallery has-nested-images columns-default is-cropped">'
                f"{inner}</figure>",
            )
        )
    for upload in uploads:
        url = escape(upload.url)
        if upload.media.kind == "video":
            blocks.append(
                block(
                    "video",
                    {"id": upload.id},
                    f'<figure class="wp-block-video"><video controls src="{url}"></video></figure>',
                )
            )
        elif upload.media.kind == "document" and not is_image(upload.media):
            anchor = f"wp-block-file--media-{upload.id}"
            blocks.append(
                block(
                    "file",
                    {"id": upload.id, "href": upload.url},
                    f'<div class="wp-block-file"><a id="{anchor}" href="{url}">'
                    f"{escape(upload.file_name)}</a>"
                    f'<a href="{url}" class="wp-block-file__button wp-element-button" download '
                    f'aria-describedby="{anchor}">{DOWNLOAD_LABEL}</a></div>',
                )
            )
    return "\n\n".join(blocks)


def _image_block(upload: Upload) -> str:
    size = "large" if upload.display_url != upload.url else "full"
    return block(
        "image",
        {"id": upload.id, "sizeSlug": size, "linkDestination": "media"},
        f'<figure class="wp-block-image size-{size}"><a href="{escape(upload.url)}">'
        f'<img src="{escape(upload.display_url)}" alt="{escape(upload.media.alt)}" '
        f'class="wp-image-{upload.id}"/></a></figure>',
    )


def block(name: str, attributes: dict[str, Any], inner: str) -> str:
    """``<!-- wp:name {attrs} -->inner<!-- /wp:name -->`` with attributes escaped the way
    the block editor serializes them (no ``--``, ``<``, ``>``, ``&`` or quotes)."""
    attrs = ""
    if attributes:
        encoded = json.dumps(attributes, separators=(",", ":"), ensure_ascii=False)
        for raw, safe in (
            ("--", "\\u002d\\u002d"),
            ("<", "\\u003c"),
            (">", "\\u003e"),
            ("&", "\\u0026"),
            ('\\"', "\\u0022"),
        ):
            encoded = encoded.replace(raw, safe)
        attrs = f" {encoded}"
    return f"<!-- wp:{name}{attrs} -->\n{inner}\n<!-- /wp:{name} -->"


def plain(text: str) -> str:
    """Plain text for a field WordPress outputs as HTML (title, excerpt): no tags."""
    return text.replace("<", "&lt;").replace(">", "&gt;")
