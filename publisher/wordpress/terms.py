"""Categories and tags: found by name (case-insensitive), created when missing and
allowed, else left out (WordPress then files the post under its default category)."""

from __future__ import annotations

import html

from bot.ports.targets import Article
from publisher.wordpress.rest import RestClient, json_list, json_object


class Terms:
    def __init__(self, rest: RestClient, *, create: bool) -> None:
        self._rest = rest
        self._create = create

    async def category_id(self, article: Article) -> int | None:
        if not article.category or not article.category.strip():
            return None
        return await self._term_id("categories", article.category.strip())

    async def tag_ids(self, article: Article) -> list[int]:
        """The article's tags and its section, each once."""
        names: list[str] = []
        for name in (*article.tags, article.section):
            if name and name.strip() and name.strip().casefold() not in map(str.casefold, names):
                names.append(name.strip())
        ids = []
        for name in names:
            term = await self._term_id("tags", name)
            if term is not None and term not in ids:
                ids.append(term)
        return ids

    async def _term_id(self, taxonomy: str, name: str) -> int | None:
        """The id of the category or tag with this name (case-insensitive); created when
        missing and creating is on, else None."""
        kind = "category" if taxonomy == "categories" else "tag"
        response = await self._rest.call(
            "GET",
            taxonomy,
            f"look up {kind} {name!r}",
            params={"search": name, "per_page": "100", "_fields": "id,name"},
        )
        wanted = name.casefold()
        for term in json_list(response):
            if isinstance(term, dict) and html.unescape(str(term.get("name"))).casefold() == (
                wanted
            ):
                return int(term["id"])
        if not self._create:
            return None
        created = await self._rest.call(
            "POST", taxonomy, f"create {kind} {name!r}", json={"name": name}, allow=(400,)
        )
        body = json_object(created)
        if created.status_code == 400:
            # Created meanwhile, or a name WordPress's search does not find as typed.
            data = body.get("data")
            if body.get("code") == "term_exists" and isinstance(data, dict):
                return int(data["term_id"])
            raise self._rest.error(created, f"create {kind} {name!r}", "POST")
        return int(body["id"])
