"""👍/👎 on an answer: recorded once per member, confirmed privately."""

from __future__ import annotations

import logging
import re

import discord

from bot.adapters.discord._context import client_of, interaction_context
from bot.adapters.discord._render import CUSTOM_ID_MAX
from bot.adapters.discord.errors import reports_errors, send_ephemeral

log = logging.getLogger(__name__)

_PREFIX = "factbot:vote"
_VOTES = {"up": ("👍", True), "down": ("👎", False)}


class FeedbackButton(
    discord.ui.DynamicItem[discord.ui.Button], template=rf"{_PREFIX}:(?P<vote>up|down):(?P<log_id>[\w.-]+)"
):
    def __init__(self, vote: str, log_id: str) -> None:
        emoji, helpful = _VOTES[vote]
        super().__init__(
            discord.ui.Button(
                emoji=emoji,
                style=discord.ButtonStyle.secondary,
                custom_id=f"{_PREFIX}:{vote}:{log_id}",
            )
        )
        self.vote = vote
        self.helpful = helpful
        self.log_id = log_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> FeedbackButton:
        return cls(match["vote"], match["log_id"])

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)  # the vote is written to the database
        factbot = client_of(interaction).factbot
        recorded = await factbot.feedback(self.log_id, interaction_context(interaction), self.helpful)
        if recorded:
            message = f"Thanks! Your {_VOTES[self.vote][0]} helps the moderators improve my answers."
        else:
            message = "You've already given feedback on this answer: it counts once."
        await send_ephemeral(interaction, message)


def feedback_buttons(log_id: str | None) -> list[FeedbackButton]:
    """The two buttons for an answer logged as ``log_id`` (none when it was not logged)."""
    if not log_id:
        return []
    if len(f"{_PREFIX}:down:{log_id}") > CUSTOM_ID_MAX or not re.fullmatch(r"[\w.-]+", log_id):
        log.warning("Log id %r does not fit in a custom_id; answer sent without feedback buttons", log_id)
        return []
    return [FeedbackButton("up", log_id), FeedbackButton("down", log_id)]
