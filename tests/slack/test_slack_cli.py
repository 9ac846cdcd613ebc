"""``factbot run`` starts Slack when ``SLACK_BOT_TOKEN`` is set: the real program, as a separate process."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.adapters.slack.server import SlackConfigError, check_slack_settings
from bot.cli import main
from bot.settings import PROJECT_ROOT
from mock_slack import APP_TOKEN, BOT_TOKEN, MockSlack
from signed_requests import SIGNING_SECRET, SlackSender, slack_settings

STARTUP_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_run_refuses_a_slack_configuration_that_cannot_work(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xoxb-a-bot-token-by-mistake")
    assert main(["run"]) == 2
    assert "SLACK_APP_TOKEN must be an app-level token (xapp-…)" in capsys.readouterr().err


def test_slack_needs_a_way_in(slack: MockSlack) -> None:
    with pytest.raises(SlackConfigError, match="Set SLACK_APP_TOKEN to use Socket Mode, or SLACK_SIGNING_SECRET"):
        check_slack_settings(slack_settings(slack, slack_signing_secret=None))
    assert check_slack_settings(slack_settings(slack)) == "http"
    assert check_slack_settings(slack_settings(slack, slack_app_token=APP_TOKEN)) == "socket"


@pytest.mark.skipif((PROJECT_ROOT / ".env").exists(), reason="the checkout's .env would configure the bot under test")


async def test_factbot_run_serves_slack_over_http(slack: MockSlack, knowledge_dir: Path, tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "FACTBOT_", "DATABASE_URL"))},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "FACTBOT_SLACK_API_URL": slack.api_url.removesuffix("/"),  # the trailing slash is added when missing
        "FACTBOT_SLACK_HOST": "127.0.0.1",
        "FACTBOT_SLACK_PORT": str(port),
        "FACTBOT_DATA_DIR": str(tmp_path / "data"),
        "FACTBOT_SEMANTIC_CACHE_DIR": os.environ.get("FACTBOT_SEMANTIC_CACHE_DIR", str(tmp_path / "embeddings")),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--knowledge", str(knowledge_dir), "run",
        env=env, cwd=tmp_path, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with aiohttp.ClientSession() as session:
            await _wait_healthy(session, f"http://127.0.0.1:{port}/healthz", process)
            sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", slack, session)
            reply, _ = await sender.command("/ask", "opening hours")
            assert reply.status == 200
            [answer] = await slack.wait_for("response_url", timeout=10)
            assert "The library is open 9:00–18:00, Monday to Saturday" in answer.text()
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), 15)
    log = stderr.decode()
    assert "Traceback" not in log, log
    assert "will be unused" not in log  # bolt's misleading notice about SLACK_BOT_TOKEN is filtered
    # At the default level, one line says where the bot listens and which workspace it serves.
    [line] = [line for line in log.splitlines() if line.strip()]
    assert line.endswith(
        f"Slack HTTP mode: listening on http://127.0.0.1:{port}/slack/events "
        "for workspace Library (T0LIBRARY) as @factbot"
    ), log


async def _wait_healthy(session: aiohttp.ClientSession, url: str, process: asyncio.subprocess.Process) -> None:
    """Poll the health endpoint until the process serves it (the process cannot tell us otherwise)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_TIMEOUT
    while True:
        assert process.returncode is None, "factbot run exited before serving Slack"
        try:
            async with session.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        assert loop.time() < deadline, "factbot run did not start serving Slack in time"
        await asyncio.sleep(0.05)
