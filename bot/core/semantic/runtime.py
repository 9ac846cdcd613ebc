"""One encoder per process, its embedding cache, and the embedding of facts and questions.

The encoder is loaded on first use (``factbot ask`` on a confident lexical answer never loads it).
When it cannot load (no wheel for this platform, the model missing) the stage turns itself off
with one plain log line and the bot answers lexically: recall drops, nothing else changes.
Knowledge texts are embedded in small batches by ``build_threads`` workers at once (the host's
cores: a build is throughput), each batch on one of the encoder's threads; a question is embedded
in its caller's thread beside them, waiting for no batch. Callers on an event loop run these
methods in a worker thread.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.core.knowledge.schema import Fact
from bot.core.semantic.encoder import Encoder, EncoderUnavailable

if TYPE_CHECKING:
    from concurrent.futures import Future

    from bot.core.semantic.cache import EmbeddingCache
    from bot.core.semantic.index import SemanticIndex

log = logging.getLogger(__name__)

#: Texts embedded per encoder call while building (a stopped build ends after its batches in progress).
BATCH = 32
#: A build of at least this many new texts logs its progress.
PROGRESS_ABOVE = 1_000
#: Seconds between two progress lines.
PROGRESS_EVERY = 10.0
#: Question vectors kept in memory (never on disk).
QUESTION_CACHE = 2_048
#: Characters of a question given to the encoder (the model reads 512 tokens at most, and time
#: grows with length; the question extracted from a chat message is far shorter).
MAX_QUESTION_CHARS = 400


class BuildStopped(Exception):
    """An embedding build was asked to stop (the bot is closing)."""


def host_cores() -> int:
    """The cores this process may run on (its CPU affinity, which containers narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no affinity on this platform
        return max(1, os.cpu_count() or 1)


def fact_texts(fact: Fact) -> list[str]:
    """What is embedded of a fact: its phrasings and its title."""
    return list(dict.fromkeys([*fact.questions, fact.title]))


class SemanticRuntime:
    """The semantic stage's shared parts: encoder, embedding cache, question vectors."""

    def __init__(self, load: Callable[[], Encoder], cache_dir: Path | None = None, build_threads: int = 1) -> None:
        """``build_threads``: batches of knowledge texts embedded at once (questions take one each)."""
        self._load = load
        self._cache_dir = cache_dir
        self.build_threads = max(1, build_threads)
        self._encoder: Encoder | None = None
        self._cache: EmbeddingCache | None = None
        self._failed: str | None = None
        self._load_lock = threading.Lock()
        self._questions: OrderedDict[str, np.ndarray] = OrderedDict()
        self._questions_lock = threading.Lock()

    # -- the encoder -----------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._encoder is not None

    @property
    def failed(self) -> str | None:
        """Why the stage is off, once loading failed."""
        return self._failed

    def encoder(self) -> Encoder | None:
        """The encoder, loaded on first call; ``None`` (logged once) when it cannot run here."""
        if self._encoder is not None or self._failed is not None:
            return self._encoder
        with self._load_lock:
            if self._encoder is None and self._failed is None:
                started = time.perf_counter()
                try:
                    encoder = self._load()
                except EncoderUnavailable as exc:
                    self._failed = str(exc)
                    log.warning("semantic matching is off: %s (answers use the lexical index alone)", exc)
                    return None
                from bot.core.semantic.cache import EmbeddingCache

                self._cache = EmbeddingCache(self._cache_dir, encoder.model_id, encoder.dim)
                self._encoder = encoder
                log.info(
                    "semantic matching: %s loaded in %.0f ms, %d cached embeddings",
                    encoder.model_id, (time.perf_counter() - started) * 1000.0, len(self._cache),
                )
        return self._encoder

    @property
    def model_id(self) -> str | None:
        encoder = self.encoder()
        return encoder.model_id if encoder else None

    # -- embedding -------------------------------------------------------------------------------

    def embed_texts(
        self, texts: Sequence[str], *, what: str = "phrasings", stop: threading.Event | None = None
    ) -> np.ndarray:
        """Vectors of knowledge texts: cached ones from the cache, new ones embedded and cached.
        ``stop`` set: the build ends after the batches in progress, keeping what it embedded,
        and raises :class:`BuildStopped`."""
        encoder = self.encoder()
        if encoder is None or self._cache is None:
            raise EncoderUnavailable(self._failed or "no encoder")
        vectors, missing = self._cache.lookup(texts)
        if not missing:
            return vectors
        new = list(dict.fromkeys(texts[i] for i in missing))
        started = last = time.perf_counter()
        if len(new) >= PROGRESS_ABOVE:
            log.info("semantic matching: embedding %d new %s (cached: %d)", len(new), what, len(texts) - len(missing))
        done = 0
        batches = [new[begin : begin + BATCH] for begin in range(0, len(new), BATCH)]
        for batch, block in self._embed_batches(encoder, batches, stop):
            self._cache.add(batch, block)
            done += len(batch)
            now = time.perf_counter()
            if len(new) >= PROGRESS_ABOVE and now - last >= PROGRESS_EVERY:
                last = now
                rate = done / (now - started)
                log.info(
                    "semantic matching: embedded %d/%d %s (%.0f a second, about %.0f s left)",
                    done, len(new), what, rate, (len(new) - done) / rate,
                )
        if done < len(new):  # stopped: keep what was embedded for the next start
            self._cache.flush()
            log.info("semantic matching: stopped after embedding %d of %d new %s", done, len(new), what)
            raise BuildStopped
        self._cache.flush()
        log.info(
            "semantic matching: embedded %d new %s in %.1f s", len(new), what, time.perf_counter() - started
        )
        vectors, missing = self._cache.lookup(texts)
        assert not missing
        return vectors

    def _embed_batches(
        self, encoder: Encoder, batches: Sequence[Sequence[str]], stop: threading.Event | None
    ) -> Iterator[tuple[Sequence[str], np.ndarray]]:
        """``(batch, vectors)`` in order, up to :attr:`build_threads` batches embedded at once and
        one more waiting, so no worker idles while the oldest is collected; no batch is handed out
        once ``stop`` is set (the caller sees fewer batches)."""
        workers = min(self.build_threads, len(batches))
        if workers <= 1:
            for batch in batches:
                if stop is not None and stop.is_set():
                    return
                yield batch, encoder.embed(batch)
            return
        from concurrent.futures import ThreadPoolExecutor  # not imported by a one-shot answer

        with ThreadPoolExecutor(workers, thread_name_prefix="factbot-embed") as pool:
            running: deque[tuple[Sequence[str], Future[np.ndarray]]] = deque()
            for batch in batches:
                if stop is not None and stop.is_set():
                    break
                running.append((batch, pool.submit(encoder.embed, batch)))
                if len(running) > workers:
                    first, future = running.popleft()
                    yield first, future.result()
            while running:
                first, future = running.popleft()
                yield first, future.result()

    def embed_question(self, text: str) -> np.ndarray | None:
        """The vector of a member's question (kept in memory only); ``None`` when the stage is off."""
        text = text[:MAX_QUESTION_CHARS]
        with self._questions_lock:
            found = self._questions.get(text)
            if found is not None:
                self._questions.move_to_end(text)
                return found
        encoder = self.encoder()
        if encoder is None:
            return None
        vector = encoder.embed([text])[0]
        with self._questions_lock:
            self._questions[text] = vector
            while len(self._questions) > QUESTION_CACHE:
                self._questions.popitem(last=False)
        return vector

    def embed_questions(self, texts: Sequence[str], budget: int) -> list[np.ndarray | None]:
        """Vectors of members' questions, from memory where they were embedded when asked, at most
        ``budget`` of the others embedded now (in batches); ``None`` for the rest or when off."""
        texts = [t[:MAX_QUESTION_CHARS] for t in texts]
        with self._questions_lock:
            found: list[np.ndarray | None] = [self._questions.get(t) for t in texts]
        missing = list(dict.fromkeys(t for t, v in zip(texts, found, strict=True) if v is None))[:budget]
        encoder = self.encoder() if missing else None
        if encoder is not None:
            fresh: dict[str, np.ndarray] = {}
            for begin in range(0, len(missing), BATCH):
                batch = missing[begin : begin + BATCH]
                block = encoder.embed(batch)
                fresh.update(zip(batch, block, strict=True))
            with self._questions_lock:
                for text, vector in fresh.items():
                    self._questions[text] = vector
                while len(self._questions) > QUESTION_CACHE:
                    self._questions.popitem(last=False)
            found = [v if v is not None else fresh.get(t) for t, v in zip(texts, found, strict=True)]
        return found

    def forget_questions(self) -> None:
        """Drop the question vectors kept in memory (benchmarks time embeddings with it)."""
        with self._questions_lock:
            self._questions.clear()

    def build_index(self, facts: Sequence[Fact], stop: threading.Event | None = None) -> SemanticIndex | None:
        """The semantic index of ``facts`` (in their order); ``None`` when the stage is off."""
        if self.encoder() is None:
            return None
        texts: list[str] = []
        owners: list[int] = []
        for position, fact in enumerate(facts):
            for text in fact_texts(fact):
                texts.append(text)
                owners.append(position)
        from bot.core.semantic.background import BACKGROUND, named_background
        from bot.core.semantic.index import SemanticIndex

        named = named_background(fact.answer for fact in facts)
        # One build for all, so the workers share out the last batches of the phrasings and the
        # backgrounds alike instead of finishing each alone.
        vectors = self.embed_texts([*texts, *BACKGROUND, *named], what="phrasings and background questions", stop=stop)
        general = len(texts) + len(BACKGROUND)
        return SemanticIndex(
            vectors[: len(texts)], owners, texts, len(facts), vectors[len(texts) : general], vectors[general:]
        )
