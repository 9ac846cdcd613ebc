"""SQLAlchemy Core implementation of :class:`bot.core.ports.Storage`, for SQLite and PostgreSQL.

Every database operation runs inside :meth:`SqlStorage._guard`, which turns a lost or refused
connection into :class:`~bot.core.errors.StorageUnavailable` (and counts it in the metrics) while
letting programming errors through with their traceback.

Instances learn about each other's changes from a revision counter: every runtime edit bumps
``kb_revision.overlay`` and every reload ``kb_revision.reload`` in the same transaction. On
PostgreSQL the transaction also sends ``NOTIFY factbot_kb``, so listeners react at once; the counter
is polled as well, which covers SQLite and notifications missed while a listener reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import logging
import math
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.errors import StorageUnavailable
from bot.core.ports import (
    AskedQuestion,
    AuditEntry,
    Community,
    DayRow,
    FeedbackRecord,
    InboxMark,
    KnowledgeSize,
    OverlayEntry,
    QuestionRecord,
    Revision,
    SignInRecord,
    StatsRows,
    UnansweredRow,
)
from bot.core.tasks import wait_event
from bot.core.unanswered import question_key
from bot.observability.metrics import Metrics
from bot.settings import SettingError
from bot.storage import tables as t
from bot.storage.engine import create_engine, listener_connect_kwargs, mask
from bot.storage.migrate import migrate

log = logging.getLogger(__name__)

#: PostgreSQL channel of knowledge change notifications.
CHANNEL = "factbot_kb"
#: How often the revision is checked without a notification, in seconds.
POLL_SQLITE = 1.0
POLL_POSTGRES = 5.0
_LISTEN_RETRY_MAX = 5.0


def is_outage(exc: BaseException) -> bool:
    """Whether ``exc`` means the database cannot be reached (as opposed to a bug or a bad query)."""
    if isinstance(exc, (OSError, TimeoutError, sa_exc.TimeoutError)):
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated or isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError)):
            return True
        return is_outage(exc.orig) if exc.orig is not None and exc.orig is not exc else False
    try:
        import asyncpg
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return False
    return isinstance(
        exc,
        (
            asyncpg.PostgresConnectionError,
            asyncpg.InterfaceError,
            asyncpg.CannotConnectNowError,
            asyncpg.exceptions.OperatorInterventionError,
        ),
    ) or (exc.__cause__ is not None and exc.__cause__ is not exc and is_outage(exc.__cause__))


#: SQLSTATE classes and codes of a database that answers but refuses this configuration: restarting
#: or waiting does not help, the setting must change.
_REFUSED = {
    "28": "it refused the user name or password",  # invalid_authorization_specification, invalid_password
    "3D000": "the database does not exist",  # invalid_catalog_name
}


def refused_configuration(exc: BaseException) -> str | None:
    """What is wrong when the database refuses the configured user, password or database; else ``None``."""
    orig = exc.orig if isinstance(exc, sa_exc.DBAPIError) else exc
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if not isinstance(code, str):
        return None
    what = _REFUSED.get(code) or _REFUSED.get(code[:2])
    if what is None:
        return None
    detail = str(orig).strip().splitlines()[0] if str(orig).strip() else ""
    return f"{what} ({detail})" if detail else what


def _reason(exc: BaseException) -> str:
    """A short reason for messages: the error class and the first line of its message (no SQL, no parameters)."""
    inner = exc.orig if isinstance(exc, sa_exc.DBAPIError) and exc.orig is not None else exc
    first_line = str(inner).strip().splitlines()[0] if str(inner).strip() else ""
    return f"{type(inner).__name__}: {first_line}"[:200] if first_line else type(inner).__name__


def _text(value: str | None, limit: int | None = None) -> str | None:
    """Text as every database takes it: no NUL characters (PostgreSQL refuses them), within the column."""
    if value is None:
        return None
    value = value.replace("\x00", "")
    return value[:limit] if limit else value


def _question_row(record: QuestionRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "asked_at": record.asked_at,
        "platform": _text(record.platform, 32),
        "community": _text(record.community, 100),
        "channel": _text(record.channel, 100),
        "user_hash": record.user_hash,
        "question": _text(record.question),
        "fact_id": record.fact_id,
        "score": record.score,
        "outcome": record.outcome,
        "latency_ms": record.latency_ms,
    }


def _audit_row(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at or dt.datetime.now(dt.UTC),
        "actor_platform": entry.actor_platform[:32],
        "actor_user": entry.actor_user[:100],
        "actor_name": entry.actor_name[:100] if entry.actor_name else None,
        "action": entry.action,
        "fact_id": entry.fact_id,
        "detail": entry.detail,
    }


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


class SqlStorage:
    """The question log, feedback, overlay and audit log in one SQL database."""

    def __init__(self, url: sa.URL, metrics: Metrics, *, poll_interval: float | None = None) -> None:
        self._engine = create_engine(url)
        self._metrics = metrics
        self._available = False
        self._failed = False  # an operation failed since the last one that succeeded
        self._migrated = False
        self._open_lock = asyncio.Lock()
        self.postgres = url.get_backend_name() == "postgresql"
        self.poll_interval = (
            poll_interval if poll_interval is not None else (POLL_POSTGRES if self.postgres else POLL_SQLITE)
        )

    @property
    def available(self) -> bool:
        return self._available

    @property
    def description(self) -> str:
        return mask(self._engine.url)

    @property
    def engine(self) -> sa.ext.asyncio.AsyncEngine:
        return self._engine

    # -- plumbing ---------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _guard(self, operation: str) -> AsyncIterator[None]:
        try:
            yield
        except Exception as exc:
            if not is_outage(exc):
                raise
            self._metrics.database_error(operation)
            reason = _reason(exc)
            if self._available:
                log.warning("database %s unavailable during %s: %s", self.description, operation, reason)
            else:
                log.debug("database %s still unavailable (%s): %s", self.description, operation, reason)
            self._available = False
            self._failed = True
            raise StorageUnavailable(reason) from exc
        else:
            if not self._available:
                log.info("database %s available", self.description)
            self._available = True
            self._metrics.database_ok()
            if self._failed:
                self._failed = False
                await self._after_recovery()

    @contextlib.asynccontextmanager
    async def _transaction(self, operation: str) -> AsyncIterator[AsyncConnection]:
        async with self._guard(operation), self._engine.connect() as connection:
            try:
                async with connection.begin():
                    yield connection
            except Exception as exc:
                if is_outage(exc):
                    await self._discard(connection)
                raise

    async def _discard(self, connection: AsyncConnection) -> None:
        """Never reuse a connection after the database failed it: it is closed, and the next
        operation opens a new one. SQLite opens a file it may not write read-only, and such a
        connection stays read-only after the permissions are fixed (see the pool in
        :mod:`bot.storage.engine`); one that saw a full disk or a lost server is suspect too."""
        with contextlib.suppress(Exception):
            await connection.invalidate()

    async def _after_recovery(self) -> None:
        """After an outage, on SQLite: give the write-ahead log's disk space back at once.

        Writing a backlog grows the WAL file, and SQLite reuses but never shrinks it: on a volume that
        had filled up, it took the space just freed and the backlog stopped half-way.
        """
        if self.postgres:
            return
        try:
            async with self._engine.connect() as connection:
                row = (await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")).one()
            log.debug("WAL checkpoint after recovery: busy=%s, pages=%s, checkpointed=%s", *row)
        except Exception as exc:  # noqa: BLE001 - best effort; the next writes are what matters
            if not is_outage(exc):
                raise
            log.debug("WAL checkpoint after recovery failed: %s", _reason(exc))

    def _insert_ignoring(self, table: sa.Table, keys: Sequence[str]) -> Any:
        """``INSERT … ON CONFLICT DO NOTHING`` in the dialect at hand."""
        if self.postgres:
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table).on_conflict_do_nothing(index_elements=list(keys))

    async def _bump(self, connection: AsyncConnection, column: str, *audits: AuditEntry) -> Revision:
        await connection.execute(sa.insert(t.audit), [_audit_row(audit) for audit in audits])
        counter = t.kb_revision.c[column]
        row = (
            await connection.execute(
                sa.update(t.kb_revision)
                .where(t.kb_revision.c.id == 1)
                .values({column: counter + 1})
                .returning(t.kb_revision.c.overlay, t.kb_revision.c.reload)
            )
        ).one()
        if self.postgres:
            payload = json.dumps({"overlay": row.overlay, "reload": row.reload})
            await connection.execute(sa.select(sa.func.pg_notify(CHANNEL, payload)))
        return Revision(overlay=row.overlay, reload=row.reload)

    # -- life cycle -------------------------------------------------------------------------------

    async def open(self) -> None:
        async with self._open_lock:
            if self._migrated:
                return
            try:
                async with self._guard("migrate"):
                    await migrate(self._engine)
            except sa_exc.DBAPIError as exc:
                refused = refused_configuration(exc)
                if refused is None:
                    raise
                raise SettingError(
                    f"DATABASE_URL: {self.description} answers, but {refused}; with docker compose, "
                    "POSTGRES_PASSWORD must be the password the database volume was created with"
                ) from exc
            self._migrated = True

    async def close(self) -> None:
        await self._engine.dispose()

    # -- question log -----------------------------------------------------------------------------

    async def write_log(self, questions: Sequence[QuestionRecord], feedback: Sequence[FeedbackRecord]) -> None:
        async with self._transaction("write_log") as connection:
            if questions:
                await connection.execute(
                    self._insert_ignoring(t.questions, ["id"]), [_question_row(q) for q in questions]
                )
            if feedback:
                wanted = {f.log_id for f in feedback}
                known = set(
                    (
                        await connection.execute(sa.select(t.questions.c.id).where(t.questions.c.id.in_(wanted)))
                    ).scalars()
                )
                rows = [
                    {"log_id": f.log_id, "user_hash": f.user_hash, "helpful": f.helpful, "given_at": f.given_at}
                    for f in feedback
                    if f.log_id in known
                ]
                if rows:
                    await connection.execute(self._insert_ignoring(t.feedback, ["log_id", "user_hash"]), rows)

    async def add_feedback(self, record: FeedbackRecord) -> bool:
        async with self._transaction("feedback") as connection:
            known = await connection.scalar(sa.select(t.questions.c.id).where(t.questions.c.id == record.log_id))
            if known is None:
                return False
            inserted = await connection.execute(
                self._insert_ignoring(t.feedback, ["log_id", "user_hash"])
                .values(
                    log_id=record.log_id, user_hash=record.user_hash, helpful=record.helpful, given_at=record.given_at
                )
                .returning(t.feedback.c.id)
            )
            return inserted.first() is not None

    # -- insights ---------------------------------------------------------------------------------

    def _period(
        self, since: dt.datetime, community: str | None, platform: str | None = None
    ) -> list[sa.ColumnElement[bool]]:
        conditions = [t.questions.c.asked_at >= since]
        if community is not None:
            conditions.append(t.questions.c.community == community)
        if platform is not None:
            conditions.append(t.questions.c.platform == platform)
        return conditions

    async def stats_rows(
        self, since: dt.datetime, community: str | None, top: int, platform: str | None = None
    ) -> StatsRows:
        q, f = t.questions, t.feedback
        where = self._period(since, community, platform)
        day = sa.func.date(q.c.asked_at)
        count = sa.func.count()
        not_helpful = sa.exists().where(f.c.log_id == q.c.id, f.c.helpful.is_(False))
        abstained = sa.func.sum(sa.case((q.c.outcome == "abstained", 1), else_=0))
        unhelpful = sa.func.sum(sa.case((sa.and_(q.c.outcome != "abstained", not_helpful), 1), else_=0))
        async with self._transaction("stats") as c:
            days = (
                await c.execute(
                    sa.select(day, count, abstained, unhelpful).where(*where).group_by(day).order_by(day)
                )
            ).all()
            day_votes = (
                await c.execute(
                    sa.select(day, f.c.helpful, count)
                    .select_from(f.join(q, f.c.log_id == q.c.id))
                    .where(*where)
                    .group_by(day, f.c.helpful)
                )
            ).all()
            outcomes = (await c.execute(sa.select(q.c.outcome, count).where(*where).group_by(q.c.outcome))).all()
            top_facts = (
                await c.execute(
                    sa.select(q.c.fact_id, count)
                    .where(*where, q.c.fact_id.is_not(None))
                    .group_by(q.c.fact_id)
                    .order_by(count.desc(), q.c.fact_id)
                    .limit(top)
                )
            ).all()
            slowest = (await c.execute(sa.select(q).where(*where).order_by(q.c.latency_ms.desc()).limit(top))).all()
            mean = await c.scalar(sa.select(sa.func.avg(q.c.latency_ms)).where(*where))
            total = sum(n for _, n in outcomes)
            percentiles: dict[int, float] = {}
            for rank in (50, 90, 99) if total else ():
                offset = max(math.ceil(rank / 100 * total) - 1, 0)
                value = await c.scalar(
                    sa.select(q.c.latency_ms).where(*where).order_by(q.c.latency_ms).limit(1).offset(offset)
                )
                percentiles[rank] = float(value)
        votes: dict[tuple[dt.date, bool], int] = {(_as_date(d), bool(h)): n for d, h, n in day_votes}
        return StatsRows(
            per_day=[(_as_date(d), n) for d, n, _, _ in days],
            outcomes={outcome: n for outcome, n in outcomes},
            top_facts=[(fact_id, n) for fact_id, n in top_facts],
            helpful=sum(n for (_, h), n in votes.items() if h),
            not_helpful=sum(n for (_, h), n in votes.items() if not h),
            slowest=[QuestionRecord(**row._asdict()) for row in slowest],
            mean_latency_ms=float(mean) if mean is not None else None,
            days=[
                DayRow(
                    day=_as_date(d),
                    total=n,
                    abstained=int(a or 0),
                    unhelpful=int(u or 0),
                    helpful_votes=votes.get((_as_date(d), True), 0),
                    not_helpful_votes=votes.get((_as_date(d), False), 0),
                )
                for d, n, a, u in days
            ],
            latency_percentiles=percentiles,
        )

    async def unanswered_rows(
        self, since: dt.datetime, community: str | None, limit: int, platform: str | None = None
    ) -> list[UnansweredRow]:
        q, f = t.questions, t.feedback
        not_helpful = sa.exists().where(f.c.log_id == q.c.id, f.c.helpful.is_(False))
        query = (
            sa.select(q.c.question, q.c.asked_at, q.c.outcome, q.c.platform)
            .where(*self._period(since, community, platform), sa.or_(q.c.outcome == "abstained", not_helpful))
            .order_by(q.c.asked_at.desc())
            .limit(limit)
        )
        async with self._transaction("unanswered") as connection:
            rows = (await connection.execute(query)).all()
        return [
            UnansweredRow(
                row.question,
                row.asked_at,
                "abstained" if row.outcome == "abstained" else "not helpful",
                row.platform,
            )
            for row in rows
        ]

    async def asked_questions(self, since: dt.datetime, community: str | None, limit: int) -> list[AskedQuestion]:
        q = t.questions
        count = sa.func.count()
        query = (
            sa.select(q.c.question, count)
            .where(*self._period(since, community))
            .group_by(q.c.question)
            .order_by(count.desc(), q.c.question)
            .limit(limit)
        )
        async with self._transaction("asked_questions") as connection:
            rows = (await connection.execute(query)).all()
        return [AskedQuestion(question, n) for question, n in rows]

    async def communities(self, since: dt.datetime) -> list[Community]:
        q = t.questions
        count = sa.func.count()
        query = (
            sa.select(q.c.platform, q.c.community, count)
            .where(q.c.asked_at >= since)
            .group_by(q.c.platform, q.c.community)
            .order_by(count.desc(), q.c.platform, q.c.community)
        )
        async with self._transaction("communities") as connection:
            rows = (await connection.execute(query)).all()
        return [Community(platform, community, n) for platform, community, n in rows]

    # -- the curation queue -----------------------------------------------------------------------

    async def inbox_marks(self) -> list[InboxMark]:
        m = t.inbox_marks
        async with self._transaction("inbox_marks") as connection:
            rows = (await connection.execute(sa.select(m).order_by(m.c.at.desc()))).all()
        # The key is not stored (only its hash, a fixed-size primary key): the wording gives it back.
        return [InboxMark(question_key(r.question), r.question, r.state, r.at, r.actor, r.fact_id) for r in rows]

    async def save_marks(self, marks: Sequence[InboxMark], audit: AuditEntry) -> None:
        m = t.inbox_marks
        rows = {
            _key_hash(mark.key): {
                "key_hash": _key_hash(mark.key),
                "question": _text(mark.question),
                "state": mark.state,
                "fact_id": mark.fact_id,
                "at": mark.at,
                "actor": mark.actor[:200],
            }
            for mark in marks
        }
        async with self._transaction("save_marks") as connection:
            if rows:
                await connection.execute(sa.delete(m).where(m.c.key_hash.in_(list(rows))))
                await connection.execute(sa.insert(m), list(rows.values()))
            await connection.execute(sa.insert(t.audit), [_audit_row(audit)])

    async def delete_marks(self, keys: Sequence[str], audit: AuditEntry) -> int:
        m = t.inbox_marks
        async with self._transaction("delete_marks") as connection:
            removed = (await connection.execute(sa.delete(m).where(m.c.key_hash.in_([_key_hash(k) for k in keys])))).rowcount
            await connection.execute(sa.insert(t.audit), [_audit_row(audit)])
        return removed

    # -- dashboard sign-in ------------------------------------------------------------------------

    @staticmethod
    def _owner_row(token_hash: str, owner: SignInRecord, created_at: dt.datetime) -> dict[str, Any]:
        return {
            "token_hash": token_hash,
            "actor_platform": owner.platform[:32],
            "actor_user": owner.user[:100],
            "actor_name": owner.name[:100] if owner.name else None,
            "created_at": created_at,
            "expires_at": owner.expires_at,
        }

    async def save_signin_link(self, token_hash: str, owner: SignInRecord, created_at: dt.datetime) -> None:
        async with self._transaction("signin_link") as connection:
            await connection.execute(sa.insert(t.signin_links), [self._owner_row(token_hash, owner, created_at)])

    async def redeem_signin_link(self, token_hash: str, now: dt.datetime) -> SignInRecord | None:
        links = t.signin_links
        # One UPDATE decides: of two instances redeeming the same link at once, one gets the row.
        statement = (
            sa.update(links)
            .where(links.c.token_hash == token_hash, links.c.used_at.is_(None), links.c.expires_at > now)
            .values(used_at=now)
            .returning(links.c.actor_platform, links.c.actor_user, links.c.actor_name, links.c.expires_at)
        )
        async with self._transaction("redeem_signin_link") as connection:
            row = (await connection.execute(statement)).first()
        return SignInRecord(row.actor_platform, row.actor_user, row.actor_name, row.expires_at) if row else None

    async def save_session(self, token_hash: str, owner: SignInRecord, created_at: dt.datetime) -> None:
        async with self._transaction("save_session") as connection:
            await connection.execute(sa.insert(t.signin_sessions), [self._owner_row(token_hash, owner, created_at)])

    async def session(self, token_hash: str, now: dt.datetime) -> SignInRecord | None:
        s = t.signin_sessions
        query = sa.select(s).where(s.c.token_hash == token_hash, s.c.expires_at > now)
        async with self._transaction("session") as connection:
            row = (await connection.execute(query)).first()
        return SignInRecord(row.actor_platform, row.actor_user, row.actor_name, row.expires_at) if row else None

    async def end_session(self, token_hash: str) -> None:
        async with self._transaction("end_session") as connection:
            await connection.execute(sa.delete(t.signin_sessions).where(t.signin_sessions.c.token_hash == token_hash))

    async def purge_signins(self, now: dt.datetime) -> int:
        async with self._transaction("purge_signins") as connection:
            links = await connection.execute(
                sa.delete(t.signin_links).where(
                    sa.or_(t.signin_links.c.expires_at <= now, t.signin_links.c.used_at.is_not(None))
                )
            )
            sessions = await connection.execute(
                sa.delete(t.signin_sessions).where(t.signin_sessions.c.expires_at <= now)
            )
        return links.rowcount + sessions.rowcount

    # -- overlay and audit ------------------------------------------------------------------------

    async def overlay(self) -> list[OverlayEntry]:
        o = t.overlay
        async with self._transaction("overlay") as connection:
            rows = (await connection.execute(sa.select(o).order_by(o.c.updated_at, o.c.fact_id))).all()
        return [OverlayEntry(r.fact_id, dict(r.patch), bool(r.created), r.updated_at, r.updated_by) for r in rows]

    async def save_overlay(self, fact_id: str, entry: OverlayEntry | None, audit: AuditEntry) -> Revision:
        return await self.save_overlays([(fact_id, entry)], [audit])

    async def save_overlays(
        self, changes: Sequence[tuple[str, OverlayEntry | None]], audits: Sequence[AuditEntry]
    ) -> Revision:
        async with self._transaction("save_overlay") as connection:
            await connection.execute(sa.delete(t.overlay).where(t.overlay.c.fact_id.in_([fid for fid, _ in changes])))
            rows = [
                {
                    "fact_id": entry.fact_id,
                    "patch": entry.patch,
                    "created": entry.created,
                    "updated_at": entry.updated_at or dt.datetime.now(dt.UTC),
                    "updated_by": (entry.updated_by or "")[:200],
                }
                for _, entry in changes
                if entry is not None
            ]
            if rows:
                await connection.execute(sa.insert(t.overlay), rows)
            return await self._bump(connection, "overlay", *audits)

    async def announce_reload(self, audit: AuditEntry, size: KnowledgeSize | None = None) -> Revision:
        async with self._transaction("announce_reload") as connection:
            if size is not None:
                await self._set_size(connection, size)
            return await self._bump(connection, "reload", audit)

    async def _set_size(self, connection: AsyncConnection, size: KnowledgeSize) -> None:
        r = t.kb_revision
        await connection.execute(
            sa.update(r).where(r.c.id == 1).values(facts=size.facts, synonym_groups=size.synonym_groups)
        )

    async def record_knowledge_size(self, size: KnowledgeSize) -> None:
        async with self._transaction("record_knowledge_size") as connection:
            await self._set_size(connection, size)

    async def knowledge_size(self) -> KnowledgeSize | None:
        r = t.kb_revision
        async with self._transaction("knowledge_size") as connection:
            row = (await connection.execute(sa.select(r.c.facts, r.c.synonym_groups).where(r.c.id == 1))).one()
        if row.facts is None:
            return None
        return KnowledgeSize(facts=row.facts, synonym_groups=row.synonym_groups or 0)

    async def record_audit(self, audit: AuditEntry) -> None:
        async with self._transaction("audit") as connection:
            await connection.execute(sa.insert(t.audit), [_audit_row(audit)])

    async def revision(self) -> Revision:
        r = t.kb_revision
        async with self._transaction("revision") as connection:
            row = (await connection.execute(sa.select(r.c.overlay, r.c.reload).where(r.c.id == 1))).one()
        return Revision(overlay=row.overlay, reload=row.reload)

    async def audit_log(self, limit: int, fact_id: str | None = None) -> list[AuditEntry]:
        a = t.audit
        query = sa.select(a).order_by(a.c.id.desc()).limit(limit)
        if fact_id is not None:
            query = query.where(a.c.fact_id == fact_id)
        async with self._transaction("audit_log") as connection:
            rows = (await connection.execute(query)).all()
        return [
            AuditEntry(
                action=r.action,
                actor_platform=r.actor_platform,
                actor_user=r.actor_user,
                actor_name=r.actor_name,
                fact_id=r.fact_id,
                detail=dict(r.detail or {}),
                at=r.at,
                id=r.id,
            )
            for r in rows
        ]

    # -- privacy ----------------------------------------------------------------------------------

    async def purge(self, before: dt.datetime) -> int:
        q, f = t.questions, t.feedback
        async with self._transaction("purge") as connection:
            old = sa.select(q.c.id).where(q.c.asked_at < before)
            await connection.execute(sa.delete(f).where(f.c.log_id.in_(old)))
            return (await connection.execute(sa.delete(q).where(q.c.asked_at < before))).rowcount

    async def forget(self, user_hash: str) -> int:
        q, f = t.questions, t.feedback
        async with self._transaction("forget") as connection:
            theirs = sa.select(q.c.id).where(q.c.user_hash == user_hash)
            feedback = await connection.execute(
                sa.delete(f).where(sa.or_(f.c.user_hash == user_hash, f.c.log_id.in_(theirs)))
            )
            questions = await connection.execute(sa.delete(q).where(q.c.user_hash == user_hash))
            return feedback.rowcount + questions.rowcount

    # -- change notifications ---------------------------------------------------------------------

    async def watch(self, on_change: Callable[[], Awaitable[None]]) -> None:
        """Call ``on_change`` on every notification (PostgreSQL) and every ``poll_interval`` seconds."""
        if self.postgres:
            await self._listen(on_change)
        else:
            await self._poll(on_change)

    async def _notify_safely(self, on_change: Callable[[], Awaitable[None]]) -> None:
        with contextlib.suppress(StorageUnavailable):
            await on_change()

    async def _poll(self, on_change: Callable[[], Awaitable[None]]) -> None:
        while True:
            await asyncio.sleep(self.poll_interval)
            await self._notify_safely(on_change)

    async def _listen(self, on_change: Callable[[], Awaitable[None]]) -> None:
        import asyncpg

        wake = asyncio.Event()
        delay = 0.5
        while True:
            connection: asyncpg.Connection | None = None
            try:
                connection = await asyncpg.connect(**listener_connect_kwargs(self._engine))
                await connection.add_listener(CHANNEL, lambda *_args: wake.set())
                log.debug("listening for knowledge changes on %s", self.description)
                delay = 0.5
                wake.set()  # catch up with whatever changed while we were not listening
                while True:
                    if not await wait_event(wake, self.poll_interval):
                        await connection.fetchval("SELECT 1", timeout=self.poll_interval)
                    wake.clear()
                    await self._notify_safely(on_change)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not is_outage(exc):
                    raise
                log.debug("change listener lost its connection (%s); retrying in %.1fs", _reason(exc), delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, _LISTEN_RETRY_MAX)
            finally:
                if connection is not None:
                    connection.terminate()
