"""From search hits to one of three outcomes: answer, answer with suggestions, or abstain.

Confidence thresholds were calibrated on the evaluation set in ``tests/eval`` (see the README).
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

from bot.core.knowledge.model import KnowledgeBase
from bot.core.knowledge.schema import Fact
from bot.core.matching.index import SearchResult

#: At or above this confidence the best fact is given as the answer.
ANSWER_THRESHOLD = 56.0
#: Another fact within this many points of the answer is offered as "did you mean".
SUGGEST_MARGIN = 12.0
#: Nothing below this confidence is ever suggested.
SUGGEST_FLOOR = 45.0
MAX_SUGGESTIONS = 3


def confidence_label(score: float) -> str:
    """How sure the bot is, in words and figures, the same on every platform: "high (91/100)"."""
    if score >= 85:
        return f"high ({score:.0f}/100)"
    if score >= 70:
        return f"good ({score:.0f}/100)"
    return f"fair ({score:.0f}/100)"


class Outcome(enum.StrEnum):
    ANSWERED = "answered"
    SUGGESTED = "suggested"  # answered, with other close facts offered
    ABSTAINED = "abstained"


@dataclasses.dataclass(frozen=True, slots=True)
class Suggestion:
    fact_id: str
    title: str
    score: float

    def to_json(self) -> dict[str, Any]:
        return {"fact_id": self.fact_id, "title": self.title, "score": self.score}


@dataclasses.dataclass(frozen=True, slots=True)
class Answer:
    """What the bot says to one question, whatever the platform."""

    question: str
    outcome: Outcome
    score: float  # 0-100, confidence in ``fact`` (or in the best candidate when abstaining)
    fact: Fact | None = None
    suggestions: tuple[Suggestion, ...] = ()
    related: tuple[Fact, ...] = ()
    topics: tuple[str, ...] = ()  # what the bot knows about, for the abstain message
    matched_phrasing: str | None = None
    log_id: str | None = None  # the question log entry, for feedback
    latency_ms: float = 0.0

    @property
    def answered(self) -> bool:
        return self.fact is not None

    def to_json(self) -> dict[str, Any]:
        fact = self.fact
        return {
            "question": self.question,
            "answered": self.answered,
            "outcome": self.outcome.value,
            "fact_id": fact.id if fact else None,
            "title": fact.title if fact else None,
            "summary": fact.summary if fact else None,
            "answer": fact.answer if fact else None,
            "topic": fact.topic if fact else None,
            "score": self.score,
            "sources": [s.model_dump(mode="json", exclude_none=True) for s in fact.sources] if fact else [],
            "suggestions": [s.to_json() for s in self.suggestions],
            "related": [{"fact_id": r.id, "title": r.title} for r in self.related],
        }


def compose(question: str, result: SearchResult, kb: KnowledgeBase) -> Answer:
    """Decide the outcome for ``question`` from the index's ``result``."""
    topics = tuple(kb.topics)
    best = result.best
    if best is None or best.confidence < ANSWER_THRESHOLD:
        suggestions = tuple(
            Suggestion(h.fact.id, h.fact.title, h.confidence)
            for h in result.hits[:MAX_SUGGESTIONS]
            if h.confidence >= SUGGEST_FLOOR
        )
        return Answer(
            question=question,
            outcome=Outcome.ABSTAINED,
            score=best.confidence if best else 0.0,
            suggestions=suggestions,
            topics=topics,
        )
    close = tuple(
        Suggestion(h.fact.id, h.fact.title, h.confidence)
        for h in result.hits[1:]
        if h.confidence >= max(SUGGEST_FLOOR, best.confidence - SUGGEST_MARGIN)
    )[:MAX_SUGGESTIONS]
    # A fact offered as "did you mean" is not listed under "related" too: every front end shows it once.
    offered = {s.fact_id for s in close}
    related = tuple(
        f for rid in best.fact.related if rid not in offered and (f := kb.get(rid)) is not None and not f.hidden
    )
    return Answer(
        question=question,
        outcome=Outcome.SUGGESTED if close else Outcome.ANSWERED,
        score=best.confidence,
        fact=best.fact,
        suggestions=close,
        related=related,
        topics=topics,
        matched_phrasing=best.phrasing,
    )
