"""Text normalisation shared by the question index and the queries.

The same function turns a stored phrasing and a member's question into index terms, so they meet:
Unicode NFKC, case folding, accent folding ("Vucic" meets "Vučić"), invisible characters removed,
possessives and punctuation dropped, curated synonyms applied, filler words removed, words stemmed.
Input is cut to :data:`MAX_INPUT_CHARS` before any work, so time is bounded whatever arrives.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

#: Longer input is cut before normalising: no real question is longer, and work stays bounded.
MAX_INPUT_CHARS = 512

# Letters that carry no combining mark to strip, and typographic apostrophes.
_FOLD = str.maketrans(
    {
        "đ": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h", "ŧ": "t", "þ": "th",
        "ð": "d", "’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'",
    }
)
_POSSESSIVE = re.compile(r"(?<=\w)'s?\b")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_WORD = re.compile(r"[^\W_]+")

#: Question words, function words and chat filler: they say how something is asked, not what.
STOPWORDS = frozenset(
    """
    a about above according actually after again against all also am an and any anything are aren
    as at be been before being between both but by can could couldn currently did didn do does doesn
    doing don down during each either else even ever every few for from further get gets getting give
    given had hadn has hasn have haven having he her here hers herself him himself his how however i
    if in into is isn it its itself just know kind let like likely me mean might more most much must
    my myself need no nor not now of off on once only or other our ours ourselves out over own please
    pls plz quick quickly really regarding same say says she should shouldn so some something such
    tell than thank thanks that the their theirs them themselves then there these they thing things
    this those through thx to too under until up us very via was wasn way we were weren what whats
    when where whether which while who whom whose why will with won would wouldn yes yet you your
    yours yourself yourselves hi hello hey ok okay dear sir madam folks anyone somebody someone
    explain explained describe info information details detail overview summary summarise summarize
    wonder wondering curious question questions answer want wanted wants im ive id ill youre thats
    currently today now lately recent recently exactly basically generally bit lot lots
    """.split()
)

_ISE = re.compile(r"is(e|ed|es|ing|ation|ations)$")
_STEMMER = snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Case-, accent- and width-folded text with invisible characters removed (not tokenised)."""
    text = unicodedata.normalize("NFKC", text[:MAX_INPUT_CHARS])
    text = text.casefold().translate(_FOLD)
    if not text.isascii():
        text = "".join(
            ch
            for ch in unicodedata.normalize("NFD", text)
            if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf"
        )
    text = _POSSESSIVE.sub("", text)
    return _APOSTROPHE.sub("", text)


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order (punctuation, emoji and symbols dropped)."""
    return _WORD.findall(fold(text))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The index term of one folded word (British -ise spellings meet American -ize)."""
    if len(word) > 5 and not word.isdigit():
        word = _ISE.sub(r"iz\1", word)
    return _STEMMER.stemWord(word)


class Normaliser:
    """Turns text into index terms, applying one knowledge base's synonym groups."""

    def __init__(self, synonym_pairs: Iterable[tuple[str, str]] = ()) -> None:
        # first word -> [(variant words, canonical words)], longest variant first
        self._phrases: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for variant, canonical in synonym_pairs:
            variant_words = tuple(words(variant))
            canonical_words = tuple(words(canonical))
            if variant_words and canonical_words and variant_words != canonical_words:
                self._phrases.setdefault(variant_words[0], []).append((variant_words, canonical_words))
        for options in self._phrases.values():
            options.sort(key=lambda option: len(option[0]), reverse=True)

    def canonical_words(self, text: str) -> list[str]:
        """Folded words with synonyms replaced by their canonical terms (filler words kept)."""
        source = words(text)
        if not self._phrases:
            return source
        result: list[str] = []
        i = 0
        while i < len(source):
            for variant, canonical in self._phrases.get(source[i], ()):
                if tuple(source[i : i + len(variant)]) == variant:
                    result.extend(canonical)
                    i += len(variant)
                    break
            else:
                result.append(source[i])
                i += 1
        return result

    def content_words(self, text: str) -> list[str]:
        """Canonical words that carry meaning (filler removed), unstemmed, duplicates removed."""
        seen: dict[str, None] = {}
        for word in self.canonical_words(text):
            if word not in STOPWORDS and word not in seen:
                seen[word] = None
        return list(seen)

    def terms(self, text: str) -> list[str]:
        """The index terms of ``text``: content words stemmed, duplicates removed, order kept."""
        return list(dict.fromkeys(stem(word) for word in self.content_words(text)))
