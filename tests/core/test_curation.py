"""The curator's checks against the source documents: copied runs, answer length, section headings."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.knowledge import KnowledgeError, load_knowledge
from bot.core.knowledge.curation import (
    CopyFinder,
    SourceDocument,
    check_knowledge,
    count_words,
    setting_documents,
    tokens,
)
from bot.core.knowledge.loader import knowledge_files
from bot.core.knowledge.sources import headings, section_names
from bot.settings import DEFAULT_KNOWLEDGE_DIR

FIXTURE = Path(__file__).parent / "fixtures" / "copied"
ARTICLE = DEFAULT_KNOWLEDGE_DIR / "sources" / "the-western-balkans--china-and-the-kosovo-issue.txt"


def findings(directory: Path, **options: int) -> list[str]:
    kb = load_knowledge(directory)
    documents, problems = setting_documents(directory)
    assert not problems
    return [str(p) for p in check_knowledge(directory, kb, documents, **options)]


# The shipped knowledge base


def test_the_shipped_knowledge_is_checked_against_its_article_with_no_findings() -> None:
    documents, problems = setting_documents(DEFAULT_KNOWLEDGE_DIR)
    assert not problems
    assert [d.label for d in documents] == ["sources/the-western-balkans--china-and-the-kosovo-issue.txt"]
    assert documents[0].publisher == "The Western Balkans" and documents[0].article == "China and the Kosovo issue"
    assert findings(DEFAULT_KNOWLEDGE_DIR) == []
    # The check covers every fact: each source cites the article, by a section of it.
    kb = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    for fact in kb.facts:
        for source in fact.sources:
            assert documents[0].cited_by(source.publisher, source.article) and source.section, fact.id
            assert documents[0].has_section(source.section), (fact.id, source.section)


def test_every_shipped_fact_has_a_one_line_summary_and_a_short_answer() -> None:
    kb = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    for fact in kb.facts:
        assert fact.summary, f"{fact.id} has no summary"
        assert count_words(fact.answer) <= 100, fact.id
        depth = deepest = 0
        for ch in fact.answer:
            depth += {"(": 1, ")": -1}.get(ch, 0)
            deepest = max(deepest, depth)
        assert deepest <= 1 and depth == 0, f"{fact.id}: nested or unbalanced parentheses"


def test_the_articles_headings_are_recognised_and_its_advertisement_is_not() -> None:
    found = headings(ARTICLE.read_text(encoding="utf-8"))
    top = [h for level, h in found if level == 1]
    assert top == [
        "China’s Official Stance and Recent Developments",
        "China-Serbia Relations and Kosovo",
        "China’s Geopolitical Interests and Kosovo",
        "China’s Position on Kosovo",
        "External Factors Shaping China’s Role",
        "Internal Factors Shaping China’s Role",
        "Potential Future Scenarios",
        "Conclusion",
    ]
    assert len(found) - len(top) == 10  # the "- …" subheadings of the three list sections
    assert ("External Factors Shaping China’s Role: Russia’s Decreasing Role") in section_names(found)
    assert not any("subscription" in h.casefold() or "€" in h for _, h in found)


def test_source_documents_are_not_knowledge_files() -> None:
    names = {p.name for p in knowledge_files(DEFAULT_KNOWLEDGE_DIR)}
    assert "sources.yaml" not in names and "synonyms.yaml" not in names
    assert not any(p.suffix == ".txt" for p in knowledge_files(DEFAULT_KNOWLEDGE_DIR))


# The fixture: one finding of each kind, each located at the line of its field


def test_a_copied_answer_is_reported_with_its_run_length_and_a_quote() -> None:
    found = findings(FIXTURE)
    copied = [f for f in found if "[fact copied-answer]" in f]
    assert copied == [
        "copied/facts.yaml:5: [fact copied-answer] answer copies 19 consecutive words from "
        "sources/riverside-gazette--the-new-library.txt (at most 11 allowed): "
        "“the Town Council opened the new public library on the old market-square after…”"
    ]


def test_an_answer_over_the_word_limit_is_reported() -> None:
    found = findings(FIXTURE)
    assert "copied/facts.yaml:18: [fact long-answer] answer has 103 words, over the limit of 100" in found
    assert not any("long-answer" in f for f in findings(FIXTURE, max_words=103))


def test_a_section_that_is_not_a_heading_is_reported_with_the_closest_heading() -> None:
    found = findings(FIXTURE)
    document = "sources/riverside-gazette--the-new-library.txt"
    assert (
        f"copied/facts.yaml:42: [fact bad-section] section 'Study Room' is not a heading of {document}; "
        "closest heading: 'Study Rooms'"
    ) in found
    assert any(f.startswith("copied/facts.yaml:45: [fact bad-section] section 'Opening Hours'") for f in found)
    # A subheading cited with its heading's path is a heading; another publisher's article is not checked.
    assert not any("long-answer] section" in f or "clean-fact" in f for f in found)
    assert len(found) == 4


def test_the_run_length_threshold_is_configurable() -> None:
    assert not any("copied-answer" in f for f in findings(FIXTURE, min_run=20))
    at_five = [f for f in findings(FIXTURE, min_run=5) if "copied-answer" in f]
    assert len(at_five) == 1 and "19 consecutive words" in at_five[0]
    assert any("clean-fact" in f for f in findings(FIXTURE, min_run=3))  # "more than planned"… short shared runs


# Words, runs and headings


def test_words_are_compared_folded() -> None:
    assert [t.word for t in tokens("Vučić’s ORGANISATIONS, favouring long-standing fuelled")] == [
        "vucic",
        "organizations",
        "favoring",
        "long",
        "standing",
        "fueled",
    ]
    assert count_words("A word – and China-Serbia ties.") == 5


def test_a_copy_is_found_through_case_accents_punctuation_and_spelling() -> None:
    text = "President Vučić highlighted China's backing of Serbia in international organizations."
    document = SourceDocument("doc.txt", text)
    finder = CopyFinder([document], min_run=8)
    [run] = finder.runs("Then, PRESIDENT VUCIC highlighted China’s backing of Serbia in international organisations!")
    assert run.length == 10 and run.document == "doc.txt"  # "China’s" is one word, like "China"
    assert run.quote == "PRESIDENT VUCIC highlighted China’s backing of Serbia in international…"  # cut at 80
    assert finder.runs("President Vucic praised China's backing of Serbia in forums") == []


def test_separate_runs_are_reported_separately_and_long_quotes_are_cut() -> None:
    words = " ".join(f"word{i}" for i in range(40))
    finder = CopyFinder([SourceDocument("doc.txt", words)], min_run=5)
    copied = " ".join(f"word{i}" for i in range(0, 6)) + " gap " + " ".join(f"word{i}" for i in range(20, 40))
    runs = finder.runs(copied)
    assert [r.length for r in runs] == [6, 20]
    assert all(len(r.quote) <= 80 for r in runs) and runs[1].quote.endswith("…")
    with pytest.raises(ValueError):
        CopyFinder([], min_run=1)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("China’s Position on Kosovo", [(1, "China’s Position on Kosovo")]),
        ("- Taiwan and Separatism Concerns", [(2, "Taiwan and Separatism Concerns")]),
        ("## Markdown heading, any case", [(2, "Markdown heading, any case")]),
        ("Conclusion", [(1, "Conclusion")]),
        ("The 2017-2019 Campaign", [(1, "The 2017-2019 Campaign")]),
        ("China maintains trade relations with Kosovo.", []),  # a sentence
        ("Thewesternbalkans.", []),  # ends like a sentence
        ("One-month subscription – €50", []),  # not title case
        ("Subscribe to the paid version of our site to read in-depth analyses", []),
        ("- China could step in to fill this void", []),  # a list item, not title case
        ("What Next for Kosovo?", [(1, "What Next for Kosovo?")]),
        ("What comes next?", []),
        ("A Very Long Line That Goes On And On Past Fifteen Words Is Not A Heading At All", []),
        ("", []),
    ],
)
def test_heading_recognition(line: str, expected: list[tuple[int, str]]) -> None:
    assert headings(line) == expected


def test_section_names_join_a_subheading_to_its_heading() -> None:
    text = "Part One\n- First Point\n- Second Point\nPart Two\n# Top\n## Below\n### Deeper\n"
    assert section_names(headings(text)) == [
        "Part One",
        "First Point",
        "Part One: First Point",
        "Second Point",
        "Part One: Second Point",
        "Part Two",
        "Top",
        "Below",
        "Top: Below",
        "Deeper",
        "Top: Below: Deeper",
    ]


# The setting file


def _write(directory: Path, name: str, text: str) -> None:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    directory = tmp_path / "knowledge"
    shutil.copytree(FIXTURE, directory)
    return directory


def test_a_malformed_setting_is_a_load_error_with_its_line(knowledge: Path) -> None:
    _write(
        knowledge,
        "sources.yaml",
        """\
        documents:
          - path: sources/riverside-gazette--the-new-library.txt
            publsher: The Riverside Gazette
          - publisher: No Path
          - path: /absolute/article.txt
        extra: 1
        """,
    )
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge)
    found = [str(p) for p in caught.value.problems]
    assert "knowledge/sources.yaml:2: unknown key 'publsher' (allowed: path, publisher, article)" in found
    assert "knowledge/sources.yaml:4: missing 'path' (a file relative to the knowledge directory)" in found
    assert "knowledge/sources.yaml:5: path '/absolute/article.txt' must be relative to the knowledge directory" in found
    assert "knowledge/sources.yaml:6: unknown key 'extra' (allowed: documents)" in found


def test_a_missing_document_is_reported_by_the_check_not_by_loading(knowledge: Path) -> None:
    (knowledge / "sources" / "riverside-gazette--the-new-library.txt").unlink()
    load_knowledge(knowledge)  # the bot does not read source documents
    documents, problems = setting_documents(knowledge)
    assert documents == []
    assert [str(p) for p in problems] == [
        "knowledge/sources.yaml:3: cannot read source document "
        "sources/riverside-gazette--the-new-library.txt: No such file or directory"
    ]


# The command line


def validate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["validate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_passes_the_shipped_knowledge(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = validate(capsys)
    assert code == 0 and err == ""
    assert out.startswith("OK: ")
    assert "no run of 12+ words copied from sources/the-western-balkans--china-and-the-kosovo-issue.txt" in out
    code, out, _ = validate(capsys, "--against", str(ARTICLE))
    assert code == 0 and f"copied from {ARTICLE}" in out


def test_validate_reports_findings_as_file_line_fact_message(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = validate(capsys, str(FIXTURE))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0] == "4 problems in the knowledge base:"
    assert lines[1].startswith("  copied/facts.yaml:5: [fact copied-answer] answer copies 19 consecutive words")
    assert all(line.startswith("  copied/facts.yaml:") for line in lines[1:])
    code, _, err = validate(capsys, str(FIXTURE), "--min-run", "25", "--max-words", "200")
    assert code == 1 and "copied-answer" not in err and "long-answer" not in err and "bad-section" in err


def test_validate_against_another_document(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Funding and Costs\nStudents can book one of four quiet study rooms for up to three hours.\n")
    code, _, err = validate(capsys, str(FIXTURE), "--against", str(other), "--min-run", "6")
    assert code == 1
    assert "copies" not in err  # the gazette is not among the documents now
    assert "[fact bad-section] section 'Study Room' is not a heading of " + str(other) in err
    assert "[fact clean-fact] section 'Not checked against the gazette'" in err  # any article, without metadata


def test_validate_lists_headings(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = validate(capsys, str(FIXTURE), "--headings")
    assert code == 0
    assert out.splitlines() == [
        "sources/riverside-gazette--the-new-library.txt",
        "  A New Library for Riverside",
        "  Services and Opening Hours",
        "    Children’s Corner",
        "    Study Rooms",
        "  Funding and Costs",
    ]


def test_validate_bad_options_and_unreadable_documents(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = validate(capsys, "--against", str(tmp_path / "missing.txt"))
    assert code == 2
    missing = tmp_path / "missing.txt"
    assert err == f"factbot validate: cannot read source document {missing}: No such file or directory\n"
    with pytest.raises(SystemExit) as exited:
        main(["validate", "--min-run", "1"])
    assert exited.value.code == 2
    assert "must be at least 2, not 1" in capsys.readouterr().err
