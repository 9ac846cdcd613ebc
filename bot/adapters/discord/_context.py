"""From Discord objects to the core's neutral request objects (ask context, actor, rights)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import discord

from bot.core.matching import MAX_INPUT_CHARS
from bot.core.service import AskContext

if TYPE_CHECKING:
    from bot.adapters.discord.client import FactBotClient

PLATFORM = "discord"


def client_of(interaction: discord.Interaction) -> FactBotClient:
    """The bot that received ``interaction`` (components and modals reach the core through it)."""
    return cast("FactBotClient", interaction.client)


#: The longest text Discord lets a member send: a slash command's text option (the limit ``/ask``
#: declares), and a message.
OPTION_MAX_CHARS = MAX_INPUT_CHARS
MESSAGE_MAX_CHARS = 2000


def ask_context(*, guild_id: int | None, channel_id: int | None, user_id: int, max_chars: int) -> AskContext:
    return AskContext(
        platform=PLATFORM,
        community=str(guild_id) if guild_id is not None else None,
        channel=str(channel_id) if channel_id is not None else None,
        user=str(user_id),
        max_chars=max_chars,
    )


def interaction_context(interaction: discord.Interaction) -> AskContext:
    return ask_context(
        guild_id=interaction.guild_id,
        channel_id=interaction.channel_id,
        user_id=interaction.user.id,
        max_chars=OPTION_MAX_CHARS,
    )


def message_context(message: discord.Message) -> AskContext:
    guild_id = message.guild.id if message.guild is not None else None
    return ask_context(
        guild_id=guild_id, channel_id=message.channel.id, user_id=message.author.id, max_chars=MESSAGE_MAX_CHARS
    )


def is_moderator(interaction: discord.Interaction, moderator_roles: frozenset[int]) -> bool:
    """Manage Server (or Administrator) in this server, or one of the configured moderator roles.

    This is checked on every moderator interaction: a command's default permissions only hide it
    in Discord's client, and server admins can change them.
    """
    if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
        return False
    permissions = interaction.permissions
    if permissions.manage_guild or permissions.administrator:
        return True
    return any(role.id in moderator_roles for role in interaction.user.roles)
