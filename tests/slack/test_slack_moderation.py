"""``/kb`` end to end: who may moderate, each sub-command, and the fact modal with its validation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core.service import FactBot
from mock_slack import TEAM, Call, MockSlack
from signed_requests import MODERATOR, SlackSender


@pytest.fixture(autouse=True)
def _workspace(slack: MockSlack) -> None:
    slack.add_user("UMEMBER")
    slack.add_user("UADMIN", admin=True)
    slack.add_user("UOWNER", owner=True)


async def _kb(sender: SlackSender, slack: MockSlack, text: str, user: str = MODERATOR) -> Call:
    """Run ``/kb text`` and return the private reply."""
    reply, url = await sender.command("/kb", text, user=user)
    assert reply.status == 200 and reply.body == ""
    [answer] = await slack.wait_for("response_url", lambda c: c.path.endswith(url.rsplit("/", 1)[1]))
    assert answer["response_type"] == "ephemeral"
    return answer


async def _open_form(sender: SlackSender, slack: MockSlack, text: str) -> dict:
    """Run ``/kb add`` or ``/kb edit …`` and return the modal it opened."""
    before = len(slack.called("views.open"))
    reply, _ = await sender.command("/kb", text, user=MODERATOR)
    assert reply.status == 200
    opened = (await slack.wait_for("views.open", count=before + 1))[-1]
    assert opened["trigger_id"].startswith("trigger-")
    return opened["view"]


async def test_members_are_refused(sender: SlackSender, slack: MockSlack) -> None:
    for text in ("stats", "add", "hide opening-hours", ""):
        reply = await _kb(sender, slack, text, user="UMEMBER")
        assert "`/kb` is for knowledge-base moderators" in reply.text()
    assert [c["user"] for c in slack.called("users.info")] == ["UMEMBER"] * 4
    assert not slack.called("views.open")


async def test_admins_owners_and_configured_moderators_are_allowed(sender: SlackSender, slack: MockSlack) -> None:
    for user in ("UADMIN", "UOWNER", MODERATOR):
        reply = await _kb(sender, slack, "help", user=user)
        assert "knowledge-base moderation" in reply.text()
    assert {c["user"] for c in slack.called("users.info")} == {"UADMIN", "UOWNER"}  # configured ids need no lookup


async def test_reload_stats_and_unanswered(sender: SlackSender, slack: MockSlack, factbot: FactBot) -> None:
    assert "Reloaded the knowledge base: 4 facts." in (await _kb(sender, slack, "reload")).text()

    await sender.command("/ask", "opening hours")
    await sender.command("/ask", "Where do I park my &lt;bike&gt; &amp; car?")  # as Slack sends it
    await slack.wait_for("response_url", count=3)  # the reload's reply and both answers
    await factbot.flush_logs()
    stats = (await _kb(sender, slack, "stats 3")).text()
    assert "Statistics of this workspace, last 3 days" in stats
    assert "Questions: 2. Answered: 1, with suggestions: 0, abstained: 1." in stats
    assert f"community {TEAM}" in stats  # this workspace only
    unanswered = (await _kb(sender, slack, "unanswered")).text()
    assert "Where do I park my &lt;bike&gt; &amp; car?" in unanswered
    assert "opening hours" not in unanswered
    assert "is not a number of days" in (await _kb(sender, slack, "stats soon")).text()


async def test_reload_with_broken_files_keeps_the_last_good_knowledge(
    sender: SlackSender, slack: MockSlack, factbot: FactBot, knowledge_dir: Path
) -> None:
    (knowledge_dir / "broken.yaml").write_text("facts:\n  - id: Not Valid\n    title: x\n", encoding="utf-8")
    reply = (await _kb(sender, slack, "reload")).text()
    assert "Not reloaded" in reply and "I keep answering with the facts I had" in reply
    assert "broken.yaml:2" in reply
    assert factbot.fact("opening-hours") is not None


async def test_reload_that_would_drop_most_facts_is_refused_unless_forced(
    sender: SlackSender, slack: MockSlack, factbot: FactBot, knowledge_dir: Path
) -> None:
    library = knowledge_dir / "library.yaml"
    text = library.read_text(encoding="utf-8")
    library.write_text("facts:\n" + text[text.index("  - id: interlibrary-loan") :], encoding="utf-8")
    reply = (await _kb(sender, slack, "reload")).text()
    assert "Not reloaded: the knowledge files now hold only 1 of the 4 facts being served" in reply
    assert "I keep answering with the facts I had" in reply and "`/kb reload force`" in reply
    assert factbot.fact("opening-hours") is not None
    assert "Usage: `/kb reload`" in (await _kb(sender, slack, "reload now")).text()
    assert "Reloaded the knowledge base: 1 facts." in (await _kb(sender, slack, "reload force")).text()
    assert factbot.fact("opening-hours") is None


async def test_add_a_fact_with_the_form(sender: SlackSender, slack: MockSlack, factbot: FactBot) -> None:
    view = await _open_form(sender, slack, "add")
    assert view["callback_id"] == "factbot_fact_add"
    rejected = await sender.submit(view, {
        "id": "Bike Parking", "title": "Bikes park in the courtyard", "answer": "Use the racks in the courtyard.",
        "questions": "Where can I park my bike?", "topic": "Visiting", "sources": "Town Library",
    })
    assert rejected.status == 200
    errors = rejected.json()
    assert errors["response_action"] == "errors"
    assert set(errors["errors"]) == {"id", "sources"}
    assert errors["errors"]["sources"].startswith("line 1: article: missing")
    assert factbot.fact("bike-parking") is None

    taken = await sender.submit(view, {
        "id": "opening-hours", "title": "t", "answer": "a", "questions": "q?", "topic": "Visiting",
        "sources": "Town Library | Visitor guide",
    })
    assert taken.json()["errors"] == {"id": "a fact with id 'opening-hours' already exists (edit it instead)"}

    accepted = await sender.submit(view, {
        "id": "bike-parking", "title": "Bikes park in the courtyard", "answer": "Use the racks in the courtyard.",
        "questions": "Where can I park my bike?\nbike parking", "topic": "Visiting", "tags": "bikes",
        "sources": "Town Library | Visitor guide | Getting here", "related": "opening-hours",
    })
    assert (accepted.status, accepted.body) == (200, "")
    [confirmation] = await slack.wait_for("response_url", lambda c: "Added fact" in c.text())
    assert "Added fact `bike-parking`: Bikes park in the courtyard." in confirmation.text()

    await sender.command("/ask", "bike parking", response="after-add")
    [answer] = await slack.wait_for("response_url", lambda c: c.path.endswith("/after-add"))
    assert answer.blocks[1]["text"]["text"] == "Bikes park in the courtyard"
    assert "Town Library, “Visitor guide”, Getting here" in answer.text()


async def test_edit_a_fact_with_the_form(sender: SlackSender, slack: MockSlack, factbot: FactBot) -> None:
    view = await _open_form(sender, slack, "edit opening-hours")
    assert view["callback_id"] == "factbot_fact_edit"
    inputs = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"] if b["type"] == "input"}
    assert inputs["sources"] == "Town Library | Visitor guide | Opening hours | https://library.example/visit"
    assert inputs["related"] == "library-card, reading-room-rules"

    reply = await sender.submit(view, {"title": "The library is open 10:00–18:00", "related": "library-card, nope"})
    assert reply.json()["errors"] == {"related": "related id 'nope' does not exist"}

    reply = await sender.submit(view, {"title": "The library is open 10:00–18:00"})
    assert (reply.status, reply.body) == (200, "")
    [confirmation] = await slack.wait_for("response_url", lambda c: "Updated fact" in c.text())
    assert "Updated fact `opening-hours`: The library is open 10:00–18:00." in confirmation.text()
    fact = factbot.fact("opening-hours")
    assert fact is not None and fact.title == "The library is open 10:00–18:00"
    assert fact.related == ["library-card", "reading-room-rules"]

    unknown = await _kb(sender, slack, "edit opening-hour")
    assert "There is no fact `opening-hour`. Did you mean `opening-hours`" in unknown.text()


async def test_the_form_refuses_someone_who_is_no_longer_a_moderator(sender: SlackSender, slack: MockSlack, factbot: FactBot) -> None:
    view = await _open_form(sender, slack, "edit library-card")
    reply = await sender.submit(view, {"title": "Changed"}, user="UMEMBER")
    assert reply.json() == {"response_action": "errors",
                            "errors": {"title": "Only knowledge-base moderators can save facts."}}
    assert factbot.fact("library-card").title == "A library card is free for residents"


async def test_hide_and_unhide(sender: SlackSender, slack: MockSlack, factbot: FactBot) -> None:
    hidden = await _kb(sender, slack, "hide library-card")
    assert "Fact `library-card` (A library card is free for residents) is hidden" in hidden.text()
    await sender.command("/ask", "library card", response="while-hidden")
    [answer] = await slack.wait_for("response_url", lambda c: c.path.endswith("/while-hidden"))
    assert "A library card is free" not in answer.text()

    shown = await _kb(sender, slack, "unhide library-card")
    assert "is visible again" in shown.text()
    await sender.command("/ask", "library card", response="after-unhide")
    [answer] = await slack.wait_for("response_url", lambda c: c.path.endswith("/after-unhide"))
    assert answer.blocks[1]["text"]["text"] == "A library card is free for residents"
    assert "Usage: `/kb hide FACT-ID`" in (await _kb(sender, slack, "hide")).text()


async def test_export_and_unknown_subcommands(sender: SlackSender, slack: MockSlack, factbot: FactBot) -> None:
    await _kb(sender, slack, "hide interlibrary-loan")
    exported = (await _kb(sender, slack, "export")).text()
    assert "Exported 1 knowledge file(s)" in exported and ".yaml`" in exported
    unknown = (await _kb(sender, slack, "<!channel> frobnicate")).text()
    assert "I don't know `/kb channel`" in unknown and "<!channel>" not in unknown


async def test_unanswered_questions_cannot_break_out_of_their_code_block(
    sender: SlackSender, slack: MockSlack, factbot: FactBot
) -> None:
    hostile = "``` *Moderator notice:* reset your password at https://evil.example/reset ```"
    await sender.command("/ask", hostile)
    await slack.wait_for("response_url")
    await factbot.flush_logs()
    reply = await _kb(sender, slack, "unanswered")
    codes = [b["text"] for b in reply.blocks if b["type"] == "section" and b["text"]["text"].startswith("```")]
    assert codes and any("evil.example" in c["text"] for c in codes)
    for code in codes:
        assert code["text"].endswith("\n```") and "```" not in code["text"][3:-3]
        assert code.get("verbatim") is True  # Slack turns no URL in it into a link
    outside = [b["text"]["text"] for b in reply.blocks if b["type"] == "section" and b not in codes and b["text"] not in codes]
    assert not [t for t in outside if "evil.example" in t]


async def test_echoed_arguments_stay_inside_their_code_span(sender: SlackSender, slack: MockSlack) -> None:
    reply = await _kb(sender, slack, "hide a`*b*`")
    assert "There is no fact `a'*b*'`." in reply.text()


async def test_dashboard_gives_a_moderator_a_private_one_time_link_and_a_member_none(
    sender: SlackSender, slack: MockSlack, factbot: FactBot
) -> None:
    from support.storage import rows

    refused = await _kb(sender, slack, "dashboard", user="UMEMBER")
    assert "`/kb` is for knowledge-base moderators" in refused.text() and "signin" not in refused.text()
    assert await rows(factbot, "signin_links") == []

    not_configured = await _kb(sender, slack, "dashboard")
    assert "the dashboard is not configured" in not_configured.text()

    factbot.access.base_url = "https://dashboard.example.org"
    reply = await _kb(sender, slack, "dashboard")
    assert reply["unfurl_links"] is False
    [url] = {part.split("|")[0] for part in reply.text().split("<")[1:] if part.startswith("https://")}
    assert url.startswith("https://dashboard.example.org/signin/")
    session = await factbot.access.redeem(url.rsplit("/", 1)[1])
    assert session is not None and session.actor.user == f"slack:{MODERATOR}"
    assert await factbot.access.redeem(url.rsplit("/", 1)[1]) is None


async def test_export_into_a_read_only_directory_sends_the_files(
    sender: SlackSender, slack: MockSlack, factbot: FactBot, knowledge_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from support.readonly import read_only

    await _kb(sender, slack, "hide interlibrary-loan")
    with read_only(knowledge_dir, monkeypatch):
        reply = (await _kb(sender, slack, "export")).text()
    assert reply.startswith(
        f"Not written on the bot's server: the knowledge directory {knowledge_dir} is read-only for the bot. "
        "I sent you the 1 file(s) with the runtime edits (`library.yaml`) in a direct message"
    )
    [opened] = slack.called("conversations.open")
    assert opened["users"] == MODERATOR
    [completed] = slack.called("files.completeUploadExternal")
    assert completed["channel_id"] == "D" + MODERATOR.removeprefix("U")
    [(file_id, data)] = slack.uploads.items()
    assert b"id: interlibrary-loan" in data and b"hidden: true" in data
    assert json.loads(completed["files"]) == [{"id": file_id, "title": "library.yaml"}]


async def test_export_without_the_upload_scope_shows_the_files_as_text(
    sender: SlackSender, slack: MockSlack, factbot: FactBot, knowledge_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from support.readonly import read_only

    slack.failing["files.getUploadURLExternal"] = "missing_scope"
    await _kb(sender, slack, "hide interlibrary-loan")
    with read_only(knowledge_dir, monkeypatch):
        reply = await _kb(sender, slack, "export")
    assert "Not written on the bot's server:" in reply.text() and "is read-only for the bot" in reply.text()
    assert "# library.yaml" in reply.text() and "hidden: true" in reply.text()
    assert not slack.uploads
