"""Browsing: ``/topics`` with a select menu of topics, ``/fact`` with autocomplete, and ``/help``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord import _render
from bot.adapters.discord._components import FactSelect, show_fact
from bot.adapters.discord._context import client_of, is_moderator
from bot.adapters.discord.errors import reports_errors, send_ephemeral
from bot.core.knowledge.schema import Fact

if TYPE_CHECKING:
    from bot.adapters.discord.client import FactBotClient


class TopicSelect(discord.ui.DynamicItem[discord.ui.Select], template=r"factbot:topics"):
    """The topics of the knowledge base; picking one lists its facts (privately)."""

    def __init__(self, topics: dict[str, list[Fact]] | None = None) -> None:
        options = [
            discord.SelectOption(
                label=_render.clip(topic, _render.SELECT_LABEL_MAX),
                value=_render.clip(topic, _render.SELECT_VALUE_MAX),
                description=f"{len(facts)} fact{'s' if len(facts) != 1 else ''}",
            )
            for topic, facts in list((topics or {}).items())[: _render.SELECT_OPTIONS_MAX]
        ]
        super().__init__(
            discord.ui.Select(custom_id="factbot:topics", placeholder="Browse a topic", options=options)
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Select, match: re.Match[str], /
    ) -> TopicSelect:
        return cls()

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        chosen = self.item.values[0]
        topics = client_of(interaction).factbot.topics()
        # Values are topic names, clipped to Discord's 100 characters like the option was.
        topic = next((t for t in topics if _render.clip(t, _render.SELECT_VALUE_MAX) == chosen), None)
        if topic is None:
            await send_ephemeral(interaction, "That topic is no longer in my knowledge base. Try /topics again.")
            return
        facts = topics[topic]
        view = discord.ui.View(timeout=None)
        view.add_item(FactSelect("topic", facts, placeholder=f"Read a fact about {topic}"))
        await interaction.response.send_message(
            embed=_render.topic_embed(topic, facts), view=view, ephemeral=True, allowed_mentions=_render.NO_PINGS
        )


class Topics(commands.Cog):
    def __init__(self, client: FactBotClient) -> None:
        self.client = client

    @app_commands.command(name="topics", description="Browse what I know about.")
    async def topics(self, interaction: discord.Interaction) -> None:
        topics = self.client.factbot.topics()
        view = discord.ui.View(timeout=None)
        if topics:
            view.add_item(TopicSelect(topics))
        embed = _render.topics_embed(topics)
        if len(topics) > _render.SELECT_OPTIONS_MAX:
            embed.set_footer(text=f"The menu lists the first {_render.SELECT_OPTIONS_MAX} topics; /fact searches all.")
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @app_commands.command(name="fact", description="Show one fact of the knowledge base.")
    @app_commands.describe(id="The fact: start typing its title or id")
    async def fact(self, interaction: discord.Interaction, id: str) -> None:  # noqa: A002 - the option's name
        await show_fact(interaction, id.strip())

    @fact.autocomplete("id")
    async def fact_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return fact_choices(self.client, current, include_hidden=False)

    @app_commands.command(name="help", description="How to ask me questions.")
    async def help(self, interaction: discord.Interaction) -> None:
        moderator = is_moderator(interaction, self.client.moderator_roles)
        await interaction.response.send_message(embed=_render.help_embed(moderator=moderator), ephemeral=True)


def fact_choices(client: FactBotClient, current: str, *, include_hidden: bool) -> list[app_commands.Choice[str]]:
    """Facts for an ``id`` option: ids starting with the text first, then the index's best matches."""
    factbot = client.factbot
    text = current.strip().casefold()
    facts = factbot.knowledge.facts if include_hidden else factbot.knowledge.visible
    ranked: list[Fact] = [f for f in facts if f.id.startswith(text)] if text else list(facts)
    if text:
        for choice in factbot.autocomplete(current, limit=_render.CHOICES_MAX):
            fact = factbot.fact(choice.fact_id)
            if fact is not None:
                ranked.append(fact)
        ranked.extend(f for f in facts if text in f.title.casefold())
    choices: list[app_commands.Choice[str]] = []
    seen: set[str] = set()
    for fact in ranked:
        if fact.id in seen:
            continue
        seen.add(fact.id)
        hidden = " [hidden]" if fact.hidden else ""
        name = _render.clip(f"{fact.title}{hidden}", _render.CHOICE_NAME_MAX)
        choices.append(app_commands.Choice(name=name, value=fact.id))
        if len(choices) == _render.CHOICES_MAX:
            break
    return choices
