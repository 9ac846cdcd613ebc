"""``factbot kb …``: the moderation use-cases from the command line.

Each command builds the bot as every front end does (:func:`bot.app.create_bot`), runs one use-case
and prints what the chat front ends would show. Running bots learn about edits and reloads through
the database (at once on PostgreSQL, within seconds on SQLite), so these commands act on them too.

Exit codes: 0 done; 1 rejected (invalid fact, unknown id, knowledge errors); 3 database unavailable.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

EXIT_REJECTED = 1
EXIT_UNAVAILABLE = 3

Handler = Callable[[Any, argparse.Namespace], Awaitable[int]]


def _actor(args: argparse.Namespace) -> Any:
    from bot.core.moderation import Actor

    user = os.environ.get("FACTBOT_ACTOR") or getpass.getuser()
    return Actor(platform="cli", user=user, name=args.actor_name)


def _json_default(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    return str(value)


def _print_json(value: Any) -> None:
    if dataclasses.is_dataclass(value):
        value = dataclasses.asdict(value)
    elif isinstance(value, list):
        value = [dataclasses.asdict(v) if dataclasses.is_dataclass(v) else v for v in value]
    print(json.dumps(value, default=_json_default, ensure_ascii=False, indent=2))


def _read_document(source: str) -> tuple[Any, str]:
    """Parse a YAML (or JSON) file, or stdin for ``-``, keeping line numbers; (data, label)."""
    from bot.core.knowledge import KnowledgeError
    from bot.core.knowledge.loader import parse_yaml

    label = "<stdin>" if source == "-" else source
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    try:
        return parse_yaml(text, label), label
    except KnowledgeError as exc:
        raise _Rejected([str(problem) for problem in exc.problems]) from exc


class _Rejected(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _fact_documents(data: Any, label: str) -> list[Any]:
    if isinstance(data, dict) and set(data) == {"facts"}:
        facts = data["facts"]
        if not isinstance(facts, list) or not facts:
            raise _Rejected([f"{label}: 'facts' must be a non-empty list"])
        return list(facts)
    if isinstance(data, dict):
        return [data]
    raise _Rejected([f"{label}: expected a fact (a mapping) or a mapping with a 'facts' list"])


# -- commands ----------------------------------------------------------------------------------------


async def _reload(bot: Any, args: argparse.Namespace) -> int:
    report = await bot.reload(_actor(args), force=args.force)
    if report.refused:
        print(f"Reload refused, the last good knowledge base stays in service: {report.refused}.")
        print("If that is what you mean, run: factbot kb reload --force")
        return EXIT_REJECTED
    if not report.ok:
        print(f"Reload failed; the last good knowledge base stays in service. {len(report.problems)} problem(s):")
        for problem in report.problems:
            print(f"  {problem}")
        return EXIT_REJECTED
    print(f"Reloaded: {report.fact_count} facts. Running instances reload too.")
    for warning in report.warnings:
        print(f"  warning: {warning}")
    return 0


async def _stats(bot: Any, args: argparse.Namespace) -> int:
    from bot.core.moderation import render_stats

    stats = await bot.stats(days=args.days, community=args.community, platform=args.platform)
    _print_json(stats) if args.json else print(render_stats(stats))
    return 0


async def _unanswered(bot: Any, args: argparse.Namespace) -> int:
    from bot.core.moderation import render_unanswered

    groups = await bot.unanswered(days=args.days, community=args.community, limit=args.limit, platform=args.platform)
    _print_json(groups) if args.json else print(render_unanswered(groups))
    return 0


async def _add(bot: Any, args: argparse.Namespace) -> int:
    from bot.core.knowledge import Problem, validate_fact

    data, label = _read_document(args.file)
    documents = _fact_documents(data, label)
    problems: list[Problem] = []
    for document in documents:
        validate_fact(document, label, problems)
    if problems:
        raise _Rejected([str(p) for p in problems])
    labels = [f"{label}:{getattr(document, 'line', '?')}" for document in documents]
    facts = await bot.add_facts([dict(document) for document in documents], _actor(args), labels=labels)
    for fact in facts:
        print(f"Added {fact.id} ({fact.topic}): {fact.title}")
    return 0


def _edit_changes(bot: Any, args: argparse.Namespace) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if args.file:
        data, label = _read_document(args.file)
        if not isinstance(data, dict):
            raise _Rejected([f"{label}: expected a mapping of the fields to change"])
        changes.update(dict(data))
    for field in ("title", "summary", "answer", "topic"):
        value = getattr(args, field)
        if value is not None:
            changes[field] = value
    fact = bot.fact(args.fact_id)
    if fact is None:
        return changes
    for field in ("questions", "tags", "keywords", "related"):
        additions = getattr(args, f"add_{field}") or []
        removals = getattr(args, f"remove_{field}") or []
        if not additions and not removals:
            continue
        current = list(changes.get(field, getattr(fact, field)))
        folded = {value.casefold() for value in removals}
        missing = [value for value in removals if value.casefold() not in {c.casefold() for c in current}]
        if missing:
            raise _Rejected([f"{args.fact_id}: {field} has no {value!r} to remove" for value in missing])
        changes[field] = [value for value in current if value.casefold() not in folded] + additions
    return changes


async def _edit(bot: Any, args: argparse.Namespace) -> int:
    changes = _edit_changes(bot, args)
    if not changes:
        raise _Rejected(["nothing to change: give a file of fields or flags such as --answer, --add-question"])
    before = bot.fact(args.fact_id)
    fact = await bot.edit_fact(args.fact_id, changes, _actor(args))
    changed = sorted(k for k in changes if before is None or getattr(before, k) != getattr(fact, k))
    print(f"Edited {fact.id}: {', '.join(changed) if changed else 'no change'}")
    return 0


async def _hide(bot: Any, args: argparse.Namespace) -> int:
    fact = await bot.set_hidden(args.fact_id, args.hidden, _actor(args))
    print(f"{'Hidden' if fact.hidden else 'Visible again'}: {fact.id} ({fact.title})")
    return 0


async def _revert(bot: Any, args: argparse.Namespace) -> int:
    fact = await bot.revert_fact(args.fact_id, _actor(args))
    if fact is None:
        print(f"Reverted {args.fact_id}: it was added at runtime and is gone now")
    else:
        print(f"Reverted {args.fact_id}: back to the knowledge files' version")
    return 0


async def _export(bot: Any, args: argparse.Namespace) -> int:
    target = Path(args.out).expanduser().resolve() if args.out else None
    result = await bot.export(target, actor=_actor(args))
    if not result.files:
        print("Nothing to export: there are no runtime edits.")
        return 0
    if result.not_written:
        print(f"error: {result.not_written}: nothing was written. Export elsewhere: --out DIR", file=sys.stderr)
        return EXIT_REJECTED
    print(f"Wrote {len(result.written)} file(s); review them (git diff) and commit:")
    for path in result.written:
        print(f"  {path}")
    return 0


async def _teach(bot: Any, args: argparse.Namespace) -> int:
    from bot.adapters.console.render import render_impact

    impact = await bot.curation.preview_teach(args.fact_id, args.questions, days=args.days)
    print(render_impact(impact))
    if args.dry_run:
        return 0
    fact = await bot.curation.teach(args.fact_id, args.questions, _actor(args))
    print(f"Taught {fact.id}: it has {len(fact.questions)} phrasings now.")
    return 0


async def _dismiss(bot: Any, args: argparse.Namespace) -> int:
    count = await bot.curation.dismiss(args.questions, _actor(args))
    print(f"Dismissed {count} question(s): they stay out of the unanswered queue (undismiss puts them back).")
    return 0


async def _undismiss(bot: Any, args: argparse.Namespace) -> int:
    count = await bot.curation.undismiss(args.questions, _actor(args))
    print(f"Put back {count} question(s) in the unanswered queue.")
    return 0


async def _explain(bot: Any, args: argparse.Namespace) -> int:
    from bot.adapters.console.render import render_explanation

    print(render_explanation(bot.curation.explain(args.question)))
    return 0


async def _dashboard_link(bot: Any, args: argparse.Namespace) -> int:
    link = await bot.access.mint_link(_actor(args))
    print(link.url)
    print(f"(a sign-in link to the dashboard: it works once, until {link.expires_at:%H:%M} UTC)", file=sys.stderr)
    return 0


async def _purge(bot: Any, args: argparse.Namespace) -> int:
    removed = await bot.purge(actor=_actor(args))
    print(f"Purged {removed} logged question(s) older than the retention period.")
    return 0


async def _forget(bot: Any, args: argparse.Namespace) -> int:
    removed = await bot.forget_user(args.platform, args.user, actor=_actor(args))
    print(f"Deleted {removed} logged question(s) and feedback of that user.")
    return 0


async def _audit(bot: Any, args: argparse.Namespace) -> int:
    from bot.core.moderation import render_audit

    entries = await bot.audit(limit=args.limit, fact_id=args.fact)
    _print_json(entries) if args.json else print(render_audit(entries))
    return 0


# -- plumbing ----------------------------------------------------------------------------------------


async def _run(handler: Handler, args: argparse.Namespace) -> int:
    from bot.app import command_bot

    knowledge = Path(args.knowledge).expanduser().resolve() if getattr(args, "knowledge", None) else None
    async with command_bot(knowledge) as bot:
        return await handler(bot, args)


def _command(handler: Handler) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        import asyncio

        from bot.core.moderation import FactRejected, ModerationError, StorageUnavailable

        try:
            return asyncio.run(_run(handler, args))
        except StorageUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_UNAVAILABLE
        except (FactRejected, _Rejected) as exc:
            problems = exc.problems
            print(f"error: rejected ({len(problems)} problem{'s' if len(problems) != 1 else ''}):", file=sys.stderr)
            for problem in problems:
                print(f"  {problem}", file=sys.stderr)
            return EXIT_REJECTED
        except ModerationError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_REJECTED
        except OSError as exc:
            print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_REJECTED

    return run


def register(subparsers: argparse._SubParsersAction, *, subcommands: bool = True) -> argparse.ArgumentParser:
    """Add ``kb`` and its subcommands to the ``factbot`` parser (``subcommands=False``: ``kb`` alone,
    as ``factbot --help`` lists it, for a command line that does not name ``kb``)."""
    kb = subparsers.add_parser(
        "kb",
        help="moderate the knowledge base: stats, unanswered questions, runtime edits, export, privacy",
        description="Moderate the knowledge base from the shell: the use-cases of /kb on Discord and Slack, and "
        "privacy. Exit status: 0 done, 1 rejected (the reasons are printed), 3 database unavailable.",
    )
    if not subcommands:
        return kb
    kb.add_argument("--as", dest="actor_name", metavar="NAME", help="name recorded in the audit log")
    sub = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND", required=True)

    def add(name: str, handler: Handler, help: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help, description=help)
        command.set_defaults(handler=_command(handler))
        return command

    def period(command: argparse.ArgumentParser, days: int) -> None:
        command.add_argument("--days", type=int, default=days, help=f"period in days (default {days})")
        command.add_argument("--community", help="only this guild/workspace id (default: all)")
        command.add_argument("--platform", help="only this platform: discord, slack or console (default: all)")
        command.add_argument("--json", action="store_true", help="print JSON")

    reload = add("reload", _reload, "re-read the knowledge files; on errors the running bots keep the last good ones")
    reload.add_argument(
        "--force",
        action="store_true",
        help="reload even when the files hold far fewer facts or synonym groups than are being served "
        "(more than a quarter fewer)",
    )
    period(add("stats", _stats, "questions per day, answer rate, most asked facts, helpful ratio, slowest answers"), 7)
    unanswered = add("unanswered", _unanswered, "the curation queue: unanswered or unhelpful questions, grouped")
    period(unanswered, 30)
    unanswered.add_argument("--limit", type=int, default=10, help="groups to show (default 10)")

    adding = add(
        "add",
        _add,
        "add facts from a YAML/JSON file ('-': stdin): one fact, or a mapping with 'facts' (all of them, or none)",
    )
    adding.add_argument("file", help="fact file, or '-' for stdin")

    edit = add("edit", _edit, "change a fact: fields from a YAML/JSON file and/or flags")
    edit.add_argument("fact_id", metavar="FACT")
    edit.add_argument("file", nargs="?", help="YAML/JSON mapping of fields to set ('-': stdin)")
    edit.add_argument("--title")
    edit.add_argument("--summary", help="the one-line preview shown in fact menus")
    edit.add_argument("--answer")
    edit.add_argument("--topic")
    for field, singular in (
        ("questions", "question"),
        ("tags", "tag"),
        ("keywords", "keyword"),
        ("related", "related"),
    ):
        edit.add_argument(f"--add-{singular}", dest=f"add_{field}", action="append", metavar="TEXT")
        edit.add_argument(f"--remove-{singular}", dest=f"remove_{field}", action="append", metavar="TEXT")

    hide = add("hide", _hide, "hide a fact from answers (kept for moderators)")
    hide.add_argument("fact_id", metavar="FACT")
    hide.set_defaults(hidden=True)
    unhide = add("unhide", _hide, "show a hidden fact again")
    unhide.add_argument("fact_id", metavar="FACT")
    unhide.set_defaults(hidden=False)
    revert = add("revert", _revert, "drop a fact's runtime edits (back to the knowledge files)")
    revert.add_argument("fact_id", metavar="FACT")

    export = add(
        "export",
        _export,
        "write runtime edits as knowledge files to review and commit (all files as one step; exit 1 when the "
        "directory is read-only)",
    )
    export.add_argument("--out", metavar="DIR", help="write under DIR instead of the knowledge directory")

    teach = add("teach", _teach, "add questions members asked as phrasings of a fact (shows the impact first)")
    teach.add_argument("fact_id", metavar="FACT")
    teach.add_argument("questions", nargs="+", metavar="QUESTION")
    teach.add_argument("--dry-run", action="store_true", help="only show what would change")
    teach.add_argument("--days", type=int, default=30, help="period the impact is measured over (default 30)")
    dismiss = add("dismiss", _dismiss, "keep questions out of the unanswered queue (reversible)")
    dismiss.add_argument("questions", nargs="+", metavar="QUESTION")
    undismiss = add("undismiss", _undismiss, "put dismissed questions back in the unanswered queue")
    undismiss.add_argument("questions", nargs="+", metavar="QUESTION")
    explain = add("explain", _explain, "why a question gets its answer: words, weights, candidates, penalties")
    explain.add_argument("question")
    link = add("dashboard-link", _dashboard_link, "print a one-time sign-in link to the dashboard (10 minutes)")
    link.add_argument(
        "--as", dest="actor_name", metavar="NAME", default=argparse.SUPPRESS, help="name recorded in the audit log"
    )

    add("purge", _purge, "delete logged questions older than FACTBOT_RETENTION_DAYS")
    forget = add("forget-user", _forget, "delete one member's logged questions and feedback")
    forget.add_argument("platform", help="discord, slack or console")
    forget.add_argument("user", help="the member's platform user id")

    audit = add("audit", _audit, "who changed what, newest first")
    audit.add_argument("--limit", type=int, default=20)
    audit.add_argument("--fact", help="only entries about this fact id")
    audit.add_argument("--json", action="store_true", help="print JSON")
    return kb
