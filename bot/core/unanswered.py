"""The curation queue: questions the bot could not answer well, near-duplicates grouped together.

Members ask the same missing question in many ways ("does china recognise kosovo",
"Does China recognize Kosovo?"). Grouping them shows curators what is asked most, so the first
group in the queue is the fact most worth writing.

:func:`group_unanswered` is the one place that decides what belongs together; every front end
(``/kb unanswered``, ``factbot kb unanswered``, the dashboard's inbox) shows its groups. Wordings a
moderator dismissed, or taught to a fact, are left out first (:func:`without_marked`).

Spelling and word-order variants are joined by rapidfuzz. With an encoder, questions in other
words are joined too ("who heads the chinese mission in pristina" / "who is in charge of china's
office in prishtina"): their embeddings are at least :data:`SEMANTIC_CUTOFF` alike and neither
names a subject the other does not (the model finds "does china recognise kosovo" and "does
russia recognise kosovo" 0.96 alike: the names keep them apart).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process, utils

from bot.core.ports import InboxMark, UnansweredRow

#: ``token_sort_ratio`` at or above which two questions are the same question in other words.
#: 80 joins spelling and word-order variants ("does china recognise kosovo" / "...recognize kosovo?",
#: 96) and keeps apart questions about another subject ("...china recognise..." / "...russia...", 76).
GROUP_CUTOFF = 80.0
#: Most distinct questions grouped at once (the most recent ones); bounds the n x n score matrix.
MAX_DISTINCT = 4000
MAX_EXAMPLES = 3
#: Distinct wordings a group carries (for teaching them to a fact, or dismissing them).
MAX_WORDINGS = 50
#: Cosine similarity at or above which two questions are one in other words (multilingual-e5:
#: paraphrases 0.91-0.97, another question on the same subject 0.85-0.92, kept apart by its names).
SEMANTIC_CUTOFF = 0.91

#: ``embed(questions)``: a unit vector per question, or ``None`` where there is none.
Embedder = Callable[[Sequence[str]], "Sequence[np.ndarray | None]"]
#: ``subjects(question)``: the names a question is about ("russia", "interpol").
Subjects = Callable[[str], "frozenset[str]"]


def question_key(text: str) -> str:
    """What two wordings must share to count as the same wording (case, punctuation and spacing aside)."""
    return utils.default_process(text)


@dataclasses.dataclass(frozen=True, slots=True)
class UnansweredGroup:
    """Questions asked in other words: ``question`` is the most frequent wording."""

    question: str
    count: int
    examples: list[str]  # other wordings, most frequent first
    last_asked: dt.datetime
    not_helpful: int = 0  # how many of ``count`` were answered but marked not helpful
    first_asked: dt.datetime | None = None
    platforms: tuple[str, ...] = ()  # where it was asked, most often first
    wordings: tuple[str, ...] = ()  # every distinct wording, ``question`` first (at most MAX_WORDINGS)


@dataclasses.dataclass(slots=True)
class _Bucket:
    wordings: Counter[str]
    platforms: Counter[str] = dataclasses.field(default_factory=Counter)
    count: int = 0
    not_helpful: int = 0
    last_asked: dt.datetime | None = None
    first_asked: dt.datetime | None = None

    def add(self, row: UnansweredRow) -> None:
        self.wordings[row.question.strip()] += 1
        if row.platform:
            self.platforms[row.platform] += 1
        self.count += 1
        self.not_helpful += row.reason == "not helpful"
        if self.last_asked is None or row.asked_at > self.last_asked:
            self.last_asked = row.asked_at
        if self.first_asked is None or row.asked_at < self.first_asked:
            self.first_asked = row.asked_at

    def merge(self, other: _Bucket) -> None:
        self.wordings.update(other.wordings)
        self.platforms.update(other.platforms)
        self.count += other.count
        self.not_helpful += other.not_helpful
        if self.last_asked is None or (other.last_asked is not None and other.last_asked > self.last_asked):
            self.last_asked = other.last_asked
        if self.first_asked is None or (other.first_asked is not None and other.first_asked < self.first_asked):
            self.first_asked = other.first_asked


def without_marked(rows: Iterable[UnansweredRow], marks: Iterable[InboxMark]) -> list[UnansweredRow]:
    """``rows`` less the wordings moderators took out of the queue.

    A dismissed wording stays out until it is undismissed. A wording taught to a fact (or made
    into one) stays out for the questions asked until then: asked again later and still not
    answered well, it comes back.
    """
    dismissed: set[str] = set()
    resolved: dict[str, dt.datetime] = {}
    for mark in marks:
        if mark.state == "dismissed":
            dismissed.add(mark.key)
        else:
            resolved[mark.key] = max(mark.at, resolved.get(mark.key, mark.at))
    kept = []
    for row in rows:
        key = question_key(row.question)
        if key in dismissed or (key in resolved and row.asked_at <= resolved[key]):
            continue
        kept.append(row)
    return kept


def _semantic_links(
    keys: Sequence[str], wordings: Sequence[str], embed: Embedder, subjects: Subjects
) -> np.ndarray:
    """``links[i, j]``: keys i and j ask the same question in other words."""
    vectors = list(embed(wordings))
    links = np.zeros((len(keys), len(keys)), dtype=bool)
    present = [i for i, v in enumerate(vectors) if v is not None]
    if len(present) < 2:
        return links
    matrix = np.stack([vectors[i] for i in present]).astype(np.float32)
    similar = matrix @ matrix.T >= SEMANTIC_CUTOFF
    about = [subjects(wordings[i]) for i in present]
    for a, b in zip(*np.nonzero(np.triu(similar, 1)), strict=True):
        only_a, only_b = about[a] - about[b], about[b] - about[a]
        if not (only_a and only_b):  # one names a subject the other does not: another question
            links[present[a], present[b]] = links[present[b], present[a]] = True
    return links


def group_unanswered(
    rows: Sequence[UnansweredRow],
    limit: int = 10,
    *,
    embed: Embedder | None = None,
    subjects: Subjects | None = None,
) -> list[UnansweredGroup]:
    """Group ``rows`` by similarity; the most asked groups first (ties: the most recent first).
    ``embed`` and ``subjects`` (both or neither) join questions asked in other words too."""
    buckets: dict[str, _Bucket] = {}
    for row in sorted(rows, key=lambda r: r.asked_at, reverse=True):
        key = question_key(row.question)
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
    same = scores >= GROUP_CUTOFF
    if embed is not None and subjects is not None and len(keys) > 1:
        wordings = [buckets[k].wordings.most_common(1)[0][0] for k in keys]
        same |= _semantic_links(keys, wordings, embed, subjects)
    assigned = np.zeros(len(keys), dtype=bool)
    groups: list[UnansweredGroup] = []
    for leader in range(len(keys)):
        if assigned[leader]:
            continue
        members = [i for i in np.flatnonzero(same[leader]) if not assigned[i]]
        assigned[members] = True
        merged = _Bucket(Counter())
        for i in members:
            merged.merge(buckets[keys[i]])
        wordings = [text for text, _ in merged.wordings.most_common()]
        groups.append(
            UnansweredGroup(
                question=wordings[0],
                count=merged.count,
                examples=wordings[1 : 1 + MAX_EXAMPLES],
                last_asked=merged.last_asked,
                not_helpful=merged.not_helpful,
                first_asked=merged.first_asked,
                platforms=tuple(platform for platform, _ in merged.platforms.most_common()),
                wordings=tuple(wordings[:MAX_WORDINGS]),
            )
        )
    groups.sort(key=lambda g: (-g.count, -g.last_asked.timestamp()))
    return groups[:limit]
