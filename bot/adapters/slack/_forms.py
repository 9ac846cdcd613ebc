"""The fact form of ``/kb add`` and ``/kb edit``: a Slack modal in, a fact mapping out.

The form is checked with the same :class:`~bot.core.knowledge.schema.Fact` schema as the knowledge
files, and every problem is shown under the field it belongs to (Slack's ``response_action:
errors``), so a moderator fixes the form instead of reading a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.adapters.slack._blocks import plain
from bot.adapters.slack._text import truncate
from bot.core.factform import (
    EDIT_FIELD_NAMES,
    FIELD_NAMES,
    FIELDS,
    field_errors,
    form_values,
    parse_form,
    place_problems,
)
from bot.core.knowledge.schema import Fact

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

_FIELDS: tuple[tuple[str, str, bool, bool, str], ...] = tuple(
    (f.name, f.label, f.multiline, f.required, f.hint) for f in FIELDS
)
FORM_FIELDS = FIELD_NAMES
#: The edit form: every field but the id, which names the fact and never changes.
EDIT_FIELDS = EDIT_FIELD_NAMES
_MAX_LENGTH = {f.name: f.max_length for f in FIELDS if f.name in {"id", "title", "answer"} and f.max_length}


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


def read_form(values: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> dict[str, Any]:
    """The fact mapping a submitted form describes (``view.state.values``); absent fields are left out."""
    return parse_form({block: (inputs.get(INPUT_ACTION) or {}).get("value") or "" for block, inputs in values.items()})


def _joined(errors: Mapping[str, list[str]]) -> dict[str, str]:
    """Slack shows one error text per block, of at most 150 characters."""
    return {block: truncate("; ".join(messages), ERROR_MAX) for block, messages in errors.items()}


def form_errors(data: Mapping[str, Any], *, blocks: Sequence[str] = FORM_FIELDS) -> dict[str, str]:
    """Errors of ``data`` against the fact schema, by the form block they belong to (empty: valid)."""
    return _joined(field_errors(data, blocks))


def problem_errors(problems: Iterable[str], *, blocks: Sequence[str] = FORM_FIELDS) -> dict[str, str]:
    """Problems reported by the core (duplicate id, unknown related id…), placed under their field."""
    return _joined(place_problems(problems, blocks))
