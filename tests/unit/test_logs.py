"""The bot token never reaches a log line, even inside a traceback."""

from __future__ import annotations

import logging

import pytest

from bot.shell.logs import RedactFilter

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

    from bot.shell.logs import ExpectedFaultFilter

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


def test_every_configured_secret_is_redacted(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import base64

    from bot.shell.config import load_settings

    for name, value in {
        "WARTA_TELEGRAM_TOKEN": TOKEN,
        "WARTA_WORDPRESS_URL": "https://kota.example",
        "WARTA_WORDPRESS_USER": "editor",
        "WARTA_WORDPRESS_APP_PASSWORD": "abcd EFGH ijkl MNOP qrst UVWX",
        "WARTA_WEBHOOK_URL": "https://cms.example/hook",
        "WARTA_WEBHOOK_SECRET": "hook-key-42",
        "WARTA_DATABASE_URL": "postgresql://warta:p%40ss-word@db/warta",
    }.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    header = base64.b64encode(b"editor:abcd EFGH ijkl MNOP qrst UVWX").decode()
    logger = logging.getLogger("warta.test.redact-all")
    logger.addFilter(RedactFilter(settings.secret_values()))
    try:
        with caplog.at_level(logging.INFO, logger="warta.test.redact-all"):
            logger.info(
                "token %s wp %s / %s auth Basic %s hook %s db %s and %s",
                TOKEN,
                "abcd EFGH ijkl MNOP qrst UVWX",
                "abcdEFGHijklMNOPqrstUVWX",
                header,
                "hook-key-42",
                "p%40ss-word",
                "p@ss-word",
            )
    finally:
        logger.filters.clear()
    text = caplog.records[-1].getMessage()
    assert text == "token *** wp *** / *** auth Basic *** hook *** db *** and ***"
