"""Statistics, the curation queue and privacy (retention purge, forget-user) on both databases."""

from __future__ import annotations

import datetime as dt
import uuid

from bot.core.moderation import Actor, period_start, render_stats
from bot.core.ports import FeedbackRecord, QuestionRecord
from bot.core.service import AskContext
from support.storage import rows

NOW = dt.datetime.now(dt.UTC)
MOD = Actor(platform="cli", user="alice")


def _question(
    text: str,
    *,
    days_ago: float = 0,
    community: str = "g1",
    outcome: str = "answered",
    fact_id: str | None = "china-stance-on-kosovo",
    latency: float = 1.0,
    user_hash: str = "h1",
) -> QuestionRecord:
    return QuestionRecord(
        id=uuid.uuid4().hex,
        asked_at=NOW - dt.timedelta(days=days_ago),
        platform="discord",
        community=community,
        channel="c",
        user_hash=user_hash,
        question=text,
        fact_id=None if outcome == "abstained" else fact_id,
        score=80.0,
        outcome=outcome,
        latency_ms=latency,
    )


async def test_stats_for_a_period_and_a_community(make_bot) -> None:
    bot = await make_bot(background=False)
    fact_a, fact_b = (f.id for f in bot.knowledge.facts[:2])
    logged = [
        _question("a1", days_ago=0.1, fact_id=fact_a, latency=3.0),
        _question("a2", days_ago=1.1, fact_id=fact_a, latency=40.0),
        _question("a3", days_ago=1.2, fact_id=fact_a, outcome="suggested", latency=2.0),
        _question("b1", days_ago=2.1, fact_id=fact_b, latency=1.0),
        _question("x1", days_ago=2.2, outcome="abstained", latency=0.5),
        _question("other community", days_ago=0.2, community="g2", fact_id=fact_b),
        _question("too old", days_ago=10, fact_id=fact_b),
    ]
    votes = [
        FeedbackRecord(logged[0].id, "u1", True, NOW),
        FeedbackRecord(logged[0].id, "u2", True, NOW),
        FeedbackRecord(logged[3].id, "u1", False, NOW),
        FeedbackRecord(logged[5].id, "u1", False, NOW),
    ]
    await bot.moderation.storage.write_log(logged, votes)

    stats = await bot.stats(days=7, community="g1")

    assert (stats.total, stats.answered, stats.suggested, stats.abstained) == (5, 3, 1, 1)
    assert stats.answer_rate == 0.8
    assert [(f.fact_id, f.count) for f in stats.top_facts] == [(fact_a, 3), (fact_b, 1)]
    assert stats.top_facts[0].title == bot.fact(fact_a).title
    assert (stats.helpful, stats.not_helpful) == (2, 1) and round(stats.helpful_ratio, 3) == 0.667
    assert [s.question for s in stats.slowest[:2]] == ["a2", "a1"] and stats.slowest[0].latency_ms == 40.0
    assert stats.mean_latency_ms == (3.0 + 40.0 + 2.0 + 1.0 + 0.5) / 5
    per_day = dict(stats.per_day)
    today = dt.datetime.now(dt.UTC).date()
    assert [day for day, _ in stats.per_day] == [today - dt.timedelta(days=n) for n in range(6, -1, -1)]  # 7 dates
    assert sum(per_day.values()) == 5
    assert f"Last 7 days ({today - dt.timedelta(days=6):%Y-%m-%d} to {today:%Y-%m-%d}" in render_stats(stats)
    assert per_day[(NOW - dt.timedelta(days=1.1)).date()] >= 1

    everywhere = await bot.stats(days=7)
    assert everywhere.total == 6
    assert (await bot.stats(days=30)).total == 7


async def test_unanswered_groups_abstained_and_unhelpful_questions(make_bot) -> None:
    bot = await make_bot(background=False)
    logged = [
        _question("does china recognise taiwan", outcome="abstained", days_ago=0.3),
        _question("Does China recognize Taiwan?", outcome="abstained", days_ago=0.2),
        _question("does china recognise taiwan?", outcome="answered", days_ago=0.1),
        _question("who won the 1998 world cup", outcome="abstained", days_ago=0.4),
        _question("answered and liked", outcome="answered"),
        _question("old and forgotten", outcome="abstained", days_ago=40),
        _question("elsewhere", outcome="abstained", community="g2"),
    ]
    await bot.moderation.storage.write_log(
        logged, [FeedbackRecord(logged[2].id, "u9", False, NOW), FeedbackRecord(logged[4].id, "u9", True, NOW)]
    )
    groups = await bot.unanswered(days=30, community="g1")
    assert [(g.count, g.not_helpful) for g in groups] == [(3, 1), (1, 0)]
    assert groups[0].question.casefold().startswith("does china recogni")
    assert len(groups[0].examples) == 2
    assert groups[1].question == "who won the 1998 world cup"
    assert len(await bot.unanswered(days=30)) == 3
    assert len(await bot.unanswered(days=30, limit=1)) == 1


async def test_purge_deletes_what_is_older_than_the_retention_period(make_bot) -> None:
    bot = await make_bot(background=False)
    old, recent = _question("old", days_ago=91), _question("recent", days_ago=89)
    await bot.moderation.storage.write_log([old, recent], [FeedbackRecord(old.id, "u", True, NOW)])
    assert await bot.purge(actor=MOD) == 1
    assert [r.question for r in await rows(bot, "questions")] == ["recent"]
    assert await rows(bot, "feedback") == []
    assert (await bot.audit())[0].detail == {"questions": 1, "days": 90}


async def test_forget_user_deletes_their_questions_and_feedback_even_still_buffered(make_bot) -> None:
    bot = await make_bot(background=False)
    them = AskContext(platform="slack", community="T1", user="U123FORGET")
    others = AskContext(platform="slack", community="T1", user="U456KEEP")
    theirs = await bot.ask("does china recognise kosovo?", them)
    kept = await bot.ask("does china recognise kosovo?", others)
    await bot.flush_logs()
    await bot.feedback(kept.log_id, them, True)  # their vote on someone else's question
    await bot.feedback(theirs.log_id, others, True)  # a vote on their question
    await bot.ask("and serbia?", them)  # still in the buffer

    removed = await bot.forget_user("slack", "U123FORGET", actor=MOD)

    assert removed == 4  # two questions, two feedback entries
    assert [r.id for r in await rows(bot, "questions")] == [kept.log_id]
    assert await rows(bot, "feedback") == []
    entry = (await bot.audit())[0]
    assert entry.action == "forget-user" and entry.detail == {"entries": 4}
    assert "U123FORGET" not in repr(entry)


def test_the_last_days_are_whole_calendar_days_today_included() -> None:
    now = dt.datetime(2024, 3, 10, 0, 5, tzinfo=dt.UTC)
    assert period_start(7, now) == dt.datetime(2024, 3, 4, tzinfo=dt.UTC)
    assert period_start(1, now) == dt.datetime(2024, 3, 10, tzinfo=dt.UTC)
    late = dt.datetime(2024, 3, 10, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-5)))  # 04:59 UTC on the 11th
    assert period_start(1, late) == dt.datetime(2024, 3, 11, tzinfo=dt.UTC)
