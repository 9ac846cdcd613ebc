"""Several knowledge files replaced as one step: all of them, or none, even across a crash.

:func:`write_files` first writes every new file beside the one it replaces, under a dot-name that
knowledge discovery skips, and flushes them to disk. Then it writes a journal naming each staged
file and its destination, renamed into place in one step: that rename is the commit. Then each
staged file is renamed over its destination and the journal removed. A process that stops before
the commit leaves only dot-files behind (removed by the next export) and the old files in place;
one that stops after it leaves the journal, and :func:`recover`, which loading runs first, completes
the renames, so a reader sees the old set of files or the new one, never a mix.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

JOURNAL = ".factbot-export.journal"
_STAGED = ".factbot-export-"


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _stage(path: Path, data: bytes, mode: int) -> Path:
    """``data`` in a new dot-file beside ``path``, flushed to disk, with ``mode``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, staged = tempfile.mkstemp(prefix=f"{_STAGED}{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(staged, mode)
    except BaseException:
        Path(staged).unlink(missing_ok=True)
        raise
    return Path(staged)


def write_files(target: Path, files: Mapping[Path, str]) -> list[Path]:
    """Replace (or create) the files ``files`` names, relative to ``target``, all as one step.

    Raises :class:`OSError` when ``target`` cannot be written (a read-only directory): nothing has
    changed then.
    """
    recover(target)
    staged: list[tuple[Path, Path]] = []
    try:
        for relative, text in files.items():
            path = target / relative
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
            staged.append((_stage(path, text.encode("utf-8"), mode), path))
        journal = {"files": [[str(s.relative_to(target)), str(p.relative_to(target))] for s, p in staged]}
        for directory in {s.parent for s, _ in staged}:
            _fsync_directory(directory)
        committed = _stage(target / JOURNAL, json.dumps(journal).encode(), 0o644)
        os.replace(committed, target / JOURNAL)  # the commit point
    except BaseException:
        for path, _ in staged:
            path.unlink(missing_ok=True)
        raise
    _fsync_directory(target)
    return _complete(target, journal)


def recover(directory: Path) -> list[Path]:
    """Finish an export a stopped process committed; remove what an uncommitted one left. The paths
    completed (none when there was nothing to do)."""
    journal_path = directory / JOURNAL
    try:
        journal = json.loads(journal_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        journal = None
    except ValueError:  # cannot be: the journal is renamed into place whole; treat it as uncommitted
        journal_path.unlink()
        journal = None
    if journal is not None:
        return _complete(directory, journal)
    for leftover in directory.rglob(f"{_STAGED}*.tmp"):
        leftover.unlink(missing_ok=True)
    return []


def _complete(target: Path, journal: Mapping[str, list[list[str]]]) -> list[Path]:
    done: list[Path] = []
    for staged, destination in journal["files"]:
        path = target / destination
        if (target / staged).exists():
            os.replace(target / staged, path)
        done.append(path)
    for directory in {path.parent for path in done} | {target}:
        _fsync_directory(directory)
    (target / JOURNAL).unlink(missing_ok=True)
    _fsync_directory(target)
    return done
