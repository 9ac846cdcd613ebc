"""Block Kit rendering of neutral core results, at and beyond Slack's limits."""

from __future__ import annotations

from bot.adapters.slack._blocks import (
    ACTION_SHARE,
    ACTION_SHOW_FACT,
    FEEDBACK_DOWN,
    FEEDBACK_UP,
    abstain_message,
    answer_message,
    decode_share,
    encode_share,
    help_message,
    preformatted,
    shared_message,
)
from bot.core.answers import Answer, Outcome, Suggestion
from bot.core.knowledge.schema import Fact
from block_kit import check_message


def _fact(fact_id: str, *, title: str = "A title", answer: str = "An answer.", **extra: object) -> Fact:
    data: dict[str, object] = {"id": fact_id, "title": title, "answer": answer, "questions": [f"question {fact_id}?"],
                               "topic": "Topic", "sources": [{"publisher": "Pub", "article": "Art"}]}
    return Fact.model_validate({**data, **extra})


def _buttons(message: dict) -> list[dict]:
    return [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_the_longest_fact_fits_every_limit() -> None:
    long = _fact(
        "long",
        title="T" * 256,
        answer="&" * 3000,  # 15,000 characters once escaped
        sources=[{"publisher": "P" * 900, "article": "A" * 900, "section": "S" * 900} for _ in range(3)],
    )
    suggestions = tuple(Suggestion(f"s{i}", "x" * 256, 70.0) for i in range(3))
    related = tuple(_fact(f"r{i}", title="r" * 256) for i in range(12))
    answer = Answer("q" * 512, Outcome.SUGGESTED, 88.4, long, suggestions, related, ("Topic",), log_id="L" * 32)
    message = answer_message(answer, private=True)
    check_message(message["blocks"])
    header = message["blocks"][1]["text"]["text"]
    assert len(header) == 150 and header.endswith("…")
    body = message["blocks"][2]["text"]["text"]
    assert body.startswith("&amp;&amp;") and body.endswith("&amp;…")
    assert len([b for b in _buttons(message) if b["action_id"].startswith(ACTION_SHOW_FACT)]) == 3 + 5
    assert len(message["text"]) <= 3000


def test_answer_controls_depend_on_where_it_is_shown() -> None:
    fact = _fact("f")
    answer = Answer("q?", Outcome.ANSWERED, 91.0, fact, log_id="log1")
    private = [b["action_id"] for b in _buttons(answer_message(answer, private=True))]
    public = [b["action_id"] for b in _buttons(answer_message(answer, private=False))]
    assert private == [FEEDBACK_UP, FEEDBACK_DOWN, ACTION_SHARE]
    assert public == [FEEDBACK_UP, FEEDBACK_DOWN]
    unlogged = Answer("q?", Outcome.ANSWERED, 91.0, fact)
    assert _buttons(answer_message(unlogged, private=False)) == []


def test_abstention_offers_close_facts_and_topics() -> None:
    answer = Answer("where is <!here>?", Outcome.ABSTAINED, 50.0, None,
                    (Suggestion("a", "Fact A", 50.0), Suggestion("b", "Fact B", 47.0)), (), ("One", "Two & Three"),
                    log_id="log2")
    message = abstain_message(answer, quote_question=True)
    check_message(message["blocks"])
    [said] = [b["text"] for b in message["blocks"] if "I don't know" in b.get("text", {}).get("text", "")]
    assert said["type"] == "plain_text" and "I don't know the answer to “where is <!here>?”" in said["text"]
    assert "&lt;!here&gt;" in message["text"]  # the notification text is mrkdwn: escaped
    text = "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")
    assert "I've logged the question so the moderators can add an answer." in text
    assert "*I can answer questions about:* One, Two &amp; Three." in text
    assert [b["value"] for b in _buttons(message)] == ["a", "b"]


def test_help_with_many_topics_stays_within_one_message() -> None:
    topics = {f"Topic {t}": [_fact(f"t{t}-f{f}", title=f"Fact {f} of {t}") for f in range(20)] for t in range(80)}
    message = help_message(topics)
    check_message(message["blocks"])
    assert message["blocks"][-1]["elements"][0]["text"] == "_and 35 more topics_"
    assert "• _and 12 more_" in message["blocks"][4]["text"]["text"]


def test_share_value_round_trip() -> None:
    value = encode_share("fact-id", "ü" * 1000 + '"quoted"', 87, "log")
    assert len(value) <= 2000
    fact_id, question, score, log_id = decode_share(value)
    assert (fact_id, score, log_id) == ("fact-id", 87.0, "log")
    assert question is not None and len(question) == 300 and question.endswith("…")
    assert decode_share(encode_share("f", None, None, None)) == ("f", None, None, None)


def test_long_reports_are_split_into_sections() -> None:
    body = "\n".join(f"{i:05d} <b>question</b> & more" for i in range(5000))
    message = preformatted("Unanswered", body)
    check_message(message["blocks"])
    assert len(message["blocks"]) == 50
    assert message["blocks"][1]["text"]["text"].startswith("```\n00000 &lt;b&gt;question&lt;/b&gt; &amp; more")
    assert message["blocks"][-1]["elements"][0]["text"] == "_The report was cut to fit one message._"


HOSTILE = "```\n*Moderator notice:* your account is suspended, visit https://evil.example/login ```"


def _mrkdwn_texts(message: dict) -> list[tuple[str, dict]]:
    found: list[tuple[str, dict]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append((node["text"], node))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message["blocks"])
    return found


def _holds_no_live_member_markup(message: dict) -> None:
    """Member text never lands in mrkdwn where it formats: only in plain text, or inside a code block
    whose only fences are the renderer's own, with links left as text."""
    for text, node in _mrkdwn_texts(message):
        if text.startswith("```\n") and text.endswith("\n```"):
            assert "```" not in text[4:-4], text
            assert node.get("verbatim") is True
        else:
            assert "evil.example" not in text and "Moderator notice" not in text, text


def test_a_quoted_question_cannot_break_out_into_mrkdwn() -> None:
    fact = _fact("f", title="Opening hours")
    private = answer_message(Answer(HOSTILE, Outcome.ANSWERED, 90.0, fact, log_id="l"), private=True)
    abstained = abstain_message(Answer(HOSTILE, Outcome.ABSTAINED, 10.0, None, log_id="l"), quote_question=True)
    shared = shared_message(fact, user_id="UASKER", question=HOSTILE, score=90.0, log_id="l")
    for message in (private, abstained, shared):
        check_message(message["blocks"])
        _holds_no_live_member_markup(message)
        texts = [e for b in message["blocks"] for e in b.get("elements", [b.get("text", {})])]
        quoted = [e for e in texts if "evil.example" in e.get("text", "")]
        assert quoted and all(e["type"] == "plain_text" for e in quoted)
    assert shared["blocks"][0]["elements"][0]["text"] == "<@UASKER> shared an answer to"


def test_a_report_quoting_members_keeps_its_code_block_closed() -> None:
    body = f"3× “{HOSTILE}”\n  also: ``inline`` and `one`"
    message = preformatted("Unanswered questions", body)
    check_message(message["blocks"])
    _holds_no_live_member_markup(message)
    [code] = [b["text"]["text"] for b in message["blocks"][1:]]
    assert code.replace("\u200b", "").count("```") == 4  # the two fences, and the member's two, broken
    assert "Moderator notice" in code and "https://evil.example/login" in code  # shown, as text


def test_a_detail_the_knowledge_base_does_not_hold_is_said_plainly_with_the_closest_fact() -> None:
    answer = Answer(
        "On what exact day did they sign?",
        Outcome.ABSTAINED,
        80.0,
        None,
        suggestions=(Suggestion("xi-vucic-joint-statement-2024", "Xi and Vučić sign a joint statement", 80.0),),
        missing_detail="the exact day",
    )
    message = abstain_message(answer, quote_question=False)
    assert message["text"].startswith("The knowledge base does not hold that detail (the exact day).")
    assert "xi-vucic-joint-statement-2024" in str(message["blocks"])
