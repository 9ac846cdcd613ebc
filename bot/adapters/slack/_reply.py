"""Where a reply goes, and sending it there with Slack's rate limits respected.

A reply is private (only the asker sees it: a ``response_url`` reply or ``chat.postEphemeral``) or
public (``chat.postMessage``), possibly in a thread. :class:`Target` holds that decision so the
feature modules only say *what* to answer; every Web API call and ``response_url`` post retries on
429 with slack_sdk's retry handlers.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Any

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

log = logging.getLogger(__name__)

#: Slack answers 429 with ``Retry-After``; two more tries cover a burst without stalling a reply.
RATE_LIMIT_RETRIES = 2
RESPONSE_URL_TIMEOUT = 10.0
_DM_CHANNEL = re.compile(r"^D[A-Z0-9]+$")


def retry_handlers() -> list[AsyncRetryHandler]:
    """Retries for every call to Slack: connection resets, 429 (after ``Retry-After``), 500/503."""
    return [
        AsyncConnectionErrorRetryHandler(),
        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        AsyncServerErrorRetryHandler(),
    ]


def is_direct_message(channel: str | None) -> bool:
    return bool(channel and _DM_CHANNEL.match(channel))


async def post_to_response_url(url: str, payload: dict[str, Any]) -> None:
    """POST one message to a ``response_url`` (slash commands and interactions)."""
    client = AsyncWebhookClient(url, timeout=RESPONSE_URL_TIMEOUT, retry_handlers=retry_handlers())
    response = await client.send_dict(payload)
    if response.status_code != 200:
        log.warning("response_url answered %s: %s", response.status_code, response.body)


@dataclasses.dataclass(frozen=True, slots=True)
class Target:
    """Where the reply to one request goes."""

    client: AsyncWebClient
    user: str
    channel: str | None = None
    thread_ts: str | None = None
    response_url: str | None = None
    private: bool = True

    @classmethod
    def for_action(cls, client: AsyncWebClient, body: dict[str, Any]) -> Target:
        """The reply to a button press, seen by whoever can see the message that holds the button.

        Under a private message the reply is private too; in a direct message it is a new message
        there; under a public message only the person who pressed sees it: in the same thread
        (``chat.postEphemeral``; the bot is in the channels where it answers in threads), or, under
        a top-level message such as a shared answer, through the press's ``response_url``, which
        needs no channel membership.
        """
        container = body.get("container") or {}
        message = body.get("message") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        thread_ts = container.get("thread_ts") or message.get("thread_ts")
        user = body["user"]["id"]
        if is_direct_message(channel) and not container.get("is_ephemeral"):
            return cls(client, user, channel, thread_ts, None, private=False)
        if thread_ts and not container.get("is_ephemeral"):
            return cls(client, user, channel, thread_ts, None, private=True)
        return cls(client, user, channel, thread_ts, body.get("response_url"), private=True)

    async def send(self, payload: dict[str, Any], *, replace: bool = False) -> None:
        """Send ``payload`` (``text`` and ``blocks``); ``replace`` swaps a private message in place."""
        if self.private and self.response_url:
            await post_to_response_url(
                self.response_url,
                {**payload, "response_type": "ephemeral", "replace_original": replace},
            )
        elif self.private:
            await self.client.chat_postEphemeral(
                channel=self.channel, user=self.user, thread_ts=self.thread_ts, **payload
            )
        else:
            await self.client.chat_postMessage(channel=self.channel, thread_ts=self.thread_ts, **payload)

    async def share(self, payload: dict[str, Any]) -> None:
        """Post a private message's content for the whole channel, then remove the private copy."""
        if not self.response_url:
            raise ValueError("only a private reply with a response_url can be shared")
        shared = {**payload, "response_type": "in_channel", "replace_original": False}
        if self.thread_ts:
            shared["thread_ts"] = self.thread_ts
        await post_to_response_url(self.response_url, shared)
        await post_to_response_url(self.response_url, {"delete_original": True})
