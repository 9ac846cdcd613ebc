"""Schema migrations (Alembic), run programmatically when a bot or a ``factbot kb`` command starts.

Several processes may start at once against one PostgreSQL: the upgrade runs under a transaction-level
advisory lock, so exactly one of them migrates and the others find the schema at head.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Key of the PostgreSQL advisory lock held while migrating ("factbot" in ASCII).
ADVISORY_LOCK_KEY = 0x66616374_626F74 & 0x7FFFFFFFFFFFFFFF


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head() -> str | None:
    """The newest revision of the migration scripts."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) > 1:
        raise RuntimeError(f"the migrations must have exactly one head, found {heads}")
    return heads[0] if heads else None


def current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def scripted_head() -> str | None:
    """:func:`head`, read from the scripts' ``revision`` and ``down_revision`` assignments without
    loading Alembic (and Mako, and Pygments): most starts find the schema there already."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        values: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target = node.target if isinstance(node, ast.AnnAssign) else None
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
            if isinstance(target, ast.Name) and target.id in {"revision", "down_revision"} and node.value is not None:
                values[target.id] = ast.literal_eval(node.value)
        if isinstance(values.get("revision"), str):
            revisions.add(values["revision"])
            down = values.get("down_revision")
            parents.update([down] if isinstance(down, str) else down or ())
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _at_head(connection: Connection) -> bool:
    """Whether the schema is at :func:`scripted_head` (read without Alembic)."""
    expected = scripted_head()
    if expected is None or not inspect(connection).has_table("alembic_version"):
        return False
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [expected]


def _upgrade(connection: Connection) -> None:
    if _at_head(connection):
        return
    if current(connection) != head():
        from alembic import command

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
            from alembic import command

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
