"""The HTML pages, drawn with Jinja2 from the site's record.

Templates are Jinja2 with autoescaping and strict undefined names (a typo in an
office's template fails the build instead of publishing blanks); an office restyles the
site by copying a file from ``publisher/templates`` into its own templates folder,
which takes precedence, and the same goes for the files under ``static/``.

Pages link each other relatively (``root`` leads back to the site root from any page),
so the folder works on ``localhost``, under a path prefix or on the office's domain.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError

from bot.ports.targets import PublishError
from publisher.static_site.record import Post, write_if_changed
from publisher.static_site.views import CategoryView, Pager, PostViews, SiteInfo, category_folder

# Where the shipped templates stay (``publisher/templates``, packaged as package data).
SHIPPED_TEMPLATES = Path(__file__).parent.parent / "templates"


def root_of(folder: str) -> str:
    """The relative way back to the site root from a page in ``folder``."""
    return "../" * len([part for part in folder.split("/") if part])


def page_folder(prefix: str, number: int) -> str:
    return prefix if number == 1 else f"{prefix}halaman/{number}/"


def _chunks(posts: Sequence[Post], size: int) -> list[Sequence[Post]]:
    return [posts[i : i + size] for i in range(0, len(posts), size)] or [[]]


def _static_files(templates_dir: Path | None) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    folders = [SHIPPED_TEMPLATES / "static"]
    if templates_dir is not None:
        folders.append(templates_dir / "static")
    for folder in folders:  # the office's files come last and win
        if folder.is_dir():
            for entry in sorted(folder.iterdir()):
                if entry.is_file() and not entry.name.startswith("."):
                    files[entry.name] = entry.read_bytes()
    return files


class Pages:
    """Writes the site's HTML pages and static files into ``site_dir``."""

    def __init__(
        self,
        site_dir: Path,
        site: SiteInfo,
        views: PostViews,
        *,
        per_page: int,
        templates_dir: Path | None = None,
    ) -> None:
        self._site_dir = site_dir
        self._site = site
        self._views = views
        self._per_page = per_page
        self._templates_dir = templates_dir
        loaders: list[FileSystemLoader] = [FileSystemLoader(SHIPPED_TEMPLATES)]
        if templates_dir is not None:
            loaders.insert(0, FileSystemLoader(templates_dir))
        self._env = Environment(
            loader=ChoiceLoader(loaders),
            autoescape=True,
            # A typo in an office's template should fail the build, not publish blanks.
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def write_assets(self) -> str:
        """Copy the stylesheet (and any office static files); returns a version string
        for the stylesheet link, so browsers fetch a restyled sheet at once."""
        files = _static_files(self._templates_dir)
        for name, data in files.items():
            write_if_changed(self._site_dir / "static" / name, data)
        return hashlib.sha256(files.get("style.css", b"")).hexdigest()[:10]

    def write_post(self, post: Post, assets: str) -> None:
        self._write_page("post.html", post.folder, assets, post=self._views(post))

    def write_lists(
        self, posts: Sequence[Post], groups: dict[str, tuple[str, list[Post]]], assets: str
    ) -> None:
        """The home page, each category's pages and the list of categories, from
        ``posts`` (newest first) and ``groups`` (:func:`~.views.by_category`)."""
        categories = [
            CategoryView(name, slug, category_folder(slug), len(members))
            for slug, (name, members) in groups.items()
        ]
        self._write_listing("", posts, assets, "home.html", categories=categories)
        for slug, (name, members) in groups.items():
            self._write_listing(
                category_folder(slug),
                members,
                assets,
                "category.html",
                category=CategoryView(name, slug, category_folder(slug), len(members)),
            )
        self._write_page("categories.html", "kategori/", assets, categories=categories)
        kategori = self._site_dir / "kategori"
        for entry in kategori.iterdir():
            if entry.is_dir() and entry.name not in groups:
                shutil.rmtree(entry, ignore_errors=True)

    def _render(self, template: str, folder: str, assets: str, **context: Any) -> bytes:
        root = root_of(folder)
        try:
            html = self._env.get_template(template).render(
                site={
                    "title": self._site.title,
                    "description": self._site.description,
                    "base_url": self._site.base_url,
                },
                root=root,
                home=root or "./",
                stylesheet=f"{root}static/style.css?v={assets}",
                canonical=f"{self._site.base_url}/{folder}",
                **context,
            )
        except TemplateError as exc:
            raise PublishError(f"site template {template}: {exc}", kind="setup") from exc
        return html.encode("utf-8")

    def _write_page(self, template: str, folder: str, assets: str, **context: Any) -> None:
        data = self._render(template, folder, assets, **context)
        write_if_changed(self._site_dir / folder / "index.html", data)

    def _write_listing(
        self,
        prefix: str,
        posts: Sequence[Post],
        assets: str,
        template: str,
        **context: Any,
    ) -> None:
        pages = _chunks(posts, self._per_page)
        for number, chunk in enumerate(pages, start=1):
            folder = page_folder(prefix, number)
            pager = Pager(
                number=number,
                total=len(pages),
                prev_url=page_folder(prefix, number - 1) if number > 1 else None,
                next_url=page_folder(prefix, number + 1) if number < len(pages) else None,
            )
            self._write_page(
                template,
                folder,
                assets,
                posts=[self._views(p) for p in chunk],
                pager=pager,
                **context,
            )
        _prune_pages(self._site_dir / prefix / "halaman", len(pages))


def _prune_pages(folder: Path, keep: int) -> None:
    """Remove the numbered pages beyond ``keep`` that a longer list left behind."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.is_dir() and not (entry.name.isdigit() and 2 <= int(entry.name) <= keep):
            shutil.rmtree(entry, ignore_errors=True)
