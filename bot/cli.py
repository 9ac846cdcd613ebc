"""The ``factbot`` command line (``python -m bot`` is the same program)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from bot import __version__

log = logging.getLogger("bot")

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
#: The exit status of a configuration that cannot work (a bad token, a malformed DATABASE_URL, …).
EXIT_MISCONFIGURED = 2


def _knowledge_dir(args: argparse.Namespace) -> Path:
    if getattr(args, "knowledge", None):
        return Path(args.knowledge).expanduser().resolve()
    from bot.settings import KnowledgeSettings

    return KnowledgeSettings().knowledge_dir


def _with_bot(args: argparse.Namespace, work: Callable[[Any], int]) -> int:
    """Run ``work`` on the knowledge as members see it: the files plus the runtime edits stored in
    the database (when there is one). Nothing is logged; an unreachable database leaves the files
    alone (the storage layer warns). Without a database no event loop is started."""
    from bot.core import gcpause

    with gcpause.paused(freeze=True):  # modules, settings, the knowledge: all kept to the end
        from bot.app import command_bot, reading_bot
        from bot.settings import load_settings

        knowledge_dir = _knowledge_dir(args)
        settings = load_settings()
        bot = reading_bot(knowledge_dir, settings)
    if bot is not None:
        return work(bot)

    async def run() -> int:
        async with command_bot(knowledge_dir, settings=settings) as bot:
            return work(bot)

    import asyncio

    return asyncio.run(run())


def _cmd_ask(args: argparse.Namespace) -> int:
    def show(answer: Any) -> str:
        if args.json:
            return json.dumps(answer.to_json(), ensure_ascii=False)
        from bot.adapters.console.render import render_answer  # not imported for JSON

        return render_answer(answer)

    def work(bot: Any) -> int:
        if args.question == "-":
            for line in _stdin_lines():
                _emit(show(bot.answer(line)), as_json=args.json)
        else:
            _emit(show(bot.answer(args.question)), as_json=args.json)
        return 0

    return _with_bot(args, work)


def _stdin_lines() -> Iterator[str]:
    """Standard input line by line, as it arrives; bytes that are not UTF-8 become U+FFFD, whatever
    the locale (a strict one raised on them, after which no later line was answered)."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # replaced by a text stream
        yield from (line.rstrip("\r\n") for line in sys.stdin)
        return
    for raw in iter(stream.readline, b""):
        yield raw.decode("utf-8", "replace").rstrip("\r\n")


def _emit(text: str, *, as_json: bool) -> None:
    """Print one result and flush it. JSON is always UTF-8, as the format requires (under an ASCII
    or C locale, text went out as raw bytes or raised); text is in the terminal's encoding."""
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
        return
    sys.stdout.flush()
    encoding = "utf-8" if as_json else sys.stdout.encoding or "utf-8"
    stream.write((text + "\n").encode(encoding, "replace"))
    stream.flush()


def _cmd_validate(args: argparse.Namespace) -> int:
    """Load the knowledge (file:line errors), then run the curator's checks: answers' length, and,
    against the source documents (``--against``, else those ``sources.yaml`` names), copied runs
    and section headings. Exit 1 on any problem or finding, 2 when a named document is unreadable."""
    from bot.core.knowledge import KnowledgeError, load_knowledge
    from bot.core.knowledge.curation import SourceReadError, check_knowledge, read_document, setting_documents

    directory = Path(args.path).expanduser().resolve() if args.path else _knowledge_dir(args)
    try:
        kb = load_knowledge(directory)
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 1
    for warning in kb.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.against:
        try:
            documents = [read_document(Path(name).expanduser(), name) for name in args.against]
        except SourceReadError as exc:
            print(f"factbot validate: {exc}", file=sys.stderr)
            return 2
        setting_problems = []
    else:
        documents, setting_problems = setting_documents(directory)
    if args.headings:
        for document in documents:
            print(document.label)
            for level, heading in document.headings:
                print(f"{'  ' * level}{heading}")
        if setting_problems:
            print(KnowledgeError(setting_problems), file=sys.stderr)
        return 1 if setting_problems else 0
    findings = setting_problems + check_knowledge(
        directory, kb, documents, min_run=args.min_run, max_words=args.max_words
    )
    if findings:
        print(KnowledgeError(findings), file=sys.stderr)
        return 1
    questions = sum(len(f.questions) for f in kb.facts)
    print(f"OK: {len(kb.facts)} facts, {questions} phrasings, {len(kb.topics)} topics, "
          f"{len(kb.synonyms.groups)} synonym and {len(kb.synonyms.related)} related-term groups in {directory}")
    checked = f"every answer at most {args.max_words} words"
    if documents:
        names = ", ".join(d.label for d in documents)
        checked += f"; no run of {args.min_run}+ words copied from {names}; every section a heading of its source"
    print(f"Checked: {checked}")
    return 0


def _cmd_facts(args: argparse.Namespace) -> int:
    def work(bot: Any) -> int:
        facts = bot.knowledge.facts
        if args.topic:
            facts = tuple(f for f in facts if f.topic.casefold() == args.topic.casefold())
        column = max((len(f.id) for f in facts), default=0)
        for fact in facts:
            if args.json:
                fields = {"fact_id": fact.id, "title": fact.title, "summary": fact.summary, "topic": fact.topic}
                print(json.dumps({**fields, "hidden": fact.hidden}, ensure_ascii=False))
                continue
            hidden = " (hidden)" if fact.hidden else ""
            print(f"{fact.id:<{column}}  {fact.title}{hidden}")
        return 0

    return _with_bot(args, work)


def _cmd_topics(args: argparse.Namespace) -> int:
    def work(bot: Any) -> int:
        topics = bot.topics()
        column = max((len(f.id) for facts in topics.values() for f in facts), default=0)
        for topic, facts in topics.items():
            print(f"{topic} ({len(facts)})")
            for fact in facts:
                print(f"  {fact.id:<{column}}  {fact.title}")
        return 0

    return _with_bot(args, work)


def _cmd_chat(args: argparse.Namespace) -> int:
    from bot.adapters.console.chat import run_chat

    return run_chat(_knowledge_dir(args))


def _cmd_run(args: argparse.Namespace) -> int:
    """Every platform whose token is set, side by side on one event loop; else the console chat."""
    from bot.settings import load_settings

    settings = load_settings()
    settings.knowledge.knowledge_dir = _knowledge_dir(args)
    platforms: list[Callable[[Any], Awaitable[None]]] = []
    if settings.discord.discord_token is not None:
        from bot.adapters.discord.client import run_discord

        platforms.append(lambda factbot: run_discord(factbot, settings.discord))
    if settings.slack.slack_bot_token is not None:
        from bot.adapters.slack.server import check_slack_settings, run_slack

        check_slack_settings(settings.slack)  # a SettingError before anything starts
        platforms.append(lambda factbot: run_slack(factbot, settings.slack))
    if not platforms:
        if getattr(args, "platforms_only", False):
            print(
                "factbot run: no platform to serve: set DISCORD_TOKEN and/or SLACK_BOT_TOKEN "
                "(see .env.example)",
                file=sys.stderr,
            )
            return 2
        if not sys.stdin.isatty():
            print(
                "factbot run: neither DISCORD_TOKEN nor SLACK_BOT_TOKEN is set, so the console chat "
                "answers standard input (set a token to serve Discord or Slack)",
                file=sys.stderr,
            )
        from bot.adapters.console.chat import run_chat

        return run_chat(settings.knowledge.knowledge_dir, settings=settings, dashboard=True)
    from bot.app import run_service

    return run_service(_serve(settings, platforms))


#: Port of ``factbot dashboard`` when neither --port nor FACTBOT_DASHBOARD_PORT says another.
DEFAULT_DASHBOARD_PORT = 8080


def _cmd_dashboard(args: argparse.Namespace) -> int:
    """The moderators' dashboard alone (no chat platform), until interrupted."""
    from bot.settings import load_settings

    settings = load_settings()
    settings.knowledge.knowledge_dir = _knowledge_dir(args)
    if args.host:
        settings.dashboard.host = args.host
    if args.port is not None:
        settings.dashboard.port = args.port
    elif settings.dashboard.port is None:
        settings.dashboard.port = DEFAULT_DASHBOARD_PORT
    import asyncio

    return asyncio.run(_serve_dashboard(settings))


async def _serve_dashboard(settings: Any) -> int:
    import asyncio
    import signal

    from bot.app import running_bot

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with running_bot(settings) as bot:
        print(
            f"factbot dashboard on {bot.access.base_url}: sign in with a link from "
            "`factbot kb dashboard-link` (or /kb dashboard on Discord or Slack)",
            flush=True,
        )
        await stop.wait()
    return 0


async def _serve(settings: Any, platforms: Sequence[Callable[[Any], Awaitable[None]]]) -> int:
    import asyncio

    from bot.app import running_bot

    async with running_bot(settings) as factbot, asyncio.TaskGroup() as group:
        for platform in platforms:
            group.create_task(platform(factbot))
    return 0


def _at_least(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {value}")
        return value

    return parse


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The ``factbot`` command line. Given the arguments it is to parse (``argv``), and they do not
    name ``kb``, the ``kb`` command is added without its subcommands, which nothing else reaches
    (they were two thirds of the time ``factbot ask`` took to build its parser)."""
    from bot.core.knowledge.sources import DEFAULT_MAX_WORDS, DEFAULT_MIN_RUN

    parser = argparse.ArgumentParser(
        prog="factbot",
        description="A cited Q&A bot: answers questions from a curated knowledge base, "
        "and says so when it does not know.",
    )
    parser.add_argument("--version", action="version", version=f"factbot {__version__}")
    parser.add_argument(
        "--knowledge",
        metavar="DIR",
        help="knowledge directory (default: $FACTBOT_KNOWLEDGE_DIR, else the shipped knowledge/)",
    )
    parser.add_argument(
        "--log-level",
        type=str.upper,
        choices=LOG_LEVELS,
        metavar="LEVEL",
        help="DEBUG, INFO, WARNING or ERROR (default: $FACTBOT_LOG_LEVEL, else WARNING, with a line for where "
        "the bot serves); a misconfiguration is one line, its traceback only at DEBUG",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="the same as --log-level DEBUG")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help, description=help)
        command.set_defaults(handler=handler)
        return command

    ask = add("ask", _cmd_ask, "answer one question (or one per line of stdin with '-')")
    ask.add_argument(
        "question",
        help="the question, or '-' to read one question per line from stdin (bytes that are not UTF-8 read as "
        "U+FFFD; a question is cut to 2,000 characters)",
    )
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    add("chat", _cmd_chat, "interactive console chat on the knowledge base")
    run = add(
        "run",
        _cmd_run,
        "run the bot: Discord/Slack when their tokens are set, else the console chat; "
        "the dashboard beside them when FACTBOT_DASHBOARD_PORT is set",
    )
    run.add_argument(
        "--platforms-only",
        action="store_true",
        help="exit with an error instead of opening the console chat when no platform token is set "
        "(for services and containers)",
    )
    dashboard = add("dashboard", _cmd_dashboard, "serve the moderators' dashboard alone (no chat platform)")
    dashboard.add_argument("--host", help="listen address (default: $FACTBOT_DASHBOARD_HOST, else 127.0.0.1)")
    dashboard.add_argument(
        "--port", type=int, help=f"port (default: $FACTBOT_DASHBOARD_PORT, else {DEFAULT_DASHBOARD_PORT})"
    )
    validate = add(
        "validate",
        _cmd_validate,
        "validate knowledge files and check them against their source documents; list every problem "
        "with file:line",
    )
    validate.add_argument("path", nargs="?", help="knowledge directory (default: the configured one)")
    validate.add_argument(
        "--against",
        nargs="+",
        metavar="SOURCE_FILE",
        help="check against these UTF-8 text documents instead of those the directory's sources.yaml "
        "names (give PATH before this option)",
    )
    validate.add_argument(
        "--min-run",
        type=_at_least(2),
        default=DEFAULT_MIN_RUN,
        metavar="N",
        help=f"report runs of N or more consecutive words copied from a source (default {DEFAULT_MIN_RUN})",
    )
    validate.add_argument(
        "--max-words",
        type=_at_least(1),
        default=DEFAULT_MAX_WORDS,
        metavar="N",
        help=f"report answers of more than N words (default {DEFAULT_MAX_WORDS})",
    )
    validate.add_argument(
        "--headings",
        action="store_true",
        help="list the headings recognised in the source documents (sections may cite them) and exit",
    )
    facts = add("facts", _cmd_facts, "list the facts of the knowledge base")
    facts.add_argument("--topic", help="only the facts of this topic")
    facts.add_argument(
        "--json", action="store_true", help="one JSON object per fact: fact_id, title, summary, topic, hidden"
    )
    add("topics", _cmd_topics, "list topics and their facts")
    from bot.adapters.discord.sync import register as register_discord

    register_discord(sub)
    from bot.cli_kb import register as register_kb

    register_kb(sub, subcommands=argv is None or "kb" in argv)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        # A character the terminal's encoding lacks prints as "?" rather than ending the command
        # (an answer's curly quotes under an ASCII locale), and no raw undecodable byte goes out.
        sys.stdout.reconfigure(errors="replace")
    from bot.core import gcpause

    # Building the parser imports the knowledge modules: long-lived objects only, as what a
    # command's start builds (see _with_bot), which the cyclic collector need not walk again.
    with gcpause.paused(freeze=True):
        parser = build_parser(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    from bot.observability.logs import configure_logging
    from bot.settings import LogSettings, SettingError, build_section

    if args.command is None:
        args = parser.parse_args([*(argv or sys.argv[1:]), "run"])
    try:
        # The environment, then .env; commands stay quiet unless a level is set.
        log_settings = build_section(LogSettings)
        explicit = log_settings.level.upper() if "level" in log_settings.model_fields_set else None
        if explicit is not None and explicit not in LOG_LEVELS:
            raise SettingError(f"FACTBOT_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {explicit!r}")
    except SettingError as exc:
        print(f"factbot: {exc}", file=sys.stderr)
        return EXIT_MISCONFIGURED
    args.log_level = "DEBUG" if args.verbose else args.log_level or explicit
    configure_logging(args.log_level or "WARNING", log_settings.format)
    from bot.core.knowledge import KnowledgeError

    try:
        return args.handler(args)
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        problem = setting_error(exc)
        if problem is None:
            raise
        print(f"factbot: {problem}", file=sys.stderr)
        log.debug("the misconfiguration, in full", exc_info=problem)
        return EXIT_MISCONFIGURED


def setting_error(exc: BaseException) -> Exception | None:
    """The :class:`~bot.settings.SettingError` that ``exc`` is or holds (in an exception group), if any."""
    from bot.settings import SettingError

    if isinstance(exc, SettingError):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            if (found := setting_error(inner)) is not None:
                return found
    return None
