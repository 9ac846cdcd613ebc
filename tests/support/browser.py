"""Debian's Chromium for the dashboard tests, driven by Playwright (never a browser build it downloads).

Finds ``chromium`` on ``PATH``; when it is missing and we run as root (as CI does), installs Debian's
``chromium`` package. The flags keep Chromium from reaching for the network at start, which this
machine's closed network refuses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from support.postgres import IN_CI

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class BrowserUnavailable(RuntimeError):
    """Chromium cannot be found or installed; the message says what to do."""


def find_chromium() -> Path | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def install_chromium() -> Path:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise BrowserUnavailable(
            "Chromium is not installed: install Debian's package with `sudo apt-get install -y chromium` "
            "(make test does it when run as root)"
        )
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]):
        result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BrowserUnavailable(f"`{' '.join(command)}` failed:\n{result.stderr[-2000:]}")
    found = find_chromium()
    if found is None:
        raise BrowserUnavailable("apt-get installed chromium, yet no chromium command is on PATH")
    return found


def chromium() -> Path:
    """The Chromium to drive; raises :class:`BrowserUnavailable`."""
    return find_chromium() or install_chromium()


__all__ = ["CHROMIUM_FLAGS", "IN_CI", "BrowserUnavailable", "chromium"]
