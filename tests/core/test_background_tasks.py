"""A background task that fails unexpectedly is logged with its traceback and started again."""

from __future__ import annotations

import logging

import pytest

from bot.core import moderation


async def test_an_unexpected_error_is_logged_and_the_task_restarts(monkeypatch, caplog) -> None:
    monkeypatch.setattr(moderation, "RESTART_DELAY", 0.01)
    runs: list[int] = []

    async def flaky() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("a bug in the first run")

    with caplog.at_level(logging.ERROR):
        await moderation._supervised("flaky", flaky)
    assert runs == [0, 1]
    (record,) = caplog.records
    assert "background task 'flaky' failed" in record.getMessage()
    assert record.exc_info and "a bug in the first run" in str(record.exc_info[1])


async def test_cancellation_is_not_swallowed() -> None:
    import asyncio

    async def forever() -> None:
        await asyncio.sleep(3600)

    task = asyncio.create_task(moderation._supervised("forever", forever))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_knowledge_worker_leaves_the_interpreter_as_it_found_it() -> None:
    import gc
    import sys

    from bot.core.tasks import WORKER_SWITCH_INTERVAL, in_worker

    default = sys.getswitchinterval()
    seen = await in_worker(lambda: (sys.getswitchinterval(), gc.isenabled()))
    assert seen == (min(WORKER_SWITCH_INTERVAL, default), False)  # quick switches, no collector pauses
    assert sys.getswitchinterval() == default and gc.isenabled()
