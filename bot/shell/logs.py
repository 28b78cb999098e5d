"""Logging set-up that never writes the bot token, wherever it appears, and the one
format of warta's operational log lines.

Two dedicated loggers write one line per thing that happened, at INFO (each example is
one line, wrapped here):

- ``warta.moves`` (:data:`MOVES`): every move of an item through the SOP, written only
  after its transaction committed (``bot.usecases.items``, ``bot.usecases.drafts``), and
  every refused or stale attempt (also the taps ``handlers.taps`` turns away before any
  transaction)::

      move item=PKP-2026-0001 action=approve actor=2004 role=official from=review
           to=approved version=5 outcome=ok duration_ms=12
      move item=PKP-2026-0001 action=publish actor=2006 version=6 current=7
           state=published moved_by=2006 outcome=stale duration_ms=3
      move item=PKP-2026-0001 action=publish actor=2004 state=approved version=6
           outcome=refused reason=error.wrong_role duration_ms=1

  ``actor`` is the Telegram user id (0, with ``role=system``, for the scheduler);
  ``version`` is the item's version after the move (for a stale attempt: the version the
  button or question carried, and ``current`` the item's); ``reason`` is the message
  key of the refusal; ``outcome=error`` (WARNING) when the transaction failed.

- ``warta.publish`` (:data:`PUBLISH`): every attempt of the outbox on one target
  (``bot.usecases.outbox``); ``op`` is ``publish``, ``takedown`` or ``lookup`` (finding
  what an interrupted attempt left); ``outcome`` is ``ok``, ``found``, ``retry``,
  ``uncertain`` or ``skipped``::

      publish item=PKP-2026-0001 target=site op=publish attempt=1 outcome=ok
              url=http://127.0.0.1:8080/berita/banjir-pkp-2026-0001/ duration_ms=84
      publish item=PKP-2026-0001 target=webhook op=publish attempt=2 outcome=retry
              reason=server next_in=60s alert=sent duration_ms=31

  A failure is WARNING from the ``alert_after``-th attempt on (and an uncertain
  outcome, which a person must check), INFO before. ``reason`` is the short kind of
  the failure (``bot.ports.targets.ErrorKind``), never the target's answer (that stays in
  ``warta outbox`` and the alert); ``ambiguous=yes`` when the request may have arrived,
  ``alert=sent`` on the attempt that alerted the webmaster, ``lookup=missing|found``
  when a lookup came first. URLs are logged without any ``user:password@``.

Both are made by :func:`kv`: an event word, then ``key=value`` pairs in a fixed order.
A value with a space, a quote, a backslash, ``=`` or nothing in it is quoted as a JSON
string; control and line-break characters become spaces, so a record is always one
line. The lines name people by their Telegram id only and never carry secrets, texts
typed by people (titles, reasons) or raw answers from targets.
"""

from __future__ import annotations

import logging

# Telegram faults that are part of life on a weak network: PTB logs each with a full
# traceback while it retries; the operator needs one line saying what and that it retries.
_EXPECTED_NETWORK_FAULTS = frozenset({"NetworkError", "TimedOut", "RetryAfter", "BadGateway"})


class ExpectedFaultFilter(logging.Filter):
    """Turn a traceback of an expected Telegram network fault into one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.exc_info or record.exc_info[1] is None:
            return True
        error = record.exc_info[1]
        names = {
            cls.__name__ for cls in type(error).__mro__ if cls.__module__.startswith("telegram")
        }
        if names & _EXPECTED_NETWORK_FAULTS:
            detail = str(error).splitlines()[0] if str(error) else ""
            record.msg = f"{record.getMessage()} ({type(error).__name__}: {detail}; retrying)"
            record.args = None
            record.exc_info = None
            record.exc_text = None
            if record.levelno > logging.WARNING:
                record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class RedactFilter(logging.Filter):
    """Replace every occurrence of the secrets in a record's final text."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        text = record.exc_text or ""
        for secret in self._secrets:
            message = message.replace(secret, "***")
            text = text.replace(secret, "***")
        record.msg, record.args = message, None
        if record.exc_text:
            record.exc_text = text
        return True


def configure(level: str = "INFO", secrets: list[str] | None = None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(ExpectedFaultFilter())
    handler.addFilter(RedactFilter(secrets or []))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # fpdf2's font subsetting logs every glyph it keeps (the monthly report's PDF).
    logging.getLogger("fontTools").setLevel(logging.WARNING)
