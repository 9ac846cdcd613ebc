"""``factbot run`` as a real process serving the console chat on a pipe."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from support.postgres import PostgresServer

PROMPT = "you> "


class Chat:
    """``factbot run`` on a pipe: questions in, answers counted by the prompts that follow them."""

    def __init__(self, env: dict[str, str], preexec_fn: Callable[[], None] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            preexec_fn=preexec_fn,
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

    def finish(self, timeout: float = 30) -> int:
        """End of input, as Ctrl-D; the exit code."""
        self.process.stdin.close()
        code = self.process.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(5)
        return code

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
    env["FACTBOT_SEMANTIC"] = "false"  # these processes test storage and shutdown, not matching
    if database_url:
        env["DATABASE_URL"] = database_url
    return env




def questions(count: int, start: int = 0) -> list[str]:
    """``count`` distinct questions, numbered from ``start``, as many members would ask them."""
    return [f"does china recognise kosovo, asks member {i}?" for i in range(start, start + count)]


def logged_questions(server: PostgresServer, url: str) -> int:
    """How many questions the database at ``url`` (on ``server``) holds."""
    return int(server.psql("SELECT count(*) FROM questions", database=url.rsplit("/", 1)[1]))


def chat_through_an_outage(
    server: PostgresServer, workdir: Path, *, stop_during: bool
) -> tuple[Chat, str, int | None]:
    """A chat process that answered a warm-up with its database up and 200 questions with it down
    (they are buffered); with ``stop_during``, it got SIGTERM before the database came back. The
    chat, the database URL, and the exit code of that SIGTERM (None without it)."""
    url = server.create_database()
    chat = Chat(environment(workdir, url))
    chat.ask(["warm-up: is the database there?"])
    chat.wait_for_answers(1)
    server.kill()
    try:
        chat.ask(questions(200))
        chat.wait_for_answers(201)
        code = chat.terminate() if stop_during else None
    finally:
        server.start()
    return chat, url, code
