"""The semantic stage of one knowledge state: its phrasings' index, built once, on first need."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Sequence

import numpy as np

from bot.core.knowledge.schema import Fact
from bot.core.semantic.encoder import EncoderUnavailable
from bot.core.semantic.index import Nearest, SemanticIndex
from bot.core.semantic.runtime import BuildStopped, SemanticRuntime

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True, slots=True)
class SemanticResult:
    """The semantic stage's reading of one question."""

    vector: np.ndarray
    nearest: list[Nearest]
    index: SemanticIndex
    background: float | None = None  # similarity to the background (see SemanticIndex.background)
    named: float | None = None  # similarity to the named background (see SemanticIndex.named)

    def similarity(self, fact: int) -> Nearest | None:
        return self.index.similarity(self.vector, fact)


class SemanticStage:
    """Embeds the facts of one knowledge state (only what the cache lacks) and reads questions."""

    def __init__(self, runtime: SemanticRuntime, facts: Sequence[Fact]) -> None:
        self.runtime = runtime
        self._facts = tuple(facts)
        self._index: SemanticIndex | None = None
        self._failed = False
        self._lock = threading.Lock()
        self._stop = threading.Event()

    @property
    def ready(self) -> bool:
        """Whether the phrasings' index is built (a question then costs one embedding)."""
        return self._index is not None

    @property
    def building(self) -> bool:
        return self._lock.locked()

    @property
    def off(self) -> bool:
        """Whether the stage cannot run (no encoder here)."""
        return self._failed or self.runtime.failed is not None

    def prepare(self) -> SemanticIndex | None:
        """Build the phrasings' index now (blocking; call it from a worker thread on an event loop)."""
        if self._index is not None or self.off:
            return self._index
        with self._lock:
            if self._index is None and not self._failed:
                try:
                    self._index = self.runtime.build_index(self._facts, self._stop)
                except BuildStopped:
                    return None  # closing: what was embedded is cached for the next start
                except EncoderUnavailable:
                    self._failed = True
                if self._index is None:
                    self._failed = True
        return self._index

    def stop(self) -> None:
        """Ask a build in progress to end after its current batch (the bot is closing)."""
        self._stop.set()

    def read(self, text: str, top: int) -> SemanticResult | None:
        """The nearest facts of ``text`` (blocking); ``None`` when the stage is off."""
        index = self.prepare()
        if index is None:
            return None
        vector = self.runtime.embed_question(text)
        if vector is None:
            return None
        return SemanticResult(
            vector, index.nearest(vector, top), index, index.background(vector), index.named(vector)
        )
