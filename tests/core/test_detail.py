"""Questions that ask for a detail the best fact may not state, and false premises it corrects."""

from __future__ import annotations

import pytest

from bot.core.matching.detail import DAY, DATE, NAME, PERSON, PLACE, QUANTITY, DetailChecker
from bot.core.matching.language import looks_english
from bot.core.service import KnowledgeState, load_state
from bot.settings import DEFAULT_KNOWLEDGE_DIR

STATE = load_state(DEFAULT_KNOWLEDGE_DIR)
CHECKER = DetailChecker(STATE.index.facts, STATE.index.normaliser)
FACTS = STATE.kb.by_id


@pytest.mark.parametrize(
    ("question", "kind", "fact_id", "stated"),
    [
        ("Who heads the Chinese mission in Pristina?", PERSON, "chinese-mission-pristina", False),
        ("Who is China's ambassador to the UN?", PERSON, "geng-shuang-tolerance-reconciliation", False),  # a deputy
        ("Who is China's deputy ambassador to the UN?", PERSON, "geng-shuang-tolerance-reconciliation", True),
        ("Who is China's foreign minister?", PERSON, "mao-ning-may-2023-clashes", False),  # a spokesperson
        ("Who is the president of Kosovo?", PERSON, "xi-vucic-joint-statement-2024", False),
        ("Who is the Serbian president?", PERSON, "xi-vucic-joint-statement-2024", True),
        ("On what exact day did Xi and Vucic sign the joint statement?", DAY, "xi-vucic-joint-statement-2024", False),
        ("When did Xi and Vucic sign the joint statement?", DATE, "xi-vucic-joint-statement-2024", True),
        ("When was the Global Security Initiative launched?", DATE, "mediator-global-security-initiative", False),
        ("When did China help bring Saudi Arabia and Iran together?", DATE, "mediator-global-security-initiative", True),
        ("When did Kosovo apply to join Interpol?", DATE, "unesco-interpol-blocking", False),
        # "may give China further reason": the verb, not the month
        ("When did Serbia join the Belt and Road Initiative?", DATE, "serbia-strategic-partnership", False),
        ("When did Russia's role start to shrink?", DATE, "russia-decreasing-role", False),
        ("In which city did Xi and Vučić sign their joint statement?", PLACE, "xi-vucic-joint-statement-2024", False),
        ("In which town did the May 2023 clashes take place?", PLACE, "mao-ning-may-2023-clashes", False),
        ("Which city hosts the Chinese mission?", PLACE, "chinese-mission-pristina", True),
        ("What is the Chinese mission in Pristina officially called?", NAME, "chinese-mission-pristina", False),
        ("What is the name of the joint statement?", NAME, "xi-vucic-joint-statement-2024", True),
        ("What is the value of Chinese investment in Serbia?", QUANTITY, "serbia-strategic-partnership", False),
        ("How many employees does the Chinese mission have?", QUANTITY, "chinese-mission-pristina", True),
        ("Ko je šef kineske misije u Prištini?", PERSON, "chinese-mission-pristina", False),
        ("Kush e drejton misionin kinez në Prishtinë?", PERSON, "chinese-mission-pristina", False),
        ("Wer leitet die chinesische Vertretung in Pristina?", PERSON, "chinese-mission-pristina", False),
        ("Qui dirige la mission chinoise à Pristina ?", PERSON, "chinese-mission-pristina", False),
        ("Колико запослених има кинеска мисија у Приштини?", QUANTITY, "chinese-mission-pristina", True),
    ],
)
def test_what_is_asked_and_whether_the_fact_states_it(question: str, kind: str, fact_id: str, stated: bool) -> None:
    detail = CHECKER.asked(question)
    assert detail is not None and detail.kind == kind
    assert CHECKER.states(FACTS[fact_id], detail, question) is stated


@pytest.mark.parametrize(
    "question",
    [
        "Where does China stand on Kosovo?",
        "Why does China back Serbia?",
        "china kosovo interpol",
        "Who is Geng Shuang?",  # a plain "who": a country or a person, not checked
        "Who led a campaign to derecognise Kosovo?",
    ],
)
def test_questions_that_ask_no_detail(question: str) -> None:
    assert CHECKER.asked(question) is None


@pytest.mark.parametrize(
    ("question", "fact_id", "corrects"),
    [
        ("When did China recognise Kosovo?", "non-recognition-sovereignty", True),
        ("When did China and Kosovo establish diplomatic relations?", "trade-without-diplomatic-relations", True),
        ("How many countries recognize Kosovo?", "non-recognition-sovereignty", False),  # China's stance, not theirs
        ("When did Kosovo apply to join Interpol?", "unesco-interpol-blocking", False),
    ],
)
def test_a_fact_that_negates_the_premise_corrects_it(question: str, fact_id: str, corrects: bool) -> None:
    detail = CHECKER.asked(question)
    assert detail is not None
    assert CHECKER.corrects_premise(FACTS[fact_id], question, detail) is corrects


@pytest.mark.timeout(120)
def test_the_near_miss_is_not_answered_and_the_fact_is_offered(semantic_state: KnowledgeState) -> None:
    answer = semantic_state.answer("Who heads the Chinese mission in Pristina?")
    assert answer.fact is None and not answer.to_json()["answered"]
    assert answer.missing_detail == "who"
    assert answer.suggestions[0].fact_id == "chinese-mission-pristina"


def test_a_false_premise_is_answered_by_the_fact_that_corrects_it() -> None:
    answer = STATE.answer("When did China recognise Kosovo?")
    assert answer.fact is not None and answer.fact.id == "non-recognition-sovereignty"
    assert answer.missing_detail is None


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("Does China recognise Kosovo?", True),
        ("what did vučić say in prishtinë about interpol", True),
        ("geng shwang reconcilation", True),
        ("Da li Kina priznaje Kosovo?", False),
        ("Да ли Кина признаје Косово?", False),
        ("A e njeh Kina pavarësinë e Kosovës?", False),
        ("Wie viele Mitarbeiter hat die chinesische Vertretung in Pristina?", False),
        ("La Chine reconnaît-elle l'indépendance du Kosovo ?", False),
    ],
)
def test_english_or_not(text: str, english: bool) -> None:
    assert looks_english(text) is english
