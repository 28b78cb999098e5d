"""Fixtures for the end-to-end tests (the fake Bot API server)."""

from .harness import fake_bot_api

__all__ = ["fake_bot_api"]
