"""Country names in the languages the community writes, for telling a question about a country the
knowledge never speaks of ("does spain recognise kosovo", "Wie steht Deutschland zum Kosovo?").

A name written in capitals inside an English sentence already reads as a name; members type
"spain" and "greece" in lower case too, start a question with one, or write it in their own
language ("Španija", "Spanjë", "Spanien", "l'Espagne"). The names and their translations come
from ISO 3166 as :mod:`pycountry` ships it (names, common and official names, and the gettext
catalogues of each language), read once, when a question first holds a word the index does not
know. An English name is also found as its demonym's usual forms ("german", "indian"). Serbian,
Croatian, Bosnian and Albanian inflect names ("u Španiji", "Spanjës"): a translated name of five
letters or more is also found with its last vowel changed or up to three letters added. Names
shorter than five letters ("Mali", "Peru") are ordinary words somewhere and are left out, and so
is a translated name that is an English word ("Island", German for Iceland).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from bot.core.matching.normalise import words
from bot.core.matching.specificity import is_common_english

#: Languages whose country names are read, beside English.
LANGUAGES = ("de", "fr", "sr", "sr@latin", "sq", "hr", "bs", "es", "it")
#: Words of a country's name that do not tell it from others.
_GENERIC = frozenset(
    """republic of the and united kingdom states islands island saint north south east west central
    democratic people peoples federation federal plurinational state territory territories new great arab
    holy see province bolivarian islamic union sint virgin minor outlying french british southern northern
    lands socialist hellenic principality grand duchy commonwealth co operative oriental""".split()
)
#: English short forms that ISO 3166 does not give.
_ALIASES = {"RU": ("Russia",), "GB": ("Britain", "Great Britain"), "US": ("America",)}
#: Shortest name (in letters) read at all, and from which inflected forms are read.
MIN_LETTERS = 5
#: Letters an inflected form may add to a name (after its last vowel is dropped).
MAX_ENDING = 3
#: Words kept in a caller's memo of :func:`mentioned` (then it starts again).
MEMO_WORDS = 4096
_VOWELS = frozenset("aeiouy")


@functools.cache
def _tables() -> tuple[dict[tuple[str, ...], str], dict[tuple[str, ...], str], dict[str, tuple[tuple[str, ...], ...]]]:
    """Exact names, inflection stems (both: folded words -> alpha-2 code) and each code's English
    names (as folded words)."""
    import gettext

    import pycountry

    exact: dict[tuple[str, ...], str] = {}
    stems: dict[tuple[str, ...], str] = {}
    english: dict[str, tuple[tuple[str, ...], ...]] = {}
    catalogues = []
    for language in LANGUAGES:
        try:
            catalogues.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]))
        except OSError:  # a catalogue missing from this pycountry: that language's names are not read
            continue
    for country in pycountry.countries:
        names = [getattr(country, key, None) for key in ("name", "common_name", "official_name")]
        own = [name for name in names if name]
        own += [name.split(",", 1)[0] for name in own if "," in name]
        own += list(_ALIASES.get(country.alpha_2, ()))
        english[country.alpha_2] = tuple(tuple(words(name)) for name in dict.fromkeys(own))
        for folded in english[country.alpha_2]:
            if folded and sum(map(len, folded)) >= MIN_LETTERS:
                for form in _english_forms(folded[-1]):
                    exact.setdefault((*folded[:-1], form), country.alpha_2)
        translated = [catalogue.gettext(name) for catalogue in catalogues for name in names if name]
        translated += [name.split(",", 1)[0] for name in translated if "," in name]
        for name in dict.fromkeys(translated):
            folded = tuple(words(name))
            if not folded or sum(map(len, folded)) < MIN_LETTERS or folded in exact:
                continue
            if len(folded) == 1 and is_common_english(folded[0]):
                continue  # "Island" (German, Iceland) is an English word first
            exact.setdefault(folded, country.alpha_2)
            last = folded[-1]
            if len(last) >= MIN_LETTERS:
                stem = last[:-1] if last[-1] in _VOWELS else last
                stems.setdefault((*folded[:-1], stem), country.alpha_2)
    return exact, stems, english


def _english_forms(word: str) -> set[str]:
    """An English country name's word and its demonyms' usual forms ("germany": "german",
    "india": "indian", "japan": "japanese", "italy": "italian")."""
    forms = {word, f"{word}n", f"{word}ian", f"{word}ese", f"{word}s"}
    if len(word) >= MIN_LETTERS:
        forms |= {f"{word[:-1]}an", f"{word[:-1]}ian", f"{word[:-1]}ese"}
        if word.endswith("y"):
            forms.add(word[:-1])
    return forms


Tables = tuple[dict[tuple[str, ...], str], dict[tuple[str, ...], str], frozenset[str]]


def _with_firsts(exact: dict[tuple[str, ...], str], stems: dict[tuple[str, ...], str]) -> Tables:
    """The tables, with the first words of the names of more than one word."""
    return exact, stems, frozenset(span[0] for table in (exact, stems) for span in table if len(span) > 1)


def mentioned(
    tokens: Sequence[str],
    tables: Tables | None = None,
    known: frozenset[str] = frozenset(),
    memo: dict[str, str | None] | None = None,
) -> list[tuple[str, tuple[str, ...]]]:
    """The countries ``tokens`` (folded words, in order) name: each as its alpha-2 code with the
    words that name it, longest names first. ``tables``: exact names and stems to look in (every
    country's, by default). A French elision ("l'Espagne", folded "lespagne") names one too.
    A word in ``known`` is not read as a name of one word (an index's own words, which name no
    country it does not know). ``memo``: the country each word names alone, as found so far in
    ``tables`` (kept by the caller, which gives the same tables each time)."""
    exact, stems, firsts = tables if tables is not None else _all_tables()
    if not exact:
        return []
    found: list[tuple[str, tuple[str, ...]]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        for length in (4, 3, 2, 1) if token in firsts else (1,):
            span = tuple(tokens[i : i + length])
            if len(span) < length or (length == 1 and token in known):
                continue
            if length == 1 and memo is not None and token in memo:
                code = memo[token]
            else:
                code = _lookup(span, exact, stems)
                if code is None and length == 1 and len(token) > MIN_LETTERS and token[0] in "ld":
                    code = _lookup((token[1:],), exact, stems)
                if length == 1 and memo is not None:
                    if len(memo) >= MEMO_WORDS:
                        memo.clear()
                    memo[token] = code
            if code is not None:
                found.append((code, span))
                i += length
                break
        else:
            i += 1
    return found


def english_name(code: str) -> tuple[str, ...]:
    """The English name of the country whose alpha-2 code is ``code``, as folded words (ISO 3166's
    first: "RU" -> ("russian", "federation")); empty for a code it does not know."""
    names = _tables()[2].get(code, ())
    return names[0] if names else ()


@functools.cache
def _all_tables() -> Tables:
    exact, stems, _english = _tables()
    return _with_firsts(exact, stems)


def _lookup(span: tuple[str, ...], exact: dict[tuple[str, ...], str], stems: dict[tuple[str, ...], str]) -> str | None:
    code = exact.get(span)
    last = span[-1]
    if code is None and len(last) >= MIN_LETTERS - 1:
        for cut in range(MAX_ENDING + 1):
            if len(last) - cut < MIN_LETTERS - 1:
                break
            code = stems.get((*span[:-1], last[: len(last) - cut]))
            if code is not None:
                break
        if code is not None and len(span) == 1 and is_common_english(last):
            return None  # "island" is not "Islande", "malt" not "Malta"
    return code


def unknown_tables(knows: Callable[[str], bool]) -> Tables:
    """The names (exact, and stems) of the countries no fact speaks of: none of their English names'
    telling words is a word ``knows`` (the index's vocabulary), nor all the words of one of them."""
    exact, stems, english = _tables()
    known = set()
    for code, names in english.items():
        telling = [w for name in names for w in name if w not in _GENERIC]
        if any(knows(w) for w in telling) or any(name and all(knows(w) for w in name) for name in names):
            known.add(code)
    return _with_firsts(
        {span: code for span, code in exact.items() if code not in known},
        {span: code for span, code in stems.items() if code not in known},
    )
