"""Text normalisation shared by the question index and the queries.

The same function turns a stored phrasing and a member's question into index terms, so they meet:
Unicode NFKC, case folding, accent folding ("Vucic" meets "Vučić"), invisible characters removed,
possessives and punctuation dropped, curated synonyms applied, filler words removed, words stemmed.
Input is cut to :data:`MAX_INPUT_CHARS` before any work, so time is bounded whatever arrives.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
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
        end = match.start()
        while end and text[end - 1].isspace():
            end -= 1
        sentence_start = not end or text[end - 1] in _SENTENCE_END
        core = raw if plain else _APOSTROPHES.split(raw, maxsplit=1)[0]
        if len(core) >= 2 and core.isupper() and not shouting:
            flag = CAPITALS
        elif (core[:1].isupper() and not sentence_start and not shouting) or not core.isalpha():  # has digits
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
_DEGREE = re.compile(
    r"\bhow much (?:do|does|did|has|have|had|is|are|was|were|will|would|can|could|should|might|may|must)\b"
    r"(?P<rest>.*)"
)
_AMOUNT_WORDS = re.compile(
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
_MODAL_MAY = re.compile(r"(?<!\d )(?<!\d)\bmay\b(?! ?\d)")
#: A number that names rather than counts: "Resolution 1244", "Article 5", "Room 7".
_IDENTIFIER = re.compile(
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
#: separates the texts of :func:`many_words`), anything else becomes a space.
_ASCII_WORD_BYTES = bytes(b if chr(b).isalnum() or b == 10 else 32 for b in range(128)) + b" " * 128


def many_words(texts: Sequence[str]) -> list[list[str]]:
    """``[words(text) for text in texts]``, with less work for many texts (a knowledge base's).

    The texts no longer than :data:`MAX_INPUT_CHARS` without a newline (phrasings, titles, most
    answers) are folded together, the ASCII ones apart, as one text of one line each: the
    patterns of :func:`fold` see a newline as they see a text's start or end, and folding works
    character by character (see :class:`_FoldedChars`). An ASCII line is then split on what is
    not a letter or a digit, which for ASCII is what :data:`_WORD` finds. The rest are read one
    by one."""
    result: list[list[str] | None] = [None] * len(texts)
    plain: list[int] = []
    other: list[int] = []
    for i, text in enumerate(texts):
        if len(text) > MAX_INPUT_CHARS or "\n" in text:
            result[i] = words(text)
        else:
            (plain if text.isascii() else other).append(i)
    for group, is_ascii in ((plain, True), (other, False)):
        if not group:
            continue
        joined = "\n".join([texts[i] for i in group])
        joined = joined.lower().replace("`", "'") if is_ascii else joined.translate(_FOLDED)
        if "'" in joined:
            joined = _APOSTROPHE.sub("", _POSSESSIVE.sub("", joined))
        if is_ascii:
            lines = joined.encode("ascii").translate(_ASCII_WORD_BYTES).decode("ascii").split("\n")
            for i, line in zip(group, lines, strict=True):
                result[i] = line.split()
        else:
            for i, line in zip(group, joined.split("\n"), strict=True):
                result[i] = _WORD.findall(line)
    return result  # type: ignore[return-value]  # every slot is filled


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

    def relate(self, tagged: list[Tagged], known: Callable[[str], bool]) -> list[Tagged]:
        """Related terms the index does not know (``known(word)`` is false for one of their content
        words) read as their group's first term, at :data:`RELATED_SIMILARITY` times the lowest
        similarity of the words they replace."""
        if not self._related:
            return tagged

        def weaker(span: list[Tagged], variant: tuple[str, ...], head: tuple[str, ...]) -> list[Tagged] | None:
            if all(known(w) for w in variant if w not in STOPWORDS):
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
        result: list[Tagged] = []
        folded = [t.word for t in tagged]
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
        self, question: str, fix: Fixer | None = None, known: Callable[[str], bool] | None = None
    ) -> list[Tagged]:
        """A member's question as content words, each flagged :data:`NAME` when written like a
        name, :data:`CURATED` when a curated synonym produced it, else :data:`NOT_NAME`.

        ``fix(word, is_last)`` may replace a word before synonyms apply (spelling correction,
        completion of the word being typed) and returns the word with its similarity, or ``None``.
        ``known(word)`` says whether the index knows a canonical word; given, related terms it does
        not know are read as their group's first term (:meth:`relate`).
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
            canonical = self.relate(canonical, known)
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
            seen[item.word] = Tagged(item.word, flag, item.similarity, item.typed)
        return list(seen.values())

    def possessors(self, text: str) -> frozenset[str]:
        """Canonical content words of the possessors in ``text`` ("Beijing's" -> china)."""
        found: set[str] = set()
        cache = self._possessor_words
        for word in possessors(text):
            canonical = cache.get(word)
            if canonical is None:
                canonical = tuple(t.word for t in self.canonical([Tagged(word)]) if t.word not in STOPWORDS)
                if len(cache) < 4096:
                    cache[word] = canonical
            found.update(canonical)
        return frozenset(found)

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

    def many_content_words(self, texts: Sequence[str], folded: Sequence[Sequence[str]]) -> list[list[str]]:
        """``[content_words(text, words) for text, words in zip(texts, folded)]`` for many texts
        (a knowledge base's), with less work per text."""
        single, by_pair = self._single.keys(), self._by_pair.keys()
        kept = self._stored.get
        joined = "\n".join(texts)  # the capitals pattern sees a newline as a text's end or start
        starts = list(itertools.accumulate((len(text) + 1 for text in texts), initial=0))
        capitals = {bisect.bisect_right(starts, m.start()) - 1 for m in _CAPITALS.finditer(joined)}
        result: list[list[str]] = []
        for i, plain in enumerate(folded):
            if i in capitals:
                result.append(self._capitals_content(texts[i]))
                continue
            if not (single.isdisjoint(plain) and by_pair.isdisjoint(zip(plain, plain[1:]))):
                plain = self._canonical_words(plain)  # a synonym starts somewhere
            result.append(list(dict.fromkeys(filter(None, map(kept, plain, plain)))))
        return result

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
