"""The Slack app: one bolt ``AsyncApp`` wired to one :class:`~bot.core.service.FactBot`.

:func:`build_app` is the only place that knows every feature; the runners in ``server.py`` serve
the app over HTTP or Socket Mode without knowing what it does.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack._blocks import notice
from bot.adapters.slack._reply import Target, is_direct_message, post_to_response_url, retry_handlers
from bot.adapters.slack._retries import OncePerEvent
from bot.adapters.slack._verify import VERIFIED
from bot.adapters.slack.ask import AskFeature
from bot.adapters.slack.moderation import Moderators, ModerationFeature
from bot.core.service import FactBot
from bot.settings import SettingError, SlackSettings

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side and I couldn't answer. Please try again in a minute."


class SlackConfigError(SettingError):
    """The Slack settings cannot run the bot (or Slack refuses them); the message says which setting to fix."""


def web_client(settings: SlackSettings) -> AsyncWebClient:
    """The Web API client: the bot token, the configured API URL, retries on 429 and connection errors."""
    if settings.slack_bot_token is None:
        raise SlackConfigError("SLACK_BOT_TOKEN is not set: it is needed to run on Slack.")
    base_url = settings.factbot_slack_api_url
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        retry_handlers=retry_handlers(),
        logger=logging.getLogger("bot.adapters.slack.web"),
    )


def _trusted(request: AsyncBoltRequest) -> bool:
    """Whether the request came from Slack: over the Socket Mode websocket, or verified by the HTTP server."""
    return request.mode == "socket_mode" or request.context.get(VERIFIED) is True


async def _on_error(
    error: Exception, body: dict[str, Any], context: AsyncBoltContext, request: AsyncBoltRequest
) -> None:
    """Every unexpected failure of a handler: the traceback to the log, an apology to the person.

    The apology goes only where a request from Slack says: an unverified body never names an
    address to call or a channel to post in.
    """
    if not _trusted(request):
        log.warning("Slack request failed before it was verified (%s): not answered", type(error).__name__)
        return
    log.error("Slack request failed (%s)", body.get("type") or body.get("command"), exc_info=error)
    try:
        if context.response_url:
            await post_to_response_url(context.response_url, {**notice(SORRY), "response_type": "ephemeral"})
            return
        event = body.get("event") or {}
        channel, user = event.get("channel"), event.get("user")
        if channel and user and context.client is not None:
            thread = event.get("thread_ts") or (None if is_direct_message(channel) else event.get("ts"))
            target = Target(context.client, user, channel, thread, private=not is_direct_message(channel))
            await target.send(notice(SORRY))
    except Exception:  # the apology is best effort; the original error is already logged
        log.exception("could not tell the user about the failure")


class _SameTokenNotice(logging.Filter):
    """Drops bolt's "`token` will be unused" warning, which it logs whenever ``SLACK_BOT_TOKEN`` is in
    the environment and a client is given: the client is built from that very token, so the warning
    would only mislead whoever reads the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


_BOLT_LOG = logging.getLogger("bot.adapters.slack.bolt")
_BOLT_LOG.addFilter(_SameTokenNotice())


def build_app(bot: FactBot, settings: SlackSettings) -> AsyncApp:
    """The bolt app with every feature registered.

    HTTP requests are verified with ``SLACK_SIGNING_SECRET``; Socket Mode requests need no secret.
    The Socket Mode handler uses the app's client too, so ``FACTBOT_SLACK_API_URL`` covers both.
    """
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    app = AsyncApp(
        client=web_client(settings),
        signing_secret=secret,
        name="factbot",
        logger=_BOLT_LOG,
    )
    app.error(_on_error)
    app.middleware(OncePerEvent().middleware)  # Slack's retries of an event are acknowledged, not answered again
    AskFeature(bot).register(app)
    ModerationFeature(bot, Moderators(settings.factbot_slack_mod_users)).register(app)
    return app
