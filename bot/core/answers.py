"""From ranked candidates to one of three outcomes: answer, answer with suggestions, or abstain.

An abstention says why: nothing close enough, or (``missing_detail``) a close fact that does not
state the detail asked for ("who heads it", "the exact day"), which is then offered as a
suggestion rather than presented as the answer. Confidence thresholds were calibrated on the
evaluation set in ``tests/eval`` (see the README).
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
import time
from collections.abc import Sequence
from typing import Any

from bot.core.knowledge.model import KnowledgeBase
from bot.core.knowledge.schema import Fact
from bot.core.matching.fusion import Candidate, Understanding

#: At or above this confidence the best fact is given as the answer.
ANSWER_THRESHOLD = 56.0
#: Another fact within this many points of the answer is offered as "did you mean".
SUGGEST_MARGIN = 12.0
#: Nothing below this confidence is ever suggested.
SUGGEST_FLOOR = 45.0
MAX_SUGGESTIONS = 3


#: What every front end says when the closest fact does not state the detail asked for.
DETAIL_NOT_HELD = "The knowledge base does not hold that detail"


def detail_not_held(answer: Answer) -> str:
    """The plain sentence for an abstention on a detail: "The knowledge base does not hold that
    detail (who)." (the same words on every platform)."""
    return f"{DETAIL_NOT_HELD} ({answer.missing_detail})." if answer.missing_detail else ""


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
    #: Set when abstaining because the closest fact (the first suggestion) does not state the
    #: detail the question asks for: how that detail is named ("who", "the exact day").
    missing_detail: str | None = None
    #: How the candidates were found: "lexical", "fused" (lexical and semantic) or "semantic".
    route: str = "lexical"
    #: The ranked candidates with the parts of their confidence, for explanation views.
    candidates: tuple[Candidate, ...] = ()
    #: The question as read from the message (greetings, filler and extra sentences removed).
    read_as: str | None = None

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


def _suggestion(candidate: Candidate) -> Suggestion:
    return Suggestion(candidate.fact.id, candidate.fact.title, candidate.confidence)


def _close(candidates: Sequence[Candidate], best: Candidate, limit: int) -> tuple[Suggestion, ...]:
    """The first ``limit`` of ``candidates`` within :data:`SUGGEST_MARGIN` points of ``best`` (and
    not below :data:`SUGGEST_FLOOR`), as suggestions."""
    floor = max(SUGGEST_FLOOR, best.confidence - SUGGEST_MARGIN)
    return tuple(_suggestion(c) for c in itertools.islice((c for c in candidates if c.confidence >= floor), limit))


def compose(question: str, understanding: Understanding, kb: KnowledgeBase, started: float | None = None) -> Answer:
    """Decide the outcome for ``question`` from the matcher's ``understanding`` of it. ``started``:
    when answering began (a :func:`time.perf_counter` reading), for the answer's ``latency_ms``."""
    topics = tuple(kb.topics)
    candidates = understanding.candidates
    best = understanding.best
    common = {
        "question": question,
        "topics": topics,
        "route": understanding.route,
        "candidates": candidates,
        "read_as": understanding.text,
    }
    if best is None or best.confidence < ANSWER_THRESHOLD:
        suggestions = tuple(_suggestion(c) for c in candidates[:MAX_SUGGESTIONS] if c.confidence >= SUGGEST_FLOOR)
        common.update(outcome=Outcome.ABSTAINED, score=best.confidence if best else 0.0, suggestions=suggestions)
    elif understanding.missing is not None:
        common.update(
            outcome=Outcome.ABSTAINED,
            score=best.confidence,
            suggestions=(_suggestion(best), *_close(candidates[1:], best, MAX_SUGGESTIONS - 1)),
            missing_detail=understanding.missing.label,
        )
    else:
        close = _close(candidates[1:], best, MAX_SUGGESTIONS)
        # A fact offered as "did you mean" is not listed under "related" too: every front end shows it once.
        offered = {s.fact_id for s in close}
        related = tuple(
            f for rid in best.fact.related if rid not in offered and (f := kb.get(rid)) is not None and not f.hidden
        )
        common.update(
            outcome=Outcome.SUGGESTED if close else Outcome.ANSWERED,
            score=best.confidence,
            fact=best.fact,
            suggestions=close,
            related=related,
            matched_phrasing=best.phrasing,
        )
    if started is not None:  # (set here: replacing one field of a finished answer costs more)
        common["latency_ms"] = (time.perf_counter() - started) * 1000.0
    return Answer(**common)
