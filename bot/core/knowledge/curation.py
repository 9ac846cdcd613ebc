"""The curator's checks of a knowledge base against its source documents (``factbot validate``).

Loading (:mod:`bot.core.knowledge.loader`) checks that the files are well formed; these checks are
about the writing, and need the documents the facts are curated from:

- **Copied wording.** A run of ``min_run`` or more consecutive words of a fact's answer, title or
  summary that also stands in a source document, word for word. Words are compared folded
  (:func:`tokens`): case, accents, punctuation, apostrophes and British/American spelling do not
  hide a copy. A quotation counts like any other words, so a quotation must stay shorter too.
- **Length.** An answer of more than ``max_words`` words (counted as a reader counts them,
  :func:`count_words`) is too long to read in a chat window.
- **Sections.** Each ``sources[].section`` of a fact whose source is one of the documents must be
  a heading of it (:mod:`bot.core.knowledge.sources` says how headings are recognised).

Each finding is a :class:`~bot.core.knowledge.loader.Problem`, located at the line of the field.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.core.knowledge.loader import KnowledgeError, Problem, knowledge_files, line_of, parse_yaml
from bot.core.knowledge.model import KnowledgeBase
from bot.core.knowledge.sources import (
    DEFAULT_MAX_WORDS,
    DEFAULT_MIN_RUN,
    SOURCES_FILE,
    heading_key,
    read_setting,
    same_heading,
    section_names,
)
from bot.core.knowledge.sources import headings as find_headings
from bot.core.matching.normalise import fold

#: Copied runs are quoted in findings, cut to this many characters.
QUOTE_MAX_CHARS = 80
#: The fields of a fact whose wording is checked for copied runs.
CHECKED_FIELDS = ("title", "summary", "answer")

_TOKEN = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
_PART = re.compile(r"[^\W_]+")
_ISE = re.compile(r"(?<=\w{2})is(e|ed|es|ing|ation|ations)$")
_OUR = re.compile(r"(?<=\w{2})our(s|ed|ing|ite|ites|able)?$")
_LL = re.compile(r"(?<=\w[aeiou])ll(ed|ing|er|ers)$")


@dataclasses.dataclass(frozen=True, slots=True)
class Token:
    """One word of a text: its folded form (what is compared) and where it stands in the text."""

    word: str
    start: int
    end: int


def _fold_word(part: str) -> str:
    """British and American spellings made one (-ise/-ize, -our/-or, -lled/-led)."""
    return _LL.sub(r"l\1", _OUR.sub(r"or\1", _ISE.sub(r"iz\1", part)))


def tokens(text: str) -> list[Token]:
    """The words of ``text`` for comparing wording: runs of Unicode letters and digits, with case
    and accents folded, apostrophes inside a word and a possessive 's dropped, hyphenated words
    split and British/American spellings made one. Offsets are into the NFKC form of ``text``."""
    text = unicodedata.normalize("NFKC", text)
    return [
        Token(_fold_word(part), match.start(), match.end())
        for match in _TOKEN.finditer(text)
        for part in _PART.findall(fold(match.group()))
    ]


def count_words(text: str) -> int:
    """Words as a reader counts them: separated by white space, each with a letter or a digit."""
    return sum(1 for chunk in text.split() if any(ch.isalnum() for ch in chunk))


@dataclasses.dataclass(frozen=True)
class SourceDocument:
    """A source document, read: its words (for copied runs) and its section names."""

    label: str
    text: str
    publisher: str | None = None
    article: str | None = None

    @cached_property
    def words(self) -> tuple[str, ...]:
        return tuple(token.word for token in tokens(self.text))

    @cached_property
    def headings(self) -> list[tuple[int, str]]:
        return find_headings(self.text)

    @cached_property
    def sections(self) -> list[str]:
        return section_names(self.headings)

    def has_section(self, name: str) -> bool:
        return any(same_heading(name, section) for section in self.sections)

    def closest_section(self, name: str) -> str | None:
        """The section name most like ``name`` (a typo, a missing word), if any is close enough."""
        match = process.extractOne(
            name, self.sections, scorer=fuzz.token_set_ratio, processor=heading_key, score_cutoff=80
        )
        return match[0] if match is not None else None

    def cited_by(self, publisher: str, article: str) -> bool:
        """Whether a fact's source (publisher, article) refers to this document: any source when
        the document was named without them (``--against``)."""
        return (self.publisher is None or same_heading(self.publisher, publisher)) and (
            self.article is None or same_heading(self.article, article)
        )


class SourceReadError(Exception):
    """A source document cannot be read; the message says which and why."""


def read_document(path: Path, label: str, publisher: str | None = None, article: str | None = None) -> SourceDocument:
    """Read a UTF-8 text document (a byte-order mark is allowed); raise :class:`SourceReadError`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceReadError(f"cannot read source document {label}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        detail = f"byte 0x{raw[exc.start]:02x} at offset {exc.start}"
        raise SourceReadError(f"source document {label} is not UTF-8 ({detail})") from exc
    return SourceDocument(label, text, publisher, article)


def setting_documents(directory: Path) -> tuple[list[SourceDocument], list[Problem]]:
    """The documents ``sources.yaml`` names (none when the directory has no such file), read,
    and the problems of the setting and of documents that cannot be read."""
    path = directory / SOURCES_FILE
    if not path.is_file():
        return [], []
    label = path.relative_to(directory.parent).as_posix()
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"), label)
    except KnowledgeError as exc:  # the loader reports these too; they are repeated for the check
        return [], exc.problems
    refs, setting_problems = read_setting(data, directory)
    problems = [Problem(label, line, message) for line, message in setting_problems]
    documents: list[SourceDocument] = []
    for ref in refs:
        try:
            documents.append(read_document(ref.path, ref.label, ref.publisher, ref.article))
        except SourceReadError as exc:
            problems.append(Problem(label, ref.line, str(exc)))
    return documents, problems


@dataclasses.dataclass(frozen=True, slots=True)
class CopiedRun:
    """Words of a text that stand in a source document, word for word."""

    length: int  # in words, as :func:`tokens` splits them
    document: str
    quote: str  # the run as the text writes it, cut to QUOTE_MAX_CHARS


class CopyFinder:
    """Finds runs of ``min_run`` or more words shared with the documents, by hashing each
    document's ``min_run``-word windows once; a hit is then extended word by word."""

    def __init__(self, documents: Sequence[SourceDocument], min_run: int = DEFAULT_MIN_RUN) -> None:
        if min_run < 2:
            raise ValueError("min_run must be at least 2")
        self.documents = list(documents)
        self.min_run = min_run
        self._windows: dict[tuple[str, ...], list[tuple[int, int]]] = {}
        for d_index, document in enumerate(self.documents):
            words = document.words
            for start in range(len(words) - min_run + 1):
                self._windows.setdefault(words[start : start + min_run], []).append((d_index, start))

    def runs(self, text: str) -> list[CopiedRun]:
        """The copied runs of ``text``, longest match at each place, left to right, not overlapping."""
        found = tokens(text)
        words = [token.word for token in found]
        shown = unicodedata.normalize("NFKC", text)
        runs: list[CopiedRun] = []
        position, n = 0, self.min_run
        while position + n <= len(words):
            hits = self._windows.get(tuple(words[position : position + n]))
            if not hits:
                position += 1
                continue
            length, d_index = max((self._extend(words, position, d, start), d) for d, start in hits)
            quote = _clip(shown[found[position].start : found[position + length - 1].end])
            runs.append(CopiedRun(length, self.documents[d_index].label, quote))
            position += length
        return runs

    def _extend(self, words: list[str], position: int, d_index: int, start: int) -> int:
        source = self.documents[d_index].words
        length = self.min_run
        while (
            position + length < len(words)
            and start + length < len(source)
            and words[position + length] == source[start + length]
        ):
            length += 1
        return length


def _clip(text: str, limit: int = QUOTE_MAX_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


def _fact_entries(directory: Path) -> dict[str, tuple[str, object]]:
    """Each fact id with its file's label and its parsed (line-aware) mapping."""
    entries: dict[str, tuple[str, object]] = {}
    for path in knowledge_files(directory):
        label = path.relative_to(directory.parent).as_posix()
        data = parse_yaml(path.read_text(encoding="utf-8"), label)
        listed = data.get("facts") if isinstance(data, dict) else None
        for entry in listed if isinstance(listed, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                entries.setdefault(entry["id"], (label, entry))
    return entries


def check_knowledge(
    directory: Path,
    kb: KnowledgeBase,
    documents: Iterable[SourceDocument],
    *,
    min_run: int = DEFAULT_MIN_RUN,
    max_words: int = DEFAULT_MAX_WORDS,
) -> list[Problem]:
    """Every finding of the curator's checks for the facts of ``kb`` (loaded from ``directory``),
    in file order. Without documents only the length of the answers is checked."""
    documents = list(documents)
    finder = CopyFinder(documents, min_run) if documents else None
    entries = _fact_entries(directory)
    problems: list[Problem] = []
    for fact in kb.facts:
        label, entry = entries.get(fact.id, (kb.source or str(directory), None))
        found: list[tuple[tuple[int | str, ...], str]] = []  # (where in the fact, message)
        words = count_words(fact.answer)
        if words > max_words:
            found.append((("answer",), f"answer has {words} words, over the limit of {max_words}"))
        for field in CHECKED_FIELDS if finder is not None else ():
            text = getattr(fact, field)
            for run in finder.runs(text) if text else ():
                message = (
                    f"{field} copies {run.length} consecutive words from {run.document} "
                    f"(at most {min_run - 1} allowed): “{run.quote}”"
                )
                found.append(((field,), message))
        for index, source in enumerate(fact.sources):
            cited = [d for d in documents if d.cited_by(source.publisher, source.article)]
            if not cited or source.section is None or any(d.has_section(source.section) for d in cited):
                continue
            closest = next((c for d in cited if (c := d.closest_section(source.section))), None)
            hint = f"; closest heading: {closest!r}" if closest else ""
            names = ", ".join(d.label for d in cited)
            message = f"section {source.section!r} is not a heading of {names}{hint}"
            found.append((("sources", index, "section"), message))
        problems.extend(
            Problem(label, line_of(entry, loc) if entry is not None else None, message, fact.id)
            for loc, message in found
        )
    return sorted(problems, key=lambda p: (p.file, p.line or 0))
