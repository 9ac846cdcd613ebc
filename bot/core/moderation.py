"""Moderation use-cases, shared by every front end (Discord, Slack, the ``factbot kb`` CLI).

:class:`Moderation` owns what :class:`~bot.core.service.FactBot` needs beyond answering: the question
log, feedback, runtime edits laid over the knowledge files, reloads, statistics, the curation queue,
exports and privacy. It talks to storage only through :class:`~bot.core.ports.Storage`.

Answers never depend on the database: the knowledge base lives in memory, and the question log is
buffered (:mod:`bot.core.questionlog`). Moderation commands do need the database and raise
:class:`StorageUnavailable`, whose message says so, when it is away.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import errno
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.core import overlay as _overlay
from bot.core.answers import Answer
from bot.core.errors import ExportError, FactRejected, ModerationError, StorageUnavailable, UnknownFact
from bot.core.export import edits_document, prepare_export
from bot.core.knowledge.journal import write_files
from bot.core.knowledge import Fact, KnowledgeBase, KnowledgeError, load_knowledge
from bot.core.ports import (
    AuditEntry,
    DayRow,
    FeedbackRecord,
    KnowledgeSize,
    LogSpool,
    OverlayEntry,
    QuestionRecord,
    Revision,
    Storage,
)
from bot.core.privacy import UserHasher
from bot.core.questionlog import QuestionLog
from bot.core.tasks import drop_off_loop, in_worker, stop_tasks
from bot.core.unanswered import UnansweredGroup, group_unanswered, without_marked

if TYPE_CHECKING:
    from bot.core.service import AskContext, KnowledgeState
    from bot.observability.metrics import Metrics

log = logging.getLogger(__name__)

#: Plain-text renderings fit a Slack section block (3,000) and so a Discord embed (4,096).
RENDER_MAX_CHARS = 3000
#: How often the retention purge runs in a long-running bot, in seconds.
PURGE_INTERVAL = 6 * 3600
#: How often a bot that started without its database tries again, in seconds.
REOPEN_INTERVAL = 2.0
#: Seconds a closing bot gives its log writer and the last write of the buffered log, in all.
CLOSE_TIMEOUT = 10.0
#: A reload that would drop more than this share of the facts (or synonym groups) being served is
#: refused unless forced: a file caught half-written must not silently empty the knowledge base.
RELOAD_DROP_SHARE = 0.25
#: Rows of abstained / not-helpful questions read for the curation queue.
UNANSWERED_ROWS = 20_000
TOP_FACTS = 5
SLOWEST = 5

__all__ = [
    "Actor",
    "ExportError",
    "ExportResult",
    "FactCount",
    "FactRejected",
    "Moderation",
    "ModerationError",
    "ReloadReport",
    "SlowAnswer",
    "drop_refusal",
    "Stats",
    "StorageUnavailable",
    "UnansweredGroup",
    "UnknownFact",
    "render_audit",
    "render_stats",
    "render_unanswered",
]


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who performs a moderation action (recorded in the audit log as given)."""

    platform: str
    user: str
    name: str | None = None

    def __str__(self) -> str:
        who = f"{self.name} ({self.user})" if self.name else self.user
        return f"{who} on {self.platform}"


@dataclasses.dataclass(frozen=True)
class ReloadReport:
    """The result of a reload. On failure the previous knowledge base is still being served.

    ``refused`` says why a reload of valid files was not done without ``force`` (it would drop a
    large share of the knowledge); ``problems`` lists the errors of invalid files.
    """

    ok: bool
    fact_count: int
    problems: list[str]
    warnings: list[str] = dataclasses.field(default_factory=list)
    refused: str | None = None


def size_of(kb: KnowledgeBase) -> KnowledgeSize:
    return KnowledgeSize(facts=len(kb.facts), synonym_groups=len(kb.synonyms.groups))


def drop_refusal(served: KnowledgeSize | None, files: KnowledgeSize, share: float = RELOAD_DROP_SHARE) -> str | None:
    """Why reloading ``files`` over ``served`` needs force, or ``None`` when it does not."""
    if served is None:
        return None
    reasons = []
    for what, before, after in (
        ("facts", served.facts, files.facts),
        ("synonym groups", served.synonym_groups, files.synonym_groups),
    ):
        if before and before - after > share * before:
            reasons.append(f"{after} of the {before} {what} being served")
    if not reasons:
        return None
    return (
        f"the knowledge files now hold only {' and '.join(reasons)} "
        f"(a reload may drop at most {share:.0%} without force); "
        "a file may be half-written or emptied by mistake"
    )


@dataclasses.dataclass(frozen=True)
class ExportResult:
    """What an export produced: ``files`` maps each file's path, relative to the knowledge directory,
    to its new text; ``written`` lists where they were written. When the directory could not be
    written, ``written`` is empty and ``not_written`` says why: a front end then hands the files
    to the moderator."""

    files: dict[str, str]
    written: list[Path]
    not_written: str | None = None


def _unwritable(target: Path, error: OSError) -> str:
    if error.errno in {errno.EROFS, errno.EACCES, errno.EPERM}:
        return f"the knowledge directory {target} is read-only for the bot"
    return f"the knowledge directory {target} cannot be written ({error.strerror or error})"


@dataclasses.dataclass(frozen=True)
class FactCount:
    fact_id: str
    title: str
    count: int


@dataclasses.dataclass(frozen=True)
class SlowAnswer:
    question: str
    latency_ms: float
    fact_id: str | None
    asked_at: dt.datetime
    platform: str


@dataclasses.dataclass(frozen=True)
class Stats:
    """Usage over a period, for one community or all of them."""

    days: int
    community: str | None
    since: dt.datetime
    until: dt.datetime
    per_day: list[tuple[dt.date, int]]
    total: int
    answered: int  # answered outright
    suggested: int  # answered, with other close facts offered
    abstained: int
    top_facts: list[FactCount]
    helpful: int
    not_helpful: int
    slowest: list[SlowAnswer]
    mean_latency_ms: float | None
    platform: str | None = None
    #: Every day of the period, empty days included.
    daily: list[DayRow] = dataclasses.field(default_factory=list)
    #: Answer time (ms) by percentile: {50: …, 90: …, 99: …}; empty without questions.
    latency_percentiles: dict[int, float] = dataclasses.field(default_factory=dict)

    @property
    def answer_rate(self) -> float | None:
        """Share of questions that got an answer (with or without suggestions)."""
        return (self.answered + self.suggested) / self.total if self.total else None

    @property
    def helpful_ratio(self) -> float | None:
        votes = self.helpful + self.not_helpful
        return self.helpful / votes if votes else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def period_start(days: int, now: dt.datetime) -> dt.datetime:
    """The start of "the last ``days`` days": midnight (UTC) ``days - 1`` days before today, so the
    period holds exactly ``days`` dates, today included."""
    today = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - dt.timedelta(days=days - 1)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _fit(lines: list[str], limit: int = RENDER_MAX_CHARS) -> str:
    """Join lines, dropping whole lines from the end (with a note) to stay within ``limit``."""
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    note = "… (cut to fit)"
    kept: list[str] = []
    size = len(note)
    for line in lines:
        if size + len(line) + 1 > limit:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join([*kept, note])


def render_stats(stats: Stats) -> str:
    """Statistics as compact plain text (at most 3,000 characters)."""
    scope = f"community {stats.community}" if stats.community else "all communities"
    lines = [
        f"Last {stats.days} day{'s' if stats.days != 1 else ''} "
        f"({stats.since:%Y-%m-%d} to {stats.until:%Y-%m-%d}, {scope})",
        f"Questions: {stats.total}. Answered: {stats.answered}, with suggestions: {stats.suggested}, "
        f"abstained: {stats.abstained}. Answer rate: {_percent(stats.answer_rate)}.",
        f"Feedback: {stats.helpful} helpful, {stats.not_helpful} not helpful "
        f"(helpful ratio {_percent(stats.helpful_ratio)}).",
    ]
    if stats.mean_latency_ms is not None:
        lines.append(f"Mean answer time: {stats.mean_latency_ms:.1f} ms.")
    if stats.total:
        peak = max(count for _, count in stats.per_day) or 1
        lines.append("Questions per day:")
        for day, count in stats.per_day[-31:]:
            bar = "█" * round(12 * count / peak)
            lines.append(f"  {day:%m-%d} {count:>5} {bar}")
    if stats.top_facts:
        lines.append("Most asked facts:")
        lines.extend(f"  {i}. {_clip(f.title, 70)} ({f.fact_id}): {f.count}" for i, f in enumerate(stats.top_facts, 1))
    if stats.slowest:
        lines.append("Slowest answers:")
        lines.extend(f"  {s.latency_ms:7.1f} ms  “{_clip(s.question, 70)}”" for s in stats.slowest)
    return _fit(lines)


def render_unanswered(groups: Sequence[UnansweredGroup]) -> str:
    """The curation queue as compact plain text (at most 3,000 characters)."""
    if not groups:
        return "No unanswered questions in this period."
    lines = ["Unanswered or unhelpful questions, most asked first:"]
    for i, group in enumerate(groups, 1):
        extra = f", {group.not_helpful} marked not helpful" if group.not_helpful else ""
        lines.append(
            f"{i}. “{_clip(group.question, 150)}” asked {group.count}× (last {group.last_asked:%Y-%m-%d %H:%M}{extra})"
        )
        if group.examples:
            lines.append("   also: " + "; ".join(f"“{_clip(e, 60)}”" for e in group.examples))
    return _fit(lines)


def render_audit(entries: Sequence[AuditEntry]) -> str:
    """Audit entries, newest first, one per line (at most 3,000 characters)."""
    if not entries:
        return "The audit log is empty."
    lines = []
    for entry in entries:
        when = f"{entry.at:%Y-%m-%d %H:%M:%S}" if entry.at else "?"
        who = f"{entry.actor_name} ({entry.actor_user})" if entry.actor_name else entry.actor_user
        target = f" {entry.fact_id}" if entry.fact_id else ""
        summary = _summary(entry)
        lines.append(f"{when} {entry.actor_platform}:{who} {entry.action}{target}{summary}")
    return _fit(lines)


def _summary(entry: AuditEntry) -> str:
    detail = entry.detail or {}
    if "changes" in detail:
        return ": " + ", ".join(sorted(detail["changes"]))
    parts = [f"{key}={value}" for key, value in detail.items() if isinstance(value, (int, float, str, bool))]
    return f": {', '.join(parts)}" if parts else ""


def audit_entry(action: str, actor: Actor, fact_id: str | None = None, **detail: Any) -> AuditEntry:
    """The audit log's record of ``actor`` doing ``action`` (to ``fact_id``), with details."""
    return AuditEntry(
        action=action,
        actor_platform=actor.platform,
        actor_user=actor.user,
        actor_name=actor.name,
        fact_id=fact_id,
        detail=detail,
    )


_SYSTEM = Actor(platform="system", user="factbot")
#: Seconds before a background task that failed unexpectedly is started again.
RESTART_DELAY = 1.0


async def _supervised(name: str, run: Callable[[], Awaitable[None]]) -> None:
    """Run a background task for the bot's lifetime: an unexpected error is logged with its traceback
    and the task starts again, so a bug in one run never silently ends logging or change watching."""
    while True:
        try:
            await run()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background task %r failed; restarting it in %.0f s", name, RESTART_DELAY)
            await asyncio.sleep(RESTART_DELAY)


def _build_state(
    current: KnowledgeState, base: KnowledgeBase, overlay: Sequence[OverlayEntry]
) -> tuple[KnowledgeState, list[str]]:
    """The files with the runtime edits laid over them, indexed as ``current`` is (run in a worker
    thread)."""
    kb, problems = _overlay.apply_overlay(base, overlay)
    return current.successor(kb), problems


class Moderation:
    """Storage-backed use-cases of one bot process.

    ``current`` returns the state being served and ``publish`` swaps in a new one; both belong to
    the :class:`~bot.core.service.FactBot` this object works for.
    """

    def __init__(
        self,
        *,
        knowledge_dir: Path,
        base: KnowledgeBase,
        current: Callable[[], KnowledgeState],
        publish: Callable[[KnowledgeState], None],
        storage: Storage,
        metrics: Metrics,
        hasher: UserHasher,
        retention_days: int,
        log_capacity: int,
        spool: LogSpool | None = None,
    ) -> None:
        self._knowledge_dir = knowledge_dir
        self._base = base
        self._current = current
        self._publish = publish
        self._storage = storage
        self._metrics = metrics
        self._hasher = hasher
        self._retention = dt.timedelta(days=retention_days)
        self.log = QuestionLog(storage, log_capacity, metrics)
        self._spool = spool
        self._restored_upto = 0
        self._writer: asyncio.Task[None] | None = None
        self._overlay: list[OverlayEntry] = []
        self._overlay_problems: list[str] = []
        self._revision: Revision | None = None
        self._opened = False
        self._serving = False
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self._publish_metrics()

    # -- life cycle -------------------------------------------------------------------------------

    @property
    def storage(self) -> Storage:
        return self._storage

    @property
    def overlay_problems(self) -> list[str]:
        """Runtime edits that do not apply on top of the current knowledge files."""
        return list(self._overlay_problems)

    async def start(self, *, background: bool = True) -> None:
        """Open storage (migrations), load the overlay; with ``background``, start the writer and watcher.

        A database that cannot be reached does not stop the start: the bot answers from the
        knowledge files and the background task connects when the database is back.
        """
        self._serving = background
        if background and self._spool is not None:
            self._restore_pending()
        try:
            await self._open()
        except StorageUnavailable as exc:
            log.warning(
                "database %s unavailable at start (%s): answering from the knowledge files; "
                "runtime edits load when it is back",
                self._storage.description,
                exc.reason,
            )
        if background:
            self._writer = asyncio.create_task(_supervised("log writer", self.log.run), name="factbot-log-writer")
            self._tasks = [
                self._writer,
                asyncio.create_task(
                    _supervised("change watcher", lambda: self._storage.watch(self._on_change)), name="factbot-watcher"
                ),
                asyncio.create_task(_supervised("maintenance", self._maintain), name="factbot-maintenance"),
            ]

    async def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        """Stop background work and write what is buffered, within about ``timeout`` seconds; what
        the database did not take is kept in the spool for the next start. Then close storage.

        The log writer is not cancelled but asked to stop: it finishes the write it is doing.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        self.log.stop()
        writer = self._writer
        await stop_tasks([task for task in self._tasks if task is not writer])
        if writer is not None and not writer.done():
            await asyncio.wait([writer], timeout=max(deadline - loop.time(), 0.0))
            await stop_tasks([writer])
        self._tasks, self._writer = [], None
        if self.log.buffered:
            try:
                async with asyncio.timeout(max(deadline - loop.time(), 0.5)):
                    await self.log.flush()
            except (StorageUnavailable, TimeoutError):
                self._keep_unwritten()
        if self._spool is not None and self._spool.holding and not self.log.buffered:
            self._spool.release()
        await self._storage.close()

    def _restore_pending(self) -> None:
        """Queue the entries earlier runs could not write, ahead of any new ones."""
        assert self._spool is not None
        try:
            entries = self._spool.take()
        except OSError as exc:
            log.warning("cannot read the question log entries kept by an earlier run: %s", exc.strerror or exc)
            return
        if not entries:
            return
        left = self.log.restore(entries)
        self._restored_upto = len(entries) - len(left)
        if left:
            self._spool.save(left)
        log.info(
            "%d question log entries kept by an earlier run are queued for the database%s",
            self._restored_upto,
            f" ({len(left)} more stay kept: the buffer is full)" if left else "",
        )

    def _keep_unwritten(self) -> None:
        entries = self.log.entries()
        if self._spool is None:
            log.warning("closing with %d question log entries not written (database unavailable)", len(entries))
            return
        try:
            where = self._spool.save(entries)
        except OSError as exc:
            log.error(
                "closing with %d question log entries not written: the database is unavailable and "
                "they cannot be kept on disk either (%s)",
                len(entries),
                exc.strerror or exc,
            )
            return
        if self._spool.holding:
            self._spool.release()  # what they held that is not written yet is in the new file
        log.warning(
            "database unavailable: %d question log entries kept in %s, written at the next start", len(entries), where
        )

    async def _open(self) -> None:
        await self._storage.open()
        async with self._lock:
            revision = await self._storage.revision()
            await self._refresh_overlay()
            self._revision = revision
        if not self._opened:
            self._opened = True
            log.info("storage ready: %s, %d runtime edits", self._storage.description, len(self._overlay))
            if self._serving:  # what reloads from `factbot kb reload` compare the files with
                await self._storage.record_knowledge_size(size_of(self._base))

    async def ready(self) -> None:
        """Make sure storage is open; raises :class:`StorageUnavailable` when it cannot be."""
        await self._require()

    async def _require(self) -> None:
        """Make sure storage is open (for moderation commands); raises :class:`StorageUnavailable`."""
        if not self._opened:
            await self._open()

    async def _maintain(self) -> None:
        next_purge = time.monotonic()
        while True:
            if self._spool is not None and self._spool.holding and not self.log.holds_first(self._restored_upto):
                self._spool.release()  # the entries kept by an earlier run are in the database
            if not self._opened:
                with contextlib.suppress(StorageUnavailable):
                    await self._open()
            elif time.monotonic() >= next_purge:
                try:
                    removed = await self.purge()
                    if removed:
                        log.info("retention: purged %d questions older than %d days", removed, self._retention.days)
                    await self._storage.purge_signins(_now())
                    next_purge = time.monotonic() + PURGE_INTERVAL
                except StorageUnavailable:
                    pass
            await asyncio.sleep(REOPEN_INTERVAL)

    async def _on_change(self) -> None:
        """Another instance may have changed the overlay or reloaded: catch up when it did."""
        if not self._opened:
            return
        revision = await self._storage.revision()
        if revision == self._revision:
            return
        async with self._lock:
            previous = self._revision
            if previous is not None and revision.reload != previous.reload:
                try:
                    self._base = await in_worker(load_knowledge, self._knowledge_dir)
                    self._metrics.reloads.labels(result="ok").inc()
                    log.info("knowledge reloaded (asked by another instance)")
                    for warning in self._base.warnings:
                        log.warning("knowledge: %s", warning)
                except KnowledgeError as exc:
                    self._metrics.reloads.labels(result="failed").inc()
                    log.error("reload asked by another instance failed, keeping the last good knowledge base:\n%s", exc)
            await self._refresh_overlay()
            self._revision = revision

    # -- knowledge state --------------------------------------------------------------------------

    async def _refresh_overlay(self) -> None:
        self._overlay = await self._storage.overlay()
        await self._rebuild()

    async def _rebuild(self) -> None:
        if not self._overlay and self._current().kb is self._base:
            self._overlay_problems = []
            self._publish_metrics()
            return  # nothing laid over the files, and they are what is served: the index stands
        # Laying the edits over the files and indexing both walk every fact: off the event loop.
        state, problems = await in_worker(_build_state, self._current(), self._base, list(self._overlay))
        if problems and problems != self._overlay_problems:
            log.warning("runtime edits not applied:\n%s", "\n".join(f"  {p}" for p in problems))
        self._overlay_problems = problems
        retired = [self._current()]
        self._publish(state)
        self._publish_metrics()
        await drop_off_loop(retired)

    def _publish_metrics(self) -> None:
        kb = self._current().kb
        self._metrics.set_knowledge(len(kb.visible), len(kb.facts) - len(kb.visible), len(self._overlay))

    def _replace_local(self, fact_id: str, entry: OverlayEntry | None) -> None:
        self._overlay = [e for e in self._overlay if e.fact_id != fact_id] + ([entry] if entry else [])

    async def _save(self, fact_id: str, entry: OverlayEntry | None, audit: AuditEntry) -> None:
        revision = await self._storage.save_overlay(fact_id, entry, audit)
        self._replace_local(fact_id, entry)
        await self._rebuild()
        self._follow(revision)

    def _follow(self, revision: Revision) -> None:
        """Take ``revision`` (from our own change) as the one we have seen, unless another instance
        changed something meanwhile: then the watcher catches up."""
        previous = self._revision
        if previous is not None and revision == dataclasses.replace(previous, overlay=previous.overlay + 1):
            self._revision = revision

    # -- answers and feedback ---------------------------------------------------------------------

    def record(self, answer: Answer, context: AskContext) -> None:
        """Count and log one answered question; never waits, never raises for the database."""
        self._metrics.observe_answer(context.platform, answer.outcome.value, answer.latency_ms / 1000.0)
        self.log.record(
            QuestionRecord(
                id=answer.log_id or "",
                asked_at=_now(),
                platform=context.platform,
                community=context.community,
                channel=context.channel,
                user_hash=self._hasher.hash(context.platform, context.user) if context.user else None,
                question=answer.question,
                fact_id=answer.fact.id if answer.fact else None,
                score=answer.score,
                outcome=answer.outcome.value,
                latency_ms=answer.latency_ms,
            )
        )

    async def feedback(self, log_id: str, context: AskContext, helpful: bool) -> bool:
        recorded = await self.log.feedback(
            FeedbackRecord(
                log_id=log_id,
                user_hash=self._hasher.hash(context.platform, context.user),
                helpful=helpful,
                given_at=_now(),
            )
        )
        if recorded:
            self._metrics.feedback.labels(helpful=str(helpful).lower()).inc()
        return recorded

    # -- runtime edits ----------------------------------------------------------------------------

    def _check_related(self, fact: Fact) -> None:
        kb = self._current().kb
        missing = [rid for rid in fact.related if kb.get(rid) is None and rid != fact.id]
        if missing:
            raise FactRejected([f"related id {rid!r} does not exist" for rid in missing])

    def _entry(self, fact: Fact, actor: Actor) -> OverlayEntry | None:
        base = self._base.get(fact.id)
        patch = _overlay.patch_for(base, fact)
        if not patch:
            return None
        return OverlayEntry(fact.id, patch, created=base is None, updated_at=_now(), updated_by=str(actor))

    @property
    def state(self) -> KnowledgeState:
        """The knowledge being served (files plus runtime edits) and its index."""
        return self._current()

    def proposed_fact(self, data: Mapping[str, Any]) -> Fact:
        """The fact :meth:`add_fact` would add, checked as it checks it; nothing is saved.

        Raises :class:`FactRejected` with every problem.
        """
        facts, problems = self._check_batch([data], [""])
        if problems:
            raise FactRejected(problems)
        return facts[0]

    async def add_facts(
        self, documents: Sequence[Mapping[str, Any]], actor: Actor, *, labels: Sequence[str] | None = None
    ) -> list[Fact]:
        """Add several new facts, all or none: every fact is checked (schema, ids new and distinct,
        ``related`` ids existing or in the batch) before anything is stored, and all are stored in
        one transaction. Raises :class:`FactRejected` with every problem of the batch.

        ``labels`` name where each document comes from (``facts.yaml:12``) in the problems.
        """
        if labels is not None:
            names = [f"{label}: " for label in labels]
        else:
            names = [""] if len(documents) == 1 else [f"fact {i}: " for i in range(1, len(documents) + 1)]
        if not documents:
            raise FactRejected(["no fact to add"])
        await self._require()
        async with self._lock:
            facts, problems = self._check_batch(documents, names)
            if problems:
                raise FactRejected(problems)
            entries = [(fact.id, self._entry(fact, actor)) for fact in facts]
            audits = [audit_entry("add", actor, fact.id, after=_overlay.document(fact)) for fact in facts]
            revision = await self._storage.save_overlays(entries, audits)
            for fact_id, entry in entries:
                self._replace_local(fact_id, entry)
            await self._rebuild()
            self._follow(revision)
            log.info("%d fact(s) added by %s: %s", len(facts), actor, ", ".join(f.id for f in facts))
            return facts

    def _check_batch(self, documents: Sequence[Any], names: Sequence[str]) -> tuple[list[Fact], list[str]]:
        kb = self._current().kb
        facts: list[Fact] = []
        problems: list[str] = []
        first: dict[str, str] = {}
        for document, name in zip(documents, names, strict=True):
            if not isinstance(document, Mapping):
                problems.append(f"{name}a fact must be a mapping of keys to values")
                continue
            fact, found = _overlay.validate(dict(document), str(document.get("id", "?")))
            if fact is None:
                problems.extend(found)
                continue
            if fact.id in first:
                where = first[fact.id].removesuffix(": ")
                problems.append(f"{name}fact {fact.id!r} is in this batch twice (first as {where})")
                continue
            first[fact.id] = name
            if kb.get(fact.id) is not None:
                problems.append(f"{name}a fact with id {fact.id!r} already exists (edit it instead)")
                continue
            facts.append(fact)
        known = {fact.id for fact in facts}
        for fact, name in zip(facts, [first[f.id] for f in facts], strict=True):
            missing = [rid for rid in fact.related if kb.get(rid) is None and rid not in known]
            problems.extend(f"{name}related id {rid!r} does not exist" for rid in missing)
        return facts, problems

    def proposed_edit(self, fact_id: str, changes: Mapping[str, Any]) -> Fact:
        """The fact as :meth:`edit_fact` would save it, checked as it checks it; nothing is saved."""
        self._check_editable(changes)
        return self._proposed_change(fact_id, changes)[1]

    def _proposed_change(self, fact_id: str, changes: Mapping[str, Any]) -> tuple[Fact, Fact]:
        current = self._current().kb.get(fact_id)
        if current is None:
            raise UnknownFact(fact_id)
        fact, problems = _overlay.validate({**_overlay.document(current), **changes}, fact_id)
        if fact is None:
            raise FactRejected(problems)
        if fact != current:
            self._check_related(fact)
        return current, fact

    @staticmethod
    def _check_editable(changes: Mapping[str, Any]) -> None:
        if not isinstance(changes, Mapping) or not changes:
            raise FactRejected(["nothing to change: give at least one field"])
        unknown = sorted(set(changes) - set(_overlay.EDITABLE_FIELDS))
        if unknown:
            raise FactRejected(
                [f"{key!r} cannot be edited (editable: {', '.join(_overlay.EDITABLE_FIELDS)})" for key in unknown]
            )

    async def add_fact(self, data: Mapping[str, Any], actor: Actor) -> Fact:
        """Add a new fact; raises :class:`FactRejected` with every problem when it is not valid."""
        (fact,) = await self.add_facts([data], actor)
        return fact

    async def _change(self, fact_id: str, changes: Mapping[str, Any], actor: Actor, action: str) -> Fact:
        await self._require()
        async with self._lock:
            current, fact = self._proposed_change(fact_id, changes)
            if fact == current:
                return current
            before = _overlay.document(current)
            after = _overlay.document(fact)
            diff = {
                key: {"before": before.get(key), "after": value}
                for key, value in after.items()
                if before.get(key) != value
            }
            await self._save(fact_id, self._entry(fact, actor), audit_entry(action, actor, fact_id, changes=diff))
            log.info("fact %s: %s by %s (%s)", fact_id, action, actor, ", ".join(sorted(diff)))
            return fact

    async def edit_fact(self, fact_id: str, changes: Mapping[str, Any], actor: Actor, action: str = "edit") -> Fact:
        """Change fields of a fact (see :data:`~bot.core.overlay.EDITABLE_FIELDS`); ``action`` names it
        in the audit log ("teach" when phrasings come from the curation queue)."""
        self._check_editable(changes)
        return await self._change(fact_id, changes, actor, action)

    async def set_hidden(self, fact_id: str, hidden: bool, actor: Actor) -> Fact:
        """Hide a fact from answers (moderators still see it), or show it again."""
        return await self._change(fact_id, {"hidden": hidden}, actor, "hide" if hidden else "unhide")

    def proposed_revert(self, fact_id: str) -> Fact | None:
        """The fact :meth:`revert_fact` would leave (``None``: it was added at runtime and goes)."""
        if not any(e.fact_id == fact_id for e in self._overlay):
            raise ModerationError(f"fact {fact_id!r} has no runtime edits to revert")
        return self._base.get(fact_id)

    def edited(self, fact_id: str) -> OverlayEntry | None:
        """The fact's runtime edit, if it has one."""
        return next((e for e in self._overlay if e.fact_id == fact_id), None)

    async def revert_fact(self, fact_id: str, actor: Actor) -> Fact | None:
        """Drop a fact's runtime edits: it is again as the files say (``None``: it was added at runtime)."""
        await self._require()
        async with self._lock:
            self.proposed_revert(fact_id)
            await self._save(fact_id, None, audit_entry("revert", actor, fact_id))
            log.info("fact %s: runtime edits reverted by %s", fact_id, actor)
            return self._current().kb.get(fact_id)

    # -- reload and export ------------------------------------------------------------------------

    async def reload(self, actor: Actor, *, force: bool = False) -> ReloadReport:
        """Re-read the knowledge files; on any error keep serving the last good knowledge base.

        Files that would drop more than :data:`RELOAD_DROP_SHARE` of the facts or synonym groups
        being served are refused too, unless ``force``.
        """
        async with self._lock:
            try:
                base = await in_worker(load_knowledge, self._knowledge_dir)
            except KnowledgeError as exc:
                self._metrics.reloads.labels(result="failed").inc()
                log.error("reload by %s failed, keeping the last good knowledge base:\n%s", actor, exc)
                with contextlib.suppress(StorageUnavailable):
                    await self._storage.record_audit(audit_entry("reload", actor, ok=False, problems=len(exc.problems)))
                return ReloadReport(False, len(self._current().kb.facts), [str(p) for p in exc.problems])
            refusal = None if force else drop_refusal(await self._served_size(), size_of(base))
            if refusal is not None:
                self._metrics.reloads.labels(result="refused").inc()
                log.warning("reload by %s refused, keeping the last good knowledge base: %s", actor, refusal)
                with contextlib.suppress(StorageUnavailable):
                    await self._storage.record_audit(audit_entry("reload", actor, ok=False, refused=refusal))
                return ReloadReport(False, len(self._current().kb.facts), [], refused=refusal)
            warnings: list[str] = [str(w) for w in base.warnings]
            self._base = base
            try:
                await self._require_locked()
                settled = [e for e in await self._storage.overlay() if _overlay.is_settled(base, e)]
                for entry in settled:
                    await self._storage.save_overlay(entry.fact_id, None, audit_entry("settle", actor, entry.fact_id))
                revision = await self._storage.announce_reload(
                    audit_entry("reload", actor, ok=True, facts=len(base.facts), settled=len(settled), forced=force),
                    size_of(base),
                )
                await self._refresh_overlay()
                self._revision = revision
                if settled:
                    warnings.append(
                        f"{len(settled)} runtime edit(s) are now in the knowledge files and were retired: "
                        + ", ".join(e.fact_id for e in settled)
                    )
            except StorageUnavailable as exc:
                await self._rebuild()
                warnings.append(
                    f"database unavailable ({exc.reason}): runtime edits as last loaded, "
                    "and other instances were not told to reload"
                )
            self._metrics.reloads.labels(result="ok").inc()
            warnings.extend(self._overlay_problems)
            kb = self._current().kb
            log.info("knowledge reloaded by %s: %d facts", actor, len(kb.facts))
            return ReloadReport(True, len(kb.facts), [], warnings)

    async def _served_size(self) -> KnowledgeSize | None:
        """What the running bots serve: this bot's files when it serves members; for a one-shot
        command (``factbot kb reload``), the size recorded by the last serving start or reload."""
        if self._serving:
            return size_of(self._base)
        try:
            await self._require_locked()
            return await self._storage.knowledge_size()
        except StorageUnavailable:
            return None

    async def _require_locked(self) -> None:
        if not self._opened:
            await self._storage.open()
            self._opened = True

    async def export(self, directory: Path | None = None, actor: Actor | None = None) -> ExportResult:
        """Write the runtime edits as knowledge files under ``directory`` (default: the knowledge
        directory), all files as one step. When the directory cannot be written (the shipped Compose
        file mounts it read-only), nothing is written and the result holds the files, and why."""
        await self._require()
        target = Path(directory) if directory is not None else self._knowledge_dir
        entries = await self._storage.overlay()
        try:
            base = await in_worker(load_knowledge, self._knowledge_dir)
        except KnowledgeError as exc:
            raise ExportError(
                ["the knowledge files have errors; fix them before exporting", *(str(p) for p in exc.problems)]
            ) from exc
        kb, problems = _overlay.apply_overlay(base, entries)
        if problems:
            log.warning("export skips runtime edits that do not apply:\n%s", "\n".join(problems))
        fact_ids = [e.fact_id for e in entries if kb.get(e.fact_id) is not None]
        plan = await asyncio.to_thread(prepare_export, self._knowledge_dir, kb, fact_ids)
        if not plan:
            return ExportResult({}, [])
        files = {relative.as_posix(): text for relative, text in plan.items()}
        try:
            written = await asyncio.to_thread(write_files, target, plan)
        except OSError as exc:
            reason = _unwritable(target, exc)
            log.info("export by %s: %s; nothing was written there", actor or _SYSTEM, reason)
            with contextlib.suppress(StorageUnavailable):
                await self._storage.record_audit(
                    audit_entry("export", actor or _SYSTEM, files=len(plan), facts=len(fact_ids), written=False)
                )
            return ExportResult(files, [], reason)
        with contextlib.suppress(StorageUnavailable):
            await self._storage.record_audit(
                audit_entry("export", actor or _SYSTEM, files=len(written), facts=len(fact_ids))
            )
        return ExportResult(files, written)

    async def edits(self) -> list[OverlayEntry]:
        """The runtime edits, oldest first."""
        await self._require()
        return list(await self._storage.overlay())

    async def export_document(self) -> str:
        """The runtime edits as one YAML document of facts, as the bot serves them (nothing is written)."""
        kb = self._current().kb
        return edits_document(kb, [e.fact_id for e in await self.edits() if kb.get(e.fact_id) is not None])

    # -- insights ---------------------------------------------------------------------------------

    async def stats(
        self, days: int = 7, community: str | None = None, platform: str | None = None, top: int = TOP_FACTS
    ) -> Stats:
        if days < 1:
            raise ModerationError("the period must be at least 1 day")
        await self._require()
        until = _now()
        since = period_start(days, until)
        rows = await self._storage.stats_rows(since, community, top, platform)
        counts = dict(rows.per_day)
        first = since.date()
        calendar = [first + dt.timedelta(days=i) for i in range((until.date() - first).days + 1)]
        per_day = [(day, counts.get(day, 0)) for day in calendar]
        recorded = {row.day: row for row in rows.days}
        daily = [recorded.get(day) or DayRow(day, 0, 0, 0) for day in calendar]
        kb = self._current().kb
        return Stats(
            days=days,
            community=community,
            since=since,
            until=until,
            per_day=per_day,
            total=sum(rows.outcomes.values()),
            answered=rows.outcomes.get("answered", 0),
            suggested=rows.outcomes.get("suggested", 0),
            abstained=rows.outcomes.get("abstained", 0),
            top_facts=[
                FactCount(fid, fact.title if (fact := kb.get(fid)) else fid, count) for fid, count in rows.top_facts
            ],
            helpful=rows.helpful,
            not_helpful=rows.not_helpful,
            slowest=[SlowAnswer(r.question, r.latency_ms, r.fact_id, r.asked_at, r.platform) for r in rows.slowest],
            mean_latency_ms=rows.mean_latency_ms,
            platform=platform,
            daily=daily,
            latency_percentiles=dict(rows.latency_percentiles),
        )

    async def unanswered(
        self, days: int = 30, community: str | None = None, limit: int = 10, platform: str | None = None
    ) -> list[UnansweredGroup]:
        """The curation queue: unanswered and not-helpful questions grouped by meaning, most asked first;
        wordings moderators dismissed or taught are left out."""
        if days < 1:
            raise ModerationError("the period must be at least 1 day")
        await self._require()
        rows = await self._storage.unanswered_rows(period_start(days, _now()), community, UNANSWERED_ROWS, platform)
        marks = await self._storage.inbox_marks()
        embed, subjects = self._current().grouping()
        return await asyncio.to_thread(
            functools.partial(
                group_unanswered, without_marked(rows, marks), max(limit, 0), embed=embed, subjects=subjects
            )
        )

    async def audit(self, limit: int = 20, fact_id: str | None = None) -> list[AuditEntry]:
        await self._require()
        return await self._storage.audit_log(limit, fact_id)

    # -- privacy ----------------------------------------------------------------------------------

    async def purge(self, actor: Actor | None = None) -> int:
        """Delete logged questions (and their feedback) older than the retention period."""
        await self._require()
        removed = await self._storage.purge(_now() - self._retention)
        if actor is not None:
            await self._storage.record_audit(audit_entry("purge", actor, questions=removed, days=self._retention.days))
        return removed

    async def forget_user(self, platform: str, user: str, actor: Actor | None = None) -> int:
        """Delete one member's logged questions and feedback; the number of entries deleted."""
        await self._require()
        user_hash = self._hasher.hash(platform, user)
        await self.log.flush()
        removed = self.log.forget(user_hash) + await self._storage.forget(user_hash)
        if self._spool is not None:
            removed += await asyncio.to_thread(self._spool.forget, user_hash)
        # The audit says that someone was forgotten, never who.
        await self._storage.record_audit(audit_entry("forget-user", actor or _SYSTEM, entries=removed))
        return removed
