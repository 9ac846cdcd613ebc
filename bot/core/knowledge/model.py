"""The loaded knowledge base: facts by id, topics, synonyms."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING

from bot.core.knowledge.schema import Fact

if TYPE_CHECKING:
    from bot.core.knowledge.loader import Problem


@dataclasses.dataclass(frozen=True, slots=True)
class SynonymTable:
    """Aliases (``groups``: the first term of each is the canonical one, which replaces the others)
    and related terms (``related``: read as the group's first term, at a lower similarity, only
    where the index does not know them)."""

    groups: list[list[str]] = dataclasses.field(default_factory=list)
    related: list[list[str]] = dataclasses.field(default_factory=list)

    def pairs(self) -> Iterable[tuple[str, str]]:
        """``(variant, canonical)`` for every variant, canonical included."""
        for group in self.groups:
            canonical = group[0]
            for term in group:
                yield term, canonical


@dataclasses.dataclass(frozen=True)
class KnowledgeBase:
    """An immutable, validated set of facts. Swap the whole object to change knowledge."""

    facts: tuple[Fact, ...]
    synonyms: SynonymTable = dataclasses.field(default_factory=SynonymTable)
    source: str = ""
    #: What loading noticed without refusing the files (a file outside the directory).
    warnings: tuple[Problem, ...] = dataclasses.field(default=(), compare=False)

    @cached_property
    def by_id(self) -> Mapping[str, Fact]:
        return {fact.id: fact for fact in self.facts}

    @cached_property
    def visible(self) -> tuple[Fact, ...]:
        """The facts members can be answered with (hidden ones are kept for moderators)."""
        return tuple(fact for fact in self.facts if not fact.hidden)

    @cached_property
    def topics(self) -> dict[str, list[Fact]]:
        """Visible facts grouped by topic, topics in order of first appearance."""
        grouped: dict[str, list[Fact]] = {}
        for fact in self.visible:
            grouped.setdefault(fact.topic, []).append(fact)
        return grouped

    def get(self, fact_id: str) -> Fact | None:
        return self.by_id.get(fact_id)

    def with_facts(self, facts: Iterable[Fact]) -> KnowledgeBase:
        """A new knowledge base with ``facts`` added or replacing those with the same id."""
        merged = dict(self.by_id)
        for fact in facts:
            merged[fact.id] = fact
        return KnowledgeBase(facts=tuple(merged.values()), synonyms=self.synonyms, source=self.source)
