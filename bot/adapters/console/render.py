"""Plain-text rendering of answers, for terminals and logs: every line wrapped to the terminal's width.

The width is the terminal's (``COLUMNS`` when set), or 88 columns when the output is not a terminal.
Words are never broken, so a fact id or a web address stays whole even on a narrow terminal.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.core.answers import Answer, confidence_label, detail_not_held

if TYPE_CHECKING:  # only named in annotations: an answer's rendering does not import them
    from bot.core.explain import Explanation
    from bot.core.impact import Impact

#: The width when the output is not a terminal (a pipe, a file).
DEFAULT_WIDTH = 88
#: Narrower terminals still get this many columns: below it, wrapping only makes things worse.
MIN_WIDTH = 20


def terminal_width() -> int:
    """The width to wrap to now (terminals can be resized between two answers)."""
    return max(MIN_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)


def _fill(text: str, width: int, first: str = "", rest: str = "") -> str:
    return textwrap.fill(
        " ".join(text.split()),
        width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


def paragraphs(text: str, width: int, indent: str = "") -> str:
    """Each non-empty line of ``text`` as a wrapped paragraph."""
    return "\n".join(_fill(line, width, indent, indent) for line in text.splitlines() if line.strip())


def labelled(label: str, text: str, width: int) -> str:
    """``Label: text``, its continuation lines indented; the text starts on the next line when the label
    leaves no room for its first word."""
    filled = _fill(text, width, f"{label}: ", "  ")
    if len(filled.split("\n", 1)[0]) > width and len(label) + 2 < len(filled.split("\n", 1)[0]):
        return f"{label}:\n" + _fill(text, width, "  ", "  ")
    return filled


def bullets(items: Iterable[str], width: int, indent: str = "  ") -> list[str]:
    """``  - item`` lines, each item's continuation lines indented under its text."""
    return [_fill(item, width, f"{indent}- ", f"{indent}  ") for item in items]


def render_answer(answer: Answer, width: int | None = None) -> str:
    """The answer as a person reads it: answer, source, confidence and suggestions, ``width`` columns wide
    (default: the terminal's)."""
    width = width or terminal_width()
    lines: list[str] = []
    if answer.fact is not None:
        fact = answer.fact
        lines.append(_fill(fact.title, width))
        lines.append("")
        lines.append(paragraphs(fact.answer, width))
        lines.append("")
        lines.append(labelled("Source", fact.source_line(), width))
        lines.append(labelled("Confidence", confidence_label(answer.score), width))
        if answer.suggestions:
            lines.append("")
            lines.append("Did you mean:")
            lines.extend(bullets((f"{s.title} ({s.fact_id})" for s in answer.suggestions), width))
        if answer.related:
            lines.append("")
            lines.append(labelled("Related", ", ".join(f"{r.title} ({r.id})" for r in answer.related), width))
        return "\n".join(lines)

    if answer.missing_detail:
        lines.append(_fill(detail_not_held(answer) + " The closest fact I have does not say it.", width))
    else:
        lines.append(_fill("I don't know the answer to that: it is not in my knowledge base.", width))
    if answer.log_id:
        lines.append(_fill("I've noted the question for the moderators, who add new facts.", width))
    if answer.suggestions:
        lines.append("")
        lines.append("Closest facts I have:")
        lines.extend(bullets((f"{s.title} ({s.fact_id})" for s in answer.suggestions), width))
    if answer.topics:
        lines.append("")
        lines.append(labelled("I can answer questions about", ", ".join(answer.topics) + ".", width))
    lines.append(_fill("Ask in your own words, for example with a name, an organisation or a place.", width))
    return "\n".join(lines)


def render_impact(impact: Impact) -> str:
    """An impact preview as plain text: every question whose answer would change."""
    lines = [
        f"Re-asked {impact.distinct_questions} different questions ({impact.asked} asked in all) of the last "
        f"{impact.days} days: {len(impact.changes)} would get another answer."
    ]
    for fact_id, count in impact.taken_from.items():
        lines.append(f"warning: takes {count} question(s) that {fact_id} answers today")
    for title, rows in (
        ("Newly answered", impact.newly_answered),
        ("Answered by another fact", impact.answered_by_another),
        ("No longer answered", impact.no_longer_answered),
    ):
        if rows:
            lines.append(f"{title} ({len(rows)}):")
            lines.extend(
                f"  {c.count:>4}x “{c.question}”: {c.before or 'no answer'} -> {c.after or 'no answer'}" for c in rows
            )
    return "\n".join(lines)


def render_explanation(explanation: Explanation) -> str:
    """Why a question gets its answer, as plain text (``factbot kb explain``)."""
    answer = explanation.answer
    outcome = (
        f"answers with {answer.fact.id} ({answer.score:.1f})"
        if answer.fact
        else f"abstains (best {answer.score:.1f}, the threshold is {explanation.answer_threshold:.0f})"
    )
    lines = [f"“{explanation.question}”: {outcome}"]
    if answer.missing_detail:
        lines.append(f"  {detail_not_held(answer)}")
    if answer.read_as and answer.read_as != explanation.question.strip():
        lines.append(f"  read as “{answer.read_as}”")
    lines.append(f"  found by the {answer.route} route")
    lines.append("Words (weight):")
    for word in explanation.words:
        read = f" -> {word.corrected_to} (similarity {word.similarity:.2f})" if word.corrected_to else ""
        known = "" if word.known else " (in no fact)"
        lines.append(f"  {word.word}{read}: {word.weight:.2f}{known}")
    lines.append("Candidates:")
    for i, c in enumerate(explanation.candidates, 1):
        semantic = "semantic stage off" if c.semantic is None else f"semantic {c.semantic:.2f}"
        lines.append(f"  {i}. {c.fact_id} {c.confidence:.1f}: “{c.phrasing}”")
        lines.append(
            f"     matched {', '.join(c.matched) or 'nothing'}; coverage {c.fact_coverage:.0%} fact, "
            f"{c.phrase_coverage:.0%} phrasing; similarity {c.similarity:.0f}/{c.closeness:.0f}; {semantic}"
        )
        lines.extend(f"     penalty x{factor:.2f}: {why}" for why, factor in c.penalties)
    return "\n".join(lines)
