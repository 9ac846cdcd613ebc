"""Reading Slack's markup as plain text, and escaping everything the bot echoes."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.slack._text import (
    ELLIPSIS,
    ZERO_WIDTH_SPACE,
    code_block_text,
    code_span,
    escape,
    escape_within,
    from_slack,
    truncate,
    unescape,
)


def test_mentions_channels_and_links_become_words() -> None:
    text = "<@UFACTBOT> hi <@U123|ana> see <#C1|general>, <https://x.example/a|the guide> &amp; <https://y.example>"
    assert from_slack(text, drop_user="UFACTBOT") == "hi ana see #general, the guide & https://y.example"


def test_broadcasts_become_plain_words() -> None:
    assert from_slack("<!here> <!channel> <!everyone> <!subteam^S1|@mods> ok?") == "here channel everyone mods ok?"
    assert from_slack("<!date^1392734382^{date}|Feb 18, 2014> &lt;tag&gt;") == "Feb 18, 2014 <tag>"


def test_only_the_bots_own_mention_is_dropped() -> None:
    assert from_slack("<@UFACTBOT|factbot> ask <@UOTHER>", drop_user="UFACTBOT") == "ask"
    assert from_slack("   \n ") == ""


def test_escape_makes_markup_inert() -> None:
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    assert unescape(escape("a&b<c>")) == "a&b<c>"


def test_truncate() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("a" * 20, 10) == "a" * 9 + ELLIPSIS


def test_escape_within_never_cuts_an_entity() -> None:
    assert escape_within("ab&", 5) == "ab" + ELLIPSIS
    assert escape_within("&&&&", 8) == "&amp;" + ELLIPSIS


@given(st.text(alphabet=st.sampled_from("ab &<>!@#|\n"), max_size=300), st.integers(min_value=2, max_value=120))
def test_escaped_text_fits_and_holds_no_markup(text: str, limit: int) -> None:
    result = escape_within(text, limit)
    assert len(result) <= limit
    assert "<" not in result and ">" not in result
    # Every & starts a whole entity, so Slack shows the text exactly as typed (cut at the end).
    assert all(m.group(0) in {"&amp;", "&lt;", "&gt;"} for m in re.finditer(r"&[a-z]*;?", result))
    kept = unescape(result.removesuffix(ELLIPSIS))
    assert text.startswith(kept.rstrip()) or text.startswith(kept)


@given(st.text(max_size=200))
def test_plain_text_of_any_message_is_safe_to_escape_back(text: str) -> None:
    plain = from_slack(text)
    assert "<" not in escape(plain) and ">" not in escape(plain)


def test_code_block_text_cannot_close_its_block() -> None:
    text = code_block_text("a ``` b ```` c `d` <x> & e")
    assert "``" not in text
    assert text.replace(ZERO_WIDTH_SPACE, "") == "a ``` b ```` c `d` &lt;x&gt; &amp; e"


def test_code_span_holds_no_backtick_inside() -> None:
    assert code_span("stats `*bold*` <!here>\nsoon") == "`stats '*bold*' &lt;!here&gt; soon`"
