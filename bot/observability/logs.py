"""Logging set-up: text for people or JSON for log collectors (``FACTBOT_LOG_FORMAT``); secrets masked.

Secrets are typed ``SecretStr`` and never formatted into messages on purpose; as a second line of
defence the formatter replaces every configured secret value (tokens, the database password, the
user hash key) by ``**********`` in whatever it is about to write, tracebacks included.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Iterable
from typing import Any

from pydantic import SecretStr

MASK = "**********"
_HANDLER_NAME = "factbot"
#: Where a running bot says where it serves and what it is connected to ("listening on …", "connected
#: to workspace …"): shown at the default level (WARNING) too, silenced only by ``ERROR``.
STATUS_LOGGER = "bot.status"
#: Loggers of libraries whose chatter the bot reports itself, in one line; all of it at DEBUG.
QUIET_LIBRARY_LOGGERS = ("alembic", "bot.adapters.slack.socket_mode")
#: Attributes every LogRecord has; anything else was passed with ``extra=`` and goes into JSON output.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "taskName"}
_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Wraps a formatter and masks secret values in its output."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner
        self._secrets: set[str] = set()

    def add_secrets(self, values: Iterable[str]) -> None:
        # Very short values would mask ordinary words; real secrets are long.
        self._secrets.update(v for v in values if v and len(v) >= 6)

    def format(self, record: logging.LogRecord) -> str:
        text = self.inner.format(record)
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, extra fields and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", fmt: str = "text", stream: Any = None) -> logging.Handler:
    """Install factbot's handler on the root logger (replacing a previous one); returns it."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    inner = JsonFormatter() if fmt == "json" else logging.Formatter(_TEXT_FORMAT)
    handler.setFormatter(RedactingFormatter(inner))
    root.addHandler(handler)
    root.setLevel(level.upper())
    debug = root.level <= logging.DEBUG
    # Alembic tells about every migration context at INFO, slack_sdk about every Socket Mode session;
    # only their warnings matter in operation.
    for name in QUIET_LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if debug else logging.WARNING)
    status = min(root.level, logging.INFO) if root.level <= logging.WARNING else root.level
    logging.getLogger(STATUS_LOGGER).setLevel(status)
    return handler


def status_logger() -> logging.Logger:
    """The logger of a running bot's one-line status (see :data:`STATUS_LOGGER`); log to it at INFO."""
    return logging.getLogger(STATUS_LOGGER)


class TracebackAtDebug(logging.Filter):
    """For a library logger: its records keep their message, and their traceback only when DEBUG is on
    (``--log-level DEBUG``), so an operator reads one line per event."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and not logging.getLogger().isEnabledFor(logging.DEBUG):
            record.exc_info = None
            record.exc_text = None
        return True


def _secret_values(settings: Any) -> list[str]:
    values: list[str] = []
    for section in vars(settings).values():
        for value in vars(section).values():
            if isinstance(value, SecretStr):
                raw = value.get_secret_value()
                values.append(raw)
                if "://" in raw:  # a database URL: its password alone may appear too
                    from sqlalchemy import make_url
                    from sqlalchemy.exc import ArgumentError

                    try:
                        password = make_url(raw).password
                    except (ArgumentError, ValueError):  # reported where the URL is used
                        password = None
                    if password:
                        values.append(str(password))
    return values


def protect_secrets(settings: Any) -> None:
    """Mask every secret of ``settings`` in the output of factbot's log handlers."""
    secrets = _secret_values(settings)
    for handler in logging.getLogger().handlers:
        formatter = handler.formatter
        if isinstance(formatter, RedactingFormatter):
            formatter.add_secrets(secrets)
