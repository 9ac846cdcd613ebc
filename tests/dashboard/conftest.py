"""The dashboard as moderators use it: a real ``factbot dashboard`` process, questions asked through a
real ``factbot chat``, links minted by ``factbot kb dashboard-link``, and Debian's Chromium.

One browser serves the whole session (Playwright's async API on the session's event loop: the tests
here run on that loop, ``loop_scope="session"``); one dashboard process, with its own SQLite
database and copy of the knowledge, serves each test module (see ``dashboard_site.py``).
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio

from bot.settings import DEFAULT_KNOWLEDGE_DIR
from dashboard_site import Site, free_port
from support.browser import CHROMIUM_FLAGS, IN_CI, BrowserUnavailable, chromium


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, warm_embeddings: None) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("dashboard")
    knowledge = root / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, knowledge)
    running = Site(root, knowledge, root / "data", free_port())
    running.start()
    yield running
    output = running.stop()
    assert running.process is not None and running.process.returncode == 0, output
    assert "Traceback" not in output, output


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Any]:
    """One headless Chromium for every dashboard test."""
    try:
        executable = chromium()
    except BrowserUnavailable as exc:
        if IN_CI:
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_FLAGS, headless=True)
        yield launched
        await launched.close()


#: Console messages that are not the page's fault: the browser reports refused requests (401, 403),
#: which several tests make on purpose.
_EXPECTED_CONSOLE = ("Failed to load resource",)


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Any) -> AsyncIterator[Any]:
    """A fresh browser context (no cookies) and page; fails the test on any script error or refused
    script or style (a Content-Security-Policy violation) on the page."""
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text)
        if message.type == "error" and not message.text.startswith(_EXPECTED_CONSOLE)
        else None,
    )
    yield page
    await context.close()
    assert not errors, errors
