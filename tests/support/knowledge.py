"""Knowledge directories written by tests."""

from __future__ import annotations

from pathlib import Path


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
