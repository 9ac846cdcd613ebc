"""The Docker deployment as data: the Dockerfile, docker-compose.yml and .env.example."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.observability.server import ObservabilityServer
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, arguments = line.partition(" ")
            result.append((instruction.upper(), arguments.strip()))
    return result


def _final_stage() -> list[tuple[str, str]]:
    instructions = _dockerfile()
    last_from = max(i for i, (name, _) in enumerate(instructions) if name == "FROM")
    return instructions[last_from:]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _env_of(stage: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for name, arguments in stage:
        if name == "ENV":
            env.update(dict(re.findall(r"(\w+)=(\S+)", arguments)))
    return env


def test_image_is_slim_python_and_runs_as_a_non_root_user() -> None:
    stage = _final_stage()
    assert re.fullmatch(r"python:3\.1[1-9]-slim(-\w+)?", stage[0][1])
    users = [arguments for name, arguments in stage if name == "USER"]
    assert users, "the image must switch to an unprivileged user"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    assert any(name == "RUN" and "useradd" in arguments and user in arguments for name, arguments in stage)
    assert ("ENTRYPOINT", '["factbot"]') in stage and ("CMD", '["run", "--platforms-only"]') in stage
    env = _env_of(stage)
    assert env["FACTBOT_DATA_DIR"] == "/data" and ("VOLUME", '["/data"]') in stage
    for name, arguments in _dockerfile():
        if name == "COPY" and "--from" not in arguments:
            for source in arguments.split()[:-1]:
                assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"


def test_image_health_check_probes_the_health_endpoint() -> None:
    stage = _final_stage()
    (check,) = [arguments for name, arguments in stage if name == "HEALTHCHECK"]
    options, _, command = check.partition("CMD ")
    assert "--interval=" in options and "--timeout=" in options
    argv = json.loads(command)
    env = _env_of(stage)
    assert env["FACTBOT_METRICS_HOST"] == "0.0.0.0" and env["FACTBOT_METRICS_PORT"] == "9100"

    healthy = {"status": "ok"}
    server = ObservabilityServer("127.0.0.1", 0, lambda: b"", lambda: healthy).start()
    try:
        probe = {**os.environ, "FACTBOT_METRICS_PORT": str(server.port)}
        assert subprocess.run([sys.executable, *argv[1:]], env=probe, timeout=30).returncode == 0
    finally:
        server.stop()
    assert subprocess.run([sys.executable, *argv[1:]], env=probe, timeout=30, capture_output=True).returncode != 0


def test_compose_runs_the_bot_and_postgres_with_health_checks_volumes_and_restarts() -> None:
    compose = _compose()
    services = compose["services"]
    assert set(services) == {"bot", "db"}
    db, bot = services["db"], services["bot"]

    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert "pgdata:/var/lib/postgresql/data" in db["volumes"]
    assert "${POSTGRES_PASSWORD:?" in db["environment"]["POSTGRES_PASSWORD"]

    assert bot["build"] == "."
    assert bot["env_file"] == ".env"
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert (
        bot["environment"]["DATABASE_URL"].startswith("postgresql://")
        and "@db:5432/" in bot["environment"]["DATABASE_URL"]
    )
    assert any(v.startswith("factbot-data:/data") for v in bot["volumes"])
    port = bot["environment"]["FACTBOT_METRICS_PORT"]
    assert f"127.0.0.1:{port}/healthz" in " ".join(bot["healthcheck"]["test"])
    assert any(p.endswith(f":{port}") and p.startswith("127.0.0.1:") for p in bot["ports"])

    for service in (db, bot):
        assert service["restart"] in {"unless-stopped", "always"}
        assert {"interval", "timeout", "retries"} <= set(service["healthcheck"])
    assert set(compose["volumes"]) == {"pgdata", "factbot-data"}


def _seconds(duration: str) -> float:
    """A Compose duration such as ``30s``, ``1m30s`` or ``90``."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)?", duration)
    return sum(float(number) * units[unit or "s"] for number, unit in parts)


def test_stopping_the_container_leaves_time_to_write_the_question_log() -> None:
    from bot.core.moderation import CLOSE_TIMEOUT
    from bot.core.tasks import STOP_TIMEOUT

    assert ("STOPSIGNAL", "SIGTERM") in _final_stage()
    # Closing: background tasks (at most STOP_TIMEOUT), then the log writer's last write and the flush
    # of what is buffered (at most CLOSE_TIMEOUT), then the platform connections; Docker sends SIGKILL
    # when the grace period is over.
    needed = STOP_TIMEOUT + CLOSE_TIMEOUT + 5
    assert _seconds(_compose()["services"]["bot"]["stop_grace_period"]) >= needed


def test_compose_health_check_command_works() -> None:
    argv = _compose()["services"]["bot"]["healthcheck"]["test"]
    assert argv[:3] == ["CMD", "python", "-c"]
    server = ObservabilityServer("127.0.0.1", 0, lambda: b"", lambda: {"status": "ok"}).start()
    try:
        code = argv[3].replace("127.0.0.1:9100", f"127.0.0.1:{server.port}")
        assert subprocess.run([sys.executable, "-c", code], timeout=30).returncode == 0
    finally:
        server.stop()


def _setting_names() -> list[str]:
    settings = Settings(env_file=Path("/nonexistent"))
    names = []
    for section in vars(settings).values():
        prefix = type(section).model_config.get("env_prefix", "")
        names.extend((prefix + field).upper() for field in type(section).model_fields)
    return names


def test_env_example_documents_every_setting() -> None:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
    missing = sorted(set(_setting_names()) - documented)
    assert not missing, f".env.example does not document: {', '.join(missing)}"
    compose_variables = set(re.findall(r"\$\{(\w+)", (ROOT / "docker-compose.yml").read_text()))
    assert compose_variables <= documented


@pytest.mark.parametrize(
    "name",
    [
        "DISCORD_TOKEN",
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "FACTBOT_USER_HASH_KEY",
        "DATABASE_URL",
    ],
)
def test_env_example_holds_no_secret_values(name: str) -> None:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    (line,) = [line for line in text.splitlines() if re.match(rf"^#? ?{name}=", line)]
    assert line.split("=", 1)[1] == ""


def test_docker_context_leaves_out_local_state_and_secrets() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".git", ".venv", "data/"} <= set(ignored)


# -- what docker compose does with the files as shipped ---------------------------------------------


def _interpolate(value: str, env: dict[str, str | None]) -> str:
    """Compose's ``${VAR}``, ``${VAR:-default}`` and ``${VAR:?message}``; a fired guard raises ``LookupError``."""

    def substitute(match: re.Match[str]) -> str:
        name, operator, word = match.group(1), match.group(2), match.group(3) or ""
        current = env.get(name)
        if operator == ":?" and not current:
            raise LookupError(f"{name}: {word}")
        if operator == ":-" and not current:
            return word
        return current or ""

    return re.sub(r"\$\{(\w+)(?:(:[-?])([^}]*))?\}", substitute, value)


def _shipped_env() -> dict[str, str | None]:
    """The variables Compose reads from ``.env`` when it is ``.env.example`` copied as it is."""
    from dotenv import dotenv_values

    return dict(dotenv_values(ROOT / ".env.example"))


def test_compose_refuses_to_start_with_the_example_password() -> None:
    env = _shipped_env()
    assert not env.get("POSTGRES_PASSWORD"), "a usable password ships in .env.example"
    db = _compose()["services"]["db"]
    with pytest.raises(LookupError, match="POSTGRES_PASSWORD"):
        _interpolate(db["environment"]["POSTGRES_PASSWORD"], env)
    with pytest.raises(LookupError, match="POSTGRES_PASSWORD"):
        _interpolate(_compose()["services"]["bot"]["environment"]["DATABASE_URL"], env)
    filled = {**env, "POSTGRES_PASSWORD": "a-real-one"}
    assert _interpolate(db["environment"]["POSTGRES_PASSWORD"], filled) == "a-real-one"


def test_no_port_is_published_on_every_interface_by_default() -> None:
    env = {k: v for k, v in _shipped_env().items() if k != "POSTGRES_PASSWORD"}
    for service in _compose()["services"].values():
        for mapping in service.get("ports", []):
            published = _interpolate(mapping, env)
            assert published.startswith("127.0.0.1:"), f"{mapping} is published on all interfaces: {published}"
    slack = next(p for p in _compose()["services"]["bot"]["ports"] if p.endswith(":3000"))
    assert _interpolate(slack, {"FACTBOT_SLACK_PUBLISH_ADDRESS": "0.0.0.0"}) == "0.0.0.0:3000:3000"


def test_the_bot_image_is_built_from_the_checkout_never_pulled() -> None:
    bot = _compose()["services"]["bot"]
    assert bot["build"] == "." and bot["pull_policy"] == "build"
    assert "image" not in bot  # with both, Compose would first try to pull an image of that name


def _docs() -> dict[str, str]:
    return {name: (ROOT / name).read_text(encoding="utf-8") for name in ("README.md", "docs/deployment.md")}


def test_the_docs_agree_on_how_to_start_and_upgrade() -> None:
    for name, text in _docs().items():
        starts = re.findall(r"docker compose up[^`\n]*", text)
        assert starts, name
        assert all("--build" in start for start in starts), (name, starts)
    compose_comment = (ROOT / "docker-compose.yml").read_text(encoding="utf-8").splitlines()[0]
    assert "docker compose up -d --build" in compose_comment


def test_the_docs_name_where_the_commands_are_published() -> None:
    readme = _docs()["README.md"]
    syncs = re.findall(r"factbot discord sync[^`\n]*", readme)
    assert any("--global" in sync for sync in syncs) and any("--guild" in sync for sync in syncs)
    assert "factbot discord sync --global" in _docs()["docs/deployment.md"]


def test_the_docs_say_what_the_console_logs_and_under_which_user() -> None:
    for text in _docs().values():
        flat = " ".join(text.split())
        assert "factbot kb forget-user console console" in flat
        assert re.search(r"factbot ask`? logs nothing|not logged", flat)
