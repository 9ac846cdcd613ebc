"""Hostile and half-written knowledge files stay bounded and honest.

An alias bomb is refused before anything is built from it; an emptied file is an error, not a
silent loss of knowledge; discovery skips dot-directories and loads a Kubernetes ConfigMap's files
once; a broken fact is one problem, not one more for every fact that links to it.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.knowledge import load_knowledge, loader
from support.knowledge import alias_bomb, problems, write

FACT = """\
  - id: {id}
    title: A title
    answer: An answer that stands on its own.
    questions:
      - What is the question about {id}?
    topic: Testing
    sources:
      - publisher: Example Publisher
        article: Example article
"""


def _limit_memory() -> None:
    limit = 512 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_validate_refuses_an_alias_bomb_within_bounded_memory(kb: Path) -> None:
    bomb = alias_bomb()
    assert len(bomb.encode()) < 500
    write(kb, "bomb.yaml", bomb)
    # 512 MB of address space: the expansion the bomb asks for would need hundreds of gigabytes.
    result = subprocess.run(
        [sys.executable, "-m", "bot", "validate", str(kb)],
        capture_output=True,
        text=True,
        timeout=45,
        preexec_fn=_limit_memory,
        check=False,
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "knowledge/bomb.yaml:" in result.stderr
    assert "YAML aliases expand to more than" in result.stderr or "mapping key must be plain text" in result.stderr


def test_a_list_or_mapping_used_as_a_key_is_refused_with_its_line(kb: Path) -> None:
    write(kb, "a.yaml", "facts:\n" + FACT.format(id="one") + "    ? [a, b]\n    : value\n")
    assert problems(kb) == ["knowledge/a.yaml:11: a mapping key must be plain text, not a list or a mapping"]


def test_aliases_that_expand_too_far_are_refused(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_ALIAS_NODES", 50)
    text = "facts:\n" + FACT.format(id="one") + "    tags: &t [a, b, c, d, e, f, g, h, i, j]\n"
    text += "    keywords: [" + ", ".join(["*t"] * 6) + "]\n"
    write(kb, "a.yaml", text)
    found = problems(kb)
    assert len(found) == 1 and "YAML aliases expand to more than 50 extra nodes" in found[0], found


def test_a_few_shared_anchors_still_load(kb: Path) -> None:
    text = "facts:\n" + FACT.format(id="one").replace(
        "      - publisher: Example Publisher\n        article: Example article\n",
        "      - &source {publisher: Example Publisher, article: Example article}\n",
    )
    text += FACT.format(id="two").split("    sources:")[0] + "    sources: [*source]\n"
    write(kb, "a.yaml", text)
    loaded = load_knowledge(kb)
    assert loaded.get("one").sources == loaded.get("two").sources


def test_a_recursive_alias_is_refused(kb: Path) -> None:
    write(kb, "a.yaml", "facts: &loop [*loop]\n")
    assert problems(kb) == ["knowledge/a.yaml:1: recursive YAML alias (a value contains itself)"]


def test_a_file_over_the_size_limit_is_not_read(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 100)
    write(kb, "a.yaml", "facts:\n" + FACT.format(id="one"))
    (found,) = problems(kb)
    assert found.startswith("knowledge/a.yaml: file too large:") and "at most 100" in found


@pytest.mark.parametrize("content", ["", "# the facts of this file were removed\n", "\n\n"])
def test_an_emptied_fact_file_is_an_error_naming_the_file(kb: Path, content: str) -> None:
    write(kb, "a.yaml", "facts:\n" + FACT.format(id="one"))
    write(kb, "b.yaml", content)
    assert problems(kb) == ["knowledge/b.yaml: the file is empty (no YAML content)"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "knowledge/synonyms.yaml: the file is empty (no YAML content)"),
        ("synonyms:\n", "knowledge/synonyms.yaml:1: 'synonyms' must be a non-empty list of lists"),
        ("synonyms: []\n", "knowledge/synonyms.yaml:1: 'synonyms' must be a non-empty list of lists"),
        ("synonyms:\n  - [china, beij", "knowledge/synonyms.yaml:3: YAML syntax error"),
    ],
)
def test_an_empty_or_truncated_synonyms_file_is_an_error(kb: Path, content: str, expected: str) -> None:
    write(kb, "a.yaml", "facts:\n" + FACT.format(id="one"))
    write(kb, "synonyms.yaml", content)
    found = problems(kb)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_a_misspelt_field_is_one_problem_and_links_to_that_fact_stay_valid(kb: Path) -> None:
    typo = FACT.format(id="typo").replace("    questions:", "    questoins:")
    linked = "".join(FACT.format(id=name) + "    related: [typo]\n" for name in ("a", "b", "c", "d"))
    write(kb, "a.yaml", "facts:\n" + typo + linked)
    assert problems(kb) == ["knowledge/a.yaml:5: [fact typo] unknown key 'questoins': did you mean 'questions'?"]


def test_a_duplicate_of_an_invalid_fact_is_still_a_duplicate(kb: Path) -> None:
    write(kb, "a.yaml", "facts:\n" + FACT.format(id="same").replace("    topic:", "    topik:"))
    write(kb, "b.yaml", "facts:\n" + FACT.format(id="same"))
    assert problems(kb) == [
        "knowledge/a.yaml:7: [fact same] unknown key 'topik': did you mean 'topic'?",
        "knowledge/b.yaml:2: [fact same] duplicate id (first defined at knowledge/a.yaml:2)",
    ]


def test_dot_directories_and_dot_files_are_skipped(kb: Path) -> None:
    write(kb, "a.yaml", "facts:\n" + FACT.format(id="one"))
    write(kb, ".git/objects/old.yaml", "facts:\n" + FACT.format(id="one"))
    write(kb, ".a.yaml.swp.yaml", "not: [valid")
    write(kb, "topic/b.yaml", "facts:\n" + FACT.format(id="two"))
    assert [f.id for f in load_knowledge(kb).facts] == ["one", "two"]


def test_a_kubernetes_configmap_mount_loads_each_file_once(kb: Path) -> None:
    # The kubelet writes the files into a timestamped directory, points ..data at it, and links
    # every file from the top level through ..data; an update swaps the ..data link.
    version = kb / "..2024_11_28_10_00_00.123456789"
    write(version, "a.yaml", "facts:\n" + FACT.format(id="one"))
    write(version, "synonyms.yaml", "synonyms:\n  - [china, beijing]\n")
    (kb / "..data").symlink_to(version.name)
    for name in ("a.yaml", "synonyms.yaml"):
        (kb / name).symlink_to(Path("..data") / name)
    loaded = load_knowledge(kb)
    assert [f.id for f in loaded.facts] == ["one"]
    assert loaded.synonyms.groups == [["china", "beijing"]]
    assert loaded.warnings == ()


def test_a_file_linked_from_outside_the_directory_loads_with_a_warning(kb: Path, tmp_path: Path) -> None:
    write(kb, "a.yaml", "facts:\n" + FACT.format(id="one"))
    outside = write(tmp_path / "elsewhere", "b.yaml", "facts:\n" + FACT.format(id="two"))
    (kb / "b.yaml").symlink_to(outside)
    (kb / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    loaded = load_knowledge(kb)
    assert [f.id for f in loaded.facts] == ["one", "two"]
    assert [str(w) for w in loaded.warnings] == [
        f"knowledge/b.yaml: loaded from {outside.resolve()}, outside the knowledge directory",
        "knowledge/gone.yaml: skipped: a link to nothing",
    ]


def test_a_directory_linked_into_itself_is_walked_once(kb: Path) -> None:
    write(kb, "sub/a.yaml", "facts:\n" + FACT.format(id="one"))
    os.symlink("..", kb / "sub" / "back")
    assert [f.id for f in load_knowledge(kb).facts] == ["one"]


def test_validate_prints_the_warnings(kb: Path, tmp_path: Path) -> None:
    outside = write(tmp_path / "elsewhere", "b.yaml", "facts:\n" + FACT.format(id="two"))
    write(kb, "a.yaml", "facts:\n" + FACT.format(id="one"))
    (kb / "b.yaml").symlink_to(outside)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "validate", str(kb)], capture_output=True, text=True, timeout=45, check=False
    )
    assert result.returncode == 0 and result.stdout.startswith("OK: 2 facts"), result.stderr
    assert result.stderr == f"warning: knowledge/b.yaml: loaded from {outside.resolve()}, outside the knowledge directory\n"
