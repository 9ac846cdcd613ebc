"""The curation queue: questions the bot could not answer well, near-duplicates grouped together.

Members ask the same missing question in many ways ("does china recognise kosovo",
"Does China recognize Kosovo?"). Grouping them shows curators what is asked most, so the first
group in the queue is the fact most worth writing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process, utils

from bot.core.ports import UnansweredRow

#: ``token_sort_ratio`` at or above which two questions are the same question in other words.
#: 80 joins spelling and word-order variants ("does china recognise kosovo" / "...recognize kosovo?",
#: 96) and keeps apart questions about another subject ("...china recognise..." / "...russia...", 76).
GROUP_CUTOFF = 80.0
#: Most distinct questions grouped at once (the most recent ones); bounds the n x n score matrix.
MAX_DISTINCT = 4000
MAX_EXAMPLES = 3


@dataclasses.dataclass(frozen=True, slots=True)
class UnansweredGroup:
    """Questions asked in other words: ``question`` is the most frequent wording."""

    question: str
    count: int
    examples: list[str]  # other wordings, most frequent first
    last_asked: dt.datetime
    not_helpful: int = 0  # how many of ``count`` were answered but marked not helpful


@dataclasses.dataclass(slots=True)
class _Bucket:
    wordings: Counter[str]
    count: int = 0
    not_helpful: int = 0
    last_asked: dt.datetime | None = None

    def add(self, row: UnansweredRow) -> None:
        self.wordings[row.question.strip()] += 1
        self.count += 1
        self.not_helpful += row.reason == "not helpful"
        if self.last_asked is None or row.asked_at > self.last_asked:
            self.last_asked = row.asked_at


def group_unanswered(rows: Sequence[UnansweredRow], limit: int = 10) -> list[UnansweredGroup]:
    """Group ``rows`` by similarity; the most asked groups first (ties: the most recent first)."""
    buckets: dict[str, _Bucket] = {}
    for row in sorted(rows, key=lambda r: r.asked_at, reverse=True):
        key = utils.default_process(row.question)
        if not key:
            continue
        if key not in buckets:
            if len(buckets) >= MAX_DISTINCT:
                continue
            buckets[key] = _Bucket(Counter())
        buckets[key].add(row)
    if not buckets:
        return []

    keys = sorted(buckets, key=lambda k: (-buckets[k].count, -buckets[k].last_asked.timestamp()))
    # Keys are already normalised with default_process, so the scorer gets them as they are.
    scores = process.cdist(
        keys, keys, scorer=fuzz.token_sort_ratio, processor=None, score_cutoff=GROUP_CUTOFF, dtype=np.uint8
    )
    assigned = np.zeros(len(keys), dtype=bool)
    groups: list[UnansweredGroup] = []
    for leader in range(len(keys)):
        if assigned[leader]:
            continue
        members = [i for i in np.flatnonzero(scores[leader] >= GROUP_CUTOFF) if not assigned[i]]
        assigned[members] = True
        merged = _Bucket(Counter())
        for i in members:
            bucket = buckets[keys[i]]
            merged.wordings.update(bucket.wordings)
            merged.count += bucket.count
            merged.not_helpful += bucket.not_helpful
            if merged.last_asked is None or bucket.last_asked > merged.last_asked:
                merged.last_asked = bucket.last_asked
        wordings = [text for text, _ in merged.wordings.most_common()]
        groups.append(
            UnansweredGroup(
                question=wordings[0],
                count=merged.count,
                examples=wordings[1 : 1 + MAX_EXAMPLES],
                last_asked=merged.last_asked,
                not_helpful=merged.not_helpful,
            )
        )
    groups.sort(key=lambda g: (-g.count, -g.last_asked.timestamp()))
    return groups[:limit]
