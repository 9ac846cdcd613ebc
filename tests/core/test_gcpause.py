"""The cycle collector pauses while long-lived knowledge is built, and comes back as it was."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core import gcpause
from bot.core.cache import IndexCache
from bot.core.knowledge import load_knowledge
from bot.core.service import load_state
from bot.settings import DEFAULT_KNOWLEDGE_DIR


@pytest.fixture(autouse=True)
def _collector_as_found() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()  # what a test froze is walked again, as in any other test
    if enabled:
        gc.enable()


def test_the_collector_is_off_inside_and_back_on_after() -> None:
    gc.enable()
    with gcpause.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_pauses_nest_and_the_outermost_one_ends_them() -> None:
    gc.enable()
    with gcpause.paused():
        with gcpause.paused():
            pass
        assert not gc.isenabled()  # the inner block's end does not turn the collector back on
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with gcpause.paused():
        pass
    assert not gc.isenabled()


def test_the_collector_comes_back_when_the_block_fails() -> None:
    gc.enable()
    with pytest.raises(ValueError, match="broken"), gcpause.paused():
        raise ValueError("broken")
    assert gc.isenabled()


def test_only_a_pause_that_asks_freezes_what_was_built() -> None:
    gc.enable()
    gc.unfreeze()
    with gcpause.paused():
        built = [[n] for n in range(1000)]
    assert gc.get_freeze_count() == 0
    with gcpause.paused(freeze=True):
        built = [[n] for n in range(1000)]
    assert gc.get_freeze_count() >= len(built)


def test_a_pause_in_another_thread_is_shared() -> None:
    gc.enable()
    inside, release = threading.Event(), threading.Event()

    def build() -> None:
        with gcpause.paused():
            inside.set()
            release.wait(10)

    worker = threading.Thread(target=build)
    worker.start()
    assert inside.wait(10)
    with gcpause.paused():
        pass
    assert not gc.isenabled()  # the worker is still building
    release.set()
    worker.join(10)
    assert gc.isenabled()


def test_reading_knowledge_and_its_cache_leaves_the_collector_on_and_the_result_frozen(tmp_path: Path) -> None:
    gc.enable()
    gc.unfreeze()
    kb = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    assert gc.isenabled() and gc.get_freeze_count() > 0
    cache = IndexCache(tmp_path / "index-cache")
    built = load_state(DEFAULT_KNOWLEDGE_DIR, cache)  # read and indexed, then cached
    gc.unfreeze()
    loaded = load_state(DEFAULT_KNOWLEDGE_DIR, cache)  # from the cache
    assert gc.isenabled() and gc.get_freeze_count() > 0
    assert not any(obj is loaded.kb.facts for obj in gc.get_objects())  # out of the collector's sight
    for question in ("does china recognise kosovo", "intrepol kosovo"):
        answer, again = built.answer(question), loaded.answer(question)
        assert answer.fact is not None and again.fact is not None
        assert (again.fact.id, again.score) == (answer.fact.id, answer.score)
    assert len(loaded.kb.facts) == len(kb.facts)
