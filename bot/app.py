"""Assembling a running bot from settings: storage, user hashing, metrics, the health endpoint.

Every entry point builds its :class:`~bot.core.service.FactBot` here, so the console, Discord, Slack
and the ``factbot kb`` commands share one configuration path::

    async with running_bot(settings) as bot:      # opens storage, starts /metrics when configured
        answer = await bot.ask("does china recognise kosovo?", AskContext(platform="discord", ...))
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import signal
import threading
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.core.cache import IndexCache
from bot.core.privacy import UserHasher
from bot.core.service import FactBot
from bot.observability.logs import protect_secrets
from bot.settings import Settings, load_settings
from bot.storage import SQLITE_FILE

if TYPE_CHECKING:
    from bot.adapters.dashboard.app import DashboardServer
    from bot.core.semantic.encoder import Encoder
    from bot.core.semantic.runtime import SemanticRuntime
    from bot.observability.server import ObservabilityServer

#: The index cache's directory, in the data directory.
CACHE_DIR = "index-cache"

log = logging.getLogger(__name__)

#: Where a stopping bot keeps the question log entries its database did not take (in FACTBOT_DATA_DIR).
PENDING_LOG_DIR = "pending-log"


def index_cache(settings: Settings) -> IndexCache | None:
    """The index cache in the data directory, unless ``FACTBOT_INDEX_CACHE`` turns it off."""
    if not settings.knowledge.index_cache:
        return None
    return IndexCache(settings.database.factbot_data_dir / CACHE_DIR)


_runtimes: dict[tuple[Path | None, int, int], SemanticRuntime] = {}
_runtimes_lock = threading.Lock()


def semantic_runtime(settings: Settings) -> SemanticRuntime | None:
    """The process's semantic runtime for these settings (one encoder per process, loaded on first
    need); ``None`` when ``FACTBOT_SEMANTIC`` turns the stage off."""
    semantic = settings.semantic
    if not semantic.semantic:
        log.info("semantic matching is off (FACTBOT_SEMANTIC): answers use the lexical index alone")
        return None
    cache_dir = semantic.semantic_cache_dir or settings.database.factbot_data_dir / "embeddings"
    from bot.core.semantic.runtime import SemanticRuntime, host_cores  # imported only where the stage is on

    build_threads = semantic.semantic_build_threads or host_cores()
    key = (cache_dir.expanduser().resolve(), semantic.semantic_threads, build_threads)
    with _runtimes_lock:
        runtime = _runtimes.get(key)
        if runtime is None:
            threads = semantic.semantic_threads

            def load() -> Encoder:
                from bot.adapters.encoders.e5 import load as load_e5

                return load_e5(threads)

            runtime = _runtimes[key] = SemanticRuntime(load, key[0], build_threads)
    return runtime


def build_bot(settings: Settings, *, knowledge_dir: Path | None = None, serving: bool = True) -> FactBot:
    """A FactBot wired to the configured storage; :meth:`FactBot.start` opens it.

    ``serving``: the bot will serve members (not a one-shot command), so configuration that matters
    for a fleet of instances is checked and warned about, and the English word lists are loaded
    before the first question.
    """
    from bot.observability.metrics import Metrics
    from bot.storage.engine import resolve_url
    from bot.storage.keys import load_user_key
    from bot.storage.spool import FileSpool
    from bot.storage.sql import SqlStorage

    protect_secrets(settings)
    db = settings.database
    url_secret = db.database_url.get_secret_value() if db.database_url else None
    url = resolve_url(url_secret, db.factbot_data_dir)
    key_secret = db.factbot_user_hash_key.get_secret_value() if db.factbot_user_hash_key else None
    if serving and url.get_backend_name() == "postgresql" and key_secret is None:
        log.warning(
            "FACTBOT_USER_HASH_KEY is not set: this instance hashes user ids with the key in %s; "
            "set it to the same value on every instance so forget-user finds a member everywhere",
            db.factbot_data_dir,
        )
    metrics = Metrics()
    bot = FactBot(
        knowledge_dir or settings.knowledge.knowledge_dir,
        storage=SqlStorage(url, metrics),
        metrics=metrics,
        hasher=UserHasher(load_user_key(key_secret, db.factbot_data_dir)),
        retention_days=db.factbot_retention_days,
        log_capacity=db.factbot_log_buffer,
        dashboard_url=settings.dashboard.public_url,
        session_lifetime=dt.timedelta(hours=settings.dashboard.session_hours),
        cache=index_cache(settings),
        semantic=semantic_runtime(settings),
        spool=FileSpool(db.factbot_data_dir / PENDING_LOG_DIR),
    )
    if serving:
        # The English word lists (their frequencies come with the index cache) and the typo
        # table, before the first question but without delaying the start.
        threading.Thread(target=bot.warm_up, name="factbot-warm-up", daemon=True).start()
    return bot


async def create_bot(
    settings: Settings | None = None, *, knowledge_dir: Path | None = None, background: bool = True
) -> FactBot:
    """Build and start a FactBot. ``background=False`` (one-shot commands): no log writer, no watcher."""
    bot = build_bot(settings or load_settings(), knowledge_dir=knowledge_dir, serving=background)
    await bot.start(background=background)
    return bot


def reading_bot(knowledge_dir: Path | None = None, settings: Settings | None = None) -> FactBot | None:
    """A bot for a command that only reads the knowledge (``factbot ask``), when there is no database
    to read runtime edits from (no ``DATABASE_URL`` and no SQLite file yet): then the files are the
    knowledge as members see it, no database is created or opened, the storage libraries are not
    even imported and no event loop is needed. ``None`` when there is a database: see
    :func:`command_bot`."""
    settings = settings or load_settings()
    if not _no_database(settings):
        return None
    protect_secrets(settings)
    return FactBot(
        knowledge_dir or settings.knowledge.knowledge_dir,
        cache=index_cache(settings),
        semantic=semantic_runtime(settings),  # its encoder loads only if a question needs it
    )


@contextlib.asynccontextmanager
async def command_bot(knowledge_dir: Path | None = None, *, settings: Settings | None = None) -> AsyncIterator[FactBot]:
    """A started bot for one command (``factbot ask`` with a database, ``factbot kb …``): the
    knowledge as members see it, storage open, no log writer or watcher; closed on exit. (A command
    that only reads the knowledge, without a database, takes :func:`reading_bot` instead.)"""
    settings = settings or load_settings()
    bot = await create_bot(settings, knowledge_dir=knowledge_dir, background=False)
    try:
        yield bot
    finally:
        await bot.close()


def _no_database(settings: Settings) -> bool:
    """Whether no database exists yet, so there are no runtime edits to read."""
    db = settings.database
    return db.database_url is None and not (db.factbot_data_dir / SQLITE_FILE).exists()


def start_observability(settings: Settings, bot: FactBot) -> ObservabilityServer | None:
    """Serve ``/metrics`` and ``/healthz`` when ``FACTBOT_METRICS_PORT`` is set."""
    if settings.metrics.port is None or bot.metrics is None:
        return None
    from bot.observability.server import ObservabilityServer

    return ObservabilityServer(settings.metrics.host, settings.metrics.port, bot.metrics.exposition, bot.health).start()


async def start_dashboard(settings: Settings, bot: FactBot) -> DashboardServer | None:
    """Serve the moderators' dashboard when ``FACTBOT_DASHBOARD_PORT`` is set."""
    if settings.dashboard.port is None:
        return None
    from bot.adapters.dashboard.app import DashboardServer

    return await DashboardServer(bot, settings.dashboard).start()


@contextlib.asynccontextmanager
async def running_bot(
    settings: Settings | None = None, *, knowledge_dir: Path | None = None, dashboard: bool = True
) -> AsyncIterator[FactBot]:
    """A started bot with its health endpoint and, with ``dashboard``, the dashboard (when configured);
    closed (buffered logs written) on exit."""
    settings = settings or load_settings()
    bot = await create_bot(settings, knowledge_dir=knowledge_dir)
    server = None
    web = None
    try:
        server = start_observability(settings, bot)
        web = await start_dashboard(settings, bot) if dashboard else None
        yield bot
    finally:
        if web is not None:
            await web.stop()
        if server is not None:
            server.stop()
        await bot.close()


def run_service(main: Coroutine[Any, Any, int]) -> int:
    """Run ``main`` (a long-running command) until it returns or the process is asked to stop.

    SIGTERM, which ``docker stop``, Kubernetes and systemd send, is handled as Ctrl-C is: the main
    task is cancelled, so every ``async with`` closes what it opened and the bot writes its buffered
    question log (:meth:`FactBot.close`) before the process exits with 0. Without this, SIGTERM ended
    the process on the spot and the buffer was lost. A second SIGTERM while closing is ignored: the
    close is bounded, and the service manager's grace period ends with SIGKILL anyway.
    """
    import asyncio

    with asyncio.Runner() as runner:
        return runner.run(_stop_on_sigterm(main))


async def _stop_on_sigterm(main: Coroutine[Any, Any, int]) -> int:
    import asyncio

    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    received: list[int] = []

    def on_sigterm() -> None:
        if received:
            log.info("SIGTERM again: still closing")
            return
        received.append(signal.SIGTERM)
        log.info("SIGTERM: stopping; buffered questions are written first")
        task.cancel()

    try:
        loop.add_signal_handler(signal.SIGTERM, on_sigterm)
    except (NotImplementedError, RuntimeError, ValueError):  # no signals here (not the main thread)
        return await main
    try:
        return await main
    except asyncio.CancelledError:
        if not received:
            raise
        task.uncancel()
        return 0
    finally:
        loop.remove_signal_handler(signal.SIGTERM)
