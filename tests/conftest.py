"""Fixtures shared by the whole suite.

Storage tests run against SQLite and a real PostgreSQL: ``database_url`` is parametrized over both,
and the PostgreSQL one comes from a throwaway server the session starts itself (see
``support/postgres.py``). Outside CI a machine that cannot run PostgreSQL skips those tests with the
reason; in CI (``CI=true``) that is a failure, never a pass.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.observability.logs import QUIET_LIBRARY_LOGGERS, STATUS_LOGGER
from bot.settings import DEFAULT_KNOWLEDGE_DIR, Settings
from support.postgres import IN_CI, PostgresServer, server_for_tests

if TYPE_CHECKING:
    from bot.core.semantic.runtime import SemanticRuntime
    from bot.core.service import KnowledgeState


def pytest_configure(config: pytest.Config) -> None:
    """Every bot the suite builds shares one embedding cache (kept between runs in pytest's cache
    directory), and within the process one encoder: the shipped base is embedded once, not per test."""
    cache = getattr(config, "cache", None)
    directory = cache.mkdir("factbot-embeddings") if cache is not None else Path(tempfile.mkdtemp())
    os.environ.setdefault("FACTBOT_SEMANTIC_CACHE_DIR", str(directory))


@pytest.fixture(scope="session")
def semantic_runtime() -> SemanticRuntime:
    """The suite's semantic runtime: the one the bots built from settings use too."""
    from bot.app import semantic_runtime as runtime_for

    runtime = runtime_for(Settings(env_file=Path(os.devnull)))
    if runtime is None or runtime.encoder() is None:
        reason = "semantic matching is off" if runtime is None else runtime.failed
        if IN_CI:
            pytest.fail(f"CI needs the semantic tests, but the encoder is unavailable: {reason}", pytrace=False)
        pytest.skip(f"encoder unavailable: {reason}")
    return runtime


def _embed_the_shipped_base() -> None:
    """Fill the shared embedding cache with the shipped base; nothing where no encoder can run."""
    from bot.app import semantic_runtime as runtime_for
    from bot.core.service import load_state

    runtime = runtime_for(Settings(env_file=Path(os.devnull)))
    if runtime is not None and runtime.encoder() is not None:
        load_state(DEFAULT_KNOWLEDGE_DIR, semantic=runtime).prepare()


#: Fixtures that need the shipped base embedded.
_EMBEDDING_FIXTURES = frozenset({"semantic_state", "warm_embeddings"})


def pytest_collection_finish(session: pytest.Session) -> None:
    """Embed the shipped base once before the first test that needs it, outside every test's time
    limit: on a cold cache (a fresh clone, new phrasings) that costs tens of seconds on a busy
    machine, which is no test's own time."""
    if any(_EMBEDDING_FIXTURES & set(getattr(item, "fixturenames", ())) for item in session.items):
        _embed_the_shipped_base()


@pytest.fixture(scope="session")
def warm_embeddings() -> None:
    """The shared embedding cache holds the shipped base (a subprocess then starts warm); does
    nothing where no encoder can run."""
    _embed_the_shipped_base()


@pytest.fixture(scope="session")
def semantic_state(semantic_runtime: SemanticRuntime) -> KnowledgeState:
    """The shipped knowledge base with the semantic stage ready (its phrasings embedded once)."""
    from bot.core.service import load_state

    state = load_state(DEFAULT_KNOWLEDGE_DIR, semantic=semantic_runtime)
    state.prepare()
    return state


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        metavar="DIR",
        help="take the dashboard's screenshots (docs) into DIR (tests/dashboard/test_dashboard_screenshots.py)",
    )


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """``bot.cli.main`` installs factbot's log handler on the test's stderr: put logging back after each test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in (*QUIET_LIBRARY_LOGGERS, STATUS_LOGGER)}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, saved in levels.items():
        logging.getLogger(name).setLevel(saved)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    with server_for_tests() as server:
        yield server


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, or a new database on the throwaway PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'factbot.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.empty_database()


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped knowledge directory (tests may edit or export into it)."""
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, target)
    return target


@pytest.fixture
def bot_settings(tmp_path: Path, database_url: str, knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings of a bot on ``database_url`` and ``knowledge_copy``, ignoring any ``.env`` of the checkout."""
    for name in (
        "DATABASE_URL",
        "FACTBOT_USER_HASH_KEY",
        "FACTBOT_METRICS_PORT",
        "FACTBOT_DASHBOARD_PORT",
        "FACTBOT_DASHBOARD_HOST",
        "FACTBOT_DASHBOARD_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FACTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FACTBOT_KNOWLEDGE_DIR", str(knowledge_copy))
    return Settings(env_file=tmp_path / "no.env")
