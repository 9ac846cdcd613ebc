"""Fixtures of the Slack tests: a loopback Slack, the real app served on 127.0.0.1, signed requests."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.adapters.slack.app import build_app
from bot.adapters.slack.server import SlackHttpServer, SlackSocketMode, slack_runner
from bot.app import build_bot
from bot.core.service import FactBot
from bot.settings import DatabaseSettings, Settings
from block_kit import check_message, check_view
from mock_slack import APP_TOKEN, MockSlack
from signed_requests import SIGNING_SECRET, SlackSender, slack_settings

KNOWLEDGE = Path(__file__).parent / "knowledge"


@pytest.fixture(autouse=True)
def _no_slack_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """bolt reads tokens and secrets from the environment; the tests give them explicitly."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def slack() -> AsyncIterator[MockSlack]:
    """The loopback Slack; afterwards, every message and modal the app sent is checked against Block Kit's limits."""
    mock = MockSlack()
    await mock.start()
    yield mock
    await mock.stop()
    for call in mock.calls:
        if call.method == "views.open":
            check_view(call["view"])
        elif "blocks" in call.params:
            check_message(call.blocks)


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, directory)
    return directory


@pytest.fixture
async def factbot(knowledge_dir: Path, tmp_path: Path) -> AsyncIterator[FactBot]:
    """The bot as ``factbot run`` builds it, with its question log and edits in a SQLite file of its own."""
    settings = Settings(env_file=tmp_path / "no.env")
    settings.database = DatabaseSettings(_env_file=None, database_url=None, factbot_data_dir=tmp_path / "data")
    bot = build_bot(settings, knowledge_dir=knowledge_dir)
    await bot.start()
    yield bot
    await bot.close()


@pytest.fixture
async def server(slack: MockSlack, factbot: FactBot) -> AsyncIterator[SlackHttpServer]:
    settings = slack_settings(slack)
    http = SlackHttpServer(
        build_app(factbot, settings), SIGNING_SECRET, settings.factbot_slack_host, settings.factbot_slack_port
    )
    await http.start()
    [check] = slack.calls  # the token check of the start (auth.test): the tests look at what requests cause
    assert check.method == "auth.test"
    slack.calls.clear()
    yield http
    await http.stop()


@pytest.fixture
async def sender(server: SlackHttpServer, slack: MockSlack) -> AsyncIterator[SlackSender]:
    async with aiohttp.ClientSession() as session:
        yield SlackSender(server.url, slack, session)


@pytest.fixture
async def socket_mode(slack: MockSlack, factbot: FactBot) -> AsyncIterator[SlackSocketMode]:
    """The app connected to the loopback Slack over Socket Mode."""
    runner = slack_runner(factbot, slack_settings(slack, slack_app_token=APP_TOKEN, slack_signing_secret=None))
    assert isinstance(runner, SlackSocketMode)
    await runner.start()
    await slack.wait_connected()
    yield runner
    await runner.stop()
