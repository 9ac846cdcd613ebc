"""The application service: the one object every front end talks to.

Front ends (console, Discord, Slack, CLI) turn their input into calls on :class:`FactBot` and render
what comes back. The same question therefore gets the same answer everywhere. Running bots are built
by :func:`bot.app.create_bot`, which gives the FactBot its storage; the moderation use-cases live in
:mod:`bot.core.moderation`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import datetime as dt

from bot.core.answers import Answer, compose
from bot.core.cache import IndexCache, knowledge_key
from bot.core.errors import StorageUnavailable
from bot.core.knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from bot.core.knowledge.schema import Fact
from bot.core.matching import Normaliser, QuestionIndex, specificity
from bot.core.matching.chat import extract_question
from bot.core.matching.fusion import SEMANTIC_DEPTH, Draft, Matcher, Understanding
from bot.core.matching.normalise import NAME, words

if TYPE_CHECKING:
    import asyncio

    from bot.core.curation import Curation
    from bot.core.moderation import Actor, ExportResult, Moderation, ReloadReport, Stats, UnansweredGroup
    from bot.core.matching.index import Hit
    from bot.core.signin import DashboardAccess
    from bot.core.ports import AuditEntry, LogSpool, Storage
    from bot.core.privacy import UserHasher
    from collections.abc import Sequence

    import numpy as np

    from bot.core.semantic.runtime import SemanticRuntime
    from bot.core.unanswered import Embedder, Subjects
    from bot.core.semantic.stage import SemanticStage
    from bot.observability.metrics import Metrics

log = logging.getLogger(__name__)

#: Discord's autocomplete allows 25 choices of at most 100 characters.
AUTOCOMPLETE_LIMIT = 25
#: Members' questions embedded at most per look at the curation queue (about 15 ms each, kept in
#: memory for the next look); the others group by spelling alone.
GROUPING_EMBED_BUDGET = 128
#: Seconds a serving bot's start waits for the semantic stage (a warm start needs far less).
START_WAIT = 3.0
#: The longest question kept from the console and the command line (as long as a Discord message);
#: platforms give their own limit in :attr:`AskContext.max_chars`. Matching reads the first
#: :data:`~bot.core.matching.MAX_INPUT_CHARS` characters; the log keeps the question up to this limit.
QUESTION_MAX_CHARS = 2000
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_question(text: str, limit: int = QUESTION_MAX_CHARS) -> str:
    """A question as it is answered and logged: at most ``limit`` characters, valid Unicode.

    Lone surrogates (undecodable bytes read with Python's ``surrogateescape``, a JSON ``"\\ud800"``)
    become U+FFFD: no database, JSON encoder or terminal takes them.
    """
    text = text[:limit]
    return _SURROGATES.sub("\ufffd", text) if not text.isascii() else text


@dataclasses.dataclass(frozen=True, slots=True)
class AskContext:
    """Where a question came from. ``user`` is the raw platform id; only a keyed hash is stored.

    ``max_chars`` is the platform's own limit on what a member can send (Discord: 512 for a command
    option, 2,000 for a message; Slack: 4,000): a longer text is cut to it before it is answered
    and logged.
    """

    platform: str = "console"
    community: str | None = None
    channel: str | None = None
    user: str | None = None
    max_chars: int = QUESTION_MAX_CHARS


@dataclasses.dataclass(frozen=True, slots=True)
class Choice:
    """An autocomplete choice: a phrasing from the index and the fact it leads to."""

    label: str
    fact_id: str


#: Held while a knowledge state makes its semantic stage (one per state, whichever thread asks first).
_stage_lock = threading.Lock()


class KnowledgeState:
    """A knowledge base, its index and its semantic stage (made on first need), swapped together.

    ``semantic`` (optional) is the process's semantic runtime: the encoder, loaded on first need,
    and the embedding cache. Without it, or where the encoder cannot run, answers come from the
    lexical index alone.
    """

    def __init__(self, kb: KnowledgeBase, semantic: SemanticRuntime | None = None) -> None:
        self.kb = kb
        self.index = QuestionIndex(kb.visible, Normaliser(kb.synonyms.pairs(), kb.synonyms.related))
        self.matcher = Matcher(self.index)
        self._name_words: frozenset[str] | None = None
        self.runtime = semantic
        self._semantic: SemanticStage | None = None

    def attach(self, semantic: SemanticRuntime | None) -> None:
        """Give a state (loaded from the index cache, which never holds it) the semantic runtime."""
        self.runtime = semantic
        self._semantic = None

    @property
    def semantic(self) -> SemanticStage | None:
        """The semantic stage over these facts with the runtime (``None`` without one), made when
        first asked for: a one-shot answer that the lexical index gives alone does not import it."""
        if self._semantic is None and self.runtime is not None:
            with _stage_lock:
                if self._semantic is None:
                    from bot.core.semantic.stage import SemanticStage

                    self._semantic = SemanticStage(self.runtime, self.index.facts)
        return self._semantic

    def __getstate__(self) -> dict[str, Any]:
        # The semantic runtime (an encoder, locks) belongs to the process: never pickled.
        state = dict(self.__dict__)
        state["runtime"] = None
        state["_semantic"] = None
        return state

    def successor(self, kb: KnowledgeBase) -> KnowledgeState:
        """A state for ``kb`` with the same semantic runtime; blocking (run it in a worker thread).
        When the encoder is already loaded the new phrasings are embedded now, so the new state
        answers as well as the old one from its first question."""
        state = KnowledgeState(kb, self.runtime)
        if state.semantic is not None and self.runtime is not None and self.runtime.loaded:
            state.semantic.prepare()
        return state

    def prepare(self) -> None:
        """Load the encoder and embed the phrasings now (blocking), not on the first question."""
        if self.semantic is not None:
            self.semantic.prepare()

    def _wants_semantic(self, draft: Draft) -> bool:
        return not draft.confident and bool(draft.text) and self.semantic is not None and not self.semantic.off

    def _finish(self, draft: Draft, started: float, reading: Any = None) -> Answer:
        if reading is None:
            understanding = self.matcher.finish(draft)
        else:
            understanding = self.matcher.finish(
                draft, reading.nearest, reading.similarity, reading.index.texts, reading.background, reading.named
            )
        return compose(draft.question, understanding, self.kb, started)

    def understand(self, question: str) -> Understanding:
        """The ranked candidates for ``question`` (blocking when the semantic stage runs)."""
        draft = self.matcher.draft(question)
        if not self._wants_semantic(draft):
            return self.matcher.finish(draft)
        assert self.semantic is not None
        reading = self.semantic.read(draft.text, SEMANTIC_DEPTH)
        if reading is None:
            return self.matcher.finish(draft)
        return self.matcher.finish(
            draft, reading.nearest, reading.similarity, reading.index.texts, reading.background, reading.named
        )

    def answer(self, question: str) -> Answer:
        """Answer ``question``; blocking while the semantic stage embeds it (one-shot commands)."""
        started = time.perf_counter()
        draft = self.matcher.draft(question)
        reading = None
        if self._wants_semantic(draft):
            assert self.semantic is not None
            reading = self.semantic.read(draft.text, SEMANTIC_DEPTH)
        return self._finish(draft, started, reading)

    async def answer_async(self, question: str) -> Answer:
        """Answer ``question`` without blocking the event loop: embedding runs in a worker thread.
        While the phrasings are still being embedded (start-up, a large reload), the lexical
        index answers alone."""
        started = time.perf_counter()
        draft = self.matcher.draft(question)
        reading = None
        if self._wants_semantic(draft):
            assert self.semantic is not None
            if self.semantic.ready or not self.semantic.building:
                import asyncio  # not imported by a one-shot answer

                reading = await asyncio.to_thread(self.semantic.read, draft.text, SEMANTIC_DEPTH)
        return self._finish(draft, started, reading)

    def grouping(self) -> tuple[Embedder | None, Subjects | None]:
        """What the curation queue needs to join questions asked in other words: an embedder of
        members' questions and the subjects a question names; ``(None, None)`` without an encoder."""
        runtime = self.runtime
        if runtime is None or self.semantic is None or self.semantic.off or not runtime.loaded:
            return None, None
        normaliser = self.index.normaliser

        def embed(questions: Sequence[str]) -> Sequence[np.ndarray | None]:
            # Case and punctuation apart, as the spelling match reads them (the model minds case).
            texts = [" ".join(words(extract_question(q))) for q in questions]
            return runtime.embed_questions(texts, GROUPING_EMBED_BUDGET)

        from bot.core.matching.specificity import is_common_english

        names = self._names()

        def subjects(question: str) -> frozenset[str]:
            analysed = normaliser.analyse(question)
            return frozenset(
                t.word for t in analysed if t.flag == NAME or t.word in names or not is_common_english(t.word)
            )

        return embed, subjects

    def _names(self) -> frozenset[str]:
        """The names the knowledge base writes capitalised ("Russia", "Interpol"), as canonical words."""
        if self._name_words is None:
            found: set[str] = set()
            for fact in self.kb.visible:
                for text in (fact.title, fact.answer):
                    found.update(t.word for t in self.index.normaliser.analyse(text) if t.flag == NAME)
            self._name_words = frozenset(found)
        return self._name_words

    def autocomplete(self, text: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[Choice]:
        if not text.strip():
            return [Choice(fact.questions[0], fact.id) for fact in self.kb.visible[:limit]]
        hits = list(self.index.search(text, limit=limit, prefix=True).hits)
        # The word being typed may be a whole index word and the start of a longer one ("une" of a
        # French phrasing, "unesco"): both readings are offered, the more confident first.
        longer = self.index.longer_completion(text)
        if longer is not None:
            hits += self.index.search(longer, limit=limit, prefix=True).hits
        best: dict[str, Hit] = {}
        for hit in sorted(hits, key=lambda hit: -hit.confidence):
            best.setdefault(hit.fact.id, hit)
        return [Choice(hit.phrasing, hit.fact.id) for hit in best.values() if hit.confidence > 0][:limit]


def load_state(
    directory: Path, cache: IndexCache | None = None, semantic: SemanticRuntime | None = None
) -> KnowledgeState:
    """Load, validate and index a knowledge directory (raises :class:`KnowledgeError`); from
    ``cache`` when it holds this directory's knowledge as it is now, else into it. ``semantic``
    (the process's semantic runtime) is attached to the state, never cached with it."""
    if cache is None:
        return KnowledgeState(load_knowledge(directory), semantic)
    key = knowledge_key(directory)
    state = cache.load(key) if key is not None else None
    if state is not None:
        state.attach(semantic)
        return state
    state = KnowledgeState(load_knowledge(directory), semantic)
    if key is not None and knowledge_key(directory) == key:  # not changed while being read
        cache.store(key, state)
    return state


class FactBot:
    """Answers questions from the current knowledge; moderation use-cases change that knowledge."""

    def __init__(
        self,
        knowledge_dir: Path,
        state: KnowledgeState | None = None,
        *,
        storage: Storage | None = None,
        metrics: Metrics | None = None,
        hasher: UserHasher | None = None,
        retention_days: int = 90,
        log_capacity: int = 10_000,
        dashboard_url: str | None = None,
        session_lifetime: dt.timedelta | None = None,
        cache: IndexCache | None = None,
        semantic: SemanticRuntime | None = None,
        spool: LogSpool | None = None,
    ) -> None:
        self.knowledge_dir = Path(knowledge_dir)
        self._state = state or load_state(self.knowledge_dir, cache, semantic)
        self._preparing: asyncio.Task[None] | None = None
        for warning in self._state.kb.warnings:
            log.warning("knowledge: %s", warning)
        self._moderation: Moderation | None = None
        self._curation: Curation | None = None
        self._access: DashboardAccess | None = None
        if storage is not None:
            if metrics is None or hasher is None:
                raise ValueError("a FactBot with storage needs metrics and a user hasher (see bot.app.create_bot)")
            # Only a bot with storage moderates: a one-shot answer does not load these.
            from bot.core.curation import Curation
            from bot.core.moderation import Moderation
            from bot.core.signin import SESSION_LIFETIME, DashboardAccess

            self._moderation = Moderation(
                knowledge_dir=self.knowledge_dir,
                base=self._state.kb,
                current=lambda: self._state,
                publish=self.swap,
                storage=storage,
                metrics=metrics,
                hasher=hasher,
                retention_days=retention_days,
                log_capacity=log_capacity,
                spool=spool,
            )
            self._curation = Curation(self._moderation)
            self._access = DashboardAccess(
                storage, dashboard_url, session_lifetime=session_lifetime or SESSION_LIFETIME
            )
        self.metrics = metrics

    @property
    def state(self) -> KnowledgeState:
        return self._state

    @property
    def knowledge(self) -> KnowledgeBase:
        return self._state.kb

    def fact(self, fact_id: str) -> Fact | None:
        return self._state.kb.get(fact_id)

    def topics(self) -> dict[str, list[Fact]]:
        return self._state.kb.topics

    def answer(self, question: str, max_chars: int = QUESTION_MAX_CHARS) -> Answer:
        """Answer without logging, blocking while the question is embedded (``factbot ask``)."""
        return self._state.answer(clean_question(question, max_chars))

    async def preview(self, question: str) -> Answer:
        """Answer without logging and without blocking the event loop (auto-answer channels)."""
        return await self._state.answer_async(clean_question(question))

    def autocomplete(self, text: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[Choice]:
        return self._state.autocomplete(text, limit)

    async def ask(self, question: str, context: AskContext) -> Answer:
        """Answer a member's question from memory, then log it without waiting for the database.

        The answer's ``log_id`` names the log entry (even while it is still buffered), for feedback.
        """
        question = clean_question(question, context.max_chars)
        answer = dataclasses.replace(await self._state.answer_async(question), log_id=uuid.uuid4().hex)
        if self._moderation is not None:
            self._moderation.record(answer, context)
        return answer

    def swap(self, state: KnowledgeState) -> None:
        self._state = state

    def warm_up(self) -> None:
        """Build now (blocking: a serving bot runs it in a thread at start) what the first questions
        would otherwise wait for: the English word lists, and the typo table of an index loaded
        from the cache."""
        specificity.warm_up()
        self._state.index.prepare()

    # -- storage-backed use-cases (see bot.core.moderation) -----------------------------------------

    @property
    def moderation(self) -> Moderation:
        if self._moderation is None:
            raise StorageUnavailable("this bot has no storage configured")
        return self._moderation

    @property
    def curation(self) -> Curation:
        """The inbox, teaching, impact previews and explanations (see :mod:`bot.core.curation`)."""
        if self._curation is None:
            raise StorageUnavailable("this bot has no storage configured")
        return self._curation

    @property
    def access(self) -> DashboardAccess:
        """Sign-in links and sessions of the moderators' dashboard (see :mod:`bot.core.signin`)."""
        if self._access is None:
            raise StorageUnavailable("this bot has no storage configured")
        return self._access

    async def start(self, *, background: bool = True) -> None:
        """Open storage (migrations), load runtime edits, start the log writer and the change watcher.
        A serving bot (``background``) also loads the encoder and embeds the phrasings in a worker
        thread, waiting :data:`START_WAIT` seconds for it; until it is done, questions are answered
        by the lexical index alone."""
        if self._moderation is not None:
            await self._moderation.start(background=background)
        if background and self._state.semantic is not None:
            import asyncio

            self._preparing = asyncio.create_task(self._prepare(), name="factbot-semantic-prepare")
            # A warm cache is read in well under a second: then the first question is already
            # read semantically. A cold build goes on in the background.
            await asyncio.wait({self._preparing}, timeout=START_WAIT)

    async def _prepare(self) -> None:
        import asyncio

        state = self._state
        try:
            await asyncio.to_thread(state.prepare)
        except Exception:  # noqa: BLE001 - logged with its traceback; the lexical index keeps answering
            log.exception("semantic matching could not prepare; answering with the lexical index alone")

    async def close(self) -> None:
        if self._preparing is not None:
            import asyncio

            if not self._preparing.done():
                if self._state.semantic is not None:
                    self._state.semantic.stop()  # the worker thread ends after its current batch
                self._preparing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._preparing
            self._preparing = None
        if self._moderation is not None:
            await self._moderation.close()

    async def flush_logs(self) -> int:
        """Write buffered log entries now (raises :class:`StorageUnavailable`)."""
        return await self.moderation.log.flush()

    def health(self) -> dict[str, Any]:
        """A snapshot for the health endpoint: answers are served whatever the database does."""
        kb = self._state.kb
        report: dict[str, Any] = {"status": "ok", "facts": len(kb.visible), "hidden": len(kb.facts) - len(kb.visible)}
        if self._moderation is not None:
            up = self._moderation.storage.available and not self._moderation.log.degraded
            report.update(
                status="ok" if up else "degraded",
                database="ok" if up else "unavailable",
                log_buffered=self._moderation.log.buffered,
                log_dropped=self._moderation.log.dropped,
            )
        return report

    async def feedback(self, log_id: str, context: AskContext, helpful: bool) -> bool:
        """Record helpful / not helpful; ``False`` when this user already gave feedback on that entry."""
        return await self.moderation.feedback(log_id, context, helpful)

    async def reload(self, actor: Actor, *, force: bool = False) -> ReloadReport:
        return await self.moderation.reload(actor, force=force)

    async def stats(self, days: int = 7, community: str | None = None, platform: str | None = None) -> Stats:
        return await self.moderation.stats(days, community, platform)

    async def unanswered(
        self, days: int = 30, community: str | None = None, limit: int = 10, platform: str | None = None
    ) -> list[UnansweredGroup]:
        return await self.moderation.unanswered(days, community, limit, platform)

    async def add_fact(self, data: Mapping[str, Any], actor: Actor) -> Fact:
        return await self.moderation.add_fact(data, actor)

    async def add_facts(
        self, documents: Sequence[Mapping[str, Any]], actor: Actor, *, labels: Sequence[str] | None = None
    ) -> list[Fact]:
        return await self.moderation.add_facts(documents, actor, labels=labels)

    async def edit_fact(self, fact_id: str, changes: Mapping[str, Any], actor: Actor) -> Fact:
        return await self.moderation.edit_fact(fact_id, changes, actor)

    async def set_hidden(self, fact_id: str, hidden: bool, actor: Actor) -> Fact:
        return await self.moderation.set_hidden(fact_id, hidden, actor)

    async def revert_fact(self, fact_id: str, actor: Actor) -> Fact | None:
        return await self.moderation.revert_fact(fact_id, actor)

    async def export(self, directory: Path | None = None, actor: Actor | None = None) -> ExportResult:
        return await self.moderation.export(directory, actor)

    async def audit(self, limit: int = 20, fact_id: str | None = None) -> list[AuditEntry]:
        return await self.moderation.audit(limit, fact_id)

    async def purge(self, actor: Actor | None = None) -> int:
        return await self.moderation.purge(actor)

    async def forget_user(self, platform: str, user: str, actor: Actor | None = None) -> int:
        return await self.moderation.forget_user(platform, user, actor)


def __getattr__(name: str) -> Any:
    """The moderation types this module re-exports, imported when first asked for: a one-shot
    command that only answers does not load the moderation use-cases."""
    if name in {"Actor", "ReloadReport", "Stats", "UnansweredGroup"}:
        from bot.core import moderation

        return getattr(moderation, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


async def create_bot(settings: Any = None, *, knowledge_dir: Path | None = None, background: bool = True) -> FactBot:
    """Build and start a FactBot with the configured storage (see :func:`bot.app.create_bot`)."""
    from bot.app import create_bot as _create_bot

    return await _create_bot(settings, knowledge_dir=knowledge_dir, background=background)


__all__ = [
    "Actor",
    "AskContext",
    "Choice",
    "FactBot",
    "KnowledgeError",
    "KnowledgeState",
    "ReloadReport",
    "Stats",
    "QUESTION_MAX_CHARS",
    "UnansweredGroup",
    "clean_question",
    "create_bot",
    "load_state",
]
