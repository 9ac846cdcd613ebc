"""Export writes runtime edits as knowledge files that load back to exactly what the bot serves."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.core.errors import ExportError
from bot.core.export import NEW_FILE_HEADER, export_overlay, write_atomic
from bot.core.knowledge import Fact, load_knowledge

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


def test_write_atomic_keeps_the_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text("old\n")
    os.chmod(path, 0o640)
    write_atomic(path, "new\n")
    assert path.read_text() == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["facts.yaml"]
