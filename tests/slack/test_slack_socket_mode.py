"""Socket Mode end to end: the real slack_sdk websocket client against a loopback Socket Mode server."""

from __future__ import annotations

from bot.adapters.slack.server import SlackHttpServer, SlackSocketMode, slack_runner
from bot.core.service import FactBot
from mock_slack import APP_TOKEN, BOT_USER, TEAM, MockSlack
from signed_requests import slack_settings


async def test_slash_command_over_socket_mode(socket_mode: SlackSocketMode, slack: MockSlack) -> None:
    [opened] = slack.called("apps.connections.open")
    assert opened.token == APP_TOKEN
    payload = {
        "token": "legacy", "team_id": TEAM, "channel_id": "CGENERAL", "user_id": "UMEMBER", "user_name": "member",
        "command": "/ask", "text": "opening hours", "response_url": slack.response_url("socket-ask"),
        "trigger_id": "trigger-socket", "api_app_id": "AFACTBOT",
    }
    ack = await slack.send_envelope("slash_commands", payload, "envelope-1")
    assert ack == {"envelope_id": "envelope-1"}  # acknowledged without a payload: nothing public
    [answer] = await slack.wait_for("response_url")
    assert answer["response_type"] == "ephemeral"
    assert "The library is open 9:00–18:00, Monday to Saturday" in answer.text()


async def test_mention_over_socket_mode(socket_mode: SlackSocketMode, slack: MockSlack) -> None:
    event = {"type": "app_mention", "user": "UMEMBER", "channel": "CGENERAL", "ts": "1700000400.000100",
             "text": f"<@{BOT_USER}> how do I get a library card?"}
    body = {"token": "legacy", "team_id": TEAM, "api_app_id": "AFACTBOT", "event": event, "type": "event_callback",
            "event_id": "Ev-socket", "event_time": 1700000400}
    await slack.send_envelope("events_api", body, "envelope-2")
    [post] = await slack.wait_for("chat.postMessage")
    assert post["thread_ts"] == "1700000400.000100"
    assert "A library card is free for residents" in post.text()


def test_http_mode_without_app_token(slack: MockSlack, factbot: FactBot) -> None:
    runner = slack_runner(factbot, slack_settings(slack))
    assert isinstance(runner, SlackHttpServer)
    assert (runner.host, runner.port) == ("127.0.0.1", 0)


async def test_button_press_over_socket_mode(socket_mode: SlackSocketMode, slack: MockSlack) -> None:
    payload = {
        "type": "block_actions", "user": {"id": "UMEMBER", "username": "member", "team_id": TEAM},
        "team": {"id": TEAM, "domain": "library"}, "api_app_id": "AFACTBOT", "token": "legacy",
        "container": {"type": "message", "message_ts": "1700000500.000100", "channel_id": "CGENERAL", "is_ephemeral": True},
        "channel": {"id": "CGENERAL", "name": "general"}, "trigger_id": "trigger-socket-2",
        "response_url": slack.response_url("socket-press"),
        "actions": [{"action_id": "factbot_show_fact:0", "block_id": "factbot_related", "value": "library-card",
                     "type": "button", "text": {"type": "plain_text", "text": "card"}, "action_ts": "1700000500.1"}],
    }
    ack = await slack.send_envelope("interactive", payload, "envelope-3")
    assert ack == {"envelope_id": "envelope-3"}
    [shown] = await slack.wait_for("response_url")
    assert "A library card is free for residents" in shown.text()
