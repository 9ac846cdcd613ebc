"""Slack re-sends an event when it did not see the acknowledgement in time: answer each event once.

An Events API delivery that Slack thinks failed (a slow network, a restart) comes again, up to three
times, with ``X-Slack-Retry-Num`` (over Socket Mode, ``retry_attempt``, which bolt turns into the same
header) and the same ``event_id``. The bolt middleware here remembers the ids of recent events, a
bounded number of them, and acknowledges a repeat without running any listener, so a mention is not
answered twice. A retry of an event this process never saw (the first delivery was lost) is answered.
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

log = logging.getLogger(__name__)

#: Slack retries within minutes; this many ids cover far more events than arrive meanwhile.
REMEMBERED_EVENTS = 10_000


class RecentIds:
    """The last ``capacity`` ids seen, oldest forgotten first."""

    def __init__(self, capacity: int = REMEMBERED_EVENTS) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._seen: collections.OrderedDict[str, None] = collections.OrderedDict()

    def __len__(self) -> int:
        return len(self._seen)

    def first_time(self, key: str) -> bool:
        """Remember ``key``; ``False`` when it was already among the remembered ids."""
        if key in self._seen:
            self._seen.move_to_end(key)
            return False
        self._seen[key] = None
        if len(self._seen) > self.capacity:
            self._seen.popitem(last=False)
        return True


class OncePerEvent:
    """A bolt global middleware: an ``event_callback`` whose ``event_id`` was seen is acknowledged, not run."""

    def __init__(self, capacity: int = REMEMBERED_EVENTS) -> None:
        self.seen = RecentIds(capacity)

    async def middleware(
        self, body: dict[str, Any], request: AsyncBoltRequest, next: Callable[[], Awaitable[None]]  # noqa: A002 - bolt's name
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and event_id and not self.seen.first_time(event_id):
            retry = (request.headers.get("x-slack-retry-num") or ["?"])[0]
            reason = (request.headers.get("x-slack-retry-reason") or ["unknown"])[0]
            log.info(
                "Slack event %s delivered again (retry %s, %s): acknowledged, not answered twice",
                event_id, retry, reason,
            )
            return BoltResponse(status=200, body="")
        await next()
        return None
