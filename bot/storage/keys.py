"""The key of the user-id hash: ``FACTBOT_USER_HASH_KEY``, else a random key kept in the data directory."""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

log = logging.getLogger(__name__)

KEY_FILE = "user-hash.key"
MIN_KEY_LENGTH = 16


def load_user_key(configured: str | None, data_dir: Path) -> bytes:
    """The configured key, or the one in ``data_dir`` (created once, readable by its owner only)."""
    if configured:
        if len(configured) < MIN_KEY_LENGTH:
            raise ValueError(f"FACTBOT_USER_HASH_KEY must be at least {MIN_KEY_LENGTH} characters long")
        return configured.encode()
    path = data_dir / KEY_FILE
    try:
        key = path.read_bytes().strip()
    except FileNotFoundError:
        key = _create(path)
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        log.warning("%s was readable by other users; its permissions are now 0600", path)
        path.chmod(0o600)
    if len(key) < MIN_KEY_LENGTH:
        raise ValueError(f"{path} holds a key shorter than {MIN_KEY_LENGTH} characters; delete it to make a new one")
    return key


def _create(path: Path) -> bytes:
    """Write a new random key; when another process wins the race, use its key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(key + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return path.read_bytes().strip()
    finally:
        temporary.unlink(missing_ok=True)
    log.info("created a new user hash key in %s", path)
    return key
