"""Normalisation and the question index."""

from bot.core.matching.index import Hit, QueryTerm, QuestionIndex, SearchResult
from bot.core.matching.normalise import MAX_INPUT_CHARS, Normaliser

__all__ = ["MAX_INPUT_CHARS", "Hit", "Normaliser", "QueryTerm", "QuestionIndex", "SearchResult"]
