"""Knowledge directories and files written by tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.core.knowledge import KnowledgeError, load_knowledge


def write(directory: Path, name: str, text: str | bytes) -> Path:
    """``text`` (dedented) or ``bytes`` as they are, in ``directory/name`` (folders made as needed)."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else textwrap.dedent(text).encode("utf-8"))
    return path


def problems(directory: Path) -> list[str]:
    """The problems loading ``directory`` reports (it must fail)."""
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    return [str(p) for p in caught.value.problems]


def alias_bomb() -> str:
    """A fact file of under 500 bytes: nine levels of nine YAML aliases (9**9 = 387 million strings
    once expanded), used as a mapping key."""
    lines = ["facts:", "  - id: bomb", "    title: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level, (previous, name) in enumerate(zip("abcdefgh", "bcdefghi", strict=True)):
        lines.append(f"    x{level}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    lines.append("    tags: {? *i : boom}")
    return "\n".join(lines) + "\n"


def independent_facts(directory: Path, files: dict[str, int], synonym_groups: int = 8) -> None:
    """Replace the knowledge files of ``directory`` by files of facts that link to nothing
    (``{file name: number of facts}``; fact ids are ``<file>-<n>``) and a synonyms file."""
    for path in directory.glob("*.yaml"):
        path.unlink()
    for name, count in files.items():
        facts = "".join(
            f"  - id: {name}-{i}\n    title: Fact {i} of {name}\n    answer: Answer {i}.\n"
            f"    questions: [What is fact {i} of {name}?]\n    topic: Testing\n"
            "    sources: [{publisher: Test Gazette, article: Facts}]\n"
            for i in range(count)
        )
        (directory / f"{name}.yaml").write_text("facts:\n" + facts, encoding="utf-8")
    (directory / "synonyms.yaml").write_text(
        "synonyms:\n" + "".join(f"  - [term{i}, variant{i}]\n" for i in range(synonym_groups)), encoding="utf-8"
    )
