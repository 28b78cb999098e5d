"""The bot token never reaches a log line, even inside a traceback."""

from __future__ import annotations

import logging

import pytest

from bot.logs import RedactFilter

TOKEN = "123456789:AAE-secret-token-value"


def test_token_is_redacted_from_messages_args_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("warta.test.redact")
    logger.addFilter(RedactFilter([TOKEN]))
    try:
        with caplog.at_level(logging.INFO, logger="warta.test.redact"):
            logger.info("calling https://api.example/bot%s/getMe", TOKEN)
            try:
                raise RuntimeError(f"request to /bot{TOKEN}/sendMessage failed")
            except RuntimeError:
                logger.exception("boom")
    finally:
        logger.filters.clear()
    text = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "getMe" in text and "sendMessage failed" in text
    assert TOKEN not in text
    assert text.count("***") >= 2
