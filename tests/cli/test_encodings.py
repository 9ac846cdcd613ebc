"""Bytes that are not UTF-8 on standard input or in arguments never break the output or the log.

Each case runs factbot as a subprocess under a locale: C.UTF-8 (Python reads undecodable bytes as
lone surrogates), a strict one (``PYTHONIOENCODING=utf-8:strict``: Python raises on them), and the
plain ASCII C locale without Python's UTF-8 mode.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

LOCALES = {
    "C.UTF-8": {"LC_ALL": "C.UTF-8"},
    "strict": {"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8:strict"},
    "ASCII": {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
}
STDIN = b"does china recognise kosovo?\n\xff\xfe what about caf\xe9 \xed\xa0\x80?\nwhat about serbia?\n"


def factbot(tmp_path: Path, locale: str, *args: str | bytes, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONIO", "PYTHONUTF8"))}
    env = {k: v for k, v in env.items() if not k.startswith(("DISCORD_", "SLACK_", "FACTBOT_", "DATABASE_"))}
    env.update(LOCALES[locale], FACTBOT_DATA_DIR=str(tmp_path / "data"), FACTBOT_SEMANTIC="false")
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, env=env, timeout=60, check=False
    )


def json_lines(output: bytes) -> list[dict]:
    """Every line is a JSON object, and the output is UTF-8 throughout (decoding strictly)."""
    return [json.loads(line) for line in output.decode("utf-8").splitlines()]


@pytest.mark.parametrize("locale", LOCALES)
def test_ask_json_stdin_answers_every_line_with_valid_json(tmp_path: Path, locale: str) -> None:
    result = factbot(tmp_path, locale, "ask", "--json", "-", stdin=STDIN)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"Traceback" not in result.stderr
    first, broken, last = json_lines(result.stdout)
    assert first["fact_id"] is not None and last["fact_id"] is not None
    assert broken["question"].startswith("\ufffd\ufffd what about caf\ufffd ")
    assert "\udcff" not in broken["question"] and all(not 0xD800 <= ord(c) <= 0xDFFF for c in broken["question"])
    assert any(not c.isascii() for c in json.dumps(first, ensure_ascii=False)), "answers keep their own letters"


@pytest.mark.parametrize("locale", LOCALES)
def test_ask_json_with_undecodable_bytes_in_the_argument(tmp_path: Path, locale: str) -> None:
    result = factbot(tmp_path, locale, "ask", "--json", b"does china recognise kosovo \xff?")
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    (answer,) = json_lines(result.stdout)
    assert answer["question"] == "does china recognise kosovo \ufffd?"


@pytest.mark.parametrize("locale", LOCALES)
def test_chat_logs_valid_text_whatever_bytes_arrive(tmp_path: Path, locale: str) -> None:
    result = factbot(tmp_path, locale, "chat", stdin=STDIN)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"Traceback" not in result.stderr and b"rejected" not in result.stderr
    with sqlite3.connect(tmp_path / "data" / "factbot.sqlite3") as db:
        questions = [row[0] for row in db.execute("SELECT question FROM questions ORDER BY asked_at")]
    assert len(questions) == 3
    assert questions[1].startswith("\ufffd\ufffd what about caf\ufffd ")
