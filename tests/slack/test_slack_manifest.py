"""The Slack app manifest as data: it declares what the code handles and the scopes its calls need."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.ask import ASK_COMMAND, MENTION_EVENT, MESSAGE_EVENT
from bot.adapters.slack.moderation import KB_COMMAND

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "slack-app-manifest.yaml").read_text(encoding="utf-8"))
SOURCES = sorted((ROOT / "bot" / "adapters" / "slack").glob("*.py"))

#: The bot scope each Web API method the adapter calls needs (none: no scope).
SCOPE_OF_METHOD = {
    "auth_test": None,
    "chat_postMessage": "chat:write",
    "chat_postEphemeral": "chat:write",
    "users_info": "users:read",
    "views_open": None,
    "conversations_open": "im:write",
    "files_upload_v2": "files:write",
}


def test_every_command_is_declared_once_and_escaped() -> None:
    commands = MANIFEST["features"]["slash_commands"]
    names = Counter(c["command"] for c in commands)
    assert max(names.values()) == 1, f"two commands share a name: {names}"
    assert set(names) == {ASK_COMMAND, KB_COMMAND}
    # Slack then sends mentions as <@U…> tokens, which the bot reads as names, never as pings.
    assert all(c["should_escape"] is True for c in commands)
    assert all(0 < len(c["description"]) <= 100 for c in commands)


def test_events_and_interactivity() -> None:
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert events == {MENTION_EVENT, f"{MESSAGE_EVENT}.im"}
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True  # buttons and the fact modal
    assert MANIFEST["features"]["app_home"]["messages_tab_enabled"] is True  # members can write to the bot


def test_scopes_cover_every_web_api_call_and_nothing_more() -> None:
    calls = {m for path in SOURCES for m in re.findall(r"client\.(\w+)\(", path.read_text(encoding="utf-8"))}
    called = {m for m in calls if hasattr(AsyncWebClient, m)}  # Web API methods, not the response_url client
    assert called and called <= set(SCOPE_OF_METHOD), f"unknown scope for {called - set(SCOPE_OF_METHOD)}"
    needed = {SCOPE_OF_METHOD[m] for m in called} - {None}
    needed |= {"commands", "app_mentions:read", "im:history"}  # the commands and events above
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == needed
