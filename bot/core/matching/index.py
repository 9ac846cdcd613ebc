"""The question index: an inverted index over every phrasing of every fact.

Finding the fact for a question takes four steps, each cheap:

1. The query becomes index terms (:mod:`bot.core.matching.normalise`). A term the index does not
   know is looked up with rapidfuzz among index words of a compatible length (a typo), and the match
   costs weight in proportion to how far it is. Terms with digits are never typo-matched.
2. Term weights are IDF over facts, so the words every fact shares (the subject of the whole
   knowledge base) count little and the words that tell facts apart count most. BM25 scores are
   accumulated over the postings with numpy, and each fact takes the score of its best phrasing.
3. The best few facts are rescored: how much of the query's weight the fact covers (a significant
   word the fact never mentions, such as another country, costs confidence), how much a single
   phrasing covers, and rapidfuzz ``token_set_ratio`` against the fact's phrasings.
4. Those three combine into a calibrated confidence from 0 to 100 (see :mod:`bot.core.answers`).
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process

from bot.core.knowledge.schema import Fact
from bot.core.matching.normalise import Normaliser, stem

# BM25 parameters; phrasings are short, so length normalisation is mild.
_K1 = 1.2
_B = 0.5
#: How much an answer's words count, relative to a phrasing's, for finding and covering a fact.
ANSWER_WEIGHT = 0.5
#: Weight every term keeps even when every fact has it, so generic questions still rank.
_WEIGHT_FLOOR = 0.15
#: Facts rescored after the BM25 pass.
RESCORE_DEPTH = 8
#: Lowest rapidfuzz ratio for a typo match, and the shortest word we try to correct.
TYPO_CUTOFF = 80.0
_TYPO_MIN_LEN = 4
#: Score mix of the calibrated confidence.
_W_FACT_COVER = 0.5
_W_PHRASE_COVER = 0.3
_W_FUZZ = 0.2


@dataclasses.dataclass(frozen=True, slots=True)
class QueryTerm:
    """One term of a query as the index understood it."""

    word: str  # the folded word the member typed (after synonyms)
    term: int | None  # index term id, None when unknown
    similarity: float  # 1.0 exact, less for a typo match, 0.0 unknown
    weight: float  # how much the term matters (IDF, never below the floor)
    matched: str | None = None  # the index word a typo was matched to


@dataclasses.dataclass(frozen=True, slots=True)
class Hit:
    """A fact found for a query, with the parts of its confidence."""

    fact: Fact
    confidence: float  # 0-100
    fact_coverage: float  # 0-1: query weight the fact's text covers
    phrase_coverage: float  # 0-1: query weight the fact's best single phrasing covers
    similarity: float  # 0-100: rapidfuzz token_set_ratio against the fact's closest phrasing
    phrasing: str  # the fact's phrasing closest to the query


@dataclasses.dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    terms: tuple[QueryTerm, ...]
    hits: tuple[Hit, ...]

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


class QuestionIndex:
    """Immutable index of a set of facts. Build a new one to change the facts."""

    def __init__(self, facts: Sequence[Fact], normaliser: Normaliser | None = None) -> None:
        self.normaliser = normaliser or Normaliser()
        self.facts: tuple[Fact, ...] = tuple(facts)
        norm = self.normaliser

        vocab: dict[str, int] = {}  # index term -> id
        surface: dict[str, int] = {}  # folded word -> term id (for typo lookup)
        phr_fact: list[int] = []
        phr_terms: list[tuple[int, ...]] = []
        phr_weight: list[float] = []
        phr_text: list[str] = []  # normalised text, for rapidfuzz rescoring
        phr_display: list[str] = []  # the phrasing as written, for suggestions and autocomplete
        fact_start: list[int] = []
        fact_terms: list[dict[int, float]] = []  # term -> credit (1 phrasing/title/keyword, ANSWER_WEIGHT answer)

        def term_ids(text: str) -> tuple[int, ...]:
            ids = []
            for word in norm.content_words(text):
                term = stem(word)
                tid = vocab.setdefault(term, len(vocab))
                surface.setdefault(word, tid)
                if tid not in ids:
                    ids.append(tid)
            return tuple(ids)

        for f_index, fact in enumerate(self.facts):
            fact_start.append(len(phr_fact))
            credit: dict[int, float] = {}
            entries = [(q, 1.0, True) for q in fact.questions]
            entries.append((fact.title, 1.0, True))
            entries.extend((k, 1.0, False) for k in fact.keywords)
            entries.append((fact.answer, ANSWER_WEIGHT, False))
            for text, weight, shown in entries:
                ids = term_ids(text)
                for tid in ids:
                    credit[tid] = max(credit.get(tid, 0.0), weight)
                if not ids:
                    continue
                phr_fact.append(f_index)
                phr_terms.append(ids)
                phr_weight.append(weight)
                phr_text.append(" ".join(norm.content_words(text)) if shown else "")
                phr_display.append(text if shown else "")
            fact_terms.append(credit)

        n_facts = len(self.facts)
        self._vocab = vocab
        self._surface = surface
        self._phr_fact = np.asarray(phr_fact, dtype=np.int32)
        self._phr_terms = phr_terms
        self._phr_text = phr_text
        self._phr_display = phr_display
        self._fact_start = np.asarray(fact_start, dtype=np.intp)
        self._fact_terms = fact_terms
        self._fact_has_phrasings = np.asarray(
            [fact_start[i] < (fact_start[i + 1] if i + 1 < n_facts else len(phr_fact)) for i in range(n_facts)],
            dtype=bool,
        )

        # Fact-level document frequency -> IDF weights.
        df = np.zeros(len(vocab), dtype=np.float64)
        for credit in fact_terms:
            for tid in credit:
                df[tid] += 1
        idf = np.log1p((n_facts - df + 0.5) / (df + 0.5))
        self._weight = (idf + _WEIGHT_FLOOR).astype(np.float64)
        self._unknown_weight = float(math.log1p((n_facts + 0.5) / 1.5) + _WEIGHT_FLOOR) if n_facts else 1.0

        # Postings with BM25 term-frequency normalisation (tf is 1: terms are unique per phrasing).
        lengths = np.asarray([len(t) for t in phr_terms], dtype=np.float64)
        avg = float(lengths.mean()) if len(lengths) else 1.0
        tf_norm = (_K1 + 1) / (1 + _K1 * (1 - _B + _B * lengths / avg)) * np.asarray(phr_weight)
        postings: list[list[int]] = [[] for _ in vocab]
        for pid, ids in enumerate(phr_terms):
            for tid in ids:
                postings[tid].append(pid)
        self._postings = [np.asarray(p, dtype=np.int32) for p in postings]
        self._postings_norm = [tf_norm[p].astype(np.float32) for p in self._postings]

        # Words by length, for typo lookup among words of compatible length only.
        by_len: dict[int, list[str]] = {}
        for word in surface:
            if not any(ch.isdigit() for ch in word):
                by_len.setdefault(len(word), []).append(word)
        self._typo_choices: dict[int, list[str]] = {}
        for length in range(_TYPO_MIN_LEN, max(by_len, default=0) + 3):
            spread = 1 if length < 8 else 2
            choices = [w for n in range(length - spread, length + spread + 1) for w in by_len.get(n, ())]
            if choices:
                self._typo_choices[length] = choices
        self._sorted_surface = sorted(surface)

    # -- queries ---------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.facts)

    @property
    def phrasing_count(self) -> int:
        return int(self._phr_fact.shape[0])

    def resolve(self, words: Sequence[str], prefix_last: bool = False) -> list[QueryTerm]:
        """Map query words to index terms: exact, then stem, then typo lookup."""
        resolved: list[QueryTerm] = []
        for position, word in enumerate(words):
            term = stem(word)
            tid = self._vocab.get(term)
            if tid is not None:
                resolved.append(QueryTerm(word, tid, 1.0, float(self._weight[tid])))
                continue
            if prefix_last and position == len(words) - 1:
                completion = self._complete(word)
                if completion is not None:
                    tid = self._surface[completion]
                    resolved.append(QueryTerm(word, tid, 1.0, float(self._weight[tid]), completion))
                    continue
            match = self._typo(word)
            if match is not None:
                matched, score = match
                tid = self._surface[matched]
                similarity = 0.5 + 0.5 * (score - TYPO_CUTOFF) / (100.0 - TYPO_CUTOFF)
                resolved.append(QueryTerm(word, tid, similarity, float(self._weight[tid]), matched))
            else:
                resolved.append(QueryTerm(word, None, 0.0, self._unknown_weight))
        return resolved

    def _typo(self, word: str) -> tuple[str, float] | None:
        if len(word) < _TYPO_MIN_LEN or any(ch.isdigit() for ch in word):
            return None
        choices = self._typo_choices.get(len(word))
        if not choices:
            return None
        found = process.extractOne(word, choices, scorer=fuzz.ratio, processor=None, score_cutoff=TYPO_CUTOFF)
        return (found[0], found[1]) if found is not None else None

    def _complete(self, prefix: str) -> str | None:
        """The shortest index word starting with ``prefix`` (for as-you-type autocomplete)."""
        words = self._sorted_surface
        start = bisect.bisect_left(words, prefix)
        best: str | None = None
        for word in words[start : start + 50]:
            if not word.startswith(prefix):
                break
            if best is None or len(word) < len(best):
                best = word
        return best

    def search(self, query: str, limit: int = RESCORE_DEPTH, *, prefix: bool = False) -> SearchResult:
        """Facts for ``query``, best first, each with a calibrated confidence."""
        words = self.normaliser.content_words(query)
        terms = tuple(self.resolve(words, prefix_last=prefix))
        known = [t for t in terms if t.term is not None]
        if not known or not len(self.facts):
            return SearchResult(query, terms, ())

        scores = np.zeros(self.phrasing_count, dtype=np.float32)
        for t in known:
            scores[self._postings[t.term]] += np.float32(t.weight * t.similarity) * self._postings_norm[t.term]
        fact_scores = np.maximum.reduceat(scores, self._fact_start[self._fact_has_phrasings])
        owners = np.flatnonzero(self._fact_has_phrasings)
        depth = min(max(limit, RESCORE_DEPTH), len(owners))
        if depth < len(owners):
            top = np.argpartition(fact_scores, -depth)[-depth:]
        else:
            top = np.arange(len(owners))
        top = top[fact_scores[top] > 0]
        query_text = " ".join(words)
        hits = [self._rescore(int(owners[i]), terms, query_text) for i in top]
        hits.sort(key=lambda h: (-h.confidence, h.fact.id))
        return SearchResult(query, terms, tuple(hits[:limit]))

    def _rescore(self, f_index: int, terms: Sequence[QueryTerm], query_text: str) -> Hit:
        total = sum(t.weight for t in terms)
        credit = self._fact_terms[f_index]
        fact_cover = sum(t.weight * t.similarity * credit.get(t.term, 0.0) for t in terms if t.term is not None)
        start = int(self._fact_start[f_index])
        end = int(self._fact_start[f_index + 1]) if f_index + 1 < len(self.facts) else self.phrasing_count
        best_phrase = 0.0
        for pid in range(start, end):
            ids = self._phr_terms[pid]
            covered = sum(t.weight * t.similarity for t in terms if t.term in ids)
            best_phrase = max(best_phrase, covered)
        shown = [pid for pid in range(start, end) if self._phr_text[pid]]
        similarity, phrasing = 0.0, self.facts[f_index].title
        if shown and query_text:
            found = process.extractOne(
                query_text,
                [self._phr_text[pid] for pid in shown],
                scorer=fuzz.token_set_ratio,
                processor=None,
            )
            if found is not None:
                similarity, phrasing = found[1], self._phr_display[shown[found[2]]]
        fact_coverage = fact_cover / total if total else 0.0
        phrase_coverage = best_phrase / total if total else 0.0
        confidence = 100.0 * (
            _W_FACT_COVER * fact_coverage + _W_PHRASE_COVER * phrase_coverage + _W_FUZZ * similarity / 100.0
        )
        return Hit(self.facts[f_index], round(confidence, 1), fact_coverage, phrase_coverage, similarity, phrasing)
