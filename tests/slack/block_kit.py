"""An independent check of Block Kit's limits, applied to everything the app sends.

The numbers are Slack's documented limits, written out here rather than imported from the
product, so a wrong constant in the product cannot make its own check pass. slack_sdk's models
validate what they know on top.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

LIMITS = {
    "message_blocks": 50,
    "modal_blocks": 100,
    "header": 150,
    "section": 3000,
    "context_elements": 10,
    "actions_elements": 25,
    "button_text": 75,
    "button_value": 2000,
    "action_id": 255,
    "block_id": 255,
    "text_object": 3000,
    "modal_title": 24,
    "private_metadata": 3000,
    "input_label": 2000,
    "input_hint": 2000,
    "initial_value": 3000,
}


def _check_block(block: dict[str, Any]) -> None:
    kind = block["type"]
    assert len(block.get("block_id", "")) <= LIMITS["block_id"]
    if kind == "header":
        assert block["text"]["type"] == "plain_text"
        assert 0 < len(block["text"]["text"]) <= LIMITS["header"], block
    elif kind == "section":
        assert 0 < len(block["text"]["text"]) <= LIMITS["section"], len(block["text"]["text"])
    elif kind == "context":
        assert 0 < len(block["elements"]) <= LIMITS["context_elements"]
        for element in block["elements"]:
            assert 0 < len(element["text"]) <= LIMITS["text_object"]
    elif kind == "actions":
        elements = block["elements"]
        assert 0 < len(elements) <= LIMITS["actions_elements"]
        ids = Counter(e["action_id"] for e in elements)
        assert max(ids.values()) == 1, f"duplicate action ids in a block: {ids}"
        for element in elements:
            assert len(element["action_id"]) <= LIMITS["action_id"]
            if element["type"] == "button":
                assert 0 < len(element["text"]["text"]) <= LIMITS["button_text"], element["text"]
                assert len(element.get("value", "")) <= LIMITS["button_value"]
    elif kind == "input":
        assert len(block["label"]["text"]) <= LIMITS["input_label"]
        assert len(block.get("hint", {}).get("text", "")) <= LIMITS["input_hint"]
        assert len(block["element"].get("initial_value", "")) <= LIMITS["initial_value"]
        assert block["element"].get("max_length", 0) <= LIMITS["initial_value"]
    Block.parse(block).validate_json()


def _unique_block_ids(blocks: list[dict[str, Any]]) -> None:
    ids = Counter(b["block_id"] for b in blocks if "block_id" in b)
    assert not ids or max(ids.values()) == 1, f"duplicate block ids: {ids}"


def check_message(blocks: list[dict[str, Any]]) -> None:
    assert len(blocks) <= LIMITS["message_blocks"]
    _unique_block_ids(blocks)
    for block in blocks:
        _check_block(block)


def check_view(view: dict[str, Any]) -> None:
    assert len(view["blocks"]) <= LIMITS["modal_blocks"]
    assert len(view["title"]["text"]) <= LIMITS["modal_title"]
    assert len(view.get("private_metadata", "")) <= LIMITS["private_metadata"]
    _unique_block_ids(view["blocks"])
    for block in view["blocks"]:
        _check_block(block)
    View(**view).validate_json()
