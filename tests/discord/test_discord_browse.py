"""/topics, /fact and /help."""

from __future__ import annotations

import pytest
from discord_emulator import snowflake

from bot.adapters.discord.errors import NOT_MODERATOR

pytestmark = pytest.mark.asyncio


async def test_topics_lists_topics_and_the_select_leads_to_facts(start_bot):
    h = await start_bot()
    reply = await (await h.slash("topics")).reply()
    assert reply.ephemeral
    topics = list(h.factbot.topics())
    field_names = [f["name"] for f in reply.embed["fields"]]
    assert [name.rsplit(" (", 1)[0] for name in field_names] == topics

    menu = reply.component(lambda c: c.get("custom_id") == "factbot:topics")
    assert [o["value"] for o in menu["options"]] == topics
    topic_reply = await (
        await h.emulator.select(reply, "factbot:topics", ["China and Serbia"], member=h.world.member, guild=h.world.guild)
    ).reply()
    assert topic_reply.ephemeral and topic_reply.embed["title"] == "China and Serbia"
    facts = topic_reply.component(lambda c: c.get("custom_id") == "factbot:facts:topic")
    assert "serbia-strategic-partnership" in [o["value"] for o in facts["options"]]
    # Each option previews its fact with the fact's one-line summary.
    for option in facts["options"]:
        assert option["description"] == h.factbot.fact(option["value"]).summary

    fact_reply = await (
        await h.emulator.select(
            topic_reply, "factbot:facts:topic", ["serbia-strategic-partnership"], member=h.world.member, guild=h.world.guild
        )
    ).reply()
    assert fact_reply.embed["title"] == h.factbot.fact("serbia-strategic-partnership").title


async def test_fact_with_autocomplete(start_bot):
    h = await start_bot()
    choices = await (await h.slash("fact", {"id": "unesco"}, focused="id")).choices()
    assert choices and choices[0]["value"] == "unesco-interpol-blocking"
    assert len(choices) <= 25 and all(len(c["name"]) <= 100 for c in choices)

    by_title = await (await h.slash("fact", {"id": "precedent for taiwan"}, focused="id")).choices()
    assert by_title[0]["value"] == "separatism-precedent-taiwan"

    reply = await (await h.slash("fact", {"id": "unesco-interpol-blocking"})).reply()
    assert reply.embed["title"] == "China has blocked Kosovo's bids to join Interpol and UNESCO"
    assert any(f["name"] == "Source" for f in reply.embed["fields"])


async def test_unknown_fact_is_explained(start_bot):
    h = await start_bot()
    reply = await (await h.slash("fact", {"id": "not-a-fact"})).reply()
    assert reply.ephemeral and "/topics" in reply.content


async def test_help_shows_moderator_commands_only_to_moderators(start_bot):
    h = await start_bot()
    member = await (await h.slash("help")).reply()
    assert member.ephemeral and "/ask" in member.embed["description"]
    assert not member.embed.get("fields")
    moderator = await (await h.slash("help", member=h.world.moderator)).reply()
    assert "/kb reload" in moderator.text()


async def test_commands_work_in_direct_messages_except_kb(start_bot):
    h = await start_bot(factbot_discord_dev_guild=None)
    # Without a dev guild nothing is synced on start; publish globally as `factbot discord sync` would.
    from bot.adapters.discord.client import sync_commands

    await sync_commands(h.client, None)
    dm = {"member": h.world.admin, "guild": None, "channel_id": snowflake()}
    reply = await (await h.emulator.slash("fact", {"id": "unesco-interpol-blocking"}, **dm)).reply()
    assert reply.embed["title"] == "China has blocked Kosovo's bids to join Interpol and UNESCO"
    refused = await (await h.emulator.slash("kb reload", **dm)).reply()  # guild-only, and checked anyway
    assert refused.ephemeral and refused.content == NOT_MODERATOR
