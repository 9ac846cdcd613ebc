"""Evaluation report: aggregate figures per kind and language for a question set.

    python bench/eval_report.py                       # the tuning set, semantic stage on
    python bench/eval_report.py --no-semantic         # the lexical index alone
    python bench/eval_report.py --set tests/eval/heldout-community.yaml
    python bench/eval_report.py --failures            # list the tuning set's failures

A set is a YAML mapping with a ``questions`` list; each question has ``q``, ``expect`` (a fact
id, or null when the bot must not answer), ``kind``, optionally ``lang`` (default ``en``) and,
for a question the bot must not answer, ``suggest`` (the fact it should offer instead). A
question with a ``kind`` of ``near-miss`` and an expected fact is a false premise, which that
fact corrects.

Only aggregate figures are printed. Held-out sets (``heldout*.yaml``) are measured, never
inspected: ``--failures`` refuses them, so nobody tunes on them by accident.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.service import KnowledgeState, load_state  # noqa: E402
from bot.settings import DEFAULT_KNOWLEDGE_DIR  # noqa: E402

TUNING = ROOT / "tests" / "eval" / "questions.yaml"


@dataclasses.dataclass
class Tally:
    answerable: int = 0
    right: int = 0  # answered with the expected fact
    unanswerable: int = 0
    abstained: int = 0  # not answered
    to_suggest: int = 0
    suggested: int = 0  # not answered, the expected suggestion offered

    def add(self, entry: dict, answer) -> bool:
        expect = entry.get("expect")
        if expect:
            self.answerable += 1
            ok = answer.fact is not None and answer.fact.id == expect
            self.right += ok
            return ok
        self.unanswerable += 1
        ok = answer.fact is None
        self.abstained += ok
        if entry.get("suggest"):
            self.to_suggest += 1
            self.suggested += ok and any(s.fact_id == entry["suggest"] for s in answer.suggestions)
        return ok

    def merge(self, other: Tally) -> None:
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))

    def figures(self) -> dict[str, object]:
        def rate(n: int, d: int) -> str:
            return f"{n}/{d} ({100.0 * n / d:.1f}%)" if d else "-"

        return {
            "right fact": rate(self.right, self.answerable),
            "abstained": rate(self.abstained, self.unanswerable),
            "suggested": rate(self.suggested, self.to_suggest),
        }


def build_state(semantic: bool, cache_dir: Path | None) -> KnowledgeState:
    runtime = None
    if semantic:
        from bot.adapters.encoders.e5 import load
        from bot.core.semantic.runtime import SemanticRuntime

        runtime = SemanticRuntime(load, cache_dir)
    state = load_state(DEFAULT_KNOWLEDGE_DIR, semantic=runtime)
    state.prepare()
    return state


def evaluate(state: KnowledgeState, entries: list[dict]) -> tuple[dict[tuple[str, str], Tally], list[tuple]]:
    groups: dict[tuple[str, str], Tally] = defaultdict(Tally)
    failures = []
    for entry in entries:
        answer = state.answer(entry["q"])
        key = (entry["kind"], entry.get("lang", "en"))
        if not groups[key].add(entry, answer):
            failures.append((entry, answer))
    return groups, failures


def report(name: str, groups: dict[tuple[str, str], Tally]) -> dict[str, dict[str, object]]:
    rows: dict[str, dict[str, object]] = {}
    overall, english, other = Tally(), Tally(), Tally()
    by_kind: dict[str, Tally] = defaultdict(Tally)
    by_lang: dict[str, Tally] = defaultdict(Tally)
    for (kind, lang), tally in sorted(groups.items()):
        rows[f"{kind} [{lang}]"] = tally.figures()
        overall.merge(tally)
        by_kind[kind].merge(tally)
        by_lang[lang].merge(tally)
        (english if lang == "en" else other).merge(tally)
    for kind, tally in sorted(by_kind.items()):
        rows[f"kind {kind}"] = tally.figures()
    for lang, tally in sorted(by_lang.items()):
        rows[f"language {lang}"] = tally.figures()
    rows["English"] = english.figures()
    rows["other languages"] = other.figures()
    rows["all"] = overall.figures()
    width = max(len(k) for k in rows)
    print(f"\n{name}")
    print(f"{'':{width}}  {'right fact':>18}  {'abstained':>18}  {'suggested':>18}")
    for key, figures in rows.items():
        print(f"{key:{width}}  {figures['right fact']:>18}  {figures['abstained']:>18}  {figures['suggested']:>18}")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", dest="sets", action="append", type=Path, help="question set (repeatable)")
    parser.add_argument("--no-semantic", action="store_true", help="the lexical index alone")
    parser.add_argument("--failures", action="store_true", help="list failures (tuning sets only)")
    parser.add_argument("--cache-dir", type=Path, help="embedding cache (default: a temporary directory)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    sets = args.sets or [TUNING]
    if args.failures and any(p.name.startswith("heldout") for p in sets):
        parser.error("--failures lists individual questions: never on a held-out set")
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        state = build_state(not args.no_semantic, args.cache_dir or Path(scratch))
        print(f"knowledge: {len(state.kb.visible)} facts; semantic stage: "
              f"{'off' if args.no_semantic else state.runtime.model_id if state.runtime else 'off'}; "
              f"ready in {time.perf_counter() - started:.1f} s")
        everything = {}
        for path in sets:
            entries = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
            groups, failures = evaluate(state, entries)
            everything[path.name] = report(f"{path.name}: {len(entries)} questions", groups)
            if args.failures:
                for entry, answer in failures:
                    got = answer.fact.id if answer.fact else f"abstained ({answer.missing_detail or 'no detail'})"
                    top = ", ".join(f"{c.fact.id}:{c.confidence:.0f}" for c in answer.candidates[:3])
                    print(f"  FAIL [{entry['kind']}/{entry.get('lang', 'en')}] {entry['q']!r}\n"
                          f"       expected {entry.get('expect')}, got {got}; route {answer.route}; {top}")
        if args.json:
            args.json.write_text(json.dumps(everything, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
