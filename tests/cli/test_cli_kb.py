"""``factbot kb …`` end to end: the real parser, the real bot, a real database."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from bot.app import create_bot
from bot.cli import main
from bot.core.service import AskContext
from bot.settings import Settings
from support.knowledge import independent_facts

FACT_YAML = """\
id: kosovo-olympics
title: Kosovo and the Olympics
answer: The International Olympic Committee recognised Kosovo's Olympic Committee in 2014.
questions:
  - When did the IOC recognise Kosovo?
topic: International organisations
sources:
  - publisher: Test Gazette
    article: Kosovo at the Games
"""


#: The storage behind these commands is tested on both databases elsewhere; one scenario is enough here.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def kb(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["kb", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _fact(settings: Settings, fact_id: str):
    async def load():
        bot = await create_bot(settings, background=False)
        await bot.close()
        return bot.fact(fact_id)

    return asyncio.run(load())


def test_add_edit_hide_export_audit(bot_settings: Settings, tmp_path: Path, capsys) -> None:
    source = tmp_path / "fact.yaml"
    source.write_text(FACT_YAML, encoding="utf-8")

    assert kb(capsys, "--as", "Alice", "add", str(source)) == (
        0,
        "Added kosovo-olympics (International organisations): Kosovo and the Olympics\n",
        "",
    )
    code, _, err = kb(capsys, "add", str(source))
    assert code == 1 and "already exists" in err

    code, out, _ = kb(
        capsys,
        "edit",
        "kosovo-olympics",
        "--answer",
        "Since 2014, says the IOC.",
        "--add-question",
        "Is Kosovo in the Olympics?",
        "--add-tag",
        "sport",
    )
    assert code == 0 and out == "Edited kosovo-olympics: answer, questions, tags\n"
    fact = _fact(bot_settings, "kosovo-olympics")
    assert fact.answer == "Since 2014, says the IOC." and fact.questions[-1] == "Is Kosovo in the Olympics?"
    assert fact.tags == ["sport"]

    assert kb(capsys, "hide", "kosovo-olympics")[1] == "Hidden: kosovo-olympics (Kosovo and the Olympics)\n"
    assert _fact(bot_settings, "kosovo-olympics").hidden
    assert kb(capsys, "unhide", "kosovo-olympics")[0] == 0
    code, _, err = kb(capsys, "hide", "no-such-fact")
    assert code == 1 and "no fact with id 'no-such-fact'" in err

    code, out, _ = kb(capsys, "export", "--out", str(tmp_path / "review"))
    assert code == 0 and "overlay-international-organisations.yaml" in out
    assert (tmp_path / "review" / "overlay-international-organisations.yaml").read_text().count("kosovo-olympics") == 1

    code, out, _ = kb(capsys, "audit")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 5
    assert lines[-1].endswith("cli:Alice (" + lines[-1].split("(")[1].split(")")[0] + ") add kosovo-olympics")
    assert " export" in lines[0]


@sqlite_only
def test_edit_sets_a_one_line_summary_that_export_writes(bot_settings: Settings, tmp_path: Path, capsys) -> None:
    source = tmp_path / "fact.yaml"
    source.write_text(FACT_YAML, encoding="utf-8")
    assert kb(capsys, "add", str(source))[0] == 0
    code, out, _ = kb(capsys, "edit", "kosovo-olympics", "--summary", "The IOC recognised Kosovo in 2014.")
    assert code == 0 and out == "Edited kosovo-olympics: summary\n"
    assert _fact(bot_settings, "kosovo-olympics").summary == "The IOC recognised Kosovo in 2014."
    code, _, err = kb(capsys, "edit", "kosovo-olympics", "--summary", "two\nlines")
    assert code == 1 and "a summary is one line" in err
    code, _, err = kb(capsys, "edit", "kosovo-olympics", "--summary", "x" * 101)
    assert code == 1 and "summary: String should have at most 100 characters" in err
    assert kb(capsys, "export", "--out", str(tmp_path / "review"))[0] == 0
    exported = (tmp_path / "review" / "overlay-international-organisations.yaml").read_text(encoding="utf-8")
    assert "    summary: The IOC recognised Kosovo in 2014.\n" in exported


@sqlite_only
def test_invalid_fact_file_is_rejected_with_file_and_line(bot_settings: Settings, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: Bad Id\ntitle: x\nquestoins:\n  - typo\nanswer: y\n", encoding="utf-8")
    code, _, err = kb(capsys, "add", str(bad))
    assert code == 1
    assert f"{bad}:1: [fact Bad Id] id: String should match pattern" in err
    assert f"{bad}:3: [fact Bad Id] unknown key 'questoins'" in err
    assert "missing required field 'sources'" in err


@sqlite_only
def test_add_reads_stdin_and_a_facts_list(bot_settings: Settings, monkeypatch, capsys) -> None:
    import io

    second = FACT_YAML.replace("kosovo-olympics", "kosovo-fifa").replace("IOC", "FIFA")
    listed = "facts:\n" + "".join(
        ("    " if i else "  - ") + line + "\n"
        for doc in (FACT_YAML, second)
        for i, line in enumerate(doc.splitlines())
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(listed))
    code, out, err = kb(capsys, "add", "-")
    assert code == 0 and out.count("Added ") == 2, err


def _listed(*documents: str) -> str:
    return "facts:\n" + "".join(
        ("    " if i else "  - ") + line + "\n" for doc in documents for i, line in enumerate(doc.splitlines())
    )


@sqlite_only
def test_add_stores_a_facts_list_whole_or_not_at_all(bot_settings: Settings, monkeypatch, capsys) -> None:
    import io

    fifa = FACT_YAML.replace("kosovo-olympics", "kosovo-fifa").replace("IOC", "FIFA") + "related: [kosovo-olympics]\n"
    dangling = FACT_YAML.replace("kosovo-olympics", "kosovo-uefa").replace("IOC", "UEFA") + "related: [kosovo-fiba]\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(_listed(FACT_YAML, fifa, dangling)))
    code, out, err = kb(capsys, "add", "-")
    assert code == 1 and out == ""
    assert "<stdin>:21: related id 'kosovo-fiba' does not exist" in err
    assert _fact(bot_settings, "kosovo-olympics") is None, "nothing of a rejected batch is stored"

    monkeypatch.setattr("sys.stdin", io.StringIO(_listed(FACT_YAML, FACT_YAML)))
    code, out, err = kb(capsys, "add", "-")
    assert code == 1 and "<stdin>:11: fact 'kosovo-olympics' is in this batch twice (first as <stdin>:2)" in err
    assert "already exists" not in err

    monkeypatch.setattr("sys.stdin", io.StringIO(_listed(fifa, FACT_YAML)))  # a link to a later fact of the batch
    code, out, err = kb(capsys, "add", "-")
    assert code == 0 and out.count("Added ") == 2, err
    assert _fact(bot_settings, "kosovo-fifa").related == ["kosovo-olympics"]


@sqlite_only
def test_reload_reports_problems_and_keeps_the_last_good_knowledge(bot_settings: Settings, capsys) -> None:
    assert kb(capsys, "reload")[1].startswith("Reloaded: ")
    broken = bot_settings.knowledge.knowledge_dir / "zz-broken.yaml"
    broken.write_text("facts:\n  - id: x\n    title: t\n", encoding="utf-8")
    code, _, err = kb(capsys, "reload")
    assert code == 1 and "zz-broken.yaml:2: [fact x] missing required field 'answer'" in err


def test_stats_unanswered_and_privacy_commands(bot_settings: Settings, capsys) -> None:
    async def chat() -> None:
        bot = await create_bot(bot_settings, background=False)
        try:
            for user, question in (
                ("U1", "who won the 1998 world cup?"),
                ("U2", "Who won the 1998 World Cup"),
                ("U1", "does china recognise kosovo?"),
            ):
                await bot.ask(question, AskContext(platform="slack", community="T1", user=user))
        finally:
            await bot.close()

    asyncio.run(chat())
    code, out, _ = kb(capsys, "stats", "--days", "1", "--community", "T1")
    assert code == 0 and "Questions: 3." in out and "community T1" in out
    code, out, _ = kb(capsys, "unanswered")
    assert code == 0 and "asked 2×" in out and "1998 world cup" in out.casefold()
    code, out, _ = kb(capsys, "stats", "--json")
    assert code == 0 and '"total": 3' in out
    assert kb(capsys, "forget-user", "slack", "U1") == (
        0,
        "Deleted 2 logged question(s) and feedback of that user.\n",
        "",
    )
    assert kb(capsys, "purge")[1] == "Purged 0 logged question(s) older than the retention period.\n"


def test_an_unreachable_database_is_reported_and_its_password_never_shown(
    tmp_path: Path, knowledge_copy: Path, monkeypatch, capsys
) -> None:
    with socket.socket() as sock:  # a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("DATABASE_URL", f"postgresql://factbot:s3cret-Passw0rd@127.0.0.1:{port}/factbot")
    monkeypatch.setenv("FACTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FACTBOT_KNOWLEDGE_DIR", str(knowledge_copy))
    monkeypatch.setenv("FACTBOT_LOG_LEVEL", "DEBUG")
    code, out, err = kb(capsys, "stats")
    assert code == 3
    assert "the database is unavailable" in err and "members still get answers" in err
    assert "s3cret-Passw0rd" not in out + err
    assert "factbot:***@127.0.0.1" in err  # the log names the database, masked


@sqlite_only
def test_teach_dismiss_and_explain_from_the_shell(bot_settings: Settings, capsys) -> None:
    async def log_questions():
        bot = await create_bot(bot_settings, background=False)
        try:
            context = AskContext(platform="console", community="console", user="u")
            for question in ("do weibo users care about kosovo", "who won the 1998 world cup"):
                await bot.ask(question, context)
            await bot.flush_logs()
        finally:
            await bot.close()

    asyncio.run(log_questions())
    code, out, _ = kb(capsys, "teach", "--dry-run", "public-opinion-pro-serbian", "do weibo users care about kosovo")
    assert code == 0 and "Newly answered (1):" in out and "-> public-opinion-pro-serbian" in out
    assert _fact(bot_settings, "public-opinion-pro-serbian").questions[-1] != "do weibo users care about kosovo"
    code, out, _ = kb(capsys, "--as", "Alice", "teach", "public-opinion-pro-serbian", "do weibo users care about kosovo")
    assert code == 0 and out.rstrip().endswith("phrasings now.")
    assert _fact(bot_settings, "public-opinion-pro-serbian").questions[-1] == "do weibo users care about kosovo"
    code, _, err = kb(capsys, "teach", "public-opinion-pro-serbian", "do weibo users care about kosovo")
    assert code == 1 and "already has every one of these phrasings" in err

    assert kb(capsys, "dismiss", "Who won the 1998 World Cup?")[0] == 0
    code, out, _ = kb(capsys, "unanswered")
    assert code == 0 and out.strip() == "No unanswered questions in this period."
    assert kb(capsys, "undismiss", "who won the 1998 world cup")[0] == 0
    assert "who won the 1998 world cup" in kb(capsys, "unanswered", "--platform", "console")[1]
    assert "No unanswered" in kb(capsys, "unanswered", "--platform", "discord")[1]

    code, out, _ = kb(capsys, "explain", "What is Japan's stance on Kosovo?")
    assert code == 0 and out.startswith("“What is Japan's stance on Kosovo?”: abstains")
    assert "japan: " in out and "(in no fact)" in out
    assert "penalty x0.60: name 'japan' is not in the fact" in out
    assert "semantic 0." in out or "semantic stage off" in out  # the similarity where the stage ran
    audit = kb(capsys, "audit")[1]
    assert "cli:Alice" in audit and " teach public-opinion-pro-serbian" in audit and " dismiss" in audit


@sqlite_only
def test_reload_that_would_drop_most_facts_asks_for_force(bot_settings: Settings, capsys) -> None:
    directory = bot_settings.knowledge.knowledge_dir
    independent_facts(directory, {"kept": 2, "lost": 6})

    async def serve() -> None:  # a running bot records what it serves
        bot = await create_bot(bot_settings)
        await bot.close()

    asyncio.run(serve())
    (directory / "lost.yaml").write_text("facts:\n", encoding="utf-8")
    code, out, err = kb(capsys, "reload")
    assert code == 1 and "lost.yaml:1: 'facts' must be a non-empty list" in err + out
    (directory / "lost.yaml").unlink()
    code, out, _ = kb(capsys, "reload")
    assert code == 1
    assert out.startswith("Reload refused, the last good knowledge base stays in service: the knowledge files now")
    assert "2 of the 8 facts being served" in out and "factbot kb reload --force" in out
    code, out, _ = kb(capsys, "reload", "--force")
    assert code == 0 and out.startswith("Reloaded: 2 facts.")


@sqlite_only
def test_export_into_a_read_only_directory_fails_plainly(bot_settings: Settings, tmp_path: Path, monkeypatch, capsys) -> None:
    from support.readonly import read_only

    source = tmp_path / "fact.yaml"
    source.write_text(FACT_YAML, encoding="utf-8")
    assert kb(capsys, "add", str(source))[0] == 0
    directory = bot_settings.knowledge.knowledge_dir
    with read_only(directory, monkeypatch):
        code, out, err = kb(capsys, "export")
    assert code == 1 and out == ""
    assert err == (
        f"error: the knowledge directory {directory} is read-only for the bot: nothing was written. "
        "Export elsewhere: --out DIR\n"
    )
