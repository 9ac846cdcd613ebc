"""Why the bot answers a question as it does: the moderators' "try it".

:func:`explain` asks a question of the served knowledge and returns what the index saw: each word
with its weight and any typo correction, and for each candidate fact the parts of its confidence
(coverage, similarity), the query words it contains, each penalty, and the semantic similarity when
a semantic stage computed one. Front ends render it; nothing here decides anything new.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from bot.core.answers import ANSWER_THRESHOLD, SUGGEST_FLOOR, SUGGEST_MARGIN, Answer

if TYPE_CHECKING:
    from bot.core.service import KnowledgeState

#: Candidates shown.
CANDIDATES = 8


@dataclasses.dataclass(frozen=True, slots=True)
class WordExplanation:
    word: str  # as typed (folded, after synonyms)
    weight: float
    known: bool  # whether any fact uses it
    similarity: float  # 1.0 exact; less for a typo correction
    corrected_to: str | None  # the index word a typo or a prefix was read as


@dataclasses.dataclass(frozen=True, slots=True)
class CandidateExplanation:
    fact_id: str
    title: str
    confidence: float
    fact_coverage: float  # 0-1
    phrase_coverage: float  # 0-1
    similarity: float  # 0-100
    closeness: float  # 0-100
    phrasing: str  # the fact's closest phrasing
    matched: tuple[str, ...]  # the question's words the fact contains
    penalties: tuple[tuple[str, float], ...]
    semantic: float | None  # None: no semantic stage ran


@dataclasses.dataclass(frozen=True, slots=True)
class Explanation:
    question: str
    answer: Answer
    words: tuple[WordExplanation, ...]
    candidates: tuple[CandidateExplanation, ...]
    answer_threshold: float = ANSWER_THRESHOLD
    suggest_margin: float = SUGGEST_MARGIN
    suggest_floor: float = SUGGEST_FLOOR

    @property
    def semantic_stage(self) -> bool:
        """Whether a semantic stage scored the candidates."""
        return any(c.semantic is not None for c in self.candidates)


def explain(state: KnowledgeState, question: str, limit: int = CANDIDATES) -> Explanation:
    index = state.index
    answer = state.answer(question)  # exactly what a member would be told (blocking if it embeds)
    # The index's view of the question as the matcher read it out of the message; the decision's
    # confidence and the semantic similarity come from the answer's candidates.
    result = index.search(answer.read_as or question, limit=max(limit, 5))
    fused = {c.fact.id: c for c in answer.candidates}
    words = tuple(
        WordExplanation(t.word, t.weight, t.term is not None, t.similarity, t.matched) for t in result.terms
    )
    candidates = tuple(
        CandidateExplanation(
            fact_id=hit.fact.id,
            title=hit.fact.title,
            confidence=fused[hit.fact.id].confidence if hit.fact.id in fused else hit.confidence,
            fact_coverage=hit.fact_coverage,
            phrase_coverage=hit.phrase_coverage,
            similarity=hit.similarity,
            closeness=hit.closeness,
            phrasing=hit.phrasing,
            matched=tuple(t.word for t in index.matched_terms(hit.fact.id, result.terms)),
            penalties=hit.penalties,
            semantic=fused[hit.fact.id].semantic if hit.fact.id in fused else hit.semantic,
        )
        for hit in result.hits[:limit]
    )
    return Explanation(question, answer, words, candidates)
