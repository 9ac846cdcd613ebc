"""A database setting that cannot work stops ``factbot`` with one plain line, not a traceback.

Real processes against the session's PostgreSQL, whose test role must give its password.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingError
from bot.storage.engine import resolve_url
from support.postgres import PostgresServer
from support.process import assert_one_plain_line, environment, run_factbot

PASSWORD = "right-password-0"


@pytest.fixture
def password_url(postgres_server: PostgresServer) -> str:
    """postgresql://factbot_pw@…/db: add a password to connect."""
    return postgres_server.password_user("factbot_pw", PASSWORD)


def _with_password(url: str, password: str) -> str:
    return url.replace("factbot_pw@", f"factbot_pw:{password}@", 1)


@pytest.mark.postgres
@pytest.mark.parametrize("command", [["kb", "stats"], ["run", "--platforms-only"]])
async def test_a_wrong_database_password_is_one_line(password_url: str, tmp_path: Path, command: list[str]) -> None:
    env = environment(
        tmp_path,
        DATABASE_URL=_with_password(password_url, "wrong-password"),
        FACTBOT_USER_HASH_KEY="a-shared-key-of-the-fleet",
        # The database is opened before any platform connects: this address is never called.
        DISCORD_TOKEN="never-used",
        FACTBOT_DISCORD_API_BASE="http://127.0.0.1:9/api/v10",
    )
    result = await run_factbot(*command, env=env, cwd=tmp_path)
    line = assert_one_plain_line(result, "DATABASE_URL", "password")
    assert result.returncode == 2
    assert "wrong-password" not in result.stderr and line.startswith("factbot: ")


@pytest.mark.postgres
async def test_the_traceback_is_there_at_debug(password_url: str, tmp_path: Path) -> None:
    env = environment(tmp_path, DATABASE_URL=_with_password(password_url, "wrong-password"))
    result = await run_factbot("--log-level", "DEBUG", "kb", "stats", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" in result.stderr and "InvalidPasswordError" in result.stderr
    assert "wrong-password" not in result.stderr


@pytest.mark.postgres
async def test_the_right_password_works(password_url: str, tmp_path: Path) -> None:
    env = environment(tmp_path, DATABASE_URL=_with_password(password_url, PASSWORD))
    result = await run_factbot("kb", "stats", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Questions: 0" in result.stdout


@pytest.mark.postgres
async def test_a_database_that_does_not_exist_is_one_line(password_url: str, tmp_path: Path) -> None:
    url = _with_password(password_url, PASSWORD).rsplit("/", 1)[0] + "/no_such_database"
    result = await run_factbot("kb", "stats", env=environment(tmp_path, DATABASE_URL=url), cwd=tmp_path)
    assert_one_plain_line(result, "DATABASE_URL", "does not exist")


async def test_a_malformed_database_url_is_one_line(tmp_path: Path) -> None:
    env = environment(tmp_path, DATABASE_URL="postgresql://factbot:secret-pw@db:notaport/factbot")
    result = await run_factbot("kb", "stats", env=env, cwd=tmp_path)
    assert_one_plain_line(result, "DATABASE_URL", "is not a database URL")
    assert "secret" not in result.stderr and result.returncode == 2


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql://factbot:secret-pw@db:notaport/factbot", "is not a database URL"),
        ("::::", "is not a database URL"),
        ("mysql://factbot:secret-pw@db/factbot", "unsupported database 'mysql'"),
        ("postgresql://factbot:secret@pw@db/factbot", "percent-encode it as %40"),
        ("postgresql://factbot:secret-pw@/factbot", "names no host"),
        ("postgresql://factbot:secret-pw@db:70000/factbot", "not between 1 and 65535"),
    ],
)
def test_what_is_wrong_with_a_database_url(tmp_path: Path, url: str, says: str) -> None:
    with pytest.raises(SettingError, match="DATABASE_URL") as raised:
        resolve_url(url, tmp_path)
    assert says in str(raised.value) and "secret" not in str(raised.value)
