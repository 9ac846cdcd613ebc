"""A generated question log: what a community of members might have asked over a month.

Answerable questions are the knowledge's own phrasings, reworded a little (case, punctuation, a
dropped word, a typo); the rest ask what the knowledge does not hold, each in a few wordings, some
much more often than others. Every question is answered by the bot itself, so outcomes, scores and
latencies are real; some answers get a vote. The screenshots and the dashboard benchmark use it.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence

from bot.core.ports import FeedbackRecord, QuestionRecord
from bot.core.service import KnowledgeState

#: Questions the shipped knowledge does not answer, each with other wordings members use.
MISSING: tuple[tuple[str, ...], ...] = (
    ("Do Weibo users care about Kosovo?", "do weibo users care abt kosovo", "weibo users kosovo"),
    ("Is Kosovo a pawn between China and the West?", "is kosovo just a pawn for china", "kosovo pawn china west"),
    ("Will China ever recognise Kosovo?", "will china ever recognize kosovo", "could china recognise kosovo one day?"),
    ("Does China invest in Kosovo's mines?", "chinese investment in kosovo mining", "does china own mines in kosovo"),
    ("How many Chinese students study in Kosovo?", "chinese students in kosovo", "how many chinese students are in kosovo"),
    ("Can Kosovo passport holders visit China?", "can kosovars travel to china", "kosovo passport china visa"),
    ("What does Albania think of China's position?", "albania china kosovo position", "albania's view of china on kosovo"),
    ("Did China send peacekeepers to KFOR?", "china kfor peacekeepers", "is china part of kfor"),
    ("Who won the 1998 World Cup?", "who won the world cup in 1998"),
    ("What's the weather in Pristina today?", "weather pristina"),
    ("Does Huawei operate in Kosovo?", "huawei kosovo", "is huawei in kosovo"),
    ("What is Japan's stance on Kosovo?", "japan kosovo recognition", "does japan recognise kosovo"),
)
PLATFORMS = (("discord", "guild-balkans"), ("discord", "guild-students"), ("slack", "T0RESEARCH"), ("console", "console"))


def _reworded(text: str, rng: random.Random) -> str:
    words = text.rstrip("?").split()
    roll = rng.random()
    if roll < 0.3:
        return text.lower()
    if roll < 0.45 and len(words) > 3:
        del words[rng.randrange(1, len(words))]
        return " ".join(words) + "?"
    if roll < 0.55:
        i = rng.randrange(len(words))
        word = words[i]
        if len(word) > 4:
            j = rng.randrange(1, len(word) - 1)
            words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
        return " ".join(words)
    return text


def generate(
    state: KnowledgeState, count: int, *, days: int = 30, seed: int = 11, now: dt.datetime | None = None
) -> tuple[list[QuestionRecord], list[FeedbackRecord]]:
    """``count`` logged questions over the last ``days`` days (answered by ``state``), with votes."""
    rng = random.Random(seed)
    now = now or dt.datetime.now(dt.UTC)
    phrasings = [q for fact in state.kb.visible for q in fact.questions]
    # The most asked facts are asked far more often than the rest (a Zipf-like tail).
    weights = [1.0 / (1 + i) ** 0.8 for i in range(len(phrasings))]
    rng.shuffle(phrasings)
    missing_weights = [1.0 / (1 + i) for i in range(len(MISSING))]
    records: list[QuestionRecord] = []
    feedback: list[FeedbackRecord] = []
    cache: dict[str, tuple[str | None, float, str, float]] = {}
    for n in range(count):
        if rng.random() < 0.78:
            text = _reworded(rng.choices(phrasings, weights)[0], rng)
        else:
            text = rng.choice(rng.choices(MISSING, missing_weights)[0])
        if text not in cache:
            answer = state.answer(text)
            cache[text] = (answer.fact.id if answer.fact else None, answer.score, answer.outcome.value, answer.latency_ms)
        fact_id, score, outcome, latency = cache[text]
        platform, community = rng.choices(PLATFORMS, (5, 2, 3, 1))[0]
        # More questions on recent days, and more in the afternoon (UTC).
        age = days * (1 - rng.random() ** 0.8)
        asked_at = now - dt.timedelta(days=age, minutes=rng.randrange(0, 60))
        record = QuestionRecord(
            id=uuid.uuid4().hex,
            asked_at=asked_at,
            platform=platform,
            community=community,
            channel="general",
            user_hash=f"member-{rng.randrange(400):03d}",
            question=text,
            fact_id=fact_id,
            score=score,
            outcome=outcome,
            latency_ms=latency * rng.uniform(0.8, 1.6),
        )
        records.append(record)
        if fact_id is not None and rng.random() < 0.18:
            helpful = rng.random() < 0.82
            feedback.append(FeedbackRecord(record.id, f"voter-{n}", helpful, asked_at + dt.timedelta(minutes=2)))
    return records, feedback


def spread(records: Sequence[QuestionRecord]) -> int:
    """How many different questions ``records`` hold."""
    return len({r.question for r in records})
