"""Alembic migrations of the factbot database (run by :mod:`bot.storage.migrate`)."""
