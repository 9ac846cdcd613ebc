"""What the core needs from storage, as records and a protocol.

The core never imports SQLAlchemy: :mod:`bot.storage` implements :class:`Storage` for SQLite and
PostgreSQL alike, and the core speaks only in these records. Every method of :class:`Storage` that
touches the database raises :class:`bot.core.errors.StorageUnavailable` when it cannot reach it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol


@dataclasses.dataclass(frozen=True, slots=True)
class QuestionRecord:
    """One logged question. ``user_hash`` is a keyed hash, never the platform's user id."""

    id: str
    asked_at: dt.datetime
    platform: str
    community: str | None
    channel: str | None
    user_hash: str | None
    question: str
    fact_id: str | None
    score: float
    outcome: str
    latency_ms: float


@dataclasses.dataclass(frozen=True, slots=True)
class FeedbackRecord:
    """A member's verdict on one logged answer; one per member and log entry."""

    log_id: str
    user_hash: str
    helpful: bool
    given_at: dt.datetime


@dataclasses.dataclass(frozen=True, slots=True)
class OverlayEntry:
    """A runtime edit of one fact.

    ``created`` entries hold a whole fact (added at runtime); the others hold only the fields that
    differ from the fact of the knowledge files, so a later change of another field in the files
    still shows through.
    """

    fact_id: str
    patch: dict[str, Any]
    created: bool
    updated_at: dt.datetime | None = None
    updated_by: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who changed what, and when."""

    action: str
    actor_platform: str
    actor_user: str
    actor_name: str | None = None
    fact_id: str | None = None
    detail: dict[str, Any] = dataclasses.field(default_factory=dict)
    at: dt.datetime | None = None
    id: int | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Revision:
    """Counters bumped by every overlay change and every reload; instances compare them."""

    overlay: int = 0
    reload: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class StatsRows:
    """The aggregates :func:`bot.core.moderation.Stats` is built from."""

    per_day: list[tuple[dt.date, int]]
    outcomes: dict[str, int]
    top_facts: list[tuple[str, int]]
    helpful: int
    not_helpful: int
    slowest: list[QuestionRecord]
    mean_latency_ms: float | None


@dataclasses.dataclass(frozen=True, slots=True)
class UnansweredRow:
    question: str
    asked_at: dt.datetime
    reason: str  # "abstained" or "not helpful"


class Storage(Protocol):
    """Persistence of the question log, feedback, runtime edits and the audit log."""

    @property
    def available(self) -> bool:
        """Whether the last database operation succeeded."""

    @property
    def description(self) -> str:
        """Where the data lives, with any password masked."""

    async def open(self) -> None:
        """Connect and run the schema migrations (idempotent)."""

    async def close(self) -> None: ...

    async def write_log(self, questions: Sequence[QuestionRecord], feedback: Sequence[FeedbackRecord]) -> None:
        """Insert a batch in one transaction; rows already present are skipped, so a retry is safe."""

    async def add_feedback(self, record: FeedbackRecord) -> bool:
        """Record feedback; ``False`` when the log entry is unknown or this user already gave some."""

    async def stats_rows(self, since: dt.datetime, community: str | None, top: int) -> StatsRows: ...

    async def unanswered_rows(self, since: dt.datetime, community: str | None, limit: int) -> list[UnansweredRow]: ...

    async def overlay(self) -> list[OverlayEntry]: ...

    async def save_overlay(self, fact_id: str, entry: OverlayEntry | None, audit: AuditEntry) -> Revision:
        """Replace (or with ``None`` delete) a fact's overlay entry, audit it, bump and announce the revision."""

    async def announce_reload(self, audit: AuditEntry) -> Revision: ...

    async def record_audit(self, audit: AuditEntry) -> None: ...

    async def revision(self) -> Revision: ...

    async def audit_log(self, limit: int, fact_id: str | None = None) -> list[AuditEntry]: ...

    async def purge(self, before: dt.datetime) -> int:
        """Delete questions (and their feedback) asked before ``before``; the number of questions."""

    async def forget(self, user_hash: str) -> int:
        """Delete a user's questions and feedback; the number of rows deleted."""

    async def watch(self, on_change: Callable[[], Awaitable[None]]) -> None:
        """Call ``on_change`` whenever another instance may have changed the revision; runs until cancelled."""


__all__ = [
    "AuditEntry",
    "FeedbackRecord",
    "OverlayEntry",
    "QuestionRecord",
    "Revision",
    "StatsRows",
    "Storage",
    "UnansweredRow",
]
