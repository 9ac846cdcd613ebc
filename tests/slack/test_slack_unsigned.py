"""Nothing happens for a request Slack did not sign: 401, one short log line, and no call to anyone.

The real bolt app over HTTP on 127.0.0.1; each forged request names the loopback Slack's
``response_url`` and a channel and user, so any apology the app sent on its behalf would be recorded.
After the forged requests, one signed request is answered, so the test waits on a real call instead
of sleeping, and then checks that it is the only one the app made.
"""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import urlencode

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.adapters.slack._verify import RequestVerifier
from bot.adapters.slack.app import build_app
from bot.core.service import FactBot
from mock_slack import BOT_USER, TEAM, MockSlack
from signed_requests import SlackSender, slack_settings

FORGED = "v0=" + "0" * 64
SECRET_WORDS = "my-private-question-text"


def _command_body(slack: MockSlack) -> str:
    return urlencode({
        "command": "/ask", "text": SECRET_WORDS, "user_id": "UVICTIM", "channel_id": "CVICTIM", "team_id": TEAM,
        "response_url": slack.response_url("forged"), "trigger_id": "t",
    })


def _event_body() -> str:
    event = {"type": "app_mention", "user": "UVICTIM", "channel": "CVICTIM", "ts": "1700000000.000100",
             "text": f"<@{BOT_USER}> {SECRET_WORDS}"}
    return json.dumps({"type": "event_callback", "team_id": TEAM, "event_id": "EvForged", "event": event,
                       "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}]})


async def _only_the_signed_request_was_answered(sender: SlackSender, slack: MockSlack) -> None:
    reply, response_url = await sender.command("/ask", "opening hours")
    assert reply.status == 200
    await slack.wait_for("response_url", lambda c: c.path.endswith(response_url.rsplit("/", 1)[1]))
    assert [c.method for c in slack.calls if c.method != "auth.test"] == ["response_url"], slack.calls
    assert all(c.path.endswith(response_url.rsplit("/", 1)[1]) for c in slack.called("response_url"))


def _refusals(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.INFO]


@pytest.mark.parametrize("timestamp", ["abc", "1e3", "", " 1700000000", "١٧٠٠٠٠٠٠٠٠"])
@pytest.mark.parametrize("kind", ["command", "event"])
async def test_a_forged_request_with_a_strange_timestamp_is_refused_and_nothing_is_called(
    sender: SlackSender, slack: MockSlack, caplog: pytest.LogCaptureFixture, timestamp: str, kind: str
) -> None:
    caplog.set_level(logging.INFO)
    body, content_type = (
        (_command_body(slack), "application/x-www-form-urlencoded") if kind == "command" else (_event_body(), "application/json")
    )
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": FORGED}
    async with sender.session.post(sender.url, data=body.encode(), headers=headers) as response:
        assert response.status == 401
    assert slack.calls == []  # no apology to the body's response_url, no chat.postEphemeral
    [refusal] = _refusals(caplog)
    assert refusal.exc_info is None and SECRET_WORDS not in refusal.getMessage()
    await _only_the_signed_request_was_answered(sender, slack)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\xff\xfe\x00 not utf-8 \xc3\x28", "application/json"),
        (b"{not json", "application/json"),
        (b"payload=%7Bnot-json", "application/x-www-form-urlencoded"),
        (b"[1, 2, 3]", "application/json"),
    ],
)
async def test_unsigned_bodies_that_cannot_be_read_get_401_and_one_short_line(
    sender: SlackSender, slack: MockSlack, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    caplog.set_level(logging.DEBUG)
    for signature in (None, FORGED):
        caplog.clear()
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(int(time.time()))}
        if signature:
            headers["X-Slack-Signature"] = signature
        async with sender.session.post(sender.url, data=body, headers=headers) as response:
            assert response.status == 401
        records = _refusals(caplog)
        assert len(records) == 1, [r.getMessage() for r in records]
        assert records[0].exc_info is None and len(records[0].getMessage()) < 200
    assert slack.calls == []


async def test_a_refused_request_is_logged_in_one_line_without_its_body(
    sender: SlackSender, slack: MockSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    reply = await sender.post(_command_body(slack), "application/x-www-form-urlencoded", signature=FORGED)
    assert reply.status == 401
    records = _refusals(caplog)
    assert len(records) == 1, [r.getMessage() for r in records]
    everything = "\n".join(r.getMessage() for r in caplog.records)  # debug lines too
    assert SECRET_WORDS not in everything and "UVICTIM" not in everything and "respond/forged" not in everything
    assert "signature" in records[0].getMessage()
    assert not [r for r in caplog.records if r.name.startswith(("slack_bolt", "bot.adapters.slack.bolt"))]


async def test_a_stale_but_correctly_signed_request_is_refused(sender: SlackSender, slack: MockSlack) -> None:
    reply = await sender.post(_command_body(slack), "application/x-www-form-urlencoded", timestamp=int(time.time()) - 301)
    assert reply.status == 401
    assert slack.calls == []


async def test_a_signed_request_that_is_not_json_is_refused_without_a_traceback(
    sender: SlackSender, slack: MockSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    reply = await sender.post("{not json", "application/json")
    assert reply.status == 400
    assert [r.exc_info for r in caplog.records if r.levelno >= logging.INFO] == [None]
    assert slack.calls == []


def test_the_verifier_reads_only_ascii_digits_as_a_timestamp() -> None:
    now = 1_700_000_000
    verifier = RequestVerifier("secret", now=lambda: now)
    for timestamp in ("abc", "1e3", "", "+1700000000", "1700000000.0", "١٧٠٠٠٠٠٠٠٠", None):
        assert verifier.check_headers(timestamp, FORGED) is not None, timestamp
    assert verifier.check_headers(str(now), FORGED) is None
    assert verifier.check_headers(str(now - 301), FORGED) is not None
    assert verifier.check_headers(str(now), "v0=abc") is not None
    assert verifier.check_body(str(now), FORGED, b"\xff") == "the body is not UTF-8"
    assert verifier.check_body(str(now), FORGED, b"x=1") == "the signature does not match"


async def test_the_error_handler_never_answers_a_request_that_was_not_verified(
    slack: MockSlack, factbot: FactBot, caplog: pytest.LogCaptureFixture
) -> None:
    """Whatever serves the app: a request bolt fails on before it is verified gets no apology anywhere."""
    app = build_app(factbot, slack_settings(slack))
    headers = {"content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": "abc",
               "x-slack-signature": FORGED}  # bolt's own check fails on the timestamp with an error
    response = await app.async_dispatch(AsyncBoltRequest(body=_command_body(slack), headers=headers))
    assert response.status != 200
    assert slack.calls == []
    assert "not answered" in caplog.text and SECRET_WORDS not in caplog.text
