"""Fixtures of the core tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """An empty knowledge directory to write files into."""
    directory = tmp_path / "knowledge"
    directory.mkdir()
    return directory
