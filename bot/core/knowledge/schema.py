"""The schema of a fact, shared by knowledge files and runtime edits.

A knowledge file is a YAML mapping with a ``facts`` list (see ``docs/knowledge.md``).
Every fact is validated by :class:`Fact`; unknown keys are errors, so a typo such as
``questoins`` is reported instead of silently ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

#: Slack's section-block text limit (3,000) is lower than Discord's embed description (4,096);
#: an answer must fit both, so it is the limit for every answer.
ANSWER_MAX_CHARS = 3000
#: Discord's embed title limit.
TITLE_MAX_CHARS = 256
#: A question phrasing is shown as an autocomplete choice; Discord allows 100 characters there.
QUESTION_MAX_CHARS = 100
#: A summary is shown as a one-line preview, such as the description of a Discord select option
#: (100 characters at most).
SUMMARY_MAX_CHARS = 100
ID_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
FactId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=ID_PATTERN)]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SUMMARY_MAX_CHARS)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class Source(_Strict):
    """Where a fact comes from: enough for a reader to find the passage."""

    publisher: Text
    article: Text
    section: Text | None = None
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    date: dt.date | None = None


class Fact(_Strict):
    """One answer in the knowledge base, with the questions that lead to it."""

    id: FactId = Field(description="Stable identifier: lowercase letters, digits and hyphens.")
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX_CHARS)]
    summary: Summary | None = Field(default=None, description="The answer in one line, for previews (fact menus).")
    answer: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=ANSWER_MAX_CHARS)]
    questions: list[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=QUESTION_MAX_CHARS)]
    ] = Field(min_length=1, description="Phrasings a member might ask; they form the question index.")
    topic: Text
    tags: list[Text] = Field(default_factory=list)
    keywords: list[Text] = Field(
        default_factory=list,
        description="Terms that identify this fact on their own (names, numbers, organisations).",
    )
    sources: list[Source] = Field(min_length=1)
    related: list[FactId] = Field(default_factory=list)
    reviewed: dt.date | None = Field(default=None, description="When a curator last checked the fact.")
    hidden: bool = False

    @field_validator("questions", "tags", "keywords")
    @classmethod
    def _no_duplicates(cls, values: list[str]) -> list[str]:
        seen: set[str] = set()
        for value in values:
            key = value.casefold()
            if key in seen:
                raise ValueError(f"duplicate entry {value!r}")
            seen.add(key)
        return values

    @field_validator("summary")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        if value is not None and ("\n" in value or "\r" in value):
            raise ValueError("a summary is one line: no line breaks (use '>-' in YAML to fold a long line)")
        return value

    @model_validator(mode="after")
    def _not_related_to_itself(self) -> Fact:
        if self.id in self.related:
            raise ValueError(f"fact {self.id!r} lists itself in 'related'")
        return self

    def source_line(self) -> str:
        """The sources on one line, sections of one article grouped: 'P, “A”, S1; S2'."""
        grouped: dict[tuple[str, str], list[Source]] = {}
        for source in self.sources:
            grouped.setdefault((source.publisher, source.article), []).append(source)
        parts = []
        for (publisher, article), sources in grouped.items():
            details = [", ".join(filter(None, (s.section, s.date.isoformat() if s.date else None))) for s in sources]
            details = [d for d in details if d]
            parts.append(f"{publisher}, “{article}”" + (f", {'; '.join(details)}" if details else ""))
        return " · ".join(parts)
