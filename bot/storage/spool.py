"""The question log entries a stopping bot could not write, kept on local disk until the next start.

A bot that stops while its database is away (``docker stop`` during an outage) saves the entries
still buffered in memory to a file in ``FACTBOT_DATA_DIR/pending-log/``; the next bot to start takes
the files over and writes their entries first, as soon as the database is reachable. Each file is
written to a temporary name, flushed to disk and renamed, so a file is whole or absent. A bot that
takes a file holds an exclusive lock on it until its entries are written (then deletes it): a second
instance sharing the directory skips it, and the lock of a bot that died is gone, so its successor
takes the file again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import json
import logging
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from bot.core.ports import FeedbackRecord, QuestionRecord

log = logging.getLogger(__name__)

Entry = QuestionRecord | FeedbackRecord
_PREFIX = "pending-"
_SUFFIX = ".jsonl"


def _encode(entry: Entry) -> str:
    kind = "question" if isinstance(entry, QuestionRecord) else "feedback"
    data = dataclasses.asdict(entry)
    for key, value in data.items():
        if isinstance(value, dt.datetime):
            data[key] = value.isoformat()
    return json.dumps({"kind": kind, **data}, ensure_ascii=False)


def _decode(line: str) -> Entry:
    data = json.loads(line)
    kind = data.pop("kind")
    if kind == "question":
        data["asked_at"] = dt.datetime.fromisoformat(data["asked_at"])
        return QuestionRecord(**data)
    data["given_at"] = dt.datetime.fromisoformat(data["given_at"])
    return FeedbackRecord(**data)


class FileSpool:
    """Pending log entries as JSON lines, one file per stop, in one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._held: list[tuple[Path, IO[str]]] = []

    def save(self, entries: Sequence[Entry]) -> Path | None:
        """Write ``entries`` to a new file (owner-only permissions); ``None`` when there are none."""
        if not entries:
            return None
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        fd, temporary = tempfile.mkstemp(prefix=f".{_PREFIX}{stamp}-", suffix=".tmp", dir=self.directory)
        target = Path(temporary).with_name(Path(temporary).name[1:].removesuffix(".tmp") + _SUFFIX)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.writelines(_encode(entry) + "\n" for entry in entries)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        with contextlib.suppress(OSError):
            directory = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        return target

    def take(self) -> list[Entry]:
        """The entries of every file no other running bot holds, oldest file first; the files stay
        locked by this bot until :meth:`release`."""
        entries: list[Entry] = []
        for path in self._files():
            try:
                handle = path.open("r", encoding="utf-8")
            except FileNotFoundError:
                continue  # taken and written by another bot meanwhile
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            if not path.exists():  # released by the bot that held it while we waited for the lock
                handle.close()
                continue
            found: list[Entry] = []
            for number, line in enumerate(handle, 1):
                try:
                    found.append(_decode(line))
                except (ValueError, KeyError, TypeError):
                    log.warning("%s:%d: unreadable pending log entry skipped", path, number)
            self._held.append((path, handle))
            entries.extend(found)
        return entries

    @property
    def holding(self) -> bool:
        return bool(self._held)

    def release(self) -> None:
        """Delete the files taken by :meth:`take`: their entries are written (or saved anew)."""
        for path, handle in self._held:
            path.unlink(missing_ok=True)
            handle.close()
        self._held = []

    def forget(self, user_hash: str) -> int:
        """Remove one user's entries from the files no running bot holds; how many were removed."""
        removed = 0
        for path in self._files():
            with contextlib.suppress(FileNotFoundError), path.open("r+", encoding="utf-8") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    continue  # a running bot holds it: its entries are in that bot's memory
                lines = handle.readlines()
                kept = [line for line in lines if _user_of(line) != user_hash]
                if len(kept) != len(lines):
                    removed += len(lines) - len(kept)
                    handle.seek(0)
                    handle.writelines(kept)
                    handle.truncate()
                    handle.flush()
                    os.fsync(handle.fileno())
        return removed

    def _files(self) -> Iterable[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob(f"{_PREFIX}*{_SUFFIX}"))


def _user_of(line: str) -> Any:
    try:
        return json.loads(line).get("user_hash")
    except ValueError:
        return None
