"""The fusion of the lexical and the semantic stage, on the shipped knowledge with semantic
readings made by hand (no encoder): what each part of the confidence does."""

from __future__ import annotations

import pytest

from bot.core.answers import ANSWER_THRESHOLD, SUGGEST_FLOOR
from bot.core.matching import fusion
from bot.core.semantic.index import Nearest
from bot.core.service import load_state
from bot.settings import DEFAULT_KNOWLEDGE_DIR

STATE = load_state(DEFAULT_KNOWLEDGE_DIR)
MATCHER = STATE.matcher
POSITION = {fact.id: i for i, fact in enumerate(STATE.index.facts)}


def reading(*pairs: tuple[str, float]) -> list[Nearest]:
    """A semantic stage's nearest facts, best first."""
    return [Nearest(POSITION[fact_id], similarity, 0) for fact_id, similarity in pairs]


def confidences(question: str, nearest: list[Nearest], background: float | None = 0.80) -> dict[str, float]:
    understanding = MATCHER.finish(MATCHER.draft(question), nearest, None, (), background)
    return {c.fact.id: c.confidence for c in understanding.candidates}


def test_a_fact_found_by_meaning_alone_still_pays_for_a_name_it_never_mentions() -> None:
    """"Brazil" is near "BRICS" in meaning; the BRICS fact never mentions Brazil."""
    nearest = reading(("brics-sco-platforms", 0.93), ("china-stance-on-kosovo", 0.90))
    plain = confidences("What role do the BRICS play for Kosovo?", nearest)
    named = confidences("What is Brazil's stance on Kosovo?", nearest)
    assert plain["brics-sco-platforms"] >= ANSWER_THRESHOLD
    assert named["brics-sco-platforms"] < ANSWER_THRESHOLD
    understanding = MATCHER.finish(MATCHER.draft("What is Brazil's stance on Kosovo?"), nearest, None, (), 0.80)
    brics = next(c for c in understanding.candidates if c.fact.id == "brics-sco-platforms")
    assert brics.lexical is None and brics.penalty < 0.7  # not a lexical hit, penalised all the same


def test_a_clear_first_on_which_both_stages_agree_gains_part_of_its_lead(monkeypatch: pytest.MonkeyPatch) -> None:
    question = "so what if china keeps its current approach, the passive one?"
    agreeing = reading(("scenario-passive-support", 0.93), ("scenario-direct-intervention", 0.86))
    with_lead = confidences(question, agreeing)
    monkeypatch.setattr(fusion, "ENGLISH_LEAD", 0.0)
    without = confidences(question, agreeing)
    ranked = sorted(without.values(), reverse=True)
    lead = min(ranked[0] - ranked[1], fusion.LEAD_CAP)
    assert with_lead["scenario-passive-support"] == pytest.approx(without["scenario-passive-support"] + 0.5 * lead, abs=0.2)
    monkeypatch.undo()
    # the semantic stage ranks another fact first: no stage agrees on a leader, no bonus
    disagreeing = reading(("scenario-direct-intervention", 0.95), ("scenario-passive-support", 0.93))
    monkeypatch.setattr(fusion, "ENGLISH_LEAD", 0.0)
    plain = confidences(question, disagreeing)
    monkeypatch.undo()
    assert confidences(question, disagreeing) == plain


def test_a_leader_missing_a_name_of_the_question_gains_nothing_from_its_lead(monkeypatch: pytest.MonkeyPatch) -> None:
    """The veto fact leads clearly, but the question's year is nowhere in it: the lead does not
    lift it to an answer."""
    question = "Did China veto Kosovo's UN membership in 2015?"
    nearest = reading(("unsc-veto-power", 0.93), ("geng-shuang-tolerance-reconciliation", 0.85))
    fused = confidences(question, nearest)
    monkeypatch.setattr(fusion, "ENGLISH_LEAD", 0.0)
    assert fused == confidences(question, nearest)
    assert fused["unsc-veto-power"] < ANSWER_THRESHOLD


def test_below_the_background_the_lexical_confidence_does_not_stand_alone() -> None:
    """The same lexical match, once with a semantic reading well above the background, once with
    one no closer to the fact than to everyday chat."""
    question = "what time do shops close in belgrade"
    hit = MATCHER.draft(question).result.best
    assert hit is not None
    on_topic = confidences(question, reading((hit.fact.id, 0.95)), background=0.80)
    off_topic = confidences(question, reading((hit.fact.id, 0.86)), background=0.85)
    assert on_topic[hit.fact.id] >= hit.confidence  # kept: the stages agree
    assert off_topic[hit.fact.id] < hit.confidence  # fused: the semantic stage finds it unrelated


def test_a_lexical_match_barely_above_the_background_is_fused_not_kept() -> None:
    """"Does Serbia use the euro?" shares "Serbia" and "use" with a phrasing of the BRICS fact,
    enough for a lexical answer; the semantic stage finds the fact hardly closer than everyday
    chat (a lift of 0.057), so the lexical confidence does not stand alone."""
    question = "Does Serbia use the euro?"
    hit = MATCHER.draft(question).result.best
    assert hit is not None and hit.fact.id == "brics-sco-platforms" and hit.confidence >= ANSWER_THRESHOLD
    assert fusion.LIFT_AGREE > 0.057
    barely = confidences(question, reading((hit.fact.id, 0.857)), background=0.80)
    assert barely[hit.fact.id] < ANSWER_THRESHOLD
    agreeing = confidences(question, reading((hit.fact.id, 0.80 + fusion.LIFT_AGREE)), background=0.80)
    assert agreeing[hit.fact.id] >= hit.confidence


def test_one_known_word_among_unknown_ones_is_not_confident_enough_to_skip_the_semantic_stage() -> None:
    """"Albanian" alone covers the fact about Kosovo's ethnic groups fully, yet the question reads
    like none of its phrasings: the semantic stage is asked, and finds it no closer than chat."""
    question = "How do I say thank you in Albanian?"
    draft = MATCHER.draft(question)
    assert draft.result.best is not None and draft.result.best.confidence >= fusion.CONFIDENT_LEXICAL
    assert draft.result.best.similarity < fusion.CONFIDENT_CLOSENESS
    assert not draft.confident
    near = reading((draft.result.best.fact.id, 0.86))
    assert max(confidences(question, near, background=0.85).values()) < ANSWER_THRESHOLD
    assert MATCHER.draft("How many employees does the Chinese mission in Pristina have?").confident


def test_a_name_in_cyrillic_that_a_latin_phrasing_holds_is_no_unknown_name() -> None:
    """"КФОР" and "Срба" are the "KFOR" and "Srba" of a Serbian Latin phrasing; "Шпанија" (Spain)
    is in no fact."""
    texts = ("Како је Кина реаговала на сукобе на Косову 2023?",)
    nearest = [Nearest(POSITION["mao-ning-may-2023-clashes"], 0.93, 0)]

    def best(question: str) -> float:
        understanding = MATCHER.finish(MATCHER.draft(question), nearest, None, texts, 0.80)
        assert understanding.best is not None and understanding.best.fact.id == "mao-ning-may-2023-clashes"
        return understanding.best.confidence

    named = best("Шта је Кина рекла после сукоба Срба и КФОР-а?")
    plain = best("Шта је Кина рекла после сукоба на Косову?")
    other = best("Шта је Шпанија рекла после сукоба на Косову?")
    assert named >= ANSWER_THRESHOLD and abs(named - plain) < 10
    assert other < 0.7 * plain


def test_beyond_the_ceiling_the_closer_fact_still_ranks_first() -> None:
    """Both facts are closer than the semantic part's ceiling (the background plus LIFT_CEILING);
    the closer one keeps part of its lift beyond it."""
    nearest = reading(("future-depends-on", 0.99), ("factors-shaping-china-role", 0.955))
    found = confidences("Quo vadis?", nearest)  # no word any phrasing has: meaning alone
    full = 100.0 * fusion.W_SEMANTIC
    assert found["future-depends-on"] > found["factors-shaping-china-role"] > full


def test_of_names_listed_with_one_the_fact_mentions_only_one_costs() -> None:
    """"Serbia, Montenegro and Albania": a list around the name the fact is about is context; each
    name the fact never mentions does not cost its own penalty. Off the list, each still does."""
    question = "Serbia, Montenegro, Bulgaria and Albania all get Beijing's deals; why not Kosovo?"
    draft = MATCHER.draft(question)
    nearest = reading(("bri-ceec-kosovo-excluded", 0.90), ("serbia-strategic-partnership", 0.88))
    understanding = MATCHER.finish(draft, nearest, None, (), 0.80)
    fact = next(c for c in understanding.candidates if c.fact.id == "bri-ceec-kosovo-excluded")
    hit = next(h for h in draft.result.hits if h.fact.id == "bri-ceec-kosovo-excluded")
    missing = [why for why, _ in hit.penalties if why.startswith("name ")]
    assert len(missing) >= 2  # Montenegro, Bulgaria (Albania may be in the knowledge)
    assert fact.penalty == pytest.approx(fusion.UNCOVERED_NAME_FACTOR)
    # the same names, not listed with one the fact mentions, each cost
    other = MATCHER.draft("Do Montenegro and Bulgaria get Beijing's deals?")
    understood = MATCHER.finish(other, nearest, None, (), 0.80)
    same = next(c for c in understood.candidates if c.fact.id == "bri-ceec-kosovo-excluded")
    assert same.penalty < fusion.UNCOVERED_NAME_FACTOR


def test_a_fact_no_closer_than_everyday_questions_about_its_names_is_not_answered() -> None:
    """"Does Kosovo have its own army?" reads like phrasings of facts that name Kosovo, well above
    the everyday background; it is as close to "Is Kosovo safe for tourists?" and the like (the
    named background), and no fact is closer than those: whatever the two stages' confidence, it
    is not the answer."""
    question = "Does Kosovo have its own army?"
    hit = MATCHER.draft(question).result.best
    assert hit is not None
    nearest = reading((hit.fact.id, 0.90), ("china-stance-on-kosovo", 0.89))
    plain = MATCHER.finish(MATCHER.draft(question), nearest, None, (), 0.80)
    named = MATCHER.finish(MATCHER.draft(question), nearest, None, (), 0.80, 0.905)
    assert plain.best is not None and plain.best.confidence >= ANSWER_THRESHOLD
    assert named.best is not None and named.best.confidence == fusion.NAMED_CAP < ANSWER_THRESHOLD
    # capped just under the answer: it may still be suggested
    assert fusion.NAMED_CAP >= SUGGEST_FLOOR
    # a fact closer than the named background keeps its confidence
    assert MATCHER.finish(MATCHER.draft(question), nearest, None, (), 0.80, 0.895).best == plain.best


def test_in_another_language_a_fact_no_closer_than_the_named_background_is_not_answered_either() -> None:
    question = "Da li Kosovo ima svoju vojsku?"
    draft = MATCHER.draft(question)
    assert not draft.english
    nearest = reading(("china-stance-on-kosovo", 0.90), ("non-recognition-sovereignty", 0.85))
    plain = MATCHER.finish(draft, nearest, None, (), 0.80)
    named = MATCHER.finish(draft, nearest, None, (), 0.80, 0.91)
    assert plain.best is not None and plain.best.confidence >= ANSWER_THRESHOLD
    assert named.best is not None and named.best.confidence == fusion.NAMED_CAP < ANSWER_THRESHOLD
