"""The question index on the shipped knowledge base: ranking, typos, abstention, bad input."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from bot.core.answers import ANSWER_THRESHOLD, Outcome
from bot.core.knowledge.schema import Fact, Source
from bot.core.matching import MAX_INPUT_CHARS, QuestionIndex
from bot.core.matching import index as index_module
from bot.core.matching.normalise import pieces
from bot.core.matching.index import OTHER_YEAR_FACTOR, UNCOVERED_NAME_FACTOR
from bot.core.matching.normalise import NAME
from bot.core.service import KnowledgeState, load_state
from bot.settings import DEFAULT_KNOWLEDGE_DIR

STATE: KnowledgeState = load_state(DEFAULT_KNOWLEDGE_DIR)


def fact_for(question: str) -> str | None:
    answer = STATE.answer(question)
    return answer.fact.id if answer.fact else None


@pytest.mark.parametrize(
    ("question", "fact_id"),
    [
        ("China's stance on Kosovo UNESCO", "unesco-interpol-blocking"),
        ("unseco kosovo", "unesco-interpol-blocking"),
        ("geng shaung", "geng-shuang-tolerance-reconciliation"),
        ("is kosovo independance recognised by china", "non-recognition-sovereignty"),
        ("What did Vucic say about Interpol?", "unesco-interpol-blocking"),
        ("Vučić Xi joint statement", "xi-vucic-joint-statement-2024"),
        ("resolution 1244", "kosovo-2008-declaration-international-law"),
        ("TIBET", "separatism-precedent-taiwan"),
    ],
)
def test_answers(question: str, fact_id: str) -> None:
    assert fact_for(question) == fact_id


@pytest.mark.parametrize(
    "question",
    [
        "What is Japan's stance on Kosovo?",
        "Does Spain recognize Kosovo?",
        "What did Geng Shuang say about Syria?",
        "What's the weather in Paris?",
        "How do I bake sourdough bread?",
        "hello",
    ],
)
def test_abstains_on_what_the_knowledge_base_does_not_hold(question: str) -> None:
    answer = STATE.answer(question)
    assert answer.outcome is Outcome.ABSTAINED and answer.fact is None, (question, answer.score)
    assert answer.topics, "an abstention tells what the bot knows about"


def test_a_term_every_fact_shares_weighs_less_than_a_distinguishing_one() -> None:
    terms = {t.word: t.weight for t in STATE.index.search("china kosovo interpol").terms}
    assert terms["interpol"] > 5 * terms["kosovo"]


def test_typo_match_costs_confidence() -> None:
    exact = STATE.index.search("interpol kosovo").best
    typo = STATE.index.search("intrepol kosovo").best
    assert exact is not None and typo is not None and exact.fact.id == typo.fact.id
    assert typo.confidence < exact.confidence
    assert [t.matched for t in STATE.index.search("intrepol").terms] == ["interpol"]


def test_correctly_spelt_english_words_are_not_corrected() -> None:
    assert all(t.matched is None for t in STATE.index.search("what time is it").terms)


def test_close_facts_are_offered_as_suggestions() -> None:
    answer = STATE.answer("china security council kosovo")
    assert answer.fact is not None and answer.fact.id == "unsc-veto-power"
    # The closest other fact about the Security Council is offered beside it.
    assert "unsc-status-shape-issue" in {s.fact_id for s in answer.suggestions}
    assert answer.outcome is Outcome.SUGGESTED
    assert STATE.answer("geng shuang").outcome is Outcome.ANSWERED
    assert all(s.fact_id != answer.fact.id for s in answer.suggestions)


def test_answer_json_contract() -> None:
    data = STATE.answer("interpol").to_json()
    assert set(data) >= {"question", "answered", "fact_id", "title", "answer", "score", "sources", "suggestions"}
    assert data["answered"] is True and 0 <= data["score"] <= 100
    assert data["sources"][0]["publisher"] == "The Western Balkans"
    empty = STATE.answer("").to_json()
    assert empty["answered"] is False and empty["fact_id"] is None and empty["answer"] is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \t  ",
        "?!.,;:",
        "\x00\x01\x07\x1b[31m",
        "\u200b\u200d\u2060\ufeff",
        "\u202eovosoK\u202c",
        "🙂🙂🙂🔥",
        "Косово 中国 كوسوفو",
        "line one\nline two\r\nline three",
        "@everyone @here <@123> <!channel>",
    ],
)
def test_bad_input_gets_an_abstention(text: str) -> None:
    answer = STATE.answer(text)
    assert answer.outcome is Outcome.ABSTAINED and answer.fact is None
    assert 0 <= answer.score < ANSWER_THRESHOLD
    assert answer.topics


def test_huge_input_is_cut_early() -> None:
    text = "china kosovo unesco " * 5000 + "x" * 100_000
    started = time.perf_counter()
    answer = STATE.answer(text)
    assert time.perf_counter() - started < 2.0  # generous: a bound, not a benchmark
    assert answer.fact is not None and answer.fact.id == "unesco-interpol-blocking"  # the start is read


def test_empty_and_stopword_only_questions_abstain() -> None:
    for text in ("", "what is it?", "the of and"):
        assert STATE.answer(text).outcome is Outcome.ABSTAINED


@given(st.text(max_size=400))
@example("EASON:URL")  # asks for contact details ("URL") that the closest fact does not give
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_matcher_never_fails(text: str) -> None:
    result = STATE.index.search(text)
    scores = [hit.confidence for hit in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= score <= 100 for score in scores)
    answer = STATE.answer(text)
    # A fact confident enough is the answer, unless it lacks the detail asked for: then the bot
    # abstains with the fact's score and says which detail it does not hold.
    assert (answer.fact is not None) == (answer.score >= ANSWER_THRESHOLD and answer.missing_detail is None)


@given(st.lists(st.sampled_from(sorted({q for f in STATE.kb.facts for q in f.questions})), min_size=1, max_size=1))
@settings(max_examples=100, deadline=None)
def test_every_phrasing_finds_its_own_fact(questions: list[str]) -> None:
    question = questions[0]
    owners = {f.id for f in STATE.kb.facts if question in f.questions}
    assert fact_for(question) in owners


def _fact(fact_id: str, *questions: str, answer: str = "An answer.") -> Fact:
    source = Source(publisher="P", article="A")
    return Fact(id=fact_id, title=questions[0], answer=answer, questions=list(questions), topic="t", sources=[source])


def test_index_knows_nothing_of_any_subject() -> None:
    index = QuestionIndex(
        [
            _fact("tabs", "How do I use tabs or spaces?", "tabs vs spaces"),
            _fact("walrus", "What is the walrus operator?", "assignment expressions"),
        ]
    )
    assert index.search("walrus opertor").best.fact.id == "walrus"
    assert index.search("spaces or tabs").best.fact.id == "tabs"
    assert index.search("").hits == ()


def test_autocomplete_completes_the_word_being_typed() -> None:
    choices = STATE.autocomplete("china une")
    assert choices and choices[0].fact_id == "unesco-interpol-blocking"
    # "une" is a whole word of a French phrasing too: both readings are offered, once each.
    assert "chinese-mission-pristina" in {c.fact_id for c in choices}
    assert len({c.fact_id for c in choices}) == len(choices)
    assert STATE.index.longer_completion("china une") == "china unesco"
    assert STATE.index.longer_completion("china une ") is None
    assert len(STATE.autocomplete("")) == 25
    assert all(len(c.label) <= 100 for c in STATE.autocomplete("kosovo"))


def test_a_did_you_mean_fact_is_not_listed_as_related_too(tmp_path: Path) -> None:
    library = (Path(__file__).parents[1] / "slack" / "knowledge" / "library.yaml").read_text(encoding="utf-8")
    card = library.index("  - id: library-card")
    library = library[:card] + library[card:].replace(
        "related: [opening-hours]", "related: [interlibrary-loan, opening-hours]", 1
    )
    (tmp_path / "library.yaml").write_text(library, encoding="utf-8")
    answer = load_state(tmp_path).answer("how do i borrow a book")
    assert answer.fact is not None and answer.fact.id == "library-card"
    assert [s.fact_id for s in answer.suggestions] == ["interlibrary-loan"]
    assert [r.id for r in answer.related] == ["opening-hours"]  # the other related fact, once


def test_each_penalty_is_named_on_the_hit() -> None:
    hits = STATE.index.search("What is Japan's stance on Kosovo?", limit=3).hits
    assert hits and all(hit.semantic is None for hit in hits), "no semantic stage: no semantic similarity"
    for hit in hits:
        reasons = [why for why, _ in hit.penalties]
        assert "name 'japan' is not in the fact" in reasons
        assert any(why.startswith("asks about japan's") for why in reasons)
        assert all(0 < factor < 1 for _, factor in hit.penalties)
    plain = STATE.index.search("china kosovo interpol unesco").best
    assert plain is not None and plain.penalties == ()
    when = STATE.index.search("When did China open its mission in Pristina?", limit=5).hits
    assert any("asks for a date; the answer states none" in [w for w, _ in h.penalties] for h in when)


def test_the_answer_kind_a_fact_cannot_give_is_a_field_of_the_hit() -> None:
    """The fusion reads the missing answer kind from a field, not from the penalty's wording."""
    when = STATE.index.search("When did China open its mission in Pristina?", limit=5).hits
    mission = next(h for h in when if h.fact.id == "chinese-mission-pristina")
    assert mission.missing_kind == "date"
    dated = next(h for h in STATE.index.search("When did Xi and Vucic sign the joint statement?").hits)
    assert dated.fact.id == "xi-vucic-joint-statement-2024" and dated.missing_kind is None
    how_many = STATE.index.search("How many people work at the Chinese mission?").best
    assert how_many is not None and how_many.missing_kind is None
    # "China may use Kosovo to challenge Western dominance" states no date: the modal is no month
    doctrine = STATE.index.search("When did Xi make China more assertive on Kosovo?", limit=8).hits
    assert any(h.fact.id == "xi-foreign-policy-doctrine" and h.missing_kind == "date" for h in doctrine)


def test_matched_terms_are_the_query_words_the_fact_contains() -> None:
    result = STATE.index.search("intrepol kosovo japan")
    matched = STATE.index.matched_terms("unesco-interpol-blocking", result.terms)
    assert [t.word for t in matched] == ["intrepol", "kosovo"]
    assert matched[0].matched == "interpol" and matched[0].similarity < 1.0
    assert STATE.index.matched_terms("no-such-fact", result.terms) == ()


def _family(size: int) -> list[Fact]:
    """A general fact and ``size`` near-copies of it that each name one product, as real knowledge
    bases have them (the same question per product, per country, per version)."""
    general = _fact(
        "reset-password",
        "How do I reset my password?",
        "I forgot my password, how do I change it?",
        "password reset link",
        answer="Open the sign-in page and follow the reset link.",
    )
    copies = [
        _fact(
            f"reset-password-{name}",
            f"How do I reset my password in {name}?",
            f"I forgot my {name} password, how do I change it?",
            f"{name} password reset link",
            answer=f"In {name}, open the account page and follow the reset link.",
        )
        for name in (f"product{n:03d}" for n in range(size))
    ]
    return [*copies[: size // 2], general, *copies[size // 2 :]]


def test_the_general_fact_of_a_family_of_near_duplicates_ranks_first() -> None:
    # Every copy holds every word of the general question: they tie on its words. The general fact
    # is the one whose phrasings ask no more than the question.
    index = QuestionIndex(_family(200))
    for question in ("How do I reset my password?", "how can I reset the password", "forgot password, change it"):
        assert index.search(question).best.fact.id == "reset-password", question


def test_the_named_member_of_a_family_of_near_duplicates_ranks_first() -> None:
    index = QuestionIndex(_family(200))
    for n in (0, 57, 199):
        assert index.search(f"reset password product{n:03d}").best.fact.id == f"reset-password-product{n:03d}"


def test_a_wrong_year_costs_less_where_the_fact_gives_another() -> None:
    """A year the fact never mentions is a name it does not cover; where the fact dates its own
    event, the question may simply have the year wrong, which the fact corrects."""
    index = QuestionIndex(
        [
            _fact("summit", "What did the leaders sign at the summit?", answer="In May 2024 the leaders signed a charter."),
            _fact("veto", "Can the council veto a membership?", answer="The council can veto any membership."),
        ]
    )
    dated = index.search("What did the leaders sign at the summit in 2019?").best
    undated = index.search("Did the council veto a membership in 2019?").best
    assert dated is not None and dated.fact.id == "summit"
    assert undated is not None and undated.fact.id == "veto"
    assert [factor for _, factor in dated.penalties] == [OTHER_YEAR_FACTOR]
    assert [factor for _, factor in undated.penalties] == [UNCOVERED_NAME_FACTOR]
    assert UNCOVERED_NAME_FACTOR < OTHER_YEAR_FACTOR < 1


_INDEX_WORDS = sorted({word for text in STATE.index._phr_text for word in text.split()})


def _closest_phrasings(
    index: QuestionIndex, query_text: str, facts: list[int]
) -> list[tuple[float, float, int] | None]:
    """What the index's rescoring must find, scored the plain way: every phrasing of each fact by
    rapidfuzz, the first of equals kept."""
    found: list[tuple[float, float, int] | None] = []
    for f in facts:
        start, end = int(index._fact_start[f]), int(index._fact_start[f + 1])
        if start == end:
            found.append(None)
            continue
        ratios = [fuzz.token_set_ratio(query_text, index._phr_text[p], processor=None) for p in range(start, end)]
        best = start + ratios.index(max(ratios))
        found.append((max(ratios), fuzz.token_sort_ratio(query_text, index._phr_text[best], processor=None), best))
    return found


@st.composite
def _rescored(draw: st.DrawFn) -> tuple[str, list[int]]:
    """A question near a phrasing (its words, some dropped, some misspelt, some from elsewhere)
    and facts to rescore, that phrasing's among them."""
    index = STATE.index
    phrasing = draw(st.integers(0, len(index._phr_text) - 1))
    words = index._phr_text[phrasing].split()
    query: list[str] = []
    for word in words:
        action = draw(st.sampled_from(("keep", "keep", "drop", "typo", "other")))
        if action == "keep":
            query.append(word)
        elif action == "typo":
            at = draw(st.integers(0, len(word)))
            query.append(word[:at] + draw(st.sampled_from("aeioxz1")) + word[at + 1 :])
        elif action == "other":
            query.append(draw(st.sampled_from(_INDEX_WORDS)))
    query += draw(st.lists(st.sampled_from(_INDEX_WORDS), max_size=2))
    own = int(np.searchsorted(index._fact_start, phrasing, side="right")) - 1
    others = draw(st.lists(st.integers(max(0, own - 6), min(len(index.facts) - 1, own + 6)), max_size=7))
    return " ".join(dict.fromkeys(query)), list(dict.fromkeys([own, *others]))


@given(_rescored())
@settings(max_examples=500, deadline=None)
def test_rescoring_finds_what_scoring_every_phrasing_finds(case: tuple[str, list[int]]) -> None:
    # The rescoring skips phrasings whose bounds show they cannot be their fact's closest: the
    # ratios, and the phrasing chosen among equals, must be those of scoring every phrasing.
    query_text, facts = case
    got = STATE.index._similarities(query_text, np.asarray(facts, dtype=np.int64))
    assert got == _closest_phrasings(STATE.index, query_text, facts)


@pytest.mark.parametrize("direct", [0, 10**6])
@given(case=_rescored())
@settings(max_examples=200, deadline=None)
def test_rescoring_by_bounds_and_by_rapidfuzz_alone_find_the_same(direct: int, case: tuple[str, list[int]]) -> None:
    # Few phrasings are scored by rapidfuzz alone, the others bounded first: either way, for any
    # number of phrasings, the ratios and the phrasing chosen among equals are the same.
    query_text, facts = case
    kept = index_module.DIRECT_MAX
    index_module.DIRECT_MAX = direct
    try:
        got = STATE.index._similarities(query_text, np.asarray(facts, dtype=np.int64))
    finally:
        index_module.DIRECT_MAX = kept
    assert got == _closest_phrasings(STATE.index, query_text, facts)


@pytest.mark.parametrize(
    "question",
    ["Does Japan recognise Kosovo?", "What did ASEAN and Japan say in 2019?", "Does China recognise Kosovo?"],
)
def test_the_rescored_facts_come_with_whether_each_has_each_name(question: str) -> None:
    # The candidates' coverage of the question's names is found once, for the penalties of the
    # ranking and of the hits: it must be what each fact's own postings say.
    index = STATE.index
    analysed = index.normaliser.analyse(question)
    terms = index._dedupe(index.resolve(analysed))
    known = [t for t in terms if t.term is not None]
    names = [t for t, item in zip(terms, analysed, strict=True) if item.flag == NAME and t.weight > 0]
    assert names
    scores = index._accumulate(known)
    total = sum(t.weight for t in terms)
    top, _, covered = index._candidates(scores, float(scores.max()), total, known, None, names, frozenset(), 5)
    assert len(covered) == len(names)
    for name, has in zip(names, covered, strict=True):
        expected = [name.term is not None and index._covers(int(f), name.term) for f in top]
        assert has.tolist() == expected


def test_rescoring_reads_near_duplicates_as_rapidfuzz_does() -> None:
    index = QuestionIndex(_family(40))
    for question in ("reset password product007", "password reset link product012", "forgot password change"):
        facts = list(range(len(index.facts)))
        query_text = " ".join(t.word for t in index.normaliser.analyse(question))
        for chunk in range(0, len(facts), 8):
            part = facts[chunk : chunk + 8]
            assert index._similarities(query_text, np.asarray(part)) == _closest_phrasings(index, query_text, part)


def test_the_whole_of_a_long_answer_is_read() -> None:
    """An answer is read whole, whatever its length (a member's input is cut to MAX_INPUT_CHARS,
    curated text is not): a word and a possessor in its last sentence count."""
    filler = "The office keeps to its usual work and reports on it every year. " * 10
    long_answer = f"{filler}Its budget is drawn up by the Treasury's own auditors."
    assert len(long_answer) > MAX_INPUT_CHARS
    index = QuestionIndex(
        [
            _fact("office", "What does the office do?", answer=long_answer),
            _fact("garden", "Where is the garden?", answer="The garden is behind the house."),
        ]
    )
    hit = index.search("treasury auditors").best
    assert hit is not None and hit.fact.id == "office"
    assert index.search("What is the Treasury's view of the office?").best.penalties == ()
    cut = pieces(long_answer)
    assert len(cut) > 1 and all(len(piece) <= MAX_INPUT_CHARS for piece in cut)
    assert " ".join(cut) == " ".join(long_answer.split())


def test_the_index_built_a_few_facts_at_a_time_is_the_index_built_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    facts = [
        *STATE.kb.visible,
        _fact("stems", "Recognise, recognised, recognises?", "Who recognised it?", answer="Recognition came in 2008."),
        _fact("filler", "Filler?", "What is it?", "???", answer="It is the only word here."),
        _fact("long", "Long?", answer="The Treasury's auditors keep to their work. " * 30),  # read in pieces
    ]
    normaliser = STATE.index.normaliser
    whole = QuestionIndex(facts, normaliser)
    import bot.core.matching.index as index_module

    monkeypatch.setattr(index_module, "BUILD_TEXTS", 7)  # chunk boundaries fall everywhere
    chunked = QuestionIndex(facts, normaliser)
    assert whole.__getstate__().keys() == chunked.__getstate__().keys()
    for name, value in whole.__getstate__().items():
        other = getattr(chunked, name)
        if isinstance(value, np.ndarray):
            assert value.dtype == other.dtype and np.array_equal(value, other), name
        elif name != "normaliser":
            assert value == other, name
    # Two words of one phrasing with one stem are one term of it; a phrasing of filler has none.
    pid = int(whole._fact_start[len(facts) - 3])
    assert whole._phr_len[pid] == 1 and whole._tok_n[pid] == 3
    assert whole._phr_display[-4:-2] == ["Filler?", "Filler?"]  # a phrasing and the title


@pytest.mark.parametrize("words", [["china", "kosovo"], ["entity00042", "2008", "ünesco", "ŠPANIJA"], []])
def test_a_questions_character_counts_are_those_of_its_text_counted_as_the_phrasings_are(words: list[str]) -> None:
    # The rescoring's bound compares a question's counts with each phrasing's: both must count alike.
    from bot.core.matching.index import _histogram, _histograms

    got = _histogram(words)
    assert got.dtype == np.float32
    assert got.tolist() == _histograms(["".join(words)])[0].astype(np.float32).tolist()


def test_spans_of_ranges_are_their_items_end_to_end() -> None:
    from bot.core.matching.index import _spans

    offsets, items = _spans(np.asarray([3, 10, 7], dtype=np.int64), np.asarray([2, 0, 3], dtype=np.int64))
    assert offsets.tolist() == [0, 2, 2] and items.tolist() == [3, 4, 7, 8, 9]
    offsets, items = _spans(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    assert offsets.tolist() == [] and items.tolist() == []


def test_a_questions_scratch_arrays_are_zero_again_after_it_and_each_threads_own() -> None:
    import pickle
    import threading

    index = QuestionIndex(STATE.kb.visible, STATE.index.normaliser)
    questions = ["Does China recognise Kosovo?", "What did Geng Shuang say at the UN?", "china serbia kosovo unesco"]
    expected = [index.search(q) for q in questions]
    scratch = [index._scratch(name, 0, np.int64) for name in ("terms", "words")]
    assert all(len(a) and not a.any() for a in scratch)
    # A question cut short by an error leaves them zero too.
    real_add = index_module._ADD_AT

    def failing(*args: object) -> None:
        raise RuntimeError("cut short")

    index_module._ADD_AT = failing
    try:
        with pytest.raises(RuntimeError):
            index.search(questions[0])
    finally:
        index_module._ADD_AT = real_add
    assert all(not a.any() for a in scratch)
    assert [index.search(q) for q in questions] == expected
    # Another thread has its own; a pickled index has none, and answers alike.
    other: list[np.ndarray] = []
    thread = threading.Thread(target=lambda: (index.search(questions[1]), other.append(index._scratch("terms", 0, np.int64))))
    thread.start()
    thread.join()
    assert other[0] is not scratch[0] and not other[0].any()
    copy = pickle.loads(pickle.dumps(index))
    assert "_local" in copy.__dict__ and not hasattr(copy._local, "terms")
    assert [copy.search(q) for q in questions] == expected


def test_an_answer_carries_the_time_it_took() -> None:
    started = time.perf_counter()
    answer = STATE.answer("Does China recognise Kosovo?")
    assert 0.0 < answer.latency_ms <= (time.perf_counter() - started) * 1000.0


def _accumulated_one_term_at_a_time(index: QuestionIndex, known: list) -> np.ndarray:
    scores = np.zeros(len(index.facts), dtype=np.float32)
    for t in known:
        weight = np.float32(t.weight * t.similarity)
        start, end = index._post_ptr[t.term], index._post_ptr[t.term + 1]
        scores[index._post_fact[start:end]] += weight * index._post_credit[start:end]
    return scores


@pytest.mark.parametrize("dense", [False, True])
def test_weights_added_in_one_call_are_those_added_one_term_at_a_time(dense: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # Postings of several terms are added at once, between the dense rows of the commonest terms:
    # every fact's sum must be the one of adding each term in turn, to the last bit.
    import bot.core.matching.index as index_module

    if dense:
        monkeypatch.setattr(index_module, "DENSE_MIN", 2)
    index = QuestionIndex(STATE.kb.visible, STATE.index.normaliser)
    assert bool(index._dense_slot) is dense
    first_dense = set()  # whether the first term has a dense row (then it is the scores themselves)
    for question in ["Does China recognise Kosovo as an independent state?", "china kosovo serbia recognition unesco",
                     "What did Geng Shuang say at the UN Security Council about Kosovo in 2019?", "recognise recognised"]:
        known = [t for t in index._dedupe(index.resolve(index.normaliser.analyse(question))) if t.term is not None]
        assert len(known) > 1
        assert index._accumulate(known).tobytes() == _accumulated_one_term_at_a_time(index, known).tobytes()
        doubled = known + known[::-1]  # a term twice (two words that stem alike), dense rows among others
        assert index._accumulate(doubled).tobytes() == _accumulated_one_term_at_a_time(index, doubled).tobytes()
        first_dense.add(known[0].term in index._dense_slot)
    assert first_dense == ({True, False} if dense else {False})


@pytest.mark.timeout(120)
def test_rescoring_finds_what_scoring_every_phrasing_finds_for_the_tuning_questions() -> None:
    # Many questions meet several phrasings of a fact equally well: the one found must be the first
    # of them, whatever phrasings the rescoring leaves out or cuts short.
    import yaml

    index = STATE.index
    cases = yaml.safe_load((Path(__file__).parents[1] / "eval" / "questions.yaml").read_text(encoding="utf-8"))
    for case in cases["questions"]:
        analysed = index.normaliser.analyse(case["q"])
        query_text = " ".join(t.word for t in analysed)
        facts = list(range(len(index.facts)))
        for chunk in range(0, len(facts), 8):
            part = facts[chunk : chunk + 8]
            assert index._similarities(query_text, np.asarray(part)) == _closest_phrasings(index, query_text, part)


def test_the_facts_preselected_for_rescoring_are_the_first_by_weight_then_their_phrasings_weight() -> None:
    # The straightforward way: every candidate sorted by tier of weight, then by the mean weight of
    # its phrasings, then by position; the index sorts only the few it keeps.
    from bot.core.matching.index import CANDIDATE_RATIO, PRESELECT, TIE_STEPS

    index = QuestionIndex(_family(300))
    per_fact = np.diff(index._fact_start)
    own_mean = np.full(len(index.facts), np.inf)
    own_mean[per_fact > 0] = np.add.reduceat(index._phr_own, index._fact_start[:-1][per_fact > 0]) / per_fact[per_fact > 0]
    checked = 0
    for question in ("How do I reset my password?", "password reset link", "reset password product042 account page",
                     "forgot password change", "open the account page"):
        known = [t for t in index._dedupe(index.resolve(index.normaliser.analyse(question))) if t.term is not None]
        scores = index._accumulate(known)
        best = float(scores.max())
        top = (scores >= best * CANDIDATE_RATIO).nonzero()[0]
        if len(top) <= PRESELECT:
            continue
        tier = np.floor(scores[top] * (TIE_STEPS / best))
        assert index._preselect(scores, best, top).tolist() == top[np.lexsort((own_mean[top], -tier))[:PRESELECT]].tolist()
        checked += 1
    assert checked >= 3
