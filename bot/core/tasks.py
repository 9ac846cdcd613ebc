"""Background tasks that stop when asked: cancellation-proof waits and a bounded shutdown.

Python 3.11's ``asyncio.wait_for`` returns the awaited result when a cancellation arrives in the
same loop iteration as that result, so a loop around it keeps running after ``cancel()`` and
whoever awaits the task waits forever. :func:`wait_event` uses ``asyncio.timeout`` instead, which
counts cancellations and always lets one through, and :func:`stop_tasks` never waits unbounded.
:class:`Backoff` spaces out the attempts of a task that reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from bot.core import gcpause

log = logging.getLogger(__name__)


#: How long :func:`stop_tasks` waits for cancelled tasks before it gives up on them, in seconds.
STOP_TIMEOUT = 5.0
#: How many times a task that did not stop is cancelled again within that time.
_CANCEL_ROUNDS = 5


async def wait_event(event: asyncio.Event, seconds: float) -> bool:
    """Wait until ``event`` is set or ``seconds`` pass; True when it was set. A cancellation always
    propagates, even one that arrives as the event fires."""
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
    except TimeoutError:
        return event.is_set()
    return True


async def stop_tasks(tasks: Sequence[asyncio.Task[None]], timeout: float = STOP_TIMEOUT) -> list[asyncio.Task[None]]:
    """Cancel ``tasks`` and wait for them for at most ``timeout`` seconds in all.

    A task that swallowed its cancellation is cancelled again a few times within that time; one that
    still runs afterwards is logged and left behind, so closing the bot never hangs. Returns the
    tasks that did not stop.
    """
    pending = [task for task in tasks if not task.done()]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    for _ in range(_CANCEL_ROUNDS):
        if not pending:
            break
        for task in pending:
            task.cancel()
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        _done, still = await asyncio.wait(pending, timeout=remaining / _CANCEL_ROUNDS)
        pending = list(still)
    for task in tasks:
        if task.done() and not task.cancelled():
            with contextlib.suppress(asyncio.CancelledError):
                exc = task.exception()
                if exc is not None:
                    log.error("background task %s ended with an error", task.get_name(), exc_info=exc)
    for task in pending:
        log.warning("background task %s did not stop within %.1f s; closing without it", task.get_name(), timeout)
    return pending


class Backoff:
    """Exponential delays between attempts: ``initial``, twice that, … up to ``maximum`` seconds."""

    def __init__(self, initial: float = 1.0, maximum: float = 300.0) -> None:
        if not 0 < initial <= maximum:
            raise ValueError("need 0 < initial <= maximum")
        self.initial = initial
        self.maximum = maximum
        self.attempts = 0

    def next_delay(self) -> float:
        """The delay before the next attempt (each call counts one more failed attempt)."""
        delay = self.peek()
        self.attempts += 1
        return delay

    def peek(self) -> float:
        """The delay :meth:`next_delay` will give, without counting an attempt."""
        return min(self.initial * 2 ** min(self.attempts, 60), self.maximum)  # no float overflow after days

    def reset(self) -> None:
        """After a success: the next failure waits ``initial`` again."""
        self.attempts = 0


#: The interpreter's thread switch interval while a worker builds knowledge, in seconds. Python's
#: default (5 ms) is how long a thread that gave up the GIL (for a system call, a rapidfuzz or
#: numpy call) waits to get it back from a busy worker; an answer gives it up several times.
WORKER_SWITCH_INTERVAL = 0.0005
T = TypeVar("T")
_workers = 0
_default_interval: float | None = None


async def in_worker(function: Callable[..., T], *args: object) -> T:
    """Run CPU-heavy ``function`` (reading or indexing knowledge) in a worker thread while the event
    loop goes on answering. Meanwhile the switch interval is shortened and the cycle collector
    (whose full passes over millions of new objects would stop every thread) waits, so answers do
    not stall."""
    global _workers, _default_interval
    if _workers == 0:
        _default_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(WORKER_SWITCH_INTERVAL, _default_interval))
    _workers += 1
    try:
        # What the worker builds is long-lived: kept out of the cycle collector's sight, so no
        # collection ever pauses every thread to walk a whole knowledge base.
        with gcpause.paused(freeze=True):
            return await asyncio.to_thread(function, *args)
    finally:
        _workers -= 1
        if _workers == 0 and _default_interval is not None:
            sys.setswitchinterval(_default_interval)


async def drop_off_loop(holder: list[Any]) -> None:
    """Drop the references in ``holder`` in a worker thread: when they are the last ones to a large
    structure (the knowledge being replaced), it is freed there and not on the event loop."""
    await asyncio.to_thread(holder.clear)
