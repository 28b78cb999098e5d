"""The office's own website: plain HTML pages, feeds and a sitemap in one folder.

This is the target that works with nothing else installed: any web server (or
``warta site serve``) can serve the folder. The site keeps its own record of what it
shows in ``<site_dir>/.warta/posts.json`` (the manifest), so publishing one article
rewrites only that article's page plus the pages derived from the manifest (home and
category lists, feeds, sitemap), and ``rebuild`` can regenerate everything after an
office changes its templates, without the database.

Links between pages are relative, so the same folder works on ``localhost``, under a
path prefix or on the office's domain; only canonical links, Open Graph tags, feeds and
the sitemap use the absolute ``base_url``, because their readers need it.

The parts, each with its own reason to change:

- :mod:`.record`: the manifest, its file format and lock, and atomic writes;
- :mod:`.views`: a post as the templates and feeds see it (dates, sizes, addresses);
- :mod:`.render`: the Jinja2 pages (an office restyles the site by copying a file
  from ``publisher/templates`` into its own templates folder, which takes precedence);
- :mod:`.feeds`: RSS, Atom, JSON Feed, the sitemap and robots.txt;
- :mod:`.target`: :class:`StaticSite`, the publishing target that puts them together;
- :mod:`.serve`: the preview server of ``warta site serve``.
"""

from publisher.static_site.feeds import FEED_SIZE
from publisher.static_site.record import MANIFEST_VERSION
from publisher.static_site.render import SHIPPED_TEMPLATES
from publisher.static_site.serve import make_server, serve
from publisher.static_site.target import StaticSite

__all__ = [
    "FEED_SIZE",
    "MANIFEST_VERSION",
    "SHIPPED_TEMPLATES",
    "StaticSite",
    "make_server",
    "serve",
]
