"""Keep Python's cyclic garbage collector off a large, long-lived, acyclic structure.

Reading a knowledge base (YAML into facts), unpickling a cached index or building one creates
hundreds of thousands of objects that all survive. The cyclic collector runs every few hundred
allocations and, as the heap grows, walks everything built so far again: about two thirds of the
time of unpickling a 100k-phrasing index, and as much of reading its YAML files; and each of its
full passes stops every thread, answering ones included. Nothing built there is cyclic garbage (a
knowledge state is freed by reference counting alone when a reload replaces it), so the collector
is paused while it is built. ``freeze``: what was built is then frozen (:func:`gc.freeze`), so
later full passes (a fifth of a second at 100k phrasings, in the middle of answering) skip it.
Frozen objects are still freed by reference counting; only cyclic garbage that exists when the
heap is frozen is never collected.

The pause is process-wide (the collector is), so it nests and is shared by threads: when the last
pause ends the heap is frozen if any of them asked, and the collector runs again if it was
enabled before the first.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = False
_freeze = False


@contextlib.contextmanager
def paused(*, freeze: bool = False) -> Iterator[None]:
    """Build a long-lived structure in the block: the cyclic collector is off meanwhile.
    ``freeze``: when the outermost block ends, what exists then is never walked by the collector
    again."""
    global _depth, _was_enabled, _freeze
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
        _freeze = _freeze or freeze
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _freeze:
                    gc.freeze()
                    _freeze = False
                if _was_enabled:
                    gc.enable()
