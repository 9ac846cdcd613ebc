"""The moderators' dashboard end to end in Chromium: sign-in, inbox, teach, new fact, edit, charts,
and what must fail (reused or expired links, missing CSRF tokens, script in members' questions)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.async_api import expect

from bot.core.moderation import Actor
from dashboard_site import Site, sign_in

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(120)]

NETIZENS = ("do weibo users care about kosovo", "Do Weibo users care about Kosovo?")
IOC = ("when did kosovo join the ioc", "When did Kosovo join the IOC?")
SCRIPT = "<script>window.__injected = 1; alert('script')</script>"
IMAGE = '"><img src=x onerror="window.__injected = 2; alert(\'image\')">'
ANSWERED = ("Has China blocked Kosovo from joining UNESCO?", "china kosovo interpol", "geng shuang")


@pytest.fixture(scope="module")
def asked(site: Site) -> str:
    """Members' questions, asked through a real console chat process before the dashboard is opened."""
    result = site.run("chat", stdin="".join(q + "\n" for q in (*NETIZENS, *IOC, SCRIPT, IMAGE, *ANSWERED)))
    assert result.returncode == 0, result.stderr
    return result.stdout


def _group(page, question: str):
    return page.locator("li.group").filter(has=page.get_by_role("heading", name=question, exact=True))


async def test_a_minted_link_signs_in_once_with_a_strict_cookie_and_sign_out_ends_it(site: Site, page, browser) -> None:
    link = await site.mint("Ana")
    await sign_in(page, link)
    [cookie] = await page.context.cookies()
    assert cookie["name"] == "factbot-session" and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["secure"] is False  # http://127.0.0.1; Secure (and __Host-) when the public URL is https
    assert 0 < cookie["expires"] - dt.datetime.now().timestamp() <= 8 * 3600 + 5
    await expect(page.locator(".signout .who")).to_have_text("Ana")

    other = await browser.new_context()
    reused = await other.new_page()
    await reused.goto(link)
    response_status = []
    reused.on("response", lambda r: response_status.append(r.status) if r.url.endswith("/signin") else None)
    await reused.get_by_role("button", name="Sign in").click()
    await expect(reused.get_by_role("heading", level=1)).to_have_text("This sign-in link does not work")
    assert 403 in response_status
    await reused.goto(site.url + "/")
    await expect(reused.get_by_role("heading", level=1)).to_have_text("Please sign in")
    await other.close()

    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Signed out")
    assert await page.context.cookies() == []
    await page.goto(site.url + "/facts")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Please sign in")


async def test_an_expired_link_is_refused(site: Site, page) -> None:
    expired = await site.core(
        lambda bot: bot.access.mint_link(Actor("cli", "operator"), lifetime=dt.timedelta(seconds=-1))
    )
    await page.goto(expired.url)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("This sign-in link does not work")
    await expect(page.get_by_role("alert")).to_contain_text("expired")


async def test_console_questions_are_taught_after_a_preview_and_factbot_ask_then_answers(
    site: Site, page, asked: str
) -> None:
    assert (await site.ask(NETIZENS[0]))["answered"] is False
    await sign_in(page, await site.mint("Ana"))
    group = _group(page, NETIZENS[1])
    await expect(group).to_have_count(1)
    await expect(group.locator(".meta")).to_contain_text("2×")
    await expect(group.locator(".meta")).to_contain_text("console")
    await expect(group.locator(".wordings li")).to_have_text([NETIZENS[0]])
    await expect(group.locator(".guess")).to_contain_text("/100")

    await group.get_by_text("Teach to a fact").click()
    await group.get_by_label("Another fact (id)").fill("public-opinion-pro-serbian")
    await group.get_by_role("button", name="Preview impact").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Teach 2 phrasings to “Chinese public opinion is largely pro-Serbian”"
    )
    newly = page.locator("table.changes").first
    await expect(page.get_by_role("heading", name=re.compile("^Newly answered"))).to_be_visible()
    await expect(newly.locator("tbody tr td.member-text")).to_have_text(sorted(NETIZENS), use_inner_text=True)
    assert (await site.ask(NETIZENS[0]))["answered"] is False, "a preview saves nothing"

    await page.get_by_role("button", name="Teach", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("Taught to Chinese public opinion is largely pro-Serbian")
    await expect(_group(page, NETIZENS[1])).to_have_count(0)

    answer = await site.ask(NETIZENS[0])
    assert answer["answered"] is True and answer["fact_id"] == "public-opinion-pro-serbian"
    await page.goto(site.url + "/facts/public-opinion-pro-serbian")
    taught = page.locator("ol.history li", has_text="teach by Ana")
    await expect(taught).to_contain_text("(dashboard:cli:operator): questions")


async def test_a_new_fact_is_made_from_a_group(site: Site, page, asked: str) -> None:
    await sign_in(page, await site.link())
    group = _group(page, IOC[1])
    await group.get_by_role("link", name="New fact").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("New fact")
    await expect(page.get_by_label("Questions", exact=True)).to_have_value("\n".join(IOC[::-1]))
    await expect(page.get_by_label("Id", exact=True)).to_have_value("kosovo-join-ioc")
    await page.get_by_label("Title", exact=True).fill("Kosovo joined the IOC in 2014")
    await page.get_by_label("Answer", exact=True).fill("The International Olympic Committee recognised Kosovo's committee in 2014.")
    await page.get_by_label("Topic", exact=True).fill("International organisations")
    await page.get_by_label("Sources", exact=True).fill("Test Gazette | Kosovo at the Games | 2014-12-09")
    await page.get_by_role("button", name="Preview impact").click()
    await expect(page.get_by_role("heading", name=re.compile("^Newly answered"))).to_be_visible()
    await page.get_by_role("button", name="Add the fact").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Kosovo joined the IOC in 2014")
    await expect(page.get_by_role("status")).to_have_text("Added.")
    answer = await site.ask("When did Kosovo join the IOC?")
    assert answer["fact_id"] == "kosovo-join-ioc"
    await page.goto(site.url + "/")
    await expect(_group(page, IOC[1])).to_have_count(0)


async def test_editing_a_fact_shows_the_schemas_errors_beside_each_field_then_saves(site: Site, page) -> None:
    await sign_in(page, await site.link())
    await page.goto(site.url + "/facts/unsc-veto-power")
    title = page.get_by_label("Title", exact=True)
    await title.fill("")
    await expect(page.locator("#error-title")).to_have_text("Required.")  # as you type (JavaScript)
    await expect(title).to_have_attribute("aria-invalid", "true")
    questions = page.get_by_label("Questions", exact=True)
    await questions.press("End")
    await questions.press("Control+End")
    await questions.type("\n" + "a phrasing far too long " * 5)
    await expect(page.locator("#error-questions")).to_contain_text("String should have at most 100 characters")
    related = page.get_by_label("Related fact ids (optional)", exact=True)
    original_related = await related.input_value()
    await related.fill("no-such-fact")
    await title.fill("China can veto pro-Kosovo resolutions")
    await expect(page.locator("#error-title")).to_have_text("")

    await page.get_by_role("button", name="Preview impact").click()  # the server's check, on submit
    await expect(page.locator("#error-questions")).to_contain_text("at most 100 characters")
    await expect(page.locator("#error-title")).to_have_text("")
    await questions.fill("China veto Kosovo\nCan China veto Kosovo's UN membership?")
    await related.fill(original_related)
    await page.get_by_role("button", name="Preview impact").click()
    await expect(page.locator("#error-related")).to_have_text("")
    await expect(page.get_by_text("Changes: questions, title.")).to_be_visible()
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("status")).to_have_text("Saved.")
    await expect(page.get_by_role("heading", level=1)).to_have_text("China can veto pro-Kosovo resolutions")
    assert (await site.ask("Can China veto Kosovo's UN membership?"))["fact_id"] == "unsc-veto-power"


async def test_an_unknown_related_id_is_shown_under_its_field(site: Site, page) -> None:
    await sign_in(page, await site.link())
    await page.goto(site.url + "/facts/geng-shuang-tolerance-reconciliation")
    await page.get_by_label("Related fact ids (optional)", exact=True).fill("no-such-fact")
    await expect(page.locator("#error-related")).to_contain_text("related id 'no-such-fact' does not exist")


async def test_the_charts_draw_the_logged_questions(site: Site, page, asked: str) -> None:
    await sign_in(page, await site.link())
    await page.get_by_role("link", name="Stats").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Stats")
    per_day = page.locator("svg#chart-per-day")
    await expect(per_day).to_have_attribute("role", "img")
    assert await per_day.locator("rect.bar.answered").count() >= 1
    assert await per_day.locator("rect.bar.abstained").count() >= 1
    box = await per_day.locator("rect.bar.abstained").first.bounding_box()
    assert box is not None and box["height"] > 0 and box["width"] > 0
    assert await page.locator("svg#chart-rates polyline.line.answer-rate").count() == 1
    top = page.locator("svg#chart-top")
    await expect(top.locator("text.label").first).not_to_be_empty()
    assert await top.locator("rect.bar").count() >= 1
    await expect(page.locator(".figures")).to_contain_text("Questions")
    await page.get_by_label("Platform").select_option("console")
    await page.get_by_role("button", name="Show").click()
    assert "platform=console" in page.url
    assert await page.locator("svg#chart-per-day rect.bar").count() >= 1


async def test_a_change_without_the_csrf_token_is_refused(site: Site, page, asked: str) -> None:
    await sign_in(page, await site.link())
    request = page.context.request
    missing = await request.post(site.url + "/inbox/dismiss", form={"asked": IMAGE})
    assert missing.status == 403 and "security token" in await missing.text()
    wrong = await request.post(site.url + "/inbox/dismiss", form={"asked": IMAGE, "csrf": "0" * 64})
    assert wrong.status == 403
    validate = await request.post(site.url + "/facts/validate", form={"title": ""})
    assert validate.status == 403
    await page.goto(site.url + "/inbox/dismissed")
    await expect(page.locator("ul.dismissed li")).to_have_count(0)


async def test_script_in_members_questions_is_shown_as_text_and_never_runs(site: Site, page, asked: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    await sign_in(page, await site.link())
    for text in (SCRIPT, IMAGE):
        await expect(_group(page, text)).to_have_count(1)
        await expect(_group(page, text).get_by_role("heading")).to_have_text(text)
    await page.goto(site.url + "/try?q=" + SCRIPT)
    await expect(page.get_by_role("textbox", name="Question")).to_have_value(SCRIPT)
    await page.goto(site.url + "/stats")
    await page.goto(site.url + "/")
    assert await page.evaluate("window.__injected") is None
    assert dialogs == []
    assert await page.locator("img").count() == 0
    assert await page.locator("main script").count() == 0


async def test_pages_carry_strict_security_headers_and_nothing_is_served_signed_out(site: Site, page) -> None:
    for path in ("/", "/facts", "/stats", "/try", "/export.yaml", "/facts/unsc-veto-power"):
        response = await page.goto(site.url + path)
        assert response is not None and response.status == 401, path
    response = await page.goto(site.url + "/")
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer" and headers["x-frame-options"] == "DENY"
    refused = await page.context.request.post(site.url + "/signin", form={"token": "made-up"})
    assert refused.status == 403
    links = await site.core(lambda bot: bot.moderation.storage.purge_signins(dt.datetime.now(dt.UTC)))
    assert links >= 0
