"""Dashboard sign-in on both databases: one-time links and sessions work across instances."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.core.moderation import Actor
from bot.core.signin import LINK_LIFETIME, SIGNIN_PATH, DashboardAccess, DashboardNotConfigured
from bot.settings import Settings
from support.storage import rows

MOD = Actor(platform="discord", user="1234", name="curator")
URL = "https://factbot.example.org"


@pytest.fixture
def settings(bot_settings: Settings) -> Settings:
    bot_settings.dashboard.url = URL
    return bot_settings


def _token(url: str) -> str:
    assert url.startswith(URL + SIGNIN_PATH)
    return url.removeprefix(URL + SIGNIN_PATH)


async def test_a_link_minted_by_one_instance_signs_in_once_on_another(make_bot, settings: Settings) -> None:
    shell = await make_bot(background=False, settings=settings)
    dashboard = await make_bot(background=False, settings=settings)
    link = await shell.access.mint_link(MOD)
    assert dt.timedelta(minutes=9) < link.expires_at - dt.datetime.now(dt.UTC) <= LINK_LIFETIME
    token = _token(link.url)
    stored = await rows(shell, "signin_links")
    assert len(stored) == 1 and stored[0].token_hash != token and token not in repr(stored[0])

    session = await dashboard.access.redeem(token)
    assert session is not None
    assert (session.actor.platform, session.actor.user, session.actor.name) == ("dashboard", "discord:1234", "curator")
    assert await dashboard.access.redeem(token) is None, "a link works once"
    assert await shell.access.redeem(token) is None

    again = await shell.access.session(session.token)
    assert again is not None and again.actor == session.actor and again.csrf == session.csrf
    assert session.csrf != session.token and len(session.csrf) == 64
    await dashboard.access.sign_out(session)
    assert await shell.access.session(session.token) is None
    actions = [(e.action, e.actor_user) for e in await shell.audit()]
    assert actions == [("sign-out", "discord:1234"), ("sign-in", "discord:1234"), ("dashboard-link", "1234")]


async def test_expired_and_unknown_links_and_sessions_are_refused(make_bot, settings: Settings) -> None:
    bot = await make_bot(background=False, settings=settings)
    expired = await bot.access.mint_link(MOD, lifetime=dt.timedelta(seconds=-1))
    assert await bot.access.redeem(_token(expired.url)) is None
    assert await bot.access.redeem("not-a-token") is None
    assert await bot.access.session("not-a-session") is None and await bot.access.session("") is None

    short = DashboardAccess(bot.moderation.storage, URL, session_lifetime=dt.timedelta(seconds=-1))
    session = await short.redeem(_token((await short.mint_link(MOD)).url))
    assert session is not None and await bot.access.session(session.token) is None, "an expired session is refused"
    assert await bot.moderation.storage.purge_signins(dt.datetime.now(dt.UTC)) == 3
    assert await rows(bot, "signin_links") == [] and await rows(bot, "signin_sessions") == []


async def test_two_instances_redeeming_one_link_at_once_open_one_session(make_bot, settings: Settings) -> None:
    bots = [await make_bot(background=False, settings=settings) for _ in range(3)]
    token = _token((await bots[0].access.mint_link(MOD)).url)
    sessions = await asyncio.gather(*(bot.access.redeem(token) for bot in bots for _ in range(2)))
    assert sum(s is not None for s in sessions) == 1
    assert len(await rows(bots[0], "signin_sessions")) == 1


async def test_without_a_dashboard_address_no_link_is_made(make_bot, bot_settings: Settings) -> None:
    bot = await make_bot(background=False)
    with pytest.raises(DashboardNotConfigured, match="FACTBOT_DASHBOARD_PORT"):
        await bot.access.mint_link(MOD)
    assert await rows(bot, "signin_links") == []
