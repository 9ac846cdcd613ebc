"""What a change of the knowledge would do to the questions members really asked.

Before a moderator saves a change, the questions of the recent past are asked again against the
knowledge as it would be after the change, in a scratch index; every question whose outcome
changes is listed: newly answered, answered by another fact, no longer answered. A change that
takes questions another fact answers today says so (:attr:`Impact.taken_from`).

Building the scratch index and re-asking take a while for a large log, so callers run
:func:`compare` in a worker thread, never on the event loop.
"""

from __future__ import annotations

import dataclasses
import time
import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.core.knowledge import KnowledgeBase
from bot.core.ports import AskedQuestion

if TYPE_CHECKING:
    from bot.core.service import KnowledgeState

#: Outcomes of the served knowledge, kept per state: a second preview re-asks only the scratch index.
_served_outcomes: weakref.WeakKeyDictionary[KnowledgeState, dict[str, tuple[str | None, float]]] = (
    weakref.WeakKeyDictionary()
)

NEWLY_ANSWERED = "newly answered"
ANSWERED_BY_ANOTHER = "answered by another fact"
NO_LONGER_ANSWERED = "no longer answered"


@dataclasses.dataclass(frozen=True, slots=True)
class OutcomeChange:
    """One question whose answer would change; ``None`` facts are abstentions."""

    question: str
    count: int  # times it was asked in the period
    before: str | None
    before_score: float
    after: str | None
    after_score: float

    @property
    def kind(self) -> str:
        if self.before is None:
            return NEWLY_ANSWERED
        return NO_LONGER_ANSWERED if self.after is None else ANSWERED_BY_ANOTHER


@dataclasses.dataclass(frozen=True, slots=True)
class Impact:
    """Every change of outcome over the questions asked in the last ``days`` days."""

    fact_id: str  # the fact the change is about
    days: int
    distinct_questions: int
    asked: int  # questions asked in all, repeats included
    changes: tuple[OutcomeChange, ...]
    seconds: float = 0.0

    def of_kind(self, kind: str) -> list[OutcomeChange]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def newly_answered(self) -> list[OutcomeChange]:
        return self.of_kind(NEWLY_ANSWERED)

    @property
    def answered_by_another(self) -> list[OutcomeChange]:
        return self.of_kind(ANSWERED_BY_ANOTHER)

    @property
    def no_longer_answered(self) -> list[OutcomeChange]:
        return self.of_kind(NO_LONGER_ANSWERED)

    @property
    def taken_from(self) -> dict[str, int]:
        """Facts that answer questions today which the changed fact would answer instead: times asked."""
        taken: dict[str, int] = {}
        for change in self.answered_by_another:
            if change.after == self.fact_id and change.before is not None and change.before != self.fact_id:
                taken[change.before] = taken.get(change.before, 0) + change.count
        return dict(sorted(taken.items(), key=lambda item: (-item[1], item[0])))


def _outcome(state: KnowledgeState, question: str) -> tuple[str | None, float]:
    answer = state.answer(question)
    return (answer.fact.id if answer.fact else None), answer.score


def compare(
    served: KnowledgeState, after: KnowledgeBase, questions: Sequence[AskedQuestion], fact_id: str, days: int
) -> Impact:
    """Ask ``questions`` of ``served`` and of a scratch index of ``after``; the outcomes that differ."""
    from bot.core.service import KnowledgeState

    started = time.perf_counter()
    # Read as the served state reads (its semantic stage too: only the changed phrasings embed),
    # so a change in outcome is the edit's, not the stage's.
    scratch = served.successor(after) if served.runtime is not None else KnowledgeState(after)
    known = _served_outcomes.setdefault(served, {})
    changes: list[OutcomeChange] = []
    for asked in questions:
        before = known.get(asked.question)
        if before is None:
            before = known[asked.question] = _outcome(served, asked.question)
        now = _outcome(scratch, asked.question)
        if now[0] != before[0]:
            changes.append(OutcomeChange(asked.question, asked.count, before[0], before[1], now[0], now[1]))
    changes.sort(key=lambda c: (-c.count, c.question))
    return Impact(
        fact_id=fact_id,
        days=days,
        distinct_questions=len(questions),
        asked=sum(q.count for q in questions),
        changes=tuple(changes),
        seconds=time.perf_counter() - started,
    )
