"""Metrics, the health endpoint and logs, as an operator sees them."""

from __future__ import annotations

import io
import json
import logging
import urllib.request
from collections.abc import Iterator

import pytest

from bot.app import create_bot, start_observability
from bot.core.service import AskContext
from bot.observability.logs import MASK, configure_logging, protect_secrets
from bot.settings import Settings

sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.headers["Content-Type"], response.read().decode()


@sqlite_only
async def test_metrics_and_health_endpoint(bot_settings: Settings) -> None:
    bot_settings.metrics.port = 0
    bot = await create_bot(bot_settings)
    server = start_observability(bot_settings, bot)
    assert server is not None
    try:
        await bot.ask("does china recognise kosovo?", AskContext(platform="discord", user="1"))
        await bot.ask("who won the 1998 world cup?", AskContext(platform="slack", user="2"))
        await bot.flush_logs()
        base = f"http://127.0.0.1:{server.port}"

        status, content_type, metrics = _get(base + "/metrics")
        assert status == 200 and content_type.startswith("text/plain")
        assert 'factbot_questions_total{outcome="abstained",platform="slack"} 1.0' in metrics
        assert any(
            line.startswith('factbot_questions_total{outcome="') and 'platform="discord"' in line
            for line in metrics.splitlines()
        )
        assert "factbot_answer_latency_seconds_count 2.0" in metrics
        assert f'factbot_knowledge_facts{{state="visible"}} {float(len(bot.knowledge.visible))}' in metrics
        assert "factbot_database_up 1.0" in metrics
        assert "factbot_database_errors_total" in metrics.replace("# HELP factbot_database_errors_total", "")

        status, content_type, body = _get(base + "/healthz")
        health = json.loads(body)
        assert status == 200 and content_type == "application/json"
        assert health == {
            "status": "ok",
            "facts": len(bot.knowledge.visible),
            "hidden": 0,
            "database": "ok",
            "log_buffered": 0,
            "log_dropped": 0,
        }
    finally:
        server.stop()
        await bot.close()


@sqlite_only
async def test_no_endpoint_unless_a_port_is_configured(bot_settings: Settings) -> None:
    bot = await create_bot(bot_settings, background=False)
    try:
        assert bot_settings.metrics.port is None
        assert start_observability(bot_settings, bot) is None
    finally:
        await bot.close()


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_logs_carry_level_logger_extras_and_traceback(captured_logs: io.StringIO) -> None:
    configure_logging("INFO", "json", stream=captured_logs)
    log = logging.getLogger("bot.test")
    log.info("fact %s added", "kosovo-olympics", extra={"fact_id": "kosovo-olympics"})
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("reload failed")
    log.debug("not shown at INFO")
    first, second = (json.loads(line) for line in captured_logs.getvalue().splitlines())
    assert first["level"] == "INFO" and first["logger"] == "bot.test"
    assert first["message"] == "fact kosovo-olympics added" and first["fact_id"] == "kosovo-olympics"
    assert first["time"].endswith("+00:00")
    assert second["level"] == "ERROR" and "ValueError: boom" in second["exception"]


def test_secrets_never_reach_the_logs(captured_logs: io.StringIO, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    token = "MTIzNDU2Nzg5MDEy.discord-token-value"
    password = "pg-Passw0rd-value"
    monkeypatch.setenv("DISCORD_TOKEN", token)
    monkeypatch.setenv("DATABASE_URL", f"postgresql://factbot:{password}@db:5432/factbot")
    monkeypatch.setenv("FACTBOT_USER_HASH_KEY", "user-hash-key-0123456789")
    settings = Settings(env_file=tmp_path / "none.env")
    assert token not in repr(vars(settings.discord)) and password not in str(settings.database.database_url)

    configure_logging("INFO", "text", stream=captured_logs)
    protect_secrets(settings)
    log = logging.getLogger("bot.test")
    log.warning("connecting with %s", settings.database.database_url.get_secret_value())
    try:
        raise RuntimeError(f"login failed for {token}")
    except RuntimeError:
        log.exception("discord error, password %s", password)
    output = captured_logs.getvalue()
    assert token not in output and password not in output and "user-hash-key-0123456789" not in output
    assert output.count(MASK) >= 3
