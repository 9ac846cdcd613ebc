"""The Slack front end (slack_bolt): slash commands, mentions, direct messages and Block Kit.

* ``app.py``: builds the bolt app and registers the features.
* ``ask.py``: members' questions (``/ask``, mentions, direct messages) and answer buttons.
* ``moderation.py``: the moderators' ``/kb`` command and the fact modal.
* ``server.py``: Socket Mode and HTTP runners.
* ``_blocks.py``, ``_forms.py``, ``_reply.py``, ``_text.py``: Block Kit, the fact form, delivery
  with retries, and escaping.

Only this package imports ``slack_bolt``/``slack_sdk``; the answers come from :mod:`bot.core`.
"""
