"""Slack's re-deliveries of one event (``X-Slack-Retry-Num``, the same ``event_id``) are answered once."""

from __future__ import annotations

import pytest

from bot.adapters.slack._retries import RecentIds
from bot.adapters.slack.server import SlackSocketMode
from mock_slack import BOT_USER, TEAM, MockSlack
from signed_requests import SlackSender


def _mention(ts: str, text: str) -> dict[str, str]:
    return {"type": "app_mention", "user": "UMEMBER", "channel": "CGENERAL", "ts": ts, "text": f"<@{BOT_USER}> {text}"}


async def test_a_retried_event_is_acknowledged_and_answered_once(sender: SlackSender, slack: MockSlack) -> None:
    first = _mention("1700000100.000100", "opening hours")
    assert (await sender.event(first, event_id="EvOnce")).status == 200
    await slack.wait_for("chat.postMessage")
    for retry in (1, 2, 3):
        reply = await sender.event(first, event_id="EvOnce", retry=retry)
        assert (reply.status, reply.body) == (200, "")
    # Another event is still answered; by then a second answer to the first would have been posted.
    await sender.event(_mention("1700000200.000100", "library card"), event_id="EvOther")
    posts = await slack.wait_for("chat.postMessage", count=2)
    assert [p["thread_ts"] for p in posts] == ["1700000100.000100", "1700000200.000100"]
    assert len(slack.called("chat.postMessage")) == 2


async def test_a_retry_of_an_event_never_received_is_answered(sender: SlackSender, slack: MockSlack) -> None:
    await sender.event(_mention("1700000300.000100", "opening hours"), event_id="EvLost", retry=1)
    [post] = await slack.wait_for("chat.postMessage")
    assert post["thread_ts"] == "1700000300.000100"


def test_remembered_ids_are_bounded() -> None:
    seen = RecentIds(capacity=3)
    assert [seen.first_time(k) for k in ("a", "b", "a", "c", "d")] == [True, True, False, True, True]
    assert len(seen) == 3
    assert seen.first_time("b") is True  # forgotten first: "a" was seen again since, so "b" was the oldest
    assert seen.first_time("c") is False
    with pytest.raises(ValueError):
        RecentIds(capacity=0)


async def test_a_retried_event_over_socket_mode_is_answered_once(socket_mode: SlackSocketMode, slack: MockSlack) -> None:
    body = {"token": "legacy", "team_id": TEAM, "api_app_id": "AFACTBOT", "type": "event_callback",
            "event": _mention("1700000400.000100", "opening hours"), "event_id": "EvSocket", "event_time": 1700000400}
    await slack.send_envelope("events_api", body, "envelope-1")
    await slack.wait_for("chat.postMessage")
    ack = await slack.send_envelope("events_api", body, "envelope-2", retry_attempt=1)
    assert ack == {"envelope_id": "envelope-2"}
    other = {**body, "event": _mention("1700000500.000100", "library card"), "event_id": "EvSocket2"}
    await slack.send_envelope("events_api", other, "envelope-3")
    posts = await slack.wait_for("chat.postMessage", count=2)
    assert [p["thread_ts"] for p in posts] == ["1700000400.000100", "1700000500.000100"]
    assert len(slack.called("chat.postMessage")) == 2
