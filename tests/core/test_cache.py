"""The index cache: a restart on unchanged knowledge loads it; any change, damage or race rebuilds it."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core import service
from bot.core.cache import IndexCache, knowledge_key
from bot.core.service import load_state
from bot.settings import DEFAULT_KNOWLEDGE_DIR


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    directory = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, directory)
    return directory


@pytest.fixture
def cache(tmp_path: Path) -> IndexCache:
    return IndexCache(tmp_path / "data" / "index-cache")


def _unreadable_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, reading knowledge files fails: only the cache can answer."""

    def refuse(directory: Path) -> None:
        raise AssertionError(f"the knowledge files were read again ({directory})")

    monkeypatch.setattr(service, "load_knowledge", refuse)


def test_a_restart_on_unchanged_knowledge_loads_the_cache(
    knowledge: Path, cache: IndexCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = load_state(knowledge, cache)
    _unreadable_files(monkeypatch)
    loaded = load_state(knowledge, cache)
    assert (
        loaded.answer("intrepol kosovo").fact.id
        == built.answer("intrepol kosovo").fact.id
        == "unesco-interpol-blocking"
    )
    assert loaded.answer("intrepol kosovo").score == built.answer("intrepol kosovo").score


def test_a_loaded_index_builds_its_typo_table_for_the_first_word_to_correct(
    knowledge: Path, cache: IndexCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.core.matching import index

    load_state(knowledge, cache)
    built: list[object] = []
    table = index.DeletionTable
    monkeypatch.setattr(index, "DeletionTable", lambda words: built.append(words) or table(words))
    loaded = load_state(knowledge, cache)
    assert loaded.answer("does china recognise kosovo").fact.id == "non-recognition-sovereignty"
    assert built == []  # no word to correct: no table
    assert loaded.answer("intrepol kosovo").fact.id == "unesco-interpol-blocking"
    assert loaded.answer("geng shaung").fact.id == "geng-shuang-tolerance-reconciliation"
    assert len(built) == 1  # built once, for the first typo
    again = load_state(knowledge, cache)
    again.index.prepare()  # a serving bot's warm-up builds it before the first question
    assert len(built) == 2 and again.answer("intrepol kosovo").fact.id == "unesco-interpol-blocking"
    assert len(built) == 2


def test_a_changed_knowledge_file_is_indexed_again(knowledge: Path, cache: IndexCache) -> None:
    load_state(knowledge, cache)
    before = knowledge_key(knowledge)
    path = knowledge / "official-stance.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("What is China's stance on Kosovo?", "Is snooker big in Kosovo?")
    )
    assert knowledge_key(knowledge) != before
    state = load_state(knowledge, cache)
    assert state.answer("is snooker big in kosovo").fact.id == "china-stance-on-kosovo"
    synonyms = knowledge / "synonyms.yaml"
    synonyms.write_text(synonyms.read_text(encoding="utf-8") + "  - [snooker, billiards]\n", encoding="utf-8")
    assert knowledge_key(knowledge) not in {before, None}


def test_a_cache_of_another_key_is_stale(knowledge: Path, cache: IndexCache, caplog: pytest.LogCaptureFixture) -> None:
    state = load_state(knowledge, cache)
    key = knowledge_key(knowledge)
    other = "0" * 32 + key[32:]  # same file name, other key inside
    shutil.copy(cache.path(key), cache.path(other))
    with caplog.at_level(logging.WARNING):
        assert cache.load(other) is None
    assert "unusable" in caplog.text and "other knowledge" in caplog.text
    assert cache.load(key).kb.by_id.keys() == state.kb.by_id.keys()


def test_a_corrupt_cache_file_is_rebuilt_with_a_warning(
    knowledge: Path, cache: IndexCache, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_state(knowledge, cache)
    path = cache.path(knowledge_key(knowledge))
    for damage in (b"", b"not a pickle at all", path.read_bytes()[: path.stat().st_size // 2]):
        path.write_bytes(damage)
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            state = load_state(knowledge, cache)
        assert state.answer("interpol").fact.id == "unesco-interpol-blocking"
        assert "rebuilding it" in caplog.text, damage[:20]
    _unreadable_files(monkeypatch)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert load_state(knowledge, cache).answer("interpol").fact.id == "unesco-interpol-blocking"
    assert not caplog.text  # rewritten whole


def test_an_unwritable_cache_directory_only_warns(
    knowledge: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    with caplog.at_level(logging.WARNING):
        state = load_state(knowledge, IndexCache(blocker / "index-cache"))
    assert state.answer("interpol").fact is not None
    assert "index cache not written" in caplog.text


_WRITER = """
import sys
from pathlib import Path
from bot.core.cache import IndexCache, knowledge_key
from bot.core.service import load_state
knowledge, cache = Path(sys.argv[1]), IndexCache(Path(sys.argv[2]))
state, key = load_state(knowledge), knowledge_key(knowledge)
for _ in range(int(sys.argv[3])):
    cache.store(key, state)
"""


@pytest.mark.timeout(120)
def test_two_writers_never_leave_a_torn_file(knowledge: Path, cache: IndexCache) -> None:
    key = knowledge_key(knowledge)
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(knowledge), str(cache.directory), "15"]) for _ in range(2)
    ]
    reads = 0
    while any(w.poll() is None for w in writers):
        if cache.path(key).exists():
            state = cache.load(key)  # a torn file would fail to unpickle and return None
            assert state is not None
            reads += 1
    assert all(w.returncode == 0 for w in writers)
    assert reads > 0
    assert [p.name for p in cache.directory.iterdir()] == [cache.path(key).name]  # no temporary file left


_ANSWERS = """
import json, sys
from pathlib import Path
from bot.core.cache import IndexCache
from bot.core.service import load_state
cache = IndexCache(Path(sys.argv[2])) if sys.argv[2] != "-" else None
state = load_state(Path(sys.argv[1]), cache)
questions = ["intrepol kosovo", "unseco", "geng shaung", "agressive china kosovo", "chna serbia"]
print(json.dumps([(a.fact.id if a.fact else None, a.score) for a in map(state.answer, questions)]))
"""


def _answers(knowledge: Path, cache: str, seed: str) -> list:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    result = subprocess.run(
        [sys.executable, "-c", _ANSWERS, str(knowledge), cache], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_cache_written_under_one_string_hash_answers_alike_under_another(knowledge: Path, cache: IndexCache) -> None:
    # Typo correction looks words up by their string hash, which Python salts per process.
    fresh = _answers(knowledge, "-", "1")
    assert _answers(knowledge, str(cache.directory), "1") == fresh  # writes the cache
    assert any(cache.directory.iterdir())
    assert _answers(knowledge, str(cache.directory), "2") == fresh  # reads it in another process


def test_the_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from bot.app import index_cache
    from bot.settings import load_settings

    monkeypatch.setenv("FACTBOT_DATA_DIR", str(tmp_path))
    assert index_cache(load_settings()).directory == tmp_path / "index-cache"
    monkeypatch.setenv("FACTBOT_INDEX_CACHE", "false")
    assert index_cache(load_settings()) is None


def test_the_versions_in_the_key_are_those_of_the_installed_distributions() -> None:
    from importlib import metadata

    from bot.core.cache import _version

    distributions = list(metadata.distributions())
    assert len(distributions) > 10
    for dist in distributions:
        assert _version(dist) == dist.version, dist.metadata["Name"]
