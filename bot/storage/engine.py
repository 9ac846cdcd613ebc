"""Database URLs and engines: SQLite by default, PostgreSQL through ``DATABASE_URL``; one code path.

Only the URL differs: the storage code is the same SQLAlchemy Core for both. SQLite gets real
transactions (``BEGIN IMMEDIATE``, so two writers wait for each other instead of failing), WAL and
foreign keys; PostgreSQL sessions run in UTC with short connect and command timeouts, so an outage
is noticed in seconds, not minutes.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import URL, event, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.settings import SettingError
from bot.storage import SQLITE_FILE

CONNECT_TIMEOUT = 5.0
COMMAND_TIMEOUT = 15.0
_DRIVERS = {
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
}


def sqlite_url(path: Path) -> URL:
    return URL.create("sqlite+aiosqlite", database=str(path))


def resolve_url(database_url: str | None, data_dir: Path) -> URL:
    """The async URL to use: ``database_url`` with its async driver, else the SQLite file in ``data_dir``."""
    if not database_url:
        return sqlite_url(data_dir / SQLITE_FILE)
    try:
        url = make_url(database_url)
        port = url.port  # a port that is not a number fails here, not at the first connection
    except (ArgumentError, ValueError):
        # The message never repeats the URL: it holds the password.
        raise SettingError(
            "DATABASE_URL is not a database URL: write it as postgresql://USER:PASSWORD@HOST:5432/DATABASE "
            "(percent-encode @ : / ? # % in the password), or leave it unset for SQLite"
        ) from None
    driver = _DRIVERS.get(url.drivername)
    if driver is None:
        raise SettingError(
            f"DATABASE_URL names the unsupported database {url.drivername!r}: use postgresql://… or sqlite:///…"
        )
    if driver.startswith("postgresql") and not url.host:
        raise SettingError("DATABASE_URL names no host: write it as postgresql://USER:PASSWORD@HOST:5432/DATABASE")
    if "@" in (url.host or ""):
        raise SettingError("DATABASE_URL has an @ in its password: percent-encode it as %40")
    if port is not None and not 0 < port < 65536:
        raise SettingError(f"DATABASE_URL names the port {port}, which is not between 1 and 65535")
    return url.set(drivername=driver)


def mask(url: URL) -> str:
    """The URL as it may be logged: the password replaced by ``***``."""
    return url.render_as_string(hide_password=True)


#: The write-ahead log stays small, so a nearly full disk needs little room besides the data: it is
#: copied into the database every 256 pages (1 MiB; SQLite's default is 4 MiB) and cut back to
#: 1 MiB afterwards (by default it keeps the largest size it ever reached).
_WAL_BOUNDS = ("wal_autocheckpoint=256", "journal_size_limit=1048576")


#: SQLite gets one connection per process, which operations take in turn (SQLite writes one at a
#: time anyway). Within a process, SQLite shares each file's locks and WAL index between its
#: connections: a connection opened while the file was read-only leaves them read-only for every
#: later connection, until no connection to the file is open. With several pooled connections there
#: was nearly always one open, and a file whose permissions were fixed stayed read-only to the bot.
_SQLITE_POOL = {"pool_size": 1, "max_overflow": 0}


def _use_wal(cursor: Any) -> None:
    """Switch a new SQLite file to WAL (readers never wait for the writer); the mode stays in the file.

    The switch needs the file to itself and fails at once, without waiting, while another connection
    is using it: that only happens while several processes create the same new file, so try again.
    """
    for _attempt in range(100):
        cursor.execute("PRAGMA journal_mode")
        if str(cursor.fetchone()[0]).lower() == "wal":
            return
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.02)
    cursor.execute("PRAGMA journal_mode=WAL")


def create_engine(url: URL) -> AsyncEngine:
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        # One connection per process, see _SQLITE_POOL.
        engine = create_async_engine(url, hide_parameters=True, connect_args={"timeout": 30}, **_SQLITE_POOL)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy, not the driver, decide when transactions begin (see "begin" below).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            for pragma in ("busy_timeout=30000", "foreign_keys=ON", "synchronous=NORMAL", *_WAL_BOUNDS):
                cursor.execute(f"PRAGMA {pragma}")
            _use_wal(cursor)
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_async_engine(
        url,
        hide_parameters=True,
        pool_size=5,
        max_overflow=5,
        pool_timeout=CONNECT_TIMEOUT,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={
            "timeout": CONNECT_TIMEOUT,
            "command_timeout": COMMAND_TIMEOUT,
            "server_settings": {"timezone": "UTC", "application_name": "factbot"},
        },
    )


def listener_connect_kwargs(engine: AsyncEngine) -> dict[str, Any]:
    """Keyword arguments of ``asyncpg.connect`` for the same database as ``engine`` (LISTEN needs its own)."""
    _args, kwargs = engine.dialect.create_connect_args(engine.url)
    return {**kwargs, "timeout": CONNECT_TIMEOUT, "server_settings": {"application_name": "factbot-listener"}}
