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


def test_expected_network_faults_are_one_line_without_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from telegram.error import NetworkError

    from bot.logs import ExpectedFaultFilter

    logger = logging.getLogger("warta.test.faults")
    logger.addFilter(ExpectedFaultFilter())
    try:
        with caplog.at_level(logging.INFO, logger="warta.test.faults"):
            try:
                raise NetworkError("httpx.ConnectError: [Errno -2] Name or service not known")
            except NetworkError:
                logger.exception("Exception happened while polling for updates.")
            try:
                raise KeyError("a bug")
            except KeyError:
                logger.exception("unexpected")
    finally:
        logger.filters.clear()
    network, bug = caplog.records
    assert network.exc_info is None and network.levelname == "WARNING"
    assert "NetworkError: httpx.ConnectError" in network.getMessage()
    assert "retrying" in network.getMessage()
    assert bug.exc_info is not None  # a real bug keeps its traceback
