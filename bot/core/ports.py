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
class DayRow:
    """One day of questions: how many, and how they went."""

    day: dt.date
    total: int
    abstained: int
    unhelpful: int  # answered, then marked not helpful by at least one member
    helpful_votes: int = 0
    not_helpful_votes: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class KnowledgeSize:
    """How much the knowledge files hold: what a reload compares the files with."""

    facts: int
    synonym_groups: int


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
    days: list[DayRow] = dataclasses.field(default_factory=list)
    #: Answer time (ms) at the 50th, 90th and 99th percentile (nearest rank), when there are questions.
    latency_percentiles: dict[int, float] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, slots=True)
class UnansweredRow:
    question: str
    asked_at: dt.datetime
    reason: str  # "abstained" or "not helpful"
    platform: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class AskedQuestion:
    """A question as members asked it, and how often, over a period (for re-asking it)."""

    question: str
    count: int


@dataclasses.dataclass(frozen=True, slots=True)
class Community:
    """A platform's community (guild, workspace) that asked questions, for filters."""

    platform: str
    community: str | None
    questions: int


@dataclasses.dataclass(frozen=True, slots=True)
class InboxMark:
    """A wording taken out of the curation queue: dismissed, or taught to / added as a fact.

    ``key`` is the wording's grouping key (:func:`bot.core.unanswered.question_key`).
    """

    key: str
    question: str
    state: str  # "dismissed", "taught" or "added"
    at: dt.datetime
    actor: str
    fact_id: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class SignInRecord:
    """Whom a sign-in link or a dashboard session belongs to, and until when."""

    platform: str
    user: str
    name: str | None
    expires_at: dt.datetime


class LogSpool(Protocol):
    """Where a stopping bot keeps the log entries it could not write, for the next start."""

    def save(self, entries: Sequence[QuestionRecord | FeedbackRecord]) -> object:
        """Keep ``entries`` (durably, before returning)."""

    def take(self) -> list[QuestionRecord | FeedbackRecord]:
        """The entries kept by earlier runs that no other running bot has taken; held until :meth:`release`."""

    @property
    def holding(self) -> bool:
        """Whether entries taken by :meth:`take` wait for :meth:`release`."""

    def release(self) -> None:
        """The taken entries are written (or kept again by :meth:`save`): forget them."""

    def forget(self, user_hash: str) -> int:
        """Remove one user's kept entries; how many."""


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

    async def stats_rows(
        self, since: dt.datetime, community: str | None, top: int, platform: str | None = None
    ) -> StatsRows: ...

    async def unanswered_rows(
        self, since: dt.datetime, community: str | None, limit: int, platform: str | None = None
    ) -> list[UnansweredRow]: ...

    async def asked_questions(self, since: dt.datetime, community: str | None, limit: int) -> list[AskedQuestion]:
        """Distinct questions asked since ``since``, the most asked first, at most ``limit``."""

    async def communities(self, since: dt.datetime) -> list[Community]: ...

    async def inbox_marks(self) -> list[InboxMark]: ...

    async def save_marks(self, marks: Sequence[InboxMark], audit: AuditEntry) -> None:
        """Set (replace) the marks of these wordings and audit it, in one transaction."""

    async def delete_marks(self, keys: Sequence[str], audit: AuditEntry) -> int:
        """Remove the marks of these keys and audit it; how many there were."""

    async def save_signin_link(self, token_hash: str, owner: SignInRecord, created_at: dt.datetime) -> None: ...

    async def redeem_signin_link(self, token_hash: str, now: dt.datetime) -> SignInRecord | None:
        """Use a link once: its owner when it exists, is unused and unexpired (atomically), else ``None``."""

    async def save_session(self, token_hash: str, owner: SignInRecord, created_at: dt.datetime) -> None: ...

    async def session(self, token_hash: str, now: dt.datetime) -> SignInRecord | None:
        """The owner of an unexpired session, else ``None``."""

    async def end_session(self, token_hash: str) -> None: ...

    async def purge_signins(self, now: dt.datetime) -> int:
        """Delete used or expired links and expired sessions; how many."""

    async def overlay(self) -> list[OverlayEntry]: ...

    async def save_overlay(self, fact_id: str, entry: OverlayEntry | None, audit: AuditEntry) -> Revision:
        """Replace (or with ``None`` delete) a fact's overlay entry, audit it, bump and announce the revision."""

    async def save_overlays(
        self, changes: Sequence[tuple[str, OverlayEntry | None]], audits: Sequence[AuditEntry]
    ) -> Revision:
        """:meth:`save_overlay` for several facts in one transaction: all are saved, or none."""

    async def announce_reload(self, audit: AuditEntry, size: KnowledgeSize | None = None) -> Revision:
        """Audit a reload, bump and announce the revision, and record the size of the files reloaded."""

    async def knowledge_size(self) -> KnowledgeSize | None:
        """The size recorded by the last reload or serving start (``None``: never recorded)."""

    async def record_knowledge_size(self, size: KnowledgeSize) -> None: ...

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
    "AskedQuestion",
    "AuditEntry",
    "Community",
    "DayRow",
    "FeedbackRecord",
    "InboxMark",
    "KnowledgeSize",
    "LogSpool",
    "OverlayEntry",
    "QuestionRecord",
    "Revision",
    "SignInRecord",
    "StatsRows",
    "Storage",
    "UnansweredRow",
]
