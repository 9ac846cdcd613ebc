"""`factbot discord sync`: commands are published on purpose, to a guild or globally."""

from __future__ import annotations

from pathlib import Path

from discord_emulator import DiscordEmulator

from bot.adapters.discord.ask import Ask
from bot.adapters.discord.client import FactBotClient
from bot.adapters.discord.moderation import KnowledgeAdmin
from bot.adapters.discord.sync import publish
from bot.adapters.discord.topics import Topics
from bot.cli import main
from bot.core.service import FactBot
from bot.settings import DEFAULT_KNOWLEDGE_DIR, DiscordSettings, Settings

EXPECTED = ["ask", "fact", "help", "kb", "topics"]


def _settings(emulator: DiscordEmulator, **discord: object) -> Settings:
    settings = Settings(env_file=Path("/nonexistent"))
    settings.knowledge.knowledge_dir = DEFAULT_KNOWLEDGE_DIR
    settings.discord = DiscordSettings(
        _env_file=None, discord_token=emulator.token, factbot_discord_api_base=emulator.api_base, **discord
    )
    return settings


async def test_sync_to_one_guild(emulator):
    names, where = await publish(_settings(emulator), 1234)
    assert sorted(names) == EXPECTED and where == "to guild 1234"
    assert sorted(c["name"] for c in emulator.guild_commands[1234]) == EXPECTED
    assert not emulator.global_commands
    assert not emulator.identifies, "syncing needs no gateway connection"


async def test_global_sync(emulator):
    names, where = await publish(_settings(emulator), None)
    assert where == "globally"
    assert sorted(c["name"] for c in emulator.global_commands) == EXPECTED


async def test_synced_payload_respects_discord_limits(emulator):
    await publish(_settings(emulator), None)

    def walk(options):
        for option in options:
            yield option
            yield from walk(option.get("options", []))

    for command in emulator.global_commands:
        assert 1 <= len(command["description"]) <= 100
        for option in walk(command.get("options", [])):
            assert option["name"] == option["name"].lower() and len(option["name"]) <= 32
            assert 1 <= len(option["description"]) <= 100
        assert len(command.get("options", [])) <= 25


def test_cli_sync_without_a_token_says_so(monkeypatch, capsys):
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    code = main(["discord", "sync", "--guild", "1"])
    assert code == 2
    assert "DISCORD_TOKEN is not set" in capsys.readouterr().err


async def test_command_names_are_unique():
    client = FactBotClient(FactBot(DEFAULT_KNOWLEDGE_DIR), DiscordSettings(_env_file=None))
    for cog in (Ask(client), Topics(client), KnowledgeAdmin(client)):
        await client.add_cog(cog)
    names = [c.name for c in client.tree.get_commands()]
    assert len(names) == len(set(names)) == len(EXPECTED)
    kb = client.tree.get_command("kb")
    sub = [c.name for c in kb.commands]
    assert len(sub) == len(set(sub))
