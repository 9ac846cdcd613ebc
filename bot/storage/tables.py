"""The database schema (SQLAlchemy Core). Changes go through a migration in ``migrations/versions``."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A point in time, stored in UTC and read back timezone-aware on every database.

    PostgreSQL keeps ``timestamptz``; SQLite has no time zones, so it gets naive UTC text that sorts
    and compares correctly.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


questions = sa.Table(
    "questions",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True, comment="uuid4 hex made by the bot, so feedback can refer to it"),
    sa.Column("asked_at", UTCDateTime(), nullable=False, index=True),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("community", sa.String(100)),
    sa.Column("channel", sa.String(100)),
    sa.Column("user_hash", sa.String(64), index=True, comment="HMAC-SHA256 of platform:user, never the raw id"),
    sa.Column("question", sa.Text(), nullable=False),
    sa.Column("fact_id", sa.String(64)),
    sa.Column("score", sa.Float(), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("latency_ms", sa.Float(), nullable=False),
    sa.Index(None, "community", "asked_at"),
)

feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("log_id", sa.String(32), sa.ForeignKey("questions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_hash", sa.String(64), nullable=False, index=True),
    sa.Column("helpful", sa.Boolean(), nullable=False),
    sa.Column("given_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("log_id", "user_hash"),
)

overlay = sa.Table(
    "overlay",
    metadata,
    sa.Column("fact_id", sa.String(64), primary_key=True),
    sa.Column("patch", sa.JSON(), nullable=False),
    sa.Column("created", sa.Boolean(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
)

audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime(), nullable=False, index=True),
    sa.Column("actor_platform", sa.String(32), nullable=False),
    sa.Column("actor_user", sa.String(100), nullable=False),
    sa.Column("actor_name", sa.String(100)),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("fact_id", sa.String(64), index=True),
    sa.Column("detail", sa.JSON(), nullable=False),
)

kb_revision = sa.Table(
    "kb_revision",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("overlay", sa.Integer(), nullable=False),
    sa.Column("reload", sa.Integer(), nullable=False),
    # The size of the knowledge files when last loaded to be served (start or reload): a reload that
    # would drop a large share of it asks for --force.
    sa.Column("facts", sa.Integer()),
    sa.Column("synonym_groups", sa.Integer()),
)

inbox_marks = sa.Table(
    "inbox_marks",
    metadata,
    sa.Column("key_hash", sa.String(64), primary_key=True, comment="SHA-256 of the wording's grouping key"),
    sa.Column("question", sa.Text(), nullable=False, comment="the wording as a member asked it"),
    sa.Column("state", sa.String(16), nullable=False, comment="dismissed, taught or added"),
    sa.Column("fact_id", sa.String(64)),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
)

def _signin_columns(comment: str) -> list[sa.Column]:
    """Whose a sign-in link or session is, and until when (the token itself is never stored)."""
    return [
        sa.Column("token_hash", sa.String(64), primary_key=True, comment=comment),
        sa.Column("actor_platform", sa.String(32), nullable=False),
        sa.Column("actor_user", sa.String(100), nullable=False),
        sa.Column("actor_name", sa.String(100)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False, index=True),
    ]


signin_links = sa.Table(
    "signin_links",
    metadata,
    *_signin_columns("SHA-256 of the one-time token, never the token"),
    sa.Column("used_at", UTCDateTime()),
)

signin_sessions = sa.Table(
    "signin_sessions", metadata, *_signin_columns("SHA-256 of the session cookie, never the cookie")
)
