"""Pytest fixtures for a real WordPress (see ``server.py``) and a flaky proxy in front of
it (see ``flaky_proxy.py``).

Use them from any test folder by importing them into that folder's ``conftest.py``
(``tests/`` is a package, so this one is ``tests.wordpress``)::

    from tests.wordpress.fixture import wordpress, wordpress_proxy  # noqa: F401

``wordpress`` is session-scoped: one site per session for the folder whose conftest
imports it (import it in ``tests/conftest.py`` instead to share one site between
folders). Tests share the site, so give what they create unique slugs. Without
WordPress, PHP or MariaDB the tests are skipped, except under ``CI=true`` where that is
a failure (CI runs ``tests/wordpress/install.sh`` first).

``wordpress_proxy`` is per test: a :class:`FlakyProxy` whose ``url`` reaches the site
(``proxy.set("drop", method="POST", path="/wp/v2/posts", times=1)`` and so on).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.wordpress.flaky_proxy import FlakyProxy
from tests.wordpress.server import WordPressServer, WordPressSite, unavailable

__all__ = ["require_wordpress", "wordpress", "wordpress_proxy"]


def require_wordpress() -> None:
    """Skip the test (fail it under ``CI=true``) when WordPress cannot run here."""
    reason = unavailable()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"real-WordPress tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def wordpress() -> Iterator[WordPressSite]:
    """A fresh WordPress with an Editor (``site.user``) and its Application Password
    (``site.app_password``) at ``site.base_url``; removed after the session."""
    require_wordpress()
    with WordPressServer() as site:
        yield site


@pytest.fixture
def wordpress_proxy(wordpress: WordPressSite) -> Iterator[FlakyProxy]:
    """A :class:`FlakyProxy` in front of the session's WordPress, passing by default."""
    with FlakyProxy(wordpress.base_url, hang_seconds=60) as proxy:
        yield proxy
