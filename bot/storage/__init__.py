"""Storage: the question log, feedback, runtime edits and the audit log, in SQLite or PostgreSQL.

:class:`~bot.storage.sql.SqlStorage` implements :class:`bot.core.ports.Storage` with SQLAlchemy Core
(async, aiosqlite or asyncpg); the schema is migrated by Alembic on start (:mod:`bot.storage.migrate`).
"""

#: The file of the default SQLite database, in the data directory.
SQLITE_FILE = "factbot.sqlite3"
