"""Shutdown and recovery benchmark: how many questions a real ``factbot run`` process loses.

Each scenario starts ``factbot run`` with no platform token (the console chat on a pipe), as the
tests do, and counts rows in the database afterwards:

* ``sigterm``: on a throwaway PostgreSQL, the database is stopped, 200 questions are asked (they
  wait in memory), the database is started again, 500 more are asked, and the process gets
  SIGTERM at once: how many of the 701 (with a warm-up question) are in the database;
* ``sigterm-outage``: the same, but SIGTERM arrives while the database is still down; then a
  second process starts with the database back: how many of the 201 it writes;
* ``sqlite-read-only``: the SQLite file is read-only when the bot starts (as root, the child runs
  without the capabilities that let root ignore permissions); 1,712 questions are asked, the
  permissions are fixed without a restart: how many are written, and how long after.

Run: ``python bench/bench_shutdown.py [--runs 3]``. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.chat import Chat, chat_through_an_outage, environment, logged_questions, questions  # noqa: E402
from support.postgres import PostgresServer, throwaway_postgres  # noqa: E402


def sigterm(server: PostgresServer, workdir: Path, *, during_outage: bool) -> tuple[int, int]:
    """(questions in the database, questions asked)."""
    chat, url, _ = chat_through_an_outage(server, workdir, stop_during=during_outage)
    if during_outage:
        subprocess.run([sys.executable, "-m", "bot", "run"], input=b"", capture_output=True,
                       env=environment(workdir, url), timeout=120, check=False)
        return logged_questions(server, url), 201
    chat.ask(questions(500, start=200))
    chat.wait_for_answers(701)
    chat.terminate()
    return logged_questions(server, url), 701


def _obey_file_permissions() -> None:
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            libc.prctl(24, capability, 0, 0, 0)  # PR_CAPBSET_DROP


def _sqlite_count(database: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return db.execute("SELECT count(*) FROM questions").fetchone()[0]


def sqlite_read_only(workdir: Path, count: int = 1712, wait: float = 40.0) -> tuple[int, float]:
    """(questions written after the fix, seconds until the last one was)."""
    env = environment(workdir, None)
    subprocess.run([sys.executable, "-m", "bot", "run"], input=b"", env=env, capture_output=True, timeout=60)
    data = workdir / "data"
    files = lambda: [p for p in data.glob("factbot.sqlite3*")]  # noqa: E731
    for path in files():
        path.chmod(0o444)
    chat = Chat(env, preexec_fn=_obey_file_permissions)
    chat.ask(questions(count))
    chat.wait_for_answers(count)
    time.sleep(1.0)
    for path in files():
        path.chmod(0o644)
    fixed = time.monotonic()
    written = _sqlite_count(data / "factbot.sqlite3")
    while written < count and time.monotonic() - fixed < wait:
        time.sleep(0.05)
        written = _sqlite_count(data / "factbot.sqlite3")
    seconds = time.monotonic() - fixed
    chat.finish()
    return written, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[str]] = {"sigterm": [], "sigterm-outage": [], "sqlite-read-only": []}
    timings: list[float] = []
    with throwaway_postgres() as server:
        for run in range(args.runs):
            for name, outage in (("sigterm", False), ("sigterm-outage", True)):
                with tempfile.TemporaryDirectory(prefix="factbot-bench-") as scratch:
                    written, asked = sigterm(server, Path(scratch), during_outage=outage)
                results[name].append(f"{written}/{asked}")
                print(f"run {run + 1} {name}: {written} of {asked} in the database", flush=True)
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="factbot-bench-") as scratch:
            written, seconds = sqlite_read_only(Path(scratch))
        results["sqlite-read-only"].append(f"{written}/1712")
        timings.append(seconds)
        print(f"run {run + 1} sqlite-read-only: {written} of 1712 written, {seconds:.1f} s after the fix", flush=True)
    print(f"summary over {args.runs} runs:")
    for name, values in results.items():
        print(f"  {name:18} {', '.join(values)}")
    print(f"  sqlite recovery time: median {statistics.median(timings):.1f} s")


if __name__ == "__main__":
    main()
