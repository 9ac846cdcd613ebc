"""Dashboard benchmark: the inbox page and the impact preview over 30 days of 10,000 logged questions.

Two logs of 10,000 questions over 30 days, on the shipped knowledge, in a SQLite file:

* ``realistic``: the generated log of the dashboard's screenshots (tests/support/question_log.py):
  the knowledge's phrasings reworded, and questions it does not hold in a few wordings each;
* ``all distinct``: the same questions, each made unique by one invented word, so nearly every
  question goes unanswered and the inbox groups thousands of different wordings (the worst case).

Measured in one run, through the real dashboard server (aiohttp, on 127.0.0.1) and a signed-in HTTP
client: the inbox page's load time (p50 and p90 over several loads, after one warm-up load), with
the core's grouping alone (``Moderation.unanswered``) as the baseline; the impact preview of a
teach (cold: the served knowledge's answers are not cached yet, as after any edit, so every
question is asked twice; warm: a second preview reuses them), each the median of several runs,
with asking every distinct question once (median of as many runs) as the baseline; and the memory the dashboard adds to the process (resident set size before the server
starts and after all of the above).

Run: ``make bench`` or ``python bench/bench_dashboard.py [--loads 9] [--previews 5]``.
This is a benchmark, not a test: the figures depend on the machine and are read by people.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from bot.adapters.dashboard.app import DashboardServer  # noqa: E402
from bot.app import build_bot  # noqa: E402
from bot.core.impact import _served_outcomes  # noqa: E402
from bot.core.moderation import Actor  # noqa: E402
from bot.settings import DashboardSettings, Settings  # noqa: E402
from support.question_log import generate  # noqa: E402

QUESTIONS = 10_000
DAYS = 30
ACTOR = Actor("cli", "bench", "bench")
TEACH = ("public-opinion-pro-serbian", ["what do chinese netizens think of kosovo"])


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _invented(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfgklmnprstvz" if i % 2 == 0 else "aeiou") for i in range(rng.randint(6, 9)))


def all_distinct(records: list, seed: int = 7) -> list:
    rng = random.Random(seed)
    return [dataclasses.replace(r, question=f"{r.question.rstrip('?')} {_invented(rng)}?") for r in records]


def percentile(values: list[float], rank: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(rank / 100 * len(ordered) + 0.5) - 1))]


async def timed(work, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        await work()
        times.append((time.perf_counter() - started) * 1000)
    return times


async def scenario(name: str, distinct: bool, loads: int, previews: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="factbot-bench-") as scratch:
        settings = Settings(env_file=Path(scratch) / "no.env")
        settings.database.database_url = None
        settings.database.factbot_data_dir = Path(scratch)
        settings.database.factbot_user_hash_key = None
        bot = build_bot(settings, serving=False)
        await bot.start(background=False)
        try:
            records, feedback = generate(bot.state, QUESTIONS, days=DAYS)
            if distinct:
                records, feedback = all_distinct(records), []
            await bot.moderation.storage.write_log(records, feedback)
            distinct_count = len({r.question for r in records})
            unanswered = sum(r.outcome == "abstained" for r in records)  # logged as abstained

            grouping = await timed(lambda: bot.unanswered(days=DAYS, limit=50), loads)
            questions = sorted({r.question for r in records})
            floor = await timed(lambda: asyncio.to_thread(lambda: [bot.state.answer(q) for q in questions]), previews)

            gc.collect()
            before = rss_mb()
            server = await DashboardServer(bot, DashboardSettings(_env_file=None, host="127.0.0.1", port=0)).start()
            try:
                token = (await bot.access.mint_link(ACTOR)).url.rsplit("/", 1)[1]
                jar = aiohttp.CookieJar(unsafe=True)
                async with aiohttp.ClientSession(base_url=server.url, cookie_jar=jar) as http:
                    async with http.post("/signin", data={"token": token}) as response:
                        assert response.status == 200, response.status

                    async def load() -> None:
                        async with http.get("/") as page:
                            assert page.status == 200
                            await page.read()

                    await load()  # warm-up: templates compiled, caches filled
                    pages = await timed(load, loads)
            finally:
                await server.stop()
            async def cold_preview() -> None:
                _served_outcomes.clear()  # as after an edit: the served knowledge's answers are not known yet
                await bot.curation.preview_teach(*TEACH, days=DAYS)

            first_preview = await timed(cold_preview, previews)
            repeated = await timed(lambda: bot.curation.preview_teach(*TEACH, days=DAYS), previews)
            impact = await bot.curation.preview_teach(*TEACH, days=DAYS)
            gc.collect()
            after = rss_mb()
        finally:
            await bot.close()
    return {
        "log": name,
        "distinct": distinct_count,
        "unanswered": unanswered,
        "page_p50": statistics.median(pages),
        "page_p90": percentile(pages, 90),
        "grouping_p50": statistics.median(grouping),
        "preview_first": statistics.median(first_preview),
        "preview_p50": statistics.median(repeated),
        "floor": statistics.median(floor),
        "changes": len(impact.changes),
        "memory": after - before,
        "loads": loads,
        "previews": previews,
    }


async def main_async(args: argparse.Namespace) -> None:
    rows = [await scenario("realistic", False, args.loads, args.previews)]
    rows.append(await scenario("all distinct", True, args.loads, args.previews))
    print(f"{QUESTIONS:,} questions over {DAYS} days; inbox {rows[0]['loads']} loads, previews {rows[0]['previews']} repeats")
    print(
        "| log | distinct questions | logged abstained | inbox p50 / p90 | grouping alone p50 | "
        "preview cold / warm p50 | asking each once p50 | outcome changes | memory added |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['log']} | {r['distinct']:,} | {r['unanswered']:,} | {r['page_p50']:.0f} / {r['page_p90']:.0f} ms | "
            f"{r['grouping_p50']:.0f} ms | {r['preview_first'] / 1000:.2f} / {r['preview_p50'] / 1000:.2f} s | "
            f"{r['floor'] / 1000:.2f} s | {r['changes']} | {r['memory']:.1f} MB |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=9, help="inbox loads per log (default 9)")
    parser.add_argument("--previews", type=int, default=5, help="repeated previews per log (default 5)")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
