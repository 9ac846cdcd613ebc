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
import gc
import logging
import sys
import types
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
    structure (the knowledge being replaced), it is freed there, piece by piece (see
    :func:`release`), and not on the event loop."""
    await asyncio.to_thread(release, holder)


#: Containers :func:`release` walks at most (beyond them, the rest is freed as it goes).
RELEASE_LIMIT = 1_000_000
#: The items of a wide container that have none of their own (strings, numbers) are freed this
#: many at a time, not all with it.
RELEASE_WIDE = 1024
_LEAVES = (str, bytes, int, float, complex, bool, type(None), range)
#: Never walked into: shared by the whole process, never freed with a knowledge state.
_SHARED = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType)


def release(holder: list[Any]) -> None:
    """Empty ``holder`` and free what only it kept alive a little at a time, so the thread doing
    it gives up the interpreter's lock in between (Python frees a structure whose last reference
    goes in one cascade of deallocations that holds the lock throughout: about 40 ms for the
    knowledge and index of 100,000 phrasings).

    Every container reachable from ``holder`` is first held in a list, parents before their
    children (and the strings and numbers of a wide container in slices), then that list lets go
    of them one by one: each then frees only itself, what it holds being held still. What
    something else still uses (the new knowledge shares facts with the old) merely loses one
    reference."""
    held: list[Any] = []
    seen: set[int] = set()
    stack = list(holder)
    holder.clear()
    while stack and len(seen) < RELEASE_LIMIT:
        item = stack.pop()
        if isinstance(item, _SHARED) or id(item) in seen:
            continue
        seen.add(id(item))
        held.append(item)
        children = gc.get_referents(item)
        if len(children) > RELEASE_WIDE:
            leaves = [child for child in children if isinstance(child, _LEAVES)]
            held.extend(leaves[i : i + RELEASE_WIDE] for i in range(0, len(leaves), RELEASE_WIDE))
        stack.extend(child for child in children if not isinstance(child, _LEAVES))
        del children
    del stack, seen
    for i in range(len(held)):
        held[i] = None
