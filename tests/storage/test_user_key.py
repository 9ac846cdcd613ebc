"""The user-id hash key: configured, or made once in the data directory and readable by its owner only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.core.privacy import UserHasher
from bot.storage.keys import KEY_FILE, load_user_key


def test_a_key_is_made_once_with_mode_0600_and_reused(tmp_path: Path) -> None:
    first = load_user_key(None, tmp_path / "data")
    path = tmp_path / "data" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32 and load_user_key(None, tmp_path / "data") == first
    assert [p.name for p in path.parent.iterdir()] == [KEY_FILE]


def test_a_readable_key_file_is_made_private(tmp_path: Path) -> None:
    load_user_key(None, tmp_path)
    os.chmod(tmp_path / KEY_FILE, 0o644)
    load_user_key(None, tmp_path)
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600


def test_the_configured_key_wins_and_must_be_long_enough(tmp_path: Path) -> None:
    assert load_user_key("a-configured-key-123", tmp_path) == b"a-configured-key-123"
    assert not (tmp_path / KEY_FILE).exists()
    with pytest.raises(ValueError, match="at least 16"):
        load_user_key("short", tmp_path)


def test_hashes_depend_on_key_platform_and_user() -> None:
    one, other = UserHasher(b"k" * 32), UserHasher(b"j" * 32)
    assert one.hash("discord", "1") == one.hash("discord", "1") != one.hash("slack", "1")
    assert one.hash("discord", "1") != other.hash("discord", "1")
    assert len(one.hash("discord", "1")) == 64 and "1" not in repr(one)
