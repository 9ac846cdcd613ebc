"""Migrations run on start, match the table definitions, and tolerate instances starting together."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.storage.engine import create_engine, resolve_url
from bot.storage.migrate import head, migrate, scripted_head
from bot.storage.tables import metadata


def _differences(connection: sa.Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "render_as_batch": connection.dialect.name == "sqlite"}
    )
    return [
        d
        for d in compare_metadata(context, metadata)
        if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version")
    ]


async def test_migrations_build_exactly_the_declared_schema_and_are_idempotent(database_url: str, tmp_path) -> None:
    engine = create_engine(resolve_url(database_url, tmp_path))
    try:
        await migrate(engine)
        await migrate(engine)  # a second start finds the schema at head
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
            version = await connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
            revision = (await connection.execute(sa.text("SELECT overlay, reload FROM kb_revision WHERE id = 1"))).one()
        assert version == head() == scripted_head()  # the start-up check without Alembic agrees with it
        assert tuple(revision) == (0, 0)
    finally:
        await engine.dispose()


async def test_instances_starting_together_migrate_once(database_url: str, tmp_path) -> None:
    engines = [create_engine(resolve_url(database_url, tmp_path)) for _ in range(4)]
    try:
        await asyncio.gather(*(migrate(engine) for engine in engines))
        async with engines[0].connect() as connection:
            assert await connection.scalar(sa.text("SELECT count(*) FROM alembic_version")) == 1
            assert await connection.scalar(sa.text("SELECT count(*) FROM kb_revision")) == 1
    finally:
        for engine in engines:
            await engine.dispose()
