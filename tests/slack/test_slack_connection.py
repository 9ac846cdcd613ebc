"""Starting on Slack: the tokens are checked once, a refusal stops the bot with one line, a lost
Socket Mode connection comes back with exponential backoff and one line per attempt."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.adapters.slack.app import SlackConfigError, build_app
from bot.adapters.slack.server import SlackHttpServer, SlackSocketMode, slack_runner
from bot.core.service import FactBot
from bot.core.tasks import Backoff
from mock_slack import APP_TOKEN, BOT_USER, TEAM, MockSlack
from signed_requests import SIGNING_SECRET, slack_settings
from support.process import assert_one_plain_line, environment, run_factbot


def _socket_settings(slack: MockSlack, **overrides: object):
    return slack_settings(slack, **{"slack_app_token": APP_TOKEN, "slack_signing_secret": None, **overrides})


@pytest.mark.parametrize(
    ("overrides", "setting"),
    [
        ({"slack_bot_token": "xoxb-revoked"}, "SLACK_BOT_TOKEN"),
        ({"slack_app_token": "xapp-revoked"}, "SLACK_APP_TOKEN"),
    ],
)
async def test_socket_mode_stops_at_once_on_a_refused_token(
    slack: MockSlack, factbot: FactBot, overrides: dict, setting: str
) -> None:
    runner = slack_runner(factbot, _socket_settings(slack, **overrides))
    with pytest.raises(SlackConfigError, match=rf"^{setting} was refused by Slack \(invalid_auth\)"):
        await runner.start()
    await runner.stop()
    assert len(slack.called("apps.connections.open")) <= 1  # checked once, never retried


async def test_http_mode_stops_at_once_on_a_refused_token(slack: MockSlack, factbot: FactBot) -> None:
    settings = slack_settings(slack, slack_bot_token="xoxb-revoked")
    server = SlackHttpServer(build_app(factbot, settings), SIGNING_SECRET, "127.0.0.1", 0)
    with pytest.raises(SlackConfigError, match=r"^SLACK_BOT_TOKEN was refused by Slack \(invalid_auth\)"):
        await server.start()
    await server.stop()


async def test_a_lost_connection_comes_back_with_backoff_one_line_each(
    slack: MockSlack, factbot: FactBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    logging.getLogger("bot.adapters.slack.socket_mode").setLevel(logging.WARNING)  # as configure_logging sets it
    runner = SlackSocketMode(build_app(factbot, _socket_settings(slack)), APP_TOKEN,
                             backoff=Backoff(initial=0.01, maximum=0.04), check_interval=0.05)
    await runner.start()
    try:
        await slack.wait_connected()
        opened = len(slack.called("apps.connections.open"))
        slack.failing["apps.connections.open"] = "internal_error"
        caplog.clear()
        await slack.drop_connections()
        await slack.wait_for("apps.connections.open", count=opened + 4)  # four refused attempts
        del slack.failing["apps.connections.open"]
        await slack.wait_connected(timeout=10)

        # Answering works again over the new connection (and by then the runner has said so).
        event = {"type": "app_mention", "user": "UMEMBER", "channel": "CGENERAL", "ts": "1700000600.000100",
                 "text": f"<@{BOT_USER}> opening hours"}
        body = {"token": "legacy", "team_id": TEAM, "api_app_id": "AFACTBOT", "event": event,
                "type": "event_callback", "event_id": "EvAfter", "event_time": 1700000600}
        await slack.send_envelope("events_api", body, "envelope-after")
        [post] = await slack.wait_for("chat.postMessage")
        assert post["thread_ts"] == "1700000600.000100"

        assert all(r.exc_info is None and "\n" not in r.getMessage() for r in caplog.records)
        messages = [r.getMessage() for r in caplog.records]
        assert messages[0] == "Slack Socket Mode: disconnected; reconnecting in 0 s"
        failures = messages[1:-1]
        assert len(failures) >= 4, messages
        assert all(m.startswith("Slack Socket Mode: reconnecting failed (Slack answered internal_error); next try in")
                   for m in failures), messages  # one line per attempt, nothing else
        assert messages[-1] == f"Slack Socket Mode: reconnected to workspace Library ({TEAM}) as @factbot"
        assert runner.backoff.attempts == 0  # connected: the next loss starts from the first delay again
    finally:
        await runner.stop()


def test_backoff_doubles_up_to_its_maximum() -> None:
    backoff = Backoff(initial=1, maximum=10)
    assert [backoff.next_delay() for _ in range(6)] == [1, 2, 4, 8, 10, 10]
    assert backoff.peek() == 10
    backoff.reset()
    assert backoff.next_delay() == 1
    for _ in range(5000):  # days of failures: no float overflow
        backoff.next_delay()
    assert backoff.peek() == 10


# -- as operators run it ------------------------------------------------------------------------------


def _env(slack: MockSlack, tmp_path: Path, **settings: str) -> dict[str, str]:
    return environment(tmp_path, FACTBOT_SLACK_API_URL=slack.api_url, FACTBOT_SLACK_HOST="127.0.0.1",
                       FACTBOT_SLACK_PORT="0", **settings)


@pytest.mark.parametrize(
    ("settings", "setting"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-revoked", "SLACK_APP_TOKEN": APP_TOKEN}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_APP_TOKEN": "xapp-revoked"}, "SLACK_APP_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-revoked", "SLACK_SIGNING_SECRET": SIGNING_SECRET}, "SLACK_BOT_TOKEN"),
    ],
    ids=["socket-mode-bot-token", "socket-mode-app-token", "http-mode-bot-token"],
)
async def test_factbot_run_with_a_refused_token_is_one_line(
    slack: MockSlack, tmp_path: Path, settings: dict[str, str], setting: str
) -> None:
    result = await run_factbot("run", "--platforms-only", env=_env(slack, tmp_path, **settings), cwd=tmp_path)
    assert_one_plain_line(result, setting, "refused by Slack (invalid_auth)")
    assert result.returncode == 2 and "revoked" not in result.stderr
