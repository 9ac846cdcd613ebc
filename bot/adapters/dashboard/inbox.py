"""The inbox (the start page): the curation queue, and teach / new fact / dismiss for each group."""

from __future__ import annotations

from aiohttp import web

from bot.adapters.dashboard._web import bot_of, digest, int_param, redirect, render, session_of, text_param
from bot.core.errors import FactRejected, ModerationError, StorageUnavailable

#: Groups shown on the inbox page.
GROUPS = 50
#: Wordings carried by a group's forms (teach, new fact, dismiss).
FORM_WORDINGS = 50


def _filters(request: web.Request) -> dict[str, object]:
    query = request.query
    return {
        "days": int_param(query, "days", 30),
        "platform": text_param(query, "platform"),
        "community": text_param(query, "community"),
    }


async def inbox(request: web.Request) -> web.Response:
    bot = bot_of(request)
    filters = _filters(request)
    groups = await bot.curation.inbox(
        days=filters["days"], community=filters["community"], platform=filters["platform"], limit=GROUPS
    )
    communities = await bot.curation.communities(filters["days"])
    return render(
        request,
        "inbox.html",
        groups=groups,
        filters=filters,
        communities=communities,
        facts=bot.knowledge.facts,
        done=request.query.get("done"),
        done_fact=bot.fact(request.query.get("fact", "")),
        form_wordings=FORM_WORDINGS,
    )


def _wordings(form: object, name: str) -> list[str]:
    return [str(v) for v in form.getall(name, []) if str(v).strip()][:FORM_WORDINGS]  # type: ignore[attr-defined]


async def dismiss(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    await bot_of(request).curation.dismiss(_wordings(form, "asked"), session_of(request).actor)
    return redirect("/?done=dismissed")


async def dismissed(request: web.Request) -> web.Response:
    return render(request, "dismissed.html", marks=await bot_of(request).curation.dismissed())


async def undismiss(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    await bot_of(request).curation.undismiss(_wordings(form, "asked"), session_of(request).actor)
    return redirect("/inbox/dismissed")


async def teach(request: web.Request) -> web.StreamResponse:
    """Preview first; save only the change whose preview the moderator saw."""
    bot = bot_of(request)
    form = await request.post()
    asked = _wordings(form, "asked")
    fact_id = str(form.get("other") or form.get("fact") or "").strip()
    phrasings = [line.strip() for line in str(form.get("phrasings", "")).splitlines() if line.strip()]
    proposal = digest(["teach", fact_id, phrasings])
    context = {
        "asked": asked,
        "fact_id": fact_id,
        "phrasings": phrasings,
        "facts": bot.knowledge.facts,
        "titles": {f.id: f.title for f in bot.knowledge.facts},
        "impact": None,
        "problems": [],
        "digest": proposal,
    }
    if not fact_id:
        context["problems"] = ["Choose the fact to teach these questions to."]
        return render(request, "teach.html", status=422, **context)
    try:
        if form.get("action") == "save" and form.get("digest") == proposal:
            fact = await bot.curation.teach(fact_id, phrasings, session_of(request).actor, asked=asked)
            return redirect(f"/?done=taught&fact={fact.id}")
        context["impact"] = await bot.curation.preview_teach(fact_id, phrasings)
    except FactRejected as exc:
        context["problems"] = exc.problems
    except StorageUnavailable:
        raise  # a page of its own (see app._errors)
    except ModerationError as exc:
        context["problems"] = [str(exc)]
    return render(request, "teach.html", status=422 if context["problems"] else 200, **context)


def register(router: web.UrlDispatcher) -> None:
    router.add_get("/", inbox)
    router.add_post("/inbox/dismiss", dismiss)
    router.add_get("/inbox/dismissed", dismissed)
    router.add_post("/inbox/undismiss", undismiss)
    router.add_post("/inbox/teach", teach)
