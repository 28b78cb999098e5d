"""Publishing to a WordPress site through its REST API, logged in with an Application
Password (Users → Profile → Application Passwords; WordPress 5.6 or newer).

What a published article looks like on the site
    A post with the article's slug followed by this installation's mark (see below),
    title, excerpt and date (``date_gmt`` is the article's publication time; a time in
    the future schedules the post). Its content is block-editor markup
    (:mod:`.blocks`): the body as paragraphs (escaped and sanitized by
    :func:`publisher.html.text_to_html`), then the photos (one image block, or a gallery
    of all of them, each linking to the full-size file), the videos (video blocks) and
    the documents (file blocks with a download button). Every file goes to the media
    library first (:mod:`.media`), as its public copy from :class:`PublicFiles` (images
    without EXIF/GPS); the first image becomes the featured image. The category is
    looked up by name, the tags are the article's tags and section (:mod:`.terms`);
    missing terms are created when ``create_terms`` is on, else left out (WordPress then
    files the post under its default category).

Whose post it is (:mod:`.scope`)
    Every post slug ends in the first 8 hex digits of this installation's id
    (``<title words>-<item code>-<mark>``), and every upload slug starts with that post
    slug. Another installation, or this one after its database was reset, publishing
    the same item code under the same title makes its own post and never finds, updates
    or takes down this one.

Finding things again (nothing is ever created twice)
    A first attempt (``publish`` without a ref) creates a new post: it never looks for
    one, let alone takes it over. After an attempt that may have reached WordPress the
    outbox calls :meth:`WordPress.locate`, which finds this installation's post by its
    slug (also when trashed: WordPress renames a trashed post's slug to
    ``<slug>__trashed``), and publishes again with what it found. Uploads are found by
    their slugs, ``<post slug>-<n>-<first 8 hex of the file's SHA-256>``, before
    anything is uploaded: the same file of the same article is uploaded once.

Errors (:mod:`.rest`)
    A timeout or a dropped connection after the request went out, and a server error
    (5xx) answering a change, raise ``PublishError(ambiguous=True)``: WordPress may have
    done it. 401 means the login was refused: WordPress answers a wrong application
    password exactly as if none was sent (``rest_not_logged_in``). Error texts quote
    WordPress's own message, shortened, and never the password.

Addresses
    The REST API lives at ``<site>/wp-json/`` when the site uses pretty permalinks and at
    ``<site>/?rest_route=/`` always; the first call finds out which one answers.
"""

from __future__ import annotations

from publisher.wordpress.blocks import DOWNLOAD_LABEL
from publisher.wordpress.rest import USER_AGENT
from publisher.wordpress.scope import InstallationSource, mark_of, scoped_slug
from publisher.wordpress.target import WordPress

__all__ = [
    "DOWNLOAD_LABEL",
    "USER_AGENT",
    "InstallationSource",
    "WordPress",
    "mark_of",
    "scoped_slug",
]
