"""What the console prints: every line within the terminal's width."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.adapters.console.render import render_answer
from bot.cli import main
from bot.core.service import load_state
from bot.settings import DEFAULT_KNOWLEDGE_DIR

STATE = load_state(DEFAULT_KNOWLEDGE_DIR)
#: Questions whose answers have long Source, Related and suggestion lines, and an abstention.
QUESTIONS = [
    "Do China and Kosovo have diplomatic relations?",
    "china security council kosovo",
    "are china and serbia allies?",
    "What's the best pizza topping?",
]


def _fits(text: str, width: int) -> None:
    """Every line within ``width``, except one holding a single word (after its bullet) longer than that."""
    for line in text.splitlines():
        words = line.split()
        if words and words[0] == "-":
            words = words[1:]
        assert len(line) <= width or len(words) == 1, f"{len(line)} > {width}: {line!r}"


@pytest.mark.parametrize("width", [40, 60, 100, 160])
def test_every_line_of_an_answer_fits_the_width(width: int) -> None:
    for question in QUESTIONS:
        text = render_answer(STATE.answer(question), width)
        _fits(text, width)
        assert "Source:" in text or "I can answer questions about:" in text


def test_long_lines_wrap_between_words_and_keep_ids_whole() -> None:
    answer = STATE.answer("Do China and Kosovo have diplomatic relations?")
    text = render_answer(answer, 50)
    assert "\n  " in text  # Source and Related continue indented
    joined = " ".join(text.split())
    for fact in answer.related:
        assert f"({fact.id})" in joined and fact.id in text  # never broken at a hyphen


def test_ask_wraps_to_the_terminal_width(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("FACTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "44")  # what the terminal reports
    assert main(["ask", "are china and serbia allies?"]) == 0
    out = capsys.readouterr().out
    _fits(out, 44)
    assert "Related:" in out


def test_chat_wraps_its_own_lines_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("FACTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setattr("sys.stdin", io.StringIO("/topics\n/fact unesco-interpol-blocking\nquit\n"))
    assert main(["chat"]) == 0
    _fits(capsys.readouterr().out.replace("you> ", ""), 40)
