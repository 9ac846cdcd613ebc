"""Text in and out of Slack: read Slack's markup as plain text, escape what is echoed back.

Slack sends message text with ``&``, ``<`` and ``>`` escaped and with mentions, channels and links
written as ``<...>`` tokens. A question is read as plain text (what the person typed, as they see
it), and every piece of text the bot sends is escaped again, so no echoed text can become a
``<!channel>``, ``<!here>``, ``<@user>`` ping or a link.

mrkdwn has no escape for its formatting marks, so a member's words are never put in mrkdwn where
they could format: a quoted question goes in a ``plain_text`` object (which Slack neither formats
nor links), and a report that quotes members goes in a code block that no backtick in it can close
(:func:`code_block_text`, the Slack side of the Discord renderer's fence breaking).
"""

from __future__ import annotations

import re

#: ``<@U123>``, ``<@U123|name>``, ``<#C123|general>``, ``<!here>``, ``<!subteam^S1|@team>``, ``<https://x|label>``.
_TOKEN = re.compile(r"<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>")
_SPACES = re.compile(r"\s+")
#: An entity cut by a truncation: ``&``, ``&a``, ``&am``, ``&amp`` at the very end of the text.
_CUT_ENTITY = re.compile(r"&[a-z]{0,3}$")
ELLIPSIS = "…"
#: Between two backticks it keeps them from making a ``` fence, and shows nothing.
ZERO_WIDTH_SPACE = "\u200b"


def escape(text: str) -> str:
    """Escape text for Slack ``mrkdwn`` and message ``text`` fields (``&``, ``<``, ``>``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code_block_text(text: str) -> str:
    """Escaped ``text`` for the inside of a ``` code block: a zero-width space follows every backtick,
    so no run of them in the text can end the block and let the rest format as mrkdwn."""
    return escape(text).replace("`", "`" + ZERO_WIDTH_SPACE)


def code_span(text: str) -> str:
    """``text`` as inline code: escaped, on one line, its backticks (which would end the span) made quotes."""
    return "`" + escape(" ".join(text.split()).replace("`", "'")) + "`"


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _token_text(match: re.Match[str]) -> str:
    sigil, target, label = match.group(1), match.group(2), match.group(3)
    if sigil == "@":  # a user: their display name when Slack gave it, nothing otherwise
        return label or ""
    if sigil == "#":
        return f"#{label}" if label else ""
    if sigil == "!":  # here, channel, everyone, subteam^ID, date^...: the words, never a ping
        return (label or target.split("^", 1)[0]).lstrip("@")
    return label or target  # a link


def from_slack(text: str, *, drop_user: str | None = None) -> str:
    """The plain text of a Slack message: mentions, channels and links become words.

    ``drop_user`` removes the mentions of that user id (the bot's own, in an ``app_mention``).
    """
    if drop_user:
        text = re.sub(rf"<@{re.escape(drop_user)}(?:\|[^<>]*)?>", " ", text)
    text = _TOKEN.sub(_token_text, text)
    return _SPACES.sub(" ", unescape(text)).strip()


def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in an ellipsis when it was cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


def escape_within(text: str, limit: int) -> str:
    """Escaped ``text`` of at most ``limit`` characters, never ending in half an entity."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = _CUT_ENTITY.sub("", escaped[: limit - 1]).rstrip()
    return cut + ELLIPSIS
