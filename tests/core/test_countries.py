"""Countries named in any language read, and questions about one no fact speaks of."""

from __future__ import annotations

import pytest

from bot.core.matching import countries
from bot.core.matching.normalise import words
from bot.core.service import KnowledgeState, load_state
from bot.settings import DEFAULT_KNOWLEDGE_DIR

STATE = load_state(DEFAULT_KNOWLEDGE_DIR)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("does spain recognise kosovo", "ES"),
        ("Da li Španija priznaje Kosovo?", "ES"),
        ("a ka ndonjë lidhje me Spanjës", "ES"),  # Albanian, inflected
        ("Да ли Шпанија признаје Косово?", "ES"),
        ("L'Espagne reconnaît-elle le Kosovo ?", "ES"),  # French elision
        ("Wie steht Deutschland zum Kosovo?", "DE"),
        ("Šta misli Njemačka?", "DE"),
        ("what is the german view", "DE"),  # a demonym
        ("the United States and Kosovo", "US"),
        ("Bosnia and Herzegovina", "BA"),
    ],
)
def test_a_country_is_found_by_any_of_its_names(text: str, code: str) -> None:
    assert code in {found for found, _span in countries.mentioned(words(text))}


@pytest.mark.parametrize(
    "text",
    [
        "Does Beijing worry about the island it claims?",  # "Island" is Iceland in German
        "is it a child of the west",  # not Chile
        "a malt whisky",  # not Malta
        "mali problem",  # Serbian "small", not Mali: short names are left out
    ],
)
def test_ordinary_words_are_no_countries(text: str) -> None:
    assert countries.mentioned(words(text)) == []


def test_only_the_countries_no_fact_speaks_of_are_unknown() -> None:
    index = STATE.index
    found = {code for code, _span in index.unknown_countries(words("Serbia, China, Russia, Spain and Greece"))}
    assert found == {"ES", "GR"}
    assert index.unknown_countries(words("srbija kina rusija")) == []


@pytest.mark.parametrize(
    "question",
    ["does spain recognize kosovo", "what does greece think about kosovo", "Spain recognises Kosovo, right?"],
)
def test_a_country_no_fact_speaks_of_is_not_answered_for_in_lower_case_or_first(question: str) -> None:
    answer = STATE.answer(question)
    assert answer.fact is None and not answer.to_json()["answered"]


def test_a_country_the_facts_speak_of_in_lower_case_is_answered() -> None:
    answer = STATE.answer("why doesn't china recognise kosovo")
    assert answer.fact is not None and answer.fact.id == "non-recognition-sovereignty"


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "question",
    ["Wie steht Deutschland zur Anerkennung des Kosovo?", "L'Espagne reconnaît-elle le Kosovo ?"],
)
def test_a_country_no_fact_speaks_of_in_another_language_is_not_answered(
    semantic_state: KnowledgeState, question: str
) -> None:
    answer = semantic_state.answer(question)
    assert answer.fact is None and not answer.to_json()["answered"]


def test_the_countries_a_word_names_alone_are_the_same_read_again_from_a_memo() -> None:
    memo: dict[str, str | None] = {}
    for text in ["does spain recognise kosovo", "l'Espagne et le Kosovo", "Wie steht Deutschland zu Spanien",
                 "what about the island", "united kingdom and spain", "Španija i Kosovo"]:
        tokens = words(text)
        plain = countries.mentioned(tokens)
        assert countries.mentioned(tokens, memo=memo) == plain  # found, and kept
        assert countries.mentioned(tokens, memo=memo) == plain  # read from the memo
    assert memo and "spain" in memo


def test_a_country_is_named_in_english_by_its_code() -> None:
    assert countries.english_name("CY") == ("cyprus",)
    assert countries.english_name("US") == ("united", "states")
    assert countries.english_name("ZZ") == ()
