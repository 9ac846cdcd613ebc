"""Knowledge size: how many facts and synonym groups the files held when last loaded to be served.

A reload compares the files with it and asks for ``--force`` before dropping a large share of them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("kb_revision", sa.Column("facts", sa.Integer(), nullable=True))
    op.add_column("kb_revision", sa.Column("synonym_groups", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kb_revision") as batch:
        batch.drop_column("synonym_groups")
        batch.drop_column("facts")
