"""Moderator dashboard: inbox marks (dismissed or resolved wordings), one-time sign-in links, sessions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox_marks",
        sa.Column("key_hash", sa.String(length=64), nullable=False, comment="SHA-256 of the wording's grouping key"),
        sa.Column("question", sa.Text(), nullable=False, comment="the wording as a member asked it"),
        sa.Column("state", sa.String(length=16), nullable=False, comment="dismissed, taught or added"),
        sa.Column("fact_id", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_inbox_marks")),
    )
    _signin_table("signin_links", "SHA-256 of the one-time token, never the token", used_at=True)
    _signin_table("signin_sessions", "SHA-256 of the session cookie, never the cookie", used_at=False)


def _signin_table(table: str, comment: str, *, used_at: bool) -> None:
    columns = [
        sa.Column("token_hash", sa.String(length=64), nullable=False, comment=comment),
        sa.Column("actor_platform", sa.String(length=32), nullable=False),
        sa.Column("actor_user", sa.String(length=100), nullable=False),
        sa.Column("actor_name", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    ]
    if used_at:
        columns.append(sa.Column("used_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(table, *columns, sa.PrimaryKeyConstraint("token_hash", name=op.f(f"pk_{table}")))
    op.create_index(op.f(f"ix_{table}_expires_at"), table, ["expires_at"])


def downgrade() -> None:
    for table in ("signin_sessions", "signin_links"):
        op.drop_index(op.f(f"ix_{table}_expires_at"), table_name=table)
        op.drop_table(table)
    op.drop_table("inbox_marks")
