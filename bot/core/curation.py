"""Curation use-cases: the inbox of unanswered questions and what moderators do with it.

* :meth:`Curation.inbox`: the curation queue (:func:`bot.core.unanswered.group_unanswered`), each
  group with the bot's best guesses today.
* :meth:`Curation.teach`: add a group's wordings as phrasings of a fact; :meth:`Curation.add_from`:
  make a new fact of them; :meth:`Curation.dismiss` / :meth:`Curation.undismiss`: keep wordings out
  of the queue, reversibly. Every one is audited under the moderator who did it.
* :meth:`Curation.preview_teach`, :meth:`Curation.preview_edit`, :meth:`Curation.preview_add`:
  what the change would do to the questions of the last days (:mod:`bot.core.impact`), before
  anything is saved.
* :meth:`Curation.explain`: why a question gets the answer it gets (:mod:`bot.core.explain`).

Every front end (the dashboard, ``factbot kb``) calls these; the edits themselves go through
:class:`~bot.core.moderation.Moderation`, so they are checked, stored and announced as any other.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.core.errors import ModerationError, UnknownFact
from bot.core.explain import Explanation, explain
from bot.core.impact import Impact, compare
from bot.core.knowledge import Fact, KnowledgeBase
from bot.core.moderation import Actor, Moderation, audit_entry, period_start
from bot.core.ports import Community, InboxMark
from bot.core.unanswered import UnansweredGroup, question_key

#: Distinct logged questions re-asked by an impact preview (the most asked first).
PREVIEW_QUESTIONS = 50_000
#: Period of an impact preview, in days.
PREVIEW_DAYS = 30
#: Best guesses offered per inbox group.
GUESSES = 3
DISMISSED = "dismissed"
TAUGHT = "taught"
ADDED = "added"


@dataclasses.dataclass(frozen=True, slots=True)
class Guess:
    """A fact the bot would consider for a question, and its confidence (0-100)."""

    fact_id: str
    title: str
    score: float


@dataclasses.dataclass(frozen=True, slots=True)
class InboxGroup:
    group: UnansweredGroup
    guesses: tuple[Guess, ...]  # best first; may be empty

    @property
    def best(self) -> Guess | None:
        return self.guesses[0] if self.guesses else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _distinct(texts: Iterable[str]) -> list[str]:
    """Stripped, non-empty, each wording once (case and punctuation aside), in order."""
    seen: set[str] = set()
    kept: list[str] = []
    for text in texts:
        text = " ".join(text.split())
        key = question_key(text)
        if key and key not in seen:
            seen.add(key)
            kept.append(text)
    return kept


class Curation:
    """The curation use-cases of one bot, on top of its :class:`Moderation`."""

    def __init__(self, moderation: Moderation) -> None:
        self._moderation = moderation

    @property
    def _storage(self) -> Any:
        return self._moderation.storage

    # -- the inbox --------------------------------------------------------------------------------

    async def inbox(
        self, days: int = 30, community: str | None = None, platform: str | None = None, limit: int = 50
    ) -> list[InboxGroup]:
        """The curation queue with, for each group, the facts the bot finds closest today."""
        groups = await self._moderation.unanswered(days, community, limit, platform)
        state = self._moderation.state

        def guesses() -> list[InboxGroup]:
            found = []
            for group in groups:
                hits = state.index.search(group.question, limit=GUESSES).hits
                found.append(
                    InboxGroup(group, tuple(Guess(h.fact.id, h.fact.title, h.confidence) for h in hits if h.confidence > 0))
                )
            return found

        return await asyncio.to_thread(guesses)

    async def communities(self, days: int = 30) -> list[Community]:
        """The platforms and communities that asked questions in the period (for filters)."""
        await self._ready()
        return await self._storage.communities(period_start(days, _now()))

    async def dismissed(self) -> list[InboxMark]:
        """Dismissed wordings, the most recent first."""
        await self._ready()
        return [mark for mark in await self._storage.inbox_marks() if mark.state == DISMISSED]

    async def dismiss(self, wordings: Sequence[str], actor: Actor) -> int:
        """Keep these wordings out of the queue until they are undismissed; how many."""
        texts = _distinct(wordings)
        if not texts:
            raise ModerationError("nothing to dismiss: give at least one question")
        await self._ready()
        marks = [InboxMark(question_key(t), t, DISMISSED, _now(), str(actor)) for t in texts]
        await self._storage.save_marks(marks, audit_entry("dismiss", actor, questions=texts))
        return len(marks)

    async def undismiss(self, wordings: Sequence[str], actor: Actor) -> int:
        """Put dismissed wordings back in the queue; how many were dismissed."""
        texts = _distinct(wordings)
        if not texts:
            raise ModerationError("nothing to undismiss: give at least one question")
        await self._ready()
        dismissed = {m.key for m in await self._storage.inbox_marks() if m.state == DISMISSED}
        keys = [question_key(t) for t in texts if question_key(t) in dismissed]
        if not keys:
            raise ModerationError("none of these questions is dismissed")
        return await self._storage.delete_marks(keys, audit_entry("undismiss", actor, questions=texts))

    # -- teaching ---------------------------------------------------------------------------------

    def teach_changes(self, fact_id: str, phrasings: Sequence[str]) -> dict[str, Any]:
        """The edit that teaches ``phrasings`` to the fact: its questions, the new ones appended."""
        fact = self._moderation.state.kb.get(fact_id)
        if fact is None:
            raise UnknownFact(fact_id)
        have = {question_key(q) for q in fact.questions}
        new = [p for p in _distinct(phrasings) if question_key(p) not in have]
        if not new:
            raise ModerationError(f"nothing to teach: {fact_id!r} already has every one of these phrasings")
        return {"questions": [*fact.questions, *new]}

    async def teach(self, fact_id: str, phrasings: Sequence[str], actor: Actor, asked: Sequence[str] = ()) -> Fact:
        """Add ``phrasings`` to the fact's questions; the ``asked`` wordings (a queue group's, which the
        phrasings may reword) leave the queue. Checked and audited as an edit ("teach")."""
        changes = self.teach_changes(fact_id, phrasings)
        fact = await self._moderation.edit_fact(fact_id, changes, actor, action="teach")
        await self._resolve([*phrasings, *asked], TAUGHT, fact.id, actor)
        return fact

    async def add_from(self, data: Mapping[str, Any], actor: Actor, asked: Sequence[str] = ()) -> Fact:
        """Add a new fact made from a queue group; its ``asked`` wordings leave the queue."""
        fact = await self._moderation.add_fact(data, actor)
        await self._resolve([*fact.questions, *asked], ADDED, fact.id, actor)
        return fact

    async def _resolve(self, wordings: Sequence[str], state: str, fact_id: str, actor: Actor) -> None:
        texts = _distinct(wordings)
        if texts:
            marks = [InboxMark(question_key(t), t, state, _now(), str(actor), fact_id) for t in texts]
            await self._storage.save_marks(marks, audit_entry("resolve", actor, fact_id, questions=texts))

    # -- impact previews --------------------------------------------------------------------------

    async def preview_teach(
        self, fact_id: str, phrasings: Sequence[str], days: int = PREVIEW_DAYS, community: str | None = None
    ) -> Impact:
        return await self.preview_edit(fact_id, self.teach_changes(fact_id, phrasings), days, community)

    async def preview_edit(
        self, fact_id: str, changes: Mapping[str, Any], days: int = PREVIEW_DAYS, community: str | None = None
    ) -> Impact:
        """What saving this edit would change; raises what :meth:`Moderation.edit_fact` would."""
        fact = self._moderation.proposed_edit(fact_id, changes)
        return await self._impact(fact_id, self._moderation.state.kb.with_facts([fact]), days, community)

    async def preview_add(
        self, data: Mapping[str, Any], days: int = PREVIEW_DAYS, community: str | None = None
    ) -> Impact:
        """What adding this fact would change; raises what :meth:`Moderation.add_fact` would."""
        fact = self._moderation.proposed_fact(data)
        return await self._impact(fact.id, self._moderation.state.kb.with_facts([fact]), days, community)

    async def preview_hidden(
        self, fact_id: str, hidden: bool, days: int = PREVIEW_DAYS, community: str | None = None
    ) -> Impact:
        """What hiding (or showing again) the fact would change."""
        kb = self._moderation.state.kb
        fact = kb.get(fact_id)
        if fact is None:
            raise UnknownFact(fact_id)
        return await self._impact(fact_id, kb.with_facts([fact.model_copy(update={"hidden": hidden})]), days, community)

    async def preview_revert(self, fact_id: str, days: int = PREVIEW_DAYS, community: str | None = None) -> Impact:
        """What dropping the fact's runtime edits would change."""
        kb = self._moderation.state.kb
        original = self._moderation.proposed_revert(fact_id)
        if original is not None:
            after = kb.with_facts([original])
        else:
            after = dataclasses.replace(kb, facts=tuple(f for f in kb.facts if f.id != fact_id))
        return await self._impact(fact_id, after, days, community)

    async def _impact(self, fact_id: str, after: KnowledgeBase, days: int, community: str | None) -> Impact:
        if days < 1:
            raise ModerationError("the period must be at least 1 day")
        await self._ready()
        served = self._moderation.state
        questions = await self._storage.asked_questions(period_start(days, _now()), community, PREVIEW_QUESTIONS)
        return await asyncio.to_thread(compare, served, after, questions, fact_id, days)

    # -- try it -----------------------------------------------------------------------------------

    def explain(self, question: str) -> Explanation:
        """Why ``question`` gets its answer (nothing is logged)."""
        return explain(self._moderation.state, question)

    async def _ready(self) -> None:
        await self._moderation.ready()
