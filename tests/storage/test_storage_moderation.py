"""Runtime edits: validated like the files, audited, answered at once, kept across restarts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.moderation import Actor, FactRejected, ModerationError, UnknownFact
from bot.core.service import AskContext
from support.knowledge import independent_facts
from support.storage import rows

MOD = Actor(platform="discord", user="4242", name="curator")
ASK = AskContext(platform="slack", community="T1", user="U1")
NEW = {
    "id": "kosovo-olympics",
    "title": "Kosovo and the Olympics",
    "answer": "The International Olympic Committee recognised Kosovo's Olympic Committee in 2014.",
    "questions": ["Is Kosovo in the Olympics?", "When did the IOC recognise Kosovo?"],
    "topic": "International organisations",
    "keywords": ["Olympic", "IOC"],
    "sources": [{"publisher": "Test Gazette", "article": "Kosovo at the Games"}],
}
OLYMPICS = "when did the olympic committee recognise kosovo?"


async def test_an_added_fact_is_answered_at_once_and_audited(make_bot) -> None:
    bot = await make_bot()
    assert (await bot.ask(OLYMPICS, ASK)).fact is None or (await bot.ask(OLYMPICS, ASK)).fact.id != NEW["id"]

    fact = await bot.add_fact(NEW, MOD)

    assert fact.id == NEW["id"]
    answer = await bot.ask(OLYMPICS, ASK)
    assert answer.fact is not None and answer.fact.id == "kosovo-olympics"
    (entry,) = await bot.audit()
    assert (entry.action, entry.fact_id, entry.actor_platform, entry.actor_user, entry.actor_name) == (
        "add",
        "kosovo-olympics",
        "discord",
        "4242",
        "curator",
    )
    assert entry.detail["after"]["answer"] == NEW["answer"]


async def test_a_fact_is_checked_by_the_same_schema_as_the_files(make_bot) -> None:
    bot = await make_bot(background=False)
    with pytest.raises(FactRejected) as caught:
        await bot.add_fact({**NEW, "id": "Not An Id", "questions": [], "questoins": ["typo"]}, MOD)
    text = "\n".join(caught.value.problems)
    assert "unknown key 'questoins'" in text and "questions" in text and "id" in text
    existing = bot.knowledge.facts[0].id
    with pytest.raises(FactRejected, match="already exists"):
        await bot.add_fact({**NEW, "id": existing}, MOD)
    with pytest.raises(FactRejected, match="'no-such-fact' does not exist"):
        await bot.add_fact({**NEW, "related": ["no-such-fact"]}, MOD)
    assert await bot.audit() == []


async def test_edit_changes_answer_and_phrasings_and_records_before_and_after(make_bot) -> None:
    bot = await make_bot(background=False)
    fact = bot.knowledge.facts[0]
    edited = await bot.edit_fact(
        fact.id, {"answer": "A corrected answer.", "questions": [*fact.questions, "beijing kosovo line"]}, MOD
    )
    assert edited.answer == "A corrected answer." and bot.fact(fact.id).answer == "A corrected answer."
    answer = await bot.ask("beijing kosovo line", ASK)
    assert answer.fact is not None and answer.fact.id == fact.id
    (entry,) = await bot.audit(fact_id=fact.id)
    assert entry.action == "edit"
    assert entry.detail["changes"]["answer"] == {"before": fact.answer, "after": "A corrected answer."}
    (overlay,) = await rows(bot, "overlay")
    assert set(overlay.patch) == {"answer", "questions"} and overlay.created is False

    with pytest.raises(UnknownFact):
        await bot.edit_fact("no-such-fact", {"answer": "x"}, MOD)
    with pytest.raises(FactRejected, match="'id' cannot be edited"):
        await bot.edit_fact(fact.id, {"id": "other"}, MOD)
    with pytest.raises(FactRejected):
        await bot.edit_fact(fact.id, {"answer": ""}, MOD)


async def test_hide_and_unhide(make_bot) -> None:
    bot = await make_bot(background=False)
    await bot.add_fact(NEW, MOD)
    hidden = await bot.set_hidden("kosovo-olympics", True, MOD)
    assert hidden.hidden and bot.fact("kosovo-olympics").hidden
    answer = await bot.ask(OLYMPICS, ASK)
    assert answer.fact is None or answer.fact.id != "kosovo-olympics"
    await bot.set_hidden("kosovo-olympics", False, MOD)
    assert (await bot.ask(OLYMPICS, ASK)).fact.id == "kosovo-olympics"
    assert [e.action for e in await bot.audit()] == ["unhide", "hide", "add"]


async def test_runtime_edits_survive_a_restart_and_revert_restores_the_files(make_bot) -> None:
    first = await make_bot(background=False)
    fact = first.knowledge.facts[1]
    await first.add_fact(NEW, MOD)
    await first.set_hidden(fact.id, True, MOD)
    await first.close()

    second = await make_bot(background=False)
    assert second.fact("kosovo-olympics") is not None
    assert second.fact(fact.id).hidden

    assert await second.revert_fact(fact.id, MOD) == fact
    assert await second.revert_fact("kosovo-olympics", MOD) is None
    assert second.fact("kosovo-olympics") is None
    with pytest.raises(ModerationError, match="no runtime edits"):
        await second.revert_fact(fact.id, MOD)
    assert await rows(second, "overlay") == []


async def test_a_broken_reload_keeps_the_last_good_knowledge_and_reports_where(make_bot, knowledge_copy: Path) -> None:
    bot = await make_bot(background=False)
    before = len(bot.knowledge.facts)
    broken = knowledge_copy / "broken.yaml"
    broken.write_text("facts:\n  - id: x\n    title: missing everything else\n", encoding="utf-8")

    report = await bot.reload(MOD)

    assert not report.ok and report.fact_count == before
    assert any("broken.yaml:2" in p and "missing required field 'answer'" in p for p in report.problems)
    assert (await bot.ask("does china recognise kosovo?", ASK)).fact is not None

    broken.unlink()
    (knowledge_copy / "olympics.yaml").write_text(
        "facts:\n"
        "  - id: kosovo-olympics\n"
        "    title: Kosovo and the Olympics\n"
        "    answer: The IOC recognised Kosovo's Olympic Committee in 2014.\n"
        "    questions:\n"
        "      - When did the IOC recognise Kosovo?\n"
        "    topic: International organisations\n"
        "    sources: [{publisher: Test Gazette, article: Games}]\n",
        encoding="utf-8",
    )
    report = await bot.reload(MOD)
    assert report.ok and report.fact_count == before + 1 and report.problems == []
    assert (await bot.ask("When did the IOC recognise Kosovo?", ASK)).fact.id == "kosovo-olympics"
    assert [(e.action, e.detail.get("ok")) for e in await bot.audit()] == [("reload", True), ("reload", False)]


async def test_export_writes_reviewable_files_and_the_next_reload_retires_the_edits(
    make_bot, knowledge_copy: Path
) -> None:
    from bot.core.knowledge import load_knowledge

    bot = await make_bot(background=False)
    fact = bot.knowledge.facts[2]
    await bot.add_fact(NEW, MOD)
    await bot.edit_fact(fact.id, {"answer": "An answer edited at runtime."}, MOD)

    written = (await bot.export(actor=MOD)).written

    assert sorted(p.name for p in written) == sorted(
        {
            "overlay-international-organisations.yaml",
            next(p.name for p in knowledge_copy.glob("*.yaml") if f"id: {fact.id}\n" in p.read_text()),
        }
    )
    on_disk = load_knowledge(knowledge_copy)
    assert on_disk.get("kosovo-olympics") == bot.fact("kosovo-olympics")
    assert on_disk.get(fact.id) == bot.fact(fact.id)

    report = await bot.reload(MOD)
    assert report.ok and any("retired" in w for w in report.warnings)
    assert await rows(bot, "overlay") == []
    assert bot.fact(fact.id).answer == "An answer edited at runtime."  # now from the files
    assert {e.action for e in await bot.audit()} >= {"export", "settle", "reload"}


async def test_a_reload_that_would_drop_many_facts_is_refused_unless_forced(make_bot, knowledge_copy: Path) -> None:
    independent_facts(knowledge_copy, {"kept": 6, "half-written": 4})
    bot = await make_bot()
    (knowledge_copy / "half-written.yaml").write_text("facts:\n" + "\n".join(
        (knowledge_copy / "half-written.yaml").read_text(encoding="utf-8").splitlines()[1:7]
    ) + "\n", encoding="utf-8")  # caught mid-rewrite: 1 of its 4 facts left, and still valid YAML

    report = await bot.reload(MOD)
    assert not report.ok and report.problems == []
    assert report.refused is not None and "7 of the 10 facts being served" in report.refused
    assert len(bot.knowledge.facts) == 10
    assert (await bot.ask("What is fact 2 of half-written?", ASK)).fact.id == "half-written-2"

    forced = await bot.reload(MOD, force=True)
    assert forced.ok and forced.fact_count == 7
    entries = await bot.audit()
    assert [(e.action, e.detail.get("ok"), e.detail.get("forced")) for e in entries[:2]] == [
        ("reload", True, True),
        ("reload", False, None),
    ]


async def test_a_reload_that_drops_a_few_facts_needs_no_force(make_bot, knowledge_copy: Path) -> None:
    independent_facts(knowledge_copy, {"kept": 9, "retired": 1})
    bot = await make_bot()
    (knowledge_copy / "retired.yaml").unlink()
    report = await bot.reload(MOD)
    assert report.ok and report.fact_count == 9


async def test_a_reload_that_would_drop_most_synonym_groups_is_refused(make_bot, knowledge_copy: Path) -> None:
    bot = await make_bot()
    groups = len(bot.knowledge.synonyms.groups)
    (knowledge_copy / "synonyms.yaml").write_text("synonyms:\n  - [china, beijing]\n", encoding="utf-8")
    report = await bot.reload(MOD)
    assert report.refused is not None and f"1 of the {groups} synonym groups" in report.refused
    assert len(bot.knowledge.synonyms.groups) == groups


async def test_a_one_shot_reload_compares_with_what_the_serving_bots_loaded(make_bot, knowledge_copy: Path) -> None:
    independent_facts(knowledge_copy, {"kept": 2, "lost": 6})
    await make_bot()  # a serving bot records what it loaded
    (knowledge_copy / "lost.yaml").unlink()
    command = await make_bot(background=False)  # as `factbot kb reload` runs: it loads the files now on disk
    report = await command.reload(MOD)
    assert report.refused is not None and "2 of the 8 facts being served" in report.refused
    assert (await command.reload(MOD, force=True)).ok
    assert (await command.reload(MOD)).ok  # the forced reload is the new reference


async def test_a_reload_parses_lays_edits_over_and_indexes_off_the_event_loop(
    make_bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from bot.core import moderation, overlay, service

    bot = await make_bot()
    await bot.add_fact(NEW, MOD)  # an edit to lay over the files
    threads: dict[str, int] = {}

    def spy(name: str, original):
        def run(*args, **kwargs):
            threads[name] = threading.get_ident()
            return original(*args, **kwargs)

        return run

    monkeypatch.setattr(moderation, "load_knowledge", spy("parse", moderation.load_knowledge))
    monkeypatch.setattr(overlay, "apply_overlay", spy("overlay", overlay.apply_overlay))
    monkeypatch.setattr(service, "KnowledgeState", spy("index", service.KnowledgeState))
    assert (await bot.reload(MOD)).ok
    assert set(threads) == {"parse", "overlay", "index"}
    assert threading.get_ident() not in threads.values()
    assert bot.fact(NEW["id"]) is not None


def _fact(fact_id: str, **fields):
    return {**NEW, "id": fact_id, "questions": [f"What is {fact_id}?"], "keywords": [], **fields}


async def test_a_batch_of_facts_is_added_whole_or_not_at_all(make_bot) -> None:
    bot = await make_bot()
    before = await bot.moderation.storage.revision()
    broken = {k: v for k, v in _fact("third").items() if k != "answer"}
    with pytest.raises(FactRejected) as rejected:
        await bot.add_facts([_fact("first"), _fact("second", related=["first"]), broken], MOD)
    assert rejected.value.problems == ["runtime edit of 'third': [fact third] missing required field 'answer'"]
    assert bot.fact("first") is None and bot.fact("second") is None
    assert await rows(bot, "overlay") == [] and await bot.moderation.storage.revision() == before

    added = await bot.add_facts([_fact("first"), _fact("second", related=["first", "unesco-interpol-blocking"])], MOD)
    assert [f.id for f in added] == ["first", "second"]
    assert bot.fact("second").related == ["first", "unesco-interpol-blocking"]
    assert (await bot.ask("What is second?", ASK)).fact.id == "second"
    assert (await bot.moderation.storage.revision()).overlay == before.overlay + 1  # one change, seen once
    assert [(e.action, e.fact_id) for e in await bot.audit()] == [("add", "second"), ("add", "first")]


async def test_a_batch_names_its_duplicates_existing_ids_and_dangling_links(make_bot) -> None:
    bot = await make_bot()
    with pytest.raises(FactRejected) as rejected:
        await bot.add_facts(
            [_fact("twice"), _fact("twice"), _fact("unesco-interpol-blocking"), _fact("lost", related=["nowhere"])],
            MOD,
            labels=["new.yaml:2", "new.yaml:9", "new.yaml:16", "new.yaml:23"],
        )
    assert rejected.value.problems == [
        "new.yaml:9: fact 'twice' is in this batch twice (first as new.yaml:2)",
        "new.yaml:16: a fact with id 'unesco-interpol-blocking' already exists (edit it instead)",
        "new.yaml:23: related id 'nowhere' does not exist",
    ]
    assert await rows(bot, "overlay") == []


async def test_an_export_into_a_read_only_directory_says_so_and_returns_the_files(
    make_bot, knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from support.readonly import read_only

    bot = await make_bot()
    await bot.add_fact(NEW, MOD)
    before = {p.name: p.read_bytes() for p in knowledge_copy.glob("*.yaml")}
    with read_only(knowledge_copy, monkeypatch):
        result = await bot.export(actor=MOD)
    assert result.written == [] and result.not_written == f"the knowledge directory {knowledge_copy} is read-only for the bot"
    (name,) = result.files
    assert name == "overlay-international-organisations.yaml" and "id: kosovo-olympics" in result.files[name]
    assert {p.name: p.read_bytes() for p in knowledge_copy.glob("*.yaml")} == before
    assert (await bot.audit(limit=1))[0].detail == {"files": 1, "facts": 1, "written": False}
