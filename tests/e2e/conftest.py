"""Fixtures for the end-to-end tests (the fake Bot API server)."""

from tests.e2e.harness import fake_bot_api

__all__ = ["fake_bot_api"]
