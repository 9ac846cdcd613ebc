"""The console chat logs its questions through the same path as every platform."""

from __future__ import annotations

import asyncio
import io

import pytest

from bot.app import create_bot
from bot.cli import main
from bot.settings import Settings


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_chat_questions_land_in_the_question_log(bot_settings: Settings, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("does china recognise kosovo?\nwho won the 1998 world cup?\n/quit\n"))
    assert main(["chat"]) == 0
    assert "you> " in capsys.readouterr().out

    async def stats():
        bot = await create_bot(bot_settings, background=False)
        try:
            return await bot.stats(days=1, community="console"), await bot.unanswered(days=1)
        finally:
            await bot.close()

    stats, unanswered = asyncio.run(stats())
    assert stats.total == 2 and stats.abstained == 1
    assert [g.question for g in unanswered] == ["who won the 1998 world cup?"]
