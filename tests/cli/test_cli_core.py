"""The command-line contract other tools depend on: ask, ask --json, validate, facts, topics."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import DEFAULT_KNOWLEDGE_DIR

FACTBOT = shutil.which("factbot", path=str(Path(sys.executable).parent)) or "factbot"


@pytest.fixture(autouse=True)
def _own_data_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warm_embeddings: None) -> None:
    """Each test gets its own local database, never the checkout's (and the suite's warm embeddings)."""
    monkeypatch.setenv("FACTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)


def run(*args: str, stdin: str | None = None, cwd: Path | None = None, env: dict[str, str] | None = None):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "FACTBOT_"))}
    environment["FACTBOT_DATA_DIR"] = os.environ["FACTBOT_DATA_DIR"]
    environment["FACTBOT_SEMANTIC_CACHE_DIR"] = os.environ["FACTBOT_SEMANTIC_CACHE_DIR"]
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=60,
    )


def test_ask_prints_answer_source_and_confidence() -> None:
    result = run("ask", "Has China blocked Kosovo from joining Interpol?")
    assert result.returncode == 0, result.stderr
    assert "Source: The Western Balkans" in result.stdout
    assert "Confidence:" in result.stdout


def test_ask_abstains_with_exit_zero() -> None:
    result = run("ask", "What's the best pizza topping?")
    assert result.returncode == 0
    assert "I don't know" in result.stdout and "I can answer questions about" in result.stdout


def test_ask_json_contract() -> None:
    result = run("ask", "--json", "geng shuang")
    data = json.loads(result.stdout)
    assert data["question"] == "geng shuang"
    assert data["answered"] is True and data["fact_id"] == "geng-shuang-tolerance-reconciliation"
    assert isinstance(data["title"], str) and isinstance(data["answer"], str)
    assert isinstance(data["summary"], str) and "Geng Shuang" in data["summary"]
    assert 0 <= data["score"] <= 100
    assert data["sources"] and data["sources"][0]["section"]
    assert isinstance(data["suggestions"], list)


def test_ask_answers_other_languages_and_near_misses() -> None:
    result = run("ask", "--json", "Da li Kina priznaje Kosovo?")
    data = json.loads(result.stdout)
    assert data["answered"] is True and data["fact_id"] == "non-recognition-sovereignty", result.stderr
    result = run("ask", "Who heads the Chinese mission in Pristina?")
    assert "The knowledge base does not hold that detail (who)." in result.stdout
    assert "chinese-mission-pristina" in result.stdout


def test_with_the_semantic_stage_off_the_contract_is_the_same() -> None:
    # No phrasing shares its words: only the semantic stage reads it.
    question = "Peking und die Eigenstaatlichkeit Kosovos?"
    on = json.loads(run("ask", "--json", question).stdout)
    off = json.loads(run("ask", "--json", question, env={"FACTBOT_SEMANTIC": "off"}).stdout)
    assert set(on) == set(off)
    assert on["answered"] is True and on["fact_id"] == "non-recognition-sovereignty"
    assert off["answered"] is False and off["answer"] is None  # recall drops, nothing else changes
    assert isinstance(off["suggestions"], list)


def test_ask_json_stdin_streams_one_object_per_line_in_order() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--json", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        answers = []
        for question in ("interpol", "", "weather in Paris tomorrow?"):
            process.stdin.write(question + "\n")
            process.stdin.flush()
            answers.append(json.loads(process.stdout.readline()))  # flushed per line, or this blocks
    finally:
        process.stdin.close()
        process.wait(timeout=30)
    assert [a["question"] for a in answers] == ["interpol", "", "weather in Paris tomorrow?"]
    assert [a["answered"] for a in answers] == [True, False, False]
    assert answers[1]["fact_id"] is None and answers[1]["answer"] is None
    assert process.returncode == 0


def test_console_script_and_module_behave_the_same(tmp_path: Path) -> None:
    if not Path(FACTBOT).exists():
        pytest.skip("the console script is not installed next to this interpreter")
    by_script = subprocess.run([FACTBOT, "ask", "--json", "1244"], capture_output=True, text=True, cwd=tmp_path)
    by_module = run("ask", "--json", "1244", cwd=tmp_path)
    assert json.loads(by_script.stdout) == json.loads(by_module.stdout)


def test_default_knowledge_works_from_any_directory(tmp_path: Path) -> None:
    result = run("facts", cwd=tmp_path)
    assert result.returncode == 0
    assert "unesco-interpol-blocking" in result.stdout


def test_facts_json_lists_each_fact_with_its_summary() -> None:
    result = run("facts", "--json", "--topic", "Official stance")
    assert result.returncode == 0, result.stderr
    facts = [json.loads(line) for line in result.stdout.splitlines()]
    assert facts and {f["topic"] for f in facts} == {"Official stance"}
    by_id = {f["fact_id"]: f for f in facts}
    assert set(by_id["non-recognition-sovereignty"]) == {"fact_id", "title", "summary", "topic", "hidden"}
    assert by_id["non-recognition-sovereignty"]["summary"].startswith("China does not recognise")


def test_topics_lists_topics_and_their_facts() -> None:
    result = run("topics")
    assert result.returncode == 0
    assert "International organisations" in result.stdout
    assert "  unesco-interpol-blocking" in result.stdout


def test_validate_ok_and_broken(tmp_path: Path) -> None:
    ok = run("validate")
    assert ok.returncode == 0 and ok.stdout.startswith("OK: ")
    broken = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, broken)
    path = broken / "official-stance.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    questions:", "    questoins:", 1), encoding="utf-8")
    (broken / "extra.yaml").write_text("facts: [\n", encoding="utf-8")
    result = run("validate", str(broken))
    assert result.returncode == 1
    assert "knowledge/official-stance.yaml:" in result.stderr and "unknown key 'questoins'" in result.stderr
    assert "knowledge/extra.yaml:" in result.stderr and "YAML syntax error" in result.stderr


def test_knowledge_dir_from_option_and_environment(tmp_path: Path) -> None:
    other = tmp_path / "kb"
    other.mkdir()
    (other / "one.yaml").write_text(
        "facts:\n  - id: walrus\n    title: The walrus operator\n    answer: It assigns inside an expression.\n"
        "    questions:\n      - What is the walrus operator?\n    topic: Python\n"
        "    sources: [{publisher: Docs, article: Expressions}]\n",
        encoding="utf-8",
    )
    by_option = run("--knowledge", str(other), "ask", "--json", "walrus operator")
    by_env = run("ask", "--json", "walrus operator", env={"FACTBOT_KNOWLEDGE_DIR": str(other)})
    assert json.loads(by_option.stdout)["fact_id"] == "walrus"
    assert json.loads(by_env.stdout)["fact_id"] == "walrus"


def test_help_lists_every_command() -> None:
    result = run("--help")
    for command in ("ask", "chat", "run", "validate", "facts", "topics", "kb", "discord"):
        assert command in result.stdout


def test_chat_reads_questions_from_a_pipe() -> None:
    result = run("chat", stdin="/topics\ninterpol\n/fact geng-shuang-tolerance-reconciliation\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "International organisations" in result.stdout
    assert "Interpol" in result.stdout
    assert "Geng Shuang" in result.stdout


def test_ask_facts_and_topics_see_runtime_edits(tmp_path: Path) -> None:
    fact = tmp_path / "fact.yaml"
    fact.write_text(
        "id: kosovo-snooker\ntitle: Snooker in Kosovo\nanswer: An answer added by a moderator at runtime.\n"
        "questions:\n  - Is snooker popular in Kosovo?\ntopic: Sport\n"
        "sources:\n  - publisher: Example\n    article: Example article\n",
        encoding="utf-8",
    )
    added = run("kb", "add", str(fact))
    assert added.returncode == 0, added.stderr
    assert json.loads(run("ask", "--json", "snooker in kosovo").stdout)["fact_id"] == "kosovo-snooker"
    assert "kosovo-snooker" in run("facts").stdout
    assert "Sport (1)" in run("topics").stdout
    hidden = run("kb", "hide", "kosovo-snooker")
    assert hidden.returncode == 0, hidden.stderr
    assert json.loads(run("ask", "--json", "snooker in kosovo").stdout)["answered"] is False


def test_run_for_services_refuses_to_start_without_a_platform() -> None:
    result = run("run", "--platforms-only", stdin="")
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr and "SLACK_BOT_TOKEN" in result.stderr


#: Libraries a one-shot answer has no use for: storage, platforms, the web, the console, metrics.
_NOT_FOR_ANSWERING = {
    *("sqlalchemy", "alembic", "mako", "pygments", "aiosqlite", "asyncpg", "greenlet", "prometheus_client"),
    *("discord", "slack_bolt", "slack_sdk", "aiohttp", "prompt_toolkit"),
    *("bot.storage.sql", "bot.storage.engine", "bot.core.moderation", "bot.adapters.discord.client"),
}


def _imported(*args: str) -> set[str]:
    """The top-level modules and factbot modules a whole ``python -m bot`` process imports."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "FACTBOT_"))}
    environment["FACTBOT_DATA_DIR"] = os.environ["FACTBOT_DATA_DIR"]
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    names = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    return {name.split(".")[0] for name in names} | {name for name in names if name.startswith("bot.")}


def test_a_one_shot_answer_imports_no_storage_platform_or_web_library(tmp_path: Path) -> None:
    for _ in range(2):  # the first builds the index cache, the second answers from it
        imported = _imported("ask", "--json", "does china recognise kosovo")
        assert not imported & _NOT_FOR_ANSWERING, sorted(imported & _NOT_FOR_ANSWERING)
    assert "wordfreq" not in imported  # the English word frequencies come from the index cache
    data = Path(os.environ["FACTBOT_DATA_DIR"])
    assert not (data / "factbot.sqlite3").exists()  # no database was created to answer one question


def test_a_one_shot_answer_without_a_database_runs_no_event_loop() -> None:
    for _ in range(2):  # the first builds the index cache, the second answers from it
        imported = _imported("ask", "--json", "does china recognise kosovo")
        # no asyncio (nor the ssl, sockets and threads it imports), and settings read without
        # pydantic-settings, which imports asyncio
        assert not imported & {"asyncio", "ssl", "concurrent", "pydantic_settings"}, sorted(imported)
    # a question the lexical index answers confidently: the semantic stage is not even imported
    assert "bot.core.semantic.stage" not in imported


def test_an_answer_from_a_database_at_its_schema_head_does_not_load_alembic() -> None:
    created = run("chat", stdin="/quit\n")  # creates and migrates the local database
    assert created.returncode == 0, created.stderr
    imported = _imported("ask", "--json", "does china recognise kosovo")
    assert "sqlalchemy" in imported  # runtime edits are read from the database...
    assert not imported & {"alembic", "mako", "pygments"}  # ...whose schema needs no migration
