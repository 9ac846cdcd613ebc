"""Interactive console chat: line editing and history when on a terminal, plain lines otherwise."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.adapters.console.render import render_answer
from bot.core.service import AskContext, FactBot
from bot.settings import Settings

_BANNER = (
    "factbot console: ask a question, or type /topics, /fact ID, /help or /quit.\n"
    "Knowledge: {facts} facts in {topics} topics."
)
_HELP = """Ask in your own words, for example "does china recognize kosovo?".
  /topics    what I know about
  /fact ID   one fact by its id
  /quit      leave (Ctrl-D works too)"""


async def _reply(bot: FactBot, line: str, context: AskContext) -> str | None:
    """The console's reply to one line; ``None`` means leave."""
    text = line.strip()
    if text in {"/quit", "/exit", "/q"}:
        return None
    if text in {"/help", "help", "?"}:
        return _HELP
    if text == "/topics":
        return "\n".join(
            f"{topic}:\n" + "\n".join(f"  {f.id}: {f.title}" for f in facts) for topic, facts in bot.topics().items()
        )
    if text.startswith("/fact"):
        fact_id = text.removeprefix("/fact").strip()
        fact = bot.fact(fact_id)
        if fact is None:
            return f"No fact with id {fact_id!r}. /topics lists them."
        return f"{fact.title}\n\n{fact.answer}\n\nSource: {fact.source_line()}"
    if not text:
        return ""
    return render_answer(await bot.ask(text, context))


def run_chat(knowledge_dir: Path, history_file: Path | None = None, settings: Settings | None = None) -> int:
    """Chat on the console; questions are logged like any platform's (to the configured database)."""
    return asyncio.run(_chat(knowledge_dir, history_file, settings))


async def _chat(knowledge_dir: Path, history_file: Path | None, settings: Settings | None) -> int:
    from bot.app import running_bot
    from bot.settings import load_settings

    settings = settings or load_settings()
    if history_file is None:
        # Line history survives restarts, beside the local database.
        history_file = settings.database.factbot_data_dir / "chat-history"
    async with running_bot(settings, knowledge_dir=knowledge_dir) as bot:
        return await _loop(bot, history_file)


async def _loop(bot: FactBot, history_file: Path) -> int:
    context = AskContext(platform="console", community="console", channel="console", user="console")
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    print(_BANNER.format(facts=len(bot.knowledge.visible), topics=len(bot.topics())))
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
        read = lambda: asyncio.to_thread(input, "you> ")  # noqa: E731
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
