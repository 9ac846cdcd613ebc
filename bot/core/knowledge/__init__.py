"""Knowledge files: schema, loading and validation."""

from bot.core.knowledge.loader import KnowledgeError, Problem, load_knowledge, validate_fact
from bot.core.knowledge.model import KnowledgeBase, SynonymTable
from bot.core.knowledge.schema import Fact, Source

__all__ = [
    "Fact",
    "KnowledgeBase",
    "KnowledgeError",
    "Problem",
    "Source",
    "SynonymTable",
    "load_knowledge",
    "validate_fact",
]
