"""Several bot processes on one database see each other's edits and reloads without a restart.

On PostgreSQL the change arrives by LISTEN/NOTIFY and must be answered within a second; on SQLite
(one machine, processes such as the bot and a ``factbot kb`` command) the revision is polled.
"""

from __future__ import annotations

from pathlib import Path

from bot.core.moderation import Actor
from bot.core.service import AskContext, FactBot
from support.storage import eventually

MOD = Actor(platform="slack", user="U0MOD")
ASK = AskContext(platform="discord", community="g", user="1")
NEW = {
    "id": "kosovo-olympics",
    "title": "Kosovo and the Olympics",
    "answer": "The International Olympic Committee recognised Kosovo's Olympic Committee in 2014.",
    "questions": ["When did the IOC recognise Kosovo?"],
    "topic": "International organisations",
    "keywords": ["IOC"],
    "sources": [{"publisher": "Test Gazette", "article": "Kosovo at the Games"}],
}
QUESTION = "When did the IOC recognise Kosovo?"


def _deadline(database_url: str) -> float:
    return 1.0 if database_url.startswith("postgresql") else 3.0


def _answers(bot: FactBot, fact_id: str):
    async def check() -> bool:
        answer = await bot.ask(QUESTION, ASK)
        return answer.fact is not None and answer.fact.id == fact_id

    return check


async def test_a_fact_added_through_one_instance_is_answered_by_the_other(make_bot, database_url: str) -> None:
    one, other = await make_bot(), await make_bot()
    assert not await _answers(other, "kosovo-olympics")()

    await one.add_fact(NEW, MOD)
    seconds = await eventually(_answers(other, "kosovo-olympics"), timeout=_deadline(database_url))
    print(f"fact added on one instance answered by the other after {seconds * 1000:.0f} ms")

    await other.set_hidden("kosovo-olympics", True, MOD)

    async def hidden_on_first() -> bool:
        return not await _answers(one, "kosovo-olympics")()

    await eventually(hidden_on_first, timeout=_deadline(database_url))
    assert one.fact("kosovo-olympics").hidden


async def test_a_reload_through_one_instance_reloads_the_other(
    make_bot, database_url: str, knowledge_copy: Path
) -> None:
    one, other = await make_bot(), await make_bot()
    (knowledge_copy / "olympics.yaml").write_text(
        "facts:\n  - id: kosovo-olympics\n    title: Kosovo and the Olympics\n"
        "    answer: The IOC recognised Kosovo's Olympic Committee in 2014.\n"
        "    questions:\n      - When did the IOC recognise Kosovo?\n"
        "    topic: International organisations\n"
        "    sources:\n      - publisher: Test Gazette\n        article: Games\n",
        encoding="utf-8",
    )
    report = await one.reload(MOD)
    assert report.ok
    await eventually(_answers(other, "kosovo-olympics"), timeout=_deadline(database_url))


async def test_a_broken_reload_elsewhere_leaves_this_instance_serving(make_bot, knowledge_copy: Path) -> None:
    one, other = await make_bot(), await make_bot()
    before = len(other.knowledge.facts)
    (knowledge_copy / "broken.yaml").write_text("facts: [\n", encoding="utf-8")
    report = await one.reload(MOD)
    assert not report.ok
    assert len(other.knowledge.facts) == before
    assert (await other.ask("does china recognise kosovo?", ASK)).fact is not None
