"""The normaliser shared by the index and the queries."""

from __future__ import annotations

import re
import sys
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.knowledge import load_knowledge
from bot.core.matching import normalise
from bot.core.matching.normalise import (
    CURATED,
    MAX_INPUT_CHARS,
    NAME,
    NOT_NAME,
    Normaliser,
    answer_kinds,
    expected_answer_kind,
    fold,
    stem,
    words,
)
from bot.settings import DEFAULT_KNOWLEDGE_DIR

SYNONYMS = Normaliser(
    [
        ("beijing", "china"),
        ("prc", "china"),
        ("chinese", "china"),
        ("bri", "belt and road initiative"),
        ("belt and road", "belt and road initiative"),
        ("u.s.", "united states"),
        ("unsc", "security council"),
    ]
)


def test_case_width_accents_and_invisible_characters_fold_away() -> None:
    assert words("Vučić") == ["vucic"]
    assert words("ＣＨＩＮＡ") == ["china"]  # full-width letters (NFKC)
    assert words("Ko\u200bsovo") == ["kosovo"]  # zero-width space inside a word
    assert words("\u202eKosovo\u202c") == ["kosovo"]  # bidi override characters
    assert words("Đorđe Łódź Øre") == ["dorde", "lodz", "ore"]


def test_possessives_and_punctuation() -> None:
    assert words("China’s stance on Kosovo's UNESCO bid?!") == ["china", "stance", "on", "kosovo", "unesco", "bid"]
    assert words("don't") == ["dont"]
    assert words("...,,,!!!") == []


def test_emoji_symbols_and_mixed_scripts() -> None:
    assert words("🇨🇳 China 🙂 ⚽") == ["china"]
    assert words("Косово Kosovo") == ["косово", "kosovo"]


def test_synonyms_replace_whole_phrases_longest_first() -> None:
    assert SYNONYMS.content_words("Beijing's view of the BRI") == ["china", "view", "belt", "road", "initiative"]
    assert SYNONYMS.content_words("the Belt and Road") == ["belt", "road", "initiative"]
    assert SYNONYMS.content_words("PRC and the UNSC") == ["china", "security", "council"]


def test_question_words_carry_flags() -> None:
    flags = dict((t.word, t.flag) for t in SYNONYMS.analyse("Does Japan back the BRI like Beijing does?"))
    assert flags["japan"] == NAME  # capitalised inside a sentence
    assert flags["belt"] == NAME  # BRI was written in capitals
    assert flags["back"] == NOT_NAME
    assert "does" not in flags and "the" not in flags  # filler words go
    lower = dict((t.word, t.flag) for t in SYNONYMS.analyse("does beijing back the bri"))
    assert lower["china"] == CURATED and lower["belt"] == CURATED


def test_capital_initialisms_are_names_but_the_pronoun_is_filler() -> None:
    assert [t.word for t in SYNONYMS.analyse("Is the US involved?")] == ["united", "states", "involved"]
    assert [t.word for t in SYNONYMS.analyse("tell us about it")] == []
    assert [t.word for t in SYNONYMS.analyse("WHAT IS CHINA'S STANCE")] == ["china", "stance"]  # shouting


def test_stems_meet_across_spellings() -> None:
    assert stem("recognise") == stem("recognize") == stem("recognized") == stem("recognising")
    assert stem("1244") == "1244"
    # the stemmer's collisions: "important" is not "import" (trade), "university" not "universe"
    assert stem("important") == stem("importance") != stem("import") == stem("imports")
    assert stem("university") != stem("universe")


def test_answer_kinds() -> None:
    assert expected_answer_kind("When did it happen?") == "date"
    assert expected_answer_kind("how many people work there") == "quantity"
    assert expected_answer_kind("Why does China oppose it?") is None
    assert answer_kinds("It happened in May 2023.") == {"date"}
    assert answer_kinds("The mission has five employees.") == {"quantity"}
    assert answer_kinds("No figures here.") == set()
    # a number that names something counts nothing
    assert answer_kinds("It broke UN Security Council Resolution 1244.") == set()
    assert answer_kinds("Article 5 applies to some 30 members.") == {"quantity"}


def test_how_much_before_a_verb_asks_a_degree_unless_of_money() -> None:
    assert expected_answer_kind("How much could China sway the dispute, given its weight?") is None
    assert expected_answer_kind("How much has Russia helped Serbia?") is None
    assert expected_answer_kind("How much did China invest in Serbia?") == "quantity"
    assert expected_answer_kind("How much is the trade worth?") == "quantity"
    assert expected_answer_kind("How much money has China lent Serbia?") == "quantity"
    assert expected_answer_kind("How much could China change, and when?") == "date"


def test_small_numbers_in_digits_read_as_words() -> None:
    norm = Normaliser([("16+1", "ceec"), ("ceec", "ceec")])
    assert [t.word for t in norm.analyse("the 16+1 format")] == ["ceec", "format"]  # a synonym's own digits
    assert [(t.word, t.flag) for t in norm.analyse("the 3 scenarios")] == [("three", 0), ("scenarios", 0)]
    assert norm.content_words("a mission with 5 employees") == ["mission", "five", "employees"]
    assert "2023" in [t.word for t in norm.analyse("the clashes of 2023")]  # a year stays a name


def test_the_modal_verb_may_is_no_month() -> None:
    assert answer_kinds("Under Xi, China may use Kosovo to challenge the West.") == set()
    assert answer_kinds("China may do more; it opened the office in May.") == {"date"}
    assert answer_kinds("the violence in kosovo in may 2023") == {"date"}
    assert answer_kinds("signed on 8 may") == {"date", "quantity"}


@given(st.text(max_size=2000))
@settings(max_examples=300, deadline=None)
def test_folding_never_fails_and_is_bounded(text: str) -> None:
    folded = fold(text)
    assert isinstance(folded, str)
    assert len(words(text)) <= MAX_INPUT_CHARS
    for word in words(text):
        assert word and word == word.casefold() and word.isalnum()


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_analysis_is_deterministic_and_filler_free(text: str) -> None:
    first = SYNONYMS.analyse(text)
    assert first == SYNONYMS.analyse(text)
    seen = [t.word for t in first]
    assert len(seen) == len(set(seen))


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
@settings(max_examples=200, deadline=None)
def test_folding_is_idempotent_on_words(text: str) -> None:
    once = words(text)
    assert words(" ".join(once)) == once


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_plain_text_folds_as_unicode_text_does(text: str) -> None:
    # ASCII text takes a shortcut (no Unicode normalisation); one accented word more sends the same
    # text down the full path, and the rest must fold alike.
    assert fold(text + " é") == fold(text) + " e"


def _fold_whole(text: str) -> str:
    """Folding as its definition reads, the whole text at once: NFKC, format characters removed,
    case folding, the special letters, NFD without combining marks, possessives dropped."""
    text = unicodedata.normalize("NFKC", text[:MAX_INPUT_CHARS])
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf").casefold().translate(normalise._FOLD)
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return normalise._APOSTROPHE.sub("", normalise._POSSESSIVE.sub("", text))


@pytest.mark.timeout(120)  # every character of Unicode, twice
def test_folding_character_by_character_is_folding_the_whole_text(monkeypatch: pytest.MonkeyPatch) -> None:
    # Non-ASCII text is folded a character at a time (each character's folding remembered): for
    # every assigned character (the others fold to themselves either way), and for every combining
    # mark after letters it may compose with.
    monkeypatch.setattr(normalise, "_FOLDED", normalise._FoldedChars())
    characters = [
        ch for ch in map(chr, range(0x80, sys.maxunicode + 1)) if unicodedata.category(ch) not in ("Cn", "Co", "Cs")
    ]
    assert [ch for ch in characters if fold(ch) != _fold_whole(ch)] == []
    marks = [ch for ch in characters if unicodedata.combining(ch)]
    bases = [*"aeiouycnszgkhjwdlrtAEIOUYCNSZGKHJWDLRTßıİαωηυΑΩЕеИиУуКк", "\u3046", "\uff76", "\u1100"]
    assert [b + m for b in bases for m in marks if fold(b + m) != _fold_whole(b + m)] == []


@given(st.text(max_size=40))
@settings(max_examples=500, deadline=None)
def test_folding_any_text_character_by_character_is_folding_it_whole(text: str) -> None:
    assert fold(text) == _fold_whole(text.replace("`", "'"))


def test_the_characters_remembered_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(normalise, "_FOLDED", normalise._FoldedChars())
    monkeypatch.setattr(normalise, "FOLDED_CHARS", 10)
    text = "".join(chr(0x4E00 + i) for i in range(40)) + "é"
    assert fold(text) == _fold_whole(text)
    assert len(normalise._FOLDED) == 10


_SHIPPED = Normaliser(load_knowledge(DEFAULT_KNOWLEDGE_DIR).synonyms.pairs())
_PIECES = [
    "US",
    "WHO",
    "UN",
    "EU",
    "I",
    "OK",
    "U.S.",
    "the",
    "of",
    "China's",
    "Beijing",
    "PRC",
    "BRI",
    "Belt",
    "and",
    "Road",
    "Initiative",
    "Vučić",
    "KOSOVO",
    "recognise",
    "doesn't",
    "Xi",
    "Jinping",
    "?",
    ",",
    ".",
    "2008",
    "un",
]


@given(st.lists(st.sampled_from(_PIECES), max_size=25))
def test_stored_text_with_capitals_reads_as_a_question_does(pieces: list[str]) -> None:
    # Stored text with words in capitals takes a shorter path than analyse(); the words are the same.
    text = " ".join(pieces)
    assert _SHIPPED.content_words(text) == [t.word for t in _SHIPPED.analyse(text)]


#: Pieces of stored text that take every path of the batch readers: apostrophes of each kind,
#: backticks, accents and other scripts, words in capitals, synonyms, digits, newlines.
_BATCH_PIECES = [
    *_PIECES, "China’s", "Kosovo`s", "o'neil", "'quote'", "s'", "x'y", "ʼs", "Priština", "Србија", "ÉU",
    "naïve", "ﬁnance", "\u200bzero", "16+1", "3", "belt and road", "the west", "China government",
    "\n", "_", "UNESCO's", "US", "Ⅻ", "١٢", "", "e\u0301x", "Straße", "＿", "Xiʼs", "İstanbul", "|",
]


def _read_each(reader: normalise.ContentReader, texts: list[str]) -> list[tuple[list[str], list[str]]]:
    """What ``reader`` read of each of ``texts``: its words and its content words, as words."""
    read = reader.read(texts)
    result = []
    token_at = content_at = 0
    for token_size, content_size in zip(read.token_sizes.tolist(), read.content_sizes.tolist(), strict=True):
        tokens = [reader.words[w] for w in read.tokens[token_at : token_at + token_size].tolist()]
        content = [reader.words[w] for w in read.content[content_at : content_at + content_size].tolist()]
        result.append((tokens, content))
        token_at += token_size
        content_at += content_size
    return result


@settings(deadline=None)
@given(st.lists(st.lists(st.sampled_from(_BATCH_PIECES), max_size=12).map(" ".join), max_size=12))
def test_the_content_reader_reads_each_text_as_words_and_content_words_do(texts: list[str]) -> None:
    for normaliser in (_SHIPPED, SYNONYMS, Normaliser()):
        reader = normalise.ContentReader(normaliser)
        expected = [(words(text), normaliser.content_words(text)) for text in texts]
        assert _read_each(reader, texts) == expected
        assert _read_each(reader, texts[::-1]) == expected[::-1]  # words it has seen already, in another order


def test_the_content_reader_reads_long_texts_and_the_shipped_knowledge_as_content_words_does() -> None:
    kb = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    texts = [text for fact in kb.facts for text in (*fact.questions, fact.title, *fact.keywords, fact.answer)]
    texts += [" ".join((*fact.questions, fact.answer)) for fact in kb.facts]
    texts += ["Kosovo's " * 200, "a\nb's", "x" * (MAX_INPUT_CHARS + 5), "Vučić’s " * 100, "US " * 300 + "WHO"]
    texts += ["Xi Jinping and the West", "the Belt and Road", "President Xi Jinping of the PRC", "the the west"]
    reader = normalise.ContentReader(_SHIPPED)
    assert _read_each(reader, texts) == [(words(text), _SHIPPED.content_words(text)) for text in texts]


#: Pieces with every character that is or holds an apostrophe after NFKC.
_APOSTROPHE_PIECES = [*_BATCH_PIECES, "Kosovo＇s", "ŉ", "EU’s", "Xiʼs", "x\u200b's", "People's Republic's", "people’s  republic"]


@settings(deadline=None)
@given(st.lists(st.lists(st.sampled_from(_APOSTROPHE_PIECES), max_size=12).map(" ".join), max_size=8))
def test_the_possessors_of_many_texts_are_those_of_each(texts: list[str]) -> None:
    owners = [len(text) % 3 for text in texts]  # three owners, each of some of the texts
    for normaliser in (_SHIPPED, SYNONYMS, Normaliser()):
        expected = [
            frozenset().union(*(normaliser.possessors(t) for t, o in zip(texts, owners) if o == owner))
            for owner in range(3)
        ]
        assert normaliser.many_possessors(texts, owners, 3) == expected


def test_the_apostrophe_of_a_name_marks_no_possessor() -> None:
    # "people's republic" is an alias of China in the shipped synonyms: the People's Republic's
    # line is China's, and the People's Republic is nobody's.
    assert _SHIPPED.possessors("the People's Republic's line on Kosovo") == {"china"}
    assert _SHIPPED.possessors("Does the People’s Republic trade with Kosovo?") == frozenset()
    assert _SHIPPED.possessors("the People's Republic of China's view and Serbia's") == {"china", "serbia"}
    assert _SHIPPED.many_possessors(["The People's Republic's mission", "the people's view"], [0, 1], 2) == [
        frozenset({"china"}),
        frozenset({"people"}),
    ]


@given(st.lists(st.text(alphabet="ABZab1_ ÉĞéж\u0301\n.'’-", max_size=20), max_size=8))
def test_texts_with_words_in_capitals_are_those_the_pattern_finds(texts: list[str]) -> None:
    assert normalise._capital_texts(texts) == [i for i, text in enumerate(texts) if normalise._CAPITALS.search(text)]


#: Pieces of questions and answers of every kind: dates, quantities, degrees, "may", numbers that name.
_KIND_PIECES = [
    *_BATCH_PIECES, "when", "what year", "since when", "how many", "how much", "how much did", "does",
    "invest", "how long ago", "may", "May", "in may 2023", "29", "12345", "percent", "%", "2019", "1999",
    "three", "Resolution 1244", "article\n5", "No. 7", "|", "thousand", "How", "WHEN", "5percent", "2019percent",
    "١٩٩٩", "١٢", "12abc", "abc5", "3.5", "handful", "Mayor", "dismayed",
]


@settings(deadline=None)
@given(st.lists(st.lists(st.sampled_from(_KIND_PIECES), max_size=10).map(" ".join), max_size=10))
def test_the_content_reader_reads_what_texts_ask_and_state_as_each_is_read(texts: list[str]) -> None:
    reader = normalise.ContentReader(_SHIPPED)
    read = reader.read(texts)
    every = np.ones(len(texts), dtype=bool)
    assert reader.expected_answer_kinds(texts, read, every) == [expected_answer_kind(text) for text in texts]
    assert reader.answer_kinds(texts, read, every) == [answer_kinds(text) for text in texts]
    some = np.arange(len(texts)) % 2 == 0
    expected = [answer_kinds(text) if stated else frozenset() for text, stated in zip(texts, some, strict=True)]
    assert reader.answer_kinds(texts, read, some) == expected


@given(st.text(alphabet="as'’ʼ_1éж\u0301\n .S", max_size=30))
def test_possessors_are_found_from_the_apostrophes_as_the_pattern_finds_them(text: str) -> None:
    expected = [(match.start(), match.group(1)) for match in normalise._POSSESSOR.finditer(text)]
    assert normalise._possessor_matches(text) == expected


#: The apostrophe patterns as first written (a lookbehind first), which fold's now match exactly.
_POSSESSIVE_AS_WRITTEN = re.compile(r"(?<=\w)'s?\b")
_APOSTROPHE_AS_WRITTEN = re.compile(r"(?<=\w)'(?=\w)")


@given(st.text(alphabet="ab's _'é1\n-’`", max_size=30))
def test_the_apostrophe_patterns_match_what_they_matched_as_first_written(text: str) -> None:
    assert normalise._POSSESSIVE.sub("", text) == _POSSESSIVE_AS_WRITTEN.sub("", text)
    assert normalise._APOSTROPHE.sub("", text) == _APOSTROPHE_AS_WRITTEN.sub("", text)


def test_a_question_without_a_synonym_or_related_term_is_read_as_one_with_them_is() -> None:
    # Synonyms and related terms are skipped for a question none of whose words starts one: the
    # words must be those the full reading gives, with one of them or without.
    related = Normaliser([("prc", "china"), ("u.s.", "united states")], [["mission", "embassy", "consulate"]])
    known = {"mission", "china", "kosovo", "united", "states"}.__contains__
    for question, expected in [
        ("Does China recognise Kosovo?", ["china", "recognise", "kosovo"]),
        ("Does the PRC recognise Kosovo?", ["china", "recognise", "kosovo"]),
        ("Where is the embassy?", ["mission"]),
        ("What does the US say?", ["united", "states"]),
    ]:
        assert [t.word for t in related.analyse(question, known=known)] == expected
