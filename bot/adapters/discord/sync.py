"""``factbot discord sync [--guild ID]``: publish the slash commands on purpose, not on every start.

A guild sync is instant (use it while developing, or set ``FACTBOT_DISCORD_DEV_GUILD``); a global
sync reaches every server but Discord may take a while to show it.
"""

from __future__ import annotations

import argparse

# discord.py is imported by the handler, not here: building the CLI's parser must stay cheap.


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``discord`` command group to the ``factbot`` command line."""
    group = subparsers.add_parser("discord", help="Discord administration", description="Discord administration")
    commands = group.add_subparsers(dest="discord_command", metavar="COMMAND", required=True)
    sync = commands.add_parser(
        "sync",
        help="publish the slash commands (to one guild, else the dev guild, else globally)",
        description="Publish the slash commands: to --guild, else to FACTBOT_DISCORD_DEV_GUILD, else globally.",
    )
    sync.add_argument("--guild", type=int, metavar="ID", help="guild id (instant; default: the dev guild setting)")
    sync.add_argument("--global", dest="global_sync", action="store_true", help="sync globally even if a dev guild is set")
    sync.set_defaults(handler=_cmd_sync)


def _cmd_sync(args: argparse.Namespace) -> int:
    import asyncio

    from bot.settings import load_settings

    settings = load_settings()
    if getattr(args, "knowledge", None):
        from pathlib import Path

        settings.knowledge.knowledge_dir = Path(args.knowledge).expanduser().resolve()
    guild_id = None if args.global_sync else args.guild or settings.discord.factbot_discord_dev_guild
    names, where = asyncio.run(publish(settings, guild_id))  # a refused setting is one line (bot.cli.main)
    print(f"Synced {len(names)} commands {where}: {', '.join(sorted(names))}")
    return 0


async def publish(settings, guild_id: int | None) -> tuple[list[str], str]:  # noqa: ANN001 - Settings, lazily imported
    """Log in over REST only (no gateway), sync, and return the synced names and where they went."""
    import discord

    from bot.adapters.discord.client import DiscordSetupError, create_client, settings_explained, sync_commands
    from bot.core.service import FactBot

    if settings.discord.discord_token is None:
        raise DiscordSetupError("DISCORD_TOKEN is not set.")
    factbot = FactBot(settings.knowledge.knowledge_dir)
    with settings_explained():
        client = create_client(factbot, settings.discord, sync_dev_guild=False)
        async with client:
            await client.login(settings.discord.discord_token.get_secret_value())
            try:
                synced = await sync_commands(client, guild_id)
            except discord.Forbidden as exc:
                where = f"to the server {guild_id}" if guild_id is not None else "globally"
                raise DiscordSetupError(
                    f"Discord refused to publish the commands {where} ({exc.status} {exc.text}): invite the bot "
                    "there with the applications.commands scope, or check --guild / FACTBOT_DISCORD_DEV_GUILD"
                ) from exc
    where = f"to guild {guild_id}" if guild_id is not None else "globally"
    return [command.name for command in synced], where
