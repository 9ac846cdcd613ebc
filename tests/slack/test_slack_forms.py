"""The fact form of ``/kb add`` and ``/kb edit``: modal in, fact mapping out, errors under their field."""

from __future__ import annotations

import json

from bot.adapters.slack._forms import (
    CALLBACK_ADD,
    CALLBACK_EDIT,
    EDIT_FIELDS,
    FORM_FIELDS,
    fact_modal,
    form_errors,
    problem_errors,
    read_form,
)
from bot.core.knowledge.schema import Fact
from block_kit import check_view

FACT = Fact.model_validate({
    "id": "opening-hours", "title": "Open 9–18", "answer": "From 9 to 18.",
    "questions": ["When is it open?", "opening hours"], "topic": "Visiting", "tags": ["hours", "visit"],
    "keywords": ["opening hours"], "related": ["library-card"],
    "sources": [{"publisher": "Town Library", "article": "Visitor guide", "section": "Hours",
                 "url": "https://library.example/visit", "date": "2024-05-01"},
                {"publisher": "Town Hall", "article": "Notice"}],
})


def _state(view: dict, **values: str | None) -> dict:
    """``view.state.values`` as Slack sends it: every input, ``None`` when left empty."""
    return {
        block["block_id"]: {"value": {"type": "plain_text_input",
                                      "value": values.get(block["block_id"], block["element"].get("initial_value"))}}
        for block in view["blocks"] if block["type"] == "input"
    }


def test_edit_form_round_trips_a_fact() -> None:
    view = fact_modal({"r": "https://hooks.example/r", "f": FACT.id}, fact=FACT, topics=["Visiting", "Borrowing"])
    check_view(view)
    assert view["callback_id"] == CALLBACK_EDIT
    assert json.loads(view["private_metadata"]) == {"r": "https://hooks.example/r", "f": "opening-hours"}
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == list(EDIT_FIELDS)  # the id is shown only
    data = read_form(_state(view))
    assert Fact.model_validate({**data, "id": FACT.id}) == FACT


def test_add_form_reads_lists_and_sources() -> None:
    view = fact_modal({}, topics=[])
    assert view["callback_id"] == CALLBACK_ADD
    assert [b["block_id"] for b in view["blocks"]] == list(FORM_FIELDS)
    data = read_form(_state(
        view, id="new-fact", title="Title", answer="Answer.", questions="One?\n\n  Two?  \n", topic="Topic",
        tags="a, b,\nc", keywords=None, related="x-1 y-2,z-3",
        sources="Pub | Art | https://a.example | 2020-01-02 | Section two\nOnly publisher",
    ))
    assert data == {
        "id": "new-fact", "title": "Title", "summary": None, "answer": "Answer.", "topic": "Topic",
        "questions": ["One?", "Two?"],
        "tags": ["a", "b", "c"], "keywords": [], "related": ["x-1", "y-2", "z-3"],
        "sources": [{"publisher": "Pub", "article": "Art", "url": "https://a.example", "date": "2020-01-02",
                     "section": "Section two"}, {"publisher": "Only publisher"}],
    }


def test_schema_errors_land_under_their_field() -> None:
    errors = form_errors({"id": "Not An Id", "title": "t" * 300, "answer": "a", "questions": ["q?", "Q?"], "topic": "x",
                          "sources": [{"publisher": "P"}, {"publisher": "P", "article": "A", "url": "ftp://x"}]})
    assert set(errors) == {"id", "title", "questions", "sources"}
    assert "pattern" in errors["id"]
    assert "256" in errors["title"]
    assert errors["questions"].startswith("duplicate entry")
    assert errors["sources"].startswith("line 1: article: missing")
    assert "line 2: url:" in errors["sources"]
    assert all(len(message) <= 150 for message in errors.values())
    assert form_errors(FACT.model_dump(mode="json")) == {}


def test_missing_required_fields_say_so() -> None:
    assert form_errors({"id": "x"}) == {field: "Required." for field in ("title", "answer", "questions", "topic", "sources")}


def test_core_problems_are_placed_by_the_field_they_name() -> None:
    problems = ["related id 'nope' does not exist", "duplicate id (first defined at a.yaml:3)", "something else"]
    assert problem_errors(problems) == {
        "related": "related id 'nope' does not exist",
        "id": "duplicate id (first defined at a.yaml:3); something else",
    }
    assert problem_errors(["something else"], blocks=EDIT_FIELDS) == {"title": "something else"}


def test_core_problem_locations_are_dropped_and_quoted_ids_ignored() -> None:
    problems = ["runtime edit of 'answer-id': [fact answer-id] sources.0.article: Field required"]
    assert problem_errors(problems) == {"sources": "sources.0.article: Field required"}
    assert problem_errors(["a fact with id 'title-x' already exists (edit it instead)"]) == {
        "id": "a fact with id 'title-x' already exists (edit it instead)"
    }
