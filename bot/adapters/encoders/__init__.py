"""Sentence-embedding models behind the core's :class:`~bot.core.semantic.encoder.Encoder` port."""
