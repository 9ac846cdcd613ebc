"""Runtime edits laid over the knowledge files, validated by the files' own schema."""

from __future__ import annotations

from bot.core.knowledge import load_knowledge
from bot.core.overlay import apply_overlay, is_settled, patch_for, validate
from bot.core.ports import OverlayEntry
from bot.settings import DEFAULT_KNOWLEDGE_DIR

KB = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
FACT = KB.facts[0]
NEW = {
    "id": "kosovo-olympics",
    "title": "Kosovo and the Olympics",
    "answer": "The IOC recognised Kosovo's Olympic Committee in 2014.",
    "questions": ["Is Kosovo in the Olympics?"],
    "topic": "International organisations",
    "sources": [{"publisher": "Test Gazette", "article": "Games"}],
}


def test_an_edit_stores_only_the_changed_fields_and_applies_over_the_files() -> None:
    edited = FACT.model_copy(update={"answer": "A shorter answer."})
    patch = patch_for(FACT, edited)
    assert patch == {"answer": "A shorter answer."}
    merged, problems = apply_overlay(KB, [OverlayEntry(FACT.id, patch, created=False)])
    assert problems == []
    assert merged.get(FACT.id).answer == "A shorter answer."
    assert merged.get(FACT.id).title == FACT.title
    assert len(merged.facts) == len(KB.facts)


def test_a_new_fact_is_stored_whole_and_added() -> None:
    fact, problems = validate(NEW, NEW["id"])
    assert problems == [] and fact is not None
    merged, problems = apply_overlay(KB, [OverlayEntry(fact.id, patch_for(None, fact), created=True)])
    assert problems == []
    assert merged.get("kosovo-olympics") == fact


def test_hidden_fact_leaves_the_visible_set() -> None:
    merged, _ = apply_overlay(KB, [OverlayEntry(FACT.id, {"hidden": True}, created=False)])
    assert merged.get(FACT.id).hidden
    assert FACT.id not in {f.id for f in merged.visible}


def test_invalid_data_is_rejected_with_the_schema_messages() -> None:
    fact, problems = validate({**NEW, "id": "Bad Id", "questions": [], "questoins": ["typo"]}, "Bad Id")
    assert fact is None
    text = "\n".join(problems)
    assert "unknown key 'questoins'" in text
    assert "questions" in text and "id" in text


def test_an_edit_that_no_longer_applies_is_skipped_and_reported() -> None:
    orphan = OverlayEntry("not-in-the-files", {"answer": "x"}, created=False)
    broken = OverlayEntry(FACT.id, {"questions": []}, created=False)
    merged, problems = apply_overlay(KB, [orphan, broken])
    assert merged.get(FACT.id) == FACT
    assert merged.get("not-in-the-files") is None
    assert len(problems) == 2
    assert "no longer in the knowledge files" in problems[0]


def test_an_edit_is_settled_once_the_files_say_the_same() -> None:
    entry = OverlayEntry(FACT.id, {"answer": FACT.answer}, created=False)
    assert is_settled(KB, entry)
    assert not is_settled(KB, OverlayEntry(FACT.id, {"answer": "different"}, created=False))
    assert not is_settled(KB, OverlayEntry("kosovo-olympics", NEW, created=True))
