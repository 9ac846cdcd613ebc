"""Export runtime edits as knowledge files, ready to review and commit.

An edited fact is rewritten in place in the file it comes from: only its own lines change, so the
diff a reviewer reads is the edit itself. Facts added at runtime go to ``overlay-<topic>.yaml``.
Before anything is written, the whole knowledge directory with the new files is loaded and validated
in a scratch copy, and every exported fact must read back equal to the fact the bot serves; then the
files are replaced all together, as one step that survives a crash (:mod:`bot.core.knowledge.journal`).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.core.errors import ExportError
from bot.core.knowledge import Fact, KnowledgeBase, KnowledgeError, load_knowledge
from bot.core.knowledge.journal import write_files
from bot.core.knowledge.loader import knowledge_files

NEW_FILE_HEADER = "# Facts added at runtime (factbot kb add), exported for review.\n"
EDITS_HEADER = (
    "# Runtime edits, each fact as the bot serves it now. Review them, then copy each fact into its\n"
    "# knowledge file (factbot kb export does this in place).\n"
)
_DEFAULT_ITEM_PREFIX = "  - "
#: Line width of exported YAML; long answers fold over several lines.
_WIDTH = 100


class _Dumper(yaml.SafeDumper):
    """Block style, lists indented and long text folded, like the hand-written files."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if len(value) > _WIDTH - 10:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">")
    if dumper.resolve(yaml.ScalarNode, value, (True, False)) != "tag:yaml.org,2002:str":
        # Text that would read as another type ("2024", "yes"): double quotes, as the files write it.
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


class _Flow(list):
    """A list written on one line (tags, keywords, related ids)."""


def _represent_flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Flow, _represent_flow)


def fact_yaml_data(fact: Fact) -> dict[str, Any]:
    """The fact as a knowledge file writes it: schema order, no empty optional fields."""
    data = fact.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
    data = {"id": fact.id, **data}
    out: dict[str, Any] = {}
    for key in Fact.model_fields:
        if key not in data:
            continue
        value = data[key]
        if key == "sources":
            value = [{k: v for k, v in source.items() if v is not None} for source in value]
        elif key in {"tags", "keywords", "related"}:
            value = _Flow(value)
        out[key] = value
    return out


def _dump(data: Any, width: int) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=width, default_flow_style=False)


def _plain(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_plain(value) for value in data]
    return data


def render_fact(fact: Fact, first_prefix: str, indent: int) -> list[str]:
    """The lines of one list item holding ``fact``, the first one starting with ``first_prefix``."""
    data = fact_yaml_data(fact)
    width = max(_WIDTH - indent - 4, 40)
    text = _dump(data, width)
    if yaml.safe_load(text) != _plain(data):
        # Folded style cannot hold every string (say, one with significant double spaces).
        text = yaml.safe_dump(_plain(data), sort_keys=False, allow_unicode=True, width=width)
    lines = text.splitlines()
    return [first_prefix + lines[0] + "\n", *(" " * indent + line + "\n" if line else "\n" for line in lines[1:])]


@dataclasses.dataclass(slots=True)
class _Item:
    fact_id: str | None
    start: int  # 0-based line of the item's dash
    end: int  # 0-based line after the item's last line
    prefix: str  # the dash line up to the first key, e.g. "  - "
    indent: int  # column of the item's keys


@dataclasses.dataclass(slots=True)
class _FileLayout:
    lines: list[str]
    items: list[_Item]
    facts_end: int  # line after the last item (where a new item goes)


def _is_filler(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _layout(text: str) -> _FileLayout | None:
    """Where each fact of a knowledge file starts and ends, from the YAML node marks."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    sequence = next((v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "facts"), None)
    if not isinstance(sequence, yaml.SequenceNode) or sequence.flow_style:
        return None
    lines = text.splitlines(keepends=True)
    items: list[_Item] = []
    for node in sequence.value:
        if not isinstance(node, yaml.MappingNode) or node.flow_style:
            return None
        fact_id = next(
            (
                v.value
                for k, v in node.value
                if isinstance(k, yaml.ScalarNode) and k.value == "id" and isinstance(v, yaml.ScalarNode)
            ),
            None,
        )
        start = node.start_mark.line
        while start > 0 and not lines[start].lstrip().startswith("-"):
            start -= 1
        dash_line = lines[start]
        col = node.start_mark.column if start == node.start_mark.line else len(dash_line) - len(dash_line.lstrip()) + 2
        prefix = dash_line[:col] if start == node.start_mark.line else dash_line[: col - 2] + "- "
        items.append(_Item(fact_id, start, len(lines), prefix, col))
    end = min(sequence.end_mark.line + (1 if sequence.end_mark.column else 0), len(lines))
    for current, following in zip(items, items[1:], strict=False):
        current.end = following.start
    if items:
        items[-1].end = max(end, items[-1].start + 1)
    for item in items:
        while item.end > item.start + 1 and _is_filler(lines[item.end - 1]):
            item.end -= 1
    facts_end = items[-1].end if items else end
    return _FileLayout(lines, items, facts_end)


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return slug[:60] or "facts"


def plan_export(knowledge_dir: Path, kb: KnowledgeBase, fact_ids: Iterable[str]) -> dict[Path, str]:
    """The new text of every file that must change so the files hold ``kb``'s version of ``fact_ids``.

    Keys are paths relative to ``knowledge_dir``.
    """
    layouts: dict[Path, _FileLayout] = {}
    located: dict[str, tuple[Path, _Item]] = {}
    for path in knowledge_files(knowledge_dir):
        relative = path.relative_to(knowledge_dir)
        layout = _layout(path.read_text(encoding="utf-8"))
        if layout is None:
            raise ExportError([f"{relative}: cannot find its facts list; fix the file first"])
        layouts[relative] = layout
        for item in layout.items:
            if item.fact_id is not None:
                located.setdefault(item.fact_id, (relative, item))

    replacements: dict[Path, list[tuple[_Item, Fact]]] = {}
    additions: dict[Path, list[Fact]] = {}
    for fact_id in fact_ids:
        fact = kb.get(fact_id)
        if fact is None:
            continue
        if fact_id in located:
            relative, item = located[fact_id]
            replacements.setdefault(relative, []).append((item, fact))
        else:
            additions.setdefault(Path(f"overlay-{_slug(fact.topic)}.yaml"), []).append(fact)

    plan: dict[Path, str] = {}
    for relative in sorted(set(replacements) | set(additions)):
        layout = layouts.get(relative)
        lines = list(layout.lines) if layout else [NEW_FILE_HEADER, "facts:\n"]
        template = layout.items[0] if layout and layout.items else None
        prefix = template.prefix if template else _DEFAULT_ITEM_PREFIX
        indent = template.indent if template else len(_DEFAULT_ITEM_PREFIX)
        facts_end = layout.facts_end if layout else len(lines)
        added: list[str] = []
        for fact in additions.get(relative, []):
            added.extend(render_fact(fact, prefix, indent))
        if added:
            if facts_end > 0 and not lines[facts_end - 1].endswith("\n"):
                lines[facts_end - 1] += "\n"
            lines[facts_end:facts_end] = added
        for item, fact in sorted(replacements.get(relative, []), key=lambda pair: pair[0].start, reverse=True):
            lines[item.start : item.end] = render_fact(fact, item.prefix, item.indent)
        plan[relative] = "".join(lines)
    return plan


def verify_plan(knowledge_dir: Path, plan: Mapping[Path, str], kb: KnowledgeBase, fact_ids: Iterable[str]) -> None:
    """Load the knowledge directory with ``plan`` applied, in a scratch copy; raise :class:`ExportError`."""
    with tempfile.TemporaryDirectory(prefix="factbot-export-") as scratch:
        staged = Path(scratch) / knowledge_dir.name
        shutil.copytree(knowledge_dir, staged)
        for relative, text in plan.items():
            (staged / relative).parent.mkdir(parents=True, exist_ok=True)
            (staged / relative).write_text(text, encoding="utf-8")
        try:
            loaded = load_knowledge(staged)
        except KnowledgeError as exc:
            raise ExportError(str(p) for p in exc.problems) from exc
    problems = [
        f"fact {fact_id!r} does not read back as the bot serves it"
        for fact_id in fact_ids
        if kb.get(fact_id) is not None and loaded.get(fact_id) != kb.get(fact_id)
    ]
    if problems:
        raise ExportError(problems)


def prepare_export(knowledge_dir: Path, kb: KnowledgeBase, fact_ids: Iterable[str]) -> dict[Path, str]:
    """Plan and verify: the new text of every file to write, relative to the knowledge directory."""
    fact_ids = list(fact_ids)
    plan = plan_export(knowledge_dir, kb, fact_ids)
    if plan:
        verify_plan(knowledge_dir, plan, kb, fact_ids)
    return plan


def export_overlay(knowledge_dir: Path, kb: KnowledgeBase, fact_ids: Iterable[str], target: Path) -> list[Path]:
    """Plan, verify and write all the files as one step; the paths written (under ``target``)."""
    plan = prepare_export(knowledge_dir, kb, fact_ids)
    return write_files(target, plan) if plan else []


def edits_document(kb: KnowledgeBase, fact_ids: Iterable[str]) -> str:
    """One YAML document with the facts ``fact_ids`` as ``kb`` has them (a download of the edits)."""
    lines = [EDITS_HEADER, "facts:\n"]
    for fact_id in fact_ids:
        fact = kb.get(fact_id)
        if fact is not None:
            lines.extend(render_fact(fact, _DEFAULT_ITEM_PREFIX, len(_DEFAULT_ITEM_PREFIX)))
    if len(lines) == 2:
        lines[-1] = "facts: []\n"
    return "".join(lines)
