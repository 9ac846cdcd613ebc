"""Matching benchmark: factbot's question index against the naive rapidfuzz baseline.

Generates synthetic knowledge bases of 1k, 10k and 100k question phrasings (short English-like
questions over a Zipf vocabulary, with rare invented names that tell facts apart), then measures in
one run, for factbot and for ``process.extractOne(query, all_phrasings, scorer=WRatio)``:

* index build time and memory (tracemalloc peak while building),
* per-query latency p50/p99 (each query timed over several repeats; the median of its repeats),
* top-1 accuracy on held-out paraphrases and on typo queries, and the abstention rate on off-topic
  queries (factbot only: the baseline has no notion of abstaining).

Run: ``make bench`` or ``python bench/bench_matching.py [--sizes 1000 10000] [--repeats 5]``.
This is a benchmark, not a test: the figures depend on the machine and are read by people.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import string
import time
import tracemalloc
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.answers import ANSWER_THRESHOLD
from bot.core.knowledge.schema import Fact, Source
from bot.core.matching import QuestionIndex
from bot.core.matching.specificity import warm_up

PHRASINGS_PER_FACT = 10
_SOURCE = Source.model_construct(publisher="Synthetic", article="Benchmark", section=None, url=None, date=None)
_OPENERS = [
    "what is",
    "how does",
    "why did",
    "when was",
    "who is",
    "tell me about",
    "what about",
    "is there",
    "does",
    "explain",
]


def _word(rng: random.Random, low: int, high: int) -> str:
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    length = rng.randint(low, high)
    return "".join(rng.choice(consonants if i % 2 == 0 else vowels) for i in range(length))


def _phrasing(rng: random.Random, vocab: list[str], zipf: list[float], signature: list[str]) -> str:
    """A question about one fact: an opener, common words and part of the fact's signature."""
    common = rng.choices(vocab, weights=zipf, k=rng.randint(2, 6))
    core = rng.sample(signature[:2], k=rng.randint(1, 2)) + rng.sample(signature[2:], k=rng.randint(1, 3))
    words = common + core
    rng.shuffle(words)
    return f"{rng.choice(_OPENERS)} {' '.join(words)}"[:100]


@dataclass
class Corpus:
    facts: list[Fact]
    phrasings: list[str]  # every indexed phrasing, for the baseline
    owners: list[str]  # fact id of each phrasing
    paraphrase: list[tuple[str, str]]  # (query, expected fact id)
    typo: list[tuple[str, str]]
    offtopic: list[str]


def make_corpus(n_phrasings: int, n_queries: int, seed: int = 7) -> Corpus:
    rng = random.Random(seed)
    n_facts = max(1, n_phrasings // PHRASINGS_PER_FACT)
    vocab_size = max(500, n_facts * 3)
    vocab = list(dict.fromkeys(_word(rng, 3, 9) for _ in range(vocab_size * 2)))[:vocab_size]
    zipf = [1.0 / (rank + 1) ** 1.1 for rank in range(len(vocab))]
    names = list(dict.fromkeys(_word(rng, 6, 11) for _ in range(n_facts * 3)))
    rng.shuffle(names)
    facts, phrasings, owners, paraphrase, typo = [], [], [], [], []
    for i in range(n_facts):
        signature = names[2 * i : 2 * i + 2] + rng.choices(vocab, weights=zipf, k=4)

        questions = list(dict.fromkeys(_phrasing(rng, vocab, zipf, signature) for _ in range(PHRASINGS_PER_FACT)))
        fact_id = f"f{i}"
        facts.append(
            Fact.model_construct(
                id=fact_id,
                title=" ".join(signature[:3]),
                answer=" ".join(signature),
                questions=questions,
                topic="t",
                tags=[],
                keywords=[],
                sources=[_SOURCE],
                related=[],
                reviewed=None,
                hidden=False,
            )
        )
        phrasings.extend(questions)
        owners.extend([fact_id] * len(questions))
    for _ in range(n_queries):
        i = rng.randrange(n_facts)
        fact = facts[i]
        signature = names[2 * i : 2 * i + 2]
        held_out = rng.sample(fact.answer.split(), k=3)
        if not any(s in held_out for s in signature):
            held_out[0] = rng.choice(signature)
        words = held_out + rng.choices(vocab, weights=zipf, k=rng.randint(1, 3))
        rng.shuffle(words)
        query = f"{rng.choice(_OPENERS)} {' '.join(words)}"
        paraphrase.append((query, fact.id))
        name = rng.choice(signature)
        pos = rng.randrange(1, len(name) - 1)
        broken = name[:pos] + rng.choice(string.ascii_lowercase.replace(name[pos], "")) + name[pos + 1 :]
        typo.append((query.replace(name, broken) if name in query else f"{broken} {query}", fact.id))
    offtopic = [" ".join(_word(rng, 4, 8) + "q" for _ in range(rng.randint(2, 5))) for _ in range(n_queries)]
    return Corpus(facts, phrasings, owners, paraphrase, typo, offtopic)


def _time_queries(fn, queries: list[str], repeats: int) -> list[float]:
    """Per-query latency in ms: the median of ``repeats`` timings of each query."""
    per_query = [[] for _ in queries]
    for _ in range(repeats):
        for k, q in enumerate(queries):
            start = time.perf_counter()
            fn(q)
            per_query[k].append((time.perf_counter() - start) * 1000.0)
    return [statistics.median(samples) for samples in per_query]


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(size: int, n_queries: int, repeats: int, baseline_queries: int, baseline_repeats: int) -> dict[str, float]:
    corpus = make_corpus(size, n_queries)
    warm_up()  # the English word lists, loaded once per process as the bot does at start-up
    gc.collect()
    start = time.perf_counter()
    index = QuestionIndex(corpus.facts)
    build_s = time.perf_counter() - start
    del index
    gc.collect()
    tracemalloc.start()
    index = QuestionIndex(corpus.facts)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    def top1(q: str) -> str | None:
        hit = index.search(q, limit=1).best
        return hit.fact.id if hit else None

    def answered(q: str) -> str | None:
        hit = index.search(q, limit=1).best
        return hit.fact.id if hit and hit.confidence >= ANSWER_THRESHOLD else None

    queries = [q for q, _ in corpus.paraphrase] + [q for q, _ in corpus.typo] + corpus.offtopic
    lat = _time_queries(top1, queries, repeats)
    para = sum(top1(q) == want for q, want in corpus.paraphrase) / len(corpus.paraphrase)
    typo = sum(top1(q) == want for q, want in corpus.typo) / len(corpus.typo)
    abstain = sum(answered(q) is None for q in corpus.offtopic) / len(corpus.offtopic)

    choices = corpus.phrasings

    def baseline(q: str) -> str | None:
        found = process.extractOne(q, choices, scorer=fuzz.WRatio, processor=str.lower)
        return corpus.owners[found[2]] if found else None

    b_para_q = corpus.paraphrase[: baseline_queries // 2]
    b_typo_q = corpus.typo[: baseline_queries // 2]
    b_lat = _time_queries(baseline, [q for q, _ in b_para_q + b_typo_q], baseline_repeats)
    b_para = sum(baseline(q) == want for q, want in b_para_q) / len(b_para_q)
    b_typo = sum(baseline(q) == want for q, want in b_typo_q) / len(b_typo_q)
    return {
        "size": len(corpus.phrasings),
        "facts": len(corpus.facts),
        "build_s": build_s,
        "mem_mb": peak / 2**20,
        "p50": _pct(lat, 50),
        "p99": _pct(lat, 99),
        "para": para,
        "typo": typo,
        "abstain": abstain,
        "b_p50": _pct(b_lat, 50),
        "b_p99": _pct(b_lat, 99),
        "b_para": b_para,
        "b_typo": b_typo,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300, help="queries of each kind")
    parser.add_argument("--repeats", type=int, default=5, help="timings of each factbot query (median kept)")
    parser.add_argument("--baseline-queries", type=int, default=100)
    parser.add_argument("--baseline-repeats", type=int, default=3)
    args = parser.parse_args()
    header = (
        f"{'phrasings':>9} {'facts':>6} {'build':>7} {'memory':>8} | "
        f"{'factbot p50/p99 ms':>19} {'top-1 para/typo':>16} "
        f"{'off-topic abstain':>17} | {'baseline p50/p99 ms':>20} {'top-1 para/typo':>16} | {'speed-up p50/p99':>16}"
    )
    print(header)
    print("-" * len(header))
    for size in args.sizes:
        r = run(size, args.queries, args.repeats, args.baseline_queries, args.baseline_repeats)
        print(
            f"{r['size']:>9,} {r['facts']:>6,} {r['build_s']:>6.2f}s {r['mem_mb']:>6.1f}MB | "
            f"{r['p50']:>8.3f} / {r['p99']:>7.3f} {r['para']:>7.0%} / {r['typo']:>5.0%} {r['abstain']:>17.0%} | "
            f"{r['b_p50']:>9.2f} / {r['b_p99']:>7.2f} {r['b_para']:>7.0%} / {r['b_typo']:>5.0%} | "
            f"{r['b_p50'] / r['p50']:>7.0f}x / {r['b_p99'] / r['p99']:>5.0f}x",
            flush=True,
        )


if __name__ == "__main__":
    main()
