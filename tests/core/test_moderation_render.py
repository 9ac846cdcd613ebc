"""The plain-text renderings every front end shows fit a Slack block and a Discord embed."""

from __future__ import annotations

import datetime as dt

from bot.core.moderation import FactCount, SlowAnswer, Stats, render_audit, render_stats, render_unanswered
from bot.core.ports import AuditEntry
from bot.core.unanswered import UnansweredGroup

NOW = dt.datetime(2026, 5, 8, 9, 30, tzinfo=dt.UTC)


def _stats(**overrides: object) -> Stats:
    values: dict[str, object] = {
        "days": 7,
        "community": "1234",
        "since": NOW - dt.timedelta(days=7),
        "until": NOW,
        "per_day": [((NOW - dt.timedelta(days=i)).date(), i * 3) for i in range(7, -1, -1)],
        "total": 84,
        "answered": 50,
        "suggested": 13,
        "abstained": 21,
        "top_facts": [FactCount("china-stance-on-kosovo", "China's stance on Kosovo in brief", 17)],
        "helpful": 9,
        "not_helpful": 3,
        "slowest": [SlowAnswer("does china recognise kosovo?", 12.5, "x", NOW, "discord")],
        "mean_latency_ms": 2.25,
    }
    values.update(overrides)
    return Stats(**values)  # type: ignore[arg-type]


def test_stats_show_rates_top_facts_and_slowest() -> None:
    text = render_stats(_stats())
    assert "community 1234" in text
    assert "Questions: 84." in text and "Answer rate: 75%." in text
    assert "9 helpful, 3 not helpful (helpful ratio 75%)" in text
    assert "China's stance on Kosovo in brief (china-stance-on-kosovo): 17" in text
    assert "12.5 ms" in text and "Mean answer time: 2.2 ms." in text


def test_empty_stats_say_n_a_instead_of_dividing_by_zero() -> None:
    text = render_stats(
        _stats(
            total=0,
            answered=0,
            suggested=0,
            abstained=0,
            helpful=0,
            not_helpful=0,
            top_facts=[],
            slowest=[],
            mean_latency_ms=None,
        )
    )
    assert "Answer rate: n/a." in text and "helpful ratio n/a" in text


def test_renderings_stay_within_3000_characters() -> None:
    long = "why " * 400
    groups = [UnansweredGroup(long, 100 - i, [long, long, long], NOW, i) for i in range(60)]
    text = render_unanswered(groups)
    assert len(text) <= 3000 and text.endswith("(cut to fit)")
    top = [FactCount(f"fact-{i}", long, i) for i in range(50)]
    slow = [SlowAnswer(long, 1.0, None, NOW, "slack") for _ in range(50)]
    assert len(render_stats(_stats(top_facts=top, slowest=slow, days=365))) <= 3000
    entries = [AuditEntry("edit", "discord", "42", "mod", "fact", {"changes": {"answer": {}}}, NOW) for _ in range(200)]
    assert len(render_audit(entries)) <= 3000


def test_unanswered_lists_groups_with_counts_and_other_wordings() -> None:
    text = render_unanswered([UnansweredGroup("does china recognise taiwan", 5, ["China Taiwan recognition?"], NOW, 2)])
    assert "“does china recognise taiwan” asked 5×" in text
    assert "2 marked not helpful" in text and "also: “China Taiwan recognition?”" in text
    assert render_unanswered([]) == "No unanswered questions in this period."
