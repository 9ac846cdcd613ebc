"""The question inside a chat message.

Members write "hey @bot quick one, does china even recognise kosovo lol 🤔", or three sentences
of which one is the question. Scoring the whole message lets the greeting, the filler and the
apology dilute the question (an unknown word like "ngl" weighs as much as a name). This module
finds the question: mentions, emoji, links and chat filler go; chat abbreviations are spelt out
("smth", "ppl"); sentences that are only greeting, thanks or apology go; when the message holds
questions, they are kept, each with the sentence before it when it leans on it ("Is that
true?", "How do they matter?"); a question that only asks whether what came before holds ("What
does the article say?") is replaced by it. A message of only greeting and thanks holds no question.

Work is linear in the message, of which the first :data:`MAX_MESSAGE_CHARS` are read (Slack's
limit; Discord's is 2,000), and the result is at most :data:`MAX_QUESTION_CHARS` long.
"""

from __future__ import annotations

import re
import unicodedata

from bot.core.matching.lazyre import LazyPattern
from bot.core.matching.normalise import STOPWORDS

#: Longest message read (Slack's message limit; Discord's is 2,000).
MAX_MESSAGE_CHARS = 4_000
#: Longest question extracted (the normaliser reads 512 characters).
MAX_QUESTION_CHARS = 500

_MENTION = LazyPattern(
    r"<[@#][!&]?[A-Za-z0-9]+(?:\|[^>]*)?>"  # Discord <@123>, <@!123>, <@&role>, <#channel>; Slack <@U123|name>
    r"|<a?:\w+:\d+>"  # Discord custom emoji
    r"|(?<!\w)@[\w.-]+"  # @factbot, @everyone
    r"|<?https?://\S+>?"  # links
    r"|(?<!\w):[a-z0-9_+-]+:(?!\w)"  # :emoji_shortcodes:
)
#: Tokens that are pure chat noise wherever they stand.
_NOISE = (
    r"lol+|lmf?ao+|rofl|ngl|tbh|imo|imho|idk|iirc|afaik|fwiw|btw|smh|bruh+|fr|xd+|haha+|hehe+|"
    r"hm+|uh+|um+|erm|pls|plz|ty|thx|tia|omg|ffs|jk|asap"
)
_NOISE_RE = re.compile(rf"(?<![\w'])(?:{_NOISE})(?![\w'])", re.IGNORECASE)
#: Chat spellings of ordinary words.
_SPELLED = {
    "smth": "something", "sth": "something", "smthng": "something", "ppl": "people", "bc": "because", "cuz": "because", "coz": "because", "abt": "about",
    "govt": "government", "gov": "government", "w/": "with", "w/o": "without", "rn": "right now",
    "tho": "though", "thru": "through", "wat": "what", "wut": "what", "bcs": "because",
    "tl;dr": "summary", "tldr": "summary", "kinda": "kind of", "sorta": "sort of", "gonna": "going to",
    "wanna": "want to", "gotta": "got to", "dunno": "do not know", "yall": "you all",
    "ofc": "of course", "prob": "probably", "probs": "probably", "diff": "different",
}
_SPELLED_RE = re.compile(r"(?<![\w'/])(" + "|".join(re.escape(k) for k in sorted(_SPELLED, key=len, reverse=True)) + r")(?![\w'/])", re.IGNORECASE)

#: A sentence that opens with these is greeting, thanks, apology or preamble: the opening goes.
_OPENING = re.compile(
    r"^(?:"
    r"(?:hi+|hello+|hey+|heya|hiya|yo+|howdy|greetings|good (?:morning|afternoon|evening|day)|morning|evening|dear (?:all|bot))"
    r"(?:\s+(?:all|everyone|everybody|guys|folks|friends|people|there|again|team|y'?all|bot|factbot))*"
    r"|(?:ok(?:ay)?|so+|well|right|alright|anyway|also|and|but|hmm+|oh|ah|wait|like|now)"
    r"|(?:quick|short|small|simple|dumb|silly|stupid|random|genuine|honest|serious) (?:one|question|q|query)"
    r"|question|real quick|one more(?: question)?|next(?: one| question)?|another (?:one|question)"
    r"|(?:sorry|sry|apologies|excuse me|pardon)(?: (?:if|for|to|in)\b(?:(?!\bbut\b)[^,.!?;:])*)?"
    r"|(?:thanks|thank you|thx|ty|cheers)(?: (?:in advance|a lot|so much|for [^,.!?;:]*))?"
    r"|(?:pls|please|plz) help|help(?: me)?(?: please| pls)?|can (?:someone|anyone|somebody) (?:help|tell me|explain)"
    r"|(?:hey |hi |yo |ok |okay )?(?:bot|factbot)"
    r"|(?:does )?(?:any ?one|anybody|some ?one|somebody)(?: here)? knows?(?: if| whether)?"
    r"|i'?m (?:curious|wondering)(?: about| if| whether)?|i (?:wonder|was wondering)(?: if| whether)?"
    r"|just wondering(?: if| whether)?|do you know(?: if| whether)?|tell me(?: if| whether)?"
    r"|(?:can|could) (?:you|someone|anyone|somebody) (?:tell me|explain)(?: to me)?(?: if| whether)?"
    r")(?:[\s,:;!.\-–—]+|$)",
    re.IGNORECASE,
)
#: A sentence made only of these (after the opening is gone) carries no question.
_CHAT_ITEMS = (
    r"(?:(?:i'?m|i am) new here|asking for a (?:friend|school project|project|class|paper)|just curious|"
    r"curious|any(?: thoughts| ideas| help)?|anyone\??|thanks?(?: again| in advance| a lot)?|thank you(?: so much)?|"
    r"cheers|appreciate it|much appreciated|i missed it|i was wondering|just wondering|genuinely curious|"
    r"in short|for real|no offense|sorry|ignore me|never ?mind|nvm|wrong channel|good (?:bot|job)|nice|cool|great|"
    r"hope (?:everyone|everybody|you|all)(?:'s| is| are)? (?:well|good|fine|doing well|ok)|"
    r"(?:i was )?reading about this[^.?!]*|(?:and )?got confused|i'?m confused|sorry for my english|"
    r"my english is bad|(?:ok(?:ay)?,? )?(?:that|this|it) (?:helped|helps|worked|works|makes sense|is (?:helpful|useful|great|clear)|"
    r"was (?:helpful|useful|great|clear))(?: a lot)?|(?:ok(?:ay)?,? )?(?:makes sense|got it|good to know|understood|i see|perfect|"
    r"awesome|interesting|very helpful|helpful))"
)
#: Items, each followed by separators and another item or by the end: the same sentences as
#: ``^ITEM(?:SEPARATORS ITEM)*$`` (an item is never empty), with the items written once, which
#: halves the time Python takes to compile it (every question needs it).
_ONLY_CHAT = re.compile(
    rf"^(?:{_CHAT_ITEMS}(?:[\s,;!.]+(?!$)|$))+$",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?\n…]+(?:[.!?…]+|\n|$)")
_QUESTION_WORD = re.compile(
    r"^(?:what|whats|what's|why|how|hows|who|whos|whose|whom|when|where|which|is|are|was|were|does|do|did|"
    r"can|could|will|would|should|has|have|had|may|might|isn'?t|aren'?t|doesn'?t|don'?t|didn'?t|won'?t)\b",
    re.IGNORECASE,
)
#: Words that point back at the sentence before ("Is that true?", "How do they matter?").
_LEANS_ON = LazyPattern(r"\b(?:it|its|they|them|their|that|this|those|these|he|she|there|so|then|both|the two)\b", re.IGNORECASE)
#: Words of a question that asks only whether something said before holds ("What does the article
#: say?", "Is that true?"): the sentences before it are what it asks about.
_META = frozenset(
    """article articles say says said think thinks true right correct accurate bot factbot source sources author
    writer piece text report know knows tell mean means confirm really actually case anything something about
    there any info information""".split()
)
_META_CORE = frozenset("article source sources author bot factbot say says confirm".split())
_WORDS = re.compile(r"[^\W_]+")
_SPACES = re.compile(r"\s+")


def _is_symbol(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category in ("So", "Sk", "Cs", "Co") or ch in "\ufe0f\u200d\u20e3" or 0x1F1E6 <= ord(ch) <= 0x1F1FF


#: A character that may be a symbol of :func:`_is_symbol`: none of a letter, a digit, "_", a space
#: or printable ASCII other than "^" and "`" (ASCII's two symbols) is.
_MAYBE_SYMBOL = LazyPattern(r"[^\w\s\x20-\x5d\x5f\x61-\x7e]")


def _strip_symbols(text: str) -> str:
    """Emoji and other symbols become sentence breaks (they often end one)."""
    if text.isascii() or not _MAYBE_SYMBOL.search(text):  # (most text in any language: letters)
        return text
    return "".join("\n" if _is_symbol(ch) else ch for ch in text)


def _clean_sentence(sentence: str) -> str:
    sentence = sentence.strip(" \t,;:-–—*_~\"'`()[]")
    previous = None
    while previous != sentence:
        previous = sentence
        sentence = _OPENING.sub("", sentence, count=1).strip(" \t,;:-–—*_~\"'`()[]")
    return sentence


_CLAUSE_QUESTION = LazyPattern(
    r"(?:,|\bbut\b|\bso\b|\band\b)\s+(?=(?:what|why|how|who|when|where|which|is|are|does|do|did|can|could|will|would|has|have)\b)",
    re.IGNORECASE,
)


def _question_clause(sentence: str) -> str:
    """"idk much about this but what did they sign?" -> "what did they sign?": a question after a
    clause of filler words only."""
    if _QUESTION_WORD.match(sentence):
        return sentence
    parts = _CLAUSE_QUESTION.split(sentence, maxsplit=1)
    if len(parts) == 2 and not [w for w in _WORDS.findall(parts[0].casefold()) if w not in STOPWORDS and len(w) > 2]:
        return parts[1]
    return sentence


def _only_meta(sentence: str) -> bool:
    found = _WORDS.findall(sentence.casefold())
    return bool(_META_CORE.intersection(found)) and all(w in _META or w in STOPWORDS for w in found)


def _content_words(sentence: str) -> int:
    return len([w for w in _WORDS.findall(sentence) if len(w) > 3])


def extract_question(message: str) -> str:
    """The question in ``message``, with chat noise removed; the message itself when nothing is
    left to remove (an ordinary question comes back unchanged, but for surrounding spaces)."""
    text = message[:MAX_MESSAGE_CHARS]
    # (every mention, custom emoji, link or shortcode has "<", "@" or ":")
    cleaned = _MENTION.sub(" ", text) if "<" in text or "@" in text or ":" in text else text
    cleaned = _strip_symbols(cleaned)
    cleaned = _NOISE_RE.sub(" ", cleaned)
    cleaned = _SPELLED_RE.sub(lambda m: _SPELLED[m.group(1).casefold()], cleaned)
    sentences = []
    chatted = False
    for match in _SENTENCE.finditer(cleaned):
        raw = match.group()
        sentence = _clean_sentence(_SPACES.sub(" ", raw))
        if not sentence or not _WORDS.search(sentence):
            chatted = chatted or bool(_WORDS.search(raw))  # "thanks!": words, all greeting or thanks
            continue
        core = sentence.rstrip(" .!?…")
        if _ONLY_CHAT.match(core):
            chatted = True
            continue
        question = raw.rstrip().endswith("?") or bool(_QUESTION_WORD.match(sentence))
        if question:
            sentence = _question_clause(sentence)
        if raw.rstrip().endswith("?") and not sentence.endswith("?"):
            sentence = sentence.rstrip(" .!…") + "?"
        sentences.append((sentence, question))
    if not sentences:
        # only thanks, greetings and the like ("thanks, that helped 🙏"): there is no question
        return "" if chatted else _SPACES.sub(" ", message[:MAX_QUESTION_CHARS]).strip()
    if any(question for _, question in sentences):
        kept: list[str] = []
        for i, (sentence, question) in enumerate(sentences):
            if not question:
                continue
            if i > 0 and not sentences[i - 1][1] and _only_meta(sentence):
                # "Someone said X. What does the article say?": the question is whether X holds
                context = [s for s, q in sentences[max(0, i - 2) : i] if not q]
                kept.extend(s for s in context if s not in kept)
                continue
            if i > 0 and not sentences[i - 1][1] and (_content_words(sentence) < 3 or _LEANS_ON.search(sentence)):
                previous = sentences[i - 1][0]
                if not kept or kept[-1] != previous:
                    kept.append(previous)
            kept.append(sentence)
        chosen = kept
    else:
        chosen = [sentence for sentence, _ in sentences]
    result = " ".join(s if s[-1] in ".?!" else s + "." for s in chosen) if len(chosen) > 1 else chosen[0]
    if len(result) > MAX_QUESTION_CHARS:
        result = result[:MAX_QUESTION_CHARS].rsplit(" ", 1)[0]
    return result.strip()
