"""Nearest phrasings per fact: exact below EXACT_LIMIT, a quantised matrix above it."""

from __future__ import annotations

import numpy as np

from bot.core.semantic import index as semantic_index
from bot.core.semantic.index import AGREEING, SemanticIndex


def clustered(n_facts: int, per_fact: int, dim: int = 64, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Phrasings that cluster around their fact's centre, like paraphrases do."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((n_facts, dim)).astype(np.float32)
    owners = np.repeat(np.arange(n_facts), per_fact)
    vectors = centres[owners] + 0.6 * rng.standard_normal((len(owners), dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors, owners


def brute_force(vectors: np.ndarray, owners: np.ndarray, query: np.ndarray) -> list[tuple[int, float]]:
    sims = vectors @ query
    scores = []
    for fact in np.unique(owners):
        best = np.sort(sims[owners == fact])[::-1][:AGREEING]
        scores.append((int(fact), float(best.mean())))
    return sorted(scores, key=lambda s: -s[1])


def test_exact_search_is_the_mean_of_each_facts_closest_phrasings() -> None:
    vectors, owners = clustered(31, 15)
    index = SemanticIndex(vectors, owners, [str(i) for i in range(len(owners))], 31)
    assert not index.quantised
    query = vectors[40] + vectors[41]
    query /= np.linalg.norm(query)
    found = index.nearest(query, top=5)
    expected = brute_force(vectors, owners, query)[:5]
    assert [n.fact for n in found] == [f for f, _ in expected]
    np.testing.assert_allclose([n.similarity for n in found], [s for _, s in expected], rtol=1e-5)
    assert owners[found[0].row] == found[0].fact
    single = index.similarity(query, found[0].fact)
    assert single is not None and abs(single.similarity - found[0].similarity) < 1e-5


def test_the_quantised_search_finds_what_the_exact_one_finds(monkeypatch) -> None:
    monkeypatch.setattr(semantic_index, "EXACT_LIMIT", 1_000)
    vectors, owners = clustered(600, 10)
    quantised = SemanticIndex(vectors, owners, [""] * len(owners), 600)
    assert quantised.quantised
    rng = np.random.default_rng(7)
    agree = 0
    queries = rng.integers(0, len(owners), 100)
    for row in queries:
        query = vectors[row] + 0.3 * rng.standard_normal(vectors.shape[1]).astype(np.float32)
        query /= np.linalg.norm(query)
        expected = brute_force(vectors, owners, query)[0]
        found = quantised.nearest(query, top=3)[0]
        agree += found.fact == expected[0]
        if found.fact == expected[0]:
            assert abs(found.similarity - expected[1]) < 2e-3  # float16 copies
    assert agree >= 95


def test_rows_must_be_grouped_by_fact() -> None:
    vectors, _ = clustered(2, 2)
    try:
        SemanticIndex(vectors, [0, 1, 0, 1], ["a", "b", "c", "d"], 2)
    except ValueError:
        return
    raise AssertionError("rows out of fact order must be refused")


def test_an_empty_index_finds_nothing() -> None:
    index = SemanticIndex(np.zeros((0, 8), dtype=np.float32), [], [], 0)
    assert index.nearest(np.ones(8, dtype=np.float32)) == []


def test_the_background_is_the_mean_of_the_closest_background_questions_the_knowledge_does_not_answer() -> None:
    vectors, owners = clustered(4, 3)
    rng = np.random.default_rng(3)
    unrelated = rng.standard_normal((5, vectors.shape[1])).astype(np.float32)
    unrelated /= np.linalg.norm(unrelated, axis=1, keepdims=True)
    background = np.vstack([unrelated, vectors[4:5]])  # the last one is one of the knowledge's own phrasings
    index = SemanticIndex(vectors, owners, [""] * len(owners), 4, background)
    assert index.background_size == 5  # the knowledge's own question left the background
    query = unrelated[0] + 0.2 * unrelated[1]
    query /= np.linalg.norm(query)
    expected = np.sort(unrelated @ query)[::-1][:AGREEING].mean()
    assert abs(index.background(query) - expected) < 1e-6
    assert SemanticIndex(vectors, owners, [""] * len(owners), 4).background(query) is None


def test_the_named_background_is_read_like_the_background_and_apart_from_it() -> None:
    vectors, owners = clustered(4, 3)
    rng = np.random.default_rng(4)
    unrelated = rng.standard_normal((6, vectors.shape[1])).astype(np.float32)
    unrelated /= np.linalg.norm(unrelated, axis=1, keepdims=True)
    named = np.vstack([unrelated[3:], vectors[7:8]])  # the last one is one of the knowledge's own phrasings
    index = SemanticIndex(vectors, owners, [""] * len(owners), 4, unrelated[:3], named)
    assert index.background_size == 3 and index.named_size == 3
    query = unrelated[4] + 0.3 * unrelated[0]
    query /= np.linalg.norm(query)
    assert abs(index.named(query) - np.sort(unrelated[3:] @ query)[::-1][:AGREEING].mean()) < 1e-6
    assert abs(index.background(query) - np.sort(unrelated[:3] @ query)[::-1][:AGREEING].mean()) < 1e-6
    assert SemanticIndex(vectors, owners, [""] * len(owners), 4, unrelated[:3]).named(query) is None
