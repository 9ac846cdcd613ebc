"""The Slack front end (slack_bolt): slash commands, mentions, direct messages and Block Kit.

* ``app.py``: builds the bolt app and registers the features.
* ``ask.py``: members' questions (``/ask``, mentions, direct messages) and answer buttons.
* ``moderation.py``: the moderators' ``/kb`` command and the fact modal.
* ``server.py``: Socket Mode and HTTP runners (token check at start, reconnection with backoff).
* ``_blocks.py``, ``_forms.py``, ``_reply.py``, ``_text.py``: Block Kit, the fact form, delivery
  with retries, and escaping.
* ``_verify.py``, ``_retries.py``: request signatures checked before anything is parsed, and
  Slack's re-deliveries of an event answered once.

Only this package imports ``slack_bolt``/``slack_sdk``; the answers come from :mod:`bot.core`.
"""
