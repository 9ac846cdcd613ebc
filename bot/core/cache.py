"""An on-disk cache of the loaded knowledge and its question index, so a restart is quick.

Reading the YAML files and building the index takes seconds on a large knowledge base; loading the
cached result takes a fraction of that. The cache is keyed by the content of every knowledge file
and by the version of the code and data that build the index (this package's matching and
knowledge modules, numpy, pydantic, the English word frequencies), so any change rebuilds it.

Files are written atomically (a temporary file in the same directory, then a rename), so several
instances sharing a volume never read a torn file; a file that cannot be read or does not match
its key is ignored, with a warning, and rebuilt. Nothing that depends on Python's per-process string
hash is stored: the typo table is rebuilt on loading (see :class:`~bot.core.matching.index.QuestionIndex`).

The cache directory must be as trusted as the database beside it: loading a cache file runs pickle.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import __version__
from bot.core import gcpause
from bot.core.knowledge.loader import SYNONYMS_FILE, knowledge_files

if TYPE_CHECKING:
    from bot.core.service import KnowledgeState

log = logging.getLogger(__name__)

#: Bumped when the layout of a cache file changes.
FORMAT = 1
#: Cache files kept (the newest); older ones, for knowledge since changed, are removed.
KEEP = 4
SUFFIX = ".index"
_CODE = ("core/cache.py", "core/service.py", "core/knowledge", "core/matching")


def _code_version() -> str:
    """What the index depends on besides the knowledge: this code, and the libraries' versions."""
    digest = hashlib.sha256(f"{FORMAT} {__version__} {sys.version}".encode())
    package = Path(__file__).resolve().parent.parent
    for name in _CODE:
        path = package / name
        for source in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            digest.update(source.relative_to(package).as_posix().encode())
            digest.update(source.read_bytes())
    for dist in ("numpy", "pydantic", "rapidfuzz", "wordfreq", "snowballstemmer", "PyStemmer"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{dist} {_version(metadata.distribution(dist))}".encode())
    return digest.hexdigest()


def _version(dist: metadata.Distribution) -> str:
    """``dist.version``, read from the header of its metadata: ``version`` parses the whole file
    as an email message (a long description and all), which took most of a cached start's key."""
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    for line in text.partition("\n\n")[0].splitlines():
        name, colon, value = line.partition(":")
        if colon and name.strip().lower() == "version":
            return value.strip()
    return dist.version


def knowledge_key(directory: Path) -> str | None:
    """The cache key of a knowledge directory as it is now (``None`` when a file cannot be read:
    then the loader reports it)."""
    digest = hashlib.sha256(_code_version().encode())
    files = knowledge_files(directory)
    synonyms = directory / SYNONYMS_FILE
    if synonyms.is_file():
        files.append(synonyms)
    try:
        for path in files:
            digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    except OSError:
        return None
    return digest.hexdigest()


class IndexCache:
    """Cached :class:`~bot.core.service.KnowledgeState` objects in one directory, by key."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, key: str) -> Path:
        return self.directory / f"{key[:32]}{SUFFIX}"

    def load(self, key: str) -> KnowledgeState | None:
        """The state cached under ``key``; ``None`` when there is none, or it is unreadable or
        stale (with a warning: it is rebuilt)."""
        path = self.path(key)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("index cache %s cannot be read (%s): rebuilding it", path, exc.strerror or exc)
            return None
        try:
            # Read as it is unpickled: the file's bytes are never all in memory at once. Every
            # object it builds lives as long as the process: built without the cyclic collector
            # (three times faster) and then kept out of its sight.
            with handle, gcpause.paused(freeze=True):
                payload = pickle.load(handle)  # noqa: S301 - our own file, in the data directory
            if not isinstance(payload, dict) or payload.get("key") != key:
                raise ValueError("written for other knowledge or another version")
            state = payload["state"]
            _restore(payload)
        except Exception as exc:  # noqa: BLE001 - any failure to read a cache file means: rebuild it
            log.warning("index cache %s is unusable (%s: %s): rebuilding it", path, type(exc).__name__, exc)
            return None
        return state

    def store(self, key: str, state: KnowledgeState) -> None:
        """Write ``state`` under ``key``, atomically; a failure is logged, never raised."""
        payload = {"key": key, "state": state, **_extras()}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed before the rename
                dir=self.directory, prefix=".tmp-", suffix=SUFFIX, delete=False
            )
            try:
                with handle:
                    pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(handle.name, self.path(key))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(handle.name)
                raise
        except (OSError, pickle.PicklingError) as exc:
            log.warning("index cache not written to %s (%s)", self.directory, exc)
            return
        self._prune(keep=self.path(key))

    def _prune(self, keep: Path) -> None:
        try:
            files = sorted(self.directory.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return
        for path in [p for p in files if p != keep][KEEP - 1 :]:
            with contextlib.suppress(OSError):
                path.unlink()


def _extras() -> dict[str, Any]:
    """What the index reads at query time besides itself: the English word frequencies."""
    from bot.core.matching import specificity

    return {"frequencies": specificity.frequencies()}


def _restore(payload: dict[str, Any]) -> None:
    from bot.core.matching import specificity

    frequencies = payload.get("frequencies")
    if frequencies is not None:
        specificity.use_frequencies(frequencies)
