"""Reload benchmark: how long members wait for an answer while a large knowledge file reloads.

A running bot (SQLite storage, the shipped knowledge) answers questions in a tight loop on its event
loop while a knowledge file of about ``--megabytes`` MB is dropped into its directory and reloaded
(``FactBot.reload``, as ``/kb reload`` does). The figures are the longest gap between two consecutive
answers while the reload runs, and the longest stall (a gap less the time its answer took to
compute: the wait due to something else on the loop or holding the GIL); the baseline, in the same
run, is a window of answers without a reload. Several runs; medians are printed.

Run: ``python bench/bench_reload.py [--megabytes 50] [--runs 3]``. A benchmark, not a test: the
figures depend on the machine and are read by people.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bot.app import create_bot
from bot.core.moderation import Actor
from bot.core.service import AskContext, FactBot
from bot.settings import DEFAULT_KNOWLEDGE_DIR, Settings

QUESTIONS = ["does china recognise kosovo?", "what about serbia?", "why did china block kosovo from interpol?"]
ASK = AskContext(platform="bench", community="bench", channel="bench", user="bench")
MOD = Actor(platform="bench", user="bench")


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghklmnprstvz" if i % 2 == 0 else "aeiou") for i in range(rng.randint(3, 9)))


#: Distinct words of the generated text, drawn with Zipf weights as in real prose.
VOCABULARY = 20_000


def write_large_file(path: Path, megabytes: float, seed: int = 11) -> int:
    """A valid knowledge file of about ``megabytes`` MB (long answers, three phrasings per fact, words
    from a Zipf vocabulary); the number of facts in it."""
    rng = random.Random(seed)
    vocabulary = list(dict.fromkeys(_word(rng) for _ in range(VOCABULARY * 2)))[:VOCABULARY]
    weights = [1.0 / (rank + 1) ** 1.1 for rank in range(len(vocabulary))]
    target = int(megabytes * 1_000_000)
    size, count = 0, 0
    with path.open("w", encoding="utf-8") as out:
        out.write("facts:\n")
        while size < target:
            words = rng.choices(vocabulary, weights=weights, k=400)
            answer = " ".join(words)[:2900]
            questions = "".join(f"      - what is {' '.join(rng.sample(words, 5))} {count}?\n" for _ in range(3))
            item = (
                f"  - id: bench-{count}\n    title: Benchmark fact {count}\n    answer: {answer}\n"
                f"    questions:\n{questions}    topic: Benchmark {count % 50}\n"
                "    sources:\n      - publisher: Synthetic\n        article: Benchmark\n"
            )
            out.write(item)
            size += len(item)
            count += 1
    return count


async def _answer_gaps(bot: FactBot, stop: asyncio.Event) -> list[tuple[float, float]]:
    """Ask questions back to back until ``stop``: for each answer, the time since the previous one
    and the time the answer itself took to compute, in seconds."""
    gaps: list[tuple[float, float]] = []
    last = time.perf_counter()
    i = 0
    while not stop.is_set():
        answer = await bot.ask(QUESTIONS[i % len(QUESTIONS)], ASK)
        i += 1
        await asyncio.sleep(0)  # what a platform adapter does between two requests: yield to the loop
        now = time.perf_counter()
        gaps.append((now - last, answer.latency_ms / 1000))
        last = now
    return gaps


def _figures(prefix: str, gaps: list[tuple[float, float]]) -> dict[str, float]:
    waits = sorted(gap for gap, _ in gaps)
    stalls = sorted(gap - own for gap, own in gaps)  # time between answers not spent answering
    return {
        f"{prefix}longest_gap_ms": waits[-1] * 1000,
        f"{prefix}p99_gap_ms": waits[int(len(waits) * 0.99)] * 1000,
        f"{prefix}longest_stall_ms": stalls[-1] * 1000,
        f"{prefix}answer_p50_ms": statistics.median(own for _, own in gaps) * 1000,
    }


async def one_run(workdir: Path, megabytes: float) -> dict[str, float]:
    knowledge = workdir / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, knowledge)
    settings = Settings(env_file=workdir / "no.env")
    settings.database.database_url = None
    settings.database.factbot_data_dir = workdir / "data"
    settings.semantic.semantic = False  # the lexical index: embedding 47k phrasings would dwarf the rest
    settings.knowledge.knowledge_dir = knowledge
    bot = await create_bot(settings)
    try:
        facts = write_large_file(workdir / "large.yaml", megabytes)
        staged = workdir / "large.yaml"
        # The baseline: as long a window of answers without a reload.
        stop = asyncio.Event()
        asker = asyncio.create_task(_answer_gaps(bot, stop))
        await asyncio.sleep(2.0)
        stop.set()
        baseline = await asker

        staged.rename(knowledge / "large.yaml")
        stop = asyncio.Event()
        asker = asyncio.create_task(_answer_gaps(bot, stop))
        await asyncio.sleep(0.2)
        started = time.perf_counter()
        report = await bot.reload(MOD)
        seconds = time.perf_counter() - started
        stop.set()
        during = await asker
        assert report.ok, report.problems[:5] or report.refused
        # Answers on the new, much larger knowledge base: they take longer to compute by themselves.
        stop = asyncio.Event()
        asker = asyncio.create_task(_answer_gaps(bot, stop))
        await asyncio.sleep(2.0)
        stop.set()
        after = await asker
        return {
            "facts": facts,
            "reload_s": seconds,
            "answers": len(during),
            **_figures("", during),
            **_figures("baseline_", baseline),
            "after_answer_p50_ms": _figures("", after)["answer_p50_ms"],
        }
    finally:
        await bot.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=50.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="factbot-bench-reload-") as scratch:
            result = asyncio.run(one_run(Path(scratch), args.megabytes))
        gc.collect()
        results.append(result)
        print(f"run {run + 1}: " + ", ".join(f"{k} {v:.1f}" for k, v in result.items()), flush=True)
    print(f"median of {len(results)} runs, {args.megabytes:g} MB file:")
    for key in results[0]:
        print(f"  {key:24} {statistics.median(r[key] for r in results):10.1f}")


if __name__ == "__main__":
    main()
