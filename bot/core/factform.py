"""A fact as a form of plain text fields, and the schema's problems placed under those fields.

Moderators edit facts in forms (a Slack modal, the dashboard): one text per field, lists one item
per line or separated by commas, sources one per line as ``Publisher | Article | Section | url |
date``. This module turns such texts into the fact mapping the schema checks, and back, and puts
every problem the schema (or a moderation use-case) finds under the field it belongs to, so each
front end shows it beside that field.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from bot.core.knowledge.schema import ANSWER_MAX_CHARS, QUESTION_MAX_CHARS, SUMMARY_MAX_CHARS, TITLE_MAX_CHARS, Fact


@dataclasses.dataclass(frozen=True, slots=True)
class FormField:
    name: str  # the fact's field
    label: str
    multiline: bool
    required: bool
    hint: str
    max_length: int | None = None  # of the whole text, where the schema sets one


FIELDS: tuple[FormField, ...] = (
    FormField("id", "Id", False, True, "Lowercase letters, digits and hyphens, e.g. opening-hours. It cannot change later.", 64),
    FormField("title", "Title", False, True, "One line that states the fact.", TITLE_MAX_CHARS),
    FormField(
        "summary", "Summary", False, False,
        f"The answer in one line ({SUMMARY_MAX_CHARS} characters at most), shown as a preview in fact menus.",
        SUMMARY_MAX_CHARS,
    ),
    FormField("answer", "Answer", True, True, "What members are told, as stated by the source.", ANSWER_MAX_CHARS),
    FormField(
        "questions", "Questions", True, True,
        f"One question per line: the ways members ask for this fact ({QUESTION_MAX_CHARS} characters at most each).",
    ),
    FormField("topic", "Topic", False, True, ""),
    FormField("tags", "Tags", False, False, "Comma-separated."),
    FormField("keywords", "Keywords", False, False, "Comma-separated names, numbers or organisations that identify this fact."),
    FormField(
        "sources", "Sources", True, True,
        "One source per line: Publisher | Article | Section | https://link | YYYY-MM-DD "
        "(only publisher and article are required).",
    ),
    FormField("related", "Related fact ids", False, False, "Ids of facts to offer next, separated by commas or spaces."),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
#: The edit form: every field but the id, which names the fact and never changes.
EDIT_FIELD_NAMES = tuple(name for name in FIELD_NAMES if name != "id")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LIST_SPLIT = re.compile(r"[,\n]")
_ID_SPLIT = re.compile(r"[\s,]+")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
#: ``runtime edit of 'x': [fact x] `` before a problem: where, which the moderator already knows.
_LOCATION = re.compile(r"^[^\[\n]*\[fact [^\]]*\]\s*")


def source_line(source: Mapping[str, Any]) -> str:
    parts = [source.get(key) for key in ("publisher", "article", "section", "url", "date")]
    return " | ".join(str(part) for part in parts if part)


def form_values(fact: Fact) -> dict[str, str]:
    """The text of each field for editing ``fact``."""
    data = fact.model_dump(mode="json")
    return {
        "id": fact.id,
        "title": fact.title,
        "summary": fact.summary or "",
        "answer": fact.answer,
        "questions": "\n".join(fact.questions),
        "topic": fact.topic,
        "tags": ", ".join(fact.tags),
        "keywords": ", ".join(fact.keywords),
        "sources": "\n".join(source_line(source) for source in data["sources"]),
        "related": ", ".join(fact.related),
    }


def _items(text: str, splitter: re.Pattern[str]) -> list[str]:
    return [item.strip() for item in splitter.split(text) if item.strip()]


def parse_source(line: str) -> dict[str, str]:
    """``Publisher | Article | …`` to a source mapping; a link and a date are told by their shape."""
    parts = [part.strip() for part in line.split("|")]
    source: dict[str, str] = {}
    if parts and parts[0]:
        source["publisher"] = parts[0]
    if len(parts) > 1 and parts[1]:
        source["article"] = parts[1]
    for part in parts[2:]:
        if not part:
            continue
        if part.startswith(("http://", "https://")):
            source["url"] = part
        elif _DATE.match(part):
            source["date"] = part
        else:
            source["section"] = part
    return source


def parse_form(text: Mapping[str, str]) -> dict[str, Any]:
    """The fact mapping that form texts describe; fields absent from ``text`` are left out."""
    data: dict[str, Any] = {}
    for field in ("id", "title", "answer", "topic"):
        if text.get(field, "").strip():
            data[field] = text[field].strip()
    if "summary" in text:
        data["summary"] = text["summary"].strip() or None  # empty: no summary
    if "questions" in text:
        data["questions"] = [line.strip() for line in text["questions"].splitlines() if line.strip()]
    for field in ("tags", "keywords"):
        if field in text:
            data[field] = _items(text[field], _LIST_SPLIT)
    if "sources" in text:
        data["sources"] = [parse_source(line) for line in text["sources"].splitlines() if line.strip()]
    if "related" in text:
        data["related"] = _items(text["related"], _ID_SPLIT)
    return data


def _error_text(error: Mapping[str, Any]) -> str:
    loc = error["loc"]
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing" and len(loc) == 1:
        message = "Required."
    elif loc and loc[0] == "sources" and len(loc) >= 2 and isinstance(loc[1], int):
        detail = f"{loc[2]}: " if len(loc) > 2 else ""
        if error["type"] == "missing" and len(loc) > 2:
            message = "missing (write Publisher | Article)"
        message = f"line {loc[1] + 1}: {detail}{message}"
    elif loc and loc[0] == "questions" and len(loc) >= 2 and isinstance(loc[1], int):
        message = f"line {loc[1] + 1}: {message}"
    return message


def field_errors(data: Mapping[str, Any], fields: Sequence[str] = FIELD_NAMES) -> dict[str, list[str]]:
    """What the fact schema finds wrong with ``data``, by field (empty: valid). A problem of a field
    not in ``fields`` goes under the first of them."""
    try:
        Fact.model_validate(dict(data))
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            errors.setdefault(field if field in fields else fields[0], []).append(_error_text(error))
        return errors
    return {}


def place_problems(problems: Iterable[str], fields: Sequence[str] = FIELD_NAMES) -> dict[str, list[str]]:
    """Problems reported by the core (duplicate id, unknown related id…), placed under their field.

    A problem goes under the field it names first (quoted values, such as ids, are not read as
    names); one that names no field goes under the first field.
    """
    errors: dict[str, list[str]] = {}
    for problem in problems:
        text = _LOCATION.sub("", str(problem))
        words = _QUOTED.sub(" ", text.casefold())
        found = [(m.start(), m.group(0)) for m in re.finditer(r"[a-z_]+", words) if m.group(0) in fields]
        errors.setdefault(min(found)[1] if found else fields[0], []).append(text)
    return errors
