"""Text normalisation shared by the question index and the queries.

The same function turns a stored phrasing and a member's question into index terms, so they meet:
Unicode NFKC, case folding, accent folding ("Vucic" meets "Vučić"), invisible characters removed,
possessives and punctuation dropped, curated synonyms applied, filler words removed, words stemmed.
Input is cut to :data:`MAX_INPUT_CHARS` before any work, so time is bounded whatever arrives.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import chain

import numpy as np
import snowballstemmer

from bot.core.matching.lazyre import LazyPattern

#: Longer input is cut before normalising: no real question is longer, and work stays bounded.
MAX_INPUT_CHARS = 512

# Letters that carry no combining mark to strip, and typographic apostrophes.
_FOLD = str.maketrans(
    {
        "đ": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h", "ŧ": "t", "þ": "th",
        "ð": "d", "’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'",
    }
)
_POSSESSIVE = re.compile(r"'(?<=\w')s?\b")  # the apostrophe first: found quickly
_APOSTROPHE = re.compile(r"'(?<=\w')(?=\w)")
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
    currently today now lately recent recently exactly basically generally bit lot lots many much
    doesnt dont isnt arent wasnt werent cant wont didnt hasnt havent hadnt shouldnt wouldnt couldnt
    hows whos wheres whys theyre theres youve weve ive gonna wanna gotta
    """.split()
)

#: Small numbers written in digits are read as their words ("3 scenarios", "three scenarios").
_SMALL_NUMBERS = {
    str(n): word
    for n, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}

_ISE = re.compile(r"is(e|ed|es|ing|ation|ations)$")
_STEMMER = snowballstemmer.stemmer("english")


def _clean(text: str) -> str:
    """NFKC-normalised text, cut to the input limit, with invisible (format) characters removed."""
    text = unicodedata.normalize("NFKC", text[:MAX_INPUT_CHARS])
    if not text.isascii():
        invisible = {ord(ch): None for ch in set(text) if unicodedata.category(ch) == "Cf"}
        if invisible:
            text = text.translate(invisible)
    return text


#: Distinct characters whose folding is remembered (every script a knowledge base and its members
#: write fits; a flood of rare characters is folded without being remembered).
FOLDED_CHARS = 65536


class _FoldedChars(dict[int, str]):
    """Each character's folding, for :meth:`str.translate`, worked out the first time it is seen.

    Folding text character by character gives what folding it whole does (NFKC, format characters
    removed, case folding, the letters of :data:`_FOLD`, then NFD without combining marks): a
    combining mark that NFKC composes with its base is removed either way, and nothing else
    depends on its neighbours. The tests check this for every character and for base-mark pairs.
    """

    def __missing__(self, code: int) -> str:
        text = unicodedata.normalize("NFKC", chr(code))
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf").casefold().translate(_FOLD)
        text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
        if len(self) < FOLDED_CHARS:
            self[code] = text
        return text


_FOLDED = _FoldedChars()


def fold(text: str) -> str:
    """Case-, accent- and width-folded text with invisible characters removed (not tokenised)."""
    text = text[:MAX_INPUT_CHARS]
    if text.isascii():  # most text: nothing to normalise, and no accent, so lower-casing folds it
        text = text.lower()
        if "'" not in text and "`" not in text:
            return text
        text = text.replace("`", "'")
    else:
        text = text.translate(_FOLDED)
        if "'" not in text:  # both patterns below need one
            return text
    text = _POSSESSIVE.sub("", text)
    return _APOSTROPHE.sub("", text)


_RAW_WORD = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
_CAPITALS = re.compile(r"\b[A-Z]{2,}\b")
_APOSTROPHES = re.compile(r"['’ʼ]")
_SENTENCE_END = frozenset(".?!:;\n")


NOT_NAME, NAME, CAPITALS = 0, 1, 2
#: A word that a curated synonym produced (a domain term, whatever its English frequency).
CURATED = 3


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at ``text[start]`` starts a sentence (or the text)."""
    end = start
    while end and text[end - 1].isspace():
        end -= 1
    return not end or text[end - 1] in _SENTENCE_END


def tagged_words(text: str) -> list[tuple[str, int]]:
    """Folded words, each flagged :data:`NAME` when written like a name (Capitalised inside a
    sentence, or with digits: "Japan", "1999") and :data:`CAPITALS` when in capitals ("ASEAN",
    "US"). Members' questions only: the flag helps tell a question's subject from an ordinary
    word. A question written wholly in capitals is shouting, not names."""
    text = _clean(text)
    shouting = text.isupper()
    result: list[tuple[str, int]] = []
    for match in _RAW_WORD.finditer(text):
        raw = match.group()
        plain = raw.isascii() and "'" not in raw  # most words: no apostrophe, nothing to fold
        core = raw if plain else _APOSTROPHES.split(raw, maxsplit=1)[0]
        if len(core) >= 2 and core.isupper() and not shouting:
            flag = CAPITALS
        elif not core.isalpha():  # has digits
            flag = NAME
        elif core[:1].isupper() and not shouting and not _starts_sentence(text, match.start()):
            flag = NAME
        else:
            flag = NOT_NAME
        if plain:
            result.append((raw.lower(), flag))
        else:
            result.extend((word, flag) for word in _WORD.findall(fold(raw)))
    return result


#: Every question that expects a date or a quantity has one of these words.
_KIND_WORDS = frozenset({"when", "what", "which", "since", "how"})
_DATE_QUESTION = re.compile(r"\b(?:when|what year|which year|what date|since when|how long ago)\b")
_QUANTITY_QUESTION = re.compile(r"\b(?:how many|how much|how long|how old|what number|what percentage)\b")
#: "How much could China sway...", "how much does Beijing care": "how much" before a verb asks a
#: degree, unless the verb or its object is of money ("how much did China invest").
_DEGREE = LazyPattern(
    r"\bhow much (?:do|does|did|has|have|had|is|are|was|were|will|would|can|could|should|might|may|must)\b"
    r"(?P<rest>.*)"
)
_AMOUNT_WORDS = LazyPattern(
    r"\b(?:invest\w*|spen[dt]\w*|cost\w*|pa(?:y|id|ys|ying)|lend\w*|lent|loan\w*|donat\w*|earn\w*|sell\w*|sold|"
    r"buy\w*|bought|borrow\w*|receiv\w*|contribut\w*|pledg\w*|grant\w*|subsid\w*|trad\w*|export\w*|import\w*|"
    r"owe\w*|rais\w*|fund\w*|financ\w*|worth|money|charg\w*|budget\w*|aid|gave|give|gives|giving|amount\w*|total\w*|"
    r"dollars?|euros?|yuan|percent\w*)\b"
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "spring|summer|autumn|winter|century|decade"
)
_DATE = re.compile(rf"\b(?:\d{{3,4}}|{_MONTHS})\b")
_QUANTITY = re.compile(
    r"\b(?:\d{1,3}(?:\d{3})*(?:\.\d+)?|\d+\s*(?:percent|%)|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|several|few|handful)\b"
)
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
#: "may" in lower case, with no number beside it, is the modal verb ("China may use Kosovo"), not
#: the month ("in may 2023", "29 may").
_MODAL_MAY = LazyPattern(r"(?<!\d )(?<!\d)\bmay\b(?! ?\d)")
#: A number that names rather than counts: "Resolution 1244", "Article 5", "Room 7".
_IDENTIFIER = LazyPattern(
    r"\b(?:resolution|resolutions|article|articles|chapter|section|paragraph|clause|rule|protocol|amendment|"
    r"annex|item|point|phase|stage|version|level|grade|room|gate|flight|platform|route|highway|building|floor|"
    r"no|number|nr)\.?\s+\d+\b",
    re.IGNORECASE,
)
#: What every :data:`_IDENTIFIER` holds: a space before a digit.
_SPACED_DIGIT = re.compile(r"\s\d")


def without_modal_may(text: str) -> str:
    """``text`` with the modal verb "may" blanked out, so only the month is read as a date."""
    return _MODAL_MAY.sub(" ", text) if "may" in text else text


def expected_answer_kind(text: str, folded: Sequence[str] | None = None) -> str | None:
    """``"date"`` for "when…" questions, ``"quantity"`` for "how many…" (and for "how much…" of
    money or measure: "how much could China sway..." asks a degree), else ``None``.
    ``folded``: the :func:`words` of ``text``, when the caller has them already."""
    folded = words(text) if folded is None else folded
    if _KIND_WORDS.isdisjoint(folded):
        return None
    folded = " ".join(folded)
    if _QUANTITY_QUESTION.search(folded):
        degree = _DEGREE.search(folded)
        if degree is None or _AMOUNT_WORDS.search(degree.group("rest")) or "how many" in folded:
            return "quantity"
        folded = folded.replace("how much", " ")
    if _DATE_QUESTION.search(folded):
        return "date"
    return None


def answer_kinds(text: str, folded: Sequence[str] | None = None) -> frozenset[str]:
    """What an answer states: ``"date"`` (a year, a month) and/or ``"quantity"`` (a number that
    is not a year nor a name's number, a number word). ``folded``: the :func:`words` of ``text``,
    when known. The modal verb "may" is no month (see :func:`without_modal_may`)."""
    if "may" in text and (plain := without_modal_may(text)) != text:
        text, folded = plain, None
    if _SPACED_DIGIT.search(text) and _IDENTIFIER.search(text):  # the first is quicker, and needed
        folded = words(_IDENTIFIER.sub(" ", text))
    folded = " ".join(words(text) if folded is None else folded)
    kinds = set()
    if _DATE.search(folded):
        kinds.add("date")
    if _QUANTITY.search(_YEAR.sub(" ", folded)):
        kinds.add("quantity")
    return frozenset(kinds)


def quantities(text: str) -> frozenset[str]:
    """The numbers and number words of ``text`` that count (not years, not a name's number), folded."""
    if "may" in text:
        text = without_modal_may(text)
    if _SPACED_DIGIT.search(text) and _IDENTIFIER.search(text):
        text = _IDENTIFIER.sub(" ", text)
    return frozenset(_QUANTITY.findall(_YEAR.sub(" ", " ".join(words(text)))))


_POSSESSOR = re.compile(r"(?<![^\W_])([^\W_]+)['’ʼ]s?\b")  # from a word's start: no retrying inside it


def possessors(text: str) -> list[str]:
    """Folded words written as possessors ("China's", "the EU's", "Xi's")."""
    if text.isascii() and "'" not in text:  # most text: no apostrophe, which NFKC cannot make of ASCII
        return []
    return [word for match in _POSSESSOR.finditer(_clean(text)) for word in words(match.group(1))]


@lru_cache(maxsize=FOLDED_CHARS)
def _makes_apostrophe(code: int) -> bool:
    """Whether the character of ``code`` is, or holds after NFKC, an apostrophe :data:`_POSSESSOR` reads."""
    return any(a in unicodedata.normalize("NFKC", chr(code)) for a in "'’ʼ")


def _apostrophe_texts(texts: Sequence[str]) -> list[int]:
    """Which of ``texts`` hold a character that is, or holds after NFKC, an apostrophe (found with
    numpy over their characters): the others have no possessor."""
    if not texts:
        return []
    joined = "\n".join(texts)
    if joined.isascii():
        at = np.flatnonzero(np.frombuffer(joined.encode("ascii"), dtype=np.uint8) == 39)
    else:
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        marks = [code for code in np.unique(codes[codes > 38]).tolist() if _makes_apostrophe(code)]
        at = np.flatnonzero(np.isin(codes, marks))
    if not len(at):
        return []
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1)
    return np.unique(np.searchsorted(ends, at, side="right")).tolist()


def _apostrophe_key(text: str) -> str:
    """A name written with an apostrophe, as :class:`Normaliser` looks it up: folded, one kind of
    apostrophe, single spaces."""
    return " ".join(text.casefold().replace("’", "'").replace("ʼ", "'").split())


def _apostrophe_pattern(key: str) -> str:
    """A pattern for a name :func:`_apostrophe_key` gives ``key``: any apostrophe, any spaces."""
    return r"\s+".join(re.escape(part).replace("'", "['’ʼ]") for part in key.split())


def _possessor_matches(text: str) -> list[tuple[int, str]]:
    """Where :data:`_POSSESSOR` matches in ``text`` and its possessor, as ``finditer`` finds them,
    found from the apostrophes (a long text has few). A match starts where a run of letters and
    digits does, not inside the previous match; its possessor ends at the run's last apostrophe
    (one may be a letter: "ʼ") that has a word boundary after it, or after an "s" that follows."""
    found: list[tuple[int, str]] = []
    runs: dict[int, list[int]] = {}  # where a run starts -> its apostrophes (within it, or after it)
    letter, word = _letter_or_digit, _word_character
    for p in sorted(i for mark in "'’ʼ" for i in _occurrences(text, mark)):
        start = p
        while start > 0 and letter(text[start - 1]):
            start -= 1
        if start < p:
            runs.setdefault(start, []).append(p)
    done = 0  # where the previous match ends
    size = len(text)
    for start, marks in runs.items():
        if start < done:
            continue
        for p in reversed(marks):
            if p + 1 < size and text[p + 1] == "s" and (p + 2 == size or not word(text[p + 2])):
                done = p + 2
            elif word(text[p]) != (p + 1 < size and word(text[p + 1])):
                done = p + 1
            else:
                continue
            found.append((start, text[start:p]))
            break
    return found


def _occurrences(text: str, mark: str) -> Iterable[int]:
    at = text.find(mark)
    while at >= 0:
        yield at
        at = text.find(mark, at + 1)


@lru_cache(maxsize=4096)
def _letter_or_digit(ch: str) -> bool:
    """Whether ``ch`` is of ``[^\\W_]``."""
    return _WORD.match(ch) is not None


@lru_cache(maxsize=4096)
def _word_character(ch: str) -> bool:
    """Whether ``ch`` is of ``\\w``."""
    return _WORD_CHAR.match(ch) is not None


_SENTENCE_BREAK = re.compile(r"(?<=[.!?;])\s+")


def pieces(text: str) -> list[str]:
    """``text`` in pieces of at most :data:`MAX_INPUT_CHARS` characters, cut between sentences
    (or words), for reading curated text longer than what one read of a member's input takes."""
    if len(text) <= MAX_INPUT_CHARS:
        return [text]
    result: list[str] = []
    current = ""
    for part in (w for sentence in _SENTENCE_BREAK.split(text) for w in _split_long(sentence)):
        if current and len(current) + 1 + len(part) > MAX_INPUT_CHARS:
            result.append(current)
            current = part
        else:
            current = f"{current} {part}" if current else part
    if current:
        result.append(current)
    return result


def _split_long(sentence: str) -> list[str]:
    if len(sentence) <= MAX_INPUT_CHARS:
        return [sentence]
    chunks, current = [], ""
    for word in sentence.split():
        if current and len(current) + 1 + len(word) > MAX_INPUT_CHARS:
            chunks.append(current)
            current = word[:MAX_INPUT_CHARS]
        else:
            current = f"{current} {word}" if current else word[:MAX_INPUT_CHARS]
    return [*chunks, current] if current else chunks


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order (punctuation, emoji and symbols dropped)."""
    return _WORD.findall(fold(text))


#: For ASCII text, what :data:`_WORD` keeps: letters and digits stay, a newline stays (it
#: separates texts read together), anything else becomes a space.
_ASCII_WORD_BYTES = bytes(b if chr(b).isalnum() or b == 10 else 32 for b in range(128)) + b" " * 128


#: Words the Snowball stemmer brings to another word's stem ("important" -> "import", as in trade;
#: "university" -> "univers", as in universe), with the stem they keep instead.
_OVERSTEMMED = {
    "important": "important", "importance": "important", "importantly": "important", "unimportant": "unimportant",
    "university": "universit", "universities": "universit",
    "experiment": "experiment", "experiments": "experiment",
}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The index term of one folded word (British -ise spellings meet American -ize)."""
    kept = _OVERSTEMMED.get(word)
    if kept is not None:
        return kept
    if len(word) > 5 and not word.isdigit():
        word = _ISE.sub(r"iz\1", word)
    return _STEMMER.stemWord(word)


@dataclasses.dataclass(frozen=True, slots=True)
class Tagged:
    """A word of a question with what we know of it."""

    word: str
    flag: int = 0  # NOT_NAME, NAME, CAPITALS or CURATED
    similarity: float = 1.0  # below 1.0 when the word was corrected from a typo
    typed: str | None = None  # what the member typed, when the word was corrected or completed


#: ``fix(word, is_last) -> (replacement, similarity) | None``
Fixer = Callable[[str, bool], "tuple[str, float] | None"]


Phrases = dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]
#: ``replace(span, variant, target)``: the words standing for ``span``, or ``None`` to keep it.
Replace = Callable[[list[Tagged], tuple[str, ...], tuple[str, ...]], "list[Tagged] | None"]


def _replace_spans(
    tagged: list[Tagged],
    phrases: Phrases,
    replace: Replace,
    single: Callable[[Tagged], list[Tagged] | None] | None = None,
) -> list[Tagged]:
    """Scan ``tagged`` left to right; where a variant of ``phrases`` (first word -> variants,
    longest first) starts, ``replace`` it. ``single`` may replace one word first."""
    result: list[Tagged] = []
    i = 0
    while i < len(tagged):
        item = tagged[i]
        alone = single(item) if single is not None else None
        if alone is not None:
            result.extend(alone)
            i += 1
            continue
        for variant, target in phrases.get(item.word, ()):
            end = i + len(variant)
            # the last word first: most variants fail there, before their words are gathered
            if end > len(tagged) or tagged[end - 1].word != variant[-1]:
                continue
            span = tagged[i:end]
            if tuple(t.word for t in span) != variant:
                continue
            replacement = replace(span, variant, target)
            if replacement is not None:
                result.extend(replacement)
                i += len(variant)
                break
        else:
            result.append(item)
            i += 1
    return result


#: Similarity of a word read as a related term (a weaker match than the word itself).
RELATED_SIMILARITY = 0.7


class Normaliser:
    """Turns text into index terms, applying one knowledge base's synonym groups (aliases, which
    replace) and related-term groups (read as their first term, more weakly, where the index does
    not know the term itself)."""

    def __init__(
        self, synonym_pairs: Iterable[tuple[str, str]] = (), related_groups: Iterable[Iterable[str]] = ()
    ) -> None:
        # first word -> [(variant words, canonical words)], longest variant first
        self._phrases: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        # "us" -> canonical of "u.s.": initialisms, applied only to words written in capitals
        self._initialisms: dict[str, tuple[str, ...]] = {}
        synonym_pairs = tuple(synonym_pairs)
        for variant, canonical in synonym_pairs:
            variant_words = tuple(words(variant))
            canonical_words = tuple(words(canonical))
            if not variant_words or not canonical_words or variant_words == canonical_words:
                continue
            self._phrases.setdefault(variant_words[0], []).append((variant_words, canonical_words))
            if len(variant_words) > 1 and all(len(w) == 1 for w in variant_words):
                self._initialisms.setdefault("".join(variant_words), canonical_words)
        # The same variants by their first two words (longest first) and single-word ones apart,
        # so a common first word ("the", "china") does not mean trying every variant it starts.
        self._by_pair: dict[tuple[str, str], list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        self._single: dict[str, tuple[str, ...]] = {}
        for options in self._phrases.values():
            options.sort(key=lambda option: len(option[0]), reverse=True)
            for variant, canonical in options:
                if len(variant) > 1:
                    self._by_pair.setdefault(variant[:2], []).append((variant, canonical))
                else:
                    self._single.setdefault(variant[0], canonical)
        self._possessor_words: dict[str, tuple[str, ...]] = {}  # possessor word -> its canonical words
        # Names written with an apostrophe ("People's Republic"), read as their canonical term
        # before possessors are looked for: the apostrophe of such a name marks no possessor.
        named = {_apostrophe_key(v): c for v, c in synonym_pairs if any(a in v for a in "'’ʼ") and words(c)}
        self._apostrophe_names = (
            re.compile(
                r"(?<![^\W_])(?:"
                + "|".join(_apostrophe_pattern(v) for v in sorted(named, key=len, reverse=True))
                + r")(?![^\W_])",
                re.IGNORECASE,
            )
            if named
            else None
        )
        self._apostrophe_canonical = named
        # what such a name's first word, after its first letter, holds in lower case or capitals (a
        # quick test that most texts fail; a name written in mixed case is read as written)
        firsts = {key.split()[0].split("'")[0][1:] for key in named}
        self._apostrophe_gates = tuple(firsts | {first.upper() for first in firsts})
        self._variant_words = frozenset(
            word
            for options in self._phrases.values()
            for variant, _ in options
            for word in variant
            if word not in STOPWORDS
        ) | frozenset(self._initialisms)
        # Related terms, written as the aliases make them ("chinese public" -> "china public").
        self._related: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for group in related_groups:
            terms = [tuple(self._canonical_words(words(term))) for term in group]
            head = terms[0]
            for variant in terms[1:]:
                if variant and head and variant != head:
                    self._related.setdefault(variant[0], []).append((variant, head))
        for options in self._related.values():
            options.sort(key=lambda option: len(option[0]), reverse=True)
        self._variant_words |= frozenset(
            word for options in self._related.values() for variant, _ in options for word in variant
            if word not in STOPWORDS
        )
        # A small number in digits is read as its word, unless a synonym holds the digits ("16+1").
        self._spelt_digits = {
            digits: word for digits, word in _SMALL_NUMBERS.items() if digits not in self._variant_words
        }
        # What a word of stored text stands for: nothing (None) for a filler word, else its spelling.
        self._stored: dict[str, str | None] = dict.fromkeys(STOPWORDS) | self._spelt_digits

    def relate(
        self,
        tagged: list[Tagged],
        known: Callable[[str], bool],
        holds: Callable[[tuple[str, ...]], bool] | None = None,
    ) -> list[Tagged]:
        """Related terms the index does not know read as their group's first term, at
        :data:`RELATED_SIMILARITY` times the lowest similarity of the words they replace.

        The index knows a term when ``known(word)`` is true for each of its content words and, for a
        term of several ("western alliance"), ``holds(words)`` says some stored text has them side
        by side: a base that speaks of "Western" values and an "Atlantic alliance" does not know
        the "Western alliance". Without ``holds``, knowing each word is knowing the term."""
        if not self._related or self._related.keys().isdisjoint([t.word for t in tagged]):
            return tagged  # (most questions: no word starts a related term)

        def weaker(span: list[Tagged], variant: tuple[str, ...], head: tuple[str, ...]) -> list[Tagged] | None:
            content = tuple(w for w in variant if w not in STOPWORDS)
            if all(map(known, content)) and (holds is None or len(content) < 2 or holds(content)):
                return None  # the index knows the term itself
            flag = NAME if any(t.flag in (NAME, CAPITALS) for t in span) else CURATED
            similarity = RELATED_SIMILARITY * min(t.similarity for t in span)
            typed = " ".join(t.typed or t.word for t in span)
            return [Tagged(w, NOT_NAME if w in STOPWORDS else flag, similarity, typed) for w in head]

        return _replace_spans(tagged, self._related, weaker)

    def _variant_at(self, folded: Sequence[str], i: int) -> tuple[int, tuple[str, ...]] | None:
        """The longest synonym variant starting at ``folded[i]``: its length and canonical words."""
        if i + 1 < len(folded):
            for variant, canonical in self._by_pair.get((folded[i], folded[i + 1]), ()):
                if tuple(folded[i : i + len(variant)]) == variant:
                    return len(variant), canonical
        canonical = self._single.get(folded[i])
        return None if canonical is None else (1, canonical)

    def canonical(self, tagged: list[Tagged]) -> list[Tagged]:
        """Synonyms replaced by their canonical terms. A replacement is a name if any word it
        replaces was (its filler words never are), else :data:`CURATED`; its similarity is the
        lowest of the words it replaces. Filler words are kept."""
        if not self._phrases and not self._initialisms:
            return tagged
        folded = [t.word for t in tagged]
        if self._phrases.keys().isdisjoint(folded) and not any(
            t.flag == CAPITALS and t.word in self._initialisms for t in tagged
        ):
            return tagged  # (most questions: no word starts a variant)
        result: list[Tagged] = []
        i = 0
        while i < len(tagged):
            item = tagged[i]
            if item.flag == CAPITALS and item.word in self._initialisms and item.word not in self._phrases:
                result.extend(Tagged(w, NAME, item.similarity, item.typed) for w in self._initialisms[item.word])
                i += 1
                continue
            found = self._variant_at(folded, i) if item.word in self._phrases else None
            if found is None:
                result.append(item)
                i += 1
                continue
            length, canonical = found
            span = tagged[i : i + length]
            flag = NAME if any(t.flag for t in span) else CURATED
            similarity = min(t.similarity for t in span)
            typed = " ".join(t.typed for t in span if t.typed) or None
            result.extend(Tagged(w, NOT_NAME if w in STOPWORDS else flag, similarity, typed) for w in canonical)
            i += length
        return result

    def analyse(
        self,
        question: str,
        fix: Fixer | None = None,
        known: Callable[[str], bool] | None = None,
        holds: Callable[[tuple[str, ...]], bool] | None = None,
    ) -> list[Tagged]:
        """A member's question as content words, each flagged :data:`NAME` when written like a
        name, :data:`CURATED` when a curated synonym produced it, else :data:`NOT_NAME`.

        ``fix(word, is_last)`` may replace a word before synonyms apply (spelling correction,
        completion of the word being typed) and returns the word with its similarity, or ``None``.
        ``known(word)`` says whether the index knows a canonical word, ``holds(words)`` whether it
        holds several side by side; given, related terms it does not know are read as their group's
        first term (:meth:`relate`).
        Filler words are dropped unless written in capitals ("US", "WHO"); duplicates are dropped.
        """
        tagged = [Tagged(word, flag) for word, flag in tagged_words(question)]
        if fix is not None:
            last = len(tagged) - 1
            for i, item in enumerate(tagged):
                if item.word in STOPWORDS or item.word in self._variant_words:
                    continue
                fixed = fix(item.word, i == last)
                if fixed is not None and fixed[0] != item.word:
                    tagged[i] = Tagged(fixed[0], item.flag, fixed[1], item.word)
        seen: dict[str, Tagged] = {}
        canonical = self.canonical(tagged)
        if known is not None:
            canonical = self.relate(canonical, known, holds)
        for item in canonical:
            if item.word in STOPWORDS and (item.flag != CAPITALS or item.word in _COMMON_CAPS):
                continue
            spelt = None if item.word in self._variant_words else _SMALL_NUMBERS.get(item.word)
            if spelt is not None:  # "the 3 scenarios" are the three scenarios, not a name
                item = Tagged(spelt, NOT_NAME, item.similarity, item.typed)
            flag = NAME if item.flag == CAPITALS else item.flag
            previous = seen.get(item.word)
            if previous is not None:
                flag = NAME if NAME in (previous.flag, flag) else max(previous.flag, flag)
                item = max(previous, item, key=lambda t: t.similarity)
            seen[item.word] = item if flag == item.flag else Tagged(item.word, flag, item.similarity, item.typed)
        return list(seen.values())

    def _named_apart(self, text: str) -> str:
        """``text`` with each name written with an apostrophe replaced by its canonical term."""
        pattern = self._apostrophe_names
        if pattern is None or not any(gate in text for gate in self._apostrophe_gates):
            return text
        return pattern.sub(lambda m: self._apostrophe_canonical[_apostrophe_key(m.group(0))], text)

    def possessors(self, text: str) -> frozenset[str]:
        """Canonical content words of the possessors in ``text`` ("Beijing's" -> china; "the
        People's Republic's" -> china, where "people's republic" is an alias of it)."""
        if text.isascii() and "'" not in text:  # (no apostrophe: no possessor, nor a name written with one)
            return frozenset()
        found: set[str] = set()
        for word in possessors(self._named_apart(text)):
            found.update(self._possessor_canonical(word))
        return frozenset(found)

    def _possessor_canonical(self, word: str) -> tuple[str, ...]:
        """The canonical content words of a possessor's word (kept for 4,096 words)."""
        cache = self._possessor_words
        canonical = cache.get(word)
        if canonical is None:
            canonical = tuple(t.word for t in self.canonical([Tagged(word)]) if t.word not in STOPWORDS)
            if len(cache) < 4096:
                cache[word] = canonical
        return canonical

    def many_possessors(self, texts: Sequence[str], owners: Sequence[int], count: int) -> list[frozenset[str]]:
        """For each of ``count`` owners (facts), the :meth:`possessors` of its ``texts`` (``owners[i]``
        owns ``texts[i]``), found with less work: only texts that may hold an apostrophe are
        normalised, and they are searched together, as one text of one line each."""
        result = [frozenset[str]()] * count
        keep = _apostrophe_texts(texts)
        if not keep:
            return result
        # NFKC leaves ASCII as it is
        cleaned = [self._named_apart(texts[i][:MAX_INPUT_CHARS] if texts[i].isascii() else _clean(texts[i])) for i in keep]
        joined = "\n".join(cleaned)
        ends = np.cumsum(np.fromiter(map(len, cleaned), dtype=np.int64, count=len(cleaned)) + 1)
        found = _possessor_matches(joined)
        if not found:
            return result
        which = np.searchsorted(ends, [at for at, _ in found], side="right")
        names: dict[int, set[str]] = {}
        for k, (_, name) in zip(which.tolist(), found, strict=True):
            names.setdefault(owners[keep[k]], set()).add(name)
        for owner, named in names.items():
            words_of: set[str] = set()
            for name in named:
                for word in words(name):
                    words_of.update(self._possessor_canonical(word))
            result[owner] = frozenset(words_of)
        return result

    @property
    def variant_words(self) -> frozenset[str]:
        """Every word of every synonym variant and related term: known words, never corrected."""
        return self._variant_words

    def content_words(self, text: str, folded: Sequence[str] | None = None) -> list[str]:
        """Canonical words that carry meaning (filler removed), unstemmed, duplicates removed,
        order kept. Used for stored text: phrasings, titles, keywords, answers. ``folded``: the
        :func:`words` of ``text``, when the caller has them already."""
        if _CAPITALS.search(text):  # "US", "WHO": read as a question would be
            return self._capitals_content(text)
        canonical = self._canonical_words(words(text) if folded is None else folded)
        spelt = self._spelt_digits.get
        return list(dict.fromkeys([spelt(w, w) for w in canonical if w not in STOPWORDS]))

    def _capitals_content(self, text: str) -> list[str]:
        """The words of :meth:`analyse` for stored text with words in capitals ("US", "WHO"), with
        less work: only whether each word is written in capitals matters here, not its other flags."""
        text = _clean(text)
        shouting = text.isupper()
        items: list[tuple[str, bool]] = []  # (folded word, written in capitals)
        for raw in _RAW_WORD.findall(text):
            if raw.isascii() and "'" not in raw:
                items.append((raw.lower(), not shouting and len(raw) >= 2 and raw.isupper()))
            else:
                core = _APOSTROPHES.split(raw, maxsplit=1)[0]
                capitals = not shouting and len(core) >= 2 and core.isupper()
                items.extend((word, capitals) for word in _WORD.findall(fold(raw)))
        folded = [word for word, _ in items]
        kept: list[str] = []
        i = 0
        while i < len(items):
            word, capitals = items[i]
            if capitals and word in self._initialisms and word not in self._phrases:
                kept.extend(w for w in self._initialisms[word] if w not in STOPWORDS)
                i += 1
                continue
            found = self._variant_at(folded, i) if word in self._phrases else None
            if found is not None:
                kept.extend(w for w in found[1] if w not in STOPWORDS)
                i += found[0]
                continue
            if word not in STOPWORDS or (capitals and word not in _COMMON_CAPS):
                kept.append(word)
            i += 1
        spelt = self._spelt_digits.get
        return list(dict.fromkeys(spelt(w, w) for w in kept))

    def _canonical_words(self, folded: Sequence[str]) -> list[str]:
        """:meth:`canonical` for plain words of stored text (none written in capitals, so no
        initialism applies): the same phrases replaced, without a :class:`Tagged` for each word."""
        phrases = self._phrases
        if phrases.keys().isdisjoint(folded):
            return list(folded)
        starts = [i for i, word in enumerate(folded) if word in phrases]
        result: list[str] = []
        done = 0  # folded[:done] is in result
        for i in starts:
            if i < done:
                continue
            found = self._variant_at(folded, i)
            if found is not None:
                result.extend(folded[done:i])
                result.extend(found[1])
                done = i + found[0]
        result.extend(folded[done:])
        return result


#: Filler words people write in capitals without meaning a name ("I", "OK").
_COMMON_CAPS = frozenset({"i", "ok", "im", "id", "a"})


@dataclasses.dataclass(frozen=True, slots=True)
class Reading:
    """Many texts read by a :class:`ContentReader`, as ids of its :attr:`ContentReader.words`: the
    texts' words end to end (``tokens``, ``token_sizes[i]`` of them for text ``i``, what
    :func:`words` gives) and their content words (``content``, ``content_sizes[i]`` of them, what
    :meth:`Normaliser.content_words` gives)."""

    tokens: np.ndarray  # int64
    token_sizes: np.ndarray  # int64, one per text
    content: np.ndarray  # int64
    content_sizes: np.ndarray  # int64, one per text


class ContentReader:
    """Reads the words and content words of many stored texts at once (a knowledge base's), as ids
    of a vocabulary it grows (:attr:`words`): each distinct word is looked at once, and the texts'
    words are mapped through the vocabulary with numpy, where reading text by text would look at
    every word of every text. A knowledge base has far fewer distinct words than words.

    The result is, text by text, what :func:`words` and :meth:`Normaliser.content_words` give:
    synonyms are replaced as :meth:`Normaliser._canonical_words` replaces them (the longest variant
    at the first place one starts), and the only texts read one by one are those with a word in
    capitals that reads otherwise than in lower case ("US", "WHO": see
    :meth:`Normaliser._capitals_content`).
    """

    def __init__(self, normaliser: Normaliser) -> None:
        self._norm = normaliser
        #: The vocabulary: word id -> folded word.
        self.words: list[str] = []
        # The separators of texts read together ("|" after ASCII texts are split, "\n" otherwise)
        # are -1, no word.
        self._ids = _Vocabulary(self._add)
        self._ids.update({"|": -1, "\n": -1})
        self._kept: list[int] = []  # word id -> the id of what stored text keeps of it, -1 nothing
        self._single: list[int] = []  # word id -> its synonym's canonical words (see _canonical), or -1
        # Canonical words of synonyms: canonical id -> their word ids.
        self._canonical_ids: dict[tuple[str, ...], int] = {}
        self._canonical_words: list[list[int]] = []
        # Two words a synonym variant of several words starts with, as one number of their ids.
        pairs = normaliser._by_pair
        coded = sorted(((self.id(a) << 32) + self.id(b), (a, b)) for a, b in pairs)
        self._pairs = np.asarray([code for code, _ in coded], dtype=np.int64)
        # Where every variant starting with the pair is of two words, the pair is the variant: its
        # canonical words' id (else -1: the longer ones are looked for).
        self._pair_canonical = np.asarray(
            [
                self._canonical(pairs[pair][0][1]) if all(len(v) == 2 for v, _ in pairs[pair]) else -1
                for _, pair in coded
            ],
            dtype=np.int64,
        )
        self._longest = max((len(v) for options in pairs.values() for v, _ in options), default=2)
        # Words as stored text with capitals reads them (see _capitals): raw word -> id, and per id
        # its folded words' ids and whether, in capitals, it reads otherwise than in lower case.
        self._spelt = np.zeros(0, dtype=object)  # the words, and a newline last (see spelt)
        self._lengths = np.zeros(0, dtype=np.int64)
        self._kinds = np.zeros(0, dtype=np.uint8)  # see _char_kinds
        self._folded_ids = _Vocabulary(self._folded_id)  # a word as written (see _tokens) -> id
        self._folded_ids["|"] = -1
        self._states: list[int] = []  # word id -> whether it states a date (1) and a quantity (2)
        self._raw_ids = _Vocabulary(self._raw_id)
        self._raw_ids["|"] = -1
        self._raw_words: list[list[int]] = []
        self._raw_runs = _Runs()  # an ASCII run of letters, digits and apostrophes -> its raw words
        self._raw_apart: list[bool] = []

    def id(self, word: str) -> int:
        """The id of ``word`` (folded), added to the vocabulary when new."""
        return self._ids[word]

    def _add(self, word: str) -> int:
        found = self._ids[word] = len(self.words)
        self.words.append(word)
        self._kept.append(-1)
        self._single.append(-1)
        kept = self._norm._stored.get(word, word)
        if kept is not None:
            self._kept[found] = found if kept == word else self.id(kept)
        canonical = self._norm._single.get(word)
        if canonical is not None:
            self._single[found] = self._canonical(canonical)
        return found

    def _canonical(self, canonical: Sequence[str]) -> int:
        """The id of a synonym's canonical words."""
        key = tuple(canonical)
        found = self._canonical_ids.get(key)
        if found is None:
            found = self._canonical_ids[key] = len(self._canonical_words)
            self._canonical_words.append([])
            self._canonical_words[found] = [self.id(w) for w in key]
        return found

    def spelt(self, ids: np.ndarray) -> list[str]:
        """The words of ``ids`` (-1: a newline)."""
        if len(self._spelt) < len(self.words) + 1:
            self._spelt = np.asarray([*self.words, "\n"], dtype=object)
        return self._spelt[ids].tolist()

    def _char_kinds(self, codes: np.ndarray) -> np.ndarray:
        """By code point, what folding makes of each character so far seen (those of ``codes`` now
        too): :data:`_WORD_KIND`, a word character (``[^\\W_]``) folded into word characters only;
        :data:`_OTHER_KIND`, another character folded into other characters only (none an
        apostrophe); else :data:`_UNSAFE`. Text of the first two kinds splits into words as its
        folding does."""
        kinds = self._kinds
        if not len(kinds):
            kinds = self._kinds = np.zeros(0x110000, dtype=np.uint8)
        for code in np.unique(codes[kinds[codes] == 0]).tolist():
            ch = chr(code)
            folded = ch.translate(_FOLDED)
            if _WORD.fullmatch(ch):
                kinds[code] = _WORD_KIND if folded and _WORD.fullmatch(folded) else _UNSAFE
            else:
                plain = folded and _WORD.search(folded) is None and "'" not in folded
                kinds[code] = _OTHER_KIND if plain else _UNSAFE
        return kinds

    def _folded_id(self, raw: str) -> int:
        """The id of a word of :data:`_WORD_KIND` characters once folded."""
        found = self._folded_ids[raw] = self._ids[raw.translate(_FOLDED)]
        return found

    def lengths(self) -> np.ndarray:
        """The length of each word (int64, by id)."""
        known = len(self._lengths)
        if known < len(self.words):
            more = np.fromiter(map(len, self.words[known:]), dtype=np.int64, count=len(self.words) - known)
            self._lengths = np.concatenate((self._lengths, more))
        return self._lengths

    def ids(self, words: Sequence[str]) -> np.ndarray:
        """The ids of ``words`` (the separators of texts read together: -1)."""
        return np.fromiter(map(self._ids.__getitem__, words), dtype=np.int64, count=len(words))

    def read(self, texts: Sequence[str]) -> Reading:
        """The words and the content words of each of ``texts``."""
        tokens, token_sizes = self._tokens(texts)
        owner = np.repeat(np.arange(len(texts), dtype=np.int64), token_sizes)
        # Texts with a word in capitals read as a question would (see content_words): most of them
        # as their lower-case words do, the rest (their content final) one by one.
        capitals = _capital_texts(texts)
        final_owner: list[int] = []
        final: list[int] = []
        if capitals:
            seq, seq_owner, apart = self._capitals(texts, capitals)
            for i in apart:
                content = self._norm._capitals_content(texts[i])
                final += map(self.id, content)
                final_owner += [i] * len(content)
            apart_texts = np.zeros(len(texts), dtype=bool)
            apart_texts[capitals] = True
            keep = ~apart_texts[owner]
            seq, owner = _in_order(np.concatenate((tokens[keep], seq)), np.concatenate((owner[keep], seq_owner)))
        else:
            seq = tokens
        seq, owner = self._synonyms(seq, owner)
        # What stored text keeps of each word (filler dropped, small numbers spelt), each once.
        kept = np.asarray(self._kept, dtype=np.int64)[seq]
        mask = kept >= 0
        kept, owner = kept[mask], owner[mask]
        _, firsts = np.unique(owner * len(self.words) + kept, return_index=True)
        firsts.sort()
        content, owner = kept[firsts], owner[firsts]
        if final:
            content, owner = _in_order(
                np.concatenate((content, np.asarray(final, dtype=np.int64))),
                np.concatenate((owner, np.asarray(final_owner, dtype=np.int64))),
            )
        return Reading(tokens, token_sizes, content, np.bincount(owner, minlength=len(texts)).astype(np.int64))

    def _synonyms(self, seq: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The words ``seq`` (of the texts ``owner``, in order) with synonyms replaced as
        :meth:`Normaliser._canonical_words` replaces them: at each place a variant starts that no
        replaced variant covers, the longest one."""
        n = len(seq)
        canonical = np.asarray(self._single, dtype=np.int64)[seq]  # a variant of one word
        length = (canonical >= 0).astype(np.int64)
        if n > 1 and len(self._pairs):  # where a longer variant may start, it is looked for
            pairs = (seq[:-1] << 32) + seq[1:]
            at = np.minimum(np.searchsorted(self._pairs, pairs), len(self._pairs) - 1)
            found = np.flatnonzero((self._pairs[at] == pairs) & (owner[:-1] == owner[1:]))
            two = self._pair_canonical[at[found]]
            length[found[two >= 0]] = 2
            canonical[found[two >= 0]] = two[two >= 0]
            longer = found[two < 0]
            if len(longer):
                ends = np.searchsorted(owner, owner[longer], side="right")
                stops = np.minimum(longer + self._longest, ends).tolist()
                words = self.words
                found = self._norm._variant_at
                for i, stop in zip(longer.tolist(), stops, strict=True):
                    variant = found([words[w] for w in seq[i:stop].tolist()], 0)
                    if variant is not None:
                        length[i] = variant[0]
                        canonical[i] = self._canonical(variant[1])
        starts = np.flatnonzero(length)
        if not len(starts):
            return seq, owner
        # A variant inside a longer one replaced before it is not one (left to right).
        emit = np.ones(n, dtype=np.int64)
        long_starts = starts[length[starts] > 1].tolist()
        done = 0
        for i in long_starts:
            if i < done:
                length[i] = 0
                continue
            done = i + int(length[i])
            emit[i + 1 : done] = 0
            length[i + 1 : done] = 0
        starts = np.flatnonzero(length)
        # Each word emits itself, nothing (inside a replaced variant) or its variant's canonical words.
        table = self._canonical_words
        sizes = np.fromiter(map(len, table), dtype=np.int64, count=len(table))
        pool = np.concatenate((seq, np.fromiter(chain.from_iterable(table), dtype=np.int64, count=int(sizes.sum()))))
        source = np.arange(n, dtype=np.int64)
        source[starts] = n + (np.cumsum(sizes) - sizes)[canonical[starts]]
        emit[starts] = sizes[canonical[starts]]
        total = int(emit.sum())
        offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(emit) - emit, emit)
        return pool[np.repeat(source, emit) + offsets], np.repeat(owner, emit)

    def expected_answer_kinds(self, texts: Sequence[str], read: Reading, asked: np.ndarray) -> list[str | None]:
        """:func:`expected_answer_kind` of each of ``texts`` where ``asked`` (a mask) is true (None
        elsewhere), read from ``read`` (their :meth:`read`): the texts with none of the words a
        question of a kind has are of none; the others are searched together, as one text of one
        line each, and those that may ask a quantity are read one by one."""
        result: list[str | None] = [None] * len(texts)
        kind_words = np.asarray([self.id(w) for w in sorted(_KIND_WORDS)], dtype=np.int64)
        owner = np.repeat(np.arange(len(texts), dtype=np.int64), read.token_sizes)
        candidate = np.zeros(len(texts), dtype=bool)
        is_kind_word = np.zeros(len(self.words), dtype=bool)
        is_kind_word[kind_words] = True
        candidate[owner[is_kind_word[read.tokens]]] = True
        candidates = np.flatnonzero(candidate & asked).tolist()
        if not candidates:
            return result
        joined, chars = self._joined(read, candidates, " \n ")  # no pattern crosses a newline
        dates = _found(_DATE_QUESTION, joined, chars + 3)
        quantities = _found(_QUANTITY_QUESTION, joined, chars + 3)
        starts = (np.cumsum(chars + 3) - (chars + 3)).tolist()
        for k, i in enumerate(candidates):
            if k in quantities:  # "how much" may ask a degree: read as expected_answer_kind reads it
                result[i] = expected_answer_kind(texts[i], joined[starts[k] : starts[k] + int(chars[k])].split(" "))
            elif k in dates:
                result[i] = "date"
        return result

    def answer_kinds(self, texts: Sequence[str], read: Reading, stated: np.ndarray) -> list[frozenset[str]]:
        """:func:`answer_kinds` of each of ``texts`` where ``stated`` (a mask) is true (nothing
        elsewhere), read from ``read`` (their :meth:`read`). Its patterns find a date or a quantity
        within one word (a year, a month, a number, a number word; "5 percent" has the number), so
        what a text states is what its words do, each word looked at once; a text with the modal verb
        "may" or a number that names ("Resolution 1244") is read one by one."""
        result = [frozenset[str]()] * len(texts)
        which = np.flatnonzero(stated).tolist()
        alone = [
            i
            for i in which
            if "may" in texts[i] or (_SPACED_DIGIT.search(texts[i]) and _IDENTIFIER.search(texts[i]))
        ]
        for i in alone:
            result[i] = answer_kinds(texts[i])
        states = self._states
        for word in self.words[len(states) :]:
            states.append(bool(_DATE.search(word)) + 2 * bool(_QUANTITY.search(_YEAR.sub(" ", word))))
        mask = np.zeros(len(texts), dtype=bool)
        mask[which] = True
        mask[alone] = False
        owner = np.repeat(np.arange(len(texts), dtype=np.int64), read.token_sizes)
        bits = np.asarray(states, dtype=np.int64)[read.tokens]
        dates = np.bincount(owner, weights=bits & 1, minlength=len(texts)) > 0
        counted = np.bincount(owner, weights=bits & 2, minlength=len(texts)) > 0
        for i in np.flatnonzero(mask).tolist():
            result[i] = _KINDS[bool(dates[i]), bool(counted[i])]
        return result

    def _joined(self, read: Reading, which: Sequence[int], between: str) -> tuple[str, np.ndarray]:
        """The words of texts ``which`` of ``read`` (each with at least one), each text's joined by
        spaces, the texts joined by ``between`` (a space, a separator, a space); and each text's
        length."""
        starts = np.cumsum(read.token_sizes) - read.token_sizes
        sizes = read.token_sizes[which]
        at = np.repeat(starts[which] - (np.cumsum(sizes) - sizes), sizes) + np.arange(int(sizes.sum()))
        tokens = read.tokens[at]
        spaced = np.full(len(tokens) + len(sizes), -1, dtype=np.int64)
        spaced[np.arange(len(tokens)) + np.repeat(np.arange(len(sizes)), sizes)] = tokens
        joined = " ".join(self.spelt(spaced[:-1]))
        if between != " \n ":
            joined = joined.replace(" \n ", between)
        chars = np.add.reduceat(self.lengths()[tokens], np.cumsum(sizes) - sizes) + sizes - 1
        return joined, chars

    def _tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """:func:`words` of each of ``texts``, as word ids end to end, and how many each text has.

        The texts no longer than :data:`MAX_INPUT_CHARS` without a newline (phrasings, titles, most
        answers) are folded together, the ASCII ones apart, as one text of one line each: the
        patterns of :func:`fold` see a newline as they see a text's start or end, and folding works
        character by character (see :class:`_FoldedChars`). An ASCII line is then split on what is
        not a letter or a digit, which for ASCII is what :data:`_WORD` finds. The rest are read one
        by one."""
        plain: list[int] = []
        other: list[int] = []
        alone: list[int] = []
        for i, text in enumerate(texts):
            if len(text) > MAX_INPUT_CHARS or "\n" in text:
                alone.append(i)
            else:
                (plain if text.isascii() else other).append(i)
        # texts, and their words (or their ids) with a separator after each
        parts: list[tuple[list[int], list[str] | np.ndarray]] = []
        if plain:
            joined = "\n".join([texts[i] for i in plain]).lower().replace("`", "'")
            if "'" in joined:
                joined = _APOSTROPHE.sub("", _POSSESSIVE.sub("", joined))
            spaced = joined.encode("ascii").translate(_ASCII_WORD_BYTES).decode("ascii")
            plain_words = spaced.replace("\n", " | ").split()
            plain_words.append("|")
            parts.append((plain, plain_words))
        if other:
            # Most text in other scripts is folded character by character into as many words:
            # split it first, and fold each distinct word once.
            joined = "\n".join([texts[i] for i in other])
            codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
            kinds = self._char_kinds(codes)[codes]
            unsafe = set()
            if (kinds == _UNSAFE).any():
                ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64)[other] + 1)
                unsafe = set(np.searchsorted(ends, np.flatnonzero(kinds == _UNSAFE), side="right").tolist())
            if len(unsafe) < len(other):
                split = [i for k, i in enumerate(other) if k not in unsafe]
                if unsafe:
                    joined = "\n".join([texts[i] for i in split])
                    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
                    kinds = self._char_kinds(codes)[codes]
                spaced = np.where(kinds == _WORD_KIND, codes, np.uint32(32))
                spaced[codes == 10] = 124  # "|" between texts
                raw = spaced.tobytes().decode("utf-32-le").replace("|", " | ").split()
                raw.append("|")
                folded_ids = np.fromiter(map(self._folded_ids.__getitem__, raw), dtype=np.int64, count=len(raw))
                parts.append((split, folded_ids))
            if unsafe:
                folded = [k for k in range(len(other)) if k in unsafe]
                joined = "\n".join([texts[other[k]] for k in folded]).translate(_FOLDED)
                if "'" in joined:
                    joined = _APOSTROPHE.sub("", _POSSESSIVE.sub("", joined))
                parts.append(([other[k] for k in folded], _WORD_OR_LINE.findall(joined + "\n")))
        if alone:
            found: list[str] = []
            for i in alone:
                found += words(texts[i])
                found.append("\n")
            parts.append((alone, found))
        sizes = np.zeros(len(texts), dtype=np.int64)
        ids, owners = [], []
        for group, found in parts:
            part = found if isinstance(found, np.ndarray) else self.ids(found)
            ends = np.flatnonzero(part < 0)
            sizes[group] = np.diff(ends, prepend=-1) - 1
            ids.append(part[part >= 0])
            owners.append(np.asarray(group, dtype=np.int64))
        if not ids:
            return np.zeros(0, dtype=np.int64), sizes
        if len(ids) == 1:
            return ids[0], sizes
        owner = np.concatenate([np.repeat(o, sizes[o]) for o in owners])
        return _in_order(np.concatenate(ids), owner)[0], sizes

    def _capitals(self, texts: Sequence[str], capitals: list[int]) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """For the ``capitals`` of ``texts`` (each with a word in capitals), the words that
        :meth:`Normaliser._capitals_content` reads them as, end to end, with the text of each, when
        each of its words reads as in lower case; the others (their indices) apart."""
        # ASCII (most, which NFKC leaves as it is): its words are its runs of letters, digits and
        # apostrophes, those with an apostrophe split as _RAW_WORD splits them.
        plain = [k for k, i in enumerate(capitals) if texts[i].isascii() and "\n" not in texts[i]]
        cleaned = [texts[i][:MAX_INPUT_CHARS] for i in capitals]
        raw: list[str] = []
        if plain:
            joined = "\n".join([cleaned[k] for k in plain]).encode("ascii")
            joined = joined.translate(_ASCII_RAW_BYTES).decode("ascii")
            if "'" in joined:
                joined = _APOSTROPHE_RUN.sub(lambda run: self._raw_runs[run.group()], joined)
            raw = joined.replace("\n", " | ").split()
            raw.append("|")
        counts = np.zeros(len(capitals), dtype=np.int64)
        shouting = np.fromiter(map(str.isupper, cleaned), dtype=bool, count=len(capitals))
        rest = sorted(set(range(len(capitals))) - set(plain))
        for k in rest:
            text = cleaned[k] = _clean(texts[capitals[k]])
            shouting[k] = text.isupper()
            raw += _RAW_WORD.findall(text)
            raw.append("|")
        rids = np.fromiter(map(self._raw_ids.__getitem__, raw), dtype=np.int64, count=len(raw))
        ends = np.flatnonzero(rids < 0)
        counts[plain + rest] = np.diff(ends, prepend=-1) - 1
        which = np.repeat(np.asarray(plain + rest, dtype=np.int64), counts[plain + rest])
        rids = rids[rids >= 0]
        order = np.argsort(which, kind="stable")
        rids, which = rids[order], which[order]
        apart_words = np.asarray(self._raw_apart, dtype=bool)[rids]
        apart = (np.bincount(which[apart_words], minlength=len(capitals)) > 0) & ~np.asarray(shouting, dtype=bool)
        # Each raw word's folded words (most have one), end to end.
        n_words = np.asarray([len(w) for w in self._raw_words], dtype=np.int64)
        flat = np.fromiter(chain.from_iterable(self._raw_words), dtype=np.int64, count=int(n_words.sum()))
        starts = np.cumsum(n_words) - n_words
        keep = ~apart[which]
        rids, which = rids[keep], which[keep]
        per = n_words[rids]
        total = int(per.sum())
        offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(per) - per, per)
        seq = flat[np.repeat(starts[rids], per) + offsets]
        owner = np.asarray(capitals, dtype=np.int64)[np.repeat(which, per)]
        return seq, owner, [capitals[k] for k in np.flatnonzero(apart).tolist()]

    def _raw_id(self, raw: str) -> int:
        """The id of a word as :meth:`Normaliser._capitals_content` finds it, added when new."""
        norm = self._norm
        if raw.isascii() and "'" not in raw:
            folded = [raw.lower()]
            capitals = len(raw) >= 2 and raw.isupper()
        else:
            core = _APOSTROPHES.split(raw, maxsplit=1)[0]
            capitals = len(core) >= 2 and core.isupper()
            folded = _WORD.findall(fold(raw))
        # In capitals a filler word is kept ("WHO"), and an initialism read as its words ("US").
        apart = capitals and any(
            (w in STOPWORDS and w not in _COMMON_CAPS) or (w in norm._initialisms and w not in norm._phrases)
            for w in folded
        )
        found = self._raw_ids[raw] = len(self._raw_words)
        self._raw_words.append([self._ids[w] for w in folded])
        self._raw_apart.append(apart)
        return found


class _Vocabulary(dict[str, int]):
    """Word -> id, the id of a new word made by ``add(word)`` on looking it up."""

    def __init__(self, add: Callable[[str], int]) -> None:
        super().__init__()
        self._new = add

    def __missing__(self, word: str) -> int:
        return self._new(word)


class _Runs(dict[str, str]):
    """A run of letters, digits and apostrophes -> the words :data:`_RAW_WORD` finds in it, spaced."""

    def __missing__(self, run: str) -> str:
        found = self[run] = " ".join(_RAW_WORD.findall(run))
        return found


#: A run of letters, digits and apostrophes with an apostrophe (in text of _ASCII_RAW_BYTES).
_APOSTROPHE_RUN = re.compile(r"[^ \n]*'[^ \n]*")


#: For ASCII text, what :data:`_RAW_WORD` reads: letters, digits and apostrophes stay, a newline
#: stays (between texts read together), anything else becomes a space.
_ASCII_RAW_BYTES = bytes(b if chr(b).isalnum() or b in (10, 39) else 32 for b in range(128)) + b" " * 128


def _capital_texts(texts: Sequence[str]) -> list[int]:
    """Which of ``texts`` have a word in capitals (what :data:`_CAPITALS` finds: a run of two or
    more capitals with no word character on either side), found with numpy over their characters."""
    if not texts:
        return []
    if sum(map(len, texts)) > MAX_INPUT_CHARS * len(texts):  # long texts: searched, most found early
        return [i for i, text in enumerate(texts) if _CAPITALS.search(text)]
    joined = "\n".join(texts)
    if joined.isascii():
        codes = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    else:
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    upper = (codes >= 65) & (codes <= 90)
    if not upper.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate(([False], upper, [False])).astype(np.int8)))
    first, after = edges[0::2], edges[1::2]  # each run of capitals: [first, after)
    runs = after - first >= 2
    first, after = first[runs], after[runs]
    bounded = ((first == 0) | ~_word_chars(codes[np.maximum(first - 1, 0)])) & (
        (after == len(codes)) | ~_word_chars(codes[np.minimum(after, len(codes) - 1)])
    )
    if not bounded.any():
        return []
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1) - 1
    return np.unique(np.searchsorted(ends, first[bounded])).tolist()


def _word_chars(codes: np.ndarray) -> np.ndarray:
    """Whether each of ``codes`` (code points) is a word character (``\\w``)."""
    word = _ASCII_WORD_CHARS[np.minimum(codes, 128)]
    for at in np.flatnonzero(codes > 127).tolist():  # few: the characters beside capitals
        code = int(codes[at])
        found = _WORD_CHARS.get(code)
        if found is None:
            found = _WORD_CHAR.match(chr(code)) is not None
            if len(_WORD_CHARS) < FOLDED_CHARS:
                _WORD_CHARS[code] = found
        word[at] = found
    return word


#: Whether each ASCII character (and, last, any other) is a word character (\w).
_ASCII_WORD_CHARS = np.asarray([chr(c).isalnum() or c == 95 for c in range(128)] + [False], dtype=bool)
_WORD_CHAR = re.compile(r"\w")
_WORD_CHARS: dict[int, bool] = {}  # other characters, once seen


def _found(pattern: re.Pattern[str], joined: str, lengths: Sequence[int] | np.ndarray) -> set[int]:
    """Which of the texts joined in ``joined`` (each of ``lengths`` with what follows it) have a match
    of ``pattern``."""
    at = [match.start() for match in pattern.finditer(joined)]
    if not at:
        return set()
    ends = np.cumsum(np.asarray(lengths, dtype=np.int64))
    return set(np.searchsorted(ends, at, side="right").tolist())


#: answer_kinds by whether a date and a quantity are stated.
_KINDS = {
    (False, False): frozenset[str](),
    (True, False): frozenset({"date"}),
    (False, True): frozenset({"quantity"}),
    (True, True): frozenset({"date", "quantity"}),
}

#: What :meth:`ContentReader._char_kinds` makes of a character.
_WORD_KIND, _OTHER_KIND, _UNSAFE = 1, 2, 3

#: A word, or the newline between texts read together.
_WORD_OR_LINE = re.compile(r"[^\W_]+|\n")


def _in_order(values: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``values`` and ``owner`` sorted by owner, each owner's values in the order they come."""
    # a stable sort of 16-bit keys is a radix sort
    keys = owner.astype(np.uint16) if len(owner) and int(owner.max()) < 1 << 16 else owner
    order = np.argsort(keys, kind="stable")
    return values[order], owner[order]
