"""Statistics with charts: questions per day, answer rate and helpful ratio over time, most asked
facts, slowest answers and latency percentiles; by period, platform and community."""

from __future__ import annotations

from aiohttp import web

from bot.adapters.dashboard import _charts
from bot.adapters.dashboard._web import bot_of, int_param, render, text_param

TOP_FACTS = 10


async def stats(request: web.Request) -> web.Response:
    bot = bot_of(request)
    days = int_param(request.query, "days", 30)
    platform = text_param(request.query, "platform")
    community = text_param(request.query, "community")
    figures = await bot.moderation.stats(days, community, platform, top=TOP_FACTS)
    return render(
        request,
        "stats.html",
        stats=figures,
        filters={"days": days, "platform": platform, "community": community},
        communities=await bot.curation.communities(days),
        per_day=_charts.questions_per_day(figures),
        rates=_charts.rates_over_time(figures),
        top=_charts.most_asked(figures),
    )


def register(router: web.UrlDispatcher) -> None:
    router.add_get("/stats", stats)
