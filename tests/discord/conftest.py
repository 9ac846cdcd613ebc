"""Fixtures: a loopback Discord and the unmodified bot connected to it."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord.client import FactBotClient, create_client
from bot.app import build_bot
from bot.core.service import FactBot
from bot.settings import DiscordSettings, Settings
from discord_emulator import MANAGE_GUILD, MEMBER_PERMISSIONS, DiscordEmulator, Guild, Member, User, snowflake

STARTUP_TIMEOUT = 10.0


@dataclasses.dataclass
class World:
    """The server the tests play in: one guild, its channels and roles, and a few members."""

    guild: Guild
    general: int
    auto: int
    mod_role: int
    member: Member
    other: Member
    moderator: Member  # by the configured moderator role
    admin: Member  # by the Manage Server permission

    @classmethod
    def build(cls) -> World:
        mod_role = snowflake()
        guild = Guild(
            snowflake(), "Balkans study group", channels={"general": snowflake(), "ask-here": snowflake()},
            roles={"curators": mod_role},
        )
        return cls(
            guild=guild,
            general=guild.channels["general"],
            auto=guild.channels["ask-here"],
            mod_role=mod_role,
            member=Member(User(snowflake(), "ana")),
            other=Member(User(snowflake(), "bojan")),
            moderator=Member(User(snowflake(), "curator"), roles=[mod_role]),
            admin=Member(User(snowflake(), "owner"), permissions=MEMBER_PERMISSIONS | MANAGE_GUILD),
        )

    @property
    def members(self) -> list[Member]:
        return [self.admin, self.member, self.other, self.moderator]


@dataclasses.dataclass
class Harness:
    emulator: DiscordEmulator
    client: FactBotClient
    factbot: FactBot
    world: World

    async def slash(self, command: str, options: dict[str, Any] | None = None, *, member: Member | None = None, **kw: Any):
        kw.setdefault("guild", self.world.guild)
        kw.setdefault("channel_id", self.world.general)
        return await self.emulator.slash(command, options, member=member or self.world.member, **kw)


async def _build_factbot(knowledge_dir: Path, data_dir: Path) -> FactBot:
    """The core service as ``factbot run`` builds it, on a SQLite file in ``data_dir``."""
    settings = Settings(env_file=Path("/nonexistent"))
    settings.database.database_url = None
    settings.database.factbot_data_dir = data_dir
    settings.database.factbot_user_hash_key = None
    factbot = build_bot(settings, knowledge_dir=knowledge_dir)
    await factbot.start()
    return factbot


@pytest.fixture
async def emulator() -> AsyncIterator[DiscordEmulator]:
    """A loopback Discord with one server and no bot connected to it (for REST-only commands)."""
    guild = Guild(snowflake(), "g", channels={"general": snowflake()}, roles={})
    emulator = DiscordEmulator(guilds=[guild], members=[Member(User(snowflake(), "owner"))])
    await emulator.start()
    yield emulator
    await emulator.close()


@pytest.fixture
def knowledge_dir(knowledge_copy: Path) -> Path:
    return knowledge_copy


@pytest.fixture
async def start_bot(tmp_path: Path, knowledge_dir: Path) -> AsyncIterator[Callable[..., Awaitable[Harness]]]:
    """Start an emulator and the bot on it; keyword arguments override the Discord settings (a
    callable value is given the :class:`World`, for settings that name its channels)."""
    stack = contextlib.AsyncExitStack()

    async def start(*, shard_count: int = 1, **overrides: Any) -> Harness:
        world = World.build()
        emulator = DiscordEmulator(guilds=[world.guild], members=world.members, shard_count=shard_count)
        await emulator.start()
        stack.push_async_callback(emulator.close)
        factbot = await _build_factbot(knowledge_dir, tmp_path / "data")
        stack.push_async_callback(factbot.close)
        values: dict[str, Any] = {
            "discord_token": emulator.token,
            "factbot_discord_api_base": emulator.api_base,
            "factbot_discord_mod_roles": [world.mod_role],
            "factbot_discord_dev_guild": world.guild.id,
            "factbot_discord_ask_cooldown": 0,
        }
        values.update({k: v(world) if callable(v) else v for k, v in overrides.items()})
        settings = DiscordSettings(_env_file=None, **values)
        client = create_client(factbot, settings, guild_ready_timeout=0.05)
        task = asyncio.create_task(client.start(emulator.token))

        async def stop() -> None:
            await client.close()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, STARTUP_TIMEOUT)

        stack.push_async_callback(stop)
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait({ready, task}, timeout=STARTUP_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            ready.cancel()
            task.result()  # raises what stopped the bot
        assert ready in done, "the bot did not get ready"
        return Harness(emulator, client, factbot, world)

    async with stack:
        yield start
