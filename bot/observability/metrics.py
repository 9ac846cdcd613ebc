"""Prometheus metrics of one bot process.

Each :class:`Metrics` has its own registry, so two bots in one process (as in tests) never share
counters; ``/metrics`` serves the registry of the bot it belongs to.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

#: Answer latency buckets, in seconds: the matching engine answers in milliseconds.
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    """The bot's counters, gauges and histograms, and the registry that exports them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.questions = Counter(
            "factbot_questions", "Questions answered, by platform and outcome.", ["platform", "outcome"], registry=r
        )
        self.latency = Histogram(
            "factbot_answer_latency_seconds",
            "Time to answer a question from memory.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.facts = Gauge(
            "factbot_knowledge_facts", "Facts in the knowledge base, by visibility.", ["state"], registry=r
        )
        self.overlay = Gauge("factbot_knowledge_overlay_entries", "Runtime edits laid over the files.", registry=r)
        self.reloads = Counter("factbot_knowledge_reloads", "Knowledge reloads, by result.", ["result"], registry=r)
        self.feedback = Counter("factbot_feedback", "Feedback recorded, by verdict.", ["helpful"], registry=r)
        self.db_errors = Counter(
            "factbot_database_errors", "Database operations that failed, by operation.", ["operation"], registry=r
        )
        self.db_up = Gauge("factbot_database_up", "1 when the last database operation succeeded.", registry=r)
        self.log_buffered = Gauge("factbot_log_buffered", "Log entries waiting in memory for the database.", registry=r)
        self.log_dropped = Counter(
            "factbot_log_dropped", "Log entries dropped because the buffer was full.", registry=r
        )
        self.db_up.set(0)

    def observe_answer(self, platform: str, outcome: str, seconds: float) -> None:
        self.questions.labels(platform=platform, outcome=outcome).inc()
        self.latency.observe(seconds)

    def set_knowledge(self, visible: int, hidden: int, overlay: int) -> None:
        self.facts.labels(state="visible").set(visible)
        self.facts.labels(state="hidden").set(hidden)
        self.overlay.set(overlay)

    def database_error(self, operation: str) -> None:
        self.db_errors.labels(operation=operation).inc()
        self.db_up.set(0)

    def database_ok(self) -> None:
        self.db_up.set(1)

    def exposition(self) -> bytes:
        """The registry in the Prometheus text format."""
        return generate_latest(self.registry)
