"""Facts: browse and search, add (from an inbox group or from scratch), edit every field with the
schema's own errors beside each field (as you type, and on submit), hide, unhide, revert, each
fact's history from the audit log, and export.

Every change is previewed first (:mod:`bot.core.impact`): the form is saved only when it still
describes the change whose preview the moderator saw (its digest).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from bot.adapters.dashboard._web import bot_of, digest, redirect, render, session_of
from bot.core.errors import FactRejected, ModerationError, StorageUnavailable, UnknownFact
from bot.core.factform import EDIT_FIELD_NAMES, FIELD_NAMES, FIELDS, field_errors, form_values, parse_form, place_problems
from bot.core.knowledge import Fact
from bot.core.service import FactBot

#: Facts listed on one page.
PAGE = 200
_SLUG_WORDS = 6
_STOP = {"a", "an", "the", "is", "are", "does", "do", "did", "what", "why", "how", "who", "when", "of", "to", "in", "on"}


def _texts(form: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    return {name: str(form.get(name, "")) for name in names}


def suggested_id(question: str) -> str:
    """An id made of a question's words ("Does China veto…?" -> "china-veto…")."""
    words = [w for w in re.findall(r"[a-z0-9]+", question.casefold()) if w not in _STOP][:_SLUG_WORDS]
    return "-".join(words)[:64].strip("-")


# -- checking a form ----------------------------------------------------------------------------------


def _new_fact(bot: FactBot, texts: dict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The new fact a form describes, and its problems by field (the schema's, then the core's)."""
    data = parse_form(texts)
    errors = field_errors(data, FIELD_NAMES)
    if not errors:
        try:
            bot.moderation.proposed_fact(data)
        except FactRejected as exc:
            errors = place_problems(exc.problems, FIELD_NAMES)
    return data, errors


def _edit(bot: FactBot, fact: Fact, texts: dict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The fields an edit form changes, and its problems by field."""
    kept = {"id": fact.id, "reviewed": fact.reviewed, "hidden": fact.hidden}
    candidate = {**kept, **parse_form(texts)}
    errors = field_errors(candidate, EDIT_FIELD_NAMES)
    if errors:
        return {}, errors
    before = fact.model_dump(mode="json")
    after = Fact.model_validate(candidate).model_dump(mode="json")
    changes = {field: after[field] for field in EDIT_FIELD_NAMES if after[field] != before[field]}
    if changes:
        try:
            bot.moderation.proposed_edit(fact.id, changes)
        except FactRejected as exc:
            errors = place_problems(exc.problems, EDIT_FIELD_NAMES)
    return changes, errors


async def validate(request: web.Request) -> web.Response:
    """Problems of a fact form as it is being typed, by field (JSON): the errors a save would give."""
    bot = bot_of(request)
    form = await request.post()
    fact_id = str(form.get("fact_id", ""))
    if fact_id:
        fact = bot.fact(fact_id)
        if fact is None:
            raise UnknownFact(fact_id)
        _, errors = _edit(bot, fact, _texts(form, EDIT_FIELD_NAMES))
    else:
        _, errors = _new_fact(bot, _texts(form, FIELD_NAMES))
    return web.json_response({"errors": errors})


# -- pages --------------------------------------------------------------------------------------------


def _matches(fact: Fact, needle: str) -> bool:
    haystack = " ".join((fact.id, fact.title, fact.answer, fact.topic, *fact.questions, *fact.keywords))
    return needle in haystack.casefold()


async def browse(request: web.Request) -> web.Response:
    bot = bot_of(request)
    query = request.query.get("q", "").strip()
    topic = request.query.get("topic", "").strip()
    facts = list(bot.knowledge.facts)
    if topic:
        facts = [f for f in facts if f.topic == topic]
    if query:
        needle = query.casefold()
        facts = [f for f in facts if _matches(f, needle)]
    edited = {e.fact_id: e for e in await bot.moderation.edits()}
    topics = sorted({f.topic for f in bot.knowledge.facts})
    return render(
        request,
        "facts.html",
        facts=facts[:PAGE],
        total=len(facts),
        query=query,
        topic=topic,
        topics=topics,
        edited=edited,
        writable=os.access(bot.knowledge_dir, os.W_OK),
        done=request.query.get("done"),
        written=request.query.get("files"),
    )


def _form_context(bot: FactBot, **context: Any) -> dict[str, Any]:
    return {
        "fields": FIELDS,
        "topics": sorted({f.topic for f in bot.knowledge.facts}),
        "fact_ids": [f.id for f in bot.knowledge.facts],
        "errors": {},
        "impact": None,
        "digest": "",
        **context,
    }


async def new_form(request: web.Request) -> web.Response:
    bot = bot_of(request)
    asked = [q for q in request.query.getall("asked", []) if q.strip()][:50]
    values = {name: "" for name in FIELD_NAMES}
    if asked:
        values["questions"] = "\n".join(q for q in asked if len(q) <= 100)
        values["id"] = suggested_id(asked[0])
    return render(request, "fact_new.html", **_form_context(bot, values=values, asked=asked))


async def new_submit(request: web.Request) -> web.StreamResponse:
    bot = bot_of(request)
    form = await request.post()
    texts = _texts(form, FIELD_NAMES)
    asked = [str(q) for q in form.getall("asked", []) if str(q).strip()][:50]
    data, errors = _new_fact(bot, texts)
    context = _form_context(bot, values=texts, asked=asked, errors=errors, digest=digest(["add", data]))
    if errors:
        return render(request, "fact_new.html", status=422, **context)
    if form.get("action") == "save" and form.get("digest") == context["digest"]:
        fact = await bot.curation.add_from(data, session_of(request).actor, asked=asked)
        return redirect(f"/facts/{fact.id}?done=added")
    context["impact"] = await bot.curation.preview_add(data)
    return render(request, "fact_new.html", **context)


def _fact(bot: FactBot, request: web.Request) -> Fact:
    fact = bot.fact(request.match_info["fact_id"])
    if fact is None:
        raise UnknownFact(request.match_info["fact_id"])
    return fact


async def _fact_page(
    request: web.Request, fact: Fact, *, status: int = 200, values: dict[str, str] | None = None, **context: Any
) -> web.Response:
    bot = bot_of(request)
    return render(
        request,
        "fact.html",
        status=status,
        **_form_context(
            bot,
            fact=fact,
            values=values or form_values(fact),
            edit=bot.moderation.edited(fact.id),
            history=await bot.audit(limit=50, fact_id=fact.id),
            titles={f.id: f.title for f in bot.knowledge.facts},
            done=request.query.get("done"),
            action=None,
            **context,
        ),
    )


async def show(request: web.Request) -> web.Response:
    return await _fact_page(request, _fact(bot_of(request), request))


async def edit_submit(request: web.Request) -> web.StreamResponse:
    bot = bot_of(request)
    fact = _fact(bot, request)
    form = await request.post()
    texts = _texts(form, EDIT_FIELD_NAMES)
    values = {**texts, "id": fact.id}
    changes, errors = _edit(bot, fact, texts)
    if errors:
        return await _fact_page(request, fact, status=422, values=values, errors=errors)
    if not changes:
        return await _fact_page(request, fact, values=values, notice="Nothing changed.")
    proposal = digest(["edit", fact.id, changes])
    if form.get("action") == "save" and form.get("digest") == proposal:
        await bot.edit_fact(fact.id, changes, session_of(request).actor)
        return redirect(f"/facts/{fact.id}?done=saved")
    impact = await bot.curation.preview_edit(fact.id, changes)
    return await _fact_page(request, fact, values=values, impact=impact, digest=proposal, changed=sorted(changes))


async def change_submit(request: web.Request) -> web.StreamResponse:
    """Hide, unhide or revert: previewed, then done."""
    bot = bot_of(request)
    fact = _fact(bot, request)
    action = request.match_info["action"]
    form = await request.post()
    proposal = digest([action, fact.id])
    actor = session_of(request).actor
    if form.get("action") == "save" and form.get("digest") == proposal:
        if action == "revert":
            kept = await bot.revert_fact(fact.id, actor)
            return redirect(f"/facts/{fact.id}?done=reverted" if kept else "/facts?done=removed")
        await bot.set_hidden(fact.id, action == "hide", actor)
        return redirect(f"/facts/{fact.id}?done={action}")
    if action == "revert":
        impact = await bot.curation.preview_revert(fact.id)
    else:
        impact = await bot.curation.preview_hidden(fact.id, action == "hide")
    return await _fact_page(request, fact, impact=impact, digest=proposal, action=action)


async def export_download(request: web.Request) -> web.Response:
    document = await bot_of(request).moderation.export_document()
    return web.Response(
        text=document,
        content_type="application/yaml",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="factbot-edits.yaml"'},
    )


async def export_write(request: web.Request) -> web.StreamResponse:
    bot = bot_of(request)
    try:
        written = await bot.export(actor=session_of(request).actor)
    except StorageUnavailable:
        raise
    except OSError as exc:
        raise ModerationError(f"could not write the knowledge files: {exc.strerror or exc}") from exc
    return redirect(f"/facts?done=exported&files={len(written)}")


def register(router: web.UrlDispatcher) -> None:
    router.add_get("/facts", browse)
    router.add_get("/facts/new", new_form)
    router.add_post("/facts/new", new_submit)
    router.add_post("/facts/validate", validate)
    router.add_get("/facts/{fact_id}", show)
    router.add_post("/facts/{fact_id}", edit_submit)
    router.add_post(r"/facts/{fact_id}/{action:hide|unhide|revert}", change_submit)
    router.add_get("/export.yaml", export_download)
    router.add_post("/export", export_write)
