"""Background work stops when asked: a cancellation that arrives as an awaited event fires is not
swallowed, and closing never waits without bound for a task that ignores its cancellation."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest

from bot.core import tasks


async def _loop_until_cancelled(wait, event: asyncio.Event, rounds: list[int]) -> None:
    """A watcher loop like the change listener's: wait for a wake-up or a timeout, forever."""
    while True:
        await wait(event)
        event.clear()
        rounds.append(1)


async def _cancel_as_the_event_fires(wait) -> tuple[asyncio.Task[None], list[int]]:
    event = asyncio.Event()
    rounds: list[int] = []
    task = asyncio.create_task(_loop_until_cancelled(wait, event, rounds))
    await asyncio.sleep(0)  # the task now waits on the event
    event.set()
    # Let the event's waiter finish and hand its result on, then cancel before the task resumes:
    # the cancellation and the wake-up arrive in the same loop iteration.
    await asyncio.sleep(0)
    task.cancel()
    await asyncio.wait([task], timeout=0.5)
    return task, rounds


async def test_python_wait_for_can_swallow_a_cancellation() -> None:
    """The hazard itself, so the test below is known to exercise it (Python 3.11's wait_for)."""

    async def wait_for(event: asyncio.Event) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), 30)

    task, rounds = await _cancel_as_the_event_fires(wait_for)
    swallowed = not task.done()
    task.cancel()
    await asyncio.wait([task], timeout=1)
    if not swallowed:
        pytest.skip("this Python's wait_for lets the cancellation through")
    assert rounds == [1]  # the loop went round again after cancel()


async def test_wait_event_lets_a_cancellation_through_as_the_event_fires() -> None:
    task, _rounds = await _cancel_as_the_event_fires(lambda event: tasks.wait_event(event, 30))
    assert task.done() and task.cancelled()


async def test_wait_event_says_whether_the_event_fired() -> None:
    event = asyncio.Event()
    assert await tasks.wait_event(event, 0.01) is False
    event.set()
    assert await tasks.wait_event(event, 0.01) is True


async def test_stop_tasks_cancels_again_a_task_that_swallowed_its_cancellation() -> None:
    swallowed: list[int] = []

    async def stubborn() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if not swallowed:
                    swallowed.append(1)
                    continue
                raise

    task = asyncio.create_task(stubborn(), name="stubborn")
    await asyncio.sleep(0)
    assert await tasks.stop_tasks([task], timeout=2.0) == []
    assert swallowed == [1] and task.cancelled()


async def test_stop_tasks_gives_up_on_a_task_that_never_stops_and_says_so(caplog) -> None:
    release = asyncio.Event()

    async def immortal() -> None:
        while not release.is_set():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.sleep(3600)

    task = asyncio.create_task(immortal(), name="immortal")
    await asyncio.sleep(0)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with caplog.at_level(logging.WARNING, logger="bot.core.tasks"):
        left = await tasks.stop_tasks([task], timeout=0.3)
    assert left == [task]
    assert loop.time() - started < 2.0
    assert any("immortal did not stop" in r.getMessage() for r in caplog.records)
    release.set()
    task.cancel()
    await asyncio.wait([task], timeout=1)
    assert task.done()
