"""Rate limits the bot keeps: member and channel cooldowns, Discord's identify buckets."""

from __future__ import annotations

import asyncio

from bot.adapters.discord import client as client_module
from bot.adapters.discord._cooldown import Cooldowns
from bot.adapters.discord.client import FactBotClient
from bot.core.service import FactBot
from bot.settings import DEFAULT_KNOWLEDGE_DIR, DiscordSettings


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_cooldown_allows_one_use_per_period_per_key():
    clock = FakeClock()
    cooldowns = Cooldowns(5.0, clock)
    assert cooldowns.hit("ana") == 0
    assert cooldowns.hit("bojan") == 0
    clock.now += 2
    assert cooldowns.hit("ana") == 3.0  # refused: nothing recorded
    clock.now += 3
    assert cooldowns.hit("ana") == 0


def test_zero_cooldown_never_refuses():
    cooldowns = Cooldowns(0.0, FakeClock())
    assert [cooldowns.hit(1) for _ in range(3)] == [0, 0, 0]


async def test_identify_waits_only_within_a_concurrency_bucket(monkeypatch):
    monkeypatch.setattr(client_module, "IDENTIFY_INTERVAL", 0.3)
    client = FactBotClient(FactBot(DEFAULT_KNOWLEDGE_DIR), DiscordSettings(_env_file=None))
    client._max_concurrency = 2
    loop = asyncio.get_running_loop()

    started = loop.time()
    await client.before_identify_hook(0, initial=True)
    await client.before_identify_hook(1)  # another bucket: at once
    assert loop.time() - started < 0.2
    await client.before_identify_hook(2)  # bucket 0 again: waits for Discord's interval
    assert loop.time() - started >= 0.29
