"""Broken knowledge files: every problem is reported at once, with file, line and fact."""

from __future__ import annotations

from pathlib import Path

from bot.core.knowledge import load_knowledge
from support.knowledge import problems, write

GOOD_FACT = """\
  - id: {id}
    title: A title
    answer: An answer that stands on its own.
    questions:
      - What is the first question?
      - And a second one?
    topic: Testing
    sources:
      - publisher: Example Publisher
        article: Example article
        section: Intro
"""


def test_a_valid_directory_loads(kb: Path) -> None:
    write(kb, "a.yaml", "facts:\n" + GOOD_FACT.format(id="one") + GOOD_FACT.format(id="two"))
    loaded = load_knowledge(kb)
    assert [f.id for f in loaded.facts] == ["one", "two"]


def test_unknown_key_is_reported_with_line_and_fact(kb: Path) -> None:
    text = "facts:\n" + GOOD_FACT.format(id="typo").replace("    questions:", "    questoins:")
    write(kb, "a.yaml", text)
    found = problems(kb)
    assert found == ["knowledge/a.yaml:5: [fact typo] unknown key 'questoins': did you mean 'questions'?"]


def test_missing_field(kb: Path) -> None:
    text = "facts:\n" + GOOD_FACT.format(id="nosrc").split("    sources:")[0]
    write(kb, "a.yaml", text)
    assert any("[fact nosrc] missing required field 'sources'" in p for p in problems(kb))


def test_duplicate_ids_across_files_name_both_places(kb: Path) -> None:
    write(kb, "a.yaml", "facts:\n" + GOOD_FACT.format(id="same"))
    write(kb, "b.yaml", "facts:\n" + GOOD_FACT.format(id="same"))
    found = problems(kb)
    assert any(
        p.startswith("knowledge/b.yaml:2: [fact same] duplicate id (first defined at knowledge/a.yaml:2)")
        for p in found
    ), found


def test_related_id_that_does_not_exist(kb: Path) -> None:
    text = "facts:\n" + GOOD_FACT.format(id="lonely") + "    related: [nobody-here]\n"
    write(kb, "a.yaml", text)
    assert any("knowledge/a.yaml:13: [fact lonely] related id 'nobody-here' does not exist" in p for p in problems(kb))


def test_empty_question_list(kb: Path) -> None:
    text = "facts:\n" + GOOD_FACT.format(id="mute").replace(
        "    questions:\n      - What is the first question?\n      - And a second one?\n", "    questions: []\n"
    )
    write(kb, "a.yaml", text)
    assert any("[fact mute] questions: List should have at least 1 item" in p for p in problems(kb))


def test_answer_over_the_platform_limit(kb: Path) -> None:
    text = "facts:\n" + GOOD_FACT.format(id="long").replace("An answer that stands on its own.", "x" * 3001)
    write(kb, "a.yaml", text)
    found = problems(kb)
    assert any(
        "knowledge/a.yaml:4: [fact long] answer: String should have at most 3000 characters" in p for p in found
    ), found


def test_question_over_the_autocomplete_limit(kb: Path) -> None:
    text = "facts:\n" + GOOD_FACT.format(id="wordy").replace("And a second one?", "q" * 101)
    write(kb, "a.yaml", text)
    assert any(
        "knowledge/a.yaml:7: [fact wordy] questions.1: String should have at most 100" in p for p in problems(kb)
    )


def test_invalid_utf8_names_the_line(kb: Path) -> None:
    write(kb, "a.yaml", b"facts:\n  - id: bad\n    title: caf\xe9\n")
    assert problems(kb) == ["knowledge/a.yaml:3: invalid UTF-8 (byte 0xe9 at offset 33)"]


def test_yaml_syntax_error_names_the_line(kb: Path) -> None:
    write(kb, "a.yaml", "facts:\n  - id: x\n    title: [unclosed\n    answer: y\n")
    found = problems(kb)
    assert len(found) == 1 and found[0].startswith("knowledge/a.yaml:") and "YAML syntax error" in found[0]


def test_bad_id_and_duplicate_key(kb: Path) -> None:
    write(kb, "a.yaml", "facts:\n" + GOOD_FACT.format(id="Not An Id"))
    write(kb, "b.yaml", "facts:\n" + GOOD_FACT.format(id="dup") + "    topic: Again\n")
    found = problems(kb)
    assert any("knowledge/a.yaml:2:" in p and "id: String should match pattern" in p for p in found), found
    assert any("knowledge/b.yaml:13: YAML syntax error" in p and "duplicate key 'topic'" in p for p in found), found


def test_every_error_of_a_run_is_reported_at_once(kb: Path) -> None:
    write(kb, "a.yaml", "facts:\n" + GOOD_FACT.format(id="one").replace("    topic:", "    topik:"))
    write(kb, "b.yaml", b"\xff\xfe")
    write(kb, "c.yaml", "facts:\n" + GOOD_FACT.format(id="one") + "    related: [ghost]\n")
    write(kb, "synonyms.yaml", "synonyms:\n  - [alone]\n")
    found = problems(kb)
    assert len(found) >= 5, found
    files = {p.split(":")[0] for p in found}
    assert files == {"knowledge/a.yaml", "knowledge/b.yaml", "knowledge/c.yaml", "knowledge/synonyms.yaml"}


def test_missing_directory_and_empty_directory(tmp_path: Path) -> None:
    assert "does not exist" in problems(tmp_path / "nowhere")[0]
    (tmp_path / "empty").mkdir()
    assert "no knowledge files" in problems(tmp_path / "empty")[0]


def test_file_without_facts_list(kb: Path) -> None:
    write(kb, "a.yaml", "fact:\n  - id: x\n")
    found = problems(kb)
    assert any("knowledge/a.yaml:1: expected a mapping with a 'facts' list" in p for p in found), found
