"""The curation queue groups the same question asked in other words, most asked first."""

from __future__ import annotations

import datetime as dt

from bot.core.ports import UnansweredRow
from bot.core.unanswered import group_unanswered

T0 = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)


def _rows(*items: tuple[str, int, str]) -> list[UnansweredRow]:
    return [UnansweredRow(text, T0 + dt.timedelta(minutes=minute), reason) for text, minute, reason in items]


def test_spelling_case_and_punctuation_variants_form_one_group_counted() -> None:
    rows = _rows(
        ("does china recognise kosovo", 1, "abstained"),
        ("Does China recognize Kosovo?", 2, "abstained"),
        ("does china recognise kosovo", 3, "not helpful"),
        ("who won the 1998 world cup", 4, "abstained"),
    )
    groups = group_unanswered(rows)
    assert [g.count for g in groups] == [3, 1]
    first = groups[0]
    assert first.question == "does china recognise kosovo"  # the most frequent wording represents the group
    assert first.examples == ["Does China recognize Kosovo?"]
    assert first.not_helpful == 1
    assert first.last_asked == T0 + dt.timedelta(minutes=3)
    assert groups[1].question == "who won the 1998 world cup"


def test_a_question_about_another_subject_stays_apart() -> None:
    groups = group_unanswered(
        _rows(("does china recognise kosovo", 1, "abstained"), ("does russia recognise kosovo", 2, "abstained"))
    )
    assert sorted(g.question for g in groups) == ["does china recognise kosovo", "does russia recognise kosovo"]


def test_ties_are_broken_by_recency_and_limit_applies() -> None:
    rows = _rows(
        ("what about taiwan", 1, "abstained"),
        ("tell me about tibet", 5, "abstained"),
        ("xinjiang policy", 3, "abstained"),
    )
    groups = group_unanswered(rows, limit=2)
    assert [g.question for g in groups] == ["tell me about tibet", "xinjiang policy"]


def test_empty_and_blank_questions_give_no_group() -> None:
    assert group_unanswered([]) == []
    assert group_unanswered(_rows(("?!", 1, "abstained"), ("   ", 2, "abstained"))) == []
