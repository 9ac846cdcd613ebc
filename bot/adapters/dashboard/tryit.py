"""Try it: ask a question as a member would and see why it gets its answer (nothing is logged)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.adapters.dashboard._web import bot_of, render

QUESTION_MAX = 512


async def try_it(request: web.Request) -> web.Response:
    question = request.query.get("q", "").strip()[:QUESTION_MAX]
    # Off the event loop: reading the question may embed it.
    explanation = await asyncio.to_thread(bot_of(request).curation.explain, question) if question else None
    return render(request, "try.html", question=question, explanation=explanation)


def register(router: web.UrlDispatcher) -> None:
    router.add_get("/try", try_it)
