"""The question inside a chat message: greetings, filler, emoji, mentions and extra sentences go."""

from __future__ import annotations

import time

import pytest

from bot.core.matching.chat import MAX_QUESTION_CHARS, extract_question


@pytest.mark.parametrize(
    ("message", "question"),
    [
        ("hey @factbot quick one, does china even recognise kosovo lol", "does china even recognise kosovo"),
        ("<@123456789012345678> does china have an embassy or smth in pristina?",
         "does china have an embassy or something in pristina?"),
        ("hi all! sorry if this was asked before. what's china's position on kosovo?",
         "what's china's position on kosovo?"),
        ("Good morning! Quick question: do China and Kosovo trade at all?", "do China and Kosovo trade at all?"),
        ("Hello again, sorry to bother. Does China want Serbia and Kosovo to negotiate? Thanks in advance!",
         "Does China want Serbia and Kosovo to negotiate?"),
        ("sry if dumb q but why does taiwan come up every time kosovo is discussed?",
         "why does taiwan come up every time kosovo is discussed?"),
        ("so like... what does chinese state tv say about kosovo 📺", "what does chinese state tv say about kosovo"),
        ("fr fr is china gonna replace russia as serbia's big backer",
         "is china going to replace russia as serbia's big backer"),
        ("@FactBot what's the tl;dr of the conclusion?", "what's the summary of the conclusion?"),
    ],
)
def test_chat_noise_goes(message: str, question: str) -> None:
    assert extract_question(message) == question


def test_a_question_that_leans_on_the_sentence_before_keeps_it() -> None:
    message = "ok so I read that China blocked Kosovo from UNESCO. Is that true? Asking for a school project"
    assert extract_question(message) == "I read that China blocked Kosovo from UNESCO. Is that true?"
    message = "Hi! I'm new here. I keep hearing about BRICS and the SCO. How do they matter for Serbia?"
    assert extract_question(message) == "I keep hearing about BRICS and the SCO. How do they matter for Serbia?"
    message = "We talked about Taiwan and Kosovo in class today. Why does China connect the two?"
    assert extract_question(message) == message
    message = "Serbia and Kosovo keep arguing. Does China trade with both?"
    assert extract_question(message) == message


@pytest.mark.parametrize(
    "question",
    [
        "After the Saudi-Iran deal, could Beijing act as a peacemaker between Belgrade and Pristina?",
        "With Russia busy in Ukraine, will Beijing become Belgrade's main defender on Kosovo?",
        "Does China recognise Kosovo?",
        "china kosovo interpol",
        "Da li je Kina blokirala Kosovo u Interpolu i UNESCO?",
        "Kakav je stav Kine o Kosovu?",
    ],
)
def test_an_ordinary_question_comes_back_unchanged(question: str) -> None:
    assert extract_question(question) == question


def test_a_message_of_only_thanks_or_greeting_holds_no_question() -> None:
    """"thanks, that helped" once matched a fact through "helped"."""
    for message in ("lol thanks 😂", "thanks factbot, that helped 🙏", "hi!", "ok cool, makes sense", "got it, thx"):
        assert extract_question(message) == "", message
    assert extract_question("") == ""
    assert extract_question("🤔") == "🤔"  # no words at all: left as it is


def test_a_question_asking_only_whether_what_came_before_holds_asks_about_it() -> None:
    message = (
        "Apologies for the long message. We had a debate about whether Chinese TV is biased. "
        "Someone said state media call Kosovo a Western puppet. What does the article say?"
    )
    assert extract_question(message) == (
        "We had a debate about whether Chinese TV is biased. Someone said state media call Kosovo a Western puppet."
    )
    assert extract_question("My friend says China vetoed it. What does the bot say?") == "My friend says China vetoed it."
    # a question with words of its own keeps them
    assert extract_question("I read about the scenarios. What are they?") == (
        "I read about the scenarios. What are they?"
    )


def test_platform_sized_messages_stay_bounded() -> None:
    filler = "I was reading about this yesterday and thought about it for a long time. " * 60
    message = (filler + "Does China recognise Kosovo?")[:4000]
    started = time.perf_counter()
    question = extract_question(message + " " + "x" * 100_000)
    assert time.perf_counter() - started < 1.0  # generous: a bound, not a benchmark
    assert len(question) <= MAX_QUESTION_CHARS
    assert extract_question(filler[:1900] + " Does China recognise Kosovo?").endswith("Does China recognise Kosovo?")


def test_no_character_that_text_is_not_searched_for_symbols_for_is_a_symbol() -> None:
    # Text whose every character is a letter, a digit, a space or printable ASCII but for "^" and
    # "`" is returned as it is: none of those is a symbol; every character is checked.
    from bot.core.matching import chat

    missed = [
        hex(code)
        for code in range(0x110000)
        if chat._is_symbol(chr(code)) and not chat._MAYBE_SYMBOL.search(chr(code))
    ]
    assert missed == []
    assert chat._strip_symbols("Šta je Kina rekla?") == "Šta je Kina rekla?"
    assert chat._strip_symbols("Šta je Kina rekla 🙏 ^") == "Šta je Kina rekla \n \n"
