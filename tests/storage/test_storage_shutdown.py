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


async def test_close_lets_a_write_in_progress_finish_and_writes_the_rest(
    make_bot, bot_settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancelled half-way through a transaction, a SQLite write kept its lock: the last flush then
    waited 30 s and was given up, and thousands of questions were lost on a plain close."""
    import sqlalchemy as sa

    from bot.storage import tables

    inside = asyncio.Event()
    interrupted: list[str] = []

    async def slow_write_log(self: SqlStorage, questions, feedback) -> None:
        async with self._transaction("write_log") as connection:
            await connection.execute(self._insert_ignoring(tables.questions, ["id"]), [_row(q) for q in questions])
            inside.set()
            try:
                await asyncio.sleep(0.3)  # the rest of a large batch
            except asyncio.CancelledError:
                interrupted.append("cancelled inside the transaction")
                raise

    from bot.storage.sql import _question_row as _row

    monkeypatch.setattr(SqlStorage, "write_log", slow_write_log)
    bot_settings.semantic.semantic = False  # 700 questions: the log is under test, not matching
    bot = await make_bot()
    for i in range(600):
        await bot.ask(f"question number {i}", ASK)
    await asyncio.wait_for(inside.wait(), 10)
    for i in range(600, 700):
        await bot.ask(f"question number {i}", ASK)  # asked while the first batch is being written
    await bot.close()
    assert interrupted == []

    reader = await make_bot(background=False)
    engine = reader.moderation.storage.engine
    async with engine.connect() as connection:
        assert await connection.scalar(sa.select(sa.func.count()).select_from(tables.questions)) == 700
