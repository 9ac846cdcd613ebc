"""Plain-text rendering of answers, for terminals and logs: every line wrapped to the terminal's width.

The width is the terminal's (``COLUMNS`` when set), or 88 columns when the output is not a terminal.
Words are never broken, so a fact id or a web address stays whole even on a narrow terminal.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterable

from bot.core.answers import Answer, confidence_label

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
