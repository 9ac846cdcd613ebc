"""Synonyms that do not change meaning: aliases replace, related terms only add a weaker match."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.knowledge import KnowledgeError, load_knowledge
from bot.core.matching import Normaliser
from bot.core.service import load_state
from bot.settings import DEFAULT_KNOWLEDGE_DIR

STATE = load_state(DEFAULT_KNOWLEDGE_DIR)


def test_an_alias_replaces_a_related_term_does_not() -> None:
    norm = Normaliser([("prc", "china"), ("china", "china")], [["mission", "embassy"]])
    assert [t.word for t in norm.analyse("PRC mission")] == ["china", "mission"]
    # "embassy" stays itself where the index knows it; read as "mission", more weakly, where not.
    assert [t.word for t in norm.analyse("embassy", known=lambda w: True)] == ["embassy"]
    [related] = norm.analyse("embassy", known=lambda w: w != "embassy")
    assert related.word == "mission" and related.similarity < 1.0 and related.typed == "embassy"


@pytest.mark.parametrize(
    "group",
    [
        ["permanent representative", "ambassador"],
        ["serbia", "serbs"],
        ["mission", "embassy"],
        ["partnership", "alliance"],
        ["military", "weapons"],
        ["public opinion", "ordinary people"],
        ["rivalry", "tensions"],
    ],
)
def test_loose_equivalences_are_related_terms_not_aliases(group: list[str]) -> None:
    table = STATE.kb.synonyms
    aliases = {term: g[0] for g in table.groups for term in g}
    head, term = group
    assert aliases.get(term) != head, f"{term!r} must not be replaced by {head!r}"
    assert any(g[0] == head and term in g for g in table.related), f"{term!r} should be related to {head!r}"


def test_outlets_the_source_never_names_are_no_synonym_of_state_media() -> None:
    terms = {t for g in (*STATE.kb.synonyms.groups, *STATE.kb.synonyms.related) for t in g}
    assert not {"xinhua", "cctv", "global times"} & terms


def test_a_related_term_is_a_weaker_match_than_the_term_itself() -> None:
    exact = STATE.index.search("chinese mission pristina staff").best
    related = STATE.index.search("chinese consulate pristina staff").best
    assert exact is not None and related is not None
    assert exact.fact.id == related.fact.id == "chinese-mission-pristina"
    assert related.confidence < exact.confidence


def test_a_related_term_of_several_words_is_known_only_where_a_text_holds_them_side_by_side() -> None:
    norm = Normaliser([], [["nato", "western alliance", "atlantic alliance"]])

    def held(words: tuple[str, ...]) -> bool:
        return words == ("atlantic", "alliance")

    known = {"western", "alliance", "atlantic"}.__contains__
    # Both words are known, apart: the term itself is not, so it is read as its group's first.
    [related] = norm.analyse("the Western alliance", known=known, holds=held)
    assert related.word == "nato" and related.similarity < 1.0
    assert [t.word for t in norm.analyse("the Atlantic alliance", known=known, holds=held)] == ["atlantic", "alliance"]
    # Without a reading of what stored text holds, knowing each word is knowing the term.
    assert [t.word for t in norm.analyse("the Western alliance", known=known)] == ["western", "alliance"]


def test_the_index_reads_a_related_term_its_phrasings_never_hold_as_the_term_it_stands_for() -> None:
    # The shipped knowledge speaks of the West and of an "Atlantic alliance", never of a "Western
    # alliance": NATO peacekeepers are what the question asks about.
    assert STATE.index._holds(("atlantic", "alliance")) and not STATE.index._holds(("western", "alliance"))
    question = "How did Beijing respond when local Serbs fought with the Western alliance peacekeepers in Kosovo in 2023?"
    best = STATE.index.search(question).best
    assert best is not None and best.fact.id == "mao-ning-may-2023-clashes"
    assert not [p for p, _ in best.penalties if "western" in p]


def test_related_groups_are_validated(tmp_path: Path) -> None:
    (tmp_path / "facts.yaml").write_text((DEFAULT_KNOWLEDGE_DIR / "official-stance.yaml").read_text("utf-8"), "utf-8")
    (tmp_path / "synonyms.yaml").write_text(
        "synonyms:\n  - [china, prc]\nrelated:\n  - [alone]\n  - [mission, embassy]\n  - [office, embassy]\n",
        "utf-8",
    )
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(tmp_path)
    text = str(caught.value)
    assert "synonyms.yaml:4" in text and "each related group must be a list of at least two" in text
    assert "synonyms.yaml:6" in text and "'embassy' is already in another related group" in text
