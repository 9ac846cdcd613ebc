"""SQLite recovers from what a small deployment meets: a file it may not write, a full disk.

A connection that failed is never reused (SQLite keeps a file it opened read-only read-only after
the permissions are fixed), and after an outage the write-ahead log is checkpointed and truncated,
so the backlog written on recovery does not take the disk space just freed.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from bot.app import create_bot
from bot.core.ports import QuestionRecord
from bot.core.service import AskContext
from bot.settings import Settings
from support.chat import Chat, environment
from support.storage import eventually

ASK = AskContext(platform="console", community="local", user="me")
#: prctl(2): drop a capability from the bounding set, so a program executed next does not get it.
_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2


def _obey_file_permissions() -> None:
    """In the child, before it runs factbot: as root, drop the capabilities that let root write
    files whatever their permissions, so a read-only file is read-only to it as to anyone."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def _database_files(data: Path) -> list[Path]:
    return [p for p in (data / name for name in ("factbot.sqlite3", "factbot.sqlite3-wal", "factbot.sqlite3-shm"))
            if p.exists()]


def _count(database: Path) -> int:
    """Questions in the file, read without writing anything (not even the WAL index)."""
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return db.execute("SELECT count(*) FROM questions").fetchone()[0]


def test_a_database_read_only_at_start_is_written_once_the_permissions_are_fixed(tmp_path: Path) -> None:
    env = environment(tmp_path, None)
    created = subprocess.run([sys.executable, "-m", "bot", "run"], input=b"", env=env, capture_output=True, timeout=60)
    assert created.returncode == 0, created.stderr.decode()
    data = tmp_path / "data"
    for path in _database_files(data):
        path.chmod(0o444)  # as a volume restored by the wrong user, or mounted read-only by mistake

    chat = Chat(env, preexec_fn=_obey_file_permissions)
    chat.ask([f"question {i} while the database is read-only" for i in range(300)])
    chat.wait_for_answers(300)
    time.sleep(1.5)  # the log writer tries, and fails
    assert _count(data / "factbot.sqlite3") == 0
    for path in _database_files(data):
        path.chmod(0o644)  # the operator fixes the permissions; the bot is not restarted
    fixed = time.monotonic()
    while _count(data / "factbot.sqlite3") < 300:
        assert time.monotonic() - fixed < 30, f"{_count(data / 'factbot.sqlite3')} of 300 written; {chat.err.decode()}"
        time.sleep(0.1)
    print(f"300 questions written {time.monotonic() - fixed:.1f} s after the permissions were fixed")
    assert chat.finish() == 0
    assert "Traceback" not in chat.err.decode()


def _question(number: int, text: str) -> QuestionRecord:
    return QuestionRecord(
        id=f"{number:032x}",
        asked_at=dt.datetime.now(dt.UTC),
        platform="console",
        community="local",
        channel=None,
        user_hash=None,
        question=f"{number} {text}",
        fact_id=None,
        score=0.0,
        outcome="abstained",
        latency_ms=1.0,
    )


class Volume:
    """Where the SQLite file lives, and a way to fill it up and free it again."""

    def __init__(self, directory: Path, limit_pages: list[int] | None) -> None:
        self.directory = directory
        self._limit_pages = limit_pages  # simulation: SQLite's own page limit instead of a small disk
        self._filler = directory / "filler"

    @property
    def simulated(self) -> bool:
        return self._limit_pages is not None

    def fill(self) -> None:
        if self._limit_pages is not None:
            self._limit_pages[0] = 1  # no page beyond the current ones: SQLITE_FULL
            return
        # Unbuffered, and the error suppressed outside the file: closing a buffered file on a full
        # disk flushes what the failed write left behind and raises again.
        with contextlib.suppress(OSError), self._filler.open("wb", buffering=0) as out:
            while True:
                out.write(b"\0" * 65536)

    def free(self) -> None:
        if self._limit_pages is not None:
            self._limit_pages[0] = 0
            return
        self._filler.unlink()


@pytest.fixture
def volume(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Volume]:
    """A 12 MB tmpfs when this process may mount one (root in CI); otherwise a simulated full disk:
    every new connection gets ``PRAGMA max_page_count`` at its current size while "full"."""
    directory = tmp_path / "volume"
    directory.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=12m,mode=0755", "tmpfs", str(directory)], capture_output=True, check=False
    ).returncode == 0
    if mounted:
        try:
            yield Volume(directory, None)
        finally:
            subprocess.run(["umount", "-l", str(directory)], check=False)
        return
    limit = [0]
    from bot.storage import engine as engine_module

    create = engine_module.create_engine

    def create_limited(url: sa.URL) -> sa.ext.asyncio.AsyncEngine:
        engine = create(url)

        @event.listens_for(engine.sync_engine, "connect")
        def _limit(dbapi_connection, _record) -> None:
            if limit[0]:
                cursor = dbapi_connection.cursor()
                pages = cursor.execute("PRAGMA page_count").fetchone()[0]
                cursor.execute(f"PRAGMA max_page_count={pages}")
                cursor.close()

        return engine

    monkeypatch.setattr("bot.storage.sql.create_engine", create_limited)
    yield Volume(directory, limit)


@pytest.mark.timeout(120)
async def test_after_a_full_disk_the_backlog_fits_in_the_space_freed(
    volume: Volume, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a 12 MB volume: a day of questions, then the disk fills up, 1,500 more questions wait in
    memory, and some space is freed. With SQLite's default write-ahead log (4 MB kept, checkpoints
    that need room in the database file to empty it), the log took the space freed and 500 of the
    1,500 were never written."""
    monkeypatch.setenv("FACTBOT_DATA_DIR", str(volume.directory))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("FACTBOT_LOG_BUFFER", "5000")
    bot = await create_bot(Settings(env_file=tmp_path / "no.env"))
    wal = volume.directory / "factbot.sqlite3-wal"
    try:
        text = "why does china not recognise kosovo? " * 40
        log = bot.moderation.log  # the entries as asking queues them, without matching 4,500 questions
        for i in range(3000):
            log.record(_question(i, text))
        await bot.flush_logs()

        volume.fill()
        if volume.simulated:
            await bot.moderation.storage.engine.dispose()  # new connections get the page limit
        for i in range(3000, 4500):
            log.record(_question(i, text))

        async def failing() -> bool:
            return bot.health()["database"] == "unavailable"

        await eventually(failing, timeout=20, interval=0.1)
        volume.free()

        async def written() -> bool:
            return bot.moderation.log.buffered == 0

        seconds = await eventually(written, timeout=60, interval=0.1)
        how = "simulated with max_page_count" if volume.simulated else "12 MB tmpfs"
        print(f"backlog of 1500 written {seconds:.1f} s after space was freed ({how})")
        async with bot.moderation.storage.engine.connect() as connection:
            assert await connection.scalar(sa.text("SELECT count(*) FROM questions")) == 4500
        assert wal.stat().st_size <= 2 * 1024 * 1024, "the write-ahead log keeps more than 1 MiB and a batch"
    finally:
        await bot.close()
