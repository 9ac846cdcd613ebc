"""Runtime edits as an overlay on the knowledge files.

The knowledge files stay the reviewed source of truth; moderators' edits live in storage as
:class:`~bot.core.ports.OverlayEntry` records and are laid over the loaded files here. Every fact that
comes out is validated by the same :class:`~bot.core.knowledge.Fact` schema as the files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.knowledge import Fact, KnowledgeBase, Problem, validate_fact

#: What ``edit`` may change. ``id`` never changes; ``hidden`` has its own use-case (hide/unhide).
EDITABLE_FIELDS = ("title", "summary", "answer", "questions", "topic", "tags", "keywords", "sources", "related")


def document(fact: Fact) -> dict[str, Any]:
    """The fact as plain JSON-compatible data (what the overlay stores)."""
    return fact.model_dump(mode="json")


def label(fact_id: str) -> str:
    """Where a runtime edit's problems are reported."""
    return f"runtime edit of {fact_id!r}"


def validate(data: Any, fact_id: str) -> tuple[Fact | None, list[str]]:
    """Validate one fact exactly as a knowledge file's fact is validated."""
    problems: list[Problem] = []
    fact = validate_fact(data, label(fact_id), problems)
    return fact, [str(p) for p in problems]


def patch_for(base: Fact | None, new: Fact) -> dict[str, Any]:
    """What the overlay must hold to turn ``base`` into ``new`` (the whole fact when there is no base)."""
    new_doc = document(new)
    if base is None:
        return new_doc
    base_doc = document(base)
    return {key: value for key, value in new_doc.items() if base_doc.get(key) != value}


def merge(base: Fact | None, entry_patch: Mapping[str, Any]) -> dict[str, Any]:
    return {**document(base), **entry_patch} if base is not None else dict(entry_patch)


def apply_overlay(base: KnowledgeBase, entries: Sequence[Any]) -> tuple[KnowledgeBase, list[str]]:
    """The knowledge base with ``entries`` applied, and the problems of entries that had to be skipped.

    An entry that no longer validates on top of the current files (say a field was renamed, or the
    fact it edits was removed from the files) is skipped and reported; the rest still apply.
    """
    facts: dict[str, Fact] = dict(base.by_id)
    problems: list[str] = []
    for entry in entries:
        original = base.get(entry.fact_id)
        if original is None and not entry.created:
            problems.append(
                f"{label(entry.fact_id)}: the fact is no longer in the knowledge files; the edit is not applied"
            )
            continue
        fact, found = validate(merge(original, entry.patch), entry.fact_id)
        if fact is None:
            problems.extend(f"{p} (the edit is not applied)" for p in found)
            continue
        if fact.id != entry.fact_id:
            problems.append(f"{label(entry.fact_id)}: the edit changes the id to {fact.id!r}; not applied")
            continue
        facts[fact.id] = fact
    for fact in facts.values():
        missing = [rid for rid in fact.related if rid not in facts]
        if missing and (fact.id not in base.by_id or fact is not base.by_id[fact.id]):
            problems.append(f"{label(fact.id)}: related id(s) {', '.join(map(repr, missing))} do not exist")
    merged = KnowledgeBase(facts=tuple(facts.values()), synonyms=base.synonyms, source=base.source)
    return merged, problems


def is_settled(base: KnowledgeBase, entry: Any) -> bool:
    """Whether the knowledge files now say what the entry says (it was exported and committed)."""
    original = base.get(entry.fact_id)
    if original is None:
        return False
    current = document(original)
    return all(current.get(key) == value for key, value in entry.patch.items())
