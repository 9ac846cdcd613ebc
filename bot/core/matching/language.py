"""Is a question written in English? A cheap, conservative test.

Language identification on short questions is unreliable, and English keyword questions full of
names look like anything. The answer path needs only one bit: whether the lexical index (which
reads English) can be trusted with the question, or whether the semantic stage must read it. A
question counts as not English when it is written in Cyrillic, or when it holds at least two
distinct function words of the languages the community writes (Serbian, Albanian, German,
French) that are not English words, counting a German word ending and the Albanian "ë" as such
words. English questions with one foreign name ("Vučić", "Prishtinë")
stay English.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.matching.normalise import words

# Function words and frequent forms that an English question does not contain, folded (no
# diacritics). Words that are English too ("die", "was", "hat", "a", "i", "un") are left out.
_MARKERS = frozenset(
    # Serbian (Latin; Cyrillic is caught by its script)
    "li je su sta sto zasto kako koliko ko koji koja koje kojeg kome kada gde gdje nije jeste ili mogla "
    "moze mogu bi iz od prema izmedju kao zbog godine kina kine kinu kinom kineska kineski kineske "
    "kinesko srbija srbije srbiju srbiji kosova kosovu kosovom rusija rusije rusiju vec jos samo sve "
    "ima imaju da se na za sa u o kakav kakva kakvo biti sutra vreme ce cemu koga "
    # Albanian
    "te per ne nga dhe eshte cfare pse kush cili cila cilat mund nje kines kinez kineze kinezi kosoves "
    "kosoven serbise serbine rusine kur ku ka kane si sa ajo ai keto njeh tha cfare "
    # German
    "der das dem und ist wie warum wer wann wo mit zum zur im von bei gegen fur nicht ein eine einen "
    "einer sich auf laut haben welche welcher welches kann konnte sieht gibt es chinas serbien "
    "serbiens russland wird werden uber unter viele viel "
    # French
    "le la les du des est et que qui quoi pourquoi comment combien quel quelle quels quelles avec sur "
    "pour dans une il elle ont ete pas chine serbie russie au aux ses son pourrait peut t en mai quont".split()
)
#: German word endings no English word has ("chinesische", "Unabhängigkeit", "Vertretung").
_GERMAN_ENDING = re.compile(r"\w{3,}(?:isch(?:e|en|er|es)?|ungen|ung|keit|heit|lich(?:e|en|er|es)?)$")
#: The endings of :data:`_GERMAN_ENDING`: a word without one is not searched.
_GERMAN_ENDINGS = tuple(
    f"{stem}{end}" for stem, ends in (("isch", ("", "e", "en", "er", "es")), ("lich", ("", "e", "en", "er", "es")))
    for end in ends
) + ("ungen", "ung", "keit", "heit")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def looks_english(text: str, folded: Sequence[str] | None = None) -> bool:
    """``False`` for Cyrillic text or text with two or more foreign function words. ``folded``: the
    :func:`words` of ``text``, when known."""
    if _CYRILLIC.search(text):
        return False
    folded = words(text) if folded is None else folded
    found: set[str] = {
        w for w in folded if w in _MARKERS or (w.endswith(_GERMAN_ENDINGS) and _GERMAN_ENDING.match(w))
    }
    if "ë" in text.casefold():  # Albanian
        found.add("ë")
    return len(found) < 2


#: Serbian Cyrillic letters as Serbian Latin writes them, folded (no diacritics, as the index reads).
_SERBIAN_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "dj", "е": "e", "ж": "z", "з": "z", "и": "i",
        "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o", "п": "p", "р": "r",
        "с": "s", "т": "t", "ћ": "c", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "c", "џ": "dz", "ш": "s",
    }
)


def serbian_latin(word: str) -> str:
    """A folded Serbian Cyrillic word in Serbian Latin, folded ("кфор" -> "kfor", "срба" -> "srba");
    other words unchanged. A name a Serbian question writes in Cyrillic is the same name a Latin
    phrasing holds."""
    return word.translate(_SERBIAN_LATIN) if _CYRILLIC.search(word) else word
