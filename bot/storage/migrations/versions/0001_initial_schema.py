"""Initial schema: question log, feedback, overlay of runtime edits, audit log, knowledge revision.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "questions",
        sa.Column(
            "id", sa.String(length=32), nullable=False, comment="uuid4 hex made by the bot, so feedback can refer to it"
        ),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("community", sa.String(length=100), nullable=True),
        sa.Column("channel", sa.String(length=100), nullable=True),
        sa.Column(
            "user_hash", sa.String(length=64), nullable=True, comment="HMAC-SHA256 of platform:user, never the raw id"
        ),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("fact_id", sa.String(length=64), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
    )
    op.create_index(op.f("ix_questions_asked_at"), "questions", ["asked_at"])
    op.create_index(op.f("ix_questions_community_asked_at"), "questions", ["community", "asked_at"])
    op.create_index(op.f("ix_questions_user_hash"), "questions", ["user_hash"])

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("log_id", sa.String(length=32), nullable=False),
        sa.Column("user_hash", sa.String(length=64), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["log_id"], ["questions.id"], name=op.f("fk_feedback_log_id_questions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("log_id", "user_hash", name=op.f("uq_feedback_log_id_user_hash")),
    )
    op.create_index(op.f("ix_feedback_user_hash"), "feedback", ["user_hash"])

    op.create_table(
        "overlay",
        sa.Column("fact_id", sa.String(length=64), nullable=False),
        sa.Column("patch", sa.JSON(), nullable=False),
        sa.Column("created", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("fact_id", name=op.f("pk_overlay")),
    )

    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_platform", sa.String(length=32), nullable=False),
        sa.Column("actor_user", sa.String(length=100), nullable=False),
        sa.Column("actor_name", sa.String(length=100), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("fact_id", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )
    op.create_index(op.f("ix_audit_at"), "audit", ["at"])
    op.create_index(op.f("ix_audit_fact_id"), "audit", ["fact_id"])

    revision_table = op.create_table(
        "kb_revision",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("overlay", sa.Integer(), nullable=False),
        sa.Column("reload", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_revision")),
    )
    op.bulk_insert(revision_table, [{"id": 1, "overlay": 0, "reload": 0}])


def downgrade() -> None:
    op.drop_table("kb_revision")
    op.drop_index(op.f("ix_audit_fact_id"), table_name="audit")
    op.drop_index(op.f("ix_audit_at"), table_name="audit")
    op.drop_table("audit")
    op.drop_table("overlay")
    op.drop_index(op.f("ix_feedback_user_hash"), table_name="feedback")
    op.drop_table("feedback")
    op.drop_index(op.f("ix_questions_user_hash"), table_name="questions")
    op.drop_index(op.f("ix_questions_community_asked_at"), table_name="questions")
    op.drop_index(op.f("ix_questions_asked_at"), table_name="questions")
    op.drop_table("questions")
