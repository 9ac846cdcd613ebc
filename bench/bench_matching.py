"""The matching benchmark: factbot against naive rapidfuzz and a BM25 engine, in one table.

The knowledge base is the shipped one grown with near-duplicate families (see :mod:`corpus`): by
default to 100,000 phrasings. Every figure is the median of ``--runs`` runs, and each run measures
factbot and the baselines side by side:

* per-question latency on one core (CPU time of the answering thread, so other processes on a shared
  machine do not count), p50 and p99 over every question; ``extractOne(question, every phrasing,
  scorer=WRatio)`` on a subset, and tantivy's BM25 (``en_stem``) over one document per phrasing;
* top-1 right fact on named and on general questions of near-duplicate families;
* building the index from loaded facts (and reading the YAML files), without the index cache;
* whole processes, started alternately: ``factbot ask --json`` on the shipped base against Python
  importing numpy, rapidfuzz and yaml; ``factbot ask`` on the grown base from the index cache;
* the longest gap between answers while the grown base reloads (a file changed, so it is read and
  indexed again), answering on the event loop as the bot does;
* with ``--million``: the same at 1,000,000 phrasings (p50, peak resident memory, cached start);
* the semantic stage on the shipped knowledge (unless ``--no-semantic``; ``bench_semantic.py`` has
  the details): per-question CPU time over the tuning set's questions with the stage on and off,
  what a warm embedding cache adds to a start, nearest-phrasing search over 100k vectors (exact
  and factbot's quantised matrix; usearch's HNSW, minutes to build, only in ``bench_semantic.py``).

Whole processes are timed as wall time and as the CPU time they used: on a shared machine the
first stretches with the load. The load average before and after is printed under the table.

Run: ``make bench`` (installs the ``bench`` extra: tantivy) or ``python
bench/bench_matching.py [--runs 3] [--million] [--no-semantic]``. This is a benchmark, not a
test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # the encoder and BLAS on one thread, as measured
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import Corpus, make_corpus, write_knowledge  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from bot.core.knowledge import KnowledgeBase, load_knowledge  # noqa: E402
from bot.core.matching.specificity import warm_up  # noqa: E402
from bot.core.service import KnowledgeState  # noqa: E402

QUESTION = "does china recognise kosovo"
#: Seconds of answering without a reload, for the idle gap (what the machine's own noise adds).
IDLE_S = 3.0
_TOKENS = re.compile(r"[^\W_]+")


def _pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _cpu_ms(fn: Callable[[str], object], questions: Sequence[str]) -> list[float]:
    """CPU milliseconds of each question (the answering thread's clock: one core, ours alone)."""
    result = []
    for q in questions:
        start = time.thread_time()
        fn(q)
        result.append((time.thread_time() - start) * 1000.0)
    return result


def _top1(fn: Callable[[str], str | None], pairs: Sequence[tuple[str, str]]) -> float:
    return sum(fn(q) == want for q, want in pairs) / len(pairs)


class Tantivy:
    """tantivy's BM25 over one document per phrasing (English stemming), answering with the fact of
    the best document."""

    def __init__(self, facts: Sequence) -> None:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("body", stored=False, tokenizer_name="en_stem")
        builder.add_unsigned_field("fact", stored=True, indexed=False)
        self.index = tantivy.Index(builder.build())
        writer = self.index.writer(heap_size=200_000_000, num_threads=1)
        self.ids = [f.id for f in facts]
        for number, fact in enumerate(facts):
            for text in (*fact.questions, fact.title):
                writer.add_document(tantivy.Document(body=text, fact=number))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def best(self, question: str) -> str | None:
        words = " ".join(_TOKENS.findall(question.lower()))
        if not words:
            return None
        hits = self.searcher.search(self.index.parse_query(words, ["body"]), 1).hits
        return self.ids[self.searcher.doc(hits[0][1])["fact"][0]] if hits else None


def _tantivy_available() -> bool:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


def run_queries(corpus: Corpus, baseline_questions: int) -> dict[str, float]:
    """One run in this process: build, latency, near-duplicate ranking, for factbot and the baselines."""
    warm_up()  # the English word lists, loaded once per process as a serving bot does at start
    kb = KnowledgeBase(facts=tuple(corpus.facts), synonyms=corpus.kb.synonyms)
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    state = KnowledgeState(kb)
    result = {"build_s": time.perf_counter() - start, "build_cpu_s": time.process_time() - cpu}
    index = state.index

    def factbot(q: str) -> str | None:
        hit = index.search(q).best
        return hit.fact.id if hit else None

    questions = [q for q, _ in corpus.named + corpus.general]
    for q in questions[:50]:
        state.answer(q)  # warm caches
    latency = _cpu_ms(state.answer, questions)
    result.update(p50=_pct(latency, 50), p99=_pct(latency, 99))
    result.update(named=_top1(factbot, corpus.named), general=_top1(factbot, corpus.general))
    result["family"] = sum(
        (got := factbot(q)) is not None and corpus.family(got) == corpus.family(want)
        for q, want in corpus.named + corpus.general
    ) / len(questions)

    choices = [text for f in corpus.facts for text in (*f.questions, f.title)]
    owners = [f.id for f in corpus.facts for _ in (*f.questions, f.title)]

    def wratio(q: str) -> str | None:
        found = process.extractOne(q, choices, scorer=fuzz.WRatio, processor=str.lower)
        return owners[found[2]] if found else None

    half = baseline_questions // 2
    subset = corpus.named[:half] + corpus.general[:half]
    ours = _cpu_ms(state.answer, [q for q, _ in subset])
    theirs = _cpu_ms(wratio, [q for q, _ in subset])
    result.update(
        w_p50=_pct(theirs, 50),
        w_p99=_pct(theirs, 99),
        speedup=statistics.median(theirs) / statistics.median(ours),
        w_named=_top1(wratio, corpus.named[:half]),
        w_general=_top1(wratio, corpus.general[:half]),
    )
    if _tantivy_available():
        start = time.perf_counter()
        engine = Tantivy(corpus.facts)
        result["t_build_s"] = time.perf_counter() - start
        for q in questions[:50]:
            engine.best(q)
        t_latency = _cpu_ms(engine.best, questions)
        result.update(
            t_p50=_pct(t_latency, 50),
            t_p99=_pct(t_latency, 99),
            t_named=_top1(engine.best, corpus.named),
            t_general=_top1(engine.best, corpus.general),
        )
    return result


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "FACTBOT_", "DATABASE_"))}
    env["FACTBOT_DATA_DIR"] = str(data_dir)
    # Compiled bytecode is kept, as in any installed deployment (an environment that forbids
    # writing it would make every start compile factbot's modules again): in the scratch
    # directory, shared by all the processes started, so the first start of each kind compiles.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(data_dir.parent / "pycache")
    return env


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds of a whole process, and the CPU seconds it used (user and system): on a
    machine shared with other work the wall time stretches with the load, the CPU time less."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def startups(runs: int, grown: Path | None, scratch: Path) -> dict[str, list[float]]:
    """Whole processes, alternately: Python with numpy, rapidfuzz and yaml; factbot ask on the
    shipped base; factbot ask on the grown base (both from a warm index cache). Each figure is
    kept as wall time and, under ``<name>_cpu``, as the CPU time the process used."""
    python = [sys.executable, "-c", "import numpy, rapidfuzz, yaml"]
    ask = [sys.executable, "-m", "bot", "ask", "--json", QUESTION]
    grown_ask = [*ask[:3], "--knowledge", str(grown), *ask[3:]]
    env = _env(scratch / "shipped-data")
    grown_env = _env(scratch / "grown-data")
    times: dict[str, list[float]] = {}

    def record(name: str, command: list[str], environment: dict[str, str]) -> None:
        wall, cpu = _run(command, environment)
        times.setdefault(name, []).append(wall)
        times.setdefault(f"{name}_cpu", []).append(cpu)

    _run(python, env)  # compiles what Python imports, once
    _run(ask, env)  # writes the shipped base's index cache (and compiles factbot)
    if grown is not None:
        record("grown_uncached", grown_ask, grown_env)
    for _ in range(runs):
        record("python", python, env)
        record("ask", ask, env)
        if grown is not None:
            record("grown_cached", grown_ask, grown_env)
    return times


async def _reload_gap(knowledge: Path, data_dir: Path, questions: Sequence[str]) -> tuple[float, float, float]:
    """The longest gap between answers while ``knowledge`` reloads (the bot answering on its event
    loop, the reload reading and indexing in its worker), the reload's duration, and the longest gap
    in :data:`IDLE_S` seconds of answering without a reload."""
    from bot.app import create_bot
    from bot.core.moderation import Actor
    from bot.settings import load_settings

    os.environ["FACTBOT_DATA_DIR"] = str(data_dir)
    os.environ["FACTBOT_INDEX_CACHE"] = "false"
    # The lexical index alone: embedding the grown base's 100k phrasings would take most of an
    # hour (the semantic stage at scale is measured by bench_semantic.py's search over 100k vectors).
    os.environ["FACTBOT_SEMANTIC"] = "false"
    bot = await create_bot(load_settings(), knowledge_dir=knowledge, background=False)
    try:
        first = sorted(knowledge.glob("facts-*.yaml"))[0]
        first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # changed: read again
        done = asyncio.Event()
        gaps: list[float] = []

        async def answer() -> None:
            last, n = time.perf_counter(), 0
            while not done.is_set():
                bot.answer(questions[n % len(questions)])
                n += 1
                now = time.perf_counter()
                gaps.append(now - last)
                last = now
                await asyncio.sleep(0)

        task = asyncio.create_task(answer())
        await asyncio.sleep(0.2)
        gaps.clear()
        await asyncio.sleep(IDLE_S)  # the same answering without a reload: what the machine itself adds
        idle = max(gaps)
        gaps.clear()
        start = time.perf_counter()
        report = await bot.reload(Actor("bench", "bench"))
        duration = time.perf_counter() - start
        done.set()
        await task
        assert report.ok, report.problems
        return max(gaps), duration, idle
    finally:
        await bot.close()
        os.environ.pop("FACTBOT_INDEX_CACHE", None)
        os.environ.pop("FACTBOT_SEMANTIC", None)


def reload_gaps(
    runs: int, knowledge: Path, scratch: Path, questions: Sequence[str]
) -> list[tuple[float, float, float]]:
    result = []
    for run in range(runs):
        result.append(asyncio.run(_reload_gap(knowledge, scratch / f"reload-{run}", questions)))
    return result


_MILLION = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from bench_matching import _cpu_ms, _pct
from bot.core.cache import IndexCache
from bot.core.matching.specificity import warm_up
from bot.core.service import load_state
from pathlib import Path
questions = json.loads(sys.stdin.read())
state = load_state(Path(sys.argv[2]), IndexCache(Path(sys.argv[3])))
warm_up()
state.index.prepare()  # as a serving bot's warm-up does
latency = _cpu_ms(state.answer, questions)
print(json.dumps({"p50": _pct(latency, 50), "p99": _pct(latency, 99),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def million(runs: int, scratch: Path, queries: int) -> dict[str, float]:
    """1,000,000 phrasings: per-question CPU time and peak memory of a bot answering from the cache,
    and the whole process's start to first answer from the cache."""
    corpus = make_corpus(1_000_000, queries)
    knowledge = write_knowledge(corpus, scratch / "million")
    cache = scratch / "million-data" / "index-cache"
    env = _env(scratch / "million-data")
    questions = json.dumps([q for q, _ in corpus.named + corpus.general])
    del corpus
    gc.collect()
    ask = [sys.executable, "-m", "bot", "--knowledge", str(knowledge), "ask", "--json", QUESTION]
    first, first_cpu = _run(ask, env)  # reads the files and writes the cache
    measured = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _MILLION, str(Path(__file__).parent), str(knowledge), str(cache)],
            input=questions,
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        wall, cpu = _run(ask, env)
        measured.append({**json.loads(out.stdout), "cached_start_s": wall, "cached_start_cpu_s": cpu})
    return {key: statistics.median(m[key] for m in measured) for key in measured[0]} | {
        "uncached_start_s": first,
        "uncached_start_cpu_s": first_cpu,
    }


def semantic(runs: int, scratch: Path) -> dict[str, float] | None:
    """The semantic stage on the shipped knowledge (``bench_semantic.py`` prints the details): per
    question over the tuning set's questions with the stage on and off, what a warm embedding cache
    adds to a start, and nearest-phrasing search over 100k vectors; ``None`` without an encoder."""
    import bench_semantic as sem
    import yaml

    from bot.adapters.encoders.e5 import forget_models
    from bot.adapters.encoders.e5 import load as load_e5
    from bot.core.semantic.runtime import SemanticRuntime
    from bot.settings import DEFAULT_KNOWLEDGE_DIR

    kb = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    questions = [e["q"] for e in yaml.safe_load(sem.QUESTIONS.read_text(encoding="utf-8"))["questions"]]
    cache = scratch / "embeddings"
    lexical = KnowledgeState(kb)
    state = KnowledgeState(kb, SemanticRuntime(load_e5, cache))
    state.prepare()  # embeds the shipped phrasings once (cold cache)
    if state.semantic is None or state.semantic.off:
        return None
    measured = []
    for _ in range(runs):
        _, off, _ = sem.latency(lexical, questions, 1)
        _, on, routes = sem.latency(state, questions, 1)
        confident = [v for v, r in zip(on, routes, strict=True) if r == "lexical"]
        gc.collect()
        started = time.perf_counter()
        KnowledgeState(kb)
        alone = time.perf_counter() - started
        forget_models()  # the model's file opened again, as in a new process
        started = time.perf_counter()
        KnowledgeState(kb, SemanticRuntime(load_e5, cache)).prepare()  # a new process's runtime
        warm = time.perf_counter() - started
        search = {method: p99 for method, _, _, _, p99, _ in sem.search(100_000, 300, hnsw=False)}
        measured.append(
            {
                "off_p50": sem.percentile(off, 50) * 1000,
                "off_p99": sem.percentile(off, 99) * 1000,
                "on_p50": sem.percentile(on, 50) * 1000,
                "on_p99": sem.percentile(on, 99) * 1000,
                "confident_p50": sem.percentile(confident, 50) * 1000,
                "confident_share": len(confident) / len(questions),
                "warm_extra_s": max(0.0, warm - alone),
                "exact_p99": search["exact float32 matrix"] * 1000,
                "quantised_p99": search["quantised matrix (factbot)"] * 1000,
                "questions": len(questions),
            }
        )
    return {key: statistics.median(m[key] for m in measured) for key in measured[0]}


def _load() -> str:
    """The machine's load averages (other work competes for the cores)."""
    return " / ".join(f"{v:.1f}" for v in os.getloadavg())


def _med(runs: list[dict[str, float]], key: str) -> float | None:
    values = [r[key] for r in runs if key in r]
    return statistics.median(values) if values else None


def report(
    args: argparse.Namespace,
    corpus: Corpus,
    runs: list[dict[str, float]],
    yaml_s: list[float],
    starts: dict[str, list[float]],
    reloads: list[tuple[float, float, float]],
    big: dict[str, float] | None,
    sem: dict[str, float] | None = None,
    load: str = "-",
) -> str:
    m = lambda key: _med(runs, key)  # noqa: E731
    pct = lambda v: "-" if v is None else f"{v:.1%}"  # noqa: E731
    ms = lambda v: "-" if v is None else (f"{v:.3f} ms" if v < 10 else f"{v:.0f} ms")  # noqa: E731
    s = lambda v: "-" if v is None else f"{v:.2f} s"  # noqa: E731
    py, ask = statistics.median(starts["python"]), statistics.median(starts["ask"])
    py_cpu, ask_cpu = statistics.median(starts["python_cpu"]), statistics.median(starts["ask_cpu"])
    n, cli = len(runs), len(starts["python"])
    start = lambda key: (  # noqa: E731
        f"{statistics.median(starts[key]):.2f} s ({statistics.median(starts[key + '_cpu']):.2f} s CPU)"
        if starts.get(key)
        else "-"
    )
    facts = len(corpus.facts)
    rows = [
        (
            f"{corpus.phrasings:,} phrasings ({facts:,} facts): p50 / p99 per question, one core (CPU)",
            f"{ms(m('p50'))} / {ms(m('p99'))}",
            f"{ms(m('w_p50'))} / {ms(m('w_p99'))}",
            f"{ms(m('t_p50'))} / {ms(m('t_p99'))}",
            "≤ 0.5 / 1.5 ms",
            n,
        ),
        (
            "speed-up over WRatio extractOne, same questions, same run (median / median)",
            f"{m('speedup'):.0f}x",
            "1x",
            "-",
            "≥ 150x",
            n,
        ),
        (
            "near-duplicates, top-1 right fact: named / general questions",
            f"{pct(m('named'))} / {pct(m('general'))}",
            f"{pct(m('w_named'))} / {pct(m('w_general'))}",
            f"{pct(m('t_named'))} / {pct(m('t_general'))}",
            "≥ 95%",
            n,
        ),
        ("near-duplicates, right family (the fact or a copy)", pct(m("family")), "-", "-", "", n),
        (
            "uncached build of the index and the detail check from loaded facts (wall, and CPU)",
            f"{s(m('build_s'))} ({s(m('build_cpu_s'))} CPU)",
            "-",
            s(m("t_build_s")),
            "≤ 3 s",
            n,
        ),
        ("reading and validating the YAML files (wall)", s(statistics.median(yaml_s)), "-", "-", "", len(yaml_s)),
        (
            "whole process: factbot ask --json on the grown base, first start (reads, indexes, caches)",
            start("grown_uncached"),
            "-",
            "-",
            "",
            1,
        ),
        (
            "whole process: factbot ask --json on the grown base, from the index cache",
            start("grown_cached"),
            "-",
            "-",
            "< 1 s",
            cli,
        ),
        (
            "whole process: factbot ask --json on the shipped base / Python + numpy, rapidfuzz, yaml",
            f"{ask:.2f} s / {py:.2f} s = {ask / py:.1f}x (CPU {ask_cpu:.2f} s / {py_cpu:.2f} s = {ask_cpu / py_cpu:.1f}x)",
            "-",
            "-",
            "≤ 3x",
            cli,
        ),
        (
            "longest gap between answers while the grown base reloads (reload took) / without a reload",
            f"{statistics.median(g for g, _, _ in reloads) * 1000:.0f} ms "
            f"({statistics.median(d for _, d, _ in reloads):.1f} s) / "
            f"{statistics.median(i for _, _, i in reloads) * 1000:.0f} ms"
            if reloads
            else "-",
            "-",
            "-",
            "≤ 50 ms",
            len(reloads),
        ),
    ]
    if sem is not None:
        rows += [
            (
                f"semantic stage on (off), shipped base: p50 / p99 per question over the tuning set's "
                f"{sem['questions']:.0f} questions, one core (CPU)",
                f"{ms(sem['on_p50'])} / {ms(sem['on_p99'])} ({ms(sem['off_p50'])} / {ms(sem['off_p99'])})",
                "-",
                "-",
                "p99 < 30 ms",
                args.runs,
            ),
            (
                f"semantic stage on: p50 of the {sem['confident_share']:.0%} the lexical index answers "
                "confidently (no encoder)",
                ms(sem["confident_p50"]),
                "-",
                "-",
                "< 1 ms",
                args.runs,
            ),
            ("semantic stage: what a warm embedding cache adds to a start (wall)", s(sem["warm_extra_s"]), "-", "-",
             "< 0.3 s", args.runs),
            (
                "semantic stage: nearest phrasing among 100k vectors, p99 (CPU): quantised matrix / exact "
                "float32 (HNSW: bench_semantic.py)",
                f"{ms(sem['quantised_p99'])} / {ms(sem['exact_p99'])}",
                "-",
                "-",
                "≤ 10 ms",
                args.runs,
            ),
        ]
    if big is not None:
        rows += [
            (
                "1,000,000 phrasings: p50 / p99 per question, one core (CPU)",
                f"{ms(big['p50'])} / {ms(big['p99'])}",
                "-",
                "-",
                "p50 ≤ 1.5 ms",
                args.runs,
            ),
            (
                "1,000,000 phrasings: peak resident memory answering from the cache",
                f"{big['rss_mb']:.0f} MB",
                "-",
                "-",
                "≤ 1 GB",
                args.runs,
            ),
            (
                "1,000,000 phrasings: whole process, factbot ask from the index cache / first start",
                f"{big['cached_start_s']:.1f} s ({big['cached_start_cpu_s']:.1f} s CPU) / "
                f"{big['uncached_start_s']:.0f} s ({big['uncached_start_cpu_s']:.0f} s CPU)",
                "-",
                "-",
                "cached < 5 s",
                args.runs,
            ),
        ]
    header = ("figure", "factbot", "WRatio extractOne", "tantivy BM25", "target", "runs")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    out = [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)]
    out.append(
        f"\nMedians of {n} runs ({cli} alternating process starts); WRatio on {args.baseline_questions} of the "
        f"{len(corpus.named) + len(corpus.general):,} questions; Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores; load average {load}."
    )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phrasings", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000, help="questions of each kind (named, general)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-questions", type=int, default=40, help="questions WRatio answers per run")
    parser.add_argument("--starts", type=int, default=10, help="alternating whole-process starts")
    parser.add_argument("--million", action="store_true", help="also measure 1,000,000 phrasings (minutes)")
    parser.add_argument("--no-semantic", action="store_true", help="leave out the semantic stage's rows")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, for us and our children
    load_before = _load()
    corpus = make_corpus(args.phrasings, args.queries)
    if not _tantivy_available():
        print("tantivy is not installed (pip install -e '.[bench]'): its column stays empty", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="factbot-bench-") as name:
        scratch = Path(name)
        knowledge = write_knowledge(corpus, scratch / "knowledge")
        runs, yaml_s = [], []
        for number in range(args.runs):
            print(f"run {number + 1}/{args.runs}: questions", file=sys.stderr, flush=True)
            runs.append(run_queries(corpus, args.baseline_questions))
            start = time.perf_counter()
            load_knowledge(knowledge)
            yaml_s.append(time.perf_counter() - start)
        print("process starts", file=sys.stderr, flush=True)
        starts = startups(args.starts, knowledge, scratch)
        print("reloads", file=sys.stderr, flush=True)
        questions = [q for q, _ in corpus.named[:200] + corpus.general[:200]]
        reloads = reload_gaps(args.runs, knowledge, scratch, questions)
        big = None
        if args.million:
            print("1,000,000 phrasings", file=sys.stderr, flush=True)
            big = million(args.runs, scratch, 500)
        sem = None
        if not args.no_semantic:
            print("semantic stage", file=sys.stderr, flush=True)
            sem = semantic(args.runs, scratch)
        load = f"{load_before} before, {_load()} after (1, 5 and 15 minutes)"
        print(report(args, corpus, runs, yaml_s, starts, reloads, big, sem, load))
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
