"""Members' questions: ``/ask``, @mentions, direct messages and the buttons under an answer.

Each entry point turns its Slack input into a question and an :class:`AskContext`, asks the core,
and sends the rendered answer where it belongs (:class:`~bot.adapters.slack._reply.Target`):
``/ask`` privately, a mention in a thread, a direct message in the conversation.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack._blocks import (
    ACTION_SHARE,
    ACTION_SHOW_FACT,
    FEEDBACK_UP,
    answer_message,
    decode_share,
    fact_message,
    help_message,
    notice,
    shared_message,
)
from bot.adapters.slack._reply import Target
from bot.adapters.slack._text import from_slack
from bot.core.knowledge.schema import Fact
from bot.core.moderation import StorageUnavailable
from bot.core.service import AskContext, FactBot

log = logging.getLogger(__name__)

#: The members' slash command (``slack-app-manifest.yaml`` declares it).
ASK_COMMAND = "/ask"
#: The events the app subscribes to: mentions, and messages (only direct messages are answered).
MENTION_EVENT = "app_mention"
MESSAGE_EVENT = "message"
_HELP_WORDS = frozenset({"", "help", "?", "topics"})
_SHOW_FACT = re.compile(rf"^{ACTION_SHOW_FACT}(:\d+)?$")
_FEEDBACK = re.compile(r"^factbot_feedback:(up|down)$")
_GONE = "That fact is no longer in the knowledge base. `/ask help` lists what I know."


#: The longest text a member can send to the bot in Slack (a slash command's text, a message).
MESSAGE_MAX_CHARS = 4000


def _context(context: AsyncBoltContext) -> AskContext:
    return AskContext(
        platform="slack",
        community=context.team_id,
        channel=context.channel_id,
        user=context.user_id,
        max_chars=MESSAGE_MAX_CHARS,
    )


class AskFeature:
    """The member-facing handlers of one Slack app, bound to one :class:`FactBot`."""

    def __init__(self, bot: FactBot) -> None:
        self.bot = bot

    def register(self, app: AsyncApp) -> None:
        app.command(ASK_COMMAND)(self.on_ask_command)
        app.event(MENTION_EVENT)(self.on_mention)
        app.event(MESSAGE_EVENT)(self.on_message)
        app.action(_SHOW_FACT)(self.on_show_fact)
        app.action(_FEEDBACK)(self.on_feedback)
        app.action(ACTION_SHARE)(self.on_share)

    # --- questions ----------------------------------------------------------------------------

    async def answer(self, question: str, context: AskContext, target: Target) -> None:
        """Answer ``question`` (or show the help) at ``target``."""
        if question.casefold().strip(" ?!.") in _HELP_WORDS:
            await target.send(help_message(self.bot.topics()))
            return
        answer = await self.bot.ask(question, context)
        await target.send(answer_message(answer, private=target.private))

    async def on_ask_command(
        self, ack: Any, command: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        await ack()  # first: Slack wants the acknowledgement within 3 seconds
        target = Target(client, command["user_id"], command.get("channel_id"), response_url=command["response_url"])
        await self.answer(from_slack(command.get("text") or ""), _context(context), target)

    async def on_mention(self, event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
        question = from_slack(event.get("text") or "", drop_user=context.bot_user_id)
        thread = event.get("thread_ts") or event["ts"]
        target = Target(client, event["user"], event["channel"], thread_ts=thread, private=False)
        await self.answer(question, _context(context), target)

    async def on_message(self, event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
        """Direct messages are questions; other messages (channels, edits, bots) are not for us."""
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return
        question = from_slack(event.get("text") or "", drop_user=context.bot_user_id)
        target = Target(client, event["user"], event["channel"], thread_ts=event.get("thread_ts"), private=False)
        await self.answer(question, _context(context), target)

    # --- buttons under an answer -----------------------------------------------------------------

    def _visible(self, fact_id: str) -> Fact | None:
        fact = self.bot.fact(fact_id)
        return fact if fact is not None and not fact.hidden else None

    async def on_show_fact(
        self, ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """A "did you mean" or "related" button: show that fact to whoever pressed it."""
        await ack()
        target = Target.for_action(client, body)
        fact = self._visible(action["value"])
        if fact is None:
            await target.send(notice(_GONE))
            return
        related = [f for rid in fact.related if (f := self._visible(rid)) is not None]
        await target.send(fact_message(fact, related, private=target.private))

    async def on_feedback(
        self, ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """👍/👎: recorded once per member and answer."""
        await ack()
        target = Target.for_action(client, body)
        helpful = action["action_id"] == FEEDBACK_UP
        try:
            recorded = await self.bot.feedback(action["value"], _context(context), helpful)
        except StorageUnavailable:
            log.warning("feedback on %s not recorded: storage unavailable", action["value"], exc_info=True)
            await target.send(notice("I couldn't record your feedback just now; please try again in a minute."))
            return
        if not recorded:
            text = "You've already given feedback on this answer."
        elif helpful:
            text = "Thanks, your feedback is recorded."
        else:
            text = "Thanks, your feedback is recorded: the moderators will review this answer."
        await target.send(notice(text))

    async def on_share(self, ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient) -> None:
        """"Share in channel": post a private answer for everyone, credited to whoever shares it."""
        await ack()
        target = Target.for_action(client, body)
        fact_id, question, score, log_id = decode_share(action["value"])
        fact = self._visible(fact_id)
        if fact is None:
            await target.send(notice(_GONE))
            return
        if not target.response_url:
            await target.send(notice("This answer can't be shared from here; ask again with `/ask`."))
            return
        await target.share(shared_message(fact, user_id=target.user, question=question, score=score, log_id=log_id))
