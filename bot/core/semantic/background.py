"""Questions about nothing a knowledge base is likely to hold: the semantic stage's background.

Sentence-embedding similarities are compressed: with multilingual-e5 two unrelated questions are
still about 0.8 alike, and how alike depends on the question (short, generic questions are close
to everything). A raw similarity therefore says little on its own. What it means is read against
this background: the question's similarity to the closest of these everyday questions (the
weather, cooking, tech support, sport, travel, health, money, chit-chat, server admin, world
news) is the level an unrelated fact would reach, and a fact counts only by how far it rises
above that level (:mod:`bot.core.matching.fusion`). A question closer to the background than to
any fact is off the knowledge base's subject, however many of its words the index knows ("best
restaurants in <a city the facts name>").

A knowledge base about one of these subjects (a library's opening hours, a game server's rules)
must not lose its own questions to the background: :class:`~bot.core.semantic.index.SemanticIndex`
drops every background question that is about as close to one of the knowledge's phrasings as a
paraphrase is (:data:`~bot.core.semantic.index.BACKGROUND_OVERLAP`).

The list is written in English and names no place, person or subject of the shipped knowledge;
the model is multilingual, so it serves questions in other languages too.

A question about one of the knowledge's own names but not about what the knowledge says of it
("Does Kosovo have its own army?", "What is happening to the Uyghurs in Xinjiang?") is close to
the facts that name it, often closer than to any everyday question. For those, a second
background is written from the knowledge itself: the same kind of everyday questions (the
weather, the food, travel, sport, someone's age or studies) asked of each name that at least
:data:`NAME_FACTS` facts' answers write (:func:`named_background`). A question no fact is closer
to than to these (:mod:`bot.core.matching.fusion`) asks about a name, not about what the
knowledge holds on it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

BACKGROUND: tuple[str, ...] = (
    # weather
    "What will the weather be like tomorrow?",
    "Will it be sunny this weekend?",
    "How cold does it get here in winter?",
    "What's the forecast for next week?",
    # food
    "How do I cook rice properly?",
    "What should I make for dinner tonight?",
    "Give me a recipe for chocolate cake",
    "Where can I get good pizza nearby?",
    "Which restaurant would you recommend for a date?",
    "Is this cafe open on Sundays?",
    # computers and programming
    "How do I fix my wifi connection?",
    "My laptop won't turn on, what should I do?",
    "How do I change my password?",
    "Why is my phone battery draining so fast?",
    "How do I update my graphics drivers?",
    "How do I write a for loop in JavaScript?",
    "What is the difference between git merge and git rebase?",
    "How do I sort a dictionary by value in Python?",
    "Why does my SQL query return duplicates?",
    "How do I make my own website?",
    # sport and entertainment
    "Who won the football match last night?",
    "When does the next basketball season start?",
    "Which team is top of the league?",
    "How many goals has this player scored?",
    "Where can I watch the match live?",
    "What movie should I watch tonight?",
    "Is the new season of that series any good?",
    "Who sings this song?",
    "When is the concert and where can I buy tickets?",
    "Recommend me a good novel",
    "What is the best video game of all time?",
    # travel
    "How much is a flight to London?",
    "What documents do I need to travel abroad?",
    "Which hotel is best in the city centre?",
    "What are the top tourist attractions to visit?",
    "How long does it take to get to the airport?",
    "Do I need a visa for a holiday in Thailand?",
    # health
    "How many calories should I eat a day?",
    "What is a good workout routine for beginners?",
    "Is it healthy to drink coffee every day?",
    "How can I sleep better?",
    "What are the symptoms of the flu?",
    "Where is the nearest hospital?",
    # money and shopping
    "Should I invest in bitcoin?",
    "How do I save money for a house?",
    "What is the current price of gold?",
    "Which phone should I buy?",
    "Where can I find cheap clothes online?",
    "What time does the shop close?",
    # learning and general knowledge
    "What's the best way to learn a new language?",
    "How do I learn to play the piano?",
    "Can you help me with my maths homework?",
    "What is the square root of 144?",
    "How far is the moon from the earth?",
    "Why is the sky blue?",
    "Who invented the telephone?",
    "When did the Second World War end?",
    "What is the largest ocean in the world?",
    "How many people live in Tokyo?",
    "What is the capital of Canada?",
    "How old is the universe?",
    "What is artificial intelligence?",
    "How does a car engine work?",
    "Can you translate this sentence for me?",
    "How do you say good morning in Spanish?",
    # chit-chat and the bot itself
    "Hi, how are you?",
    "Good evening all",
    "What can you do?",
    "Are you a robot?",
    "Who made this bot?",
    "Thank you so much",
    "Tell me something funny",
    "Can we play a game?",
    # the community's server
    "How do I get a role on this server?",
    "Where are the server rules?",
    "When is the next community meetup?",
    "How do I mute a channel?",
    # work and daily life
    "Can someone help me with my CV?",
    "How do I prepare for a job interview?",
    "What jobs pay the most?",
    "How do I get a driving licence?",
    "How do I grow tomatoes at home?",
    "What breed of dog is best for families?",
    "How often should I water my plants?",
    "What should I wear to a wedding?",
    # news elsewhere
    "Who will win the next US presidential election?",
    "What's happening with the stock market today?",
    "How is the economy doing this year?",
    "What did the prime minister of Japan say yesterday?",
    "Is there a strike tomorrow?",
)


#: Everyday questions asked of one of the knowledge's names (``{name}``): what a member may ask
#: of a place, a country, an organisation or a person that no fact about them holds.
NAMED_TEMPLATES: tuple[str, ...] = (
    "What is the weather like in {name}?",
    "What is the population of {name}?",
    "What are the best places to visit in {name}?",
    "What food is {name} known for?",
    "Which football club in {name} is the best?",
    "What language do people speak in {name}?",
    "How much is a flight to {name}?",
    "What currency does {name} use?",
    "How big is the economy of {name}?",
    "What sports are popular in {name}?",
    "Is {name} safe for tourists?",
    "How old is {name}?",
    "Where was {name} born?",
    "What did {name} study at university?",
)
#: A name the answers of at least this many facts write is one of the knowledge's own names.
NAME_FACTS = 2
#: At most this many names (those most facts write) are asked about, whatever the knowledge's size.
NAMES_MAX = 32

#: A word as written: letters, with inner hyphens or apostrophes ("Vučić", "Xi", "al-Assad").
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
#: A possessive ending, which belongs to no name ("China’s").
_POSSESSIVE = re.compile(r"['’]s$")
#: What ends a sentence before a capitalised word that begins the next one ("The", "According").
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\"“”(]\s*)$")


def answer_names(text: str) -> set[str]:
    """Names as one text writes them: runs of capitalised words inside a sentence ("Xi Jinping",
    "the United Nations Security Council"); a run that begins a sentence is left out, since its
    first word may be any word."""
    names: set[str] = set()
    run: list[str] = []
    end = 0
    for match in _WORD.finditer(text):
        word = match.group()
        joined = bool(run) and text[end : match.start()] == " "
        if not joined and run:
            names.add(" ".join(run))
            run = []
        if word[:1].isupper() and (run or not _SENTENCE_END.search(text, max(0, match.start() - 16), match.start())):
            run.append(_POSSESSIVE.sub("", word))
            end = match.end()
            if _POSSESSIVE.search(word):
                names.add(" ".join(run))
                run = []
        elif run:
            names.add(" ".join(run))
            run = []
    if run:
        names.add(" ".join(run))
    return names


def knowledge_names(answers: Iterable[str]) -> list[str]:
    """The names at least :data:`NAME_FACTS` of ``answers`` write, those most write first (at most
    :data:`NAMES_MAX`)."""
    counts: Counter[str] = Counter()
    for answer in answers:
        counts.update(answer_names(answer))
    ranked = sorted((name for name, n in counts.items() if n >= NAME_FACTS), key=lambda name: (-counts[name], name))
    return ranked[:NAMES_MAX]


def named_background(answers: Iterable[str]) -> list[str]:
    """Everyday questions about the knowledge's own names (:data:`NAMED_TEMPLATES`), by name."""
    return [template.format(name=name) for name in knowledge_names(answers) for template in NAMED_TEMPLATES]
