"""A Discord setting that cannot work stops ``factbot`` in seconds with one plain line, not a traceback.

Real ``factbot`` processes against the loopback Discord, which answers 401 to a token it does not know.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from discord_emulator import DiscordEmulator

from support.process import assert_one_plain_line, environment, run_factbot


def _env(tmp_path: Path, emulator: DiscordEmulator, token: str) -> dict[str, str]:
    return environment(tmp_path, DISCORD_TOKEN=token, FACTBOT_DISCORD_API_BASE=emulator.api_base)


@pytest.mark.parametrize("command", [["run", "--platforms-only"], ["discord", "sync", "--guild", "1234"]])
async def test_a_bad_token_is_one_line(emulator: DiscordEmulator, tmp_path: Path, command: list[str]) -> None:
    result = await run_factbot(*command, env=_env(tmp_path, emulator, "not-the-token"), cwd=tmp_path)
    line = assert_one_plain_line(result, "DISCORD_TOKEN", "refused")
    assert result.returncode == 2 and "not-the-token" not in result.stderr
    assert "voice" not in result.stderr  # discord.py's PyNaCl/davey notices are silenced
    assert line.startswith("factbot: ")
    assert not emulator.identifies and not [c for c in emulator.calls if c.method == "PUT"]


async def test_the_traceback_is_there_at_debug(emulator: DiscordEmulator, tmp_path: Path) -> None:
    result = await run_factbot(
        "--log-level", "DEBUG", "run", "--platforms-only", env=_env(tmp_path, emulator, "not-the-token"), cwd=tmp_path
    )
    assert result.returncode == 2
    assert "Traceback" in result.stderr and "LoginFailure" in result.stderr
    assert "not-the-token" not in result.stderr  # secrets are masked at every level


async def test_a_sync_to_a_server_the_bot_cannot_reach_is_one_line(emulator: DiscordEmulator, tmp_path: Path) -> None:
    emulator.forbidden_guilds.add(4321)
    env = _env(tmp_path, emulator, emulator.token)
    result = await run_factbot("discord", "sync", "--guild", "4321", env=env, cwd=tmp_path)
    assert_one_plain_line(result, "applications.commands", "4321")
