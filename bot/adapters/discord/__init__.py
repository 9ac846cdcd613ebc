"""The Discord front end (discord.py): slash commands, components and mentions over the core.

- ``client.py``      the ``AutoShardedBot`` subclass, its settings, start-up and command sync
- ``ask.py``         ``/ask`` with autocomplete, @mentions and DMs, auto-answer channels
- ``topics.py``      ``/topics``, ``/fact``, ``/help``
- ``feedback.py``    the 👍/👎 buttons of an answer
- ``moderation.py``  ``/kb``: reload, stats, unanswered, add/edit (modals), hide/unhide, export
- ``errors.py``      the one error handler
- ``sync.py``        ``factbot discord sync``
- ``_render.py``     core results as embeds, within Discord's limits
"""
