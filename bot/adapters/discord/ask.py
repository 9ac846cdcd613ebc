"""Asking: ``/ask`` with autocomplete, @mentions and DMs, and the optional auto-answer channels.

Every path turns its input into one ``FactBot.ask`` call and renders the neutral :class:`Answer`
with :func:`answer_message`, so a question gets the same answer however it is asked.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord import _render
from bot.adapters.discord._components import ShowFactButton, related_select
from bot.adapters.discord._context import interaction_context, message_context
from bot.adapters.discord._cooldown import Cooldowns
from bot.adapters.discord.errors import report_message_error
from bot.adapters.discord.feedback import feedback_buttons
from bot.core.answers import Answer
from bot.core.matching import MAX_INPUT_CHARS
from bot.core.matching.chat import MAX_MESSAGE_CHARS

if TYPE_CHECKING:
    from bot.adapters.discord.client import FactBotClient

log = logging.getLogger(__name__)

#: Shown when someone mentions the bot without a question.
MENTION_HINT = "Ask me a question after the mention, for example: “does china recognise kosovo?”. /help tells more."
COOLDOWN_REACTION = "⏳"


def answer_view(answer: Answer) -> discord.ui.View:
    """"Did you mean" buttons, the related-facts menu and the feedback buttons of an answer."""
    view = discord.ui.View(timeout=None)
    for suggestion in answer.suggestions[: _render.BUTTONS_PER_ROW]:
        view.add_item(ShowFactButton(suggestion.fact_id, suggestion.title))
    select = related_select(answer.related)
    if select is not None:
        view.add_item(select)
    if answer.fact is not None:
        for button in feedback_buttons(answer.log_id):
            view.add_item(button)
    return view


def answer_message(answer: Answer) -> dict[str, Any]:
    """The keyword arguments of the message that carries ``answer``."""
    return {"embed": _render.answer_embed(answer), "view": answer_view(answer), "allowed_mentions": _render.NO_PINGS}


class Ask(commands.Cog):
    def __init__(self, client: FactBotClient) -> None:
        self.client = client
        settings = client.settings
        self.member_cooldowns = Cooldowns(settings.factbot_discord_ask_cooldown)
        self.channel_cooldowns = Cooldowns(settings.factbot_discord_auto_cooldown)
        self.auto_channels = frozenset(settings.factbot_discord_auto_channels)
        self.auto_threshold = settings.factbot_discord_auto_threshold

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:  # type: ignore[override]
        retry_after = self.member_cooldowns.hit(interaction.user.id)
        if retry_after:
            per = self.member_cooldowns.per
            raise app_commands.CommandOnCooldown(app_commands.Cooldown(1, per), retry_after)
        return True

    @app_commands.command(name="ask", description="Ask a question; I answer from cited sources or say I don't know.")
    @app_commands.describe(question="Your question, in your own words", private="Only you see the answer")
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, MAX_INPUT_CHARS],
        private: bool = False,
    ) -> None:
        await interaction.response.defer(ephemeral=private, thinking=True)
        answer = await self.client.factbot.ask(question, interaction_context(interaction))
        await interaction.followup.send(**answer_message(answer), ephemeral=private)

    @ask.autocomplete("question")
    async def ask_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        choices: list[app_commands.Choice[str]] = []
        seen: set[str] = set()
        for choice in self.client.factbot.autocomplete(current, limit=_render.CHOICES_MAX):
            label = _render.clip(choice.label, _render.CHOICE_NAME_MAX)
            if label.casefold() in seen:
                continue
            seen.add(label.casefold())
            choices.append(app_commands.Choice(name=label, value=_render.clip(choice.label, _render.CHOICE_VALUE_MAX)))
        return choices[: _render.CHOICES_MAX]

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.client.user is None or message.type not in _ANSWERABLE:
            return
        try:
            question = self._addressed_question(message)
            if question is not None:
                await self._answer_message(message, question)
            elif message.guild is not None and message.channel.id in self.auto_channels:
                await self._auto_answer(message)
        except Exception as error:  # noqa: BLE001 - handed to the one error handler, traceback kept
            await report_message_error(message, error)

    def _addressed_question(self, message: discord.Message) -> str | None:
        """The question of a DM or of a message that mentions the bot; ``None`` if not addressed to it."""
        assert self.client.user is not None
        bot_id = self.client.user.id
        if message.guild is not None and bot_id not in message.raw_mentions:
            return None
        return re.sub(rf"<@!?{bot_id}>", " ", message.content).strip()

    async def _answer_message(self, message: discord.Message, question: str) -> None:
        if not question:
            await message.reply(MENTION_HINT, mention_author=False, allowed_mentions=_render.NO_PINGS)
            return
        if self.member_cooldowns.hit(message.author.id):
            await message.add_reaction(COOLDOWN_REACTION)
            return
        answer = await self.client.factbot.ask(question, message_context(message))
        await message.reply(**answer_message(answer), mention_author=False)

    async def _auto_answer(self, message: discord.Message) -> None:
        """Answer a plain message in an auto-answer channel only when confident, and not too often."""
        question = message.content.strip()
        if not question:
            return
        factbot = self.client.factbot
        # Not logged (most chat is not a question); embedding, if needed, runs off the event loop.
        preview = await factbot.preview(question[:MAX_MESSAGE_CHARS])
        if preview.fact is None or preview.score < self.auto_threshold:
            return
        if self.channel_cooldowns.hit(message.channel.id):
            log.debug("Auto-answer in channel %s skipped: cooling down", message.channel.id)
            return
        answer = await factbot.ask(question, message_context(message))
        if answer.fact is None:
            return
        await message.reply(**answer_message(answer), mention_author=False)


_ANSWERABLE = frozenset({discord.MessageType.default, discord.MessageType.reply})
