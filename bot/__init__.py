"""factbot: a cited Q&A bot for chat communities."""

__version__ = "0.1.0"
