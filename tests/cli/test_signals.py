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

from support.chat import Chat, chat_through_an_outage, environment, logged_questions, questions
from support.postgres import PostgresServer, server_for_tests

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


def _outage(server: PostgresServer, tmp_path: Path, *, stop_during: bool) -> tuple[Chat, str]:
    """:func:`chat_through_an_outage` on a running server; SIGTERM, when sent, ended the chat with 0."""
    if not server.running():
        server.start()
    chat, url, code = chat_through_an_outage(server, tmp_path, stop_during=stop_during)
    if stop_during:
        assert code == 0, chat.err.decode()
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
    assert logged_questions(fault_server, url) == 701


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
    assert logged_questions(fault_server, url) == 201
    assert list((tmp_path / "data" / "pending-log").glob("pending-*")) == []
