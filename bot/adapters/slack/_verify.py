"""Slack's request signatures, checked before anything reads, decodes or parses a request.

A request over HTTP is Slack's only when ``X-Slack-Signature`` is the HMAC-SHA256, keyed with the
signing secret, of ``v0:{timestamp}:{body}`` and the timestamp is recent. Anything else is refused
with 401 and one short log line that never holds the body (which could carry a member's question or
an address to call back): no bolt listener, middleware or error handler ever sees it.

The headers are checked first, without reading the body; the body is read only for a plausible
signature, and decoded only to compute the HMAC (a body that is not UTF-8 is not Slack's).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from slack_sdk.signature import Clock, SignatureVerifier

#: Slack's own limit: a request signed more than five minutes ago may be a replay.
MAX_AGE_SECONDS = 5 * 60
#: The context key that marks a bolt request as verified (see :func:`bot.adapters.slack.app._on_error`).
VERIFIED = "factbot_verified"

_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # seconds since the epoch, ASCII digits only ("1e3", "٣" are not)
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


class _Clock(Clock):
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


class RequestVerifier:
    """Checks one request's signature; each check returns why it is refused, or ``None``."""

    def __init__(self, signing_secret: str, now: Callable[[], float] = time.time) -> None:
        self._now = now
        self._verifier = SignatureVerifier(signing_secret, clock=_Clock(now))

    def check_headers(self, timestamp: str | None, signature: str | None) -> str | None:
        """The cheap part, before the body is read: a fresh numeric timestamp and a well-formed signature."""
        if not timestamp or not _TIMESTAMP.fullmatch(timestamp):
            return "no valid X-Slack-Request-Timestamp"
        if abs(self._now() - int(timestamp)) > MAX_AGE_SECONDS:
            return "X-Slack-Request-Timestamp is not within five minutes of now"
        if not signature or not _SIGNATURE.fullmatch(signature):
            return "no valid X-Slack-Signature"
        return None

    def check_body(self, timestamp: str, signature: str, body: bytes) -> str | None:
        """The HMAC of the raw body, for headers that passed :meth:`check_headers`."""
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return "the body is not UTF-8"
        if not self._verifier.is_valid(text, timestamp, signature):
            return "the signature does not match"
        return None
