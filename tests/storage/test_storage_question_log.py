"""The question log and feedback, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import uuid

from bot.core.ports import QuestionRecord
from bot.core.service import QUESTION_MAX_CHARS, AskContext
from bot.storage.keys import load_user_key
from support.storage import eventually, rows

MEMBER = AskContext(platform="discord", community="guild-1", channel="chan-7", user="81234567890123456")
OTHER = AskContext(platform="discord", community="guild-1", channel="chan-7", user="99999999999999999")
ASK = AskContext(platform="console", community="console", channel="console", user="console")


async def test_every_field_is_logged_and_the_user_only_as_a_keyed_hash(make_bot, bot_settings) -> None:
    bot = await make_bot(background=False)
    answer = await bot.ask("does china recognise kosovo?", MEMBER)
    assert answer.log_id and len(answer.log_id) == 32
    assert await bot.flush_logs() == 1

    (row,) = await rows(bot, "questions")
    key = load_user_key(None, bot_settings.database.factbot_data_dir)
    assert row.id == answer.log_id
    assert (row.platform, row.community, row.channel) == ("discord", "guild-1", "chan-7")
    assert row.user_hash == hmac.new(key, b"discord:81234567890123456", hashlib.sha256).hexdigest()
    assert row.question == "does china recognise kosovo?"
    assert row.fact_id == answer.fact.id and row.outcome == answer.outcome.value
    assert row.score == answer.score and row.latency_ms == answer.latency_ms > 0
    assert row.asked_at.tzinfo is not None
    assert MEMBER.user not in " ".join(str(value) for value in row)


async def test_feedback_is_linked_to_the_entry_and_counted_once_per_member(make_bot) -> None:
    bot = await make_bot(background=False)
    answer = await bot.ask("does china recognise kosovo?", MEMBER)
    await bot.flush_logs()
    assert await bot.feedback(answer.log_id, MEMBER, helpful=False) is True
    assert await bot.feedback(answer.log_id, MEMBER, helpful=True) is False  # already voted
    assert await bot.feedback(answer.log_id, OTHER, helpful=True) is True
    assert await bot.feedback("0" * 32, MEMBER, helpful=True) is False  # no such entry

    votes = await rows(bot, "feedback")
    assert sorted((v.log_id, v.helpful) for v in votes) == [(answer.log_id, False), (answer.log_id, True)]
    stats = await bot.stats()
    assert (stats.helpful, stats.not_helpful) == (1, 1)


async def test_feedback_right_after_the_answer_finds_the_entry_still_in_the_buffer(make_bot) -> None:
    bot = await make_bot(background=False)
    answer = await bot.ask("who won the 1998 world cup?", MEMBER)
    assert bot.moderation.log.buffered == 1
    assert await bot.feedback(answer.log_id, MEMBER, helpful=False) is True
    assert [r.id for r in await rows(bot, "questions")] == [answer.log_id]
    assert len(await rows(bot, "feedback")) == 1


async def test_the_background_writer_logs_without_being_asked(make_bot) -> None:
    bot = await make_bot()
    for question in ("does china recognise kosovo?", "what about serbia?", "who won the 1998 world cup?"):
        await bot.ask(question, MEMBER)

    async def written() -> bool:
        return len(await rows(bot, "questions")) == 3

    await eventually(written, timeout=5)
    assert bot.moderation.log.buffered == 0


async def test_awkward_text_is_stored_and_a_rejected_entry_never_blocks_the_log(make_bot, database_url: str) -> None:
    bot = await make_bot(background=False)
    long_channel = AskContext(platform="discord", community="g" * 300, channel="c" * 300, user="1")
    answer = await bot.ask("nul\x00 in the middle of kosovo?", long_channel)
    await bot.flush_logs()
    (row,) = await rows(bot, "questions")
    assert row.question == "nul in the middle of kosovo?" and len(row.community) == 100

    if database_url.startswith("postgresql"):  # SQLite does not enforce column lengths
        good = QuestionRecord(
            uuid.uuid4().hex,
            dt.datetime.now(dt.UTC),
            "discord",
            "g",
            "c",
            None,
            "who won the 1998 world cup?",
            None,
            12.0,
            "abstained",
            0.4,
        )
        bad = dataclasses.replace(good, id=uuid.uuid4().hex, outcome="x" * 40)  # too long for its column
        bot.moderation.log.record(bad)
        bot.moderation.log.record(good)
        await bot.flush_logs()
        assert {r.id for r in await rows(bot, "questions")} == {answer.log_id, good.id}
        assert bot.moderation.log.rejected == 1 and bot.moderation.log.buffered == 0


async def test_lone_surrogates_reach_the_database_as_replacement_characters(make_bot) -> None:
    """A JSON "\\ud800" from a platform, or a byte that is not UTF-8 read with surrogateescape:
    PostgreSQL and SQLite both refuse such text, and the entry used to be dropped with a traceback."""
    bot = await make_bot()
    answer = await bot.ask("does china recognise kosovo \ud800 \udcff?", ASK)
    assert answer.question == "does china recognise kosovo \ufffd \ufffd?"
    await bot.flush_logs()
    (row,) = await rows(bot, "questions")
    assert row.question == "does china recognise kosovo \ufffd \ufffd?"
    assert bot.moderation.log.rejected == 0


async def test_a_question_is_kept_up_to_the_limit_of_where_it_was_asked(make_bot) -> None:
    bot = await make_bot()
    console = await bot.ask("does china recognise kosovo? " + "and more words " * 7500, ASK)  # 112,000+
    slack = await bot.ask("y" * 5000, dataclasses.replace(ASK, platform="slack", max_chars=4000))
    await bot.flush_logs()
    stored = {row.id: row.question for row in await rows(bot, "questions")}
    assert len(stored[console.log_id]) == QUESTION_MAX_CHARS == 2000
    assert stored[console.log_id].startswith("does china recognise kosovo?")
    assert console.fact is not None  # answered from its start
    assert len(stored[slack.log_id]) == 4000
