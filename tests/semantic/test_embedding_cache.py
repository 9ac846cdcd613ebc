"""The embedding cache: keyed by model and text, written atomically, one new shard per flush."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from bot.core.semantic.cache import MERGE_ABOVE, EmbeddingCache, model_folder

DIM = 8


def vectors(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)


def test_vectors_survive_a_restart_and_unknown_texts_are_reported(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path, "model-a", DIM)
    texts = ["does china recognise kosovo?", "china kosovo interpol", "Косово"]
    cache.add(texts, vectors(3))
    cache.flush()
    again = EmbeddingCache(tmp_path, "model-a", DIM)
    found, missing = again.lookup([*texts, "something new"])
    assert missing == [3]
    np.testing.assert_array_equal(found[:3], vectors(3))
    assert not found[3].any()


def test_each_flush_writes_only_the_new_vectors(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path, "model-a", DIM)
    cache.add(["a", "b"], vectors(2))
    cache.flush()
    cache.add(["a", "c"], vectors(2, seed=1))  # "a" is known: only "c" is new
    cache.flush()
    cache.flush()  # nothing pending: no file
    folder = tmp_path / model_folder("model-a")
    shards = sorted(folder.glob("shard-*.npz"))
    assert len(shards) == 2
    sizes = sorted(len(np.load(p)["keys"]) for p in shards)
    assert sizes == [1, 2]
    assert not list(folder.glob(".tmp-*")), "temporary files are renamed into place"


def test_models_do_not_share_vectors(tmp_path: Path) -> None:
    EmbeddingCache(tmp_path, "model-a", DIM).add(["a"], vectors(1))
    first = EmbeddingCache(tmp_path, "model-a", DIM)
    first.add(["a"], vectors(1))
    first.flush()
    assert EmbeddingCache(tmp_path, "model-b", DIM).lookup(["a"])[1] == [0]
    assert EmbeddingCache(tmp_path, "model-a", DIM).lookup(["a"])[1] == []


def test_an_unreadable_shard_is_ignored_removed_and_its_texts_embedded_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = EmbeddingCache(tmp_path, "model-a", DIM)
    cache.add(["a"], vectors(1))
    cache.flush()
    broken = tmp_path / model_folder("model-a") / "shard-0000000000000000.npz"
    broken.write_bytes(b"not a zip file")
    with caplog.at_level(logging.WARNING):
        again = EmbeddingCache(tmp_path, "model-a", DIM)
    assert again.lookup(["a"])[1] == []
    assert not broken.exists()
    assert "ignoring unreadable" in caplog.text


def test_many_shards_are_merged_into_one(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path, "model-a", DIM)
    for i in range(MERGE_ABOVE + 2):  # one process, many edits: one shard each
        cache.add([f"text {i}"], vectors(1, seed=i))
        cache.flush()
    assert len(list((tmp_path / model_folder("model-a")).glob("shard-*.npz"))) == MERGE_ABOVE + 2
    merged = EmbeddingCache(tmp_path, "model-a", DIM)
    assert len(merged) == MERGE_ABOVE + 2
    assert len(list((tmp_path / model_folder("model-a")).glob("shard-*.npz"))) == 1
    found, missing = EmbeddingCache(tmp_path, "model-a", DIM).lookup([f"text {i}" for i in range(MERGE_ABOVE + 2)])
    assert missing == []
    np.testing.assert_array_equal(found[5], vectors(1, seed=5)[0])


def test_without_a_directory_the_cache_lives_in_memory(tmp_path: Path) -> None:
    cache = EmbeddingCache(None, "model-a", DIM)
    cache.add(["a"], vectors(1))
    cache.flush()
    assert cache.lookup(["a"])[1] == []
