"""Slack's requests to the app, built and signed the way Slack builds and signs them."""

from __future__ import annotations

import dataclasses
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from bot.settings import SlackSettings
from mock_slack import BOT_TOKEN, TEAM, MockSlack

SIGNING_SECRET = "test-signing-secret"
MODERATOR = "UMOD"
_ids = itertools.count(1)


def slack_settings(slack: MockSlack, **overrides: object) -> SlackSettings:
    """Settings of an app that talks to the loopback Slack; nothing is read from the environment or .env."""
    values: dict[str, object] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_app_token": None,
        "factbot_slack_api_url": slack.api_url,
        "factbot_slack_host": "127.0.0.1",
        "factbot_slack_port": 0,
        "factbot_slack_mod_users": [MODERATOR],
    }
    values.update(overrides)
    return SlackSettings(_env_file=None, **values)


@dataclasses.dataclass(frozen=True)
class Reply:
    """The app's HTTP response to one request, and how long it took."""

    status: int
    body: str
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


class SlackSender:
    """Posts signed requests to the app's ``/slack/events``."""

    def __init__(self, url: str, slack: MockSlack, session: aiohttp.ClientSession) -> None:
        self.url = url
        self.slack = slack
        self.session = session
        self.verifier = SignatureVerifier(SIGNING_SECRET)

    async def post(
        self, body: str, content_type: str, *, timestamp: int | None = None, signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature or self.verifier.generate_signature(timestamp=ts, body=body),
            **(headers or {}),
        }
        started = time.perf_counter()
        async with self.session.post(self.url, data=body.encode(), headers=headers) as response:
            text = await response.text()
        return Reply(response.status, text, time.perf_counter() - started)

    # --- the kinds of request Slack sends ----------------------------------------------------------

    async def command(
        self, command: str, text: str, *, user: str = "UMEMBER", channel: str = "CGENERAL", response: str | None = None
    ) -> tuple[Reply, str]:
        """A slash command; returns the reply and the command's ``response_url``."""
        name = response or f"cmd{next(_ids)}"
        response_url = self.slack.response_url(name)
        form = {
            "token": "legacy", "team_id": TEAM, "team_domain": "library", "channel_id": channel,
            "channel_name": "general", "user_id": user, "user_name": user.lower(), "command": command,
            "text": text, "api_app_id": "AFACTBOT", "is_enterprise_install": "false",
            "response_url": response_url, "trigger_id": f"trigger-{next(_ids)}",
        }
        return await self.post(urlencode(form), "application/x-www-form-urlencoded"), response_url

    async def event(self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None) -> Reply:
        """An Events API delivery; ``retry`` makes it Slack's re-delivery number ``retry`` of ``event_id``."""
        body = {
            "token": "legacy", "team_id": TEAM, "api_app_id": "AFACTBOT", "event": event,
            "type": "event_callback", "event_id": event_id or f"Ev{next(_ids)}", "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": "UFACTBOT", "is_bot": True}],
        }
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return await self.post(json.dumps(body), "application/json", headers=headers)

    async def interaction(self, payload: dict[str, Any]) -> Reply:
        return await self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    async def press(
        self, button: dict[str, Any], *, user: str = "UMEMBER", channel: str = "CGENERAL",
        ephemeral: bool = True, thread_ts: str | None = None, message_ts: str = "1700000000.000001",
    ) -> tuple[Reply, str]:
        """Press a button of a recorded message; returns the reply and the action's ``response_url``."""
        response_url = self.slack.response_url(f"act{next(_ids)}")
        container: dict[str, Any] = {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": ephemeral}
        if thread_ts:
            container["thread_ts"] = thread_ts
        payload = {
            "type": "block_actions", "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "api_app_id": "AFACTBOT", "token": "legacy", "container": container, "trigger_id": f"trigger-{next(_ids)}",
            "team": {"id": TEAM, "domain": "library"}, "channel": {"id": channel, "name": "general"},
            "response_url": response_url,
            "actions": [{"action_id": button["action_id"], "block_id": "b", "text": button["text"],
                         "value": button["value"], "type": "button", "action_ts": str(time.time())}],
        }
        if not ephemeral:
            message: dict[str, Any] = {"type": "message", "ts": message_ts, "user": "UFACTBOT", "bot_id": "BFACTBOT"}
            if thread_ts:
                message["thread_ts"] = thread_ts
            payload["message"] = message
        return await self.interaction(payload), response_url

    async def submit(self, view: dict[str, Any], values: dict[str, str | None], *, user: str = "UMOD") -> Reply:
        """Submit a modal opened with ``views.open``, its inputs filled with ``values`` (block id -> text)."""
        state = {
            block["block_id"]: {"value": {"type": "plain_text_input",
                                          "value": values.get(block["block_id"], block["element"].get("initial_value"))}}
            for block in view["blocks"]
            if block["type"] == "input"
        }
        payload = {
            "type": "view_submission", "team": {"id": TEAM, "domain": "library"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM}, "api_app_id": "AFACTBOT",
            "token": "legacy", "trigger_id": f"trigger-{next(_ids)}",
            "view": {**view, "id": "V1", "team_id": TEAM, "state": {"values": state}, "hash": "h"},
        }
        return await self.interaction(payload)
