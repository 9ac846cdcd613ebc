"""Plain-text rendering of answers, for terminals and logs."""

from __future__ import annotations

import textwrap

from bot.core.answers import Answer, confidence_label

_WIDTH = 88


def _wrap(text: str, indent: str = "") -> str:
    return "\n".join(
        textwrap.fill(paragraph, _WIDTH, initial_indent=indent, subsequent_indent=indent)
        for paragraph in text.splitlines()
        if paragraph.strip()
    )


def render_answer(answer: Answer) -> str:
    """The answer as a person reads it: answer, source, confidence and suggestions."""
    lines: list[str] = []
    if answer.fact is not None:
        fact = answer.fact
        lines.append(fact.title)
        lines.append("")
        lines.append(_wrap(fact.answer))
        lines.append("")
        lines.append(f"Source: {fact.source_line()}")
        lines.append(f"Confidence: {confidence_label(answer.score)}")
        if answer.suggestions:
            lines.append("")
            lines.append("Did you mean:")
            lines.extend(f"  - {s.title} ({s.fact_id})" for s in answer.suggestions)
        if answer.related:
            lines.append("")
            lines.append("Related: " + ", ".join(f"{r.title} ({r.id})" for r in answer.related))
        return "\n".join(lines)

    lines.append("I don't know the answer to that: it is not in my knowledge base.")
    if answer.log_id:
        lines.append("I've noted the question for the moderators, who add new facts.")
    if answer.suggestions:
        lines.append("")
        lines.append("Closest facts I have:")
        lines.extend(f"  - {s.title} ({s.fact_id})" for s in answer.suggestions)
    if answer.topics:
        lines.append("")
        lines.append("I can answer questions about: " + ", ".join(answer.topics) + ".")
    lines.append("Ask in your own words, for example with a name, an organisation or a place.")
    return "\n".join(lines)
