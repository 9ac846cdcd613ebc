"""Neutral core results rendered as Discord embeds, within every Discord limit.

Nothing here talks to Discord: these are pure functions from core objects to ``discord.Embed`` and
strings, so they are tested without a connection. Every text that reaches Discord goes through
:func:`clip` with the limit of the field it lands in; user text also goes through :func:`escape`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import discord

from bot.core.answers import DETAIL_NOT_HELD, Answer, Outcome, confidence_label, detail_not_held
from bot.core.knowledge.schema import Fact

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits
# and the component and interaction references).
CONTENT_MAX = 2000
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
SELECT_OPTIONS_MAX = 25
SELECT_LABEL_MAX = 100
SELECT_DESCRIPTION_MAX = 100
SELECT_VALUE_MAX = 100
SELECT_PLACEHOLDER_MAX = 150
BUTTON_LABEL_MAX = 80
CUSTOM_ID_MAX = 100
BUTTONS_PER_ROW = 5
MODAL_TITLE_MAX = 45
TEXT_INPUT_LABEL_MAX = 45
TEXT_INPUT_VALUE_MAX = 4000
TEXT_INPUT_PLACEHOLDER_MAX = 100
ATTACHMENTS_MAX = 10

ELLIPSIS = "…"

#: Echoed user text must never ping anyone: no @everyone, no roles, no users, no reply ping.
NO_PINGS = discord.AllowedMentions.none()

COLOUR_ANSWER = discord.Colour.blurple()
COLOUR_UNSURE = discord.Colour.gold()
COLOUR_ABSTAIN = discord.Colour.light_grey()
COLOUR_MODERATION = discord.Colour.dark_teal()
COLOUR_ERROR = discord.Colour.red()


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending with an ellipsis when it was cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(ELLIPSIS), 0)].rstrip() + ELLIPSIS


def escape(text: str) -> str:
    """User text made inert: markdown shown literally and mentions broken (belt and braces with
    :data:`NO_PINGS`, so ``@everyone`` is not even displayed as a mention)."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def quote(text: str, limit: int) -> str:
    """User text as a quoted, escaped line of at most ``limit`` characters."""
    flat = " ".join(text.split())
    return f"“{clip(escape(flat), max(limit - 2, 1))}”"


def _fit_total(embed: discord.Embed) -> discord.Embed:
    """Keep the whole embed within Discord's 6,000 characters: drop trailing fields beyond the
    first, then shorten the description."""
    while len(embed) > EMBED_TOTAL_MAX and len(embed.fields) > 1:
        embed.remove_field(len(embed.fields) - 1)
    excess = len(embed) - EMBED_TOTAL_MAX
    if excess > 0 and embed.description:
        embed.description = clip(embed.description, max(len(embed.description) - excess, 1))
    return embed


def _add_field(embed: discord.Embed, name: str, value: str, *, inline: bool = False) -> None:
    if len(embed.fields) >= EMBED_FIELDS_MAX or not value:
        return
    embed.add_field(name=clip(name, EMBED_FIELD_NAME_MAX), value=clip(value, EMBED_FIELD_VALUE_MAX), inline=inline)


def _bullets(lines: Iterable[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def fact_embed(fact: Fact, *, colour: discord.Colour = COLOUR_ANSWER) -> discord.Embed:
    """One fact: title, answer and its source line. Curated text, so not escaped."""
    embed = discord.Embed(
        title=clip(fact.title, EMBED_TITLE_MAX),
        description=clip(fact.answer, EMBED_DESCRIPTION_MAX),
        colour=colour,
    )
    first_url = next((s.url for s in fact.sources if s.url), None)
    if first_url:
        embed.url = first_url
    _add_field(embed, "Source", fact.source_line())
    embed.set_footer(text=clip(f"{fact.topic} · fact {fact.id}", EMBED_FOOTER_MAX))
    return _fit_total(embed)


def answer_embed(answer: Answer) -> discord.Embed:
    """The answer to a member's question, or the honest abstention."""
    if answer.fact is None:
        return abstain_embed(answer)
    fact = answer.fact
    colour = COLOUR_UNSURE if answer.outcome is Outcome.SUGGESTED else COLOUR_ANSWER
    embed = fact_embed(fact, colour=colour)
    _add_field(embed, "Confidence", confidence_label(answer.score), inline=True)
    if answer.suggestions:
        _add_field(embed, "Did you mean", _bullets(s.title for s in answer.suggestions))
    return _fit_total(embed)


def abstain_embed(answer: Answer) -> discord.Embed:
    if answer.missing_detail:
        title = DETAIL_NOT_HELD
        said = f"{detail_not_held(answer)} The closest fact I have, below, does not say it, so I won't guess. "
    else:
        title = "I don't know that one"
        said = f"{quote(answer.question, 300)} is not in my knowledge base, so I won't guess. "
    embed = discord.Embed(
        title=title,
        description=clip(
            said + "I've logged the question for the moderators, who add new facts from what members ask.",
            EMBED_DESCRIPTION_MAX,
        ),
        colour=COLOUR_ABSTAIN,
    )
    if answer.suggestions:
        _add_field(embed, "Closest facts I have", _bullets(s.title for s in answer.suggestions))
    if answer.topics:
        _add_field(embed, "I can answer questions about", _bullets(answer.topics))
    embed.set_footer(text="Try /topics to browse, or ask with a name, an organisation or a place.")
    return _fit_total(embed)


def topics_embed(topics: dict[str, list[Fact]]) -> discord.Embed:
    embed = discord.Embed(
        title="What I know about",
        description="Pick a topic below to see its facts, or just ask with /ask.",
        colour=COLOUR_ANSWER,
    )
    for topic, facts in topics.items():
        titles = _bullets(f.title for f in facts)
        _add_field(embed, f"{topic} ({len(facts)})", titles)
    if not topics:
        embed.description = "The knowledge base is empty for now."
    return _fit_total(embed)


def topic_embed(topic: str, facts: Sequence[Fact]) -> discord.Embed:
    embed = discord.Embed(
        title=clip(topic, EMBED_TITLE_MAX),
        description=clip(_bullets(f"**{f.title}** (`{f.id}`)" for f in facts), EMBED_DESCRIPTION_MAX),
        colour=COLOUR_ANSWER,
    )
    embed.set_footer(text="Pick a fact below to read it.")
    return _fit_total(embed)


HELP_TEXT = (
    "I answer questions from a curated, cited knowledge base, and I say so when I don't know.\n\n"
    "**/ask** `question` — ask in your own words; suggestions appear as you type. "
    "Set `private` to see the answer alone.\n"
    "**/topics** — browse what I know about.\n"
    "**/fact** `id` — show one fact.\n"
    "You can also mention me with a question, or send me a direct message.\n\n"
    "Each answer shows its source and my confidence; 👍/👎 tells the moderators how I did."
)

MOD_HELP_TEXT = (
    "**/kb reload** · **/kb stats** · **/kb unanswered** · **/kb add** · **/kb edit** · "
    "**/kb hide** · **/kb unhide** · **/kb export**"
)


def help_embed(*, moderator: bool) -> discord.Embed:
    embed = discord.Embed(title="How to ask me", description=HELP_TEXT, colour=COLOUR_ANSWER)
    if moderator:
        _add_field(embed, "Moderators", MOD_HELP_TEXT)
    return embed


def text_embed(title: str, text: str, *, colour: discord.Colour = COLOUR_MODERATION, code: bool = False) -> discord.Embed:
    """A moderator report (stats, unanswered questions, problems) in one embed."""
    if code:
        body = clip(text.replace("```", "`\u200b``"), EMBED_DESCRIPTION_MAX - 8)
        description = f"```\n{body}\n```"
    else:
        description = clip(text, EMBED_DESCRIPTION_MAX)
    return discord.Embed(title=clip(title, EMBED_TITLE_MAX), description=description, colour=colour)


def problems_text(problems: Sequence[str], *, limit: int = CONTENT_MAX) -> str:
    """A list of validation problems as a message, clipped to ``limit``."""
    return clip("\n".join(f"• {escape(p)}" for p in problems), limit)
