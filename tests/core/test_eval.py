"""The evaluation sets: questions worded unlike the facts' phrasings, with the expected outcome.

``questions.yaml`` is the tuning set (weights and thresholds were chosen on it); ``heldout.yaml``
and ``heldout-community.yaml`` are held out: never tuned on, never edited to fit the bot. The
floors below sit a little under the figures measured when they were set (see the README), per
kind of question, so a regression in any kind fails.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from bot.core.service import KnowledgeState, load_state
from bot.settings import DEFAULT_KNOWLEDGE_DIR

EVAL_DIR = Path(__file__).parent.parent / "eval"
EVAL = yaml.safe_load((EVAL_DIR / "questions.yaml").read_text(encoding="utf-8"))
ENTRIES = EVAL["questions"]


def _rates(state: KnowledgeState, entries: list[dict]) -> dict[str, tuple[int, int, int, int]]:
    """Per kind (other languages together as "language"): right answers, answerable, abstentions,
    unanswerable. Only aggregates: a failure message never lists held-out questions."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for entry in entries:
        answer = state.answer(entry["q"])
        row = tally[entry["kind"]]
        if entry["expect"]:
            row[0] += answer.fact is not None and answer.fact.id == entry["expect"]
            row[1] += 1
        else:
            row[2] += answer.fact is None
            row[3] += 1
    return {kind: (r[0], r[1], r[2], r[3]) for kind, r in tally.items()}


def _check(rates: dict[str, tuple[int, int, int, int]], answer_floors: dict[str, float], abstain_floors: dict[str, float]) -> None:
    low = []
    for kind, floor in answer_floors.items():
        right, answerable, _, _ = rates[kind]
        if right / answerable < floor:
            low.append(f"{kind}: {right}/{answerable} answered right, floor {floor:.0%}")
    for kind, floor in abstain_floors.items():
        _, _, abstained, unanswerable = rates[kind]
        if abstained / unanswerable < floor:
            low.append(f"{kind}: {abstained}/{unanswerable} abstained, floor {floor:.0%}")
    assert not low, low


def test_the_evaluation_set_is_large_and_varied() -> None:
    kinds = Counter(entry["kind"] for entry in ENTRIES)
    assert len(ENTRIES) >= 300
    assert {"keyword", "paraphrase", "chat", "typo", "accent", "off-topic", "near-miss", "language"} <= set(kinds)
    assert {"en", "sr-Latn", "sr-Cyrl", "sq", "de", "fr"} == {entry.get("lang", "en") for entry in ENTRIES}
    assert len({entry["q"] for entry in ENTRIES}) == len(ENTRIES)
    state = load_state(DEFAULT_KNOWLEDGE_DIR)
    phrasings = {q.casefold() for f in state.kb.facts for q in f.questions}
    for entry in ENTRIES:
        for key in ("expect", "suggest"):
            assert entry.get(key) is None or entry[key] in state.kb.by_id, entry
        assert entry["q"].casefold() not in phrasings, f"{entry['q']!r} copies a fact's phrasing"


@pytest.mark.timeout(180)
def test_tuning_set_per_kind(semantic_state: KnowledgeState) -> None:
    _check(
        _rates(semantic_state, ENTRIES),
        {"keyword": 0.96, "paraphrase": 0.95, "chat": 0.93, "typo": 0.96, "accent": 0.95, "near-miss": 0.9,
         "language": 0.92},
        {"off-topic": 0.95, "near-miss": 0.95, "chat": 0.95, "language": 0.95},
    )


def test_tuning_set_without_the_semantic_stage_keeps_its_abstentions() -> None:
    """With the semantic stage off (a setting, or no wheel for the platform) recall drops, but the
    bot abstains as surely as with it."""
    _check(
        _rates(load_state(DEFAULT_KNOWLEDGE_DIR), ENTRIES),
        {"keyword": 0.96, "typo": 0.96, "paraphrase": 0.9, "chat": 0.9},
        {"off-topic": 0.95, "near-miss": 0.94, "language": 0.95},
    )


@pytest.mark.timeout(240)
def test_held_out_questions_do_not_regress(semantic_state: KnowledgeState) -> None:
    """``heldout.yaml`` was written without seeing any score, and nothing was tuned on it. The floors
    sit under the figures of the README's table."""
    held_out = yaml.safe_load((EVAL_DIR / "heldout.yaml").read_text(encoding="utf-8"))["questions"]
    rates = _rates(semantic_state, held_out)
    right = sum(r[0] for r in rates.values())
    answerable = sum(r[1] for r in rates.values())
    abstained = sum(r[2] for r in rates.values())
    unanswerable = sum(r[3] for r in rates.values())
    assert answerable >= 30 and unanswerable >= 20
    assert right / answerable >= 0.92, f"{right}/{answerable} answered right"
    assert abstained / unanswerable >= 0.82, f"{abstained}/{unanswerable} abstained"


@pytest.mark.timeout(300)
def test_the_community_held_out_set_per_kind(semantic_state: KnowledgeState) -> None:
    """``heldout-community.yaml``: 309 questions written from the article alone and frozen before any
    tuning. The floors sit a little under the figures measured (see the README), per kind; a failure
    names kinds and counts only, never a question."""
    held_out = yaml.safe_load((EVAL_DIR / "heldout-community.yaml").read_text(encoding="utf-8"))["questions"]
    _check(
        _rates(semantic_state, held_out),
        {"keyword": 0.96, "chat": 0.88, "typo": 0.89, "paraphrase": 0.82, "near-miss": 0.85, "language": 0.84},
        {"off-topic": 0.95, "near-miss": 0.84, "language": 0.85},
    )


def test_the_community_held_out_set_is_large_varied_and_names_real_facts() -> None:
    """``heldout-community.yaml`` was written from the source article and the facts' answers alone,
    before any tuning on it; it is frozen (never edited to fit the bot)."""
    held_out = yaml.safe_load((EVAL_DIR / "heldout-community.yaml").read_text(encoding="utf-8"))
    entries = held_out["questions"]
    state = load_state(DEFAULT_KNOWLEDGE_DIR)
    assert len(entries) >= 200
    kinds = Counter(entry["kind"] for entry in entries)
    assert {"paraphrase", "chat", "keyword", "typo", "near-miss", "off-topic", "language"} == set(kinds)
    assert {"en", "sr-Latn", "sr-Cyrl", "sq", "de", "fr"} == {entry["lang"] for entry in entries}
    assert len({entry["q"] for entry in entries}) == len(entries)
    for entry in entries:
        for key in ("expect", "suggest"):
            assert entry.get(key) is None or entry[key] in state.kb.by_id, entry


@pytest.mark.parametrize(("name", "size"), [("dev.yaml", 250), ("dev2.yaml", 200), ("dev3.yaml", 200), ("dev4.yaml", 250), ("dev5.yaml", 250), ("dev6.yaml", 250)])
def test_the_development_sets_share_no_question_with_the_held_out_sets(name: str, size: int) -> None:
    """``dev.yaml`` to ``dev6.yaml`` may be tuned on; they must never carry a held-out question,
    and every fact they name (expected or suggested) is a real one."""
    root = Path(__file__).parent.parent / "eval"

    def questions(file: str) -> list[dict]:
        return yaml.safe_load((root / file).read_text(encoding="utf-8"))["questions"]

    held_out = {e["q"].casefold().strip() for file in ("heldout.yaml", "heldout-community.yaml") for e in questions(file)}
    development = questions(name)
    state = load_state(DEFAULT_KNOWLEDGE_DIR)
    assert len(development) >= size
    assert len({e["q"].casefold().strip() for e in development}) == len(development)
    assert {e["kind"] for e in development} <= {"paraphrase", "chat", "keyword", "typo", "near-miss", "off-topic", "language"}
    assert {e["lang"] for e in development} == {"en", "sr-Latn", "sr-Cyrl", "sq", "de", "fr"}
    assert not [e for e in development if e["q"].casefold().strip() in held_out]
    for entry in development:
        for key in ("expect", "suggest"):
            assert entry.get(key) is None or entry[key] in state.kb.by_id, entry
        assert entry.get("suggest") is None or entry["expect"] is None, entry
