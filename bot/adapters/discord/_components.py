"""Components shared by several features: "did you mean" buttons and fact select menus.

They are :class:`discord.ui.DynamicItem` s: their state lives in the ``custom_id``, so they keep
working for messages sent before a restart and on every shard.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import discord

from bot.adapters.discord import _render
from bot.adapters.discord._context import client_of
from bot.adapters.discord.errors import reports_errors, send_ephemeral
from bot.core.knowledge.schema import ID_PATTERN, Fact

_FACT_ID = ID_PATTERN.removeprefix("^").removesuffix("$")


def _fact_options(facts: Sequence[Fact]) -> list[discord.SelectOption]:
    """One option per fact: its title, and below it a preview of the answer (the fact's summary;
    its topic when it has none)."""
    return [
        discord.SelectOption(
            label=_render.clip(fact.title, _render.SELECT_LABEL_MAX),
            value=fact.id,
            description=_render.clip(fact.summary or fact.topic, _render.SELECT_DESCRIPTION_MAX),
        )
        for fact in facts[: _render.SELECT_OPTIONS_MAX]
    ]


class ShowFactButton(discord.ui.DynamicItem[discord.ui.Button], template=rf"factbot:show:(?P<fact_id>{_FACT_ID})"):
    """A "did you mean" choice: shows that fact to whoever clicks it."""

    def __init__(self, fact_id: str, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                label=_render.clip(label, _render.BUTTON_LABEL_MAX),
                style=discord.ButtonStyle.secondary,
                emoji="🔎",
                custom_id=f"factbot:show:{fact_id}",
            )
        )
        self.fact_id = fact_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> ShowFactButton:
        return cls(match["fact_id"], item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await show_fact(interaction, self.fact_id)


class FactSelect(discord.ui.DynamicItem[discord.ui.Select], template=r"factbot:facts:(?P<kind>related|topic)"):
    """A select menu of facts (related facts of an answer, or the facts of a topic)."""

    def __init__(self, kind: str, facts: Sequence[Fact] = (), placeholder: str = "Read a fact") -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"factbot:facts:{kind}",
                placeholder=_render.clip(placeholder, _render.SELECT_PLACEHOLDER_MAX),
                options=_fact_options(facts),
                min_values=1,
                max_values=1,
            )
        )
        self.kind = kind

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Select, match: re.Match[str], /
    ) -> FactSelect:
        return cls(match["kind"])

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await show_fact(interaction, self.item.values[0])


def related_select(facts: Sequence[Fact]) -> FactSelect | None:
    if not facts:
        return None
    return FactSelect("related", facts, placeholder=f"Related facts ({len(facts)})")


async def show_fact(interaction: discord.Interaction, fact_id: str) -> None:
    """Show one visible fact privately to the member, with its related facts."""
    factbot = client_of(interaction).factbot
    fact = factbot.fact(fact_id)
    if fact is None or fact.hidden:
        await send_ephemeral(interaction, "That fact is no longer in my knowledge base. Try /topics.")
        return
    related = [r for rid in fact.related if (r := factbot.fact(rid)) is not None and not r.hidden]
    view = discord.ui.View(timeout=None)
    select = related_select(related)
    if select is not None:
        view.add_item(select)
    await interaction.response.send_message(
        embed=_render.fact_embed(fact),
        view=view,
        ephemeral=True,
        allowed_mentions=_render.NO_PINGS,
    )


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem], ...] = (ShowFactButton, FactSelect)
