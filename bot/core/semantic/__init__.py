"""The semantic stage: sentence embeddings of the question against every phrasing.

The core owns the :class:`~bot.core.semantic.encoder.Encoder` port and imports no embedding
library; an adapter (:mod:`bot.adapters.encoders`) wraps one. Embeddings of phrasings are cached on
disk keyed by model and text (:mod:`bot.core.semantic.cache`), searched by
:mod:`bot.core.semantic.index`, and fused with the lexical score by :mod:`bot.core.matching.fusion`.
"""
