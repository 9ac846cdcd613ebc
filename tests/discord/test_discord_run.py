"""`factbot run` starts the Discord bot when DISCORD_TOKEN is set."""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path

from discord_emulator import DiscordEmulator, Guild, Member, User, snowflake

from bot.cli import main
from bot.settings import DEFAULT_KNOWLEDGE_DIR

REVOKED = 4004  # Discord's "authentication failed" close code: the bot must stop, not retry


async def test_factbot_run_serves_discord_with_the_configured_api(tmp_path: Path, monkeypatch, capfd):
    guild = Guild(snowflake(), "g", channels={"general": snowflake()}, roles={})
    member = Member(User(snowflake(), "ana"))
    emulator = DiscordEmulator(guilds=[guild], members=[member])
    await emulator.start()
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, tmp_path / "knowledge")
    for name, value in {
        "DISCORD_TOKEN": emulator.token,
        "FACTBOT_DISCORD_API_BASE": emulator.api_base,
        "FACTBOT_KNOWLEDGE_DIR": str(tmp_path / "knowledge"),
        "FACTBOT_DATA_DIR": str(tmp_path / "data"),
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("DATABASE_URL", "FACTBOT_METRICS_PORT", "FACTBOT_DISCORD_DEV_GUILD", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    outcome: list[BaseException | int] = []

    def run() -> None:
        try:
            outcome.append(main(["run"]))
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    thread = threading.Thread(target=run, name="factbot-run")
    thread.start()
    try:
        await emulator.wait_until(lambda: bool(emulator.identifies), timeout=20)
        message = await emulator.send_message("Does China recognise Kosovo?", author=member, guild=None)
        reply = await emulator.reply_to(message, timeout=10)
        assert reply.embed["title"] == "China does not recognise Kosovo's independence"
        assert not [c for c in emulator.calls if c.method == "PUT"], "no command sync on a normal start"
    finally:
        for session in emulator.sessions.values():
            if session.ws is not None:
                await session.ws.close(code=REVOKED)
        await asyncio.to_thread(thread.join, 20)
        await emulator.close()
    assert not thread.is_alive()
    [result] = outcome
    assert result == 2  # the bot stopped because Discord closed with 4004: the token is no longer valid
    err = capfd.readouterr().err
    assert "DISCORD_TOKEN was refused by Discord's gateway" in err and "4004" in err
    assert "Traceback" not in err
