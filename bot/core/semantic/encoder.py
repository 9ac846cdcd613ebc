"""The encoder port: what the core needs from a sentence-embedding model.

Adapters implement it (:mod:`bot.adapters.encoders`); the core never imports a model library. An
encoder must be safe to call from several threads at once: :class:`SemanticRuntime` embeds a
build's batches in parallel and a member's question beside them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Encoder(Protocol):
    """A sentence-embedding model."""

    @property
    def model_id(self) -> str:
        """Names the model, its version and how texts are prepared: keys the embedding cache, so
        two encoders with the same id must give the same vectors."""
        ...

    @property
    def dim(self) -> int:
        """Length of a vector."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dim)`` float32 vectors, L2-normalised, one per text (questions and
        phrasings are embedded alike, so their dot product is their cosine similarity)."""
        ...


class EncoderUnavailable(RuntimeError):
    """No encoder can run here (library missing, no wheel for this platform, model not loadable).
    The message is one plain line for the operator's log."""
