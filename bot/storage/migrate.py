"""Schema migrations (Alembic), run programmatically when a bot or a ``factbot kb`` command starts.

Several processes may start at once against one PostgreSQL: the upgrade runs under a transaction-level
advisory lock, so exactly one of them migrates and the others find the schema at head.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Key of the PostgreSQL advisory lock held while migrating ("factbot" in ASCII).
ADVISORY_LOCK_KEY = 0x66616374_626F74 & 0x7FFFFFFFFFFFFFFF


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head() -> str | None:
    """The newest revision of the migration scripts."""
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) > 1:
        raise RuntimeError(f"the migrations must have exactly one head, found {heads}")
    return heads[0] if heads else None


def current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _upgrade(connection: Connection) -> None:
    if current(connection) != head():
        command.upgrade(alembic_config(connection), "head")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the database schema to head (a no-op when it is there already)."""
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        await connection.run_sync(_upgrade)


async def _autogenerate(message: str) -> None:
    from bot.storage.engine import create_engine, sqlite_url

    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(sqlite_url(Path(scratch) / "scratch.sqlite3"))
        try:
            await migrate(engine)
            async with engine.begin() as connection:
                await connection.run_sync(
                    lambda sync: command.revision(alembic_config(sync), message=message, autogenerate=True)
                )
        finally:
            await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.storage.migrate", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    revision = sub.add_parser("revision", help="write a new migration for the changes in bot/storage/tables.py")
    revision.add_argument("-m", "--message", required=True)
    args = parser.parse_args()
    if args.command == "revision":
        asyncio.run(_autogenerate(args.message))


if __name__ == "__main__":
    main()
