"""Closing a bot never hangs on its background tasks and still writes the buffered question log."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.core.service import AskContext
from bot.storage.sql import SqlStorage
from support.storage import rows

ASK = AskContext(platform="console", community="local", user="me")


async def test_a_watcher_that_swallows_its_cancellation_does_not_hang_close(
    make_bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The change watcher going round once more after ``cancel()`` (Python 3.11's ``wait_for``)
    must not keep ``close`` waiting; the next cancellation stops it."""
    swallowed: list[int] = []

    async def watch_swallowing_once(self: SqlStorage, on_change) -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if swallowed:
                    raise
                swallowed.append(1)

    monkeypatch.setattr(SqlStorage, "watch", watch_swallowing_once)
    bot = await make_bot()
    await asyncio.sleep(0.05)
    await bot.ask("Does China recognise Kosovo?", ASK)
    started = time.perf_counter()
    await bot.close()
    assert time.perf_counter() - started < 5.0
    assert swallowed == [1]

    reader = await make_bot(background=False)
    assert len(await rows(reader, "questions")) == 1
