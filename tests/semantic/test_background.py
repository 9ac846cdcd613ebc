"""The named background: everyday questions about the names a knowledge base's answers write."""

from __future__ import annotations

from bot.core.semantic import background
from bot.core.semantic.background import NAMED_TEMPLATES, answer_names, knowledge_names, named_background


def test_names_are_runs_of_capitalised_words_inside_a_sentence() -> None:
    text = (
        "According to The Western Balkans, China’s President Xi Jinping met Vučić in Belgrade. "
        "In May, the UN Security Council met. “Kosovo is Serbia”, he said, and Kosovo's allies did not."
    )
    # the quoted "Kosovo is" begins a sentence; "Kosovo's allies" is inside one
    assert answer_names(text) == {
        "The Western Balkans", "China", "President Xi Jinping", "Vučić", "Belgrade", "May", "UN Security Council",
        "Serbia", "Kosovo",
    }


def test_a_word_that_begins_a_sentence_is_no_name() -> None:
    assert answer_names("The bot answers. However, nobody asked.") == set()


def test_the_knowledge_names_are_those_several_answers_write_most_written_first(monkeypatch) -> None:
    answers = [
        "Talks in Pristina and Belgrade, says Kosovo's press.",
        "Talks between Belgrade and Pristina stalled in Brussels.",
        "Belgrade said no.",
    ]
    assert knowledge_names(answers) == ["Belgrade", "Pristina"]  # Brussels and Kosovo: one answer each
    monkeypatch.setattr(background, "NAMES_MAX", 1)
    assert knowledge_names(answers) == ["Belgrade"]


def test_the_named_background_asks_every_template_of_every_name() -> None:
    questions = named_background(["To Pristina and Belgrade.", "To Belgrade, then Pristina."])
    assert len(questions) == 2 * len(NAMED_TEMPLATES)
    assert "What is the weather like in Belgrade?" in questions and "How old is Pristina?" in questions
