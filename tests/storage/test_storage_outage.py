"""The database goes away mid-run: answers continue, the log waits in memory and lands on return.

These tests stop a PostgreSQL server of their own (not the session's), abruptly, then start it again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import create_bot
from bot.core.moderation import Actor, StorageUnavailable
from bot.core.service import AskContext
from bot.settings import Settings
from support.postgres import PostgresServer, server_for_tests
from support.storage import eventually, rows

pytestmark = pytest.mark.postgres

ASK = AskContext(platform="discord", community="g", channel="c", user="1")
MOD = Actor(platform="discord", user="2")
QUESTIONS = [
    "does china recognise kosovo?",
    "what about serbia?",
    "who won the 1998 world cup?",
    "why did china block kosovo from interpol?",
    "is china for or against kosovo?",
]
OLYMPICS = {
    "id": "kosovo-olympics",
    "title": "Kosovo and the Olympics",
    "answer": "Since 2014.",
    "questions": ["When did the IOC recognise Kosovo?"],
    "topic": "International organisations",
    "sources": [{"publisher": "Test Gazette", "article": "Games"}],
}
#: Retry delays double up to 5 s while the database is away; recovery takes at most about that.
RECOVERY_TIMEOUT = 15.0


@pytest.fixture(scope="module")
def fault_server() -> Iterator[PostgresServer]:
    with server_for_tests() as server:
        yield server


@pytest.fixture
def outage_settings(
    fault_server: PostgresServer, tmp_path: Path, knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    if not fault_server.running():
        fault_server.start()
    monkeypatch.setenv("DATABASE_URL", fault_server.create_database())
    monkeypatch.setenv("FACTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FACTBOT_KNOWLEDGE_DIR", str(knowledge_copy))
    monkeypatch.setenv("FACTBOT_LOG_BUFFER", "100")
    yield Settings(env_file=tmp_path / "no.env")
    if not fault_server.running():
        fault_server.start()


async def test_answers_continue_and_the_buffered_log_lands_after_the_database_returns(
    fault_server: PostgresServer, outage_settings: Settings
) -> None:
    bot = await create_bot(outage_settings)
    try:
        first = await bot.ask(QUESTIONS[0], ASK)
        await bot.flush_logs()
        assert bot.health()["database"] == "ok"

        fault_server.kill()
        started = time.perf_counter()
        answers = [await bot.ask(q, ASK) for q in QUESTIONS]
        elapsed = time.perf_counter() - started
        assert all(a.log_id for a in answers)
        assert answers[0].fact == first.fact  # the same answer as before the outage
        assert elapsed < 0.5, f"answering 5 questions took {elapsed:.2f}s with the database down"
        assert await bot.feedback(answers[0].log_id, ASK, helpful=False) is True  # queued too

        with pytest.raises(StorageUnavailable, match="the database is unavailable"):
            await bot.stats()
        with pytest.raises(StorageUnavailable, match="moderation commands need it"):
            await bot.add_fact(OLYMPICS, MOD)
        assert bot.fact(OLYMPICS["id"]) is None  # not half-applied

        async def degraded() -> bool:
            return bot.health()["status"] == "degraded"

        await eventually(degraded, timeout=5)
        assert bot.health()["log_buffered"] == 6
        assert b"factbot_database_errors_total" in bot.metrics.exposition()

        fault_server.start()

        async def landed() -> bool:
            return bot.moderation.log.buffered == 0

        seconds = await eventually(landed, timeout=RECOVERY_TIMEOUT, interval=0.1)
        print(f"buffered log written {seconds:.1f}s after the database came back")
        assert sorted(r.id for r in await rows(bot, "questions")) == sorted(
            [first.log_id, *(a.log_id for a in answers)]
        )
        (vote,) = await rows(bot, "feedback")
        assert vote.log_id == answers[0].log_id and vote.helpful is False
        assert (await bot.stats()).total == 6
        assert bot.health() == {**bot.health(), "status": "ok", "database": "ok", "log_buffered": 0}
    finally:
        await bot.close()


async def test_when_the_buffer_is_full_new_entries_are_dropped_counted_and_logged(
    fault_server: PostgresServer, outage_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await create_bot(outage_settings)
    try:
        fault_server.kill()
        with caplog.at_level(logging.WARNING):
            for i in range(120):
                await bot.ask(f"question number {i}", ASK)
        assert bot.moderation.log.buffered == 100
        assert bot.health()["log_dropped"] == 20
        assert b"factbot_log_dropped_total 20.0" in bot.metrics.exposition()
        assert sum("buffer full (100 entries)" in r.getMessage() for r in caplog.records) == 1

        fault_server.start()
        await bot.flush_logs()
        questions = await rows(bot, "questions")
        assert len(questions) == 100
        assert {r.question for r in questions} == {f"question number {i}" for i in range(100)}
    finally:
        await bot.close()


async def test_a_bot_started_while_the_database_is_down_answers_then_catches_up(
    fault_server: PostgresServer, outage_settings: Settings
) -> None:
    seeded = await create_bot(outage_settings, background=False)
    await seeded.add_fact(OLYMPICS, MOD)
    await seeded.close()

    fault_server.kill()
    bot = await create_bot(outage_settings)
    try:
        answer = await bot.ask("does china recognise kosovo?", ASK)
        assert answer.fact is not None
        assert bot.fact("kosovo-olympics") is None  # the runtime edit lives in the database
        with pytest.raises(StorageUnavailable):
            await bot.unanswered()

        fault_server.start()

        async def caught_up() -> bool:
            return bot.fact("kosovo-olympics") is not None and bot.moderation.log.buffered == 0

        await eventually(caught_up, timeout=RECOVERY_TIMEOUT, interval=0.1)
        assert [r.id for r in await rows(bot, "questions")] == [answer.log_id]
    finally:
        await bot.close()


async def test_a_bot_stopped_while_the_database_is_down_keeps_its_log_for_the_next_start(
    fault_server: PostgresServer, outage_settings: Settings, tmp_path: Path
) -> None:
    bot = await create_bot(outage_settings)
    fault_server.kill()
    answers = [await bot.ask(f"question number {i}", ASK) for i in range(60)]
    await bot.feedback(answers[0].log_id, ASK, helpful=True)
    await bot.close()
    kept = list((tmp_path / "data" / "pending-log").glob("pending-*.jsonl"))
    assert len(kept) == 1 and len(kept[0].read_text(encoding="utf-8").splitlines()) == 61

    fault_server.start()
    successor = await create_bot(outage_settings)
    try:
        async def written() -> bool:
            return successor.moderation.log.buffered == 0 and not kept[0].exists()

        await eventually(written, timeout=RECOVERY_TIMEOUT, interval=0.1)
        assert sorted(r.id for r in await rows(successor, "questions")) == sorted(a.log_id for a in answers)
        (vote,) = await rows(successor, "feedback")
        assert vote.log_id == answers[0].log_id and vote.helpful is True
    finally:
        await successor.close()
