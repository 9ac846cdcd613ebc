"""An encoder wrapper for tests: the real model, watched."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np

from bot.core.semantic.encoder import Encoder


class Watching:
    """The real encoder, recording what it embeds, on which threads and how many calls overlap
    (and, optionally, slowed down)."""

    def __init__(self, encoder: Encoder, delay: float = 0.0) -> None:
        self._encoder = encoder
        self._delay = delay
        self.texts: list[str] = []
        self.calls: list[list[str]] = []
        self.threads: set[int] = set()
        self.overlap = 0
        self._running = 0
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self._encoder.model_id

    @property
    def dim(self) -> int:
        return self._encoder.dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            self.texts.extend(texts)
            self.calls.append(list(texts))
            self.threads.add(threading.get_ident())
            self._running += 1
            self.overlap = max(self.overlap, self._running)
        try:
            self.before(texts)
            if self._delay:
                time.sleep(self._delay)
            return self._encoder.embed(texts)
        finally:
            with self._lock:
                self._running -= 1

    def before(self, texts: Sequence[str]) -> None:
        """Called before each batch is embedded (tests hold batches here)."""
