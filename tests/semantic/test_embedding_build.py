"""Building the phrasings' embeddings with the real model: batches embedded by several workers at
once give the vectors one worker gives, a stopped build keeps what it embedded, and a member's
question is embedded beside a build instead of after it."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.app import semantic_runtime as runtime_for
from bot.core.knowledge import load_knowledge
from bot.core.semantic import runtime as runtime_module
from bot.core.semantic.encoder import Encoder
from bot.core.semantic.runtime import BuildStopped, SemanticRuntime, fact_texts, host_cores
from bot.settings import SettingError, Settings
from support.encoders import Watching

LIBRARY = Path(__file__).parent.parent / "slack" / "knowledge"


def _library_texts() -> list[str]:
    return [t for f in load_knowledge(LIBRARY).visible for t in fact_texts(f)]


def _batched(semantic_runtime: SemanticRuntime, monkeypatch: pytest.MonkeyPatch, batch: int) -> tuple[Encoder, list[str]]:
    """The real encoder and the library base's texts, embedded ``batch`` texts at a time."""
    real = semantic_runtime.encoder()
    assert real is not None
    monkeypatch.setattr(runtime_module, "BATCH", batch)
    return real, _library_texts()


@pytest.mark.timeout(120)
def test_batches_embedded_by_several_workers_give_the_vectors_of_one(
    semantic_runtime: SemanticRuntime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, texts = _batched(semantic_runtime, monkeypatch, 4)  # several batches from the small library base
    assert len(texts) > 3 * 4
    both_started = threading.Barrier(2, timeout=30)

    class Paired(Watching):
        def before(self, texts: Sequence[str]) -> None:
            if texts == batches[0] or texts == batches[1]:
                both_started.wait()  # the first two batches run at the same time, or this times out

    batches = [texts[i : i + 4] for i in range(0, len(texts), 4)]
    parallel = Paired(real)
    vectors = SemanticRuntime(lambda: parallel, tmp_path / "parallel", build_threads=2).embed_texts(texts)
    one = Watching(real)
    alone = SemanticRuntime(lambda: one, tmp_path / "alone", build_threads=1).embed_texts(texts)

    assert parallel.overlap == 2 and len(parallel.threads) == 2
    assert one.overlap == 1
    assert sorted(parallel.texts) == sorted(texts)  # each text embedded once
    np.testing.assert_allclose(vectors, alone, rtol=0, atol=1e-6)
    restarted = Watching(real)  # the cache the parallel build wrote serves a new process
    again = SemanticRuntime(lambda: restarted, tmp_path / "parallel", build_threads=2).embed_texts(texts)
    assert restarted.texts == []
    np.testing.assert_array_equal(again, vectors)


@pytest.mark.timeout(120)
def test_a_stopped_parallel_build_keeps_what_it_embedded(
    semantic_runtime: SemanticRuntime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, texts = _batched(semantic_runtime, monkeypatch, 2)
    stop = threading.Event()

    class Stopping(Watching):
        def before(self, texts: Sequence[str]) -> None:
            stop.set()  # the bot closes while the first batches are being embedded

    first = Stopping(real)
    with pytest.raises(BuildStopped):
        SemanticRuntime(lambda: first, tmp_path, build_threads=2).embed_texts(texts, stop=stop)
    assert 0 < len(first.texts) <= (2 + 1) * 2  # the batches in progress and the one waiting, no more
    restarted = Watching(real)
    SemanticRuntime(lambda: restarted, tmp_path, build_threads=2).embed_texts(texts)
    assert sorted(first.texts + restarted.texts) == sorted(texts)  # the rest, nothing twice


@pytest.mark.timeout(120)
def test_a_question_is_embedded_while_a_build_runs(semantic_runtime: SemanticRuntime, tmp_path: Path) -> None:
    real = semantic_runtime.encoder()
    assert real is not None
    asked = threading.Event()
    waited: list[bool] = []

    class Held(Watching):
        def before(self, texts: Sequence[str]) -> None:
            if texts != ["Wann ist die Bibliothek geöffnet?"]:
                waited.append(asked.wait(timeout=30))  # a build batch waits for the question

    held = Held(real)
    runtime = SemanticRuntime(lambda: held, tmp_path, build_threads=1)
    runtime.encoder()
    build = threading.Thread(target=runtime.embed_texts, args=(_library_texts(),))
    build.start()
    try:
        while not waited and not held.texts:
            threading.Event().wait(0.01)  # the build's first batch has started
        vector = runtime.embed_question("Wann ist die Bibliothek geöffnet?")
        asked.set()
    finally:
        asked.set()
        build.join()
    assert vector is not None and vector.shape == (real.dim,)
    assert waited and all(waited)  # the question did not wait for the batch holding the encoder


def test_the_build_uses_every_core_unless_the_setting_says_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FACTBOT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FACTBOT_SEMANTIC_BUILD_THREADS", raising=False)
    default = runtime_for(Settings(env_file=Path(os.devnull)))
    assert default is not None and default.build_threads == host_cores() == len(os.sched_getaffinity(0))
    monkeypatch.setenv("FACTBOT_SEMANTIC_BUILD_THREADS", "3")
    three = runtime_for(Settings(env_file=Path(os.devnull)))
    assert three is not None and three.build_threads == 3
    monkeypatch.setenv("FACTBOT_SEMANTIC_BUILD_THREADS", "0")
    with pytest.raises(SettingError, match="FACTBOT_SEMANTIC_BUILD_THREADS"):
        Settings(env_file=Path(os.devnull))


@pytest.mark.timeout(120)
def test_the_phrasings_and_the_background_are_one_build(semantic_runtime: SemanticRuntime, tmp_path: Path) -> None:
    """The batch after the last phrasings holds the first background questions: the workers never
    wait for the phrasings' last batch before starting on the background."""
    from bot.core.semantic.background import BACKGROUND, named_background

    real = semantic_runtime.encoder()
    assert real is not None
    kb = load_knowledge(LIBRARY)
    texts = _library_texts()
    assert len(texts) % runtime_module.BATCH != 0  # the phrasings' last batch has room
    watching = Watching(real)
    index = SemanticRuntime(lambda: watching, tmp_path, build_threads=2).build_index(kb.visible)
    assert index is not None and len(index) == len(texts) and index.background_size > 0
    assert any(set(c) & set(texts) and set(c) & set(BACKGROUND) for c in watching.calls)
    named = named_background(fact.answer for fact in kb.visible)
    assert sorted(watching.texts) == sorted({*texts, *BACKGROUND, *named})
