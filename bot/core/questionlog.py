"""The question log as the answer path sees it: recording never waits for, nor fails with, the database.

Entries go into a bounded in-memory queue that a background task writes in batches. While the
database is away the queue keeps filling; when it is full, new entries are dropped, counted and
logged. When the database returns, the queue is written in order, and feedback given meanwhile lands
after the question it refers to. Writes are idempotent (entries carry their id), so a batch whose
commit was lost in transit is simply written again.

A write, once started, is never interrupted: a caller that is cancelled meanwhile returns at once,
but the write runs to its end (cancelled half-way, a SQLite write kept its lock and every later
write waited 30 s), and the next flush waits for it. :meth:`QuestionLog.stop` lets the writer finish
the write it is doing instead of cancelling it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.core.errors import StorageUnavailable
from bot.core.ports import FeedbackRecord, QuestionRecord, Storage
from bot.core.tasks import wait_event

if TYPE_CHECKING:
    from bot.observability.metrics import Metrics

log = logging.getLogger(__name__)

#: Entries written per transaction.
BATCH_SIZE = 500
#: How long the writer waits to gather entries after the first one arrives, in seconds.
GATHER_DELAY = 0.05
#: Retry delays while the database is away, in seconds (doubling up to the maximum).
RETRY_FIRST = 0.5
RETRY_MAX = 5.0


class QuestionLog:
    """Buffered writer of questions and feedback to :class:`~bot.core.ports.Storage`."""

    def __init__(self, storage: Storage, capacity: int, metrics: Metrics) -> None:
        self._storage = storage
        self._capacity = capacity
        self._metrics = metrics
        self._pending: deque[tuple[int, QuestionRecord | FeedbackRecord]] = deque()
        self._pending_feedback: set[tuple[str, str]] = set()
        self._sequence = itertools.count(1)
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._flush_lock = asyncio.Lock()
        self._inflight: asyncio.Future[None] | None = None
        self._degraded = False
        self._dropped_this_outage = 0
        self.dropped = 0
        self.rejected = 0

    @property
    def buffered(self) -> int:
        """Entries waiting for the database."""
        return len(self._pending)

    @property
    def degraded(self) -> bool:
        """Whether the last write failed (entries are being kept in memory)."""
        return self._degraded

    def record(self, entry: QuestionRecord) -> None:
        """Queue a question; returns at once."""
        self._append(entry)

    def entries(self) -> list[QuestionRecord | FeedbackRecord]:
        """The queued entries, oldest first (what a shutdown must not lose)."""
        return [entry for _, entry in self._pending]

    def restore(self, entries: Iterable[QuestionRecord | FeedbackRecord]) -> list[QuestionRecord | FeedbackRecord]:
        """Queue entries kept from before a restart ahead of the queued ones, as far as the capacity
        allows; the entries that did not fit. Call it before :meth:`run` starts."""
        entries = list(entries)
        room = max(self._capacity - len(self._pending), 0)
        kept, left = entries[:room], entries[room:]
        queued = [entry for _, entry in self._pending]
        self._sequence = itertools.count(1)
        self._pending = deque((next(self._sequence), entry) for entry in [*kept, *queued])
        for entry in kept:
            if isinstance(entry, FeedbackRecord):
                self._pending_feedback.add((entry.log_id, entry.user_hash))
        self._metrics.log_buffered.set(len(self._pending))
        if kept:
            self._wake.set()
        return left

    def holds_first(self, count: int) -> bool:
        """Whether any of the first ``count`` entries queued (see :meth:`restore`) is still unwritten."""
        return bool(self._pending) and self._pending[0][0] <= count

    def stop(self) -> None:
        """Ask :meth:`run` to return once the write it is doing, if any, is done."""
        self._stop.set()
        self._wake.set()

    async def feedback(self, entry: FeedbackRecord) -> bool:
        """Record feedback; ``False`` when this user already gave feedback on that entry (or it is unknown).

        With the database away the feedback is queued after its question and ``True`` returned.
        """
        key = (entry.log_id, entry.user_hash)
        if key in self._pending_feedback:
            return False
        if not self._degraded:
            try:
                await self.flush()
                return await self._storage.add_feedback(entry)
            except StorageUnavailable:
                pass
        if not self._append(entry):
            return False
        self._pending_feedback.add(key)
        return True

    def forget(self, user_hash: str) -> int:
        """Drop queued entries of one user; how many were dropped."""
        kept = deque(item for item in self._pending if item[1].user_hash != user_hash)
        removed = len(self._pending) - len(kept)
        self._pending = kept
        self._pending_feedback = {key for key in self._pending_feedback if key[1] != user_hash}
        self._metrics.log_buffered.set(len(self._pending))
        return removed

    def _append(self, entry: QuestionRecord | FeedbackRecord) -> bool:
        if len(self._pending) >= self._capacity:
            self.dropped += 1
            self._dropped_this_outage += 1
            self._metrics.log_dropped.inc()
            if self._dropped_this_outage == 1:
                log.warning(
                    "question log buffer full (%d entries): new log entries are dropped until the database is back",
                    self._capacity,
                )
            return False
        self._pending.append((next(self._sequence), entry))
        self._metrics.log_buffered.set(len(self._pending))
        self._wake.set()
        return True

    async def flush(self) -> int:
        """Write every queued entry now; the number written. Raises :class:`StorageUnavailable`."""
        async with self._flush_lock:
            await self._settle_inflight()
            written = 0
            while self._pending:
                batch = list(itertools.islice(self._pending, BATCH_SIZE))
                questions = [entry for _, entry in batch if isinstance(entry, QuestionRecord)]
                feedback = [entry for _, entry in batch if isinstance(entry, FeedbackRecord)]
                write = asyncio.ensure_future(self._write(questions, feedback))
                write.add_done_callback(_retrieve)
                self._inflight = write
                try:
                    await asyncio.shield(write)  # cancelled, we return; the write goes on to its end
                except StorageUnavailable:
                    if not self._degraded:
                        log.warning(
                            "database unavailable: answers continue, question log kept in memory (%d entries)",
                            len(self._pending),
                        )
                    self._degraded = True
                    raise
                finally:
                    if write.done():
                        self._inflight = None
                last = batch[-1][0]
                while self._pending and self._pending[0][0] <= last:
                    self._pending.popleft()
                for entry in feedback:
                    self._pending_feedback.discard((entry.log_id, entry.user_hash))
                written += len(batch)
                self._metrics.log_buffered.set(len(self._pending))
            if self._degraded:
                log.info(
                    "database reachable again: wrote %d buffered log entries (%d dropped while it was away)",
                    written,
                    self._dropped_this_outage,
                )
                self._degraded = False
                self._dropped_this_outage = 0
            return written

    async def _settle_inflight(self) -> None:
        """Wait for a write whose flush was cancelled (its entries are still queued and are written
        again, which the storage skips), so that two writes never compete for the database."""
        inflight, self._inflight = self._inflight, None
        if inflight is not None and not inflight.done():
            with contextlib.suppress(Exception):
                await asyncio.shield(inflight)

    async def _write(self, questions: list[QuestionRecord], feedback: list[FeedbackRecord]) -> None:
        """Write a batch; when the database rejects it (not an outage), write entry by entry and drop the
        entries it rejects, so one bad entry never blocks the log."""
        try:
            await self._storage.write_log(questions, feedback)
            return
        except StorageUnavailable:
            raise
        except Exception:
            log.exception(
                "the database rejected a batch of %d log entries; writing them one by one",
                len(questions) + len(feedback),
            )
        for entries in [([q], []) for q in questions] + [([], [f]) for f in feedback]:
            try:
                await self._storage.write_log(*entries)
            except StorageUnavailable:
                raise
            except Exception:
                self.rejected += 1
                self._metrics.log_dropped.inc()
                log.exception("log entry dropped: the database rejected it")

    async def run(self) -> None:
        """Write queued entries as they come, retrying with backoff while the database is away, until
        :meth:`stop`."""
        delay = RETRY_FIRST
        while not self._stop.is_set():
            if self._degraded:
                await wait_event(self._stop, delay)
            else:
                await self._wake.wait()
                await wait_event(self._stop, GATHER_DELAY)
            self._wake.clear()
            if self._stop.is_set():
                return
            if not self._pending:
                continue
            try:
                await self.flush()
                delay = RETRY_FIRST
            except StorageUnavailable:
                delay = min(delay * 2, RETRY_MAX) if self._degraded else RETRY_FIRST


def _retrieve(write: asyncio.Future[None]) -> None:
    """Mark the outcome of a write as seen: a caller cancelled meanwhile never looks at it, and the
    next flush writes its entries again."""
    if not write.cancelled():
        write.exception()
