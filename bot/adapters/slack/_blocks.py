"""Block Kit renderers: neutral core results in, Slack messages (``text`` + ``blocks``) out.

Every function returns a plain ``dict`` ready for ``chat.postMessage``, ``chat.postEphemeral`` or a
``response_url``. Everything that comes from a person or a knowledge file is escaped
(:func:`~bot.adapters.slack._text.escape`) and cut to Block Kit's limits, so a long answer or title
never makes Slack reject a message. A member's own words are quoted in ``plain_text`` objects or in
code blocks they cannot close, never in mrkdwn that they could format (see ``_text.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.adapters.slack._text import code_block_text, escape, escape_within, truncate
from bot.core.answers import Answer, Suggestion, confidence_label, detail_not_held
from bot.core.knowledge.schema import Fact

# Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks).
HEADER_MAX = 150
SECTION_MAX = 3000
CONTEXT_TEXT_MAX = 3000
CONTEXT_ELEMENTS_MAX = 10
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
ACTIONS_ELEMENTS_MAX = 25
MESSAGE_BLOCKS_MAX = 50
#: The notification text of a message; Slack allows far more, nobody reads more.
FALLBACK_TEXT_MAX = 3000

#: Buttons shown under an answer; the handlers in ``ask.py`` match these action ids.
ACTION_SHOW_FACT = "factbot_show_fact"
ACTION_FEEDBACK = "factbot_feedback"
ACTION_SHARE = "factbot_share"
FEEDBACK_UP = f"{ACTION_FEEDBACK}:up"
FEEDBACK_DOWN = f"{ACTION_FEEDBACK}:down"

MAX_RELATED_BUTTONS = 5
ABSTAIN_HINT = (
    "Ask in your own words, for example with a name, an organisation or a place. `/ask help` lists what I know."
)
#: The question carried in a "Share in channel" button, so the shared message can quote it.
SHARED_QUESTION_MAX = 300
_TOPIC_TITLES_MAX = 8

ASK_USAGE = (
    "*Ask me in your own words:* `/ask {example}`\n"
    "• `/ask` answers privately; *Share in channel* posts the answer for everyone.\n"
    "• Mention me in a channel and I answer in a thread; write to me directly and I answer here.\n"
    "• `/ask help` shows this message."
)


def plain(text: str, limit: int) -> dict[str, Any]:
    """Text Slack shows as it is: no formatting, no links, no mentions (so not escaped)."""
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": True}


def mrkdwn(text: str, *, verbatim: bool = False) -> dict[str, Any]:
    """mrkdwn; ``verbatim``: Slack does not turn the URLs and channel names in it into links."""
    return {"type": "mrkdwn", "text": text, **({"verbatim": True} if verbatim else {})}


def section(text: str, *, verbatim: bool = False) -> dict[str, Any]:
    """A section of already-escaped mrkdwn (cut to the section limit as a last resort)."""
    return {"type": "section", "text": mrkdwn(truncate(text, SECTION_MAX), verbatim=verbatim)}


def plain_section(text: str) -> dict[str, Any]:
    """A section of plain text, for sentences that quote a member."""
    return {"type": "section", "text": plain(text, SECTION_MAX)}


TextObject = dict[str, Any]


def context(*texts: str | TextObject) -> dict[str, Any]:
    """A context block of already-escaped mrkdwn strings and ready text objects (empty ones left out)."""
    elements = [
        text if isinstance(text, dict) else mrkdwn(truncate(text, CONTEXT_TEXT_MAX))
        for text in texts
        if text and (not isinstance(text, dict) or text.get("text"))
    ][:CONTEXT_ELEMENTS_MAX]
    return {"type": "context", "elements": elements}


def header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": plain(text, HEADER_MAX)}


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text, BUTTON_TEXT_MAX),
        "action_id": action_id,
        "value": value[:BUTTON_VALUE_MAX],
    }
    if style:
        element["style"] = style
    return element


def actions(block_id: str, elements: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)[:ACTIONS_ELEMENTS_MAX]}


def message(text: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """A message: escaped fallback ``text`` (notifications, screen readers) and its blocks."""
    return {"text": truncate(text, FALLBACK_TEXT_MAX), "blocks": blocks[:MESSAGE_BLOCKS_MAX]}


def notice(text: str) -> dict[str, Any]:
    """A one-section message of already-escaped mrkdwn."""
    return message(text, [section(text)])


def _code_section(lines: Sequence[str]) -> dict[str, Any]:
    return section("```\n" + "\n".join(lines) + "\n```", verbatim=True)


def preformatted(title: str, body: str) -> dict[str, Any]:
    """A title and a plain-text report (stats, unanswered questions) in code blocks.

    The body, which quotes members' questions, is made safe for a code block (escaped, and no
    backtick in it can end the block) and split over as many sections as the section limit needs.
    """
    blocks: list[dict[str, Any]] = [section(f"*{escape(title)}*")]
    chunk: list[str] = []
    size = 0
    budget = SECTION_MAX - 8  # the two ``` fences and their newlines
    for line in code_block_text(body).splitlines() or [""]:
        line = truncate(line, budget)
        if chunk and size + len(line) + 1 > budget:
            blocks.append(_code_section(chunk))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    blocks.append(_code_section(chunk))
    if len(blocks) > MESSAGE_BLOCKS_MAX:
        blocks = [*blocks[: MESSAGE_BLOCKS_MAX - 1], context("_The report was cut to fit one message._")]
    return message(f"{escape(title)}\n{escape(body)}", blocks)


# --- share button values -------------------------------------------------------------------------


def encode_share(fact_id: str, question: str | None, score: float | None, log_id: str | None) -> str:
    """The value of a "Share in channel" button: what the shared message needs, in JSON."""
    data = {"f": fact_id, "q": truncate(question or "", SHARED_QUESTION_MAX) or None, "s": score, "l": log_id}
    return json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False, separators=(",", ":"))


def decode_share(value: str) -> tuple[str, str | None, float | None, str | None]:
    """``(fact_id, question, score, log_id)`` from :func:`encode_share`; ``ValueError`` if malformed."""
    data = json.loads(value)
    if not isinstance(data, dict) or not isinstance(data.get("f"), str):
        raise ValueError(f"not a share value: {value!r}")
    score = data.get("s")
    return data["f"], data.get("q"), float(score) if score is not None else None, data.get("l")


# --- answers ---------------------------------------------------------------------------------------


def _quote(question: str, limit: int = SHARED_QUESTION_MAX) -> str:
    """A member's question in quotation marks, for a ``plain_text`` object (not escaped: not mrkdwn)."""
    return f"“{truncate(' '.join(question.split()), limit)}”"


def _confidence(score: float) -> str:
    return f"Confidence: {confidence_label(score)}"


def _fact_buttons(block_id: str, facts: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """One button per ``(fact_id, title)``; action ids stay unique within the block."""
    return actions(
        block_id,
        [button(title, f"{ACTION_SHOW_FACT}:{i}", fact_id) for i, (fact_id, title) in enumerate(facts)],
    )


def _fact_blocks(
    fact: Fact,
    *,
    score: float | None = None,
    lead: Sequence[str | TextObject] = (),
    suggestions: Sequence[Suggestion] = (),
    related: Sequence[Fact] = (),
    log_id: str | None = None,
    share_value: str | None = None,
) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if lead:
        blocks.append(context(*lead))
    blocks.append(header(fact.title))
    blocks.append(section(escape_within(fact.answer, SECTION_MAX)))
    blocks.append(
        context(
            f"*Source:* {escape_within(fact.source_line(), CONTEXT_TEXT_MAX - 20)}",
            _confidence(score) if score is not None else "",
        )
    )
    if suggestions:
        blocks.append(section("*Did you mean:*"))
        blocks.append(_fact_buttons("factbot_suggestions", ((s.fact_id, s.title) for s in suggestions)))
    if related:
        blocks.append(context("*Related:*"))
        blocks.append(_fact_buttons("factbot_related", ((f.id, f.title) for f in related[:MAX_RELATED_BUTTONS])))
    controls: list[dict[str, Any]] = []
    if log_id:
        controls.append(button("👍 Helpful", FEEDBACK_UP, log_id))
        controls.append(button("👎 Not helpful", FEEDBACK_DOWN, log_id))
    if share_value:
        controls.append(button("Share in channel", ACTION_SHARE, share_value, style="primary"))
    if controls:
        blocks.append(actions("factbot_controls", controls))
    return blocks


def answer_message(answer: Answer, *, private: bool) -> dict[str, Any]:
    """The reply to a question: the answer with its source, or an honest abstention.

    ``private`` replies (``/ask``) quote the question, which nobody else saw, and offer to share.
    """
    if answer.fact is None:
        return abstain_message(answer, quote_question=private)
    fact = answer.fact
    share = encode_share(fact.id, answer.question, round(answer.score), answer.log_id) if private else None
    blocks = _fact_blocks(
        fact,
        score=answer.score,
        lead=[plain(f"You asked {_quote(answer.question)}", CONTEXT_TEXT_MAX)] if private else (),
        suggestions=answer.suggestions,
        related=answer.related,
        log_id=answer.log_id,
        share_value=share,
    )
    return message(f"{escape(fact.title)}: {escape(fact.answer)}", blocks)


def fact_message(fact: Fact, related: Sequence[Fact], *, private: bool) -> dict[str, Any]:
    """One fact, picked from "did you mean" or "related" buttons."""
    share = encode_share(fact.id, None, None, None) if private else None
    blocks = _fact_blocks(fact, related=related, share_value=share)
    return message(f"{escape(fact.title)}: {escape(fact.answer)}", blocks)


def shared_message(
    fact: Fact, *, user_id: str, question: str | None, score: float | None, log_id: str | None
) -> dict[str, Any]:
    """An answer shared in the channel from a private ``/ask`` reply, credited to whoever shared it."""
    lead: list[str | TextObject] = [f"<@{user_id}> shared an answer" + (" to" if question else "")]
    if question:
        lead.append(plain(_quote(question), CONTEXT_TEXT_MAX))
    blocks = _fact_blocks(fact, score=score, lead=lead, log_id=log_id)
    return message(f"{escape(fact.title)}: {escape(fact.answer)}", blocks)


def abstain_message(answer: Answer, *, quote_question: bool) -> dict[str, Any]:
    """No confident answer: say so, say the question was logged, offer close facts and topics."""
    asked = f" to {_quote(answer.question)}" if quote_question else ""
    if answer.missing_detail:
        lines = [f"{detail_not_held(answer)} The closest fact I have does not say it{asked}."]
    else:
        lines = [f"I don't know the answer{asked}: it is not in my knowledge base."]
    if answer.log_id:
        lines.append("I've logged the question so the moderators can add an answer.")
    blocks: list[dict[str, Any]] = [plain_section("\n".join(lines))]
    if answer.suggestions:
        blocks.append(section("*The closest facts I have:*"))
        blocks.append(_fact_buttons("factbot_suggestions", ((s.fact_id, s.title) for s in answer.suggestions)))
    if answer.topics:
        topics = ", ".join(escape(t) for t in answer.topics)
        blocks.append(section(f"*I can answer questions about:* {topics}."))
    blocks.append(context(ABSTAIN_HINT))
    return message(escape(" ".join(lines)), blocks)


def help_message(topics: Mapping[str, Sequence[Fact]]) -> dict[str, Any]:
    """Usage and what the bot knows about: topics with the titles of their facts."""
    example = next((facts[0].questions[0] for facts in topics.values() if facts), "what do you know about?")
    blocks: list[dict[str, Any]] = [
        header("Ask me about the knowledge base"),
        section(ASK_USAGE.format(example=escape_within(example, 200))),
        {"type": "divider"},
        section(f"*What I know about* ({sum(len(f) for f in topics.values())} facts in {len(topics)} topics)"),
    ]
    room = MESSAGE_BLOCKS_MAX - len(blocks) - 1  # one block left for "and N more topics"
    names = list(topics)
    for name in names[:room]:
        facts = topics[name]
        titles = "\n".join(f"• {escape_within(f.title, 200)}" for f in facts[:_TOPIC_TITLES_MAX])
        more = f"\n• _and {len(facts) - _TOPIC_TITLES_MAX} more_" if len(facts) > _TOPIC_TITLES_MAX else ""
        blocks.append(section(f"*{escape(name)}* ({len(facts)})\n{titles}{more}"))
    if len(names) > room:
        blocks.append(context(f"_and {len(names) - room} more topics_"))
    text = "Ask me in your own words with /ask. I know about: " + ", ".join(escape(n) for n in names)
    return message(text, blocks)
