"""The one place where a failure becomes a short apology for the member and a traceback in the log.

Slash commands reach it through the command tree's ``on_error``; buttons, selects and modals
through :class:`ReportingItem` and the modals' ``on_error``; mentions and DMs through
:func:`report_message_error`. Expected refusals (cooldowns, missing rights) are answered kindly
and not logged as errors; so are the core's refusals (:class:`ModerationError`), whose message is
meant for the moderator.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Awaitable, Callable
from typing import TypeVar

import discord
from discord import app_commands

from bot.adapters.discord._render import CONTENT_MAX, NO_PINGS, clip, escape
from bot.core.moderation import ModerationError

log = logging.getLogger(__name__)

_ItemT = TypeVar("_ItemT")

APOLOGY = "Sorry, something went wrong on my side. The moderators can find the details in the bot's log."
NOT_MODERATOR = (
    "This command is for moderators: it needs the Manage Server permission or a moderator role."
)
GUILD_ONLY = "This command works in a server only."


class NotModerator(app_commands.CheckFailure):
    """The member may not use a moderator command (checked on the server, not only by visibility)."""


def cooldown_message(retry_after: float) -> str:
    seconds = max(1, math.ceil(retry_after))
    unit = "second" if seconds == 1 else "seconds"
    return f"You're asking quickly: give me {seconds} {unit}, then ask again."


async def send_ephemeral(interaction: discord.Interaction, content: str) -> None:
    """Reply privately, whether or not the interaction was already responded to or deferred."""
    if interaction.type is discord.InteractionType.autocomplete:
        return  # an autocomplete can only answer with choices
    content = clip(content, CONTENT_MAX)
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=True, allowed_mentions=NO_PINGS)
    else:
        await interaction.response.send_message(content, ephemeral=True, allowed_mentions=NO_PINGS)


def _describe(interaction: discord.Interaction) -> str:
    command = interaction.command.qualified_name if interaction.command else None
    custom_id = interaction.data.get("custom_id") if interaction.data else None
    what = f"/{command}" if command else f"component {custom_id!r}" if custom_id else interaction.type.name
    return f"{what} by user {interaction.user.id} in guild {interaction.guild_id} channel {interaction.channel_id}"


async def report(interaction: discord.Interaction, error: Exception) -> None:
    """Answer the member for ``error`` raised while handling ``interaction``; log what is unexpected."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        error = error.__cause__ or error
    if isinstance(error, app_commands.CommandOnCooldown):
        message = cooldown_message(error.retry_after)
    elif isinstance(error, NotModerator):
        log.info("Refused %s: not a moderator", _describe(interaction))
        message = NOT_MODERATOR
    elif isinstance(error, app_commands.NoPrivateMessage):
        message = GUILD_ONLY
    elif isinstance(error, ModerationError):
        # A refused moderation (unknown fact, storage down, ...) is news for the moderator, not a bug.
        log.info("Refused %s: %s", _describe(interaction), error)
        message = escape(str(error)) or "That did not work."
    elif isinstance(error, app_commands.CheckFailure):
        log.info("Check failed for %s: %s", _describe(interaction), error)
        message = "You can't use this command here."
    else:
        log.error("Error while handling %s", _describe(interaction), exc_info=error)
        message = APOLOGY
    try:
        await send_ephemeral(interaction, message)
    except discord.HTTPException:
        log.warning("Could not tell the member about an error in %s", _describe(interaction), exc_info=True)


async def report_message_error(message: discord.Message, error: Exception) -> None:
    """The same for a question asked by mention or DM: an apology as a reply."""
    log.error(
        "Error while answering message %s from user %s in channel %s", message.id, message.author.id,
        message.channel.id, exc_info=error,
    )
    try:
        await message.reply(APOLOGY, mention_author=False, allowed_mentions=NO_PINGS)
    except discord.HTTPException:
        log.warning("Could not apologise for message %s", message.id, exc_info=True)


class ReportingTree(app_commands.CommandTree):
    """The command tree whose errors all go to :func:`report`."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError, /) -> None:
        await report(interaction, error)


class ReportingModal(discord.ui.Modal):
    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await report(interaction, error)


def reports_errors(
    callback: Callable[[_ItemT, discord.Interaction], Awaitable[None]],
) -> Callable[[_ItemT, discord.Interaction], Awaitable[None]]:
    """Route a component callback's exceptions to :func:`report` (discord.py would only log them)."""

    @functools.wraps(callback)
    async def wrapper(self: _ItemT, interaction: discord.Interaction) -> None:
        try:
            await callback(self, interaction)
        except Exception as error:  # noqa: BLE001 - handed to the one error handler, traceback kept
            await report(interaction, error)

    return wrapper
