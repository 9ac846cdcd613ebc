"""Alembic environment: factbot runs migrations itself on start (see :func:`bot.storage.migrate.migrate`).

The connection comes from ``config.attributes["connection"]``. For writing a new migration, from a
source checkout: ``python -m bot.storage.migrate revision -m "what changes"`` (autogenerates it
against a scratch SQLite database at head).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import context

from bot.storage.tables import UTCDateTime, metadata


def _render_item(kind: str, obj: Any, autogen_context: Any) -> str | bool:
    """Migrations spell column types in plain SQLAlchemy, never with factbot's own type classes."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _compare_type(
    context: Any, inspected: Any, metadata_column: Any, inspected_type: Any, metadata_type: Any
) -> bool | None:
    if isinstance(metadata_type, UTCDateTime):
        return not isinstance(inspected_type, sa.DateTime)
    return None


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("factbot migrations run through bot.storage.migrate, which passes a connection")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=_compare_type,
    render_item=_render_item,
)
with context.begin_transaction():
    context.run_migrations()
