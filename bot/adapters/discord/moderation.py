"""``/kb``: the moderators' commands, hidden from members and checked on the server on every use.

Discord hides the group from members through its default permissions (Manage Server); server
admins may change that in their settings, so :meth:`KnowledgeAdmin.interaction_check` checks the
member's rights again on every invocation (Manage Server, or a configured moderator role). The
``/kb add`` and ``/kb edit`` forms check them once more when they are submitted
(:class:`ModeratorModal`): a form outlives the command that opened it, its submission is a new
interaction, and anyone who knows its custom id can send one.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord import _render
from bot.adapters.discord._context import PLATFORM, client_of, is_moderator
from bot.adapters.discord.errors import NotModerator, ReportingModal, send_ephemeral
from bot.adapters.discord.topics import fact_choices
from bot.core.knowledge.schema import ANSWER_MAX_CHARS, QUESTION_MAX_CHARS, TITLE_MAX_CHARS, Fact
from bot.core.moderation import Actor, FactRejected, render_stats, render_unanswered

if TYPE_CHECKING:
    from bot.adapters.discord.client import FactBotClient

log = logging.getLogger(__name__)

_SOURCE_KEYS = ("publisher", "article", "section", "url", "date")
_SOURCES_HELP = "One per line: publisher | article | section | url | date (the last three optional)"
_UNCHANGED_HINT = "too long to edit here; leave empty to keep it"


def actor_of(interaction: discord.Interaction) -> Actor:
    return Actor(platform=PLATFORM, user=str(interaction.user.id), name=str(interaction.user))


# -- the modal's text <-> fact fields ---------------------------------------------------------


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def parse_sources(text: str) -> list[dict[str, str]]:
    """``publisher | article | section | url | date`` lines to source mappings (the schema validates)."""
    sources = []
    for line in lines_of(text):
        parts = [part.strip() for part in line.split("|")]
        sources.append({key: value for key, value in zip(_SOURCE_KEYS, parts, strict=False) if value})
    return sources


def format_sources(fact: Fact) -> str:
    lines = []
    for source in fact.sources:
        data = source.model_dump(mode="json")
        parts = [str(data.get(key) or "") for key in _SOURCE_KEYS]
        while parts and not parts[-1]:
            parts.pop()
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def _input(
    label: str,
    *,
    paragraph: bool = False,
    max_length: int = _render.TEXT_INPUT_VALUE_MAX,
    placeholder: str | None = None,
    default: str | None = None,
    required: bool = True,
) -> discord.ui.TextInput:
    if default is not None and len(default) > _render.TEXT_INPUT_VALUE_MAX:
        default, placeholder, required = None, _UNCHANGED_HINT, False
    return discord.ui.TextInput(
        label=_render.clip(label, _render.TEXT_INPUT_LABEL_MAX),
        style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
        max_length=min(max_length, _render.TEXT_INPUT_VALUE_MAX),
        placeholder=_render.clip(placeholder, _render.TEXT_INPUT_PLACEHOLDER_MAX) if placeholder else None,
        default=default,
        required=required,
    )


async def _send_fact_result(interaction: discord.Interaction, verb: str, fact: Fact) -> None:
    hidden = " It is hidden from members." if fact.hidden else ""
    await interaction.followup.send(
        f"{verb} fact `{fact.id}`.{hidden}",
        embed=_render.fact_embed(fact, colour=_render.COLOUR_MODERATION),
        ephemeral=True,
        allowed_mentions=_render.NO_PINGS,
    )


async def _send_rejection(interaction: discord.Interaction, error: FactRejected) -> None:
    await interaction.followup.send(
        _render.clip("The fact was not saved:\n" + _render.problems_text(error.problems), _render.CONTENT_MAX),
        ephemeral=True,
        allowed_mentions=_render.NO_PINGS,
    )


class ModeratorModal(ReportingModal):
    """A form only moderators may submit: the rights of whoever submits are checked on every submission."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:  # type: ignore[override]
        if not is_moderator(interaction, client_of(interaction).moderator_roles):
            raise NotModerator("not a moderator")  # answered by on_error; the form stays open for its moderator
        return True


class AddFactModal(ModeratorModal):
    """The fields of a new fact; the topic comes from the command. Validated by the core's schema."""

    def __init__(self, topic: str) -> None:
        super().__init__(title=_render.clip(f"New fact: {topic}", _render.MODAL_TITLE_MAX), timeout=15 * 60)
        self.topic = topic
        self.fact_id = _input("Id (lowercase-with-hyphens)", max_length=64, placeholder="e.g. kosovo-un-membership")
        self.fact_title = _input("Title", max_length=TITLE_MAX_CHARS)
        self.answer = _input("Answer", paragraph=True, max_length=ANSWER_MAX_CHARS)
        self.questions = _input(
            "Questions (one per line)", paragraph=True, placeholder=f"How members ask it, {QUESTION_MAX_CHARS} chars max each"
        )
        self.sources = _input("Sources", paragraph=True, placeholder=_SOURCES_HELP)
        for item in (self.fact_id, self.fact_title, self.answer, self.questions, self.sources):
            self.add_item(item)

    def data(self) -> dict[str, Any]:
        return {
            "id": self.fact_id.value.strip(),
            "title": self.fact_title.value.strip(),
            "answer": self.answer.value.strip(),
            "questions": lines_of(self.questions.value),
            "topic": self.topic,
            "sources": parse_sources(self.sources.value),
        }

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            fact = await client_of(interaction).factbot.add_fact(self.data(), actor_of(interaction))
        except FactRejected as error:
            await _send_rejection(interaction, error)
            return
        await _send_fact_result(interaction, "Added", fact)


class EditFactModal(ModeratorModal):
    """The editable fields of a fact, filled in; only the fields that were changed are sent."""

    def __init__(self, fact: Fact) -> None:
        super().__init__(title=_render.clip(f"Edit {fact.id}", _render.MODAL_TITLE_MAX), timeout=15 * 60)
        self.fact_id = fact.id
        self.original = {
            "title": fact.title,
            "answer": fact.answer,
            "questions": "\n".join(fact.questions),
            "topic": fact.topic,
            "sources": format_sources(fact),
        }
        self.inputs = {
            "title": _input("Title", max_length=TITLE_MAX_CHARS, default=self.original["title"]),
            "answer": _input("Answer", paragraph=True, max_length=ANSWER_MAX_CHARS, default=self.original["answer"]),
            "questions": _input("Questions (one per line)", paragraph=True, default=self.original["questions"]),
            "topic": _input("Topic", max_length=200, default=self.original["topic"]),
            "sources": _input("Sources", paragraph=True, placeholder=_SOURCES_HELP, default=self.original["sources"]),
        }
        for item in self.inputs.values():
            self.add_item(item)

    def changes(self) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for key, item in self.inputs.items():
            value = item.value.strip()
            if not value or value == self.original[key].strip():
                continue  # empty: a field too long to be edited here, kept as it is
            if key == "questions":
                changes[key] = lines_of(value)
            elif key == "sources":
                changes[key] = parse_sources(value)
            else:
                changes[key] = value
        return changes

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        changes = self.changes()
        if not changes:
            await interaction.followup.send(f"Nothing changed in `{self.fact_id}`.", ephemeral=True)
            return
        try:
            fact = await client_of(interaction).factbot.edit_fact(self.fact_id, changes, actor_of(interaction))
        except FactRejected as error:
            await _send_rejection(interaction, error)
            return
        await _send_fact_result(interaction, "Updated", fact)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class KnowledgeAdmin(commands.GroupCog, group_name="kb", group_description="Moderators: manage the knowledge base."):
    def __init__(self, client: FactBotClient) -> None:
        self.client = client
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:  # type: ignore[override]
        if not is_moderator(interaction, self.client.moderator_roles):
            raise NotModerator("not a moderator")
        return True

    def _autocomplete_allowed(self, interaction: discord.Interaction) -> bool:
        # Autocomplete does not run the group's checks: keep hidden facts from members here too.
        return is_moderator(interaction, self.client.moderator_roles)

    @app_commands.command(name="reload", description="Reload the knowledge files and the runtime edits.")
    @app_commands.describe(force="Reload even if the files now hold far fewer facts than are in use")
    async def reload(self, interaction: discord.Interaction, force: bool = False) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self.client.factbot.reload(actor_of(interaction), force=force)
        if report.refused:
            text = (
                f"Not reloaded: {report.refused}. The previous knowledge is still in use.\n"
                "If that is what you mean, run `/kb reload force:True`."
            )
            await interaction.followup.send(_render.clip(text, _render.CONTENT_MAX), ephemeral=True)
            return
        if report.ok:
            await interaction.followup.send(f"Reloaded: {report.fact_count} facts.", ephemeral=True)
            return
        text = "The knowledge files have problems; the previous knowledge is still in use.\n\n" + "\n".join(
            str(p) for p in report.problems
        )
        embed = _render.text_embed("Reload failed", text, colour=_render.COLOUR_ERROR, code=True)
        await interaction.followup.send(embed=embed, ephemeral=True)

    @app_commands.command(name="stats", description="Questions, answer rate and feedback of the last days.")
    @app_commands.describe(days="How many days back (default 7)")
    async def stats(self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] = 7) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        stats = await self.client.factbot.stats(days=days, community=_community(interaction))
        embed = _render.text_embed(f"Last {days} days", render_stats(stats), code=True)
        await interaction.followup.send(embed=embed, ephemeral=True)

    @app_commands.command(name="unanswered", description="The questions I could not answer, grouped.")
    @app_commands.describe(days="How many days back (default 30)", limit="How many groups (default 10)")
    async def unanswered(
        self,
        interaction: discord.Interaction,
        days: app_commands.Range[int, 1, 365] = 30,
        limit: app_commands.Range[int, 1, 25] = 10,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        groups = await self.client.factbot.unanswered(days=days, community=_community(interaction), limit=limit)
        text = render_unanswered(groups) if groups else "No unanswered questions in that period."
        embed = _render.text_embed(f"Unanswered, last {days} days", text, code=bool(groups))
        await interaction.followup.send(embed=embed, ephemeral=True, allowed_mentions=_render.NO_PINGS)

    @app_commands.command(name="add", description="Add a fact (a form opens).")
    @app_commands.describe(topic="The fact's topic: an existing one or a new one")
    async def add(self, interaction: discord.Interaction, topic: app_commands.Range[str, 1, 200]) -> None:
        await interaction.response.send_modal(AddFactModal(topic.strip()))

    @add.autocomplete("topic")
    async def add_topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if not self._autocomplete_allowed(interaction):
            return []
        text = current.strip().casefold()
        topics = [t for t in self.client.factbot.topics() if text in t.casefold()]
        return [
            app_commands.Choice(name=_render.clip(t, _render.CHOICE_NAME_MAX), value=_render.clip(t, _render.CHOICE_VALUE_MAX))
            for t in topics[: _render.CHOICES_MAX]
        ]

    @app_commands.command(name="edit", description="Edit a fact (a form opens, filled in).")
    @app_commands.describe(id="The fact to edit")
    async def edit(self, interaction: discord.Interaction, id: str) -> None:  # noqa: A002 - the option's name
        fact = self.client.factbot.fact(id.strip())
        if fact is None:
            await send_ephemeral(interaction, f"No fact with id `{_render.clip(_render.escape(id), 80)}`.")
            return
        await interaction.response.send_modal(EditFactModal(fact))

    @app_commands.command(name="hide", description="Hide a fact from members (kept for moderators).")
    @app_commands.describe(id="The fact to hide")
    async def hide(self, interaction: discord.Interaction, id: str) -> None:  # noqa: A002
        await self._set_hidden(interaction, id, hidden=True)

    @app_commands.command(name="unhide", description="Show a hidden fact to members again.")
    @app_commands.describe(id="The fact to show again")
    async def unhide(self, interaction: discord.Interaction, id: str) -> None:  # noqa: A002
        await self._set_hidden(interaction, id, hidden=False)

    @edit.autocomplete("id")
    @hide.autocomplete("id")
    @unhide.autocomplete("id")
    async def fact_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if not self._autocomplete_allowed(interaction):
            return []
        return fact_choices(self.client, current, include_hidden=True)

    async def _set_hidden(self, interaction: discord.Interaction, fact_id: str, *, hidden: bool) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        fact = await self.client.factbot.set_hidden(fact_id.strip(), hidden, actor_of(interaction))
        state = "hidden from members" if fact.hidden else "visible to members"
        await interaction.followup.send(f"`{fact.id}` is now {state}.", ephemeral=True)

    @app_commands.command(name="dashboard", description="A private sign-in link to the moderators' dashboard.")
    async def dashboard(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        link = await self.client.factbot.access.mint_link(actor_of(interaction))
        minutes = int((link.expires_at - discord.utils.utcnow()).total_seconds() // 60) + 1
        await interaction.followup.send(
            f"Your sign-in link to the dashboard. It works once, within {minutes} minutes; keep it to yourself:\n"
            f"{link.url}",
            ephemeral=True,
            suppress_embeds=True,  # a link preview would fetch the page (harmless, but pointless)
            allowed_mentions=_render.NO_PINGS,
        )

    @app_commands.command(name="export", description="Write the knowledge, runtime edits included, as YAML files.")
    async def export(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.client.factbot.export(actor=actor_of(interaction))
        if not result.files:
            await interaction.followup.send("Nothing to export: there are no runtime edits.", ephemeral=True)
            return
        files = _attachments(result.files, interaction.filesize_limit)
        count = len(result.files)
        names = "\n".join(f"• `{name}`" for name in result.files)
        if result.not_written:
            head = (
                f"Not written on the bot's host: {result.not_written}. Here {'are' if count != 1 else 'is'} "
                f"the {count} file{'s' if count != 1 else ''} with the runtime edits: review and commit "
                f"{'them' if count != 1 else 'it'} to the knowledge files."
            )
            missing = "\nSome files were too large to attach: run `factbot kb export --out DIR` on the host."
        else:
            head = f"Exported {count} file{'s' if count != 1 else ''}:"
            missing = "\nSome files were too large to attach; they are on the bot's host."
        note = "" if len(files) == count else missing
        content = _render.clip(f"{head}\n{names}{note}", _render.CONTENT_MAX)
        await interaction.followup.send(content, files=files, ephemeral=True)


def _community(interaction: discord.Interaction) -> str | None:
    return str(interaction.guild_id) if interaction.guild_id is not None else None


def _attachments(files: Mapping[str, str], size_limit: int) -> list[discord.File]:
    """As many of ``files`` (relative path -> text) as Discord accepts on one message (10 files,
    within the size limit)."""
    attached: list[discord.File] = []
    total = 0
    for name, text in list(files.items())[: _render.ATTACHMENTS_MAX]:
        data = text.encode("utf-8")
        if total + len(data) > size_limit:
            continue
        total += len(data)
        attached.append(discord.File(io.BytesIO(data), filename=name.replace("/", "-")))
    return attached
