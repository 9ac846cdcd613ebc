"""Members' questions end to end: the real bolt app over HTTP on 127.0.0.1, signed like Slack signs.

Every assertion is on what the person would see: the calls the app made to the loopback Slack.
"""

from __future__ import annotations

import time

import pytest

from bot.adapters.slack._blocks import ACTION_SHARE, ACTION_SHOW_FACT, FEEDBACK_DOWN, FEEDBACK_UP
from bot.core.answers import confidence_label
from bot.core.service import FactBot
from mock_slack import BOT_USER, TEAM, MockSlack
from signed_requests import SlackSender
from support.storage import rows


def _no_pings(text: str) -> None:
    assert "<!channel>" not in text and "<!here>" not in text and "<!everyone>" not in text
    assert "<@" not in text


async def test_ask_is_acknowledged_at_once_and_answered_privately(sender: SlackSender, slack: MockSlack) -> None:
    reply, response_url = await sender.command("/ask", "opening hours?")
    assert reply.status == 200
    assert reply.body == ""  # an empty acknowledgement: nothing is posted in the channel
    assert reply.seconds < 3.0

    [answer] = await slack.wait_for("response_url", lambda c: c.path.endswith(response_url.rsplit("/", 1)[1]))
    assert answer["response_type"] == "ephemeral"
    blocks = answer.blocks
    assert blocks[0]["type"] == "context" and "“opening hours?”" in blocks[0]["elements"][0]["text"]
    assert blocks[1] == {"type": "header", "text": {"type": "plain_text", "emoji": True,
                                                   "text": "The library is open 9:00–18:00, Monday to Saturday"}}
    assert "closed on Sundays" in blocks[2]["text"]["text"]
    source, confidence = blocks[3]["elements"]
    assert source["text"] == "*Source:* Town Library, “Visitor guide”, Opening hours"
    assert confidence["text"] == "Confidence: high (100/100)"
    related = [b["text"]["text"] for b in answer.buttons() if b["action_id"].startswith(ACTION_SHOW_FACT)]
    assert related == ["A library card is free for residents", "Reading room rules (R&D <quiet> zone)"]
    assert answer.button(ACTION_SHARE)["style"] == "primary"


async def test_mention_is_answered_in_a_thread(sender: SlackSender, slack: MockSlack) -> None:
    reply = await sender.event({"type": "app_mention", "user": "UMEMBER", "channel": "CGENERAL",
                                "text": f"<@{BOT_USER}> can I eat in the reading room?", "ts": "1700000100.000100"})
    assert reply.status == 200
    [post] = await slack.wait_for("chat.postMessage")
    assert post["channel"] == "CGENERAL"
    assert post["thread_ts"] == "1700000100.000100"
    assert "Reading room rules" in post.text()
    assert not [b for b in post.buttons() if b["action_id"] == ACTION_SHARE]  # already public


async def test_direct_message_is_answered_in_the_conversation(sender: SlackSender, slack: MockSlack) -> None:
    await sender.event({"type": "message", "channel_type": "im", "user": "UMEMBER", "channel": "DMEMBER",
                        "text": "how much does a library card cost?", "ts": "1700000200.000100"})
    [post] = await slack.wait_for("chat.postMessage")
    assert post["channel"] == "DMEMBER"
    assert "thread_ts" not in post.params
    assert "A library card is free for residents" in post.text()


async def test_own_messages_and_other_messages_are_ignored(sender: SlackSender, slack: MockSlack) -> None:
    await sender.event({"type": "message", "channel_type": "im", "user": BOT_USER, "channel": "DMEMBER",
                        "text": "When is the library open?", "ts": "1700000300.000100"})
    await sender.event({"type": "message", "channel_type": "channel", "user": "UMEMBER", "channel": "CGENERAL",
                        "text": "When is the library open?", "ts": "1700000300.000200"})
    await sender.event({"type": "message", "subtype": "message_changed", "channel_type": "im", "channel": "DMEMBER",
                        "ts": "1700000300.000300"})
    # A last, real question: once it is answered, the earlier events have been handled too.
    await sender.event({"type": "message", "channel_type": "im", "user": "UMEMBER", "channel": "DMEMBER",
                        "text": "reading room rules", "ts": "1700000300.000400"})
    await slack.wait_for("chat.postMessage")
    posts = slack.called("chat.postMessage")
    assert len(posts) == 1 and "Reading room rules" in posts[0].text()


async def test_echoed_question_cannot_ping(sender: SlackSender, slack: MockSlack) -> None:
    # Slack sends what the person typed with &, < and > escaped, and mentions as <...> tokens.
    typed = "<!channel> <!here> <@U999|bob> &amp; &lt;b&gt;what&lt;/b&gt; is R&amp;D? <https://x.example|click>"
    await sender.command("/ask", typed)
    [reply] = await slack.wait_for("response_url")
    text = reply.text()
    _no_pings(text)
    assert "“channel here bob & <b>what</b> is R&D? click”" in text  # as the person sees it, in plain text
    [quote] = [b["text"] for b in reply.blocks if "bob" in b.get("text", {}).get("text", "")]
    assert quote["type"] == "plain_text"  # Slack neither formats nor links plain text


async def test_knowledge_text_is_escaped_too(sender: SlackSender, slack: MockSlack) -> None:
    await sender.command("/ask", "reading room rules")
    [answer] = await slack.wait_for("response_url")
    text = answer.text()
    _no_pings(text)
    assert "R&amp;D section is a &lt;quiet&gt; zone: no calls, &amp; no food" in text
    assert "Never write &lt;!channel&gt; or &lt;@U0&gt;" in text  # shown, never sent as markup


async def test_abstention_says_what_the_bot_knows(sender: SlackSender, slack: MockSlack) -> None:
    await sender.command("/ask", "what is the capital of france?")
    [reply] = await slack.wait_for("response_url")
    text = reply.text()
    assert "I don't know the answer to “what is the capital of france?”" in text
    assert "I can answer questions about:* Visiting, Borrowing." in text
    assert not reply.buttons()


async def test_help_lists_usage_and_topics(sender: SlackSender, slack: MockSlack) -> None:
    await sender.command("/ask", "")
    await sender.command("/ask", "help")
    replies = await slack.wait_for("response_url", count=2)
    for reply in replies:
        text = reply.text()
        assert "/ask When is the library open?" in text
        assert "*Visiting* (2)" in text and "*Borrowing* (2)" in text
        assert "• Books from other libraries arrive in about a week" in text


async def test_did_you_mean_button_shows_the_other_fact(sender: SlackSender, slack: MockSlack) -> None:
    await sender.command("/ask", "how do i borrow a book")
    [answer] = await slack.wait_for("response_url")
    suggestion = answer.button(ACTION_SHOW_FACT)
    assert suggestion["value"] == "interlibrary-loan"
    reply, url = await sender.press(suggestion)
    assert reply.status == 200
    [shown] = await slack.wait_for("response_url", lambda c: c.path.endswith(url.rsplit("/", 1)[1]))
    assert shown["response_type"] == "ephemeral" and shown["replace_original"] is False
    assert "interlibrary loan" in shown.text()


async def test_share_posts_the_answer_in_the_channel(sender: SlackSender, slack: MockSlack) -> None:
    await sender.command("/ask", "opening hours?", user="UASKER")
    [answer] = await slack.wait_for("response_url")
    _, url = await sender.press(answer.button(ACTION_SHARE), user="UASKER")
    name = url.rsplit("/", 1)[1]
    shared, deleted = await slack.wait_for("response_url", lambda c: c.path.endswith(name), count=2)
    assert shared["response_type"] == "in_channel"
    assert "<@UASKER> shared an answer to\n“opening hours?”" in shared.text()  # the question in plain text
    assert "closed on Sundays" in shared.text()
    assert not [b for b in shared.buttons() if b["action_id"] == ACTION_SHARE]
    assert deleted.params == {"delete_original": True}

    # Under the shared, top-level message a press is acknowledged privately through its response_url.
    _, url = await sender.press(shared.button(FEEDBACK_UP), user="UOTHER", ephemeral=False)
    [thanks] = await slack.wait_for("response_url", lambda c: c.path.endswith(url.rsplit("/", 1)[1]))
    assert thanks["response_type"] == "ephemeral" and "Thanks, your feedback is recorded." in thanks.text()


async def test_bad_signature_and_stale_timestamp_are_refused(sender: SlackSender, slack: MockSlack) -> None:
    body = "command=%2Fask&text=hours&user_id=UMEMBER&team_id=T0LIBRARY&response_url=x&trigger_id=t"
    forged = await sender.post(body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64)
    stale_ts = int(time.time()) - 6 * 60
    stale = await sender.post(body, "application/x-www-form-urlencoded", timestamp=stale_ts)
    assert (forged.status, stale.status) == (401, 401)
    assert slack.calls == []  # nothing reached the bot, not even auth.test


async def test_buttons_under_a_public_answer_reply_privately_in_the_thread(sender: SlackSender, slack: MockSlack) -> None:
    await sender.event({"type": "app_mention", "user": "UMEMBER", "channel": "CGENERAL",
                        "text": f"<@{BOT_USER}> reading room rules", "ts": "1700000500.000100"})
    [answer] = await slack.wait_for("chat.postMessage")
    related = answer.button(ACTION_SHOW_FACT)
    await sender.press(related, user="UOTHER", ephemeral=False, thread_ts="1700000500.000100",
                       message_ts="1700000500.000200")
    [shown] = await slack.wait_for("chat.postEphemeral")
    assert (shown["channel"], shown["user"], shown["thread_ts"]) == ("CGENERAL", "UOTHER", "1700000500.000100")
    assert "The library is open 9:00–18:00" in shown.text()
    assert shown.button(ACTION_SHARE)  # private again, so it can be shared
    assert len(slack.called("chat.postMessage")) == 1  # the public answer was left alone


async def test_buttons_in_a_direct_message_answer_in_the_conversation(sender: SlackSender, slack: MockSlack) -> None:
    await sender.event({"type": "message", "channel_type": "im", "user": "UMEMBER", "channel": "DMEMBER",
                        "text": "how do i borrow a book", "ts": "1700000600.000100"})
    [answer] = await slack.wait_for("chat.postMessage")
    await sender.press(answer.button(ACTION_SHOW_FACT), channel="DMEMBER", ephemeral=False)
    _, shown = await slack.wait_for("chat.postMessage", count=2)
    assert shown["channel"] == "DMEMBER"
    assert "interlibrary loan" in shown.text()
    assert not [b for b in shown.buttons() if b["action_id"] == ACTION_SHARE]


async def test_rate_limited_calls_are_retried(sender: SlackSender, slack: MockSlack) -> None:
    slack.rate_limited.update({"chat.postMessage": 1, "response_url": 1})
    await sender.event({"type": "app_mention", "user": "UMEMBER", "channel": "CGENERAL",
                        "text": f"<@{BOT_USER}> opening hours", "ts": "1700000700.000100"})
    await sender.command("/ask", "opening hours")
    [post] = await slack.wait_for("chat.postMessage")
    [reply] = await slack.wait_for("response_url")
    assert sorted(slack.rate_limit_hits) == ["chat.postMessage", "response_url"]
    assert "The library is open" in post.text() and "The library is open" in reply.text()


async def test_a_fact_hidden_since_the_answer_is_not_shown(sender: SlackSender, slack: MockSlack) -> None:
    await sender.press({"action_id": f"{ACTION_SHOW_FACT}:0", "text": {"type": "plain_text", "text": "x"},
                        "value": "no-such-fact"})
    [reply] = await slack.wait_for("response_url")
    assert "That fact is no longer in the knowledge base" in reply.text()


async def test_feedback_is_recorded_once_per_member(sender: SlackSender, slack: MockSlack, factbot: FactBot) -> None:
    await sender.command("/ask", "opening hours")
    [answer] = await slack.wait_for("response_url")
    up, down = answer.button(FEEDBACK_UP), answer.button(FEEDBACK_DOWN)
    assert up["value"] == down["value"]  # the question's log entry

    replies = []
    for button, user in ((up, "UMEMBER"), (down, "UMEMBER"), (down, "UOTHER")):
        _, url = await sender.press(button, user=user)
        [reply] = await slack.wait_for("response_url", lambda c, url=url: c.path.endswith(url.rsplit("/", 1)[1]))
        assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
        replies.append(reply.text())
    assert "Thanks, your feedback is recorded." in replies[0]
    assert "You've already given feedback on this answer." in replies[1]
    assert "the moderators will review this answer" in replies[2]

    await factbot.flush_logs()
    stats = await factbot.stats(days=1, community=TEAM)
    assert (stats.total, stats.helpful, stats.not_helpful) == (1, 1, 1)


async def test_feedback_under_a_public_answer_is_acknowledged_privately(sender: SlackSender, slack: MockSlack) -> None:
    await sender.event({"type": "app_mention", "user": "UMEMBER", "channel": "CGENERAL",
                        "text": f"<@{BOT_USER}> opening hours", "ts": "1700000800.000100"})
    [answer] = await slack.wait_for("chat.postMessage")
    await sender.press(answer.button(FEEDBACK_UP), user="UOTHER", ephemeral=False, thread_ts="1700000800.000100")
    [thanks] = await slack.wait_for("chat.postEphemeral")
    assert (thanks["user"], thanks["thread_ts"]) == ("UOTHER", "1700000800.000100")
    assert "Thanks, your feedback is recorded." in thanks.text()


async def test_slack_gives_the_same_answers_as_the_core(sender: SlackSender, slack: MockSlack, factbot: FactBot) -> None:
    """The same question gets the same answer on Slack as anywhere else (the console, Discord)."""
    questions = [q for fact in factbot.knowledge.visible for q in fact.questions] + ["week", "box", "how do i borrow a book"]
    for i, question in enumerate(questions):
        await sender.command("/ask", question, response=f"parity{i}")
    for i, question in enumerate(questions):
        [reply] = await slack.wait_for("response_url", lambda c, i=i: c.path.endswith(f"/parity{i}"))
        expected = factbot.answer(question)
        shown = reply.blocks[1]["text"]["text"] if expected.fact else None
        assert shown == (expected.fact.title if expected.fact else None), question
        if expected.fact:
            assert f"Confidence: {confidence_label(expected.score)}" in reply.text()
            suggested = [b["value"] for b in reply.buttons() if b["action_id"].startswith(ACTION_SHOW_FACT)]
            assert suggested[: len(expected.suggestions)] == [s.fact_id for s in expected.suggestions]


async def test_url_verification(sender: SlackSender) -> None:
    reply = await sender.post('{"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", '
                              '"type": "url_verification"}', "application/json")
    assert reply.status == 200
    assert reply.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


async def test_a_failure_is_logged_and_the_person_told(
    sender: SlackSender, slack: MockSlack, caplog: pytest.LogCaptureFixture
) -> None:
    slack.failing["chat.postMessage"] = "channel_not_found"
    await sender.event({"type": "app_mention", "user": "UMEMBER", "channel": "CGENERAL",
                        "text": f"<@{BOT_USER}> opening hours", "ts": "1700000900.000100"})
    [apology] = await slack.wait_for("chat.postEphemeral")
    assert (apology["user"], apology["thread_ts"]) == ("UMEMBER", "1700000900.000100")
    assert "Sorry, something went wrong on my side" in apology.text()
    [record] = [r for r in caplog.records if r.name == "bot.adapters.slack.app"]
    assert record.levelname == "ERROR" and record.exc_info is not None
    assert "channel_not_found" in str(record.exc_info[1])


async def test_a_long_message_is_logged_up_to_slacks_own_limit(
    sender: SlackSender, slack: MockSlack, factbot: FactBot
) -> None:
    text = "how much does a library card cost? " + "please tell me " * 400
    await sender.event({"type": "message", "channel_type": "im", "user": "UMEMBER", "channel": "DMEMBER",
                        "text": text, "ts": "1700000200.000900"})
    [post] = await slack.wait_for("chat.postMessage")
    assert "A library card is free for residents" in post.text()
    await factbot.flush_logs()
    (row,) = await rows(factbot, "questions")
    assert len(text) > 4000 and row.question == text[:4000]
