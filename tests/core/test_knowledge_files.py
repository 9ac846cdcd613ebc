"""Every shipped knowledge file, tested as data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.core.knowledge import load_knowledge
from bot.core.knowledge.loader import knowledge_files, parse_yaml
from bot.core.knowledge.schema import ANSWER_MAX_CHARS, QUESTION_MAX_CHARS
from bot.core.matching.detail import (
    ACT,
    AGENT,
    CAUSE,
    CHANGE,
    CHOICE,
    COMPARISON,
    CONDITION,
    CONTACT,
    DATE,
    DAY,
    DEFINITION,
    FUTURE,
    HOURS,
    HYPOTHESIS,
    MANNER,
    NAME,
    OFFICIAL,
    PERSON,
    PLACE,
    QUANTITY,
    STANCE,
    WHICH,
    DetailChecker,
)
from bot.core.matching.normalise import Normaliser, answer_kinds
from bot.settings import DEFAULT_KNOWLEDGE_DIR

KB = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
FACT_IDS = [fact.id for fact in KB.facts]

#: The languages every fact is asked in, as tagged by the comments over its phrasings
#: (``# sr-Latn``); see docs/knowledge.md, "Phrasings in the community's languages".
LANGUAGES = ("en", "sr-Latn", "sr-Cyrl", "sq", "de", "fr")
#: Phrasings each fact needs, per language.
MIN_PHRASINGS = {"en": 12, "sr-Latn": 3, "sr-Cyrl": 3, "sq": 3, "de": 3, "fr": 3}
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_SERBIAN_DIACRITICS = re.compile(r"[čćžšđČĆŽŠĐ]")


def _tagged_phrasings(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Each fact's phrasings in ``path`` with the language of the comment above them:
    ``{fact id: [(language, phrasing), ...]}``. A phrasing before any tag has the language ``None``."""
    found: dict[str, list[tuple[str, str]]] = {}
    fact = language = None
    in_questions = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if match := re.match(r"^\s*- id: (\S+)$", line):
            fact, in_questions = match.group(1), False
        elif re.match(r"^\s+questions:$", line):
            in_questions, language = True, None
            indent = None
        elif in_questions:
            stripped = line.strip()
            if indent is None and stripped:
                indent = len(line) - len(line.lstrip())
            if stripped and len(line) - len(line.lstrip()) == indent and stripped.startswith("#"):
                language = stripped.lstrip("#").strip()
                assert language in LANGUAGES, f"{path.name}:{number}: unknown language tag {language!r}"
            elif stripped and len(line) - len(line.lstrip()) == indent and stripped.startswith("- "):
                (phrasing,) = yaml.safe_load(stripped)
                found.setdefault(fact, []).append((language, phrasing))
            elif stripped:
                in_questions = False
    return found


TAGGED = {
    fact_id: pairs
    for path in knowledge_files(DEFAULT_KNOWLEDGE_DIR)
    for fact_id, pairs in _tagged_phrasings(path).items()
}


def test_the_shipped_knowledge_base_loads_with_a_sensible_size() -> None:
    assert 25 <= len(KB.facts) <= 40
    assert sum(len(f.questions) for f in KB.facts) >= 150
    assert len(KB.topics) >= 5
    assert len(KB.synonyms.groups) >= 20


def test_every_fact_file_holds_facts() -> None:
    files = knowledge_files(DEFAULT_KNOWLEDGE_DIR)
    assert len(files) >= 5
    for path in files:
        facts = parse_yaml(path.read_text(encoding="utf-8"), path.name)["facts"]
        assert facts, path.name
        assert all(fact["id"] in KB.by_id for fact in facts), path.name


@pytest.mark.parametrize("fact_id", FACT_IDS)
def test_fact_is_cited_and_fits_every_platform(fact_id: str) -> None:
    fact = KB.by_id[fact_id]
    assert len(fact.answer) <= ANSWER_MAX_CHARS
    assert all(len(q) <= QUESTION_MAX_CHARS for q in fact.questions)
    assert len(fact.questions) >= 5, "a fact needs several phrasings to be found"
    for source in fact.sources:
        assert source.publisher == "The Western Balkans"
        assert source.article == "China and the Kosovo issue"
        assert source.section, "each fact names the section it comes from"
    # Self-contained in chat: the answer names its subject instead of relying on context.
    assert "China" in fact.answer or "Beijing" in fact.answer
    # Attributed as the article attributes it: the publisher's analysis, not the bot's own claim.
    assert re.search(r"The Western Balkans|the article|the analysis", fact.answer), fact.answer


def test_the_subscription_advertisement_is_not_knowledge() -> None:
    for fact in KB.facts:
        text = f"{fact.title} {fact.answer}".casefold()
        assert "€" not in text and "subscription" not in text and "subscribe" not in text


def test_no_invented_urls_or_dates_in_sources() -> None:
    for fact in KB.facts:
        for source in fact.sources:
            assert source.url is None and source.date is None


def test_no_phrasing_leads_to_two_facts() -> None:
    owner: dict[str, str] = {}
    for fact in KB.facts:
        for question in fact.questions:
            key = re.sub(r"\W+", " ", question.casefold()).strip()
            assert owner.setdefault(key, fact.id) == fact.id, f"{question!r} is in {owner[key]} and {fact.id}"


def test_related_facts_exist_and_are_not_self_references() -> None:
    for fact in KB.facts:
        for rid in fact.related:
            assert rid in KB.by_id and rid != fact.id


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?”])\s+(?=[A-Z])", text)


def test_claims_keep_the_articles_attribution_hedges_and_scope() -> None:
    """Findings of a line-by-line review against the article, kept fixed."""
    blocking = KB.by_id["unesco-interpol-blocking"].answer
    # The article states the blocking itself; Vučić is credited only with highlighting China's backing.
    assert not any("Vučić" in s and "blocked" in s for s in _sentences(blocking))
    assert not re.search(r"Vučić[^.]*\b(?:highlighted|pointed to|stressed) (?:this|that)\b", blocking)
    assert blocking.count("such as Interpol and UNESCO") <= 1
    # The article puts Russia's stretched resources down to the war; sanctions come in another sentence.
    russia = KB.by_id["russia-decreasing-role"].answer
    assert all("sanction" not in s for s in _sentences(russia) if "stretch" in s)
    # Titles are as hedged and as narrow as the article.
    assert " may " in KB.by_id["serbia-strategic-partnership"].title
    assert "states" in KB.by_id["scenario-economic-pressure"].title
    assert "membership" in KB.by_id["unsc-veto-power"].title
    # Two statements from two sections stay two sentences, each attributed to the article.
    precedent = _sentences(KB.by_id["separatism-precedent-taiwan"].answer)
    taiwan = [s for s in precedent if "Taiwan" in s]
    borders = [s for s in precedent if "own borders" in s]
    assert len(taiwan) == len(borders) == 1 and taiwan != borders
    assert all(re.search(r"The Western Balkans|the article", s) for s in (*taiwan, *borders))


def test_the_language_tags_cover_exactly_the_loaded_phrasings() -> None:
    assert TAGGED.keys() == set(FACT_IDS)
    for fact in KB.facts:
        assert [phrasing for _language, phrasing in TAGGED[fact.id]] == list(fact.questions), fact.id


@pytest.mark.parametrize("fact_id", FACT_IDS)
def test_fact_is_asked_in_every_language_of_the_community(fact_id: str) -> None:
    """Answers are English, but members ask in Serbian (both scripts), Albanian, German and French:
    phrasings in their language let the semantic stage meet them at same-language similarity."""
    by_language: dict[str | None, list[str]] = {}
    order: list[str | None] = []
    for language, phrasing in TAGGED[fact_id]:
        if not order or order[-1] != language:
            assert language not in order, f"{fact_id}: the {language} phrasings are not kept together"
            order.append(language)
        by_language.setdefault(language, []).append(phrasing)
    assert None not in by_language, f"{fact_id}: phrasings without a language tag: {by_language.get(None)}"
    for language, least in MIN_PHRASINGS.items():
        assert len(by_language.get(language, ())) >= least, f"{fact_id}: fewer than {least} {language} phrasings"
    for language, phrasings in by_language.items():
        for phrasing in phrasings:
            cyrillic = bool(_CYRILLIC.search(phrasing))
            assert cyrillic == (language == "sr-Cyrl"), f"{fact_id}: {phrasing!r} is not in the script of {language}"
    # Members type Serbian with and without its letters (on an English keyboard "šta" is "sta").
    latin = by_language["sr-Latn"]
    assert any(_SERBIAN_DIACRITICS.search(p) for p in latin), f"{fact_id}: no sr-Latn phrasing with diacritics"
    assert any(not _SERBIAN_DIACRITICS.search(p) for p in latin), f"{fact_id}: every sr-Latn phrasing has diacritics"


#: "How much weight/clout..." asks for a degree, not a figure: such a phrasing declares that its
#: fact answers "how much" questions (see the detail check), which only a fact about influence may.
_DEGREE = re.compile(r"\bhow much (?:weight|clout|influence|sway|say)\b", re.IGNORECASE)


#: Details a curators' phrasing declares the fact states, by asking for them (see detail.py).
DECLARED_KINDS = frozenset((OFFICIAL, WHICH, STANCE, AGENT, CAUSE, DEFINITION))


def test_a_phrasing_asks_only_for_what_its_answer_states() -> None:
    """A phrasing that asks who, where, on what day, when, how many or what something is called,
    under a fact whose answer does not say, teaches the bot to answer near-misses with that fact.
    The answer alone must state the detail (the phrasings' own declarations are left out)."""
    answers_only = [fact.model_copy(update={"questions": [fact.title]}) for fact in KB.facts]
    checker = DetailChecker(answers_only, Normaliser(KB.synonyms.pairs(), KB.synonyms.related))
    wrong = []
    for fact, bare in zip(KB.facts, answers_only, strict=True):
        for phrasing in fact.questions:
            detail = checker.asked(phrasing)
            if detail is None:
                continue
            if detail.kind == QUANTITY and _DEGREE.search(phrasing):
                continue
            if detail.kind in DECLARED_KINDS or detail.kind in (ACT, HYPOTHESIS):
                continue  # a curators' phrasing asking for these declares that the fact states them
            if detail.kind == QUANTITY:
                stated = "quantity" in answer_kinds(fact.answer)
            else:
                assert detail.kind in (
                    PERSON, PLACE, DAY, DATE, NAME, CONTACT, HOURS, MANNER, COMPARISON, CHOICE, FUTURE, CHANGE, CONDITION
                )
                stated = checker.states(bare, detail, phrasing)
            if not stated:
                wrong.append(f"{fact.id}: {phrasing!r} asks for {detail.label}")
    assert not wrong, "\n".join(wrong)
