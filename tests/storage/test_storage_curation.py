"""The curation use-cases on both databases: inbox, dismiss, teach, new fact, impact preview, stats."""

from __future__ import annotations

import datetime as dt
import uuid

from bot.core.moderation import Actor
from bot.core.ports import FeedbackRecord, QuestionRecord
from bot.core.service import FactBot
from support.storage import rows

NOW = dt.datetime.now(dt.UTC)
MOD = Actor(platform="dashboard", user="discord:42", name="curator")
NETIZENS = "do weibo users care about kosovo"


def _logged(
    text: str, *, days_ago: float = 0.0, platform: str = "discord", outcome: str = "abstained",
    fact_id: str | None = None, latency: float = 1.0, community: str = "g1",
) -> QuestionRecord:
    return QuestionRecord(
        id=uuid.uuid4().hex, asked_at=NOW - dt.timedelta(days=days_ago), platform=platform, community=community,
        channel="c", user_hash="h", question=text, fact_id=fact_id, score=30.0, outcome=outcome, latency_ms=latency,
    )


async def _log(bot: FactBot, *records: QuestionRecord, feedback: tuple[FeedbackRecord, ...] = ()) -> None:
    await bot.moderation.storage.write_log(list(records), list(feedback))


async def test_the_inbox_groups_wordings_with_when_where_and_the_best_guess(make_bot) -> None:
    bot = await make_bot(background=False)
    await _log(
        bot,
        _logged(NETIZENS, days_ago=3, platform="discord"),
        _logged("Do Weibo users care about Kosovo?", days_ago=1, platform="slack"),
        _logged("do weibo users care abt kosovo", days_ago=0.5, platform="slack"),
        _logged("who won the 1998 world cup", days_ago=2),
    )
    inbox = await bot.curation.inbox(days=30)
    first, second = inbox
    assert first.group.count == 3 and second.group.count == 1
    assert first.group.platforms == ("slack", "discord")
    assert first.group.first_asked < first.group.last_asked
    assert (NOW - first.group.first_asked).days == 3
    assert len(first.group.wordings) == 3 and first.group.wordings[0] == first.group.question
    best = bot.state.index.search(first.group.question).best
    assert first.best is not None and (first.best.fact_id, first.best.score) == (best.fact.id, best.confidence)
    assert first.best.score < 56, "an unanswered question's best guess is below the answer threshold"
    assert [g.group.question for g in await bot.curation.inbox(platform="discord")] == [
        "who won the 1998 world cup", NETIZENS
    ]


async def test_dismissed_wordings_leave_the_queue_until_undismissed_and_are_audited(make_bot) -> None:
    bot = await make_bot(background=False)
    await _log(bot, _logged("who won the 1998 world cup"), _logged(NETIZENS))
    assert await bot.curation.dismiss(["Who won the 1998 World Cup?"], MOD) == 1
    assert [g.group.question for g in await bot.curation.inbox()] == [NETIZENS]
    assert [m.question for m in await bot.curation.dismissed()] == ["Who won the 1998 World Cup?"]
    await _log(bot, _logged("who won the 1998 world cup"))  # asked again: still dismissed
    assert [g.group.question for g in await bot.curation.inbox()] == [NETIZENS]

    assert await bot.curation.undismiss(["Who won the 1998 World Cup?"], MOD) == 1
    assert {g.group.question for g in await bot.curation.inbox()} == {NETIZENS, "who won the 1998 world cup"}
    actions = [(e.action, e.actor_platform, e.actor_user, e.actor_name) for e in await bot.audit()]
    assert actions[:2] == [("undismiss", *_who()), ("dismiss", *_who())]


def _who() -> tuple[str, str, str | None]:
    return MOD.platform, MOD.user, MOD.name


async def test_teach_answers_the_question_and_takes_the_group_out_of_the_inbox(make_bot) -> None:
    bot = await make_bot(background=False)
    other = await make_bot(background=False)
    await _log(bot, _logged(NETIZENS, days_ago=1), _logged("Do Weibo users care about Kosovo?", days_ago=1))
    [group] = await bot.curation.inbox()

    preview = await bot.curation.preview_teach("public-opinion-pro-serbian", [NETIZENS])
    assert [(c.question, c.count, c.before, c.after) for c in preview.newly_answered] == [
        ("Do Weibo users care about Kosovo?", 1, None, "public-opinion-pro-serbian"),
        (NETIZENS, 1, None, "public-opinion-pro-serbian"),
    ]
    assert preview.taken_from == {} and preview.asked == 2 and preview.distinct_questions == 2
    assert bot.answer(NETIZENS).fact is None, "a preview saves nothing"

    fact = await bot.curation.teach("public-opinion-pro-serbian", [NETIZENS], MOD, asked=group.group.wordings)
    assert fact.questions[-1] == NETIZENS
    assert bot.answer(NETIZENS).fact.id == "public-opinion-pro-serbian"
    assert await bot.curation.inbox() == []
    [entry, *_] = [e for e in await bot.audit() if e.action == "teach"]
    assert entry.fact_id == "public-opinion-pro-serbian" and entry.actor_user == "discord:42"
    assert entry.detail["changes"]["questions"]["after"][-1] == NETIZENS
    await other.moderation._on_change()  # as its watcher would
    assert other.answer(NETIZENS).fact.id == "public-opinion-pro-serbian"

    await _log(bot, _logged(NETIZENS + "?", days_ago=0))  # asked after the teach: answered now, so not back
    assert await bot.curation.inbox() == []


async def test_a_teach_that_takes_questions_from_another_fact_says_so(make_bot) -> None:
    bot = await make_bot(background=False)
    await _log(bot, *(_logged("china kosovo interpol", outcome="answered", fact_id="unesco-interpol-blocking")
                      for _ in range(3)), _logged("is kosovo a pawn", outcome="answered", fact_id="rivalry-with-west"))
    preview = await bot.curation.preview_teach("state-media-kosovo", ["china kosovo interpol", "kosovo pawn"])
    assert preview.taken_from == {"unesco-interpol-blocking": 3, "rivalry-with-west": 1}
    assert {c.question for c in preview.answered_by_another} == {"china kosovo interpol", "is kosovo a pawn"}


async def test_an_edit_that_drops_what_a_question_matched_lists_it_as_no_longer_answered(make_bot) -> None:
    bot = await make_bot(background=False)
    fact_id = "geng-shuang-tolerance-reconciliation"
    await _log(bot, _logged("geng shuang", outcome="answered", fact_id=fact_id), _logged("who won the 1998 world cup"))
    preview = await bot.curation.preview_edit(
        fact_id, {"title": "Weather", "answer": "Sunny.", "questions": ["what is the weather like?"], "keywords": []}
    )
    assert [(c.question, c.kind, c.before, c.after) for c in preview.changes] == [
        ("geng shuang", "no longer answered", fact_id, None)
    ]
    assert bot.answer("geng shuang").fact.id == fact_id, "a preview saves nothing"


async def test_a_new_fact_from_a_group_is_previewed_added_and_resolves_the_group(make_bot) -> None:
    bot = await make_bot(background=False)
    await _log(bot, _logged("when did kosovo join the ioc"), _logged("When did Kosovo join the IOC?"))
    data = {
        "id": "kosovo-ioc", "title": "Kosovo joined the IOC in 2014", "topic": "International organisations",
        "answer": "The International Olympic Committee recognised Kosovo's Olympic Committee in 2014.",
        "questions": ["When did Kosovo join the IOC?"],
        "sources": [{"publisher": "Test Gazette", "article": "Kosovo at the Games"}],
    }
    preview = await bot.curation.preview_add(data)
    assert {c.question for c in preview.newly_answered} == {"when did kosovo join the ioc", "When did Kosovo join the IOC?"}
    [group] = await bot.curation.inbox()
    await bot.curation.add_from(data, MOD, asked=group.group.wordings)
    assert await bot.curation.inbox() == []
    marks = await rows(bot, "inbox_marks")
    assert {(m.state, m.fact_id) for m in marks} == {("added", "kosovo-ioc")}


async def test_stats_by_day_outcome_platform_and_latency_percentiles(make_bot) -> None:
    bot = await make_bot(background=False)
    answered = [_logged(f"q{i}", outcome="answered", fact_id="unsc-veto-power", latency=float(i), days_ago=1)
                for i in range(1, 101)]
    await _log(
        bot, *answered, _logged("x", days_ago=0, latency=500.0), _logged("y", days_ago=0, platform="slack"),
        feedback=(FeedbackRecord(answered[0].id, "u1", False, NOW), FeedbackRecord(answered[1].id, "u1", True, NOW)),
    )
    stats = await bot.stats(days=7)
    assert stats.latency_percentiles == {50: 50.0, 90: 91.0, 99: 100.0}  # nearest rank of 102 answers
    assert len(stats.daily) == 7 and sum(d.total for d in stats.daily) == 102
    yesterday = next(d for d in stats.daily if d.day == (NOW - dt.timedelta(days=1)).date())
    assert (yesterday.total, yesterday.abstained, yesterday.unhelpful) == (100, 0, 1)
    assert (yesterday.helpful_votes, yesterday.not_helpful_votes) == (1, 1)
    slack = await bot.stats(days=7, platform="slack")
    assert slack.total == 1 and slack.abstained == 1 and slack.latency_percentiles == {50: 1.0, 90: 1.0, 99: 1.0}
    communities = await bot.moderation.storage.communities(NOW - dt.timedelta(days=7))
    assert {(c.platform, c.community, c.questions) for c in communities} == {("discord", "g1", 101), ("slack", "g1", 1)}
