"""The application service: the one object every front end talks to.

Front ends (console, Discord, Slack, CLI) turn their input into calls on :class:`FactBot` and render
what comes back. The same question therefore gets the same answer everywhere.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from pathlib import Path

from bot.core.answers import Answer, compose
from bot.core.knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from bot.core.knowledge.schema import Fact
from bot.core.matching import Normaliser, QuestionIndex

log = logging.getLogger(__name__)

#: Discord's autocomplete allows 25 choices of at most 100 characters.
AUTOCOMPLETE_LIMIT = 25


@dataclasses.dataclass(frozen=True, slots=True)
class AskContext:
    """Where a question came from. ``user`` is the raw platform id; only a keyed hash is stored."""

    platform: str = "console"
    community: str | None = None
    channel: str | None = None
    user: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Choice:
    """An autocomplete choice: a phrasing from the index and the fact it leads to."""

    label: str
    fact_id: str


class KnowledgeState:
    """A knowledge base and its index, built together and swapped together."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.index = QuestionIndex(kb.visible, Normaliser(kb.synonyms.pairs()))

    def answer(self, question: str) -> Answer:
        started = time.perf_counter()
        answer = compose(question, self.index.search(question), self.kb)
        return dataclasses.replace(answer, latency_ms=(time.perf_counter() - started) * 1000.0)

    def autocomplete(self, text: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[Choice]:
        if not text.strip():
            return [Choice(fact.questions[0], fact.id) for fact in self.kb.visible[:limit]]
        result = self.index.search(text, limit=limit, prefix=True)
        return [Choice(hit.phrasing, hit.fact.id) for hit in result.hits if hit.confidence > 0]


def load_state(directory: Path) -> KnowledgeState:
    """Load, validate and index a knowledge directory (raises :class:`KnowledgeError`)."""
    return KnowledgeState(load_knowledge(directory))


class FactBot:
    """Answers questions from the current knowledge; moderation use-cases change that knowledge."""

    def __init__(self, knowledge_dir: Path, state: KnowledgeState | None = None) -> None:
        self.knowledge_dir = Path(knowledge_dir)
        self._state = state or load_state(self.knowledge_dir)
        self._lock = asyncio.Lock()

    @property
    def state(self) -> KnowledgeState:
        return self._state

    @property
    def knowledge(self) -> KnowledgeBase:
        return self._state.kb

    def fact(self, fact_id: str) -> Fact | None:
        return self._state.kb.get(fact_id)

    def topics(self) -> dict[str, list[Fact]]:
        return self._state.kb.topics

    def answer(self, question: str) -> Answer:
        """Answer without logging (used by ``factbot ask``)."""
        return self._state.answer(question)

    def autocomplete(self, text: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[Choice]:
        return self._state.autocomplete(text, limit)

    async def ask(self, question: str, context: AskContext) -> Answer:
        """Answer a member's question."""
        return self._state.answer(question)

    def swap(self, state: KnowledgeState) -> None:
        self._state = state


__all__ = ["AskContext", "Choice", "FactBot", "KnowledgeError", "KnowledgeState", "load_state"]
