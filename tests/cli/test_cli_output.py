"""What the listing commands and every --help print: aligned columns, no source markup."""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from bot.settings import DEFAULT_KNOWLEDGE_DIR


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:  # noqa: SLF001 - argparse offers no public walk over subcommands
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for sub in action.choices.values():
                found.extend(_parsers(sub))
    return found


def test_no_help_text_shows_source_markup() -> None:
    parsers = _parsers(build_parser())
    assert len(parsers) > 15
    for parser in parsers:
        text = parser.format_help()
        assert "``" not in text and ":class:" not in text and ":func:" not in text, parser.prog


def test_a_command_line_that_does_not_name_kb_gets_the_same_help_and_kb_its_subcommands_when_named() -> None:
    full = build_parser()
    assert build_parser(["ask", "--json", "x"]).format_help() == full.format_help()
    assert len(_parsers(build_parser(["ask", "x"]))) < len(_parsers(full))
    args = build_parser(["kb", "stats", "--days", "3"]).parse_args(["kb", "stats", "--days", "3"])
    assert args.days == 3 and callable(args.handler)
    assert len(_parsers(build_parser(["--knowledge", "k", "kb", "audit"]))) == len(_parsers(full))


def _knowledge_with_long_ids(tmp_path: Path) -> Path:
    directory = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, directory)
    (directory / "long.yaml").write_text(
        "facts:\n"
        f"  - id: {'a' * 41}\n    title: A fact with a 41-character id\n    answer: An answer.\n"
        "    questions: [first long id question]\n    topic: Long ids\n"
        "    sources: [{publisher: P, article: A}]\n"
        f"  - id: {'b-' * 31}b\n    title: A fact with the longest id there is\n    answer: An answer.\n"
        "    questions: [second long id question]\n    topic: Long ids\n"
        "    sources: [{publisher: P, article: A}]\n",
        encoding="utf-8",
    )
    return directory


@pytest.mark.parametrize("command", ["facts", "topics"])
def test_fact_columns_hold_the_longest_id(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FACTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["--knowledge", str(_knowledge_with_long_ids(tmp_path)), command]) == 0
    out = capsys.readouterr().out.splitlines()
    rows = out if command == "facts" else [line for line in out if line.startswith("  ")]
    columns = {len(m.group(1)) for m in (re.match(r"^(\s*\S+\s+)\S", line) for line in rows) if m}
    assert len(rows) > 20 and len(columns) == 1, rows  # every title starts in the same column
    assert any(re.fullmatch(r"\s*a{41}\s{2,}A fact with a 41-character id", line) for line in rows), rows
    assert any(line.strip() == ("b-" * 31) + "b  A fact with the longest id there is" for line in rows), rows
