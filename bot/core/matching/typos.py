"""Finding the word a typo meant, in time that does not grow with the vocabulary.

Every word of a vocabulary is stored under each of its single-character deletions (and itself),
by hash, in sorted numpy arrays. A typed word's own deletions then find every vocabulary word one
edit away (a deletion, insertion, substitution or transposition) with a few binary searches, and
rapidfuzz scores those few candidates.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from rapidfuzz import fuzz, process

#: The shortest word worth correcting: shorter ones are one edit from too many others.
MIN_LENGTH = 4


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def correctable(word: str) -> bool:
    return len(word) >= MIN_LENGTH and word.isalpha()


class DeletionTable:
    """The words of a vocabulary, findable from a misspelling one edit away."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted({w for w in words if correctable(w)})
        keys: list[int] = []
        owners: list[int] = []
        for index, word in enumerate(self.words):
            for variant in _deletions(word):
                keys.append(hash(variant))
                owners.append(index)
        order = np.argsort(np.asarray(keys, dtype=np.int64), kind="stable")
        self._keys = np.asarray(keys, dtype=np.int64)[order]
        self._owners = np.asarray(owners, dtype=np.int32)[order]

    def closest(self, word: str, cutoff: float) -> tuple[str, float] | None:
        """The vocabulary word one edit from ``word`` that rapidfuzz scores highest (at least
        ``cutoff``), with its score; ``None`` when there is none."""
        if not correctable(word) or not len(self._keys):
            return None
        probes = np.asarray([hash(v) for v in _deletions(word)], dtype=np.int64)
        low = self._keys.searchsorted(probes, side="left").tolist()
        high = self._keys.searchsorted(probes, side="right").tolist()
        candidates: set[int] = set()
        for a, b in zip(low, high, strict=True):
            if b > a:
                candidates.update(self._owners[a:b].tolist())
        if not candidates:
            return None
        choices = [self.words[i] for i in sorted(candidates)]
        found = process.extractOne(word, choices, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff)
        return (found[0], found[1]) if found is not None else None
