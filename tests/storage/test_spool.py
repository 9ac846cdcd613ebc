"""The pending-log spool: entries a stopping bot could not write, kept on disk for the next start."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

from bot.core.ports import FeedbackRecord, QuestionRecord
from bot.storage.spool import FileSpool

AT = dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.UTC)


def question(n: int, user: str = "hash-a") -> QuestionRecord:
    return QuestionRecord(
        id=f"q{n}",
        asked_at=AT + dt.timedelta(seconds=n),
        platform="discord",
        community="g",
        channel="c",
        user_hash=user,
        question=f"question {n} «ünïcode»",
        fact_id=None if n % 2 else "some-fact",
        score=61.5,
        outcome="answered",
        latency_ms=0.7,
    )


def test_entries_come_back_as_they_were_saved_in_order_and_only_the_owner_reads_them(tmp_path: Path) -> None:
    spool = FileSpool(tmp_path / "pending-log")
    vote = FeedbackRecord(log_id="q1", user_hash="hash-b", helpful=False, given_at=AT)
    first = spool.save([question(1), vote])
    spool.save([question(2)])
    assert spool.save([]) is None
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert [p.name.startswith(".") for p in (tmp_path / "pending-log").iterdir()] == [False, False]

    taken = FileSpool(tmp_path / "pending-log").take()
    assert taken == [question(1), vote, question(2)]


def test_a_running_bot_holds_what_it_took_until_written_and_a_dead_one_lets_go(tmp_path: Path) -> None:
    directory = tmp_path / "pending-log"
    FileSpool(directory).save([question(1)])
    holder = FileSpool(directory)
    assert holder.take() == [question(1)] and holder.holding
    assert FileSpool(directory).take() == []  # another instance sharing the directory

    for _path, handle in holder._held:  # the holder dies: its lock goes with its open files
        handle.close()
    successor = FileSpool(directory)
    assert successor.take() == [question(1)]
    successor.release()
    assert list(directory.iterdir()) == [] and not successor.holding
    assert FileSpool(directory).take() == []


def test_forget_removes_one_users_kept_entries(tmp_path: Path) -> None:
    spool = FileSpool(tmp_path / "pending-log")
    spool.save([question(1, "hash-a"), question(2, "hash-b"), question(3, "hash-a")])
    assert spool.forget("hash-a") == 2
    assert spool.forget("hash-a") == 0
    assert FileSpool(tmp_path / "pending-log").take() == [question(2, "hash-b")]


def test_an_unreadable_line_is_skipped_not_fatal(tmp_path: Path) -> None:
    spool = FileSpool(tmp_path / "pending-log")
    path = spool.save([question(1), question(2)])
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(lines[0] + "\n{not json\n" + lines[1] + "\n", encoding="utf-8")
    assert FileSpool(tmp_path / "pending-log").take() == [question(1), question(2)]
