"""Rendering within Discord's limits, without a connection."""

from __future__ import annotations

from bot.adapters.discord import _render
from bot.adapters.discord.ask import answer_view
from bot.adapters.discord.moderation import AddFactModal, EditFactModal, format_sources, parse_sources
from bot.core.answers import Answer, Outcome, Suggestion
from bot.core.knowledge.schema import Fact


def _fact(**changes: object) -> Fact:
    data = {
        "id": "long-fact",
        "title": "T" * 256,
        "answer": "word " * 600,
        "questions": [f"question number {i} " + "q" * 70 for i in range(80)],
        "topic": "Topic " * 30,
        "sources": [
            {"publisher": "P" * 300, "article": "A" * 300, "section": "S" * 300, "url": "https://example.org/x"}
            for _ in range(5)
        ],
    }
    data.update(changes)
    return Fact.model_validate(data)


def test_clip_marks_the_cut_with_an_ellipsis():
    assert _render.clip("short", 10) == "short"
    clipped = _render.clip("a" * 200, 100)
    assert len(clipped) == 100 and clipped.endswith("…")


def test_escape_defuses_markdown_and_mentions():
    text = _render.escape("**bold** @everyone <@123456789012345678>")
    assert "\\*\\*bold\\*\\*" in text
    assert "@everyone" not in text and "<@123456789012345678>" not in text


def test_answer_embed_stays_within_every_limit():
    fact = _fact()
    suggestions = tuple(Suggestion(f"s-{i}", "x" * 256, 80.0) for i in range(3))
    answer = Answer(question="?" * 600, outcome=Outcome.SUGGESTED, score=88.0, fact=fact, suggestions=suggestions)
    embed = _render.answer_embed(answer)
    assert len(embed) <= _render.EMBED_TOTAL_MAX
    assert len(embed.title) <= _render.EMBED_TITLE_MAX
    assert len(embed.description) <= _render.EMBED_DESCRIPTION_MAX
    assert all(len(f.value) <= _render.EMBED_FIELD_VALUE_MAX and len(f.name) <= 256 for f in embed.fields)
    source = next(f for f in embed.fields if f.name == "Source")
    assert source.value.endswith("…")


def test_abstain_embed_quotes_the_question_escaped_and_clipped():
    answer = Answer(question="**hi** @here " + "x" * 5000, outcome=Outcome.ABSTAINED, score=10.0, topics=("A", "B"))
    embed = _render.answer_embed(answer)
    assert "@here" not in embed.description and "\\*\\*hi\\*\\*" in embed.description
    assert len(embed) <= _render.EMBED_TOTAL_MAX


def test_topics_embed_with_many_topics_stays_within_limits():
    facts = {f"Topic {i}": [_fact(id=f"f-{i}-{j}") for j in range(30)] for i in range(40)}
    embed = _render.topics_embed(facts)
    assert len(embed.fields) <= _render.EMBED_FIELDS_MAX
    assert len(embed) <= _render.EMBED_TOTAL_MAX


def test_answer_view_respects_component_limits():
    related = tuple(_fact(id=f"r-{i}") for i in range(40))
    answer = Answer(
        question="q", outcome=Outcome.SUGGESTED, score=90.0, fact=_fact(),
        suggestions=tuple(Suggestion(f"s-{i}", "label " * 40, 70.0) for i in range(3)),
        related=related, log_id="0123456789abcdef0123456789abcdef",
    )
    view = answer_view(answer)
    data = view.to_components()
    assert len(data) <= 5
    for row in data:
        for component in row["components"]:
            assert len(component["custom_id"]) <= _render.CUSTOM_ID_MAX
            if component["type"] == 2:
                assert len(component.get("label") or "") <= _render.BUTTON_LABEL_MAX
            else:
                assert len(component["options"]) <= _render.SELECT_OPTIONS_MAX
                assert all(len(o["label"]) <= 100 and len(o["value"]) <= 100 for o in component["options"])


def test_no_feedback_buttons_without_a_log_entry():
    answer = Answer(question="q", outcome=Outcome.ANSWERED, score=90.0, fact=_fact())
    ids = [c["custom_id"] for row in answer_view(answer).to_components() for c in row["components"]]
    assert not [i for i in ids if i.startswith("factbot:vote")]


def test_modals_respect_discord_limits_and_leave_too_long_fields_unchanged():
    fact = _fact()
    for modal in (AddFactModal("Topic " * 30), EditFactModal(fact)):
        payload = modal.to_dict()
        assert len(payload["title"]) <= _render.MODAL_TITLE_MAX
        assert len(payload["components"]) <= 5
        for row in payload["components"]:
            for text_input in row["components"]:
                assert len(text_input["label"]) <= _render.TEXT_INPUT_LABEL_MAX
                assert len(text_input.get("value") or "") <= _render.TEXT_INPUT_VALUE_MAX
                assert len(text_input.get("placeholder") or "") <= _render.TEXT_INPUT_PLACEHOLDER_MAX
    edit = EditFactModal(fact)
    questions = edit.inputs["questions"]
    assert questions.default is None and not questions.required  # over 4,000 characters: kept as is
    assert edit.changes() == {}


def test_sources_round_trip_through_the_modal_text():
    fact = _fact(sources=[
        {"publisher": "The Western Balkans", "article": "China and the Kosovo issue", "section": "Stance"},
        {"publisher": "P", "article": "A", "url": "https://example.org/a", "date": "2024-05-08"},
    ])
    text = format_sources(fact)
    assert text.splitlines()[0] == "The Western Balkans | China and the Kosovo issue | Stance"
    assert parse_sources(text) == [
        {"publisher": "The Western Balkans", "article": "China and the Kosovo issue", "section": "Stance"},
        {"publisher": "P", "article": "A", "url": "https://example.org/a", "date": "2024-05-08"},
    ]


def test_fact_menu_previews_each_fact_with_its_summary_else_its_topic():
    from bot.adapters.discord._components import related_select

    with_summary = _fact(id="with-summary", summary="S" * 100, topic="Topic A")
    without = _fact(id="without-summary", topic="Topic B")
    select = related_select([with_summary, without])
    assert select is not None
    options = {option.value: option for option in select.item.options}
    assert options["with-summary"].description == "S" * 100
    assert options["without-summary"].description == "Topic B"
    assert all(len(option.label) <= _render.SELECT_LABEL_MAX for option in options.values())


def test_a_detail_the_knowledge_base_does_not_hold_is_said_plainly_with_the_closest_fact():
    answer = Answer(
        question="Who heads the Chinese mission in Pristina?",
        outcome=Outcome.ABSTAINED,
        score=82.0,
        suggestions=(Suggestion("chinese-mission-pristina", "The Chinese mission in Pristina has five employees", 82.0),),
        missing_detail="who",
    )
    embed = _render.answer_embed(answer)
    assert embed.title == "The knowledge base does not hold that detail"
    assert "does not hold that detail (who)" in embed.description
    closest = next(f for f in embed.fields if f.name == "Closest facts I have")
    assert "five employees" in closest.value
