"""A knowledge directory the bot cannot write, as the shipped Compose file mounts it."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True, check=False).returncode == 0


@contextlib.contextmanager
def read_only(directory: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``directory`` read-only: a read-only bind mount of itself when this process may mount (root,
    as in CI), which even root cannot write; otherwise every write into it fails with EROFS, as on
    that mount (simulated where the bot writes knowledge files). Yields which of the two it is."""
    if os.geteuid() == 0 and _mount("--bind", str(directory), str(directory)):
        try:
            if _mount("-o", "remount,ro,bind", str(directory)):
                yield "read-only bind mount"
                return
        finally:
            subprocess.run(["umount", "-l", str(directory)], capture_output=True, check=False)
    from bot.core import moderation

    real = moderation.write_files

    def refuse(target: Path, files: object) -> list[Path]:
        if Path(target).resolve() == directory.resolve():
            raise OSError(errno.EROFS, "Read-only file system", str(directory))
        return real(target, files)

    monkeypatch.setattr(moderation, "write_files", refuse)
    yield "simulated"
