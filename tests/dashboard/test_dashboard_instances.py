"""The dashboard on each database, without a browser: an edit saved there reaches the other running
instances (NOTIFY on PostgreSQL, polling on SQLite), and a sign-in works on any instance."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.adapters.dashboard.app import DashboardServer
from bot.app import create_bot
from bot.core.factform import EDIT_FIELD_NAMES, form_values
from bot.core.moderation import Actor
from bot.core.service import AskContext, FactBot
from bot.settings import DashboardSettings, Settings
from support.storage import eventually

QUESTION = "does the dragon guard the balkans"
MOD = Actor("slack", "U0MOD", "mod")


@pytest.fixture
async def bots(bot_settings: Settings) -> AsyncIterator[list[FactBot]]:
    started = [await create_bot(bot_settings) for _ in range(2)]
    yield started
    for bot in started:
        await bot.close()


async def test_an_edit_saved_on_the_dashboard_reaches_another_instance(bots: list[FactBot], database_url: str) -> None:
    serving, other = bots
    server = await DashboardServer(serving, DashboardSettings(_env_file=None, host="127.0.0.1", port=0)).start()
    try:
        other.access.base_url = server.url  # as FACTBOT_DASHBOARD_URL would say
        link = await other.access.mint_link(MOD)  # minted by one instance, used on another
        token = link.url.rsplit("/", 1)[1]
        async with aiohttp.ClientSession(base_url=server.url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            async with http.post("/signin", data={"token": token}, allow_redirects=False) as response:
                assert response.status == 303
            async with http.get("/facts/state-media-kosovo") as response:
                page = await response.text()
            csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page).group(1)
            fact = serving.fact("state-media-kosovo")
            texts = {k: v for k, v in form_values(fact).items() if k in EDIT_FIELD_NAMES}
            texts["questions"] += "\n" + QUESTION
            form = {**texts, "csrf": csrf, "fact_id": fact.id, "action": "save", "digest": ""}
            async with http.post(f"/facts/{fact.id}", data=form) as response:
                preview = await response.text()
            assert "Newly answered" not in preview  # nobody asked it yet: the impact is empty
            assert "No question would get another answer" in preview
            digest = re.search(r'name="digest" value="([0-9a-f]{32})"', preview).group(1)
            async with http.post(f"/facts/{fact.id}", data={**form, "digest": digest}, allow_redirects=False) as saved:
                assert saved.status == 303 and saved.headers["Location"] == f"/facts/{fact.id}?done=saved"

        async def answered() -> bool:
            answer = await other.ask(QUESTION, AskContext(platform="discord", community="g", user="1"))
            return answer.fact is not None and answer.fact.id == "state-media-kosovo"

        await eventually(answered, 1.0 if database_url.startswith("postgresql") else 3.0)
        [entry, *_] = await other.audit(limit=5, fact_id="state-media-kosovo")
        assert (entry.action, entry.actor_platform, entry.actor_user) == ("edit", "dashboard", "slack:U0MOD")
    finally:
        await server.stop()
