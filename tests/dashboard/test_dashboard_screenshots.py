"""Screenshots of the dashboard for the docs, from the shipped knowledge and a generated month of
questions: ``make screenshots`` (``pytest --screenshots=DIR``). Skipped otherwise, so a test run
never writes into the tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import expect

from bot.core.moderation import Actor
from dashboard_site import Site, sign_in
from support.question_log import generate

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(180)]

CURATOR = Actor("discord", "184405311681986560", "mira")
#: Long pages are shown from their top (a browser window's worth and a half).
TOP_OF_PAGE = {"x": 0, "y": 0, "width": 1200, "height": 1500}


@pytest.fixture(scope="module")
def target(request: pytest.FixtureRequest) -> Path:
    directory = request.config.getoption("--screenshots")
    if not directory:
        pytest.skip("screenshots are taken with --screenshots=DIR (make screenshots)")
    path = Path(directory).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


async def _seed(bot) -> None:
    records, feedback = generate(bot.state, 1500)
    await bot.moderation.storage.write_log(records, feedback)
    fact = bot.fact("unesco-interpol-blocking")
    await bot.edit_fact(fact.id, {"questions": [*fact.questions, "does china keep kosovo out of interpol?"]}, CURATOR)
    await bot.curation.dismiss(["Who won the 1998 World Cup?", "who won the world cup in 1998"], CURATOR)


async def test_screenshots(site: Site, page, target: Path) -> None:
    await site.core(_seed)
    await sign_in(page, await site.link("mira"))
    await page.goto(site.url + "/")
    first = page.locator("li.group").first
    await first.get_by_text("Teach to a fact").click()
    await page.screenshot(path=target / "dashboard-inbox.png", full_page=True, clip=TOP_OF_PAGE)

    await page.goto(site.url + "/facts/unesco-interpol-blocking")
    await expect(page.locator("ol.history li")).not_to_have_count(0)
    await page.screenshot(path=target / "dashboard-fact.png", full_page=True, clip=TOP_OF_PAGE)

    await page.goto(site.url + "/stats?days=30")
    await expect(page.locator("svg#chart-per-day rect.bar").first).to_be_visible()
    await page.screenshot(path=target / "dashboard-stats.png", full_page=True)

    await page.goto(site.url + "/try?q=What+is+Japan%27s+stance+on+Kosovo%3F")
    await page.screenshot(path=target / "dashboard-try.png", full_page=True, clip=TOP_OF_PAGE)

    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(site.url + "/")
    await page.screenshot(path=target / "dashboard-inbox-phone.png")
