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


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_run_on_the_console_serves_metrics_and_health_when_a_port_is_set(
    bot_settings: Settings, monkeypatch, capsys
) -> None:
    import json
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("FACTBOT_METRICS_PORT", str(port))
    for token in ("DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(token, raising=False)
    seen: dict[str, str] = {}

    class Stdin(io.StringIO):
        """Asks one question, then reads the endpoint while the bot is running, then quits."""

        def readline(self, *args: object) -> str:
            if not seen:
                seen["first"] = "asked"
                return "does china recognise kosovo?\n"
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
                seen["metrics"] = response.read().decode()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                seen["health"] = response.read().decode()
            return ""

    monkeypatch.setattr("sys.stdin", Stdin())
    assert main(["run"]) == 0
    assert 'factbot_questions_total{outcome="' in seen["metrics"] and 'platform="console"' in seen["metrics"]
    assert json.loads(seen["health"])["status"] == "ok"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("farewell", ["quit", "exit", "Quit.", "bye", "EXIT()", "/quit", "q", ":q"])
def test_exit_words_end_the_chat_and_are_not_questions(bot_settings: Settings, monkeypatch, capsys, farewell) -> None:
    lines = f"/frobnicate now\n/Topicz\n{farewell}\nwho won the 1998 world cup?\n"  # the last line is never read
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    assert main(["chat"]) == 0
    out = capsys.readouterr().out
    assert "Unknown command /frobnicate: type /help for the commands, or ask a question." in out
    assert "Unknown command /topicz" in out
    assert "I don't know" not in out

    async def logged():
        bot = await create_bot(bot_settings, background=False)
        try:
            return (await bot.stats(days=1)).total
        finally:
            await bot.close()

    assert asyncio.run(logged()) == 0  # neither the commands nor the exit word reached the question log


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_console_questions_are_logged_under_the_console_user(bot_settings: Settings, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("/ask who won the 1998 world cup?\nquit\n"))
    assert main(["chat"]) == 0
    assert "I don't know" in capsys.readouterr().out
    assert main(["kb", "forget-user", "console", "console"]) == 0  # as the docs say
    assert "Deleted 1 logged question(s)" in capsys.readouterr().out
