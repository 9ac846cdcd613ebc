"""Whether a question reads as English: the cheap test that decides which stage reads it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.matching import language
from bot.core.matching.language import looks_english
from bot.core.matching.normalise import words


@given(
    st.one_of(
        st.from_regex(language._GERMAN_ENDING, fullmatch=True),
        st.text(alphabet="abcdeghiklnrstuäöü", max_size=14),
        st.text(max_size=20),
    )
)
@settings(max_examples=500, deadline=None)
def test_a_word_with_a_german_ending_has_one_of_the_endings_looked_for_first(word) -> None:
    # Only words ending in one of the endings are searched for the pattern (the question's words,
    # folded).
    for folded in words(word):
        assert not language._GERMAN_ENDING.match(folded) or folded.endswith(language._GERMAN_ENDINGS), folded


def test_two_foreign_function_words_or_german_endings_make_a_question_foreign() -> None:
    assert looks_english("Does China recognise Kosovo?")
    assert looks_english("What did Vučić say in Prishtinë?")
    assert not looks_english("Warum unterstützt die chinesische Regierung Serbien?")
    assert not looks_english("Hält China die Unabhängigkeitserklärung für illegal?")
    assert not looks_english("Да ли Кина признаје Косово?")
