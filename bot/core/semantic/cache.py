"""Embeddings of phrasings, cached on disk keyed by model and text.

A restart or a reload embeds only phrasings it has never seen; a runtime edit embeds only its own.
Vectors live in memory for the life of the process and in shard files under
``<directory>/<model>/``: each write adds one shard with the new vectors only, written to a
temporary file and renamed, so a reader never sees half a file and several instances can share
the directory. Many small shards are merged into one on load. A shard that cannot be read is
ignored (its texts are embedded again) and removed.

Members' questions are never written here: only the knowledge base's own texts.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

#: More shards than this are merged into one when the cache is opened.
MERGE_ABOVE = 16
_KEY_BYTES = 16


def text_key(text: str) -> bytes:
    """The cache key of a text (for one model): a 128-bit BLAKE2b digest of its UTF-8 bytes."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=_KEY_BYTES).digest()


def model_folder(model_id: str) -> str:
    """A folder name for ``model_id``: readable, and unique per id."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", model_id).strip("-")[:60] or "model"
    return f"{slug}-{hashlib.blake2b(model_id.encode('utf-8'), digest_size=6).hexdigest()}"


class EmbeddingCache:
    """Vectors by text for one model: in memory, backed by ``directory`` when it is given."""

    def __init__(self, directory: Path | None, model_id: str, dim: int) -> None:
        self.model_id = model_id
        self.dim = dim
        self.directory = directory / model_folder(model_id) if directory is not None else None
        self._rows: dict[bytes, int] = {}
        self._blocks: list[np.ndarray] = []
        self._matrix = np.zeros((0, dim), dtype=np.float32)
        self._pending: dict[bytes, np.ndarray] = {}
        self._lock = threading.Lock()
        if self.directory is not None:
            self._load()

    def __len__(self) -> int:
        return len(self._rows)

    # -- reading ---------------------------------------------------------------------------------

    def _shards(self) -> list[Path]:
        assert self.directory is not None
        try:
            return sorted(self.directory.glob("shard-*.npz"))
        except OSError:
            return []

    def _read(self, path: Path) -> tuple[np.ndarray, np.ndarray] | None:
        try:
            with np.load(path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
            if keys.ndim != 2 or keys.shape[1] != _KEY_BYTES or vectors.shape != (len(keys), self.dim):
                raise ValueError(f"shapes {keys.shape} and {vectors.shape} do not fit dimension {self.dim}")
            return keys, vectors.astype(np.float32, copy=False)
        except FileNotFoundError:
            return None  # merged away by another instance meanwhile
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
            log.warning("embedding cache: ignoring unreadable %s (%s); its texts are embedded again", path, exc)
            with contextlib.suppress(OSError):
                path.unlink()
            return None

    def _load(self) -> None:
        shards = self._shards()
        read: list[Path] = []
        for path in shards:
            found = self._read(path)
            if found is None:
                continue
            read.append(path)
            keys, vectors = found
            self._append([bytes(k) for k in keys], vectors)
        if len(read) > MERGE_ABOVE and self._rows:
            self._write_shard(list(self._rows), self._stacked())
            for path in read:
                with contextlib.suppress(OSError):
                    path.unlink()

    def _stacked(self) -> np.ndarray:
        if len(self._blocks) > 1:
            self._blocks = [np.concatenate(self._blocks)]
        self._matrix = self._blocks[0] if self._blocks else np.zeros((0, self.dim), dtype=np.float32)
        return self._matrix

    def _append(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        start = sum(len(b) for b in self._blocks)
        fresh = []
        for offset, key in enumerate(keys):
            if key not in self._rows:
                self._rows[key] = start + len(fresh)
                fresh.append(offset)
        if fresh:
            self._blocks.append(np.ascontiguousarray(vectors[fresh], dtype=np.float32))

    def lookup(self, texts: Sequence[str]) -> tuple[np.ndarray, list[int]]:
        """Vectors of ``texts`` (zero rows where unknown) and the positions of the unknown ones."""
        keys = [text_key(t) for t in texts]
        with self._lock:
            matrix = self._stacked()
            out = np.zeros((len(texts), self.dim), dtype=np.float32)
            missing: list[int] = []
            rows: list[int] = []
            where: list[int] = []
            for i, key in enumerate(keys):
                row = self._rows.get(key)
                if row is None:
                    pending = self._pending.get(key)
                    if pending is None:
                        missing.append(i)
                    else:
                        out[i] = pending
                else:
                    rows.append(row)
                    where.append(i)
            if rows:
                out[where] = matrix[rows]
        return out, missing

    # -- writing ---------------------------------------------------------------------------------

    def add(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Remember ``vectors`` of ``texts``; :meth:`flush` writes them to disk."""
        with self._lock:
            for text, vector in zip(texts, vectors, strict=True):
                key = text_key(text)
                if key not in self._rows:
                    self._pending[key] = np.asarray(vector, dtype=np.float32)

    def flush(self) -> None:
        """Write the vectors added since the last flush as one new shard (when backed by disk)."""
        with self._lock:
            if not self._pending:
                return
            keys = list(self._pending)
            vectors = np.stack([self._pending[k] for k in keys])
            self._append(keys, vectors)
            self._pending.clear()
        if self.directory is not None:
            self._write_shard(keys, vectors)

    def _write_shard(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        assert self.directory is not None
        key_array = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), _KEY_BYTES)
        name = hashlib.blake2b(key_array.tobytes(), digest_size=8).hexdigest()
        target = self.directory / f"shard-{name}.npz"
        temporary = self.directory / f".tmp-{os.getpid()}-{threading.get_ident()}-{name}.npz"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with temporary.open("wb") as handle:
                np.savez(handle, keys=key_array, vectors=np.asarray(vectors, dtype=np.float32))
            os.replace(temporary, target)
        except OSError as exc:
            log.warning("embedding cache: cannot write %s (%s); embeddings stay in memory only", target, exc)
            with contextlib.suppress(OSError):
                temporary.unlink()

