"""Nearest phrasings of a question vector, aggregated per fact.

Up to :data:`EXACT_LIMIT` phrasings the search is exact: one float32 matrix-vector product
(about 0.1 ms for the shipped base, a few ms at 20k). Above it, a quantised matrix: one sign bit
per dimension of the centred vectors (48 bytes a phrasing) ranks every phrasing by Hamming
distance with numpy's popcount, and the best :data:`RESCORE` are scored exactly from float16
copies. ``bench/bench_semantic.py`` measures it against an HNSW index (usearch) at 100k.

Beside the phrasings it holds the background (:mod:`bot.core.semantic.background`): everyday
questions about nothing the knowledge holds, against which a question's similarities are read,
and the named background: the same kind of questions about the knowledge's own names.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

#: Phrasings searched exactly; above this the quantised search is used.
EXACT_LIMIT = 20_000
#: Phrasings rescored exactly after the Hamming ranking.
RESCORE = 512
#: A fact's similarity is the mean of its this many closest phrasings (one lucky phrasing counts
#: less than two that agree; measured on the tuning set: 173/192 English and 64/70 other
#: questions ranked the right fact first, against 165 and 63 with the closest phrasing alone).
AGREEING = 2
#: A background question at least this similar to one of the knowledge's phrasings is dropped from
#: the background: the knowledge answers it (a paraphrase of a phrasing is about 0.93 alike, two
#: unrelated questions about 0.8).
BACKGROUND_OVERLAP = 0.9


@dataclasses.dataclass(frozen=True, slots=True)
class Nearest:
    """A fact and its phrasing closest to the question."""

    fact: int  # index of the fact in the knowledge state's fact order
    similarity: float  # mean cosine similarity of the fact's AGREEING closest phrasings, -1..1
    row: int  # the closest phrasing's row (see SemanticIndex.texts)


class SemanticIndex:
    """Vectors of every phrasing, grouped by fact (rows of one fact are contiguous)."""

    def __init__(
        self,
        vectors: np.ndarray,
        owners: Sequence[int],
        texts: Sequence[str],
        n_facts: int,
        background: np.ndarray | None = None,
        named: np.ndarray | None = None,
    ) -> None:
        self.owners = np.asarray(owners, dtype=np.int32)
        if len(self.owners) and np.any(np.diff(self.owners) < 0):
            raise ValueError("rows must be grouped by fact, in fact order")
        self.texts = tuple(texts)
        self.n_facts = n_facts
        n = len(self.owners)
        self.quantised = n > EXACT_LIMIT
        if self.quantised:
            self._mean = vectors.mean(axis=0).astype(np.float32)
            # Word-major (words x phrasings): each 64-bit word of every phrasing is one contiguous
            # pass, 3x faster than a row-wise reduction over 6 words.
            self._bits = np.ascontiguousarray(_pack_signs(vectors - self._mean).T)
            self._half = vectors.astype(np.float16)
            self._vectors = None
        else:
            self._vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        # First row of each fact that has rows, for per-fact maxima with reduceat, and its fact.
        self._starts = np.flatnonzero(np.r_[True, np.diff(self.owners) != 0]) if n else np.zeros(0, dtype=np.intp)
        self._start_facts = self.owners[self._starts]
        self._background = self._own_background(vectors, background)
        self._named = self._own_background(vectors, named)

    def _own_background(self, vectors: np.ndarray, background: np.ndarray | None) -> np.ndarray | None:
        """The background questions this knowledge does not answer (see :data:`BACKGROUND_OVERLAP`)."""
        if background is None or not len(background):
            return None
        background = np.ascontiguousarray(background, dtype=np.float32)
        closest = np.full(len(background), -1.0, dtype=np.float32)
        for begin in range(0, len(vectors), 8192):  # bounded memory at 100k phrasings
            block = np.asarray(vectors[begin : begin + 8192], dtype=np.float32)
            closest = np.maximum(closest, (block @ background.T).max(axis=0))
        kept = background[closest < BACKGROUND_OVERLAP]
        return kept if len(kept) else None

    @property
    def background_size(self) -> int:
        """How many background questions are kept (the others are about this knowledge)."""
        return 0 if self._background is None else len(self._background)

    @property
    def named_size(self) -> int:
        """How many questions of the named background are kept."""
        return 0 if self._named is None else len(self._named)

    def background(self, query: np.ndarray) -> float | None:
        """How similar ``query`` is to the background: the mean of its AGREEING closest background
        questions (the level an unrelated fact reaches); ``None`` without a background."""
        return _level(self._background, query)

    def named(self, query: np.ndarray) -> float | None:
        """How similar ``query`` is to the named background, as :meth:`background` reads it (the
        level a fact reaches that only names what the question asks about); ``None`` without one."""
        return _level(self._named, query)

    def __len__(self) -> int:
        return len(self.owners)

    def nearest(self, query: np.ndarray, top: int = 8) -> list[Nearest]:
        """The ``top`` facts whose closest phrasing is most similar to ``query``, best first."""
        if not len(self.owners):
            return []
        if self._vectors is not None:
            sims = self._vectors @ query
            scores, rows = self._per_fact(sims)
            order = np.argsort(-scores, kind="stable")[:top]
            facts = self._start_facts
            return [Nearest(int(facts[i]), float(scores[i]), int(rows[i])) for i in order]
        rows = self._candidates(query)
        sims = self._half[rows].astype(np.float32) @ query
        facts: dict[int, None] = {}
        for i in np.argsort(-sims, kind="stable"):
            facts.setdefault(int(self.owners[rows[i]]), None)
            if len(facts) >= 4 * top:
                break
        found = [self.similarity(query, fact) for fact in facts]
        ranked = sorted((n for n in found if n is not None), key=lambda n: (-n.similarity, n.fact))
        return ranked[:top]

    def _per_fact(self, sims: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per fact (in ``self._starts`` order): the mean of its AGREEING best similarities, and
        the row of its best phrasing."""
        starts = self._starts
        lengths = np.diff(np.r_[starts, len(sims)])
        best = np.maximum.reduceat(sims, starts)
        spread = np.repeat(best, lengths)
        is_best = sims >= spread
        rows = np.flatnonzero(is_best & np.r_[True, ~is_best[:-1] | (np.diff(self.owners) != 0)])
        # rows may hold several tied maxima of a fact: keep the first of each fact
        first = np.flatnonzero(np.r_[True, np.diff(self.owners[rows]) != 0])
        rows = rows[first]
        if AGREEING == 2:
            masked = sims.copy()
            masked[rows] = -np.inf
            second = np.maximum.reduceat(masked, starts)
            second = np.where(np.isfinite(second), second, best)
            return (best + second) / 2.0, rows
        return best, rows

    def _candidates(self, query: np.ndarray) -> np.ndarray:
        bits = _pack_signs((query - self._mean)[None, :])[0]
        distance = np.bitwise_count(self._bits[0] ^ bits[0]).astype(np.uint16)
        for word in range(1, len(bits)):
            distance += np.bitwise_count(self._bits[word] ^ bits[word])
        if len(distance) <= RESCORE:
            return np.arange(len(distance))
        return np.argpartition(distance, RESCORE)[:RESCORE]

    def similarity(self, query: np.ndarray, fact: int) -> Nearest | None:
        """One fact's similarity to ``query`` (exact, whatever the size)."""
        position = int(np.searchsorted(self._start_facts, fact))
        if position >= len(self._starts) or int(self._start_facts[position]) != fact:
            return None
        start = int(self._starts[position])
        end = int(self._starts[position + 1]) if position + 1 < len(self._starts) else len(self.owners)
        block = self._vectors[start:end] if self._vectors is not None else self._half[start:end].astype(np.float32)
        sims = block @ query
        best = np.argsort(-sims, kind="stable")[:AGREEING]
        return Nearest(fact, float(sims[best].mean()), start + int(best[0]))


def _level(background: np.ndarray | None, query: np.ndarray) -> float | None:
    """The mean similarity of ``query`` to its AGREEING closest ``background`` questions."""
    if background is None:
        return None
    sims = background @ query
    if len(sims) <= AGREEING:
        return float(sims.mean())
    return float(np.partition(sims, -AGREEING)[-AGREEING:].mean())


def _pack_signs(vectors: np.ndarray) -> np.ndarray:
    """One bit per dimension (positive or not), packed into 64-bit words."""
    packed = np.packbits(vectors > 0, axis=1)
    pad = (-packed.shape[1]) % 8
    if pad:
        packed = np.pad(packed, ((0, 0), (0, pad)))
    return np.ascontiguousarray(packed).view(np.uint64)
