"""How specific an English word is, from its frequency in general English (wordfreq).

A word that is rare in the knowledge base but common in English ("take", "pushed", "money") says
less about what a question is about than a word rare everywhere ("Interpol", "derecognition").
Query words are weighted by their knowledge-base IDF times this specificity, so ordinary words
neither pull a question towards the one fact that happens to use them nor, when no fact does, make
the bot abstain on an otherwise well-covered question.
"""

from __future__ import annotations

import math
from functools import cache

from bot.core.matching.typos import DeletionTable

#: Zipf frequency (log10 of occurrences per billion words) at and above which a word is as
#: unspecific as a word can be, and at and below which it is fully specific.
COMMON_ZIPF = 6.0
RARE_ZIPF = 3.0
#: The least weight any word keeps.
MIN_SPECIFICITY = 0.25


_table: dict[str, float] | None = None


def frequencies() -> dict[str, float]:
    """English word frequencies: wordfreq's 'small' list (~29,000 words down to Zipf 3; anything
    rarer is fully specific), read once per process, or as :func:`use_frequencies` gave them."""
    global _table
    if _table is None:
        from wordfreq import get_frequency_dict  # imported only when the table is not cached

        _table = get_frequency_dict("en", wordlist="small")
    return _table


def use_frequencies(table: dict[str, float]) -> None:
    """Use ``table`` (the :func:`frequencies` of an earlier process, from the index cache) unless
    this process has read them already."""
    global _table
    if _table is None:
        _table = table


def specificity(word: str) -> float:
    """1.0 for words rare in English (and unknown to it), down to :data:`MIN_SPECIFICITY`."""
    frequency = frequencies().get(word)
    if not frequency:
        return 1.0
    zipf = math.log10(frequency * 1e9)
    share = (COMMON_ZIPF - zipf) / (COMMON_ZIPF - RARE_ZIPF)
    return max(MIN_SPECIFICITY, min(1.0, share))


def is_common_english(word: str) -> bool:
    """Whether ``word`` is an ordinary English word (so a correct spelling, not a typo)."""
    return word in frequencies()


#: Lowest rapidfuzz ratio at which a word not in the English list counts as a misspelt English word.
ENGLISH_TYPO_CUTOFF = 80.0


@cache
def _english() -> DeletionTable:
    return DeletionTable(frequencies())


def english_specificity(word: str) -> float:
    """:func:`specificity`, reading a misspelt English word ("agressive") as the word it meant."""
    if word in frequencies():
        return specificity(word)
    meant = _english().closest(word, ENGLISH_TYPO_CUTOFF)
    return specificity(meant[0]) if meant is not None else 1.0


def warm_up() -> None:
    """Load the word lists now rather than on the first question."""
    _english()
