"""The question index: an inverted index over every phrasing of every fact.

Finding the fact for a question takes five steps, each cheap:

1. The question becomes words (:mod:`bot.core.matching.normalise`), each flagged when written like
   a name. A word the index does not know, and that is not ordinary English, is corrected first:
   candidates one edit away come from a table of single-character deletions (so the work does not
   grow with the vocabulary), and rapidfuzz scores them; a correction costs confidence. Words with
   digits are never corrected. The word being typed can be completed by prefix (autocomplete).
2. Curated synonyms apply, then words become stemmed index terms.
3. A term weighs its IDF over facts (the words every fact shares count little) times how specific
   it is in general English (:mod:`bot.core.matching.specificity`); names keep full weight. Weights
   are accumulated with numpy over per-term postings of facts; a term found only in a fact's answer
   earns part of its weight.
4. The facts within half of the best accumulated weight are ranked, in one numpy pass over their
   phrasings, by how much of the question's weight the fact covers (a significant word the fact
   never mentions costs confidence), how much its best single phrasing covers (discounted by the
   words of its own the question does not ask, which sets a general fact apart from its
   near-duplicates that each name one product), and the penalties: a name the fact never
   mentions, a possessor it never speaks of, a date or number the answer cannot give. The few
   that could still come first are rescored with rapidfuzz (``token_set_ratio`` and
   ``token_sort_ratio`` against their closest phrasing): bounds counted for all their phrasings
   at once leave rapidfuzz only the phrasings that could be their fact's closest.
5. The result is a calibrated confidence from 0 to 100; :mod:`bot.core.answers` decides.
"""

from __future__ import annotations

import array
import bisect
import dataclasses
import math
import re
import threading
from collections.abc import Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from bot.core.knowledge.schema import Fact
from bot.core.matching.normalise import (
    CURATED,
    NAME,
    ContentReader,
    Normaliser,
    Tagged,
    expected_answer_kind,
    pieces,
    stem,
    words,
)
from bot.core.matching import countries
from bot.core.matching.specificity import english_specificity, is_common_english, specificity
from bot.core.matching.typos import DeletionTable

#: How much a term counts when it appears only in a fact's answer, not in its phrasings.
ANSWER_CREDIT = 0.5
#: Weight every term keeps even when every fact has it, so generic questions still rank.
WEIGHT_FLOOR = 0.15
#: Weight of an ordinary English word that no fact uses ("settle"), before its specificity; a
#: name or a word rare in English that no fact uses weighs as much as the rarest term.
UNKNOWN_ENGLISH_WEIGHT = 0.75
#: Facts rescored after the accumulation pass.
RESCORE_DEPTH = 8
#: Facts whose accumulated weight is below this share of the best one's are not rescored.
CANDIDATE_RATIO = 0.5
#: Candidates whose best phrasing is found exactly (the rest are ranked by an estimate).
PRESELECT = 32
#: Terms found in more than 1/DENSE_SHARE of the facts (of at least DENSE_MIN facts) are added
#: as dense rows.
DENSE_SHARE = 8
DENSE_MIN = 256
#: Accumulated weights within 1/TIE_STEPS of the best one's of each other rank as ties.
TIE_STEPS = 2000
#: A candidate whose best possible confidence is this much (0-1) below what enough others
#: already reach is not rescored: it could not be among the results.
PRUNE_MARGIN = 0.002
#: Phrasings rescored with one rapidfuzz cdist call from this many (fewer are scored one by one, faster).
CDIST_MIN = 10
#: Candidates with at most this many phrasings in all are rescored by rapidfuzz alone, each fact's
#: closest phrasing found by extractOne (no bounds first: their numpy steps cost more than scoring
#: a few dozen phrasings).
DIRECT_MAX = 64
#: Lowest rapidfuzz ratio for a typo match.
TYPO_CUTOFF = 75.0
#: A question asking "when" or "how many" of a fact whose answer states no date or number.
NO_NUMBER_FACTOR = 0.55
#: Confidence kept for each name in the question ("Japan", "ASEAN") that the fact never mentions.
UNCOVERED_NAME_FACTOR = 0.6
#: The same for a year the fact never mentions when its answer gives another year: the question
#: may have the year wrong ("What did Xi and Vucic sign in 2019?"), which the fact then corrects.
OTHER_YEAR_FACTOR = 0.8
#: Confidence kept when the question asks about someone's ("the EU's position") and the fact never
#: speaks of that someone's anything.
OTHER_OWNER_FACTOR = 0.7
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
#: How much of a phrasing's coverage depends on the question covering that phrasing's own words.
PRECISION_SHARE = 0.5
#: Score mix of the calibrated confidence.
W_FACT_COVER = 0.5
W_PHRASE_COVER = 0.3
W_FUZZ = 0.2
_KIND_BIT = {"date": 1, "quantity": 2}
#: Texts of facts read together when building (about as many: whole facts at a time).
BUILD_TEXTS = 4096
# What each text of a fact is, when building: a phrasing, its title, a keyword, its answer.
_PHRASING, _TITLE, _KEYWORD, _ANSWER = 0, 1, 2, 3


@dataclasses.dataclass(frozen=True, slots=True)
class QueryTerm:
    """One word of a query as the index understood it."""

    word: str  # the folded word as typed (after synonyms)
    term: int | None  # index term id; None when unknown
    similarity: float  # 1.0 exact, less for a typo match, 0.0 unknown
    weight: float  # how much the word matters (IDF, never below the floor)
    matched: str | None = None  # the index word a typo or a prefix was resolved to


@dataclasses.dataclass(frozen=True, slots=True)
class Hit:
    """A fact found for a query, with the parts of its confidence."""

    fact: Fact
    confidence: float  # 0-100
    fact_coverage: float  # 0-1: share of the query's weight the fact's text covers
    phrase_coverage: float  # 0-1: share covered by the fact's best single phrasing
    similarity: float  # 0-100: rapidfuzz token_set_ratio against the closest phrasing
    phrasing: str  # the fact's phrasing closest to the query
    closeness: float = 0.0  # 0-100: token_sort_ratio against that phrasing (breaks ties)
    #: Each penalty applied to the confidence: (why, the factor it was multiplied by).
    penalties: tuple[tuple[str, float], ...] = ()
    #: 0-1 similarity of meaning from a semantic stage; ``None`` while there is no such stage.
    semantic: float | None = None
    #: The answer kind ("date", "quantity") the question asks for and the fact's answer cannot
    #: give; its penalty (NO_NUMBER_FACTOR) is among ``penalties``.
    missing_kind: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    terms: tuple[QueryTerm, ...]
    hits: tuple[Hit, ...]
    names: tuple[QueryTerm, ...] = ()  # the question's words written as names ("Japan")
    owners: frozenset[str] = frozenset()  # whose something it asks about ("the EU's position")
    #: countries no fact speaks of that the question names, each with the words naming it
    countries: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


class QuestionIndex:
    """Immutable index of a set of facts. Build a new one to change the facts."""

    def __init__(self, facts: Sequence[Fact], normaliser: Normaliser | None = None) -> None:
        self.normaliser = normaliser or Normaliser()
        self.facts: tuple[Fact, ...] = tuple(facts)
        norm = self.normaliser

        vocab: dict[str, int] = {}  # index term (stem) -> id
        # The texts' words are read as ids of the reader's vocabulary (see ContentReader): word id ->
        # term id (-1: not a content word of any text yet), and the content words, as ids, in order.
        reader = ContentReader(norm)
        term_of = np.zeros(0, dtype=np.int64)
        surface: list[int] = []
        token_of = np.zeros(0, dtype=np.int64)  # word id -> its id in token_ids, -1 none
        token_ids: dict[str, int] = {}  # the phrasings' distinct words (those of phr_text) -> id
        phr_text: list[str] = []  # phrasing -> normalised text for rapidfuzz
        phr_display: list[str] = []  # phrasing -> as written
        # What a fact answers: the dates and quantities its answer states, and the kinds of
        # question its curators wrote for it ("How much weight does China carry?").
        self._answer_kinds: list[frozenset[str]] = []
        self._possessors: list[frozenset[str]] = []
        # Built a chunk of facts at a time (see _chunks), as numpy arrays joined at the end: every
        # step over Python objects is short, so a reload in a worker never holds the interpreter's
        # lock for long, and the words of a chunk's texts are read together.
        posting_facts, posting_terms, posting_credits = [], [], []
        phr_terms, phr_lengths, phr_counts = [], [], []
        tok_parts, tok_n_parts, chars_parts = [], [], []
        for first, last in _chunks(self.facts):
            # Each fact's phrasings, title, keywords and answer (in pieces a read of words takes, up to
            # MAX_INPUT_CHARS each), in this order.
            texts: list[str] = []
            roles = array.array("b")
            counts: list[int] = []  # texts per fact
            titles: list[str | None] = []  # each phrasing's fact's title
            n_phrasings: list[int] = []
            n_keys: list[int] = []
            for fact in self.facts[first:last]:
                answer = pieces(fact.answer)
                titles += [fact.title] * len(fact.questions)
                titles += [None] * (1 + len(fact.keywords) + len(answer))
                n_phrasings.append(len(fact.questions))
                n_keys.append(len(fact.keywords))
                texts += fact.questions
                texts.append(fact.title)
                texts += fact.keywords
                texts += answer
                roles.extend(bytes(len(fact.questions)))
                roles.append(_TITLE)
                roles.extend(bytes([_KEYWORD]) * len(fact.keywords))
                roles.extend(bytes([_ANSWER]) * len(answer))
                counts.append(len(fact.questions) + 1 + len(fact.keywords) + len(answer))
            read = reader.read(texts)
            sizes = read.content_sizes
            # What the phrasings ask (a title written as a phrasing too is no question) and the
            # answers state.
            asked = np.frombuffer(roles, dtype=np.int8) == _PHRASING
            asked[[i for i, (text, title) in enumerate(zip(texts, titles, strict=True)) if text is title]] = False
            # Whose something the phrasings, titles and answers speak of ("China's position").
            spoken = np.flatnonzero(np.frombuffer(roles, dtype=np.int8) != _KEYWORD).tolist()
            owners = np.repeat(np.arange(last - first), counts)[spoken].tolist()
            self._possessors += norm.many_possessors([texts[i] for i in spoken], owners, last - first)
            kinds_asked = reader.expected_answer_kinds(texts, read, asked)
            kinds_stated = reader.answer_kinds(texts, read, np.frombuffer(roles, dtype=np.int8) == _ANSWER)
            at = 0
            for count, n_questions, n_keywords in zip(counts, n_phrasings, n_keys, strict=True):
                answer_at = at + n_questions + 1 + n_keywords
                kinds = {kind for kind in kinds_asked[at : at + n_questions] if kind}
                kinds.update(*kinds_stated[answer_at : at + count])
                self._answer_kinds.append(frozenset(kinds))
                at += count

            # Term ids: each new word's stem, in the order the words come.
            content = read.content
            if len(term_of) < len(reader.words):
                term_of = np.concatenate((term_of, np.full(len(reader.words) - len(term_of), -1, dtype=np.int64)))
            distinct, firsts = np.unique(content, return_index=True)
            new = term_of[distinct] < 0
            for word in distinct[new][np.argsort(firsts[new])].tolist():
                term_of[word] = vocab.setdefault(stem(reader.words[word]), len(vocab))
                surface.append(word)
            role = np.frombuffer(roles, dtype=np.int8)
            owner = np.repeat(np.arange(first, last, dtype=np.int64), counts)
            text_of = np.repeat(np.arange(len(texts), dtype=np.int64), sizes)
            tids = term_of[content]
            # Each text's distinct terms, in its order (two of its words may share a stem).
            _, firsts = np.unique(text_of * len(vocab) + tids, return_index=True)
            keep = np.sort(firsts)
            tids, text_of = tids[keep], text_of[keep]

            # Postings: a fact credits each term of its phrasings, title and keywords fully, one
            # found only in its answer in part; (fact, term) pairs sorted, each once, the full first.
            pairs = np.unique(((owner[text_of] - first) * len(vocab) + tids) * 2 + (role[text_of] == _ANSWER))
            once = pairs[np.concatenate(([True], (pairs[1:] >> 1) != (pairs[:-1] >> 1)))] if len(pairs) else pairs
            posting_facts.append((once >> 1) // len(vocab) + first)
            posting_terms.append((once >> 1) % len(vocab))
            posting_credits.append(np.where(once & 1, ANSWER_CREDIT, 1.0).astype(np.float32))

            # Phrasings: the phrasings and titles with a term, fact by fact.
            is_phrasing = (role <= _TITLE) & (sizes > 0)
            rows = np.flatnonzero(is_phrasing)
            phr_terms.append(tids[is_phrasing[text_of]])
            phr_lengths.append(np.bincount(text_of, minlength=len(texts))[rows])
            phr_counts.append(np.bincount(owner[rows] - first, minlength=last - first))
            phr_display += [texts[i] for i in rows.tolist()]
            # Their words (the content words, ids of the reader's) end to end, and as text.
            in_phrasing = np.repeat(is_phrasing, sizes)
            kept_words = content[in_phrasing]
            n_kept = sizes[rows]
            if len(rows):
                spaced = np.repeat(np.int64(-1), len(kept_words) + len(rows))
                spaced[np.arange(len(kept_words)) + np.repeat(np.arange(len(rows)), n_kept)] = kept_words
                phr_text += " ".join(reader.spelt(spaced[:-1])).split(" \n ")
            if len(token_of) < len(reader.words):
                token_of = np.concatenate((token_of, np.full(len(reader.words) - len(token_of), -1, dtype=np.int64)))
            distinct, firsts = np.unique(kept_words, return_index=True)
            new = token_of[distinct] < 0
            for word in distinct[new][np.argsort(firsts[new])].tolist():
                token_of[word] = len(token_ids)
                token_ids[reader.words[word]] = len(token_ids)
            tok_parts.append(token_of[kept_words].astype(np.int32))
            tok_n_parts.append(n_kept)
            ends = np.cumsum(reader.lengths()[kept_words])
            bounds = np.cumsum(n_kept)
            chars_parts.append(np.diff(np.concatenate(([0], ends[bounds - 1]))) if len(rows) else bounds)

        n_facts = len(self.facts)
        self._vocab = vocab
        self._phr_text = phr_text
        self._phr_display = phr_display

        # Postings as one sparse matrix (CSR): the facts of term t, ascending, are
        # _post_fact[_post_ptr[t]:_post_ptr[t + 1]], with the credit each gives it in _post_credit.
        tids = _joined(posting_terms, np.int64)
        order = np.argsort(tids, kind="stable")  # facts stay ascending within a term
        self._post_fact = _joined(posting_facts, np.int64).astype(np.int32)[order]
        self._post_credit = _joined(posting_credits, np.float32)[order]
        self._post_ptr = np.concatenate(([0], np.cumsum(np.bincount(tids, minlength=len(vocab))))).astype(np.int64)
        del posting_facts, posting_terms, posting_credits, tids, order

        # The commonest terms' credits as dense rows: adding a row beats scattering into most facts.
        df = np.diff(self._post_ptr)
        common = np.flatnonzero(df > n_facts / DENSE_SHARE).tolist() if n_facts / DENSE_SHARE >= DENSE_MIN else []
        self._dense_slot = {tid: row for row, tid in enumerate(common)}
        self._dense = np.zeros((len(common), n_facts), dtype=np.float32)
        for row, tid in enumerate(common):
            self._dense[row, self._facts_of(tid)] = self._credits_of(tid)

        # Terms found in exactly the same facts ("geng" and "shuang") are one name: they count once.
        first_with: dict[bytes, int] = {}
        self._term_group = np.asarray(
            [first_with.setdefault(self._facts_of(tid).tobytes(), tid) for tid in range(len(vocab))], dtype=np.int32
        )
        self._kind_bits = np.asarray(
            [sum(bit for kind, bit in _KIND_BIT.items() if kind in kinds) for kinds in self._answer_kinds],
            dtype=np.uint8,
        )
        self._has_year = np.asarray([bool(_YEAR.search(f.answer)) for f in self.facts], dtype=bool)

        df = df.astype(np.float64)
        self._weight = np.log1p((n_facts - df + 0.5) / (df + 0.5)) + WEIGHT_FLOOR

        # Phrasings as one sparse matrix (CSR): the terms of phrasing p are _phr_idx[_phr_ptr[p]:
        # _phr_ptr[p + 1]], in the order the phrasing has them; _phr_own[p] is their total weight.
        lengths = _joined(phr_lengths, np.int64)
        self._phr_ptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        self._phr_idx = _joined(phr_terms, np.int64).astype(np.int32)
        # Per phrasing: how many terms it has; per fact (_fact_tptr): where its phrasings' terms start.
        self._phr_len = lengths.astype(np.int32)
        self._phr_own = (
            np.add.reduceat(self._weight[self._phr_idx], self._phr_ptr[:-1]) if len(self._phr_idx) else np.zeros(0)
        )
        self._fact_start = np.concatenate(([0], np.cumsum(_joined(phr_counts, np.int64)))).astype(np.int64)
        self._fact_tptr = self._phr_ptr[self._fact_start]
        # The weight of a fact's average phrasing (for the cheap precision estimate of _candidates).
        per_fact = np.diff(self._fact_start)
        sums = np.add.reduceat(self._phr_own, self._fact_start[:-1][per_fact > 0]) if len(self._phr_own) else []
        own_mean = np.full(n_facts, np.inf)
        own_mean[per_fact > 0] = np.asarray(sums) / per_fact[per_fact > 0]
        # Each fact's place when ranked by that weight, ties in the facts' order.
        self._own_rank = np.empty(n_facts, dtype=np.int64)
        self._own_rank[np.argsort(own_mean, kind="stable")] = np.arange(n_facts)
        del phr_terms, phr_lengths, phr_counts

        # The phrasings' words (as rapidfuzz splits phr_text) as one sparse matrix (CSR): the
        # distinct words of the phrasings of fact f are _tok_idx[_fact_tok[f]:_fact_tok[f + 1]],
        # phrasing by phrasing, _tok_n[p] of them for phrasing p; _tok_len[w] is word w's length,
        # _phr_width[p] the length of phrasing p's text (its words, spaced), _phr_hist[p] how many of
        # its characters fall in each bucket of _histograms. With them, rapidfuzz's token_set_ratio
        # is bounded for many phrasings at once (see _similarities).
        self._tok_idx = _joined(tok_parts, np.int32)
        self._tok_ids = token_ids
        self._tok_len = np.fromiter(map(len, token_ids), dtype=np.int32, count=len(token_ids))
        self._tok_n = _joined(tok_n_parts, np.int64).astype(np.int32)
        self._phr_width = (_joined(chars_parts, np.int64) + self._tok_n - 1).astype(np.int32)
        self._fact_tok = np.concatenate(([0], np.cumsum(self._tok_n, dtype=np.int64)))[self._fact_start]
        del tok_parts, tok_n_parts, chars_parts
        self._phr_hist = _histograms(phr_text)
        self._phr_count = np.diff(self._fact_start)  # each fact's phrasings
        self._split_by_fact()
        self._unknown_weight = float(math.log1p((n_facts + 0.5) / 1.5)) + WEIGHT_FLOOR

        # Words a typo can be corrected to: the index's and the synonyms' own.
        known = {reader.words[w] for w in surface} | norm.variant_words
        self._known_words = frozenset(known)
        self._typos: DeletionTable | None = DeletionTable(known)
        self._typos_lock = threading.Lock()
        self._sorted_known = sorted(known)
        # The names, in every language read, of the countries no fact speaks of ("spain", "Španija").
        self._unknown_countries = countries.unknown_tables(self.knows)
        self._local = threading.local()  # per thread: see _scratch

    # The typo table is keyed by Python's string hash, which differs from process to process: it
    # is not pickled (for the index cache) but built again after loading, when a question first
    # has a word to correct (most have none: a one-shot answer from the cache does not wait for
    # it), or by :meth:`prepare` (a serving bot, in the background).
    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        del state["_typos"], state["_typos_lock"], state["_local"]
        for name in _BY_FACT:  # (views of arrays kept whole: a pickled view is a copy)
            del state[name]
        state.pop("_country_words", None)  # what questions looked up, kept while answering
        state.pop("_held", None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._typos = None
        self._typos_lock = threading.Lock()
        self._local = threading.local()
        self._split_by_fact()

    def _split_by_fact(self) -> None:
        """Each fact's part of the arrays that questions read fact by fact (see :data:`_BY_FACT`),
        as views: joining the parts of a question's candidates costs less than gathering their
        items by position."""

        def parts(items: np.ndarray, bounds: np.ndarray) -> list[np.ndarray]:
            return [items[start:end] for start, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)]

        self._terms_of = parts(self._phr_idx, self._fact_tptr)
        self._lengths_of = parts(self._phr_len, self._fact_start)
        self._own_of = parts(self._phr_own, self._fact_start)
        self._tokens_of = parts(self._tok_idx, self._fact_tok)

    def prepare(self) -> None:
        """Build what the index builds on first need (the typo table of an index loaded from the
        cache) now."""
        self._typo_table()

    def _typo_table(self) -> DeletionTable:
        table = self._typos
        if table is None:
            with self._typos_lock:
                table = self._typos
                if table is None:
                    table = self._typos = DeletionTable(self._known_words)
        return table

    def _scratch(self, name: str, size: int, dtype: type) -> np.ndarray:
        """A zeroed array of this thread's, kept for its next question: a question sets the few
        items it needs and zeroes them again, rather than zeroing an array the size of the
        vocabulary each time."""
        found = getattr(self._local, name, None)
        if found is None:
            found = np.zeros(size, dtype=dtype)
            setattr(self._local, name, found)
        return found

    # -- queries ---------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.facts)

    def knows(self, word: str) -> bool:
        """Whether a phrasing, title, keyword or answer of some fact has ``word`` (folded)."""
        return word in self._known_words or stem(word) in self._vocab

    def _holds(self, content: tuple[str, ...]) -> bool:
        """Whether a phrasing or title of some fact has the canonical words ``content`` side by side,
        in this order (once per term: kept while answering)."""
        memo = self.__dict__.setdefault("_held", {})
        held = memo.get(content)
        if held is None:
            memo[content] = held = self._side_by_side([self._vocab.get(stem(w), -1) for w in content])
        return held

    def _side_by_side(self, terms: list[int]) -> bool:
        if min(terms) < 0:
            return False
        facts = self._facts_of(terms[0])
        for term in terms[1:]:
            facts = np.intersect1d(facts, self._facts_of(term), assume_unique=True)
        first = self._fact_tptr.take(facts)
        _, at = _spans(first, self._fact_tptr.take(facts + 1) - first)
        at = at[self._phr_idx.take(at) == terms[0]]  # where the first word is, in those facts' phrasings
        ends = self._phr_ptr.take(np.searchsorted(self._phr_ptr, at, side="right"))
        for k, term in enumerate(terms[1:], 1):
            inside = at + k < ends
            at, ends = at[inside], ends[inside]
            follows = self._phr_idx.take(at + k) == term
            at, ends = at[follows], ends[follows]
        return bool(len(at))

    def _fix(self, word: str, is_last: bool, prefix: bool) -> tuple[str, float] | None:
        """Correct a word the index does not know, or complete the word being typed."""
        if word in self._known_words or stem(word) in self._vocab:
            return None
        if prefix and is_last:
            completion = self._complete(word)
            if completion is not None:
                return completion, 1.0
        match = None if is_common_english(word) else self.correct(word)
        if match is None:
            return None
        matched, score = match
        return matched, 0.5 + 0.5 * (score - TYPO_CUTOFF) / (100.0 - TYPO_CUTOFF)

    def resolve(self, words: Sequence[Tagged]) -> list[QueryTerm]:
        """Map analysed query words to index terms and weigh them.

        A word weighs its IDF times its :func:`specificity` in English; a word written like a name
        ("Japan") or produced by a curated synonym keeps its full weight, and a name or rare word
        found nowhere weighs as much as the rarest term.
        """
        resolved: list[QueryTerm] = []
        for item in words:
            word = item.word
            factor = 1.0 if item.flag in (NAME, CURATED) else specificity(item.typed or word)
            tid = self._vocab.get(stem(word))
            if tid is not None:
                weight = float(self._weight[tid]) * factor
                resolved.append(
                    QueryTerm(item.typed or word, tid, item.similarity, weight, word if item.typed else None)
                )
            else:
                # No fact uses the word. A name, or a word rare in English, is likely the subject
                # of the question; an ordinary word (or a misspelt one) only says how it is asked.
                if item.flag != NAME:
                    factor = english_specificity(item.typed or word)
                weight = self._unknown_weight if factor == 1.0 else UNKNOWN_ENGLISH_WEIGHT * factor
                resolved.append(QueryTerm(item.typed or word, None, 0.0, weight))
        return resolved

    def correct(self, word: str) -> tuple[str, float] | None:
        """The index word one edit from ``word`` that rapidfuzz scores highest, with its score."""
        return self._typo_table().closest(word, TYPO_CUTOFF)

    def _complete(self, prefix: str, *, longer: bool = False) -> str | None:
        """The shortest index word starting with ``prefix`` (for as-you-type autocomplete);
        ``longer``: the shortest one longer than ``prefix`` itself."""
        words = self._sorted_known
        start = (bisect.bisect_right if longer else bisect.bisect_left)(words, prefix)
        best: str | None = None
        for word in words[start : start + 64]:
            if not word.startswith(prefix):
                break
            if best is None or len(word) < len(best):
                best = word
        return best

    def longer_completion(self, text: str) -> str | None:
        """``text`` with the word still being typed completed to the shortest longer index word,
        for autocomplete when that word is an index word itself: "china une" -> "china unesco"
        (``une`` is a word of the index too, from a French phrasing). None when the text ends in a
        space, or no longer index word starts with its last word."""
        if not text or text[-1].isspace():
            return None
        head, _, last = text.rpartition(" ")
        typed = last.casefold()
        if not typed.isalnum() or typed not in self._known_words:
            return None
        completion = self._complete(typed, longer=True)
        if completion is None:
            return None
        return f"{head} {completion}" if head else completion

    def search(
        self, query: str, limit: int = 5, *, prefix: bool = False, folded: Sequence[str] | None = None
    ) -> SearchResult:
        """Facts for ``query``, best first, each with a calibrated confidence. ``folded``: the
        :func:`~bot.core.matching.normalise.words` of ``query``, when the caller has them."""
        analysed = self.normaliser.analyse(
            query,
            fix=lambda word, last: self._fix(word, last, prefix),
            known=lambda word: stem(word) in self._vocab,
            holds=self._holds,
        )
        named = tuple(self.unknown_countries(words(query) if folded is None else folded))
        if named:  # "does spain recognise kosovo": a name, whoever typed it in lower case
            names = {w for _code, span in named for w in span}
            analysed = [  # as typed: a country's name is no typo of an index word ("spain" / "span")
                Tagged(item.typed or item.word, NAME) if (item.typed or item.word) in names else item
                for item in analysed
            ]
        words_ = [item.word for item in analysed]
        terms = tuple(self._dedupe(self.resolve(analysed)))
        known = [t for t in terms if t.term is not None]
        if not known or not self.facts:
            return SearchResult(query, terms, (), countries=named)

        scores = self._accumulate(known)
        best = float(scores.max())
        if best <= 0:
            return SearchResult(query, terms, (), countries=named)
        total = sum(t.weight for t in terms)
        expected = expected_answer_kind(query, folded)
        owners = frozenset(w for w in self.normaliser.possessors(query) if not self._common(w))
        name_terms = [t for t, item in zip(terms, analysed, strict=True) if item.flag == NAME and t.weight > 0]
        top, phrase, has_names = self._candidates(scores, best, total, known, expected, name_terms, owners, limit)
        fuzzy = self._similarities(" ".join(words_), top)
        covered = [has.tolist() for has in has_names]  # per name, per fact of top
        hits = [
            self._hit(
                f,
                score / total,
                p,
                found,
                self._penalties_of(f, expected, name_terms, owners, [names[slot] for names in covered]),
                expected if expected is not None and expected not in self._answer_kinds[f] else None,
            )
            for slot, (f, score, p, found) in enumerate(
                zip(top.tolist(), scores.take(top).tolist(), phrase.tolist(), fuzzy, strict=True)
            )
        ]
        hits.sort(key=lambda h: (-h.confidence, -h.closeness, h.fact.id))
        return SearchResult(query, terms, tuple(hits[:limit]), tuple(name_terms), owners, named)

    def unknown_countries(self, tokens: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
        """The countries no fact speaks of that ``tokens`` (folded words) name, in any language read
        (see :mod:`bot.core.matching.countries`), each with the words naming it."""
        if not self._unknown_countries[0] or all(w in self._known_words for w in tokens):
            return []
        memo = self.__dict__.setdefault("_country_words", {})  # a word -> the country it names alone
        return countries.mentioned(tokens, self._unknown_countries, self._known_words, memo)

    def penalty(self, f_index: int, result: SearchResult) -> float:
        """The share of confidence the names and the possessor of ``result``'s question leave fact
        ``f_index`` (for a fact that another stage found and the index did not rank)."""
        factor = 1.0
        for _why, value in self._penalties_of(f_index, None, result.names, result.owners):
            factor *= value
        return factor

    def _accumulate(self, known: Sequence[QueryTerm]) -> np.ndarray:
        """Each fact's share of the question's weight: every term's weight times the fact's credit
        for it, added over the term's postings (or its dense row, for the commonest terms)."""
        # The terms' postings between two dense rows are added in one call (np.add.at adds in
        # order, so each fact's weights are summed in the terms' order, as one term at a time).
        # A weight multiplies float32 credits as a float32 (numpy rounds a Python float to the
        # array's type); a dense row that comes first is the scores themselves (0 + x is x).
        scores: np.ndarray | None = None
        product: np.ndarray | None = None
        facts: list[np.ndarray] = []
        credits: list[np.ndarray] = []
        dense, post_ptr = self._dense, self._post_ptr
        for t in known:
            weight = t.weight * t.similarity
            row = self._dense_slot.get(t.term)
            if row is not None:
                if scores is None and not facts:
                    scores = dense[row] * weight
                    continue
                if scores is None:
                    scores = np.zeros(len(self.facts), dtype=np.float32)
                if facts:
                    _scatter(scores, facts, credits)
                    facts, credits = [], []
                if product is None:
                    product = np.empty(len(self.facts), dtype=np.float32)
                _MULTIPLY(dense[row], weight, out=product)
                scores += product
            else:
                start, end = post_ptr[t.term], post_ptr[t.term + 1]
                facts.append(self._post_fact[start:end])
                credits.append(self._post_credit[start:end] * weight)
        if scores is None:
            scores = np.zeros(len(self.facts), dtype=np.float32)
        if facts:
            _scatter(scores, facts, credits)
        return scores

    def _candidates(
        self,
        scores: np.ndarray,
        best: float,
        total: float,
        known: Sequence[QueryTerm],
        expected: str | None,
        name_terms: Sequence[QueryTerm],
        owners: frozenset[str],
        limit: int,
    ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """The facts worth rescoring with rapidfuzz, ranked by everything but rapidfuzz, with
        their phrase coverage (see :meth:`_phrase_coverage`) and, per name of ``name_terms``,
        whether each of them has it (see :meth:`_covered`).

        Facts within :data:`CANDIDATE_RATIO` of the best accumulated weight are ranked by the
        confidence they would reach with a perfect rapidfuzz score: their coverage of the question,
        their best phrasing's coverage and the penalties. Near-duplicates (the same question per
        product, per country, per version) tie on the question's words; what sets the right one
        apart is a phrasing that asks no more than the question, which this ranking sees. Beyond
        :data:`PRESELECT` facts, the ones ranked exactly are those with the most weight, ties going
        to the facts whose average phrasing carries the least weight of its own.
        A fact that cannot reach the ``limit``-th best confidence is not rescored."""
        top = (scores >= best * CANDIDATE_RATIO).nonzero()[0]
        depth = max(limit, RESCORE_DEPTH)
        if len(top) <= min(depth, limit):
            covered = [self._covered(name.term, top) for name in name_terms]
            return top, self._phrase_coverage(top, known) / total, covered
        if len(top) > max(PRESELECT, depth):
            top = self._preselect(scores, best, top)
        covered = [self._covered(name.term, top) for name in name_terms]
        factor = self._penalties(top, expected, name_terms, owners, covered)
        phrase = self._phrase_coverage(top, known) / total
        lower = factor * (W_FACT_COVER * np.minimum(scores[top] / total, 1.0) + W_PHRASE_COVER * phrase)
        upper = lower + W_FUZZ * factor
        chosen = np.arange(len(top))
        if len(top) > depth:
            chosen = upper.argpartition(-depth)[-depth:]
        if len(chosen) > limit:
            chosen = chosen[upper[chosen] >= float(np.partition(lower[chosen], -limit)[-limit]) - PRUNE_MARGIN]
        return top[chosen], phrase[chosen], [names[chosen] for names in covered]

    def _preselect(self, scores: np.ndarray, best: float, top: np.ndarray) -> np.ndarray:
        """The :data:`PRESELECT` first of ``top`` (facts, ascending): most weight first; among
        (near-)ties, the fact whose phrasings carry least weight of their own (BM25's length
        normalisation, as a tie-break), then the first fact. Each fact's place in that order is one
        whole number, its own, so only the PRESELECT smallest are sorted (not all of ``top``:
        thousands at a million phrasings)."""
        tier = (scores.take(top) * (TIE_STEPS / best)).astype(np.int64)  # (positive: truncated is floor)
        key = self._own_rank.take(top) - tier * len(self.facts)
        first = key.argpartition(PRESELECT - 1)[:PRESELECT]
        return top.take(first.take(key.take(first).argsort()))

    def _penalties(
        self,
        facts: np.ndarray,
        expected: str | None,
        name_terms: Sequence[QueryTerm],
        owners: frozenset[str],
        covered: Sequence[np.ndarray],
    ) -> np.ndarray:
        """For each of ``facts``, the share of its confidence its penalties leave (those of
        :meth:`_penalties_of`, for many facts at once); ``covered``: per name of ``name_terms``,
        whether each fact has it (:meth:`_covered`)."""
        factor = np.ones(len(facts), dtype=np.float64)
        if expected is not None:
            factor[(self._kind_bits[facts] & _KIND_BIT[expected]) == 0] *= NO_NUMBER_FACTOR
        for name, has in zip(name_terms, covered, strict=True):
            uncovered = ~has
            if _YEAR.fullmatch(name.word):
                factor[uncovered] *= np.where(self._has_year[facts[uncovered]], OTHER_YEAR_FACTOR, UNCOVERED_NAME_FACTOR)
            else:
                factor[uncovered] *= UNCOVERED_NAME_FACTOR
        if owners:
            factor[[bool(owners - self._possessors[f]) for f in facts]] *= OTHER_OWNER_FACTOR
        return factor

    def _penalties_of(
        self,
        f_index: int,
        expected: str | None,
        name_terms: Sequence[QueryTerm],
        owners: frozenset[str],
        covered: Sequence[bool] | None = None,
    ) -> tuple[tuple[str, float], ...]:
        """Each penalty of one fact, with why: a question asking "when" or "how many" of a fact
        whose answer states no date or number, each name in the question the fact never mentions,
        and a possessor the fact never speaks of. ``covered``: whether the fact has each of
        ``name_terms``, when known (see :meth:`_covered`)."""
        penalties: list[tuple[str, float]] = []
        if expected is not None and expected not in self._answer_kinds[f_index]:
            penalties.append((f"asks for a {expected}; the answer states none", NO_NUMBER_FACTOR))
        if covered is None:
            covered = [name.term is not None and self._covers(f_index, name.term) for name in name_terms]
        for name, has in zip(name_terms, covered, strict=True):
            if not has:
                if _YEAR.fullmatch(name.word) and self._has_year[f_index]:
                    penalties.append((f"year {name.word} is not in the fact, another is", OTHER_YEAR_FACTOR))
                else:
                    penalties.append((f"name {name.word!r} is not in the fact", UNCOVERED_NAME_FACTOR))
        if owners and (missing := owners - self._possessors[f_index]):
            penalties.append((f"asks about {', '.join(sorted(missing))}'s; the fact never does", OTHER_OWNER_FACTOR))
        return tuple(penalties)

    def _covered(self, term: int | None, facts: np.ndarray) -> np.ndarray:
        """Whether each of ``facts`` has ``term`` (never, for a term the index does not know)."""
        if term is None:
            return np.zeros(len(facts), dtype=bool)
        postings = self._facts_of(term)
        position = postings.searchsorted(facts)
        position[position == len(postings)] = len(postings) - 1
        return postings.take(position) == facts

    def _covers(self, f_index: int, term: int) -> bool:
        postings = self._facts_of(term)
        position = int(np.searchsorted(postings, f_index))
        return position < len(postings) and int(postings[position]) == f_index

    def matched_terms(self, fact_id: str, terms: Sequence[QueryTerm]) -> tuple[QueryTerm, ...]:
        """The query terms that ``fact_id``'s text (phrasings, title, keywords, answer) contains.

        For explanations only (the moderators' "why"); the answer path never calls it.
        """
        position = next((i for i, fact in enumerate(self.facts) if fact.id == fact_id), None)
        if position is None:
            return ()
        return tuple(t for t in terms if t.term is not None and self._covers(position, t.term))

    def _facts_of(self, term: int) -> np.ndarray:
        """The facts that have ``term``, ascending."""
        return self._post_fact[self._post_ptr[term] : self._post_ptr[term + 1]]

    def _credits_of(self, term: int) -> np.ndarray:
        """The credit each of :meth:`_facts_of` gives ``term``."""
        return self._post_credit[self._post_ptr[term] : self._post_ptr[term + 1]]

    def _common(self, word: str) -> bool:
        """Whether most facts speak of ``word`` (the subject of the whole knowledge base)."""
        tid = self._vocab.get(stem(word))
        return tid is not None and 2 * int(self._post_ptr[tid + 1] - self._post_ptr[tid]) > len(self.facts)

    def _dedupe(self, terms: list[QueryTerm]) -> list[QueryTerm]:
        """Give the words of one multi-word name (found in exactly the same facts) one weight: the
        largest of theirs, carried by the first of them."""
        heaviest: dict[int, float] = {}
        groups = [None if t.term is None else int(self._term_group[t.term]) for t in terms]
        for t, group in zip(terms, groups, strict=True):
            if group is not None:
                heaviest[group] = max(heaviest.get(group, 0.0), t.weight)
        result = []
        for t, group in zip(terms, groups, strict=True):
            if group is not None:
                weight = heaviest.pop(group, 0.0)
                if weight != t.weight:
                    t = QueryTerm(t.word, t.term, t.similarity, weight, t.matched)
            result.append(t)
        return result

    def _phrase_coverage(self, facts: np.ndarray, known: Sequence[QueryTerm]) -> np.ndarray:
        """For each of ``facts``, the question weight its best single phrasing covers, discounted
        by what share of that phrasing's own words the question leaves out ("…recognise Kosovo"
        against "…recognise Kosovo, why do they still trade?"). One numpy pass over every phrasing
        of every fact: a fact's phrasings, and their terms, are contiguous in the CSR matrix."""
        result = np.zeros(len(facts), dtype=np.float64)
        chosen = facts.tolist()
        lengths = _CONCATENATE([self._lengths_of[f] for f in chosen])  # of their phrasings, in order
        if not len(lengths):
            return result
        counts = self._phr_count.take(facts)
        terms = _CONCATENATE([self._terms_of[f] for f in chosen])
        own = _CONCATENATE([self._own_of[f] for f in chosen])
        # Per term, as one complex number: the weight the question brings with it (a term asked by
        # two words that stem alike brings both), and, as the imaginary part, the term's own
        # weight when asked (for the phrasing's precision). One gather and one sum serve both.
        brought: dict[int, float] = {}
        for t in known:
            brought[t.term] = brought.get(t.term, 0.0) + t.weight * t.similarity  # type: ignore[index]
        lookup = self._scratch("terms", len(self._vocab), np.complex128)
        try:
            for term, value in brought.items():
                lookup[term] = complex(value, self._weight[term])
            sums = _ADD_AT(lookup.take(terms), _ACCUMULATE(lengths, dtype=np.int64) - lengths)
        finally:
            for term in brought:
                lookup[term] = 0
        value = sums.real * (1.0 - PRECISION_SHARE + PRECISION_SHARE * (sums.imag / own))
        if counts.all():
            result[:] = _MAX_AT(value, _ACCUMULATE(counts) - counts)
        else:
            slots = counts.nonzero()[0]
            counts = counts.take(slots)
            result[slots] = _MAX_AT(value, _ACCUMULATE(counts) - counts)
        return result

    def _similarities(self, query_text: str, facts: np.ndarray) -> list[tuple[float, float, int] | None]:
        """For each of ``facts``: rapidfuzz ``token_set_ratio`` against its closest phrasing, the
        ``token_sort_ratio`` against that phrasing, and the phrasing; ``None`` without phrasings.

        The ratios are those of rapidfuzz, which scores only the phrasings that could be their fact's
        closest (the rest is computed with its arithmetic, equal to the last bit, and tested so).
        With I the words the question and a phrasing both have, and A and B the words only the
        question and only the phrasing have, each joined by spaces, ``token_set_ratio`` is 100 when
        I is not empty and A or B is, else the largest of ratio(I, I + A) and ratio(I, I + B),
        which follow from the lengths, counted here for every phrasing at once, and of
        ratio(I + A, I + B), whose edit distance, that of A to B, is at least the difference of
        their character counts (the shared words cancel out: the question's counts against the
        phrasing's). A phrasing whose ratio could not reach the best its fact already has is not
        scored. Candidates with few phrasings in all (:data:`DIRECT_MAX`) are scored by rapidfuzz
        alone, with ``extractOne``."""
        starts = self._fact_start.take(facts)
        counts = self._phr_count.take(facts)
        found: list[tuple[float, float, int] | None] = [None] * len(facts)
        slots: Sequence[int] = range(len(facts))
        if not counts.all():  # (a fact without phrasings has no closest one)
            kept = counts.nonzero()[0]
            if not len(kept):
                return found
            slots = kept.tolist()
            facts, starts, counts = facts.take(kept), starts.take(kept), counts.take(kept)
        query_words = set(query_text.split())
        texts = self._phr_text
        if not query_words:  # rapidfuzz's ratio without words is 0: the first phrasing is the closest
            for slot, start in zip(slots, starts.tolist(), strict=True):
                found[slot] = (0.0, fuzz.token_sort_ratio(query_text, texts[start], processor=None), start)
            return found
        if int(counts.sum()) <= DIRECT_MAX:  # few: rapidfuzz scores them all sooner than they are bounded
            extract, set_ratio, sort_ratio = process.extractOne, fuzz.token_set_ratio, fuzz.token_sort_ratio
            for slot, start, count in zip(slots, starts.tolist(), counts.tolist(), strict=True):
                _text, score, at = extract(query_text, texts[start : start + count], scorer=set_ratio, processor=None)
                found[slot] = (score, sort_ratio(query_text, texts[start + at], processor=None), start + at)
            return found
        n_query = len(query_words)
        query_width = sum(map(len, query_words)) + n_query - 1  # len(I + A): the question's words, spaced
        # The facts' phrasings (each fact's are contiguous), and where each fact's start among them.
        offsets, phrasings_of = _spans(starts, counts)
        n_words = self._tok_n.take(phrasings_of)
        width = self._phr_width.take(phrasings_of)  # len(I + B)
        ids = self._tok_ids
        known = [(ids[word], len(word)) for word in query_words if word in ids]
        if known:
            tokens = _CONCATENATE([self._tokens_of[f] for f in facts.tolist()])
            asked = self._scratch("words", len(self._tok_len), np.int64)
            try:
                for token, length in known:
                    asked[token] = length + 1 + (1 << 20)  # a shared word: its length and a space, and one word
                packed = _ADD_AT(asked.take(tokens), _ACCUMULATE(n_words, dtype=np.int64) - n_words)
            finally:
                for token, _ in known:
                    asked[token] = 0
            n_shared = packed >> 20
            sect = (packed & ((1 << 20) - 1)) - np.minimum(n_shared, 1)  # len(I): its words and the spaces between
        else:
            n_shared = sect = np.zeros(len(n_words), dtype=np.int64)
        # The same arithmetic as rapidfuzz's (100 - 100 * distance / length sum), so equal ratios
        # are equal to the last bit: ratio(I, I + A) is 100 - 100 * len(A with its space) / (len(I)
        # + len(I + A)). Without shared words both are 0 (the length over itself).
        ratios = np.maximum(
            100 - 100 * (query_width - sect) / (query_width + sect), 100 - 100 * (width - sect) / (width + sect)
        )
        # (shared words are never more than either side's words, and every phrasing has one)
        ratios[n_shared == np.minimum(n_words, n_query)] = 100.0  # I is not empty and A or B is
        best_known = _MAX_AT(ratios, offsets).repeat(counts)
        # ratio(I + A, I + B): its edit distance is at least the difference of the two lengths
        upper = 100 - 100 * np.abs(query_width - width) / (query_width + width)
        unsure = ((upper > ratios) & (upper >= best_known)).nonzero()[0]
        if len(unsure):
            phrasings = phrasings_of.take(unsure)
            # summed by a product with ones (exact: whole numbers far below 2**24), much faster than
            # a sum along rows of 32
            differences = np.abs(self._phr_hist.take(phrasings, axis=0).astype(np.float32) - _histogram(query_words))
            distance = (differences @ _ONES).astype(np.int64)
            distance += np.abs(n_query - n_words.take(unsure))  # the spaces of A against those of B
            upper = 100 - 100 * distance / (query_width + width.take(unsure))
            keep = (upper > ratios.take(unsure)) & (upper >= best_known.take(unsure))
            unsure, phrasings = unsure[keep], phrasings[keep]
            if len(unsure) >= CDIST_MIN:
                ratios[unsure] = process.cdist(
                    [query_text],
                    [texts[p] for p in phrasings.tolist()],
                    scorer=fuzz.token_set_ratio,
                    processor=None,
                    dtype=np.float64,
                    workers=1,
                )[0]
            elif len(unsure):
                set_ratio = fuzz.token_set_ratio
                ratios[unsure] = [set_ratio(query_text, texts[p], processor=None) for p in phrasings.tolist()]
        best = _MAX_AT(ratios, offsets)
        ties = (ratios == best.repeat(counts)).nonzero()[0]
        closest = phrasings_of.take(ties.take(ties.searchsorted(offsets)))  # the first of equals, as extractOne
        sort_ratio = fuzz.token_sort_ratio
        for slot, score, pid in zip(slots, best.tolist(), closest.tolist(), strict=True):
            found[slot] = (score, sort_ratio(query_text, texts[pid], processor=None), pid)
        return found

    def _hit(
        self,
        f_index: int,
        fact_coverage: float,
        phrase_coverage: float,
        fuzzy: tuple[float, float, int] | None,
        penalties: tuple[tuple[str, float], ...],
        missing_kind: str | None = None,
    ) -> Hit:
        fact = self.facts[f_index]
        if fuzzy is None:
            similarity, closeness, phrasing = 0.0, 0.0, fact.title
        else:
            similarity, closeness, pid = fuzzy
            phrasing = self._phr_display[pid]
        score = (
            W_FACT_COVER * min(fact_coverage, 1.0)
            + W_PHRASE_COVER * phrase_coverage
            + W_FUZZ * (similarity + closeness) / 200.0
        )
        confidence = 100.0 * score
        for _why, factor in penalties:
            confidence *= factor
        return Hit(
            fact,
            round(confidence, 1),
            fact_coverage,
            phrase_coverage,
            similarity,
            phrasing,
            closeness,
            penalties,
            missing_kind=missing_kind,
        )


#: The index's lists of each fact's part of an array (see QuestionIndex._split_by_fact).
_BY_FACT = ("_terms_of", "_lengths_of", "_own_of", "_tokens_of")


def _chunks(facts: Sequence[Fact]) -> Iterable[tuple[int, int]]:
    """Ranges of ``facts`` (first, last + 1) of about :data:`BUILD_TEXTS` texts each."""
    first, count = 0, 0
    for i, fact in enumerate(facts):
        count += len(fact.questions) + len(fact.keywords) + 2
        if count >= BUILD_TEXTS:
            yield first, i + 1
            first, count = i + 1, 0
    if first < len(facts):
        yield first, len(facts)


def _joined(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    """The arrays of ``parts`` end to end (an empty array of ``dtype`` when there are none)."""
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)


# numpy's functions (np.cumsum, np.repeat, ...) pass through Python wrappers that cost more than
# the work on the few hundred numbers a question touches; the answer path calls ufunc methods and
# array methods instead.
_ACCUMULATE = np.add.accumulate
_ADD_AT = np.add.reduceat
_MAX_AT = np.maximum.reduceat
_ADD_INTO = np.add.at
_MULTIPLY = np.multiply
_CONCATENATE = np.concatenate


def _scatter(scores: np.ndarray, facts: list[np.ndarray], credits: list[np.ndarray]) -> None:
    """Add ``credits[i]`` to ``scores`` at ``facts[i]`` (each without repeats), ``i`` in order."""
    if len(facts) == 1:
        scores[facts[0]] += credits[0]
    else:
        _ADD_INTO(scores, np.concatenate(facts), np.concatenate(credits))


def _spans(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges ``starts[i]`` to ``starts[i] + counts[i]``, where each
    begins among their items end to end, and those items: ``[3, 10], [2, 1]`` gives ``[0, 2]``
    and ``[3, 4, 10]``."""
    ends = _ACCUMULATE(counts, dtype=np.int64)
    offsets = ends - counts
    total = int(ends[-1]) if len(ends) else 0
    return offsets, np.arange(total, dtype=np.int64) + (starts - offsets).repeat(counts)


#: Characters counted apart for :func:`_histograms`: each letter, the digits in five buckets, the rest.
HIST_BUCKETS = 32
_ONES = np.ones(HIST_BUCKETS, dtype=np.float32)


#: The bucket of each ASCII character (128: any other), spaces in a bucket of their own (the last).
_BUCKET_OF = np.full(129, HIST_BUCKETS - 1, dtype=np.int32)
_BUCKET_OF[97:123] = np.arange(26)
_BUCKET_OF[48:58] = 26 + np.arange(10) % 5
_BUCKET_OF[32] = HIST_BUCKETS
_BUCKET_INDEX = _BUCKET_OF.astype(np.intp)


def _histogram(words: Iterable[str]) -> np.ndarray:
    """:func:`_histograms` of the one text of ``words`` (a question's: short), as float32."""
    codes = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32)
    cells = np.bincount(_BUCKET_INDEX.take(np.minimum(codes, 128)), minlength=HIST_BUCKETS + 1)
    return np.minimum(cells[:HIST_BUCKETS], 255).astype(np.float32)


def _histograms(texts: Sequence[str]) -> np.ndarray:
    """For each of ``texts``, how many of its characters (spaces aside) fall in each of
    :data:`HIST_BUCKETS` buckets, at most 255 each. Two strings' edit distance is at least the sum
    of the differences of their counts, however characters share buckets, and capped counts only
    lower that sum."""
    result = np.zeros((len(texts), HIST_BUCKETS), dtype=np.uint8)
    chunk = 4096  # short steps: bounded memory, and a worker gives up the interpreter's lock often
    for begin in range(0, len(texts), chunk):
        part = texts[begin : begin + chunk]
        codes = np.frombuffer("".join(part).encode("utf-32-le"), dtype=np.uint32)
        width = HIST_BUCKETS + 1
        row = np.repeat(np.arange(0, len(part) * width, width, dtype=np.int32), [len(text) for text in part])
        cells = np.bincount(row + _BUCKET_OF[np.minimum(codes, 128)], minlength=len(part) * width)
        counts = cells.reshape(len(part), width)[:, :HIST_BUCKETS]  # the last column: spaces
        result[begin : begin + len(part)] = np.minimum(counts, 255)
    return result
