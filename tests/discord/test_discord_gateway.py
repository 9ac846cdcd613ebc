"""Operation: resuming a dropped gateway connection, shards, command sync, auto-answer channels, errors."""

from __future__ import annotations

import logging

import pytest

from bot.adapters.discord.errors import APOLOGY

pytestmark = pytest.mark.asyncio

QUESTION = "Does China recognise Kosovo?"
TITLE = "China does not recognise Kosovo's independence"


async def test_dropped_connection_is_resumed_without_losing_the_next_question(start_bot):
    h = await start_bot()
    emulator = h.emulator
    assert len(emulator.identifies) == 1
    session = emulator.session_for_guild(h.world.guild.id)

    await emulator.drop_connection(h.world.guild.id)
    # The member asks while the bot is disconnected: the event waits in the session for the RESUME.
    message = await emulator.send_message(QUESTION, author=h.world.member, guild=None)
    reply = await emulator.reply_to(message)

    assert reply.embed["title"] == TITLE
    assert len(emulator.resumes) == 1 and emulator.resumes[0]["session_id"] == session.id
    assert emulator.resumes[0]["replayed"] == 1  # exactly the question, nothing lost or repeated
    assert len(emulator.identifies) == 1  # resumed, not a new session

    interaction = await h.slash("ask", {"question": QUESTION})  # and the resumed session goes on working
    assert (await interaction.reply()).embed["title"] == TITLE


async def test_a_process_runs_only_its_configured_shards(start_bot):
    h = await start_bot(shard_count=2, factbot_discord_shard_count=2, factbot_discord_shard_ids=[1])
    [identify] = h.emulator.identifies
    assert identify["shard"] == [1, 2]
    assert h.client.shard_ids == [1]
    guild_shard = (h.world.guild.id >> 22) % 2
    assert (h.client.get_guild(h.world.guild.id) is not None) == (guild_shard == 1)


async def test_the_bot_asks_discord_for_shards_and_gateway_when_not_configured(start_bot):
    h = await start_bot(shard_count=2)
    assert sorted(i["shard"][0] for i in h.emulator.identifies) == [0, 1]
    assert h.client.shard_count == 2
    assert any(c.path == "/gateway/bot" for c in h.emulator.calls)
    interaction = await h.slash("ask", {"question": QUESTION})  # reaches the guild's shard
    assert (await interaction.reply()).embed["title"] == TITLE


async def test_commands_are_synced_to_the_dev_guild_only(start_bot):
    h = await start_bot()
    syncs = [c for c in h.emulator.calls if c.method == "PUT" and c.path.endswith("/commands")]
    assert [c.path for c in syncs] == [f"/applications/{h.emulator.application_id}/guilds/{h.world.guild.id}/commands"]
    names = sorted(c["name"] for c in syncs[0].body)
    assert names == ["ask", "fact", "help", "kb", "topics"]


async def test_no_sync_at_all_on_start_without_a_dev_guild(start_bot):
    h = await start_bot(factbot_discord_dev_guild=None)
    assert not [c for c in h.emulator.calls if c.method == "PUT"]


async def test_privileged_message_content_intent_only_with_auto_answer_channels(start_bot):
    message_content = 1 << 15
    plain = await start_bot()
    assert not plain.emulator.identifies[0]["intents"] & message_content
    assert not plain.emulator.identifies[0]["intents"] & (1 << 1)  # nor the members intent
    auto = await start_bot(factbot_discord_auto_channels=[0])
    assert auto.emulator.identifies[0]["intents"] & message_content


async def test_auto_answer_channel_answers_confident_questions_with_a_channel_cooldown(start_bot):
    h = await start_bot(factbot_discord_auto_channels=lambda world: [world.auto], factbot_discord_auto_cooldown=60)
    emulator, world = h.emulator, h.world

    chatter = await emulator.send_message("lol see you all tomorrow", author=world.member, guild=world.guild, channel_id=world.auto)
    confident = await emulator.send_message(QUESTION, author=world.member, guild=world.guild, channel_id=world.auto)
    reply = await emulator.reply_to(confident)
    assert reply.embed["title"] == TITLE
    assert not emulator.replies_to(chatter)

    cooled = await emulator.send_message(
        "Does China block Kosovo in UNESCO?", author=world.other, guild=world.guild, channel_id=world.auto
    )
    elsewhere = await emulator.send_message(QUESTION, author=world.other, guild=world.guild, channel_id=world.general)
    # A later DM is answered; events are handled in order, so by then the cooled-down one was skipped.
    barrier = await emulator.send_message(QUESTION, author=world.other, guild=None)
    await emulator.reply_to(barrier)
    assert not emulator.replies_to(cooled)
    assert not emulator.replies_to(elsewhere)  # not an auto-answer channel, not a mention


async def test_unexpected_error_gives_a_short_apology_and_logs_the_traceback(start_bot, caplog, monkeypatch):
    h = await start_bot()

    async def broken(question, context):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(h.factbot, "ask", broken)
    with caplog.at_level(logging.ERROR, logger="bot.adapters.discord"):
        reply = await (await h.slash("ask", {"question": QUESTION})).reply()
        assert reply.ephemeral and reply.content == APOLOGY
        message = await h.emulator.send_message(QUESTION, author=h.world.member, guild=None)
        assert (await h.emulator.reply_to(message)).content == APOLOGY
    tracebacks = [r for r in caplog.records if r.exc_info and "database on fire" in str(r.exc_info[1])]
    assert len(tracebacks) == 2
