"""A running dashboard for the tests: a real ``factbot dashboard`` process on its own SQLite database
and copy of the knowledge, and the commands around it (``factbot chat``, ``ask``, ``kb dashboard-link``)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.app import create_bot
from bot.core.moderation import Actor
from bot.core.service import FactBot
from bot.settings import Settings

T = TypeVar("T")
STARTUP_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclasses.dataclass
class Site:
    """A running dashboard and the directories its processes share."""

    root: Path
    knowledge: Path
    data: Path
    port: int
    process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self, **extra: str) -> dict[str, str]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "FACTBOT_"))}
        environment.pop("DATABASE_URL", None)
        environment.update(
            FACTBOT_DATA_DIR=str(self.data),
            FACTBOT_KNOWLEDGE_DIR=str(self.knowledge),
            FACTBOT_DASHBOARD_PORT=str(self.port),
            FACTBOT_ACTOR="operator",
        )
        if "FACTBOT_SEMANTIC_CACHE_DIR" in os.environ:  # the suite's warm embeddings (see conftest)
            environment["FACTBOT_SEMANTIC_CACHE_DIR"] = os.environ["FACTBOT_SEMANTIC_CACHE_DIR"]
        environment.update(extra)
        return environment

    def run(self, *args: str, stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run one ``factbot`` command on this site's database and knowledge (blocking)."""
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.environment(),
            timeout=timeout,
        )

    async def factbot(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """The same, without blocking the event loop the browser talks over."""
        return await asyncio.to_thread(self.run, *args, stdin=stdin)

    async def chat(self, *questions: str) -> str:
        """Ask questions through the console chat, as a member at the console would; its output."""
        result = await self.factbot("chat", stdin="".join(q + "\n" for q in questions))
        assert result.returncode == 0, result.stderr
        return result.stdout

    async def ask(self, question: str) -> dict[str, Any]:
        result = await self.factbot("ask", "--json", question)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    async def mint(self, name: str = "Ana") -> str:
        """A sign-in link from ``factbot kb dashboard-link`` (a process of its own, as in a shell)."""
        result = await self.factbot("kb", "--as", name, "dashboard-link")
        assert result.returncode == 0, result.stderr
        link = result.stdout.strip()
        assert link.startswith(f"{self.url}/signin/"), link
        return link

    async def link(self, name: str = "Ana") -> str:
        """A sign-in link made in this process (quicker than a command; the first tests use the command)."""
        minted = await self.core(lambda bot: bot.access.mint_link(Actor("cli", "operator", name)))
        return minted.url

    def settings(self) -> Settings:
        settings = Settings(env_file=self.root / "no.env")
        settings.database.database_url = None
        settings.database.factbot_data_dir = self.data
        settings.database.factbot_user_hash_key = None
        settings.knowledge.knowledge_dir = self.knowledge
        settings.dashboard.port = self.port
        return settings

    async def core(self, work: Callable[[FactBot], Awaitable[T]]) -> T:
        """Run ``work`` on a bot of this site in this process (for what no command offers)."""
        bot = await create_bot(self.settings(), background=False)
        try:
            return await work(bot)
        finally:
            await bot.close()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "dashboard"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.environment(FACTBOT_LOG_LEVEL="WARNING"),
        )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"factbot dashboard exited: {self.process.stdout.read()}")
            try:
                with urllib.request.urlopen(f"{self.url}/signin", timeout=2):
                    pass
            except urllib.error.HTTPError as exc:
                if exc.code == 401:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("factbot dashboard did not start")

    def stop(self) -> str:
        if self.process is None:
            return ""
        self.process.terminate()
        try:
            output, _ = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        return output


async def sign_in(page: Any, link: str) -> None:
    from playwright.async_api import expect

    await page.goto(link)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
