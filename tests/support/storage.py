"""Helpers of the storage tests: direct reads of the tables, and waiting for a condition."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa

from bot.core.service import FactBot


async def rows(bot: FactBot, table: str, *where: Any) -> list[Any]:
    """Every row of ``table`` (read straight from the database the bot writes to)."""
    from bot.storage import tables

    engine = bot.moderation.storage.engine
    async with engine.connect() as connection:
        return list((await connection.execute(sa.select(getattr(tables, table)).where(*where))).all())


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float, interval: float = 0.02) -> float:
    """Seconds until ``check`` holds; fails after ``timeout``."""
    started = time.perf_counter()
    while True:
        if await check():
            return time.perf_counter() - started
        if time.perf_counter() - started > timeout:
            raise AssertionError(f"not true within {timeout}s")
        await asyncio.sleep(interval)
