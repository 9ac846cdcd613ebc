"""/kb: hidden from members, refused to them on the server, and working for moderators."""

from __future__ import annotations

import pytest
from discord_emulator import MODAL

from bot.adapters.discord.errors import NOT_MODERATOR
from support.knowledge import independent_facts

pytestmark = pytest.mark.asyncio

NEW_FACT = {
    "Id (lowercase-with-hyphens)": "kosovo-olympic-committee",
    "Title": "China and Kosovo's Olympic Committee",
    "Answer": "The International Olympic Committee recognised Kosovo's Olympic Committee in 2014.",
    "Questions (one per line)": "Is Kosovo in the Olympics?\nWhen did the IOC recognise Kosovo?",
    "Sources": "Test Gazette | Kosovo at the Games | Sport | https://example.org/kosovo-ioc",
}


async def test_kb_is_hidden_by_default_permissions_and_guild_only(start_bot):
    h = await start_bot()
    kb = h.emulator._command("kb", h.world.guild)
    assert kb["default_member_permissions"] == str(1 << 5)  # Manage Server
    assert kb.get("contexts") == [0] or kb.get("dm_permission") is False
    names = {o["name"] for o in kb["options"]}
    assert names == {"reload", "stats", "unanswered", "add", "edit", "hide", "unhide", "export", "dashboard"}
    assert not h.emulator.global_commands, "commands are never synced globally on start"


@pytest.mark.parametrize(
    ("command", "options"),
    [("kb reload", {}), ("kb stats", {}), ("kb hide", {"id": "china-stance-on-kosovo"}), ("kb add", {"topic": "x"})],
)
async def test_member_invoking_kb_anyway_gets_a_clear_private_refusal(start_bot, command, options):
    h = await start_bot()
    reply = await (await h.slash(command, options, member=h.world.member)).reply()
    assert reply.ephemeral
    assert reply.content == NOT_MODERATOR
    assert h.factbot.fact("china-stance-on-kosovo").hidden is False


async def test_member_gets_no_fact_ids_from_moderator_autocomplete(start_bot):
    h = await start_bot()
    member = await h.slash("kb hide", {"id": "china"}, member=h.world.member, focused="id")
    assert await member.choices() == []
    moderator = await h.slash("kb hide", {"id": "china"}, member=h.world.moderator, focused="id")
    assert any(c["value"] == "china-stance-on-kosovo" for c in await moderator.choices())


async def test_moderator_role_can_reload(start_bot):
    h = await start_bot()
    reply = await (await h.slash("kb reload", member=h.world.moderator)).reply()
    assert reply.ephemeral
    assert reply.content == f"Reloaded: {len(h.factbot.knowledge.facts)} facts."


async def test_reload_that_would_drop_most_facts_is_refused_unless_forced(start_bot, knowledge_dir):
    independent_facts(knowledge_dir, {"kept": 2, "lost": 6})
    h = await start_bot()
    (knowledge_dir / "lost.yaml").unlink()
    refused = await (await h.slash("kb reload", member=h.world.moderator)).reply()
    assert refused.ephemeral
    assert refused.content.startswith("Not reloaded: the knowledge files now hold only 2 of the 8 facts being served")
    assert "The previous knowledge is still in use." in refused.content and "`/kb reload force:True`" in refused.content
    assert len(h.factbot.knowledge.facts) == 8
    forced = await (await h.slash("kb reload", {"force": True}, member=h.world.moderator)).reply()
    assert forced.content == "Reloaded: 2 facts."


async def test_manage_server_can_see_stats_and_unanswered(start_bot):
    h = await start_bot()
    await (await h.slash("ask", {"question": "who won the 1998 world cup?"})).reply()
    await (await h.slash("ask", {"question": "does china recognize kosovo?"}, member=h.world.other)).reply()
    await h.factbot.flush_logs()

    stats = await (await h.slash("kb stats", {"days": 7}, member=h.world.admin)).reply()
    assert stats.ephemeral
    assert "Questions: 2" in stats.embed["description"]

    unanswered = await (await h.slash("kb unanswered", member=h.world.admin)).reply()
    assert "who won the 1998 world cup" in unanswered.embed["description"].casefold()


async def test_add_fact_through_the_modal_then_ask_finds_it(start_bot):
    h = await start_bot()
    started = await h.slash("kb add", {"topic": "International organisations"}, member=h.world.moderator)
    modal = await started.modal()
    assert len(modal["components"]) <= 5 and len(modal["title"]) <= 45

    submitted = await h.emulator.submit_modal(
        modal, NEW_FACT, member=h.world.moderator, guild=h.world.guild, channel_id=h.world.general
    )
    reply = await submitted.reply()
    assert reply.ephemeral
    assert "Added fact `kosovo-olympic-committee`" in reply.content

    answer = await (await h.slash("ask", {"question": "is kosovo in the olympics?"})).reply()
    assert answer.embed["title"] == "China and Kosovo's Olympic Committee"
    assert "Test Gazette" in answer.text()


async def test_invalid_fact_from_the_modal_is_rejected_with_every_problem(start_bot):
    h = await start_bot()
    modal = await (await h.slash("kb add", {"topic": "Geopolitics"}, member=h.world.moderator)).modal()
    bad = {**NEW_FACT, "Id (lowercase-with-hyphens)": "Not An Id!", "Sources": "Only a publisher"}
    submitted = await h.emulator.submit_modal(
        modal, bad, member=h.world.moderator, guild=h.world.guild, channel_id=h.world.general
    )
    reply = await submitted.reply()
    assert reply.ephemeral
    assert "not saved" in reply.content
    assert "id" in reply.content and "article" in reply.content
    assert h.factbot.fact("Not An Id!") is None


async def test_edit_fact_modal_is_prefilled_and_changes_what_was_changed(start_bot):
    h = await start_bot()
    modal = await (await h.slash("kb edit", {"id": "chinese-mission-pristina"}, member=h.world.moderator)).modal()
    inputs = {c["label"]: c for row in modal["components"] for c in row.get("components", [row.get("component")])}
    assert inputs["Title"]["value"] == "The Chinese mission in Pristina has five employees"
    assert "The Western Balkans" in inputs["Sources"]["value"]

    reply = await (
        await h.emulator.submit_modal(
            modal, {"Title": "China's small office in Pristina"}, member=h.world.moderator,
            guild=h.world.guild, channel_id=h.world.general,
        )
    ).reply()
    assert "Updated fact `chinese-mission-pristina`" in reply.content
    fact = h.factbot.fact("chinese-mission-pristina")
    assert fact.title == "China's small office in Pristina"
    assert fact.sources[0].publisher == "The Western Balkans"  # untouched fields stay as they were


async def test_edit_of_an_unknown_fact_says_so(start_bot):
    h = await start_bot()
    reply = await (await h.slash("kb edit", {"id": "no-such-fact"}, member=h.world.moderator)).reply()
    assert reply.ephemeral and "No fact with id" in reply.content


async def test_hide_and_unhide(start_bot):
    h = await start_bot()
    question = "Does China have a mission in Pristina?"
    before = await (await h.slash("ask", {"question": question})).reply()
    assert before.embed["title"] == "The Chinese mission in Pristina has five employees"

    hidden = await (await h.slash("kb hide", {"id": "chinese-mission-pristina"}, member=h.world.admin)).reply()
    assert "hidden from members" in hidden.content
    after = await (await h.slash("ask", {"question": question}, member=h.world.other)).reply()
    assert after.embed.get("title") != before.embed["title"]
    shown = await (await h.slash("fact", {"id": "chinese-mission-pristina"})).reply()
    assert "no longer" in shown.content

    await (await h.slash("kb unhide", {"id": "chinese-mission-pristina"}, member=h.world.admin)).reply()
    again = await (await h.slash("ask", {"question": question}, member=h.world.moderator)).reply()
    assert again.embed["title"] == before.embed["title"]


async def test_refused_moderation_shows_the_core_reason(start_bot):
    h = await start_bot()
    reply = await (await h.slash("kb hide", {"id": "no-such-fact"}, member=h.world.admin)).reply()
    assert reply.ephemeral
    assert "no-such-fact" in reply.content


async def test_export_attaches_the_written_files(start_bot, tmp_path):
    h = await start_bot()
    modal = await (await h.slash("kb add", {"topic": "Geopolitics"}, member=h.world.moderator)).modal()
    await (
        await h.emulator.submit_modal(modal, NEW_FACT, member=h.world.moderator, guild=h.world.guild, channel_id=h.world.general)
    ).reply()
    reply = await (await h.slash("kb export", member=h.world.moderator)).reply()
    assert reply.ephemeral and reply.content.startswith("Exported")
    assert reply.files, "the exported files are attached"
    assert any(b"kosovo-olympic-committee" in data for _, data in reply.files)


async def test_export_into_a_read_only_directory_says_so_and_attaches_the_files(start_bot, knowledge_dir, monkeypatch):
    from support.readonly import read_only

    h = await start_bot()
    modal = await (await h.slash("kb add", {"topic": "Geopolitics"}, member=h.world.moderator)).modal()
    await (
        await h.emulator.submit_modal(modal, NEW_FACT, member=h.world.moderator, guild=h.world.guild, channel_id=h.world.general)
    ).reply()
    with read_only(knowledge_dir, monkeypatch):
        reply = await (await h.slash("kb export", member=h.world.moderator)).reply()
    assert reply.ephemeral
    assert reply.content.startswith(
        f"Not written on the bot's host: the knowledge directory {knowledge_dir} is read-only for the bot. "
        "Here is the 1 file with the runtime edits: review and commit it to the knowledge files."
    )
    assert "Sorry" not in reply.content
    ((name, data),) = reply.files
    assert name == "overlay-geopolitics.yaml" and b"id: kosovo-olympic-committee" in data


async def test_modal_is_the_first_response(start_bot):
    h = await start_bot()
    started = await h.slash("kb add", {"topic": "Geopolitics"}, member=h.world.admin)
    assert await started.callback_type() == MODAL


async def test_a_member_submitting_a_moderators_form_is_refused_and_the_form_stays_open(start_bot):
    h = await start_bot()
    modal = await (await h.slash("kb add", {"topic": "Geopolitics"}, member=h.world.moderator)).modal()
    forged = await h.emulator.submit_modal(
        modal, NEW_FACT, member=h.world.member, guild=h.world.guild, channel_id=h.world.general
    )
    refusal = await forged.reply()
    assert refusal.ephemeral and refusal.content == NOT_MODERATOR
    assert h.factbot.fact("kosovo-olympic-committee") is None

    done = await (
        await h.emulator.submit_modal(modal, NEW_FACT, member=h.world.moderator, guild=h.world.guild, channel_id=h.world.general)
    ).reply()
    assert "Added fact `kosovo-olympic-committee`" in done.content


async def test_a_curator_who_lost_the_role_cannot_submit_the_edit_form(start_bot):
    h = await start_bot()
    modal = await (await h.slash("kb edit", {"id": "chinese-mission-pristina"}, member=h.world.moderator)).modal()
    h.world.moderator.roles.clear()  # the role was taken away while the form was open
    refusal = await (
        await h.emulator.submit_modal(
            modal, {"Title": "Edited after losing the role"}, member=h.world.moderator,
            guild=h.world.guild, channel_id=h.world.general,
        )
    ).reply()
    assert refusal.ephemeral and refusal.content == NOT_MODERATOR
    assert h.factbot.fact("chinese-mission-pristina").title == "The Chinese mission in Pristina has five employees"


async def test_dashboard_gives_a_moderator_a_private_one_time_link_and_a_member_none(start_bot):
    from support.storage import rows

    h = await start_bot()
    h.factbot.access.base_url = "https://dashboard.example.org"
    refused = await (await h.slash("kb dashboard", member=h.world.member)).reply()
    assert refused.ephemeral and refused.content == NOT_MODERATOR
    assert await rows(h.factbot, "signin_links") == []

    reply = await (await h.slash("kb dashboard", member=h.world.moderator)).reply()
    assert reply.ephemeral and "works once" in reply.content
    [url] = [word for word in reply.content.split() if word.startswith("https://")]
    assert url.startswith("https://dashboard.example.org/signin/")
    session = await h.factbot.access.redeem(url.rsplit("/", 1)[1])
    assert session is not None and session.actor.user == f"discord:{h.world.moderator.user.id}"
    assert session.actor.name == "curator"
    assert await h.factbot.access.redeem(url.rsplit("/", 1)[1]) is None, "a link works once"
