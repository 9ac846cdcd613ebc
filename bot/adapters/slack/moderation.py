"""Moderators' ``/kb`` command: reload, stats, unanswered questions, add/edit/hide/unhide, export.

Moderators are the user ids of ``FACTBOT_SLACK_MOD_USERS`` and the workspace's admins and owners
(``users.info``); everyone else gets a private refusal. ``add`` and ``edit`` open a modal whose
answers are checked with the knowledge files' schema before the core stores them.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack._blocks import notice, preformatted
from bot.adapters.slack._forms import (
    CALLBACK_ADD,
    CALLBACK_EDIT,
    EDIT_FIELDS,
    ERROR_MAX,
    FORM_FIELDS,
    fact_modal,
    form_errors,
    problem_errors,
    read_form,
)
from bot.adapters.slack._reply import Target, post_to_response_url
from bot.adapters.slack._text import code_span, escape, from_slack, truncate
from bot.core.knowledge.schema import Fact
from bot.core.moderation import Actor, FactRejected, ModerationError, UnknownFact, render_stats, render_unanswered
from bot.core.service import FactBot

log = logging.getLogger(__name__)

USAGE = """*`/kb` — knowledge-base moderation*
• `/kb reload [force]` — reload the knowledge files (`force`: even if far fewer facts remain)
• `/kb stats [DAYS]` — questions, answers and feedback in this workspace (default 7 days)
• `/kb unanswered [DAYS]` — questions I could not answer, grouped (default 30 days)
• `/kb add` — add a fact (opens a form)
• `/kb edit FACT-ID` — edit a fact (opens a form)
• `/kb hide FACT-ID` / `/kb unhide FACT-ID` — stop or resume answering with a fact
• `/kb export` — write the knowledge base, runtime edits included, to YAML files
• `/kb dashboard` — a private sign-in link to the moderators' dashboard"""

REFUSAL = (
    "Sorry, `/kb` is for knowledge-base moderators: workspace admins and owners, and the members "
    "the bot's operator has named. Ask one of them if a fact needs changing."
)
MAX_DAYS = 366
#: The moderators' slash command (``slack-app-manifest.yaml`` declares it).
KB_COMMAND = "/kb"


class _UsageError(Exception):
    """Bad ``/kb`` arguments; the message says what to type instead."""


class _FormErrors(Exception):
    """The fact form does not pass the schema; ``errors`` maps form blocks to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


class Moderators:
    """Who may moderate: configured user ids, then workspace admins and owners."""

    def __init__(self, user_ids: Iterable[str]) -> None:
        self.user_ids = frozenset(user_ids)

    async def allows(self, client: AsyncWebClient, user_id: str) -> bool:
        if user_id in self.user_ids:
            return True
        try:
            response = await client.users_info(user=user_id)
        except SlackApiError as exc:
            log.warning("users.info failed for %s (%s): refusing moderation", user_id, exc.response.get("error"))
            return False
        user = response.get("user") or {}
        return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


@dataclasses.dataclass(frozen=True, slots=True)
class _Command:
    """One ``/kb`` invocation: who, where, and the words after the sub-command."""

    args: list[str]
    actor: Actor
    team_id: str | None
    trigger_id: str
    response_url: str
    channel_id: str | None
    target: Target


def _days(args: list[str], default: int) -> int:
    if not args:
        return default
    try:
        days = int(args[0])
    except ValueError:
        raise _UsageError(f"{code_span(args[0])} is not a number of days.") from None
    if not 1 <= days <= MAX_DAYS:
        raise _UsageError(f"The number of days must be between 1 and {MAX_DAYS}.")
    return days


def names_of(files: Mapping[str, str]) -> str:
    return ", ".join(f"`{escape(name)}`" for name in files)


def _fact_id(args: list[str], verb: str) -> str:
    if len(args) != 1:
        raise _UsageError(f"Usage: `/kb {verb} FACT-ID` (`/ask help` lists the facts).")
    return args[0]


class ModerationFeature:
    """The ``/kb`` command and its modals, bound to one :class:`FactBot`."""

    def __init__(self, bot: FactBot, moderators: Moderators) -> None:
        self.bot = bot
        self.moderators = moderators
        self._subcommands: dict[str, Callable[[_Command, AsyncWebClient], Awaitable[None]]] = {
            "reload": self._reload,
            "stats": self._stats,
            "unanswered": self._unanswered,
            "add": self._add,
            "edit": self._edit,
            "hide": self._hide,
            "unhide": self._unhide,
            "export": self._export,
            "dashboard": self._dashboard,
        }

    def register(self, app: AsyncApp) -> None:
        app.command(KB_COMMAND)(self.on_kb_command)
        app.view(CALLBACK_ADD)(self.on_fact_submitted)
        app.view(CALLBACK_EDIT)(self.on_fact_submitted)

    # --- /kb ------------------------------------------------------------------------------------

    async def on_kb_command(self, ack: Any, command: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        user = command["user_id"]
        target = Target(client, user, command.get("channel_id"), response_url=command["response_url"])
        if not await self.moderators.allows(client, user):
            await target.send(notice(REFUSAL))
            return
        words = from_slack(command.get("text") or "").split()
        name = words[0].casefold() if words else "help"
        handler = self._subcommands.get(name)
        if handler is None:
            unknown = "" if name == "help" else f"I don't know {code_span('/kb ' + name)}.\n\n"
            await target.send(notice(unknown + USAGE))
            return
        request = _Command(
            args=words[1:],
            actor=Actor(platform="slack", user=user, name=command.get("user_name")),
            team_id=command.get("team_id"),
            trigger_id=command["trigger_id"],
            response_url=command["response_url"],
            channel_id=command.get("channel_id"),
            target=target,
        )
        try:
            await handler(request, client)
        except _UsageError as exc:
            await target.send(notice(str(exc)))
        except ModerationError as exc:  # expected refusals of the core: unknown fact, storage down…
            await target.send(notice(f"Not done: {escape(str(exc))}"))

    async def _reload(self, request: _Command, client: AsyncWebClient) -> None:
        if request.args not in ([], ["force"]):
            raise _UsageError("Usage: `/kb reload`, or `/kb reload force` to reload even a much smaller knowledge base.")
        report = await self.bot.reload(request.actor, force=request.args == ["force"])
        if report.refused:
            await request.target.send(
                notice(
                    f"Not reloaded: {escape(report.refused)}. I keep answering with the facts I had.\n"
                    "If that is what you mean, run `/kb reload force`."
                )
            )
            return
        if report.ok:
            done = f"Reloaded the knowledge base: {report.fact_count} facts."
            if report.warnings:
                await request.target.send(preformatted(done + " Warnings:", "\n".join(report.warnings)))
            else:
                await request.target.send(notice(done))
            return
        problems = "\n".join(str(p) for p in report.problems)
        await request.target.send(
            preformatted(f"Not reloaded: the knowledge files have {len(report.problems)} problem(s); "
                         "I keep answering with the facts I had.", problems)
        )

    async def _stats(self, request: _Command, client: AsyncWebClient) -> None:
        days = _days(request.args, 7)
        stats = await self.bot.stats(days=days, community=request.team_id)
        await request.target.send(preformatted(f"Statistics of this workspace, last {days} days", render_stats(stats)))

    async def _unanswered(self, request: _Command, client: AsyncWebClient) -> None:
        days = _days(request.args, 30)
        groups = await self.bot.unanswered(days=days, community=request.team_id)
        if not groups:
            await request.target.send(notice(f"No unanswered questions in the last {days} days."))
            return
        await request.target.send(preformatted(f"Unanswered questions, last {days} days", render_unanswered(groups)))

    def _metadata(self, request: _Command, fact_id: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {"r": request.response_url, "c": request.channel_id}
        if fact_id:
            data["f"] = fact_id
        return data

    async def _add(self, request: _Command, client: AsyncWebClient) -> None:
        view = fact_modal(self._metadata(request), topics=self.bot.topics())
        await client.views_open(trigger_id=request.trigger_id, view=view)

    async def _edit(self, request: _Command, client: AsyncWebClient) -> None:
        fact = self._known(_fact_id(request.args, "edit"))
        view = fact_modal(self._metadata(request, fact.id), fact=fact, topics=self.bot.topics())
        await client.views_open(trigger_id=request.trigger_id, view=view)

    async def _set_hidden(self, request: _Command, hidden: bool) -> None:
        fact = self._known(_fact_id(request.args, "hide" if hidden else "unhide"))
        fact = await self.bot.set_hidden(fact.id, hidden, request.actor)
        state = "hidden: I no longer answer with it" if hidden else "visible again: I answer with it"
        await request.target.send(notice(f"Fact `{fact.id}` ({escape(fact.title)}) is {state}."))

    async def _hide(self, request: _Command, client: AsyncWebClient) -> None:
        await self._set_hidden(request, True)

    async def _unhide(self, request: _Command, client: AsyncWebClient) -> None:
        await self._set_hidden(request, False)

    async def _export(self, request: _Command, client: AsyncWebClient) -> None:
        result = await self.bot.export(actor=request.actor)
        names = names_of(result.files)
        if not result.files:
            await request.target.send(notice("Nothing to export: there are no runtime edits."))
        elif result.not_written is None:
            await request.target.send(notice(f"Exported {len(result.files)} knowledge file(s) on the bot's server: {names}."))
        else:
            await self._hand_over(request, client, result.files, escape(result.not_written))

    async def _hand_over(
        self, request: _Command, client: AsyncWebClient, files: Mapping[str, str], reason: str
    ) -> None:
        """Files the export could not write: uploaded to the moderator's direct messages, or, when
        the app may not upload files, shown here as text."""
        try:
            opened = await client.conversations_open(users=request.actor.user)
            await client.files_upload_v2(
                channel=opened["channel"]["id"],
                file_uploads=[{"content": text, "filename": name.replace("/", "-"), "title": name} for name, text in files.items()],
                initial_comment="The knowledge files with the runtime edits: review them and commit them.",
            )
        except SlackApiError as exc:
            log.warning("export: could not upload the files (%s); showing them as text", exc.response.get("error"))
            text = "\n\n".join(f"# {name}\n{content}" for name, content in files.items())
            await request.target.send(
                preformatted(f"Not written on the bot's server: {reason}. The files with the runtime edits:", text)
            )
            return
        await request.target.send(
            notice(
                f"Not written on the bot's server: {reason}. I sent you the {len(files)} file(s) with the "
                f"runtime edits ({names_of(files)}) in a direct message: review them and commit them."
            )
        )

    async def _dashboard(self, request: _Command, client: AsyncWebClient) -> None:
        link = await self.bot.access.mint_link(request.actor)
        text = (
            f"<{link.url}|Sign in to the moderators' dashboard>. The link works once, until "
            f"{link.expires_at:%H:%M} UTC; keep it to yourself."
        )
        await request.target.send({**notice(text), "unfurl_links": False, "unfurl_media": False})

    def _known(self, fact_id: str) -> Fact:
        fact = self.bot.fact(fact_id)
        if fact is not None:
            return fact
        choices = self.bot.autocomplete(fact_id, limit=3)
        hint = ""
        if choices:
            ids = dict.fromkeys(choice.fact_id for choice in choices)
            hint = " Did you mean " + ", ".join(f"`{fact_id}`" for fact_id in ids) + "?"
        raise _UsageError(f"There is no fact {code_span(fact_id)}.{hint}")

    # --- the fact modal -----------------------------------------------------------------------------

    async def on_fact_submitted(
        self, ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Check the form; show problems under their fields, or store the fact and confirm."""
        user = body["user"]
        metadata = json.loads(view.get("private_metadata") or "{}")
        editing: str | None = metadata.get("f")
        blocks = EDIT_FIELDS if editing else FORM_FIELDS
        if not await self.moderators.allows(client, user["id"]):
            await ack(response_action="errors", errors={blocks[0]: "Only knowledge-base moderators can save facts."})
            return
        data = read_form(view["state"]["values"])
        actor = Actor(platform="slack", user=user["id"], name=user.get("username") or user.get("name"))
        try:
            fact = await (self._save_edit(editing, data, actor) if editing else self._save_new(data, actor))
        except _FormErrors as exc:
            await ack(response_action="errors", errors=exc.errors)
            return
        except FactRejected as exc:
            await ack(response_action="errors", errors=problem_errors(exc.problems, blocks=blocks))
            return
        except ModerationError as exc:
            await ack(response_action="errors", errors={blocks[0]: truncate(f"Not saved: {exc}", ERROR_MAX)})
            return
        await ack()
        verb = "Updated" if editing else "Added"
        confirmation = notice(f"{verb} fact `{fact.id}`: {escape(fact.title)}.")
        if metadata.get("r"):
            await post_to_response_url(metadata["r"], {**confirmation, "response_type": "ephemeral"})

    async def _save_new(self, data: dict[str, Any], actor: Actor) -> Fact:
        errors = form_errors(data)
        if errors:
            raise _FormErrors(errors)
        return await self.bot.add_fact(data, actor)

    async def _save_edit(self, fact_id: str, data: dict[str, Any], actor: Actor) -> Fact:
        """Store the fields the moderator changed; the id, review date and visibility stay as they are."""
        current = self.bot.fact(fact_id)
        if current is None:
            raise UnknownFact(fact_id)
        kept = {"reviewed": current.reviewed, "hidden": current.hidden}
        errors = form_errors({**kept, **data, "id": fact_id}, blocks=EDIT_FIELDS)
        if errors:
            raise _FormErrors(errors)
        before = current.model_dump(mode="json")
        after = Fact.model_validate({**kept, **data, "id": fact_id}).model_dump(mode="json")
        changes = {field: after[field] for field in EDIT_FIELDS if after[field] != before[field]}
        if not changes:
            return current
        return await self.bot.edit_fact(fact_id, changes, actor)
