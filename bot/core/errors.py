"""Errors of the moderation use-cases; front ends show ``str(error)`` to the moderator as it is."""

from __future__ import annotations

from collections.abc import Iterable


class ModerationError(Exception):
    """A moderation command could not be carried out; the message says why."""


class FactRejected(ModerationError):
    """A fact (or an edit of one) fails the knowledge schema; ``problems`` lists every reason."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"fact rejected ({count} problem{'s' if count != 1 else ''}):\n{lines}")


class UnknownFact(ModerationError):
    """No fact has this id."""

    def __init__(self, fact_id: str) -> None:
        self.fact_id = fact_id
        super().__init__(f"no fact with id {fact_id!r}")


class StorageUnavailable(ModerationError):
    """The database cannot be reached: moderation needs it, answers do not."""

    def __init__(self, reason: str = "") -> None:
        self.reason = reason
        detail = f" ({reason})" if reason else ""
        super().__init__(
            f"the database is unavailable{detail}: moderation commands need it and cannot run now; "
            "members still get answers. Try again when the database is back."
        )


class ExportError(ModerationError):
    """An export would not produce a valid knowledge directory; nothing was written."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"export aborted, nothing was written:\n{lines}")
