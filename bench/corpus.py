"""The benchmark's knowledge base: the shipped knowledge grown with near-duplicate families.

Real knowledge bases hold families of facts that differ by one word: the same question per product,
per country, per version. Here every shipped fact gets copies, each naming one rare word of its own
(``entity00042``) in its title, its phrasings and its answer, until the base holds the number of
phrasings asked for. Two kinds of question are asked, each a phrasing with one perturbation (a typo,
a dropped word or two neighbours swapped, never touching the rare word):

* *named*: a copy's phrasing, naming its rare word; the right fact is that copy;
* *general*: an original phrasing, naming none; the right fact is the original, not one of the
  hundreds of copies that hold all its words and one more.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.knowledge import KnowledgeBase, load_knowledge
from bot.core.knowledge.schema import QUESTION_MAX_CHARS, TITLE_MAX_CHARS, Fact
from bot.settings import DEFAULT_KNOWLEDGE_DIR

FACTS_PER_FILE = 2000


@dataclass
class Corpus:
    kb: KnowledgeBase  # the shipped knowledge (its synonyms are the grown base's)
    facts: list[Fact]  # every fact of the grown base, originals first
    named: list[tuple[str, str]]  # (question, right fact id)
    general: list[tuple[str, str]]

    @property
    def phrasings(self) -> int:
        return sum(len(f.questions) for f in self.facts)

    def family(self, fact_id: str) -> str:
        return fact_id.split("-entity", 1)[0]


def _insert(text: str, word: str, limit: int) -> str:
    core = text.rstrip("?.!")
    grown = f"{core} {word}{text[len(core) :]}"
    return grown if len(grown) <= limit else text


def _perturb(rng: random.Random, question: str, keep: str | None) -> str:
    words = question.split()
    free = [i for i, w in enumerate(words) if keep is None or keep not in w]
    kind = rng.randrange(3)
    if kind == 0:
        long_words = [i for i in free if len(words[i]) >= 4]
        if long_words:
            i = rng.choice(long_words)
            w = words[i]
            p = rng.randrange(1, len(w) - 1)
            words[i] = w[:p] + rng.choice(string.ascii_lowercase.replace(w[p].lower(), "")) + w[p + 1 :]
    elif kind == 1 and len(free) > 1:
        del words[rng.choice(free)]
    elif len(words) > 1:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def make_corpus(phrasings: int, queries: int, seed: int = 7) -> Corpus:
    """The shipped knowledge grown to ``phrasings`` phrasings, and ``queries`` questions of each kind."""
    kb = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    rng = random.Random(seed)
    originals = list(kb.visible)
    facts = list(originals)
    copies: list[tuple[Fact, str]] = []
    total, n = sum(len(f.questions) for f in facts), 0
    while total < phrasings:
        for fact in originals:
            n += 1
            word = f"entity{n:05d}"
            copy = fact.model_copy(
                update={
                    "id": f"{fact.id}-{word}",
                    "title": _insert(fact.title, word, TITLE_MAX_CHARS),
                    "questions": [_insert(q, word, QUESTION_MAX_CHARS) for q in fact.questions],
                    "answer": f"{fact.answer} ({word})",
                    "related": [],
                }
            )
            facts.append(copy)
            copies.append((copy, word))
            total += len(copy.questions)
            if total >= phrasings:
                break
    named: dict[str, str] = {}
    while copies and len(named) < queries:
        copy, word = rng.choice(copies)
        with_word = [q for q in copy.questions if word in q]
        if with_word:
            named.setdefault(_perturb(rng, rng.choice(with_word), word), copy.id)
    general: dict[str, str] = {}
    while len(general) < queries:
        fact = rng.choice(originals)
        general.setdefault(_perturb(rng, rng.choice(fact.questions), None), fact.id)
    return Corpus(kb, facts, list(named.items()), list(general.items()))


def write_knowledge(corpus: Corpus, directory: Path) -> Path:
    """The grown base as knowledge files (and the shipped synonyms), for start-up and reloads."""
    directory.mkdir(parents=True, exist_ok=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for start in range(0, len(corpus.facts), FACTS_PER_FILE):
        chunk = corpus.facts[start : start + FACTS_PER_FILE]
        documents = [f.model_dump(mode="json", exclude_defaults=True) for f in chunk]
        text = yaml.dump({"facts": documents}, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000)
        (directory / f"facts-{start // FACTS_PER_FILE:04d}.yaml").write_text(text, encoding="utf-8")
    synonyms = DEFAULT_KNOWLEDGE_DIR / "synonyms.yaml"
    (directory / "synonyms.yaml").write_text(synonyms.read_text(encoding="utf-8"), encoding="utf-8")
    return directory
