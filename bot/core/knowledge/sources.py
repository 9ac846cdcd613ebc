"""The documents a knowledge base is curated from: the setting that names them, their words and
their section headings.

A knowledge directory names its source documents in ``sources.yaml`` (see ``docs/knowledge.md``)::

    documents:
      - path: sources/publisher--article.txt      # relative to the knowledge directory
        publisher: The Western Balkans            # optional: which facts' sources cite it
        article: China and the Kosovo issue

The loader checks the setting's structure; the bot never reads the documents themselves.
``factbot validate`` checks the answers against them (:mod:`bot.core.knowledge.curation`).

Headings of a plain-text document are recognised line by line:

- a Markdown heading (``#`` to ``######`` then a space) is a heading of that level;
- otherwise a line is a heading when it is short (at most :data:`HEADING_MAX_WORDS` words), does
  not end like a sentence or a clause (``. , ; : …``, closing quotes and brackets looked through;
  ``?`` and ``!`` are allowed) and is written in title case: every word starts with a capital
  letter or a digit, except small words (articles, conjunctions, prepositions) after the first.
  Such a heading is of level 1; one that starts with a list marker (``-``, ``*``, ``•``, ``–``)
  is a subheading (level 2) of the heading before it.

So a sentence, a byline that ends with a full stop, or an advertisement such as "One-month
subscription – €50" is not a heading. A section is named by its heading, or by its heading's
path joined with ": " ("External Factors Shaping China’s Role: Russia’s Decreasing Role").
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SOURCES_FILE = "sources.yaml"
HEADING_MAX_WORDS = 15
#: Consecutive words shared with a source from which wording counts as copied (``factbot validate``).
DEFAULT_MIN_RUN = 12
#: The most words an answer may have: what a member reads in a chat window without scrolling.
DEFAULT_MAX_WORDS = 100

_SETTING_KEYS = {"documents"}
_DOCUMENT_KEYS = {"path", "publisher", "article"}

#: Words that title case leaves in lower case (after the first word).
_SMALL_WORDS = frozenset(
    """
    a an the and but or nor for so yet as at by in of off on onto per to up via vs v with from into
    over than upon out about after among amid along across against before behind below beneath beside
    between beyond despite during except inside near past since through toward towards under until
    within without de la le du des von van der den
    """.split()
)
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_MARKER = re.compile(r"^[-*•–]\s+")
_SENTENCE_END = ".,;:…"  # a heading may ask a question ("Why Kosovo?"), not end a sentence
_CLOSERS = "\"'”’»)]}"
_DASHES = str.maketrans({ch: "-" for ch in "‐‑‒–—―−"})


@dataclasses.dataclass(frozen=True, slots=True)
class DocumentRef:
    """One entry of ``sources.yaml``: where the document is and which citations it stands for."""

    path: Path
    label: str  # the path as written, for messages
    publisher: str | None = None
    article: str | None = None
    line: int | None = None  # of the entry in sources.yaml


def read_setting(data: Any, directory: Path) -> tuple[list[DocumentRef], list[tuple[int | None, str]]]:
    """The documents named by a parsed ``sources.yaml`` and its problems as ``(line, message)``.

    Only the structure is checked here (the loader does it on every load); whether each file can be
    read is for :func:`bot.core.knowledge.curation.read_document`, at ``factbot validate`` time."""
    problems: list[tuple[int | None, str]] = []
    refs: list[DocumentRef] = []
    line = getattr(data, "line", 1)
    if not isinstance(data, dict) or "documents" not in data:
        return [], [(line, "expected a mapping with a 'documents' list")]
    key_lines = getattr(data, "key_lines", {})
    for key in sorted(set(data) - _SETTING_KEYS):
        problems.append((key_lines.get(key), f"unknown key {key!r} (allowed: documents)"))
    entries = data["documents"]
    if not isinstance(entries, list) or not entries:
        return [], [*problems, (key_lines.get("documents", line), "'documents' must be a non-empty list")]
    item_lines = getattr(entries, "item_lines", [None] * len(entries))
    for entry, entry_line in zip(entries, item_lines, strict=True):
        if not isinstance(entry, dict):
            problems.append((entry_line, "each document must be a mapping with a 'path'"))
            continue
        for key in sorted(set(entry) - _DOCUMENT_KEYS):
            problems.append((entry_line, f"unknown key {key!r} (allowed: path, publisher, article)"))
        path = entry.get("path")
        if not isinstance(path, str) or not path.strip():
            problems.append((entry_line, "missing 'path' (a file relative to the knowledge directory)"))
            continue
        texts = {key: entry.get(key) for key in ("publisher", "article")}
        bad = [key for key, value in texts.items() if value is not None and not (isinstance(value, str) and value)]
        if bad:
            problems.append((entry_line, f"{bad[0]!r} must be a non-empty string"))
            continue
        if Path(path).is_absolute():
            problems.append((entry_line, f"path {path!r} must be relative to the knowledge directory"))
            continue
        refs.append(DocumentRef(directory / path, path, texts["publisher"], texts["article"], entry_line))
    return refs, problems


def heading_key(text: str) -> str:
    """A heading as it is compared: case, white space, apostrophe and dash styles folded."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).replace("’", "'").replace("‘", "'")
    return " ".join(text.casefold().split())


def same_heading(a: str, b: str) -> bool:
    """Equal up to case, white space, apostrophe and dash styles."""
    return heading_key(a) == heading_key(b)


def _is_title_case(text: str) -> bool:
    words = [w for w in text.split() if any(ch.isalnum() for ch in w)]
    if not words or len(words) > HEADING_MAX_WORDS or not any(ch.isalpha() for ch in text):
        return False
    for position, word in enumerate(words):
        first = next(ch for ch in word if ch.isalnum())
        if first.isupper() or first.isdigit():
            continue
        if position == 0 or word.strip("\"'“”‘’()[]").casefold() not in _SMALL_WORDS:
            return False
    return True


def _plain_heading(line: str) -> str | None:
    end = line.rstrip(_CLOSERS)
    if not end or end[-1] in _SENTENCE_END:
        return None
    return line if _is_title_case(line) else None


def headings(text: str) -> list[tuple[int, str]]:
    """The headings of a document as ``(level, heading)``, in order (see the module's docstring)."""
    found: list[tuple[int, str]] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        markdown = _MARKDOWN_HEADING.match(line)
        if markdown:
            if markdown.group(2):
                found.append((len(markdown.group(1)), markdown.group(2)))
            continue
        marker = _LIST_MARKER.match(line)
        heading = _plain_heading(line[marker.end():] if marker else line)
        if heading is not None:
            found.append((2 if marker else 1, heading))
    return found


def section_names(found: Sequence[tuple[int, str]]) -> list[str]:
    """Every name a fact may cite a section by: each heading, and each heading below another
    prefixed with its parents' headings and ": "."""
    names: list[str] = []
    path: list[tuple[int, str]] = []
    for level, heading in found:
        while path and path[-1][0] >= level:
            path.pop()
        path.append((level, heading))
        names.append(heading)
        if len(path) > 1:
            names.append(": ".join(h for _, h in path))
    return names
