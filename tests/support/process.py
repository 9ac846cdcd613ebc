"""``factbot`` as a separate process, the way operators meet it: its exit status and everything it printed."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

#: Settings a test must not inherit from the machine running it.
_OURS = ("SLACK_", "DISCORD_", "FACTBOT_", "DATABASE_URL", "POSTGRES_")


@dataclasses.dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        """The non-empty lines of standard error."""
        return [line for line in self.stderr.splitlines() if line.strip()]


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The process environment: the machine's, less every factbot setting, plus ``settings``."""
    if (PROJECT_ROOT / ".env").exists():
        pytest.skip("the checkout's .env would configure the factbot under test")
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    env["FACTBOT_DATA_DIR"] = str(tmp_path / "data")
    if "FACTBOT_SEMANTIC_CACHE_DIR" in os.environ:  # the suite's warm embeddings (see conftest)
        env["FACTBOT_SEMANTIC_CACHE_DIR"] = os.environ["FACTBOT_SEMANTIC_CACHE_DIR"]
    env.update(settings)
    return env


async def run_factbot(*args: str, env: dict[str, str], cwd: Path, timeout: float = 45.0) -> Finished:
    """Run ``python -m bot ARGS`` to its end (stdin empty); a process still running after ``timeout`` fails the test."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env, cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        stdout, stderr = await process.communicate()
        pytest.fail(f"factbot {' '.join(args)} still ran after {timeout:.0f} s; it printed:\n{stderr.decode()}")
    assert process.returncode is not None
    return Finished(process.returncode, stdout.decode(), stderr.decode())


def assert_one_plain_line(result: Finished, *words: str) -> str:
    """A misconfiguration: a non-zero exit and one line on standard error, naming ``words``, no traceback."""
    assert result.returncode != 0, result
    assert len(result.lines) == 1, result.stderr
    [line] = result.lines
    assert "Traceback" not in result.stderr and len(line) < 400, result.stderr
    for word in words:
        assert word in line, (word, line)
    return line
