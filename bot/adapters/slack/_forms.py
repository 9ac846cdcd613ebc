"""The fact form of ``/kb add`` and ``/kb edit``: a Slack modal in, a fact mapping out.

The form is checked with the same :class:`~bot.core.knowledge.schema.Fact` schema as the knowledge
files, and every problem is shown under the field it belongs to (Slack's ``response_action:
errors``), so a moderator fixes the form instead of reading a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from bot.adapters.slack._blocks import plain
from bot.adapters.slack._text import truncate
from bot.core.knowledge.schema import ANSWER_MAX_CHARS, TITLE_MAX_CHARS, Fact

CALLBACK_ADD = "factbot_fact_add"
CALLBACK_EDIT = "factbot_fact_edit"
#: Every input's action id; the block id is the fact field it edits.
INPUT_ACTION = "value"

# Block Kit limits of a modal (https://docs.slack.dev/reference/views).
MODAL_TITLE_MAX = 24
PRIVATE_METADATA_MAX = 3000
INPUT_MAX = 3000
HINT_MAX = 2000
ERROR_MAX = 150

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LIST_SPLIT = re.compile(r"[,\n]")
_ID_SPLIT = re.compile(r"[\s,]+")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
#: ``runtime edit of 'x': [fact x] `` before a problem: where, which the moderator already knows.
_LOCATION = re.compile(r"^[^\[\n]*\[fact [^\]]*\]\s*")

#: ``(field, label, multiline, required, hint)`` in the order of the form.
_FIELDS: tuple[tuple[str, str, bool, bool, str], ...] = (
    ("id", "Id", False, True, "Lowercase letters, digits and hyphens, e.g. opening-hours. It cannot change later."),
    ("title", "Title", False, True, "One line that states the fact."),
    ("answer", "Answer", True, True, "What members are told, as stated by the source."),
    ("questions", "Questions", True, True, "One question per line: the ways members ask for this fact."),
    ("topic", "Topic", False, True, ""),
    ("tags", "Tags", False, False, "Comma-separated."),
    ("keywords", "Keywords", False, False, "Comma-separated names, numbers or organisations that identify this fact."),
    ("sources", "Sources", True, True, "One source per line: Publisher | Article | Section | https://link | YYYY-MM-DD "
     "(only publisher and article are required)."),
    ("related", "Related fact ids", False, False, "Ids of facts to offer next, separated by commas or spaces."),
)
FORM_FIELDS = tuple(name for name, *_ in _FIELDS)
#: The edit form: every field but the id, which names the fact and never changes.
EDIT_FIELDS = tuple(name for name in FORM_FIELDS if name != "id")
_MAX_LENGTH = {"id": 64, "title": TITLE_MAX_CHARS, "answer": ANSWER_MAX_CHARS}


def _input_block(field: str, label: str, multiline: bool, required: bool, hint: str, initial: str) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": INPUT_ACTION,
        "multiline": multiline,
        "max_length": _MAX_LENGTH.get(field, INPUT_MAX),
    }
    if initial:
        element["initial_value"] = initial[:INPUT_MAX]
    block: dict[str, Any] = {
        "type": "input",
        "block_id": field,
        "label": plain(label, 2000),
        "optional": not required,
        "element": element,
    }
    if hint:
        block["hint"] = plain(hint, HINT_MAX)
    return block


def _source_line(source: Mapping[str, Any]) -> str:
    parts = [source.get(key) for key in ("publisher", "article", "section", "url", "date")]
    return " | ".join(str(part) for part in parts if part)


def form_values(fact: Fact) -> dict[str, str]:
    """The text of each input for editing ``fact``."""
    data = fact.model_dump(mode="json")
    return {
        "id": fact.id,
        "title": fact.title,
        "answer": fact.answer,
        "questions": "\n".join(fact.questions),
        "topic": fact.topic,
        "tags": ", ".join(fact.tags),
        "keywords": ", ".join(fact.keywords),
        "sources": "\n".join(_source_line(source) for source in data["sources"]),
        "related": ", ".join(fact.related),
    }


def fact_modal(metadata: Mapping[str, Any], *, fact: Fact | None = None, topics: Iterable[str] = ()) -> dict[str, Any]:
    """The modal to add a fact (``fact`` is ``None``) or edit one; ``metadata`` travels with it."""
    values = form_values(fact) if fact else {}
    topic_hint = "Existing topics: " + "; ".join(topics) if topics else "A short name that groups facts."
    blocks: list[dict[str, Any]] = []
    if fact is not None:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"Editing fact `{fact.id}`"}]})
    for field, label, multiline, required, hint in _FIELDS:
        if fact is not None and field not in EDIT_FIELDS:
            continue  # the id names the fact; it is shown above, never edited
        hint = topic_hint if field == "topic" else hint
        blocks.append(_input_block(field, label, multiline, required, hint, values.get(field, "")))
    private_metadata = json.dumps(dict(metadata), separators=(",", ":"))
    if len(private_metadata) > PRIVATE_METADATA_MAX:
        raise ValueError("modal metadata is larger than Slack allows")
    return {
        "type": "modal",
        "callback_id": CALLBACK_EDIT if fact else CALLBACK_ADD,
        "private_metadata": private_metadata,
        "title": plain("Edit a fact" if fact else "Add a fact", MODAL_TITLE_MAX),
        "submit": plain("Save", MODAL_TITLE_MAX),
        "close": plain("Cancel", MODAL_TITLE_MAX),
        "blocks": blocks,
    }


def _items(text: str, splitter: re.Pattern[str]) -> list[str]:
    return [item.strip() for item in splitter.split(text) if item.strip()]


def _parse_source(line: str) -> dict[str, str]:
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


def read_form(values: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> dict[str, Any]:
    """The fact mapping a submitted form describes (``view.state.values``); absent fields are left out."""
    text = {block: (inputs.get(INPUT_ACTION) or {}).get("value") or "" for block, inputs in values.items()}
    data: dict[str, Any] = {}
    for field in ("id", "title", "answer", "topic"):
        if text.get(field, "").strip():
            data[field] = text[field].strip()
    if "questions" in text:
        data["questions"] = [line.strip() for line in text["questions"].splitlines() if line.strip()]
    for field in ("tags", "keywords"):
        if field in text:
            data[field] = _items(text[field], _LIST_SPLIT)
    if "sources" in text:
        data["sources"] = [_parse_source(line) for line in text["sources"].splitlines() if line.strip()]
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


def _add(errors: dict[str, str], block: str, message: str) -> None:
    errors[block] = truncate(f"{errors[block]}; {message}" if block in errors else message, ERROR_MAX)


def form_errors(data: Mapping[str, Any], *, blocks: Sequence[str] = FORM_FIELDS) -> dict[str, str]:
    """Errors of ``data`` against the fact schema, by the form block they belong to (empty: valid)."""
    try:
        Fact.model_validate(dict(data))
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            _add(errors, field if field in blocks else blocks[0], _error_text(error))
        return errors
    return {}


def problem_errors(problems: Iterable[str], *, blocks: Sequence[str] = FORM_FIELDS) -> dict[str, str]:
    """Problems reported by the core (duplicate id, unknown related id…), placed under their field.

    A problem goes under the field it names first (quoted values, such as ids, are not read as
    names); one that names no field of the form goes under the first field.
    """
    errors: dict[str, str] = {}
    for problem in problems:
        text = _LOCATION.sub("", str(problem))
        words = _QUOTED.sub(" ", text.casefold())
        found = [(m.start(), m.group(0)) for m in re.finditer(r"[a-z_]+", words) if m.group(0) in blocks]
        _add(errors, min(found)[1] if found else blocks[0], text)
    return errors
