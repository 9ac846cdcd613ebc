"""Interactive console chat: line editing and history when on a terminal, plain lines otherwise.

A line is a question, or a ``/command``; ``quit``, ``exit``, ``bye`` (and ``/quit``, ``q``, ``exit()``, …)
end the chat. Only questions reach the bot and its question log: an exit word or a mistyped command
never lands in the moderators' unanswered queue. Console questions are logged under the user id
``console`` (``factbot kb forget-user console console`` deletes them).
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from bot.adapters.console.render import bullets, labelled, paragraphs, render_answer, terminal_width
from bot.core.service import AskContext, FactBot
from bot.settings import Settings

#: The user id (and community and channel) console questions are logged under.
CONSOLE_USER = "console"

_BANNER = (
    "factbot console: ask a question, or type /topics, /fact ID, /help or quit.\n"
    "Knowledge: {facts} facts in {topics} topics."
)
_HELP = """Ask in your own words, for example "does china recognize kosovo?".
  /topics    what I know about
  /fact ID   one fact by its id
  /ask TEXT  the question TEXT (also when it starts with a slash)
  quit       leave (also exit, bye, /quit, Ctrl-D)"""
#: Lines that end the chat, compared case-insensitively without the punctuation around them.
EXIT_WORDS = frozenset(
    {"quit", "exit", "bye", "goodbye", "q", ":q", ":wq", "quit()", "exit()", "/quit", "/exit", "/q", "/bye", "\\q"}
)


def is_exit(text: str) -> bool:
    return text.strip().strip(".!;").casefold() in EXIT_WORDS


async def _reply(bot: FactBot, line: str, context: AskContext) -> str | None:
    """The console's reply to one line; ``None`` means leave."""
    text = line.strip()
    width = terminal_width()
    if is_exit(text):
        return None
    if text.casefold() in {"/help", "help", "?", "/?"}:
        return _HELP
    command, _, argument = text.partition(" ")
    command = command.casefold()
    if command == "/ask":
        text = argument.strip()
    elif command == "/topics":
        return "\n".join(
            f"{topic}:\n" + "\n".join(bullets((f"{f.id}: {f.title}" for f in facts), width))
            for topic, facts in bot.topics().items()
        )
    elif command == "/fact":
        fact_id = argument.strip()
        fact = bot.fact(fact_id)
        if fact is None:
            return f"No fact with id {fact_id!r}. /topics lists them."
        source = labelled("Source", fact.source_line(), width)
        return "\n\n".join([paragraphs(fact.title, width), paragraphs(fact.answer, width), source])
    elif command.startswith("/"):
        return f"Unknown command {command}: type /help for the commands, or ask a question."
    if not text:
        return ""
    return render_answer(await bot.ask(text, context), width)


def run_chat(
    knowledge_dir: Path,
    history_file: Path | None = None,
    settings: Settings | None = None,
    *,
    dashboard: bool = False,
) -> int:
    """Chat on the console; questions are logged like any platform's (to the configured database).

    With ``dashboard`` (``factbot run``), the moderators' dashboard is served beside it when
    ``FACTBOT_DASHBOARD_PORT`` is set, and a sign-in link is printed first.
    SIGTERM stops it as Ctrl-D does: the buffered questions are written first.
    """
    from bot.app import run_service

    return run_service(_chat(knowledge_dir, history_file, settings, dashboard))


class _StdinLines:
    """The lines of a standard input that is not a terminal (a pipe, a file), as text, one per
    :meth:`readline`, as ``input()`` reads them.

    A daemon thread reads them from the file descriptor: a thread blocked in a read must not keep a
    stopping process alive (the event loop waits for its worker threads on exit), nor hold the lock
    of ``sys.stdin``'s buffer that the interpreter takes as it exits. Bytes that are not UTF-8
    become U+FFFD, so whatever arrives is answered and logged as valid text.
    """

    def __init__(self) -> None:
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._wanted = threading.Semaphore(0)
        self._loop = asyncio.get_running_loop()
        try:
            fd: int | None = sys.stdin.fileno()
        except (AttributeError, OSError, ValueError):  # replaced by an object without a descriptor
            fd = None
        threading.Thread(target=self._read, args=(fd,), name="factbot-stdin", daemon=True).start()

    def _read(self, fd: int | None) -> None:
        lines = _lines_of(fd)
        while True:
            self._wanted.acquire()  # one line per readline(), none read ahead
            line = next(lines, None)
            try:
                self._loop.call_soon_threadsafe(self._lines.put_nowait, line)
            except RuntimeError:  # the loop is closed: the chat is over
                return
            if line is None:
                return

    async def readline(self, prompt: str) -> str:
        sys.stdout.write(prompt)
        sys.stdout.flush()
        self._wanted.release()
        line = await self._lines.get()
        if line is None:
            raise EOFError
        return line.rstrip("\r\n")


def _lines_of(fd: int | None) -> Iterator[str]:
    """Lines of ``fd`` decoded as UTF-8 with replacement (of ``sys.stdin`` when there is no descriptor)."""
    if fd is None:
        yield from iter(sys.stdin.readline, "")
        return
    pending = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            if pending:
                yield pending.decode("utf-8", "replace")
            return
        *complete, pending = (pending + chunk).split(b"\n")
        for raw in complete:
            yield raw.decode("utf-8", "replace")


async def _chat(knowledge_dir: Path, history_file: Path | None, settings: Settings | None, dashboard: bool) -> int:
    from bot.app import running_bot
    from bot.settings import load_settings

    settings = settings or load_settings()
    if history_file is None:
        # Line history survives restarts, beside the local database.
        history_file = settings.database.factbot_data_dir / "chat-history"
    async with running_bot(settings, knowledge_dir=knowledge_dir, dashboard=dashboard) as bot:
        if dashboard and settings.dashboard.port is not None:
            print(await _dashboard_line(bot))
        return await _loop(bot, history_file)


async def _dashboard_line(bot: FactBot) -> str:
    """The dashboard's address with a sign-in link for whoever runs the console (the operator)."""
    import getpass

    from bot.core.moderation import Actor, StorageUnavailable

    try:
        link = await bot.access.mint_link(Actor(platform="console", user=getpass.getuser()))
    except StorageUnavailable:
        return f"Moderator dashboard: {bot.access.base_url} (no sign-in link: the database is unavailable)"
    return (
        f"Moderator dashboard: {link.url}\n"
        "  (a sign-in link: it works once, for 10 minutes; `factbot kb dashboard-link` makes another)"
    )


async def _loop(bot: FactBot, history_file: Path) -> int:
    context = AskContext(platform="console", community=CONSOLE_USER, channel=CONSOLE_USER, user=CONSOLE_USER)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    print(paragraphs(_BANNER.format(facts=len(bot.knowledge.visible), topics=len(bot.topics())), terminal_width()))
    if interactive:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import FileHistory, History, InMemoryHistory

        try:
            history_file.parent.mkdir(parents=True, exist_ok=True)
            history: History = FileHistory(str(history_file))
        except OSError:
            history = InMemoryHistory()
        session: PromptSession[str] = PromptSession(history=history)
        read = lambda: session.prompt_async("you> ")  # noqa: E731
    else:
        lines = _StdinLines()
        read = lambda: lines.readline("you> ")  # noqa: E731
    while True:
        try:
            line = await read()
        except EOFError:
            print()
            return 0
        except KeyboardInterrupt:
            continue
        reply = await _reply(bot, line, context)
        if reply is None:
            return 0
        if reply:
            print(reply)
            print()
