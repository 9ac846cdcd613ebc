"""The keyed hash that stands for a member in the question log.

Platform user ids are never stored: the log keeps ``HMAC-SHA256(key, "platform:user")``, which
links one member's questions and feedback (for ``forget-user``) without revealing who asked.
"""

from __future__ import annotations

import hashlib
import hmac


class UserHasher:
    """Hashes platform user ids with a secret key (see ``FACTBOT_USER_HASH_KEY``)."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the user hash key must be at least 16 bytes")
        self._key = key

    def __repr__(self) -> str:
        return "UserHasher(key=**********)"

    def hash(self, platform: str, user: str | None) -> str:
        """A 64-character hex digest; the same member on the same platform always gets the same one."""
        message = f"{platform}:{user or ''}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()
