"""A real WordPress for tests: ``fixture`` (pytest fixtures), ``server`` (the site),
``flaky_proxy`` (a proxy that fails on request). See ``fixture.py`` for how to use them."""
