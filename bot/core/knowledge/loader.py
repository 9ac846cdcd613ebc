"""Read and validate a knowledge directory.

Every problem of a run is collected, with the file, the line and the fact it belongs to, and
reported at once in a :class:`KnowledgeError`; nothing is loaded from a directory that has errors.

Files are bounded before anything is built from them: a file larger than :data:`MAX_FILE_BYTES` is
refused unread, and each document is first composed into YAML nodes (aliases stay shared there, so
this is cheap even for an "alias bomb"), checked for mapping keys that are not plain scalars and for
aliases that would expand to more than :data:`MAX_ALIAS_NODES` extra nodes, and only then turned
into Python values.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from rapidfuzz import fuzz, process

from bot.core import gcpause
from bot.core.knowledge import journal
from bot.core.knowledge.model import KnowledgeBase, SynonymTable
from bot.core.knowledge.schema import Fact
from bot.core.knowledge.sources import SOURCES_FILE, read_setting

SYNONYMS_FILE = "synonyms.yaml"
#: The largest knowledge file read, in bytes (a file of 10,000 facts is about 15 MB).
MAX_FILE_BYTES = 64 * 1024 * 1024
#: How many nodes YAML aliases may add to a document when expanded (anchors shared by a few
#: thousand facts stay far below; an alias bomb of a few hundred bytes would add hundreds of millions).
MAX_ALIAS_NODES = 100_000
_FILE_KEYS = {"facts"}
_SYNONYM_KEYS = {"synonyms", "related"}


@dataclasses.dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the knowledge base, located as precisely as we can."""

    file: str
    line: int | None
    message: str
    fact_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        fact = f" [fact {self.fact_id}]" if self.fact_id else ""
        return f"{where}:{fact} {self.message}"


class KnowledgeError(Exception):
    """The knowledge base has problems; ``problems`` lists all of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the knowledge base:\n{lines}")


class _Node(dict):
    """A mapping that remembers the line of each of its keys (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class _List(list):
    line: int = 0
    item_lines: list[int]


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available: 5x faster
    """SafeLoader whose mappings and sequences carry line numbers."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Node:
    loader.flatten_mapping(node)
    result = _Node()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):  # _check_nodes reports these before construction
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be plain text, not a list or a mapping", key_node.start_mark
            )
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> _List:
    result = _List(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _read_yaml(path: Path, label: str, problems: list[Problem]) -> Any:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(
                Problem(label, None, f"file too large: {size:,} bytes (at most {MAX_FILE_BYTES:,}); split it up")
            )
            return None
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(label, None, f"cannot read file: {exc.strerror or exc}"))
        return None
    if not _is_utf8(raw):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            problems.append(
                Problem(label, line, f"invalid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})")
            )
            return None
    return _parse(raw, label, problems)  # libyaml reads the bytes as they are: no copy of the file as text


#: Bytes checked at a time: small enough for the event loop's thread to get the GIL in between.
_CHUNK = 1 << 20


def _is_utf8(raw: bytes) -> bool:
    """Whether ``raw`` is valid UTF-8, checked a megabyte at a time (one call over a 50 MB file holds
    the GIL, and so stalls the event loop, for about 80 ms)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    try:
        for start in range(0, len(raw), _CHUNK):
            decoder.decode(view[start : start + _CHUNK], final=start + _CHUNK >= len(raw))
    except UnicodeDecodeError:
        return False
    return True


def dismantle(tree: Any, depth: int = 4) -> None:
    """Empty a large parsed tree (YAML nodes, or the lists and mappings built from them) piece by piece.

    Dropped at once, a tree of millions of objects is freed in one cascade of deallocations that
    holds the GIL throughout (half a second for the nodes of a 50 MB file); emptied container by
    container down to ``depth`` (a fact's own fields, in a knowledge file), it is freed a fact at a
    time, and the event loop's thread gets its turn in between.
    """
    stack: list[tuple[Any, int]] = [(tree, 0)]
    while stack:
        item, level = stack.pop()
        if level >= depth:
            continue  # small enough: freed as a whole as it goes
        if isinstance(item, (yaml.SequenceNode, yaml.MappingNode)):
            children, item.value = item.value, []
            for child in children:
                if isinstance(child, tuple):
                    stack.extend((part, level + 1) for part in child)
                else:
                    stack.append((child, level + 1))
        elif isinstance(item, dict):
            stack.extend((value, level + 1) for value in item.values())
            item.clear()
        elif isinstance(item, list):
            stack.extend((value, level + 1) for value in item)
            item.clear()


def parse_yaml(text: str, label: str) -> Any:
    """Parse one YAML document whose mappings and lists remember their lines (for located
    errors, as :func:`validate_fact` reports them); raise :class:`KnowledgeError` on bad YAML,
    an empty document, or one that is not bounded (see the module's description)."""
    problems: list[Problem] = []
    data = _parse(text, label, problems)
    if problems:
        raise KnowledgeError(problems)
    return data


def _check_nodes(root: yaml.Node, label: str, problems: list[Problem]) -> bool:
    """Whether the composed document may be constructed: every mapping key a scalar, no recursive
    alias, and aliases adding at most :data:`MAX_ALIAS_NODES` nodes. Visits each node once."""
    expanded: dict[int, int] = {}  # id(node) -> node count with aliases expanded
    visiting: set[int] = set()
    distinct = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            visiting.discard(key)
            children = _children(node)
            expanded[key] = 1 + sum(expanded[id(child)] for child in children)
            if expanded[key] - distinct > MAX_ALIAS_NODES:
                problems.append(
                    Problem(
                        label,
                        node.start_mark.line + 1,
                        f"YAML aliases expand to more than {MAX_ALIAS_NODES:,} extra nodes; write the values out",
                    )
                )
                return False
            continue
        if key in expanded:
            continue
        if key in visiting:
            problems.append(Problem(label, node.start_mark.line + 1, "recursive YAML alias (a value contains itself)"))
            return False
        visiting.add(key)
        distinct += 1
        if isinstance(node, yaml.MappingNode):
            for key_node, _value in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    problems.append(
                        Problem(label, key_node.start_mark.line + 1, "a mapping key must be plain text, not a list or a mapping")
                    )
                    return False
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in expanded)
    return True


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _parse(source: str | bytes, label: str, problems: list[Problem]) -> Any:
    loader = _LineLoader(source)
    node = None
    try:
        node = loader.get_single_node()
        if node is None:
            problems.append(Problem(label, None, "the file is empty (no YAML content)"))
            return None
        if not _check_nodes(node, label, problems):
            return None
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        detail = " ".join(part for part in (exc.context, exc.problem) if part)
        problems.append(Problem(label, line, f"YAML syntax error: {detail}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(label, None, f"YAML error: {exc}"))
        return None
    finally:
        loader.dispose()
        if node is not None:
            dismantle(node)


def line_of(data: Any, loc: tuple[int | str, ...]) -> int | None:
    """The line of the deepest node on the path ``loc`` that the parsed YAML (:func:`parse_yaml`)
    can locate."""
    line = getattr(data, "line", None)
    node = data
    for part in loc:
        if isinstance(node, _Node) and part in node.key_lines:
            line, node = node.key_lines[part], node[part]
        elif isinstance(node, _List) and isinstance(part, int) and 0 <= part < len(node):
            line, node = node.item_lines[part], node[part]
        else:
            break
    return line


def _describe(error: Mapping[str, Any], meant: str | None = None) -> str:
    loc = ".".join(str(part) for part in error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        if meant is not None:
            return f"unknown key {loc!r}: did you mean {meant!r}?"
        allowed = f" (allowed: {', '.join(Fact.model_fields)})" if len(error["loc"]) == 1 else ""
        return f"unknown key {loc!r}{allowed}"
    if kind == "missing":
        return f"missing required field {loc!r}"
    message = error["msg"].removeprefix("Value error, ")
    return f"{loc}: {message}" if loc else message


def _misspellings(errors: list[Any]) -> dict[tuple[Any, ...], str]:
    """Unknown keys that are a missing required field misspelt (``questoins``): their location and
    the field meant. Each is one problem, reported once, not as an unknown key plus a missing field."""
    missing: dict[tuple[Any, ...], list[str]] = {}
    for error in errors:
        if error["type"] == "missing" and error["loc"]:
            missing.setdefault(tuple(error["loc"][:-1]), []).append(str(error["loc"][-1]))
    meant: dict[tuple[Any, ...], str] = {}
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] != "extra_forbidden" or not loc or loc[:-1] not in missing:
            continue
        match = process.extractOne(str(loc[-1]), missing[loc[:-1]], scorer=fuzz.ratio, score_cutoff=75)
        if match is not None:
            meant[loc] = match[0]
            missing[loc[:-1]].remove(match[0])
    return meant


def validate_fact(data: Any, file: str, problems: list[Problem]) -> Fact | None:
    """Validate one fact mapping; append located problems and return ``None`` when it is invalid."""
    fact_id = data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None
    base_line = getattr(data, "line", None)
    if not isinstance(data, dict):
        problems.append(Problem(file, base_line, "a fact must be a mapping of keys to values"))
        return None
    try:
        return Fact.model_validate(dict(data))
    except ValidationError as exc:
        errors = exc.errors()
        meant = _misspellings(errors)
        explained = {(*loc[:-1], field) for loc, field in meant.items()}
        for error in errors:
            loc = tuple(error["loc"])
            if error["type"] == "missing" and loc in explained:
                continue  # reported with the misspelt key
            line = line_of(data, loc) or base_line
            problems.append(Problem(file, line, _describe(error, meant.get(loc)), fact_id))
        return None


def _groups(data: Any, key: str, label: str, problems: list[Problem], what: str) -> list[list[str]]:
    """The groups under ``key``: lists of at least two terms, each term in one group only."""
    groups = data.get(key, [])
    if not isinstance(groups, list):
        problems.append(Problem(label, data.key_lines.get(key), f"'{key}' must be a list of lists"))
        return []
    result: list[list[str]] = []
    owner: dict[str, int] = {}
    for index, group in enumerate(groups):
        line = groups.item_lines[index] if isinstance(groups, _List) else None
        if not isinstance(group, list) or len(group) < 2 or not all(isinstance(t, str) and t.strip() for t in group):
            problems.append(Problem(label, line, f"each {what} group must be a list of at least two non-empty terms"))
            continue
        for term in group:
            folded = term.strip().casefold()
            if folded in owner and owner[folded] != index:
                problems.append(Problem(label, line, f"term {term!r} is already in another {what} group"))
            owner[folded] = index
        result.append([t.strip() for t in group])
    return result


def _load_synonyms(path: Path, label: str, problems: list[Problem]) -> SynonymTable:
    data = _read_yaml(path, label, problems)
    if data is None:
        return SynonymTable()
    if not isinstance(data, dict) or "synonyms" not in data:
        problems.append(Problem(label, getattr(data, "line", 1), "expected a mapping with a 'synonyms' list"))
        return SynonymTable()
    for key in set(data) - _SYNONYM_KEYS:
        problems.append(Problem(label, data.key_lines.get(key), f"unknown key {key!r} (allowed: synonyms, related)"))
    if not data["synonyms"]:  # "synonyms:" or "synonyms: []": an emptied file, not an intended empty table
        problems.append(Problem(label, data.key_lines.get("synonyms"), "'synonyms' must be a non-empty list of lists"))
        return SynonymTable()
    return SynonymTable(
        _groups(data, "synonyms", label, problems, "synonym"), _groups(data, "related", label, problems, "related")
    )


def knowledge_files(directory: Path, warnings: list[Problem] | None = None) -> list[Path]:
    """The fact files of a knowledge directory: every ``*.yaml``/``*.yml`` below it but the synonyms
    and the source documents' setting.

    Names starting with a dot are skipped, files and directories alike: editors' and exports'
    temporary files, ``.git``, and the ``..data`` / ``..2024_…`` directories of a Kubernetes
    ConfigMap, whose files are linked from the top level. A file reached twice (through links) is
    listed once; one that lies outside the directory is listed with a warning in ``warnings``.
    """
    root = directory.resolve()
    found: dict[Path, Path] = {}  # resolved -> the path as found
    seen_dirs: set[Path] = set()
    for current, dirs, names in os.walk(directory, followlinks=True):
        real_dir = Path(current).resolve()
        if real_dir in seen_dirs:  # a link back to a directory already walked
            dirs[:] = []
            continue
        seen_dirs.add(real_dir)
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in sorted(names):
            path = Path(current) / name
            if name.startswith(".") or path.suffix not in {".yaml", ".yml"} or name in {SYNONYMS_FILE, SOURCES_FILE}:
                continue
            if not path.is_file():
                if warnings is not None and path.is_symlink():
                    warnings.append(Problem(_label(path, directory), None, "skipped: a link to nothing"))
                continue
            real = path.resolve()
            if real in found:
                continue
            if warnings is not None and not real.is_relative_to(root):
                warnings.append(
                    Problem(_label(path, directory), None, f"loaded from {real}, outside the knowledge directory")
                )
            found[real] = path
    return sorted(found.values())


def _raw_id(entry: Any) -> str | None:
    """The id of a fact that failed validation, when it has a usable one."""
    value = entry.get("id") if isinstance(entry, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _label(path: Path, directory: Path) -> str:
    """How problems name a file: relative to the knowledge directory's parent (``knowledge/a.yaml``)."""
    return path.relative_to(directory.parent).as_posix()


@gcpause.paused(freeze=True)  # what it builds is long-lived: read in a third of the time without the collector
def load_knowledge(directory: Path | str) -> KnowledgeBase:
    """Load and validate a knowledge directory; raise :class:`KnowledgeError` listing every problem.

    Warnings (files outside the directory) come back in :attr:`KnowledgeBase.warnings`.
    """
    directory = Path(directory)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if not directory.is_dir():
        raise KnowledgeError([Problem(str(directory), None, "knowledge directory does not exist")])
    try:
        completed = journal.recover(directory)  # an export that stopped half-way: the new files, all of them
    except OSError as exc:
        label = _label(directory / journal.JOURNAL, directory)
        raise KnowledgeError(
            [Problem(label, None, f"an interrupted export cannot be completed: {exc.strerror or exc}")]
        ) from exc
    if completed:
        warnings.append(
            Problem(_label(directory / journal.JOURNAL, directory), None,
                    f"completed an interrupted export of {len(completed)} file(s)")
        )

    facts: list[Fact] = []
    first_seen: dict[str, tuple[str, int | None]] = {}
    # Facts that are there but invalid: reported once, and still existing for duplicates and `related`.
    declared: dict[str, tuple[str, int | None]] = {}
    related_refs: list[tuple[str, int | None, str, str]] = []
    files = knowledge_files(directory, warnings)
    if not files:
        problems.append(Problem(str(directory), None, "no knowledge files (*.yaml) found"))

    for path in files:
        label = _label(path, directory)
        data = _read_yaml(path, label, problems)
        if data is None:
            continue
        if not isinstance(data, dict) or "facts" not in data:
            problems.append(Problem(label, getattr(data, "line", 1), "expected a mapping with a 'facts' list"))
            continue
        for key in set(data) - _FILE_KEYS:
            problems.append(Problem(label, data.key_lines.get(key), f"unknown top-level key {key!r} (allowed: facts)"))
        entries = data["facts"]
        if not isinstance(entries, list) or not entries:
            problems.append(Problem(label, data.key_lines.get("facts"), "'facts' must be a non-empty list"))
            continue
        for entry in entries:
            fact = validate_fact(entry, label, problems)
            fact_id = fact.id if fact is not None else _raw_id(entry)
            if fact_id is None:
                continue
            line = entry.key_lines.get("id", entry.line) if isinstance(entry, _Node) else None
            if fact is not None:
                rel_line = entry.key_lines.get("related", line) if isinstance(entry, _Node) else line
                related_refs.extend((label, rel_line, fact.id, rid) for rid in fact.related)
            if fact_id in first_seen or fact_id in declared:
                other_file, other_line = first_seen.get(fact_id) or declared[fact_id]
                problems.append(
                    Problem(label, line, f"duplicate id (first defined at {other_file}:{other_line})", fact_id)
                )
                continue
            if fact is None:
                declared[fact_id] = (label, line)
                continue
            first_seen[fact.id] = (label, line)
            facts.append(fact)
        dismantle(data)  # the facts are built: free what they were read from, piece by piece

    for label, line, fact_id, rid in related_refs:
        if rid not in first_seen and rid not in declared:
            problems.append(Problem(label, line, f"related id {rid!r} does not exist", fact_id))

    synonyms = SynonymTable()
    synonyms_path = directory / SYNONYMS_FILE
    if synonyms_path.exists():
        synonyms = _load_synonyms(synonyms_path, _label(synonyms_path, directory), problems)

    sources_path = directory / SOURCES_FILE
    if sources_path.exists():  # the documents themselves are read by `factbot validate` only
        label = sources_path.relative_to(directory.parent).as_posix()
        data = _read_yaml(sources_path, label, problems)
        if data is not None:
            problems.extend(Problem(label, line, message) for line, message in read_setting(data, directory)[1])

    if problems:
        raise KnowledgeError(problems)
    return KnowledgeBase(facts=tuple(facts), synonyms=synonyms, source=str(directory), warnings=tuple(warnings))
