"""From a member's message to ranked candidate facts: the lexical index, then, when it is not sure,
the semantic stage, fused into one confidence; then the detail check.

1. The question is taken out of the chat message (:mod:`bot.core.matching.chat`).
2. The lexical index ranks facts (:class:`~bot.core.matching.index.QuestionIndex`). When the
   question reads as English and the index is confident (:data:`CONFIDENT_LEXICAL`), that is the
   result: the encoder is never loaded for it.
3. Otherwise the question is embedded and compared with every phrasing
   (:mod:`bot.core.semantic`). For an English question the confidence is
   ``W_LEXICAL x lexical + W_SEMANTIC x semantic``, both 0-100, times the index's penalties (a
   name or a possessor the fact never mentions; of names listed with one it mentions, only one
   costs): the index keeps the first word. The semantic
   part is the fact's *lift*: how far its similarity rises above the question's similarity to
   everyday questions about nothing the knowledge holds (:mod:`bot.core.semantic.background`),
   since raw similarities of unrelated sentences are high and vary from question to question.
   The lexical confidence stands alone only where the semantic stage does not find the fact
   unrelated (a lift of at least :data:`LIFT_AGREE`). A clear first on which both stages agree
   gains part of its lead (:data:`ENGLISH_LEAD`). A question in another language is read by
   the semantic stage alone, since the index reads English. Its
   similarity to a fact whose closest phrasing is in another language too (the curators'
   phrasings in the member's language) is read on the English scale, and a name no fact
   contains costs what it costs an English question ("Does Spain recognise Kosovo?" in Serbian
   is not answered by China's non-recognition); similarity to an English phrasing, across
   languages, is lower by nature and keeps its own scale. A fact no closer to the question than
   the named background is (everyday questions about the knowledge's own names:
   :func:`bot.core.semantic.background.named_background`) is unrelated to it whatever words they
   share: the question asks about a name ("Does Kosovo have its own army?"), not about what the
   fact says of it. Such a fact may be suggested, never given as the answer (:data:`NAMED_CAP`).
4. The detail check (:mod:`bot.core.matching.detail`): when the question asks for a detail the
   best fact does not state, that fact is not the answer but a suggestion.

Weights and thresholds were chosen on ``tests/eval/questions.yaml`` and checked on the two
halves of ``tests/eval/dev.yaml``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bot.core.knowledge.schema import Fact
from bot.core.matching.chat import extract_question
from bot.core.matching.detail import LOOSE, Detail, DetailChecker
from bot.core.matching.index import (
    NO_NUMBER_FACTOR,
    UNCOVERED_NAME_FACTOR,
    Hit,
    QuestionIndex,
    SearchResult,
)
from bot.core.matching.language import looks_english, serbian_latin
from bot.core.matching.lazyre import LazyPattern
from bot.core.matching.normalise import words

if TYPE_CHECKING:
    from bot.core.semantic.index import Nearest

#: An English question whose best lexical confidence reaches this is answered without the encoder,
#: when it also reads like that fact's closest phrasing (rapidfuzz similarity, 0-100) at least this
#: much: one known word among words no phrasing uses ("How do I say thank you in Albanian?") covers
#: a fact fully without asking what it answers.
CONFIDENT_LEXICAL = 75.0
CONFIDENT_CLOSENESS = 50.0
#: Share of the lexical and the semantic confidence in the fused confidence of English questions.
W_LEXICAL = 0.4
W_SEMANTIC = 0.6
#: Cosine similarities mapped to 0 and 100 (the model puts unrelated sentences near 0.8).
SEMANTIC_FLOOR = 0.80
SEMANTIC_CEILING = 0.97
#: The same for questions in other languages, read by the semantic stage alone, against an English
#: phrasing (against a phrasing in another language, the English scale applies).
FOREIGN_FLOOR = 0.76
FOREIGN_CEILING = 0.94
#: Share of the lexical confidence for questions in other languages (names and numbers carry over).
W_FOREIGN_LEXICAL = 0.15
#: A question in another language: the semantic stage's first fact gains this share of its lead
#: over the second (a clear first is likelier right than one among equals).
FOREIGN_LEAD = 0.5
#: An English question: the first candidate, when the semantic stage ranks it first too and the
#: index finds nothing missing from it (no name or possessor it never mentions), gains this share
#: of its lead over the second (at most LEAD_CAP points of lead).
ENGLISH_LEAD = 0.5
LEAD_CAP = 20.0
#: Whether the fused confidence of an English question is at least the lexical one (when the
#: semantic stage does not find the fact unrelated: see LIFT_AGREE).
KEEP_LEXICAL = True
#: With a background (:mod:`bot.core.semantic.background`), the similarities of an English
#: question are read relative to its similarity to it: a fact's *lift* is how far its similarity
#: rises above that level; a lift of LIFT_FLOOR maps to 0 and LIFT_CEILING to 100. (Questions in
#: other languages keep the absolute scale: an English background is further from them by an
#: amount that depends on the language, and relative readings measured worse.)
LIFT_FLOOR = 0.0
LIFT_CEILING = 0.15
#: Below this lift the semantic stage finds the fact no closer to the question than unrelated
#: questions are, and the lexical confidence does not stand alone (it is fused like any other):
#: "Does Serbia use the euro?" shares two words with "Could Serbia use BRICS against Kosovo's
#: recognition?" and nothing of its meaning. (0.05 on the tuning set; 0.06 on the development
#: sets, where 0.05 answered that question and 0.07 lost an answer.)
LIFT_AGREE = 0.06
#: Above LIFT_CEILING the semantic part is full, and facts the stage finds about equally close
#: would rank by their lexical part alone; a fact with nothing missing (no penalty) keeps this
#: share of its lift beyond the ceiling, on the same scale, so the closer of them comes first.
EXCESS_SHARE = 0.5
#: The most a fact no closer to the question than the named background can be (see
#: :func:`bot.core.semantic.background.named_background`): just under the answer threshold
#: (:data:`bot.core.answers.ANSWER_THRESHOLD`), so it may be suggested, never given as the answer.
NAMED_CAP = 55.0
#: Facts taken from the semantic stage.
SEMANTIC_DEPTH = 8
#: Lexical hits requested from the index.
LEXICAL_DEPTH = 8
#: When the best fact lacks the detail asked for, another one within this many points that states
#: it is preferred.
DETAIL_MARGIN = 8.0
#: A fact within this many points of the best that corrects the question's premise comes first.
PREMISE_MARGIN = 4.0

LEXICAL, FUSED, SEMANTIC = "lexical", "fused", "semantic"


@dataclasses.dataclass(frozen=True, slots=True)
class Candidate:
    """A fact for a question, with the parts of its confidence (for explanation views)."""

    fact: Fact
    confidence: float  # 0-100: what the decision uses
    lexical: float | None  # 0-100: the index's confidence; None when the index did not rank the fact
    semantic: float | None  # -1..1: cosine similarity of the fact's closest phrasing; None when not computed
    phrasing: str  # the fact's phrasing closest to the question
    penalty: float = 1.0  # the index's penalties (a name or a possessor the fact never mentions)


@dataclasses.dataclass(frozen=True, slots=True)
class Draft:
    """The lexical stage's result, before the semantic stage (if it runs)."""

    question: str  # as asked
    text: str  # the question taken out of the message
    english: bool
    result: SearchResult
    detail: Detail | None

    @property
    def confident(self) -> bool:
        best = self.result.best
        return (
            self.english
            and best is not None
            and _lexical(best) >= CONFIDENT_LEXICAL
            and best.similarity >= CONFIDENT_CLOSENESS
        )


@dataclasses.dataclass(frozen=True, slots=True)
class Understanding:
    """What the matcher made of a question: ranked candidates and the detail asked for."""

    question: str
    text: str
    candidates: tuple[Candidate, ...]
    route: str  # LEXICAL, FUSED or SEMANTIC
    detail: Detail | None = None  # the detail the question asks for
    missing: Detail | None = None  # set when the best candidate does not state that detail

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def _factor(hit: Hit) -> float:
    """The product of the index's penalties in ``hit.confidence``."""
    factor = 1.0
    for _why, value in hit.penalties:
        factor *= value
    return factor


#: How the index names a name it found in the question and not in a fact.
_NAME_PENALTY = LazyPattern(r"^name '(.+)' is not in the fact$")


def _unknown_names(result: SearchResult) -> set[str]:
    """Names in the question that no fact contains (the index knows none of their words)."""
    unknown = {term.word for term in result.terms if term.term is None}
    return {
        match.group(1)
        for hit in result.hits
        for why, _factor in hit.penalties
        if (match := _NAME_PENALTY.match(why)) and match.group(1) in unknown
    }


#: "Serbia, Montenegro and North Macedonia": three or more names listed together.
_LISTED_NAME = r"[A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*"
_NAME_LIST = LazyPattern(rf"\b{_LISTED_NAME}(?:, {_LISTED_NAME})+,? (?:and|or) {_LISTED_NAME}")


def _listed_refund(text: str, hit: Hit, known: Callable[[str], bool]) -> float:
    """A list of names of which the fact mentions one ("Serbia, Montenegro and North Macedonia
    all do deals...") is context around it: of the listed names the fact never mentions, only
    one costs its penalty. The factor that gives the others' back."""
    refund = 1.0
    for match in _NAME_LIST.finditer(text):
        listed = set(words(match.group(0)))
        missing = {
            found.group(1)
            for why, _factor in hit.penalties
            if (found := _NAME_PENALTY.match(why)) and found.group(1) in listed
        }
        if missing and any(known(word) for word in listed - missing):
            refund /= UNCOVERED_NAME_FACTOR ** (len(missing) - 1)
    return refund


def _own_language(near: Nearest | None, texts: Sequence[str]) -> bool:
    """Whether the phrasing closest to a question in another language is not English either."""
    return near is not None and near.row < len(texts) and not looks_english(texts[near.row])


def _lexical(hit: Hit) -> float:
    """The index's confidence without its answer-kind penalty, which the detail check replaces."""
    return hit.confidence / NO_NUMBER_FACTOR if hit.missing_kind else hit.confidence


def _below(similarity: float | None, named: float | None) -> bool:
    """Whether a fact of this ``similarity`` is no closer to the question than the ``named``
    background (see :func:`bot.core.semantic.background.named_background`)."""
    return similarity is not None and named is not None and similarity < named


def _scale(similarity: float, floor: float, ceiling: float) -> float:
    return 100.0 * min(1.0, max(0.0, (similarity - floor) / (ceiling - floor)))


class Matcher:
    """The lexical index, the semantic stage and the detail check of one knowledge state."""

    def __init__(self, index: QuestionIndex) -> None:
        self.index = index
        self.details = DetailChecker(index.facts, index.normaliser)
        self._position = {fact.id: i for i, fact in enumerate(index.facts)}

    def draft(self, question: str) -> Draft:
        """The lexical stage: cheap, and enough when it is confident."""
        text = extract_question(question)
        folded = words(text)  # read once for the index, the language and the detail asked
        result = self.index.search(text, limit=LEXICAL_DEPTH, folded=folded)
        return Draft(question, text, looks_english(text, folded), result, self.details.asked(text, folded))

    def finish(
        self,
        draft: Draft,
        nearest: Sequence[Nearest] | None = None,
        similarity: Callable[[int], Nearest | None] | None = None,
        texts: Sequence[str] = (),
        background: float | None = None,
        named: float | None = None,
    ) -> Understanding:
        """Fuse the semantic stage's ``nearest`` facts (``None``: it did not run) with the lexical
        result, then check the detail asked for. ``similarity(fact_position)`` gives the semantic
        similarity of a lexical candidate the semantic stage did not rank; ``texts`` are the
        semantic index's phrasings, by row; ``background`` the question's similarity to the
        background (``None``: absolute similarities are used) and ``named`` to the named
        background (``None``: none)."""
        if nearest is None:
            candidates = [
                Candidate(h.fact, round(_lexical(h), 1), h.confidence, None, h.phrasing, _factor(h))
                for h in draft.result.hits
            ]
            route = LEXICAL
        else:
            candidates = self._fuse(draft, nearest, similarity, texts, background, named)
            route = FUSED if draft.english else SEMANTIC
        candidates.sort(key=lambda c: (-c.confidence, c.fact.id))
        return self._check(Understanding(draft.question, draft.text, tuple(candidates), route, draft.detail))

    def _fuse(
        self,
        draft: Draft,
        nearest: Sequence[Nearest],
        similarity: Callable[[int], Nearest | None] | None,
        texts: Sequence[str],
        background: float | None,
        named: float | None = None,
    ) -> list[Candidate]:
        if background is None:
            english = (SEMANTIC_FLOOR, SEMANTIC_CEILING)
            agree = -1.0
        else:
            english = (background + LIFT_FLOOR, background + LIFT_CEILING)
            agree = background + LIFT_AGREE
        semantic: dict[str, Nearest] = {self.index.facts[n.fact].id: n for n in nearest}
        hits = {h.fact.id: h for h in draft.result.hits}
        if similarity is not None:
            for fact_id in hits.keys() - semantic.keys():
                found = similarity(self._position[fact_id])
                if found is not None:
                    semantic[fact_id] = found
        candidates = []
        # Where the closest fact meets a question in another language in its own language, the
        # index holds that language's words, and a name it has never seen is a name no fact is about.
        in_language = not draft.english and bool(nearest) and _own_language(nearest[0], texts)
        # (a name in Cyrillic that a Latin phrasing holds is no unknown name: "КФОР" is "KFOR")
        unknown = (
            {n for n in _unknown_names(draft.result) if not self.index.knows(serbian_latin(n))} if in_language else set()
        )
        if not draft.english:
            # a country no fact speaks of, named in the member's language ("Wie steht Deutschland..."),
            # costs what an unknown name costs (once, if the index counted it already)
            unknown_words = {w for name in unknown for w in words(name)}
            countries = draft.result.countries
            foreign = len(unknown) + sum(1 for _code, span in countries if not unknown_words & set(span))
        for fact_id in hits.keys() | semantic.keys():
            hit = hits.get(fact_id)
            near = semantic.get(fact_id)
            fact = hit.fact if hit else self.index.facts[near.fact]  # type: ignore[union-attr]
            sim = near.similarity if near else None
            phrasing = hit.phrasing if hit else (texts[near.row] if near and near.row < len(texts) else fact.title)
            if hit is not None:
                penalty = _factor(hit) / (NO_NUMBER_FACTOR if hit.missing_kind else 1.0)
            elif draft.english:  # found by meaning alone: a name it never mentions still costs
                penalty = self.index.penalty(self._position[fact.id], draft.result)
            else:
                penalty = 1.0
            if draft.english:
                lexical = _lexical(hit) / penalty if hit else 0.0
                if hit is not None:
                    penalty = min(1.0, penalty * _listed_refund(draft.text, hit, self.index.knows))
                score = W_LEXICAL * lexical + W_SEMANTIC * _scale(sim or 0.0, *english)
                if sim is not None and background is not None and penalty >= 1.0:
                    beyond = max(0.0, sim - english[1]) / (english[1] - english[0])
                    score += W_SEMANTIC * 100.0 * EXCESS_SHARE * beyond
                confidence = score * penalty
                if KEEP_LEXICAL and hit is not None and (sim is None or sim >= agree):
                    confidence = max(confidence, _lexical(hit))
            else:
                own = _own_language(near, texts)
                floor, ceiling = (SEMANTIC_FLOOR, SEMANTIC_CEILING) if own else (FOREIGN_FLOOR, FOREIGN_CEILING)
                confidence = (1.0 - W_FOREIGN_LEXICAL) * _scale(sim or 0.0, floor, ceiling)
                if hit is not None:
                    confidence += W_FOREIGN_LEXICAL * _lexical(hit)
                confidence *= UNCOVERED_NAME_FACTOR ** foreign
                if near is not None and hit is not None and texts and near.row < len(texts):
                    phrasing = texts[near.row]
            candidates.append(Candidate(fact, confidence, hit.confidence if hit else None, sim, phrasing, penalty))
        if draft.english and candidates and nearest:
            # A clear first, on which both stages agree, is likelier right than one among equals.
            ranked = sorted(candidates, key=lambda c: (-c.confidence, c.fact.id))
            top = ranked[0]
            if top.fact.id == self.index.facts[nearest[0].fact].id and top.penalty >= 1.0:
                lead = top.confidence - (ranked[1].confidence if len(ranked) > 1 else 0.0)
                bonus = ENGLISH_LEAD * min(lead, LEAD_CAP)
                candidates = [dataclasses.replace(c, confidence=c.confidence + bonus) if c is top else c for c in candidates]
        if not draft.english and len(nearest) >= 2:
            own = _own_language(nearest[0], texts)
            floor, ceiling = (SEMANTIC_FLOOR, SEMANTIC_CEILING) if own else (FOREIGN_FLOOR, FOREIGN_CEILING)
            lead = _scale(nearest[0].similarity, floor, ceiling) - _scale(nearest[1].similarity, floor, ceiling)
            first = self.index.facts[nearest[0].fact].id
            candidates = [
                dataclasses.replace(c, confidence=c.confidence + FOREIGN_LEAD * lead) if c.fact.id == first else c
                for c in candidates
            ]
        return [
            dataclasses.replace(
                c, confidence=round(min(c.confidence, NAMED_CAP if _below(c.semantic, named) else 100.0), 1)
            )
            for c in candidates
        ]

    def _check(self, understanding: Understanding) -> Understanding:
        """Apply the detail check to the best candidate."""
        detail = understanding.detail
        best = understanding.best
        if best is None:
            return understanding
        if detail is None:
            return self._correcting_first(understanding) if understanding.route != SEMANTIC else understanding
        text = understanding.text
        if self.details.states(best.fact, detail, text, best.phrasing) or self.details.corrects_premise(
            best.fact, text, detail
        ):
            return understanding
        for other in understanding.candidates[1:] if detail.kind not in LOOSE else ():
            if other.confidence < best.confidence - DETAIL_MARGIN:
                break
            if self.details.states(other.fact, detail, text, other.phrasing):
                rest = tuple(c for c in understanding.candidates if c is not other)
                return dataclasses.replace(understanding, candidates=(other, *rest))
        return dataclasses.replace(understanding, missing=detail)

    def _correcting_first(self, understanding: Understanding) -> Understanding:
        """Of near-equal candidates, the one whose answer negates the question's premise goes first
        ("Why did China recognise Kosovo in 2008?": the fact that it does not, before the fact about
        the 2008 declaration)."""
        best = understanding.candidates[0]
        text = understanding.text
        close = [c for c in understanding.candidates[1:] if c.confidence >= best.confidence - PREMISE_MARGIN]
        if not close or self.details.corrects_premise(best.fact, text):
            return understanding
        for other in close:
            if self.details.corrects_premise(other.fact, text):
                rest = tuple(c for c in understanding.candidates if c is not other)
                return dataclasses.replace(understanding, candidates=(other, *rest))
        return understanding

