"""The console front end: ``factbot ask`` and ``factbot chat``."""
