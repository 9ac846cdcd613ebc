"""SIGTERM (``docker stop``, Kubernetes) stops a real ``factbot run`` process without losing questions.

Each test starts ``factbot run`` with no platform token, so it serves the console chat on a pipe,
asks it questions, sends SIGTERM and then reads the database the process wrote to.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.postgres import PostgresServer, server_for_tests

PROMPT = "you> "


class Chat:
    """``factbot run`` on a pipe: questions in, answers counted by the prompts that follow them."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self.out = bytearray()
        self.err = bytearray()
        self._readers = [
            threading.Thread(target=self._drain, args=(self.process.stdout, self.out), daemon=True),
            threading.Thread(target=self._drain, args=(self.process.stderr, self.err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _drain(stream, into: bytearray) -> None:
        for chunk in iter(lambda: stream.read1(65536), b""):
            into.extend(chunk)

    def ask(self, questions: list[str]) -> None:
        self.process.stdin.write("".join(q + "\n" for q in questions).encode())
        self.process.stdin.flush()

    def wait_for_answers(self, count: int, timeout: float = 40) -> None:
        """Until ``count`` questions are answered (the prompt after an answer is printed)."""
        deadline = time.monotonic() + timeout
        while self.out.count(PROMPT.encode()) < count + 1:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"{self.out.count(PROMPT.encode()) - 1} answers; stderr: {self.err.decode()}")
            time.sleep(0.02)

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, with standard input still open (as a service has it); the exit code."""
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(5)
        return code


def environment(tmp_path: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "FACTBOT_", "DATABASE_"))}
    env["FACTBOT_DATA_DIR"] = str(tmp_path / "data")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


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


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_sigterm_writes_what_an_outage_buffered_and_what_was_just_answered(
    fault_server: PostgresServer, tmp_path: Path
) -> None:
    if not fault_server.running():
        fault_server.start()
    url = fault_server.create_database()
    chat = Chat(environment(tmp_path, url))
    chat.ask(["warm-up: is the database there?"])
    chat.wait_for_answers(1)
    fault_server.kill()
    try:
        chat.ask(questions(200))
        chat.wait_for_answers(201)  # buffered: the database is down
    finally:
        fault_server.start()
    chat.ask(questions(500, start=200))
    chat.wait_for_answers(701)
    assert chat.terminate() == 0, chat.err.decode()
    assert _count(fault_server, url) == 701


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_sigterm_during_an_outage_keeps_the_questions_for_the_next_start(
    fault_server: PostgresServer, tmp_path: Path
) -> None:
    if not fault_server.running():
        fault_server.start()
    url = fault_server.create_database()
    chat = Chat(environment(tmp_path, url))
    chat.ask(["warm-up: is the database there?"])
    chat.wait_for_answers(1)
    fault_server.kill()
    try:
        chat.ask(questions(200))
        chat.wait_for_answers(201)
        assert chat.terminate() == 0, chat.err.decode()
    finally:
        fault_server.start()
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
