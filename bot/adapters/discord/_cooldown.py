"""Per-key cooldowns (members asking, auto-answer channels), held by the bot instance."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable

#: Above this many tracked keys, expired entries are dropped.
_PRUNE_AT = 10_000


class Cooldowns:
    """One use per ``per`` seconds for each key; ``per == 0`` disables the cooldown."""

    def __init__(self, per: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.per = per
        self._clock = clock
        self._last: dict[Hashable, float] = {}

    def peek(self, key: Hashable) -> float:
        """Seconds until ``key`` may be used again (0 when it may be used now), without using it."""
        last = self._last.get(key)
        if last is None or self.per <= 0:
            return 0.0
        return max(0.0, self.per - (self._clock() - last))

    def hit(self, key: Hashable) -> float:
        """Use ``key``: 0 when allowed (and recorded), else the seconds to wait (nothing recorded)."""
        wait = self.peek(key)
        if wait > 0:
            return wait
        if self.per > 0:
            now = self._clock()
            if len(self._last) >= _PRUNE_AT:
                self._last = {k: t for k, t in self._last.items() if now - t < self.per}
            self._last[key] = now
        return 0.0
