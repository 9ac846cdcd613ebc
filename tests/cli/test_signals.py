"""SIGTERM (``docker stop``, Kubernetes) stops a real ``factbot run`` process without losing questions.

Each test starts ``factbot run`` with no platform token, so it serves the console chat on a pipe,
asks it questions, sends SIGTERM and then reads the database the process wrote to.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.chat import Chat, environment
from support.postgres import PostgresServer, server_for_tests

def questions(count: int, start: int = 0) -> list[str]:
    return [f"does china recognise kosovo, asks member {i}?" for i in range(start, start + count)]


def test_sigterm_writes_the_questions_just_answered_to_sqlite(tmp_path: Path) -> None:
    chat = Chat(environment(tmp_path, None))
    chat.ask(questions(500))
    chat.wait_for_answers(500)
    assert chat.terminate() == 0, chat.err.decode()
    with sqlite3.connect(tmp_path / "data" / "factbot.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM questions").fetchone() == (500,)
    assert "Traceback" not in chat.err.decode()


@pytest.fixture(scope="module")
def fault_server() -> Iterator[PostgresServer]:
    with server_for_tests() as server:
        yield server


def _count(server: PostgresServer, url: str) -> int:
    return int(server.psql("SELECT count(*) FROM questions", database=url.rsplit("/", 1)[1]))


def _outage(server: PostgresServer, tmp_path: Path, *, stop_during: bool) -> tuple[Chat, str]:
    """A chat process that answered a warm-up with its database up and 200 questions with it down
    (they are buffered); with ``stop_during``, it got SIGTERM (exit 0) before the database came back."""
    if not server.running():
        server.start()
    url = server.create_database()
    chat = Chat(environment(tmp_path, url))
    chat.ask(["warm-up: is the database there?"])
    chat.wait_for_answers(1)
    server.kill()
    try:
        chat.ask(questions(200))
        chat.wait_for_answers(201)
        if stop_during:
            assert chat.terminate() == 0, chat.err.decode()
    finally:
        server.start()
    return chat, url


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_sigterm_writes_what_an_outage_buffered_and_what_was_just_answered(
    fault_server: PostgresServer, tmp_path: Path
) -> None:
    chat, url = _outage(fault_server, tmp_path, stop_during=False)
    chat.ask(questions(500, start=200))
    chat.wait_for_answers(701)
    assert chat.terminate() == 0, chat.err.decode()
    assert _count(fault_server, url) == 701


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_sigterm_during_an_outage_keeps_the_questions_for_the_next_start(
    fault_server: PostgresServer, tmp_path: Path
) -> None:
    chat, url = _outage(fault_server, tmp_path, stop_during=True)
    assert "kept in" in chat.err.decode() and "written at the next start" in chat.err.decode()

    successor = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input=b"",  # no question: it starts, writes what its predecessor kept, and stops at end of input
        capture_output=True,
        env=environment(tmp_path, url),
        timeout=60,
        check=False,
    )
    assert successor.returncode == 0, successor.stderr.decode()
    assert _count(fault_server, url) == 201
    assert list((tmp_path / "data" / "pending-log").glob("pending-*")) == []
