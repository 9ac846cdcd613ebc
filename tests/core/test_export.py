"""Export writes runtime edits as knowledge files that load back to exactly what the bot serves."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.core.errors import ExportError
from bot.core.export import NEW_FILE_HEADER, export_overlay
from bot.core.knowledge import Fact, load_knowledge
from bot.core.knowledge.journal import write_files

NEW = Fact.model_validate(
    {
        "id": "kosovo-olympics",
        "title": "Kosovo and the Olympics",
        "answer": "The IOC recognised Kosovo's Olympic Committee in 2014. " * 4,
        "questions": ["Is Kosovo in the Olympics?", "When did the IOC recognise Kosovo?"],
        "topic": "International organisations",
        "tags": ["sport", "ioc"],
        "sources": [{"publisher": "Test Gazette", "article": "Games", "url": "https://example.org/ioc"}],
    }
)


def _file_of(directory: Path, fact_id: str) -> Path:
    return next(p for p in sorted(directory.glob("*.yaml")) if f"id: {fact_id}\n" in p.read_text(encoding="utf-8"))


def test_an_edited_fact_changes_only_its_own_lines(knowledge_copy: Path) -> None:
    kb = load_knowledge(knowledge_copy)
    target = kb.facts[3]
    path = _file_of(knowledge_copy, target.id)
    before = path.read_text(encoding="utf-8").splitlines()
    edited = target.model_copy(update={"answer": "A new, shorter answer.", "hidden": True})

    written = export_overlay(knowledge_copy, kb.with_facts([edited]), [target.id], knowledge_copy)

    assert written == [path]
    after = path.read_text(encoding="utf-8").splitlines()
    assert after[0] == before[0]  # the file's header comment survives
    changed = [line for line in after if line not in before]
    assert any("A new, shorter answer." in line for line in changed)
    assert any(line.strip() == "hidden: true" for line in changed)
    assert len(changed) <= 3
    reloaded = load_knowledge(knowledge_copy)
    assert reloaded.get(target.id) == edited
    others = [f for f in kb.facts if f.id != target.id]
    assert all(reloaded.get(f.id) == f for f in others)


def test_new_facts_go_to_an_overlay_file_per_topic_and_later_ones_are_appended(knowledge_copy: Path) -> None:
    kb = load_knowledge(knowledge_copy).with_facts([NEW])
    (path,) = export_overlay(knowledge_copy, kb, [NEW.id], knowledge_copy)
    assert path.name == "overlay-international-organisations.yaml"
    assert path.read_text(encoding="utf-8").startswith(NEW_FILE_HEADER)
    assert load_knowledge(knowledge_copy).get(NEW.id) == NEW

    second = NEW.model_copy(
        update={"id": "kosovo-fifa", "title": "Kosovo and FIFA", "questions": ["Is Kosovo in FIFA?"]}
    )
    kb = load_knowledge(knowledge_copy).with_facts([second])
    assert export_overlay(knowledge_copy, kb, [second.id], knowledge_copy) == [path]
    reloaded = load_knowledge(knowledge_copy)
    assert reloaded.get(NEW.id) == NEW and reloaded.get(second.id) == second


def test_export_elsewhere_writes_only_the_changed_files(knowledge_copy: Path, tmp_path: Path) -> None:
    kb = load_knowledge(knowledge_copy).with_facts([NEW])
    out = tmp_path / "review"
    written = export_overlay(knowledge_copy, kb, [NEW.id], out)
    assert [p.relative_to(out).as_posix() for p in written] == ["overlay-international-organisations.yaml"]
    assert not (knowledge_copy / "overlay-international-organisations.yaml").exists()


def test_an_export_that_would_not_load_writes_nothing(knowledge_copy: Path) -> None:
    dangling = NEW.model_copy(update={"related": ["kosovo-fifa"]})
    fifa = NEW.model_copy(update={"id": "kosovo-fifa", "questions": ["Is Kosovo in FIFA?"]})
    kb = load_knowledge(knowledge_copy).with_facts([dangling, fifa])
    snapshot = {p: p.read_bytes() for p in knowledge_copy.rglob("*") if p.is_file()}
    with pytest.raises(ExportError) as caught:
        export_overlay(knowledge_copy, kb, [dangling.id], knowledge_copy)  # kosovo-fifa is not exported
    assert any("'kosovo-fifa' does not exist" in p for p in caught.value.problems)
    assert {p: p.read_bytes() for p in knowledge_copy.rglob("*") if p.is_file()} == snapshot


def test_writing_a_file_keeps_the_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text("old\n")
    os.chmod(path, 0o640)
    write_files(tmp_path, {Path("facts.yaml"): "new\n"})
    assert path.read_text() == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["facts.yaml"]


CRASH_AFTER_FIRST_FILE = """
import os, sys
from pathlib import Path
from bot.core.export import export_overlay
from bot.core.knowledge import Fact, load_knowledge
from bot.core.knowledge.journal import write_files

directory = Path(sys.argv[1])
kb = load_knowledge(directory)
new = Fact.model_validate({**kb.facts[0].model_dump(), "id": "kosovo-olympics", "topic": "Zz sport", "related": []})
linked = kb.facts[0].model_copy(update={"related": [*kb.facts[0].related, new.id]})
replace = os.replace

def replace_then_crash(source, destination, *args, **kwargs):
    replace(source, destination, *args, **kwargs)
    if str(destination).endswith(".yaml"):
        os._exit(3)  # the process dies, as a kill -9 or a power cut: nothing is cleaned up

os.replace = replace_then_crash
export_overlay(directory, kb.with_facts([new, linked]), [new.id, linked.id], directory)
"""


def test_an_export_that_dies_after_its_first_file_leaves_a_valid_set_of_files(knowledge_copy: Path) -> None:
    """The edited fact links to the new one: with its file replaced and the new fact's file not
    yet written, the directory no longer loaded. A crash either leaves the old files or, once the
    export is committed, the next load completes it."""
    import subprocess
    import sys

    first = load_knowledge(knowledge_copy).facts[0]
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH_AFTER_FIRST_FILE, str(knowledge_copy)], capture_output=True, text=True, timeout=60
    )
    assert crashed.returncode == 3, crashed.stderr
    loaded = load_knowledge(knowledge_copy)
    assert loaded.get("kosovo-olympics") is not None
    assert "kosovo-olympics" in loaded.get(first.id).related
    assert [str(w) for w in loaded.warnings] == ["knowledge/.factbot-export.journal: completed an interrupted export of 2 file(s)"]
    assert not [p for p in knowledge_copy.rglob(".*") if p.is_file()], "no journal or staged file is left"


def test_an_export_that_dies_before_its_commit_leaves_the_old_files(knowledge_copy: Path, monkeypatch) -> None:
    from bot.core.knowledge import journal

    before = {p.name: p.read_bytes() for p in knowledge_copy.glob("*.yaml")}
    kb = load_knowledge(knowledge_copy).with_facts([NEW])
    real_stage = journal._stage

    def stage_then_fail(path: Path, data: bytes, mode: int) -> Path:
        if path.name == journal.JOURNAL:
            raise OSError(28, "No space left on device")
        return real_stage(path, data, mode)

    monkeypatch.setattr(journal, "_stage", stage_then_fail)
    with pytest.raises(OSError, match="No space left"):
        export_overlay(knowledge_copy, kb, [NEW.id], knowledge_copy)
    assert {p.name: p.read_bytes() for p in knowledge_copy.glob("*.yaml")} == before
    assert not [p for p in knowledge_copy.rglob(".*") if p.is_file()]
