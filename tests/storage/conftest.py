"""Bots on a real database: SQLite and PostgreSQL (see ``database_url``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from bot.app import create_bot
from bot.core.service import FactBot
from bot.settings import Settings

MakeBot = Callable[..., Awaitable[FactBot]]


@pytest.fixture
async def make_bot(bot_settings: Settings) -> AsyncIterator[MakeBot]:
    """Start bots as ``factbot run`` does (``create_bot``); all are closed at the end."""
    bots: list[FactBot] = []

    async def make(*, background: bool = True, settings: Settings | None = None) -> FactBot:
        bot = await create_bot(settings or bot_settings, background=background)
        bots.append(bot)
        return bot

    yield make
    for bot in reversed(bots):
        await bot.close()
