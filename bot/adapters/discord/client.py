"""The Discord client: an ``AutoShardedBot`` that loads one cog per feature and talks to the core.

Sharding: with ``FACTBOT_DISCORD_SHARD_COUNT`` and ``FACTBOT_DISCORD_SHARD_IDS`` a large bot runs
some of its shards in each process, all sharing one database; without them discord.py asks Discord
how many shards to run. Commands are never synced here on start, except to the dev guild when one
is configured (``factbot discord sync`` is the way to publish them).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import discord
import yarl
from discord.ext import commands

from bot.adapters.discord import _render
from bot.adapters.discord._components import DYNAMIC_ITEMS
from bot.adapters.discord.ask import Ask
from bot.adapters.discord.errors import ReportingTree
from bot.adapters.discord.feedback import FeedbackButton
from bot.adapters.discord.moderation import KnowledgeAdmin
from bot.adapters.discord.topics import Topics, TopicSelect
from bot.core.service import FactBot
from bot.observability.logs import status_logger
from bot.settings import DiscordSettings, SettingError

log = logging.getLogger(__name__)

DISCORD_API_BASE = "https://discord.com/api/v10"
#: Discord accepts one IDENTIFY per rate-limit bucket every 5 seconds.
IDENTIFY_INTERVAL = 5.0


class DiscordSetupError(SettingError):
    """The Discord settings cannot work (together, or with Discord); the message names the setting."""


#: Gateway close codes that a setting causes, and which one (discord.py raises them, never retries).
_CLOSE_CODES = {
    4004: "DISCORD_TOKEN was refused by Discord's gateway (authentication failed): copy the bot's token from "
    "the developer portal (Bot, Reset Token)",
    4010: "FACTBOT_DISCORD_SHARD_IDS names a shard Discord does not have (invalid shard)",
    4011: "Discord says this bot is in too many servers for one shard: set FACTBOT_DISCORD_SHARD_COUNT",
    4013: "Discord refused the bot's gateway intents (invalid intents)",
}


@contextlib.contextmanager
def settings_explained() -> Iterator[None]:
    """Discord's refusals of the configuration become one :class:`DiscordSetupError` naming the setting."""
    try:
        yield
    except discord.LoginFailure as exc:
        raise DiscordSetupError(
            "DISCORD_TOKEN was refused by Discord (401 Unauthorized): copy the bot's token from the developer "
            "portal (Bot, Reset Token)"
        ) from exc
    except discord.PrivilegedIntentsRequired as exc:
        raise DiscordSetupError(
            "FACTBOT_DISCORD_AUTO_CHANNELS needs the Message Content intent: turn it on in the developer portal "
            "(Bot, Privileged Gateway Intents) or unset FACTBOT_DISCORD_AUTO_CHANNELS"
        ) from exc
    except discord.ConnectionClosed as exc:
        if exc.code in _CLOSE_CODES:
            raise DiscordSetupError(f"{_CLOSE_CODES[exc.code]} (gateway close code {exc.code})") from exc
        raise


class _NoVoiceNotice(logging.Filter):
    """discord.py warns at every start that voice needs PyNaCl and davey: this bot has no voice."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().endswith("voice will NOT be supported")


logging.getLogger("discord.client").addFilter(_NoVoiceNotice())


def use_api_base(base_url: str) -> None:
    """Send discord.py's REST calls (interaction callbacks and webhooks included) to ``base_url``.

    This is how bots behind a REST proxy point discord.py elsewhere: every ``Route`` is built
    from ``Route.BASE``. The gateway address then comes from ``GET /gateway/bot`` of that API.
    """
    discord.http.Route.BASE = base_url.rstrip("/")


def intents_for(settings: DiscordSettings) -> discord.Intents:
    """The least the bot needs. Message content, a privileged intent, only for auto-answer channels:
    mentions and DMs carry their content without it."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = bool(settings.factbot_discord_auto_channels)
    return intents


class FactBotClient(commands.AutoShardedBot):
    """The bot: holds the core service and the settings the feature cogs read."""

    def __init__(
        self, factbot: FactBot, settings: DiscordSettings, *, sync_dev_guild: bool = True, **options: Any
    ) -> None:
        shard_ids = list(settings.factbot_discord_shard_ids) or None
        if shard_ids is not None and settings.factbot_discord_shard_count is None:
            raise DiscordSetupError("FACTBOT_DISCORD_SHARD_IDS needs FACTBOT_DISCORD_SHARD_COUNT (the bot's total).")
        if shard_ids and settings.factbot_discord_shard_count is not None:
            wrong = [i for i in shard_ids if i >= settings.factbot_discord_shard_count]
            if wrong:
                raise DiscordSetupError(f"Shard ids {wrong} are not below the shard count.")
        super().__init__(
            command_prefix=commands.when_mentioned,  # unused: there are no prefix commands
            help_command=None,
            tree_cls=ReportingTree,
            intents=intents_for(settings),
            allowed_mentions=_render.NO_PINGS,
            shard_count=settings.factbot_discord_shard_count,
            shard_ids=shard_ids,
            **options,
        )
        self.factbot = factbot
        self.settings = settings
        self.moderator_roles = frozenset(settings.factbot_discord_mod_roles)
        self.sync_dev_guild = sync_dev_guild
        self._gateway: yarl.URL | None = None
        self._max_concurrency = 1
        self._identified: dict[int, float] = {}
        self._identify_lock = asyncio.Lock()

    async def setup_hook(self) -> None:
        for cog in (Ask(self), Topics(self), KnowledgeAdmin(self)):
            await self.add_cog(cog)
        self.add_dynamic_items(*DYNAMIC_ITEMS, FeedbackButton, TopicSelect)
        _, url, limits = await self.http.get_bot_gateway()
        self._max_concurrency = max(1, int(limits.get("max_concurrency", 1)))
        if self.shard_count is not None:
            # discord.py asks /gateway/bot only when it picks the shard count itself; a process that
            # runs some shards of a fixed count uses its answer too, so a REST proxy names the gateway.
            self._gateway = yarl.URL(url)
        dev_guild = self.settings.factbot_discord_dev_guild
        if self.sync_dev_guild and dev_guild is not None:
            synced = await sync_commands(self, dev_guild)
            log.info("Synced %d commands to the dev guild %s", len(synced), dev_guild)

    async def launch_shard(self, gateway: yarl.URL, shard_id: int, *, initial: bool = False) -> None:
        await super().launch_shard(self._gateway or gateway, shard_id, initial=initial)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Identify as fast as Discord allows: shards in different buckets (``shard_id % max_concurrency``)
        at once, each bucket once per 5 s (discord.py's default waits 5 s before every shard)."""
        bucket = (shard_id or 0) % self._max_concurrency
        loop = asyncio.get_running_loop()
        async with self._identify_lock:
            last = self._identified.get(bucket)
            if last is not None and (wait := IDENTIFY_INTERVAL - (loop.time() - last)) > 0:
                await asyncio.sleep(wait)
            self._identified[bucket] = loop.time()

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: questions by mention and DM are handled by the ``Ask`` cog."""

    async def on_ready(self) -> None:
        status_logger().info(
            "Connected to Discord as %s (shards %s of %s, %d guilds)",
            self.user, self.shard_ids or "all", self.shard_count, len(self.guilds),
        )


def create_client(factbot: FactBot, settings: DiscordSettings, **options: Any) -> FactBotClient:
    """The client for ``settings``; ``options`` go to discord.py (tests shorten its timeouts)."""
    use_api_base(settings.factbot_discord_api_base)
    return FactBotClient(factbot, settings, **options)


async def sync_commands(client: FactBotClient, guild_id: int | None) -> list[discord.app_commands.AppCommand]:
    """Publish the commands to one guild (instant, for development) or globally (``guild_id=None``)."""
    if guild_id is None:
        return await client.tree.sync()
    guild = discord.Object(id=guild_id)
    client.tree.copy_global_to(guild=guild)
    return await client.tree.sync(guild=guild)


async def run_discord(factbot: FactBot, settings: DiscordSettings) -> None:
    """Connect and answer until cancelled or disconnected for good."""
    if settings.discord_token is None:
        raise DiscordSetupError("DISCORD_TOKEN is not set.")
    with settings_explained():
        client = create_client(factbot, settings)
        async with client:
            await client.start(settings.discord_token.get_secret_value())
