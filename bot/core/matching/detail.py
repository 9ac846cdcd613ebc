"""Questions that ask for a detail: does the best fact state it?

"Who heads the Chinese mission in Pristina?" matches the fact about that mission perfectly, but
the fact does not say who heads it; "On what exact day did they sign?" matches a fact that gives
only the month. Presenting such a fact as the answer misleads. :class:`DetailChecker` reads what a
question asks for (a person, a place, an exact day, a date, a number or amount, a name) and
whether a fact states it:

- a person in an office ("Who heads...", "China's ambassador", "the president of Kosovo"): the
  fact must speak of that office, for that country, at that rank: a "Deputy Permanent
  Representative" is not the ambassador. A plain "who" may be answered by a country ("Who
  blocked Kosovo?") and is not checked.
- a date: a year or month in a clause of the answer that speaks of what is asked ("When was
  the initiative launched?" is not answered by the year of another event in the same answer).
- an exact day: a day of the month. A number or amount: a number that is not a year.
- a place: a place in the answer that the question does not already name (in any spelling:
  "Prishtina" names Pristina). A name: a quoted or capitalised name the question does not
  already contain.
- an official of a rank, whatever is asked of them ("What did China's foreign minister say?"):
  the fact must speak of that office, as for "who" - unless the question names the person
  ("What did Mao Ning, China's foreign minister, say?"), whom the fact then names and places.
  Office holders are read from the answers ("China's President Xi Jinping", "Mao Ning, the
  spokesperson of...", "Geng Shuang is..."), so a fact that names Xi Jinping speaks of the
  Chinese president even where it gives no office.
- members of a class by name ("Which experts...", "What companies...", "What specific
  technology..."): the answer must name one beside the class word ("Resolution 1244",
  "organisations, including Interpol") that the question does not contain; "some experts" or
  "key states" name none.
- someone's view ("What did Washington say", "How do people in Kosovo feel", "Does Kosovo want",
  "the EU's position"): the answer must give that side's view: be the subject of a verb of
  saying, thinking, supporting or opposing, or the possessor of a view ("Beijing's opposition",
  "Chinese public opinion"). The source's own voice ("the article argues") is nobody's view; a
  side whose view most facts give (the knowledge base's subject) is not checked.
- who did something ("Who commanded the peacekeepers?"): the answer must use the verb (a verb of
  saying is answered by anyone's view); "who is" asks an identity and light verbs ("who got")
  are not checked. "Who runs it", "who is in charge of it" ask for the head of what the message
  named before, as "who runs the mission" does.
- how to reach someone (a phone number, an email, an address, a website) or when a place opens:
  the answer must give one (digits of a phone number, an "@", a web address, a street; a time of
  day or a day of the week).
- what a name is or does, when that is all the question asks ("What is the Shanghai Cooperation
  Organization?", "What does Interpol do?"): the answer must say what it is ("Geng Shuang is",
  "Mao Ning, the spokesperson"), or a phrasing of the fact ask the same.
- exactly how something happens ("Exactly how would...", "In what way..."): the answer must give
  a means ("by lobbying") or an act that is one and that the question does not name ("How could
  China block Kosovo?" / "China can veto"), and must not say its source gives no detail.
- whether a concrete act was done ("Did China send troops to Kosovo?", "Does China sell weapons to
  Kosovo?"), or what or how it was done ("What does Kosovo export?", "How did China fund it?"),
  when no fact's answer or phrasing uses the verb: no fact states it. A curated related term
  ("import" for trade) answers whether, not what. Asked in Serbian, Albanian, German or French
  ("Hat China Truppen geschickt?"), the act is read as the English verb an answer would use.
- how someone voted ("How did each member vote?"): the answer must speak of a vote or a veto.
- an official name ("What is X officially called?", "its formal name"): the answer must say it
  gives one ("officially", "known as", "renamed").
- a comparison ("Does China supply more arms than Russia?", "Which scenario is most likely?"):
  the answer must compare ("unlike Russia", "than") or weigh a likelihood.
- a year still to come ("Could China recognise Kosovo by 2030?"): the answer must speak of that year;
  what follows an event to come ("after the next election"): the fact must speak of that event.
- what would follow another side's act ("If Serbia recognised Kosovo, would China follow?"): the
  fact's answer or phrasings must speak of that side doing that.
- how something changed over time ("How has China's position changed since 1999?"): the answer
  must speak of a change ("shifted", "no longer", "increasingly", "since").
- whether something will happen again ("Will Kosovo apply to Interpol again?"): the answer must
  speak of a repeat or of what comes next ("again", "future", "renewed").
- the alternatives of a yes/no question ("Is Serbia an observer or a dialogue partner of the
  SCO?"): the fact (its answer, title or phrasings) must speak of one of them (all of its
  content words).
- someone in a role ("Who is the author of...?"): the answer must name someone beside the role's
  word, as for members of a class.
- a number or amount ("how big is the budget", "what percent"): the answer's number must be one
  the question does not give already ("Of the five people there, how many are diplomats?").
- what set something off ("What sparked the clashes?", "What was the trigger?"): the answer must
  give a cause ("because", "fuelled by", "thanks to", "triggered"); a "why" is not checked, since
  answers give their reasons in too many ways.

A fact also states the amounts, names, officials, classes, views and acts its curators' own
phrasings ask for ("How much weight does China carry?" declares that the fact answers a "how
much" question; "China's UN envoy on..." that it answers for the envoy); a date, a day, a place
or a person must be in the answer itself. A question whose premise the fact
contradicts ("When did China recognise Kosovo?" / "China does not recognise...") is answered by
that fact: it corrects the premise. In a message of several questions, the first that asks a
detail is read ("Was there a poll? Who ran it?"). The question words of Serbian (Latin and Cyrillic),
Albanian, German and French are read too; answers are English. A view asked in those languages
("Wie hat Belgrad ... reagiert?", "Šta je Vašington odgovorio?") is of the side the answers name
(Serbia, the United States); a name they inflect or write in Cyrillic ("Интерпола") is the name.
A date or a place of what no fact's answer or phrasing speaks of ("When was Vučić born?") is stated
by none, whatever other date or place a fact gives; a place must stand in a sentence about what
is asked, of the words the answer uses ("Which cities do Chinese firms trade in?" is not answered
by the city of China's mission).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import re
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterator, Sequence, Set as AbstractSet
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from bot.core.knowledge.schema import Fact
from bot.core.matching import countries
from bot.core.matching.language import looks_english, serbian_latin
from bot.core.matching.lazyre import LazyPattern
from bot.core.matching.normalise import (
    CAPITALS as WRITTEN_IN_CAPITALS,
)
from bot.core.matching.normalise import (
    NAME as WRITTEN_AS_NAME,
)
from bot.core.matching.normalise import (
    STOPWORDS,
    ContentReader,
    Normaliser,
    answer_kinds,
    expected_answer_kind,
    pieces,
    quantities,
    stem,
    tagged_words,
    without_modal_may,
    words,
)

PERSON, PLACE, DAY, DATE, QUANTITY, NAME = "person", "place", "day", "date", "quantity", "name"
#: The question names an official ("What did China's foreign minister say?"), asks which members
#: of a named class ("Which experts...?"), asks someone's view ("What did Washington say...?"), or
#: who did something ("Who commanded...?").
OFFICIAL, WHICH, STANCE, AGENT = "official", "which", "stance", "agent"
#: The question asks what set something off ("What sparked the clashes?").
CAUSE = "cause"
#: The question asks how to reach someone (a phone number, an address, an email, a website), or
#: when a place is open.
CONTACT, HOURS = "contact", "hours"
#: The question asks what a name is ("What is the Shanghai Cooperation Organization?", "What
#: does Interpol do?").
DEFINITION = "definition"
#: The question asks exactly how something happens or would ("Exactly how would...", "In what
#: way..."): an answer that gives a means says.
MANNER = "manner"
#: The question asks whether a concrete act was done ("Did China send troops?") that no fact speaks of.
ACT = "act"
#: The question asks for a comparison ("Does China supply more arms than Russia?", "Which
#: scenario is most likely?"): the answer must compare.
COMPARISON = "comparison"
#: The question asks about a year still to come ("Could China recognise Kosovo by 2030?"): only an
#: answer that speaks of that year states what will be then.
FUTURE = "future"
#: The question asks how something changed over time ("How has China's position changed since
#: 1999?"): the answer must speak of a change.
CHANGE = "change"
#: The question asks what will follow an event to come ("after the next election"): the fact must
#: speak of that event.
CONDITION = "condition"
#: The question offers alternatives ("Is Serbia an observer or a dialogue partner?"): the answer
#: must speak of one of them.
CHOICE = "choice"
#: The question asks what would follow another side's act ("If Serbia recognised Kosovo, would
#: China follow?"): the fact must speak of that side doing that.
HYPOTHESIS = "hypothesis"
#: The question asks whether something will happen again ("Will Kosovo apply to Interpol
#: again?"): the answer must speak of a repeat or of what comes next.
REPEAT = "repeat"
#: Details read from one word or phrase of an answer ("unlike", "gives no further detail"): a
#: weaker fact is not preferred to the best one for stating them.
LOOSE = frozenset({MANNER, COMPARISON, CHANGE, REPEAT})

#: How each detail is named in the "does not hold that detail" message.
LABELS = {
    PERSON: "who",
    PLACE: "where",
    DAY: "the exact day",
    DATE: "when",
    QUANTITY: "the number or amount",
    NAME: "the name",
    OFFICIAL: "that official",
    WHICH: "which ones",
    STANCE: "that side's view",
    AGENT: "who did it",
    CAUSE: "what caused it",
    CONTACT: "contact details",
    HOURS: "the opening hours",
    DEFINITION: "what it is",
    MANNER: "exactly how",
    COMPARISON: "the comparison",
    ACT: "whether that was done",
    FUTURE: "that year",
    CHANGE: "how it changed",
    CONDITION: "what follows that event",
    CHOICE: "which of those it is",
    HYPOTHESIS: "what would follow that",
    REPEAT: "whether it will happen again",
}


@dataclasses.dataclass(frozen=True, slots=True)
class Detail:
    """What a question asks for, and the office it names (for a person)."""

    kind: str
    office: str | None = None  # office class: "diplomat", "minister", "president", "spokesperson", "head", ...
    owners: frozenset[str] = frozenset()  # whose office ("china" in "China's ambassador")
    deputy: bool = False  # the question asks for a deputy ("deputy ambassador")
    #: WHICH: the stems of the class asked about ("expert"); AGENT: of the verb ("command").
    subject: frozenset[str] = frozenset()
    #: PERSON, OFFICIAL: the office holders the question names (not as possessors), each as its
    #: canonical words: a fact that names one of them says who that is, whatever office the
    #: question gives them ("What did Geng Shuang, China's ambassador, say?").
    named: frozenset[frozenset[str]] = frozenset()
    #: STANCE: the canonical names of the side whose view is asked ("united", "states").
    holders: frozenset[str] = frozenset()
    any_rank: bool = False  # "which diplomat": an office class that names no rank
    others: bool = False  # PERSON, OFFICIAL: "which other spokesperson, besides Mao Ning"
    done: bool = False  # ACT: whether it was done, not whether it could be ("Has China ever vetoed...?")
    #: ACT: what or how it was done ("What does Kosovo buy?"), which only the answer's own words say: a
    #: phrasing that speaks of the act ("do they buy and sell anything?") asks whether, not what.
    what: bool = False

    @property
    def label(self) -> str:
        return LABELS[self.kind]


# -- what a question asks for ----------------------------------------------------------------------

# Folded text (lowercase, accents removed): patterns are written without diacritics. Cyrillic is
# kept by folding, so Serbian Cyrillic patterns are written in Cyrillic.
_DAY_Q = re.compile(
    r"\b(?:(?:what|which|exact|precise|specific) (?:day|date)|on what day|exact date|what date|"
    r"kog dana|kojeg dana|kog datuma|kojeg datuma|tacan datum|тачан датум|ког дана|којег дана|ког датума|којег датума|"
    r"ne cilen dite|cilen date|daten e sakte|"
    r"an welchem tag|welches datum|genaue datum|genauen datum|"
    r"quel jour|quelle date|date exacte)\b"
)
#: Words of which every match of a pattern has one, as a whole word of the folded question (each
#: stands between spaces or the text's ends in the pattern): a question that has none is not
#: searched for it, which most questions need not be (a search costs about a microsecond, looking
#: the question's words up in a set a fraction of one).
_DAY_WORDS = frozenset(
    "day date dana datuma datum датум дана датума dite sakte tag jour exacte".split()
)
_PLACE_Q = re.compile(
    r"\b(?:(?:which|what)(?: \w+)? (?:city|town|village|place|capital|venue|location|building|municipality|region|street|"
    r"district|neighbourhood|neighborhood|square|avenue|cities|towns|villages|places|capitals|venues|locations|"
    r"buildings|municipalities|regions|streets|districts|neighbourhoods|neighborhoods|squares|avenues)|"
    r"the capital|where exactly|^(?:(?:and|so|but|then|ok) )?where (?:is|are|was|were|did|does|do|has|have|had)\b"
    r"(?!.*\b(?:head|heads|heading|headed|go|goes|going|went|lead|leads|leading|fit|fits|end|ends|come|comes|came)\b"
    r"(?! to (?:the |a )?(?:university|college|school|uni)\b))|"
    r"where (?:is|are|was|were|did|does|do)\b.*\b(?:take place|took place|happen|happened|"
    r"held|signed|located|based|meet|met|occur|occurred|break out|broke out|sit|sits|situated)|"
    r"u kom gradu|u kojem gradu|u kom mestu|gde|gdje|у ком граду|у којем граду|где|гдје|"
    r"ne cilin qytet|ne cilin vend|ku|"
    r"in welcher stadt|an welchem ort|wo|"
    r"dans quelle ville|quelle ville|a quel endroit|^ou (?:se trouve|se trouvent|se situe|est|sont|a|ont|siege)|"
    r"(?:quelles|quels) (?:villes|localites|regions)|welchen? (?:stadten|stadte|orten|regionen)|"
    r"(?:u )?(?:kojim|koji|koje) (?:gradovima|gradovi|gradove|mestima)|"
    r"(?:у )?(?:којим|који|које) (?:градовима|градови|градове)|"
    r"(?:ne )?(?:cilat|cilet) (?:qytete|qytetet|vende))\b"
)
_PLACE_WORDS = frozenset(
    """city town village place capital venue location building municipality region street district neighbourhood
    neighborhood square avenue where gradu mestu gde gdje граду где гдје qytet vend ku stadt ort wo ville endroit
    ou cities towns villages places capitals venues locations buildings municipalities regions streets districts
    neighbourhoods neighborhoods squares avenues villes localites stadten stadte orten regionen gradovima gradovi
    gradove mestima градовима градови градове qytete qytetet vende""".split()
)
_NAME_Q = LazyPattern(
    r"\b(?:what(?: is| was|s)? (?:the )?(?:official |full |exact )?name|what (?:are|were) the names of|(?:officially |actually |also )?called|"
    r"what do (?:they|you|we|people) call|name of|"
    r"kako se zove|kako se naziva|како се зове|ime|si quhet|emri|wie heisst|wie nennt man|"
    r"comment s ?appelle|quel est le nom|nom de)\b"
)
_PERSON_Q = re.compile(
    r"^(?:(?:and|so|but|then|ok) )?(?:who|whom|whos|ko|ко|kush|wer|qui)\b|"
    r"\b(?:which|what) (?:(?!(?:did|does|do|is|are|was|were|has|have|had|will|would|can|could|the)\b)\w+ ){0,2}"
    r"(?:minister|ambassador|envoy|official|diplomat|spokesperson|spokesman|spokeswoman|"
    r"president|leader|head|chief|representative)\b"
)
_PERSON_WORDS = frozenset(
    """who whom whos ko ко kush wer qui minister ambassador envoy official diplomat spokesperson spokesman spokeswoman
    president leader head chief representative""".split()
)
_DATE_Q = re.compile(
    r"^(?:(?:and|so|but|then|ok) )?(?:when|kada|kad|када|кад|kur|wann|quand)\b|"
    r"\b(?:(?:what|which) year|since when|by when|until when|till when|what date|how long ago|seit wann|in welchem jahr|en quelle annee|"
    r"(?:koje|које) (?:godine|године)|(?:ne )?cilin vit)\b"
)
_DATE_WORDS = frozenset("when kada kad када кад kur wann quand year date ago jahr annee godine године vit".split())
_CAUSE_Q = re.compile(
    r"\b(?:what|which \w+) (?:sparked|caused|triggered|prompted|provoked|set off|touched off)\b|"
    r"\bwhat (?:was|were|is|are) the (?:cause|causes|trigger|triggers|spark)\b"
)
_CAUSE_WORDS = frozenset("sparked caused triggered prompted provoked off cause causes trigger triggers spark".split())
#: Words by which an answer gives a cause ("because", "fuelled by", "thanks to").
_CAUSE_A = LazyPattern(
    r"\b(?:because|due to|owing to|thanks to|as a result|result of|caused|causes|cause|triggered|sparked|prompted|"
    r"provoked|fuelled|fueled|driven by|reason|reasons|stems from|stemmed from|citing|cites|cited)\b"
)
_CONTACT_Q = LazyPattern(
    r"\b(?:(?:tele)?phone|fax|mobile) (?:number|no)\b|\btelephone\b|\be ?mail(?: address)?\b|"
    r"\b(?:the|its|their|your|postal|street|exact|physical|full|whats) address\b|\bweb ?site\b|\burl\b|"
    r"\bcontact (?:details|information|info|number)\b|\bhow (?:do|can|could) (?:i|we|you) (?:contact|reach|call|email)\b|"
    r"broj telefona|број телефона|adresa|adresu|адреса|адресу|telefonnummer|adresse|numero de telephone|site web|"
    r"numri i telefonit|adresa e\b"
)
_HOURS_Q = LazyPattern(
    r"\b(?:opening|open|office|business|visiting|working) (?:hours|times)\b|"
    r"\b(?:what time|when) (?:does|do|is|are)\b.*\b(?:open|opens|close|closes|closed)\b|"
    r"\bradno vreme|радно време|offnungszeiten|horaires d ouverture|horaires|orari\b"
)
#: "which experts", "name the companies": where a question may ask for members of a class by name.
_WHICH_Q = LazyPattern(r"\b(?:which|what)\b|^(?:name|list)(?: (?:the|some|all|any))?\b")
#: Pieces of text every match of a pattern contains (a match needs one of them): a question without
#: any is not searched, which most questions need not be (a search of these patterns costs tens of
#: microseconds, looking for each piece a fraction of one).
_CONTACT_PIECES = ("phone", "fax", "mobile", "mail", "address", "site", "url", "contact", "reach", "call", "telefon",
                   "телефон", "adres", "адрес")
_HOURS_PIECES = ("hours", "times", "open", "clos", "vreme", "време", "offnungszeit", "horaire", "orari")
_MANNER_Q = re.compile(
    r"\b(?:exactly|precisely|specifically) how\b|\bhow (?:exactly|precisely|specifically)\b|"
    r"\bin (?:what|which) (?:way|ways|manner)\b|\bby what (?:means|mechanism)\b|"
    r"\bwhat (?:exact|precise|specific) (?:way|ways|mechanism|mechanisms|steps|measures|means)\b"
)
_MANNER_WORDS = frozenset("exactly precisely specifically way ways manner means mechanism exact precise specific".split())
#: A question whose own clause compares ("Does China supply more arms than Russia does?") or asks
#: which is likeliest; "rather than" and "other than" compare nothing.
_COMPARISON_Q = LazyPattern(
    r"^(?:(?:and|so|but|ok),? )?(?:is|are|was|were|do|does|did|has|have|had|will|would|can|could|who|what|which|how)\b"
    r"(?:[^,;:.?!](?!\b(?:rather|other) than\b))*?\b(?:more|less|fewer|better|worse|\w{3,}er)\b[^,;:.?!]*?\bthan\b"
    r"(?! (?:that|this|it|before|usual|ever|expected|now)[\s?!.]*$)|"
    r"\b(?:most|least) (?:likely|probable|plausible|realistic|important|significant|decisive|influential)\b|"
    r"\blikeliest\b|"
    # "Does China trade more with Serbia or with Kosovo?": which of two alternatives is more so
    r"^(?:(?:and|so|but|ok),? )?(?:is|are|was|were|do|does|did|has|have|had|will|would|can|could|which|who)\b"
    r"[^,;:.?!]*?\b(?:more|less|better|worse|likelier|bigger|stronger|weaker|closer|greater|higher|lower|larger|"
    r"smaller)\b(?! or (?:less|fewer)\b)[^,;:.?!]*?\bor\b(?! (?:not|something|anything|so|more|less)\b)"
)
_COMPARISON_PIECES = (
    "than", "most", "least", "likeliest", "more", "less", "better", "worse", "likelier", "bigger", "stronger", "weaker",
    "closer", "greater", "higher", "lower", "larger", "smaller",
)
#: Words by which an answer compares.
_COMPARISON_A = LazyPattern(
    r"\b(?:than|unlike|compared|whereas|in contrast|likely|likeliest|probable|probably|"
    r"most (?:important|significant|decisive|influential))\b",
    re.IGNORECASE,
)
#: An answer that says its source gives no detail ("...and gives no further detail").
_NO_DETAIL_A = LazyPattern(
    r"\b(?:gives|give|offers|provides|goes into) no (?:further |more |other )?(?:detail|details|specifics)\b|"
    r"\b(?:does|do) not (?:say|specify|explain|detail) how\b|\bwithout (?:saying|specifying|explaining) how\b",
    re.IGNORECASE,
)
#: How something is done, in an answer: "by lobbying", "through its veto", "using loans".
_MEANS_A = LazyPattern(
    r"\b(?:by|through|via|using|by means of|by way of|with the help of)\s+(?:(?:its|their|his|her|the|a|an)\s+)?"
    r"(?:[^\W\d_]+ing|veto|vetoes|votes?|loans?|pressure|lobbying|diplomacy|force|means|deals?|investments?|threats?)\b",
    re.IGNORECASE,
)
#: Acts that are a way of doing something else ("China can veto" is how it could block).
_MEANS_ACTS = frozenset(
    stem(w) for w in "veto vote sanction fund finance lend loan pay bribe boycott lobby threaten embargo subsidise subsidize".split()
)
#: A phone number, an email, a web address or a street address in an answer.
_CONTACT_A = LazyPattern(
    r"\+?\d[\d ()./-]{6,}\d|[\w.+-]+@[\w-]+\.\w|https?://|\bwww\.|"
    r"\b\d+\s+[\w ]{2,30}\b(?:street|st|road|rd|avenue|ave|boulevard|blvd|lane|square)\b|"
    r"\b(?:street|road|avenue|boulevard|ulica|rruga|strasse)\b",
    re.IGNORECASE,
)
#: A time of day, or a day of the week, in an answer.
_HOURS_A = LazyPattern(
    r"\b\d{1,2}(?::\d\d)?\s?(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}[:.]\d\d\b|"
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekdays|weekends)\b",
    re.IGNORECASE,
)
#: "What is the Shanghai Cooperation Organization?", "What does Interpol actually do?": the whole
#: question asks what a name (capitalised words, as written) is or does.
_NAME_WORDS = r"(?:[A-Z][\w-]*|[A-Z]{2,}|of|and|for|the|on|in)"
_DEFINITION_Q = LazyPattern(
    rf"^(?i:(?:and|so|but|ok),? )?(?i:what|what's|whats)(?i: (?:is|are|was|were|exactly is|is exactly))?\s*"
    rf"(?i:the |an? )?(?P<a>[A-Z][\w-]*(?: {_NAME_WORDS})*)(?i: (?:exactly|actually|really))?\s*\?*$|"
    rf"^(?i:(?:and|so|but|ok),? )?(?i:what does) (?i:the )?(?P<b>[A-Z][\w-]*(?: {_NAME_WORDS})*)"
    r"(?i: (?:exactly|actually|really))? (?i:do|stand for|contain|include|involve|consist of|cover|entail|mean)\s*\?*$"
)
#: After a name in an answer, the words by which it says what that is ("Geng Shuang is...",
#: "Mao Ning, the spokesperson...").
_DEFINES = r"\s*(?:\([^)]*\)\s*)?(?:(?:is|are|was|were)\b|,\s*(?:a|an|the|which|who)\b|–|—)"
#: "Do you know who...", "can someone tell me when...": the question inside the question.
_EMBEDDED = re.compile(
    r"^(?:(?:and|so|but|ok|hey|also|quick q|quick question) )*(?:(?:do|does|did) (?:you|u|ya|anyone|anybody|someone|"
    r"somebody) know|(?:can|could) (?:you|u|someone|anyone|somebody) (?:tell me|say)|(?:i )?(?:wonder|wondering|"
    r"want to know|wanna know|would like to know|d like to know)|any idea|tell me|idk|dunno) (?=\w)"
)
#: Words that stress a question without changing what it asks ("What actually sparked...", "Has
#: Washington officially responded..."): read without them.
_FILLER_WORDS = frozenset("actually really truly officially indeed".split())
#: "When exactly in May 2024...": with the month given, the day is asked.
_EXACTLY_WHEN = re.compile(r"\b(?:when exactly|exactly when|when precisely|precisely when)\b")
_EXACTLY_WORDS = frozenset(("exactly", "precisely"))
#: "After X, Y": X came first and may be what set Y off.
_AFTER_A = LazyPattern(r"\b[Aa]fter ([^,;.]+)")
_QUANTITY_Q = re.compile(
    r"\b(?:(?:what|whats) (?:(?:is|was|are) (?:the )?(?:\w+ ){0,5}?|(?:the )?(?:\w+ )?)(?:value|amount|number|percentage|"
    r"share|cost|price|size|total|sum|population|budget|volume|toll|death toll|casualties|turnout|headcount)"
    r"(?! (?:two|2)\b)|"
    r"(?:what|which|whats) (?:\w+ )?(?:percent|per cent|proportion|fraction|ratio)|"
    r"how (?:big|large|high|expensive) (?:is|are|was|were) (?:the|its|their|his|her)|"
    r"how (?:big|large|high|much) (?:is|are|was|were)\b(?: \w+){1,8}? (?:each|every|per|a) year|"
    r"koliko|колико|koliki|kolika|колики|колика|sa (?:shume|punonjes|vende|njerez)|^sa\b|wie viele|wie viel|wie hoch|"
    r"combien|quel est (?:le|son|leur) (?:montant|budget|cout|prix|nombre|chiffre)|quelle est (?:la|sa|leur) (?:population|valeur|somme|part)|"
    r"cili eshte (?:buxheti|numri|cmimi|kostoja)|sa eshte)\b"
)
_QUANTITY_WORDS = frozenset(
    """value amount number percentage share cost price size total sum population budget volume toll casualties
    turnout headcount percent cent proportion fraction ratio big large high expensive year koliko колико koliki
    kolika колики колика sa wie combien quel quelle cili""".split()
)

#: A measure a question asks the amount of: only a fact that speaks of it states that amount. Its
#: words in the other languages read stand for the English one, which an answer speaks of.
_MEASURES = {
    "population": "stanovnistvo stanovnistva stanovnika становништво становништва становника popullsia popullsise "
    "bevolkerung einwohner einwohnerzahl",
    "budget": "budgets budzet budzeta буџет буџета buxhet buxheti buxhetit buxhetin haushalt",
    "cost": "costs kosta kostalo кошта коштало kosto kostoja kushton kushtojne kushtoi kosten cout couts",
    "price": "prices cena cijena цена cmimi cmim preis prix",
    "salary": "salaries plata plate плата паге paga rroga gehalt salaire",
    "revenue": "revenues prihod prihodi приход приходи",
    "investment": "investments invested invest investime investimet investimeve investicije investicija "
    "инвестиције инвестиција investitionen investition investiert investissements investissement investi",
}
_MEASURE_OF = {word: measure for measure, text in _MEASURES.items() for word in (measure, *text.split())}
_MEASURE_Q = LazyPattern(
    r"\b(value|volume|toll|casualties|turnout|percentage|headcount|gdp|income|debt|deficit|surplus|area|length|distance|"
    r"height|" + "|".join(sorted(_MEASURE_OF, key=len, reverse=True)) + r")\b"
)

#: Offices a question can ask about, by class; the words of other languages map to the same class.
_OFFICES = {
    "diplomat": "ambassador ambassadors envoy envoys representative representatives emissary diplomat ambasador "
    "ambasadori амбасадор predstavnik представник perfaqesues botschafter botschafterin vertreter "
    "ambassadeur lambassadeur representant",
    "minister": "minister ministers ministar министар ministri ministre",
    "president": "president presidents predsednik председник presidenti prasident praesident",
    "spokesperson": "spokesperson spokesman spokeswoman spokespeople portparol портпарол zedhenes "
    "sprecher sprecherin porte parole",
    "head": "head heads headed leader leaders leads lead led chief runs run ran boss director chair chairman "
    "chairs charge sef sefa sefu шеф шефа шефу shef shefi shefin shefit direktor vodi rukovodi predvodi celu води руководи предводи челу drejton drejtues kreu "
    "leitet leiter chef dirige directeur",
    "premier": "premier prime",
    "secretary": "secretary",
}
_OFFICE_OF = {word: office for office, text in _OFFICES.items() for word in text.split()}
_DEPUTY = frozenset("deputy vice assistant zamenik заменик zevendes stellvertretend stellvertretende adjoint".split())
#: Words around an office that are neither its owner nor its rank.
_OFFICE_NOISE = frozenset(
    "foreign permanent current former new first top senior official officials ministry name names "
    "ko ко kush wer qui sta sto шта што cfare was que quoi".split()
)
#: What an office is held in ("who leads the government").
_INSTITUTIONS = frozenset(
    "government mission ministry office embassy delegation party country state council initiative organisation "
    "platform format programme program project body agency committee commission forum "
    "organization misije misija misiju misiji мисија мисије мисију мисији vlada vlade vladu влада владе владу "
    "misionin misioni vertretung regierung mission gouvernement kancelarija kancelariju kancelarije kancelariji "
    "канцеларија канцеларију канцеларије канцеларији zyra zyren zyres zyre qeveria qeverine qeverise buro botschaft "
    "bureau ambassade".split()
)
#: Words that refer to what a message named before ("Who is in charge of it?").
_REFERRING = frozenset("it them".split())
#: Office words that are verbs too ("could lead to"): offices in a question, not in an answer.
_OFFICE_VERBS = frozenset(
    "heads headed leads lead led runs run ran chairs charge vodi rukovodi predvodi води руководи предводи drejton leitet "
    "dirige".split()
)
#: "Which other spokesperson, besides Mao Ning...": someone the question does not name is asked.
_OTHERS_Q = LazyPattern(r"\b(?:other|others|besides|apart from|aside from|except|else)\b")
#: Office words in the plural ("ambassadors"): a class of officials, not one.
_PLURAL_OFFICES = frozenset(
    w for w in _OFFICE_OF if w.endswith("s") and w[:-1] in _OFFICE_OF and w not in _OFFICE_VERBS
)
#: Office words that name no rank: "which Chinese diplomat" is any of them, a deputy too.
_ANY_RANK = frozenset("diplomat diplomats".split())
#: "Top diplomat": a rank after all.
_RANKED = LazyPattern(r"\b(?:top|chief|senior|head|lead|leading|principal|highest|main) diplomats?\b")
#: Ranks a question can name beside "deputy" ("China's number two envoy").
_DEPUTY_PHRASE = LazyPattern(r"\bnumber (?:two|2)\b")

#: Classes whose members have names: "which experts", "what companies" ask for those names.
_NAMED_CLASSES = frozenset(
    stem(w)
    for w in """country countries state states nation nations government governments company companies firm
    firms corporation corporations business businesses bank banks brand brands expert experts analyst analysts
    scholar scholars academic academics researcher researchers journalist journalists newspaper newspapers
    channel channels outlet outlets broadcaster broadcasters station stations website websites magazine magazines
    agency agencies meeting meetings session sessions summit summits conference conferences university
    universities party parties politician politicians resolution resolutions treaty treaties law laws weapon
    weapons missile missiles drone drones product products organisation organisations organization
    organizations project projects sanction sanctions member members highway highways motorway motorways
    plant plants factory factories bridge bridges railway railways mine mines port ports airport airports
    base bases good goods export exports import imports commodity commodities language languages currency
    currencies ally allies""".split()
)
#: "Which other countries": the words between the question word and the class.
_OTHER_WORDS = frozenset("other others else further more".split())
#: "What are Kosovo's main exports?": a class, after whose it is and how it ranks.
_WHAT_ARE_Q = LazyPattern(r"\b(?:what|which) (?:are|were)\b")
#: "Which countries", "which experts"... in the community's other languages (folded: no
#: diacritics), each with the English class it asks the members of.
_WHICH_ABROAD = {
    "countries": r"(?:quels|quelles) pays|welche (?:lander|staaten)|(?:koje|koji) (?:zemlje|drzave)|"
    r"(?:које|који) (?:земље|државе)|cilat (?:vende|shtete)",
    "experts": r"(?:quels|quelles) (?:experts|specialistes|analystes)|welche (?:experten|fachleute|analysten)|"
    r"(?:koji|koje) (?:strucnjaci|analiticari|eksperti)|(?:који|које) (?:стручњаци|аналитичари|експерти)|"
    r"(?:cilet|cilat) (?:eksperte|ekspertet|analiste)",
    "companies": r"(?:quelles|quels) (?:entreprises|societes)|welche (?:firmen|unternehmen)|"
    r"(?:koje|koji) (?:kompanije|firme)|(?:које|који) (?:компаније|фирме)|cilat (?:kompani|kompanite|firma)",
    "projects": r"(?:quels|quelles) projets|welche projekte|(?:koji|koje) projekti|(?:који|које) пројекти|"
    r"cilat projekte",
    "sanctions": r"(?:quelles|quels) sanctions|welche sanktionen|(?:koje|koji) sankcije|(?:које|који) санкције|"
    r"cilat sanksione",
    # "Које још међународне организације...": an "other" or a kind between the question word and the class
    "organisations": r"(?:quelles|quels) (?:\w+ ){0,2}(?:organisations|institutions)|"
    r"welche (?:\w+ ){0,2}(?:organisationen|institutionen)|(?:koje|koji) (?:\w+ ){0,2}(?:organizacije|institucije)|"
    r"(?:које|који) (?:\w+ ){0,2}(?:организације|институције)|cilat (?:\w+ ){0,2}(?:organizata|organizatat|institucione)",
    "currencies": r"(?:koja|koju) (?:\w+ )?valut[au]|(?:која|коју) (?:\w+ )?валут[ау]|welche wahrung|"
    r"(?:quelle|quelles) (?:monnaie|devise)s?|cila (?:monedhe|valute)",
}
_WHICH_ABROAD_Q = [(stem(noun), LazyPattern(rf"\b(?:{pattern})\b")) for noun, pattern in _WHICH_ABROAD.items()]
_WHICH_ABROAD_WORDS = frozenset(
    "quels quelles quelle welche koje koji koja koju које који која коју cilat cilet cila".split()
)
#: "What specific technology": any class, asked for by name.
_SPECIFIC = frozenset("specific particular exact precise".split())
#: Words after "which"/"what" that end the search for a class ("what did...", "which is...").
_AUXILIARIES = frozenset(
    "is are was were be been did does do has have had can could would will should might may must shall".split()
)
#: Verbs of saying, thinking and wanting: "What did X say", "How does X see", "Does X want".
_STANCE_Q = re.compile(
    r"\b(?:what|how|which \w+) (?:did|does|do|has|have|had|is|was|were|are|would|will|might|could) ((?:\w+ ){1,5}?)"
    r"(?:say|said|think|thought|feel|felt|write|wrote|written|claim|claimed|argue|argued|want|wanted|believe|"
    r"believed|react|reacted|respond|responded|reply|replied|see|view|viewed|regard|regarded|perceive|perceived|"
    r"announce|announced|comment|commented|tell|told|make of|prefer|preferred|doing)\b|"
    r"^(?:(?:and|so|but|ok) )?(?:does|did|do|has|have|would|will) ((?:\w+ ){1,4}?)"
    r"(?:want|wish|plan|intend|hope|seek|support|oppose|back|favour|favor|agree|accept|reject|recognise|recognize|"
    r"think|believe|feel|warn|warned|ask|asked|request|requested|demand|demanded|urge|urged|criticise|criticised|"
    r"respond|responded|react|reacted|reply|replied|comment|commented|"
    r"criticize|criticized|condemn|condemned|complain|complained|protest|protested|object|objected)\b|"
    r"\bwhere (?:does|do|did) ((?:\w+ ){1,5}?)stand\b"
)
_STANCE_WORDS = frozenset(
    """say said think thought feel felt write wrote written claim claimed argue argued want wanted believe believed
    react reacted respond responded reply replied see view viewed regard regarded perceive perceived announce
    announced comment commented tell told make prefer preferred doing wish plan intend hope seek support oppose back
    favour favor agree accept reject recognise recognize warn warned ask asked request requested demand demanded urge
    urged criticise criticised criticize criticized condemn condemned complain complained protest protested object
    objected stand""".split()
)
#: The pieces of _STANCE_NOUN_Q's matches (see _CONTACT_PIECES).
_STANCE_NOUN_PIECES = ("stance", "position", "view", "opinion", "reaction", "response", "attitude")
#: "Washington's position", "the EU's official view": a view, held by the possessor.
_STANCE_NOUN_Q = LazyPattern(
    r"([^\W_]+)['’]s? (?:[^\W_]+ )?(?:stance|position|view|views|opinion|reaction|response|attitude)\b"
)
#: Verbs of saying, reacting, answering, thinking and asking in Serbian (Latin: Cyrillic is read
#: in Latin, see :func:`~bot.core.matching.language.serbian_latin`), Albanian, German and French,
#: folded, in the forms a question writes them in (participles, past and present forms).
_FOREIGN_STANCE_VERBS = frozenset(
    """rekao rekla rekli reklo rekle kaze kazu kazao kazala izjavio izjavila izjavili izjavilo porucio porucila
    porucili reagovao reagovala reagovali reagovalo reagovale reaguje reaguju reagirao reagirala odgovorio
    odgovorila odgovorili odgovorilo odgovorile odgovara odgovaraju misli misle mislio mislila smatra smatraju
    smatrao smatrala trazio trazila trazili trazilo trazile trazi traze zatrazio zatrazila zatrazili zahtevao
    zahtevala zahtevali zahteva zahtevaju zamolio zamolila zamolili gleda gledaju zeli zele zeleo zelela zeleli
    podrzava podrzavaju podrzao podrzala osudio osudila osudili kritikovao kritikovala kritikovali komentarisao
    komentarisala komentarisali
    tha thane thote thone deklaroi deklaruan reagoi reaguan reagon reagojne reaguar pergjigj pergjigjet pergjigjen
    pergjigjur kerkoi kerkuan kerkon kerkojne kerkuar mendon mendojne mendoi sheh shohin deshiron deshirojne
    mbeshtet mbeshtesin kundershton kundershtoi denoi denon kritikoi kritikon komentoi
    sagte sagten sagt gesagt meint meinte meinten gemeint denkt dachte dachten reagierte reagierten reagiert
    antwortete antworteten antwortet geantwortet erwiderte erwidert erklarte erklarten erklart gebeten forderte
    forderten gefordert fordert verlangte verlangten verlangt kritisierte kritisiert verurteilte verurteilt
    kommentierte kommentiert sieht wollte wollten unterstutzt unterstutzte
    dit repondu repond repondent reagi reagit reagissent pense pensent demande demandee demandes demandent exige
    exigent reclame reclament estime estiment condamne condamnent soutient soutiennent veut veulent voulu
    souhaite souhaitent commente""".split()
)
_FOREIGN_STANCE_VERB = "(?:" + "|".join(sorted(_FOREIGN_STANCE_VERBS, key=len, reverse=True)) + ")"
#: Where the side whose view is asked stands, in those languages: before the verb ("Šta je
#: Vašington odgovorio", "Wie hat Belgrad auf ... reagiert", "Chypre a-t-elle demandé") or after
#: it ("Si reagoi qeveria e Kosovës ndaj...", "Qu'a répondu Washington à..."); each with whether
#: an object or a preposition may follow the side's words ("Hat Zypern China gebeten", "Wie
#: reagierte Belgrad auf den Appell"): then the side is the first named, before any preposition.
#: A "why" asks no view, as in English.
_FOREIGN_STANCE_Q = [
    (LazyPattern(rf"^(?:sta|sto|kako|da li|je li)(?: (?:je|su|ce|bi))? ((?:\w+ ){{1,4}}?){_FOREIGN_STANCE_VERB}\b"),
     False),
    (LazyPattern(rf"^(?:sta|sto|kako)(?: (?:je|su))? {_FOREIGN_STANCE_VERB} ((?:\w+ ){{0,5}}\w+)"), True),
    (LazyPattern(rf"^(?:si|cfare|c|a)(?: (?:ka|kane|e|i|u|te|po))* {_FOREIGN_STANCE_VERB} ((?:\w+ ){{0,5}}\w+)"),
     True),
    (LazyPattern(
        rf"^(?:was|wie|hat|hatte|haben|hatten)(?: (?:hat|hatte|haben|hatten|wird|werden|denn))? "
        rf"((?:\w+ ){{1,8}}?){_FOREIGN_STANCE_VERB}\b"
    ), True),
    (LazyPattern(rf"^(?:was|wie) {_FOREIGN_STANCE_VERB} ((?:\w+ ){{0,5}}\w+)"), True),
    (LazyPattern(
        rf"^(?:comment )?((?:\w+ ){{1,4}}?)(?:a|ont|avait|avaient) t (?:il|elle|ils|elles|on) "
        rf"{_FOREIGN_STANCE_VERB}\b"
    ), False),
    (LazyPattern(rf"^(?:comment )?((?:\w+ ){{1,4}}?){_FOREIGN_STANCE_VERB}(?: t)? (?:il|elle|ils|elles)\b"),
     False),
    (LazyPattern(
        rf"^(?:comment|est ce que|qu est ce que|quest ce que) ((?:\w+ ){{1,4}}?)(?:a|ont|avait) "
        rf"{_FOREIGN_STANCE_VERB}\b"
    ), False),
    (LazyPattern(rf"^(?:que|qu|qua|quont|comment)(?: (?:a|ont))? {_FOREIGN_STANCE_VERB} ((?:\w+ ){{0,5}}\w+)"), True),
]
#: Prepositions that end a side's words in those languages ("Belgrad auf...", "qeveria ... ndaj").
_FOREIGN_STANCE_ENDS = frozenset(
    """o na za prema od sa posle nakon tokom povodom oko u ndaj per ne nga me mbi kunder lidhur pas rreth auf zu zum
    zur uber gegen fur nach an am von vom mit bei beim im in ins um a au aux sur pour contre apres face envers en
    dans""".split()
    + list(_FOREIGN_STANCE_VERBS)
)
#: Articles before a side's name ("die EU", "la Serbie"), and the words by which a noun before it
#: says that it belongs to the side ("qeveria e Kosovës", "die Regierung des Kosovo").
_ARTICLES = frozenset("die der das den dem le la les l".split())
_GENITIVE_LINKS = frozenset("e i te se des der du de d".split())
#: Words of a side a question names in those languages (folded; Serbian in Latin) that neither the
#: synonyms nor the country names read (capitals, inflected forms, short names), each with the
#: English name an answer uses.
_FOREIGN_SIDES = {
    "belgrade": "beograd beograda beogradu beogradom beogradi beogradit belgrad",
    "washington": "vasington vasingtona vasingtonu vasingtonom uashington uashingtoni uashingtonit",
    "brussels": "brisel brisela briselu bruxelles brussel bruksel brukseli brukselit",
    "moscow": "moskva moskve moskvi moskvu moskau moscou moska moskes",
    "beijing": "peking pekinga pekingu pekin pekini pekinit pekinu",
    "pristina": "pristine pristini pristinu prishtines prishtinen",
    "kosovo": "kosovu kosovom kosoves kosoven",
    "serbia": "srbije srbiji srbiju serbise serbine",
    "russia": "rusija rusije rusiji rusiju russland rusia rusise rusine russie",
    "china": "kina kine kini kinu kinom kines kinen chine",
    "united states": "sad amerika amerike americi shba",
    "xi": "si djinping dinping dzinping",
}
_FOREIGN_SIDE = {form: name for name, text in _FOREIGN_SIDES.items() for form in text.split()}
#: "Who <verb>": the question asks who did what the verb says.
_AGENT_Q = LazyPattern(
    r"^(?:(?:and|so|but|then|ok) )?(?:who|whom|(?:which|what) (?:\w+ )?(?:official|officials|person|people|politician|"
    r"politicians|leader|leaders)) (?:(?:did|has|had|have|would|will|could|might|can|first|actually|really) )*(\w+)\b"
)
#: "Who is the author of...", "who was the mediator behind...": a person in a role, which an answer
#: states only where it names someone beside the role's word.
_ROLE_Q = LazyPattern(
    r"^(?:(?:and|so|but|then|ok) )?(?:who|whos) (?:is |was |are |were |s )?(?:the |its |their )?(?:\w+ )?"
    r"(author|authors|writer|writers|founder|founders|creator|creators|owner|owners|editor|editors|mediator|"
    r"mediators|organiser|organisers|organizer|organizers|sponsor|sponsors|architect|architects|negotiator|"
    r"negotiators) (?:of|behind|for|at|in)\b"
)
#: "Under what conditions...", "on which terms": the conditions of something.
_CONDITIONS_Q = re.compile(r"\b(?:under|on) (?:what|which) (?:conditions?|circumstances)\b|\bwhat conditions\b")
_CONDITIONS_WORDS = frozenset(("condition", "conditions", "circumstances"))
#: "Is Serbia a member of the SCO?": whether someone is a member.
_MEMBER_Q = re.compile(
    r"^(?:(?:and|so|but|ok|also) )?(?:is|are|was|were|has|have) (?:\w+ ){1,3}?(?:(?:a|an|already|ever|now|been|become|"
    r"actually|officially|full|permanent) ){0,3}(?:member|members|participant) of\b"
)
#: What an answer that speaks of membership says (the canonical term of "join", "member"...).
_MEMBERSHIP = "\x00membership"
#: The canonical words of an answer that speaks of membership ("join" reads as "membership").
_MEMBER_WORDS = frozenset("membership member members".split())
#: "How has X changed since...", "has China's stance shifted": a change over time.
_CHANGE_Q = re.compile(
    r"\b(?:how|has|have|did|does|is|in what way|to what extent) (?:\w+ ){0,6}?(?:changed|evolved|shifted|developed|"
    r"hardened|softened|moved|grown|changing|evolving|shifting) (?:\w+ ){0,4}?(?:since|over|from|after|through)\b"
)
_CHANGE_WORDS = frozenset(
    "changed evolved shifted developed hardened softened moved grown changing evolving shifting".split()
)
#: The words by which an answer speaks of a change.
_CHANGE_A = LazyPattern(
    r"\b(?:changed|changes|changing|evolved|evolving|shifted|shift|shifts|hardened|softened|grown|grew|become|became|"
    r"increasingly|no longer|anymore|since|turned|deepened|weakened|strengthened|declined|declining|decreasing|"
    r"increased|rising|rose|used to|once|now)\b",
    re.IGNORECASE,
)
#: "after the next election", "once the next government...": an event to come.
_NEXT_EVENT_Q = re.compile(
    r"\b(?:after|before|once|when|by|until) the next ((?:[^\W\d_]+ ){0,3}[^\W\d_]+)|"
    r"\b(?:after|once|when|until) (?:the )?((?:[^\W\d_]+ ){0,3}[^\W\d_]+ (?:ends|is over|finishes|stops))\b"
)
_NEXT_EVENT_WORDS = frozenset(("next", "ends", "over", "finishes", "stops"))
#: A year in a question ("by 2030").
_QUESTION_YEAR = re.compile(r"\b20\d\d\b")
#: "Will Kosovo apply again?", "Is China going to block it a second time?": a repeat to come.
_REPEAT_Q = LazyPattern(
    r"^(?:(?:and|so|but|ok|also) )?(?:will|would|is|are|could|might|may|shall)\b.*"
    r"\b(?:again|a second time|once more|another time)\b"
)
_REPEAT_WORDS = frozenset("again second once another".split())
#: The words by which an answer speaks of a repeat or of what comes next.
_REPEAT_A = LazyPattern(r"\b(?:again|future|next|renewed|repeated|repeatedly|once more|second|further)\b", re.IGNORECASE)
#: "..., X or Y?": alternatives at the end of a question (up to two words before "or", eight after).
#: Each word after "or" is a whole run of letters: a pattern that could split a word into several
#: runs tried every split of the words that follow before failing ("...or uyghur tibetan
#: separatists entity02585?" took 80 ms, a longer word seconds).
_CHOICE_Q = LazyPattern(r"(?:^|[\s,])((?:[^\W\d_]+ )?[^\W\d_]+),? or ((?:[^\W\d_]+ ){0,7}[^\W\d_]+ ?)\s*\?*\s*$")
#: Alternatives that offer nothing ("or not", "or something", "or more").
_VAGUE_CHOICE = frozenset(
    "not something anything whatever what else more less so other others smth sth nothing otherwise".split()
)
#: "If Serbia (one day) recognised Kosovo...": a side and what it would do.
_IF_Q = LazyPattern(r"\bif (?:the )?([^\W\d_]+) ((?:[^\W\d_]+ ?){1,4})")
#: Words between a side and its act in a condition ("if Serbia one day recognised").
_IF_FILLER = frozenset("one day ever first actually really suddenly eventually finally later someday decided decides".split())
#: Acts of a side that would change the matter ("if Serbia recognised Kosovo"): a condition of
#: another act ("if Russia stops backing Serbia") is too loose to read.
_IF_ACTS = frozenset(
    stem(w)
    for w in """recognise recognize recognised recognized recognises recognizes derecognise derecognize apply applies
    applied join joins joined leave leaves left withdraw withdraws withdrew veto vetoes vetoed vote votes voted
    sanction sanctions sanctioned invade invades invaded attack attacks attacked declare declares declared accept
    accepts accepted reject rejects rejected sign signs signed ratify ratifies ratified admit admits admitted annex
    annexes annexed secede secedes seceded""".split()
)
#: Letters a name may change at its end when another language inflects it ("Unesco" / "Uneska").
INFLECTION = 2
#: Words a side's act may stand after it in a fact's text ("Serbia would eventually recognise").
HYPOTHESIS_WINDOW = 3
#: A question sentence after the first ("... resolution? When was that?").
_LATER_QUESTION = re.compile(r"(?<=[?.!])\s+(?=\S)")
#: A yes/no question, and where what it asks starts.
_YES_NO_Q = re.compile(
    r"^(?:(?:and|so|but|ok|also) )?(?:do|does|did|has|have|had|is|are|was|were|will|would|can|could|should|might)\b"
)
#: "What does Kosovo import?", "How did China fund it?": a question of what or how about an act
#: (not of what would happen), and where what it asks starts.
_WH_ACT_Q = re.compile(
    r"^(?:(?:and|so|but|ok|also) )?(?:what|how) (?:do|does|did|has|have|had)\b"
)
_WHAT = re.compile(r"\bwhat\b")
#: Where the act asked about ends ("did China fund it or lend it?").
_CONJUNCTION = re.compile(r"\b(?:or|and|but)\b")
#: "How did each member vote?", "Which way did China vote?": how someone voted, which only an
#: answer that speaks of a vote states.
_VOTE_Q = re.compile(
    r"\b(?:how|which way|what way) (?:did|does|do|would|will|has|have)\b(?: \w+){1,6}? (?:vote|voted|cast)\b|"
    r"\bvote(?:d)? (?:for or against|in favou?r or against)\b"
)
_VOTE_WORDS = frozenset(("vote", "voted", "cast"))
#: The verbs of an answer that speak of a vote.
_VOTE_VERBS = frozenset(stem(w) for w in "vote votes voted voting veto vetoed abstain abstained".split())
#: "What is X officially called?", "its formal name": an official name, which an answer states
#: only where it says so ("officially", "known as", "renamed").
_OFFICIAL_NAME_Q = LazyPattern(
    r"\b(?:officially|formally|properly) (?:called|named|known as|titled)\b|"
    r"\b(?:official|formal|proper) (?:name|title)\b|\bcalled (?:now|these days|today|nowadays)\b|"
    r"\b(?:what|whats) (?:is |was )?the (?:exact |full )?title of\b|"
    r"\bzvanicno (?:zove|naziva|ime)|званично (?:зове|назива|име)|\bzvanicni naziv|званични назив|"
    r"emri zyrtar|quhet zyrtarisht|zyrtarisht quhet|offiziell (?:heisst|genannt)|offizielle name|"
    r"offiziellen namen|officiellement (?:appele|nomme)|nom officiel\b"
)
#: The pieces of _NAME_Q's matches and of _OFFICIAL_NAME_Q's (see _CONTACT_PIECES).
_NAME_PIECES = ("name", "call", "zove", "naziva", "зове", "ime", "quhet", "emri", "heisst", "nennt", "appelle", "nom",
                "known", "titl", "zvanicn", "званичн", "zyrtar", "offiziell", "officiel")
_OFFICIAL_NAME_A = LazyPattern(
    r"\b(?:officially|formally|official name|formal name|full name|known as|renamed|titled|called|named)\b",
    re.IGNORECASE,
)
#: What a NAME detail's subject holds when an official name is asked.
_OFFICIAL = "\x00official"
#: Concrete acts, as stems: whether one was done is a detail only a fact that speaks of it holds.
_ACTS = frozenset(
    stem(w)
    for w in """send sell buy fund finance pay lend donate build construct visit open close issue ban arrest deport
    invade attack bomb kill deploy train host export import apologise apologize abstain vote sanction impose offer
    grant supply ship deliver award hire employ expel evacuate arm equip install launch sue fine tax extradite
    boycott celebrate invite sponsor subsidise subsidize rebuild repair manufacture produce operate lease loan
    transfer smuggle spy hack censor ratify veto apply request""".split()
)
#: Verbs too light to name an act ("who ran a campaign" is who led it, in other words).
_LIGHT_VERBS = frozenset(
    "run runs ran do does did done make makes made get gets got have has had take takes took give gives gave put "
    "go goes went come comes came keep keeps kept hold holds held set sets".split()
)
#: Verbs of saying: "who speaks for China" is answered by a fact that gives someone's words.
_SAYING = frozenset(
    stem(w) for w in "say speak talk state comment stress urge call warn declare announce respond react".split()
)
#: The lemma a fact that gives someone's view states (see :data:`_SAYING`).
_SAID = "\x00said"
#: "Who is ...", "who was ...": a question of identity, not of an act.
_IDENTITY = frozenset("is are was were s be been".split())
#: A question whether something was done: "Has China ever vetoed...", "Did Serbia apply...".
_DONE_Q = LazyPattern(r"^(?:(?:and|so|but|ok|also) )?(?:did|has|have|had|was|were)\b")
#: Endings of adjectives that share a stem with a noun ("diplomatic", "diplomats").
_ADJECTIVE_ENDINGS = ("ic", "ical", "al")
#: Words before a noun: "the issue" is no act of issuing.
_DETERMINERS = frozenset("the a an its their his her our your my this that these those any each every some".split())
#: What no concrete act is done to: "build ties", "offer support".
_ABSTRACT = frozenset(
    """ties relations relationship relationships partnership partnerships cooperation trust support influence
    future friendship bonds links presence role pressure position backing help""".split()
)
#: Words after a modal that still stand under it ("can veto", "could also give").
MODAL_WINDOW = 2
#: Past forms a stemmer does not bring back to the verb ("led" / "lead").
_IRREGULAR = {
    "led": "lead", "wrote": "write", "written": "write", "said": "say", "took": "take", "taken": "take",
    "ran": "run", "began": "begin", "begun": "begin", "made": "make", "sold": "sell", "brought": "bring",
    "gave": "give", "given": "give", "held": "hold", "met": "meet", "told": "tell", "thought": "think",
    "won": "win", "fought": "fight", "built": "build", "sent": "send", "spoke": "speak", "spoken": "speak",
    "broke": "break", "broken": "break", "chose": "choose", "chosen": "choose", "drew": "draw",
    "drove": "drive", "knew": "know", "known": "know", "stood": "stand", "became": "become", "kept": "keep",
    "left": "leave", "paid": "pay", "sat": "sit", "found": "find", "saw": "see", "seen": "see",
    "caught": "catch", "taught": "teach", "bought": "buy", "struck": "strike", "forced": "force",
}


def _has_any(text: str, pieces: Sequence[str]) -> bool:
    """Whether ``text`` contains one of ``pieces``."""
    for piece in pieces:  # (a loop: a generator costs more than the search)
        if piece in text:
            return True
    return False


#: Acts asked about in the other languages read, by the English verb an answer would use: the
#: folded forms a question writes them in (infinitives, participles, past forms).
_FOREIGN_ACTS = {
    "send": "schicken schickt schickte geschickt senden sendete gesendet gesandt entsandt entsendet "
    "poslati poslala poslao poslali poslalo posalje послати послала послао послали послало пошаље "
    "dergoj dergoi derguar dergon dergojne envoyer envoye envoyee envoyes envoyees envoie envoient",
    "visit": "besuchen besucht besuchte posetiti posetio posetila posetili posetilo посетити посетио посетила "
    "посетили vizitoj vizitoi vizituar viziton visiter visite visitee visita",
    "sell": "verkaufen verkauft verkaufte prodati prodala prodao prodali prodaje продати продала продао продали "
    "продаје shes shiti shitur shesin vendre vendu vendus vendent",
    "buy": "kaufen kauft kaufte gekauft kupiti kupila kupio kupili kupuje купити купила купио купили купује "
    "blej bleu blere blen acheter achete achetes achetee",
    "fund": "finanzieren finanziert finanzierte finansirati finansirala finansirao finansira финансирати "
    "финансирала финансирао финансира financoj financoi financuar financon financer financee",
    "build": "bauen baut baute gebaut izgraditi izgradila izgradio izgradili изградити изградила изградио "
    "изградили ndertoj ndertoi ndertuar construire construit construite",
    "open": "eroffnen eroffnet eroffnete geoffnet otvoriti otvorila otvorio otvorili отворити отворила отворио "
    "отворили hap hapi hapur ouvrir ouvert ouverte",
    "attack": "angreifen angegriffen griff napasti napala napao napali напасти напала напао напали sulmoj sulmoi "
    "sulmuar attaquer attaquee",
    "invade": "einmarschiert einmarschieren izvrsiti invaziju pushtoi pushtuar envahir envahi",
    "deploy": "stationieren stationiert stationierte rasporediti rasporedila rasporedio распоредила распоредио "
    "vendosi vendosur deployer deploye deployes",
    "veto": "veto vetos вето",
    "vote": "abstimmen abgestimmt stimmte gestimmt glasati glasala glasao glasali гласати гласала гласао гласали "
    "votoj votoi votuar voter votee",
    "sanction": "sanktionieren sanktioniert sankcionisati sankcionisala санкционисала sanksionoi sanksionuar "
    "sanctionner sanctionne",
    "apologise": "entschuldigt entschuldigte izvinila izvinio извинила извинио kerkoi falje",
}
_FOREIGN_ACT = {form: act for act, text in _FOREIGN_ACTS.items() for form in text.split()}
#: A yes/no question in another language, and one whether something was done (a perfect or past
#: auxiliary first: "Hat China...", "Da li je Kina...", "A ka dërguar...", "...a-t-elle envoyé").
_FOREIGN_YES_NO_Q = re.compile(
    r"^(?:hat|hatte|haben|hatten|ist|sind|war|waren|wurde|wurden|wird|werden|kann|konnte|will|"
    r"da li|je li|jel|да ли|је ли|\w+ li|\w+ ли|a (?:ka|kane|e|i|u|do|mund|eshte|jane|po)|est ce que?)\b|"
    r"\b\w+ t (?:il|elle|ils|elles|on)\b"
)
_FOREIGN_DONE_Q = LazyPattern(
    r"^(?:hat|hatte|haben|hatten|ist|sind|war|waren|wurde|wurden|da li (?:je|su)|je li|да ли (?:је|су)|"
    r"a (?:ka|kane|e ka|i ka|e kane|i kane|u))\b|\b(?:a|ont) t (?:il|elle|ils|elles|on)\b"
)


def _lemma(word: str) -> str:
    """The stem of a verb form, irregular past forms included."""
    return stem(_IRREGULAR.get(word, word))


#: Two spellings of one name ("Pristina", "Prishtina") are at least this alike (rapidfuzz ratio).
SPELLING_RATIO = 85.0


def _spelt_among(name: str, words: AbstractSet[str]) -> bool:
    """Whether ``words`` spell ``name`` another way (a transliteration, a misspelling)."""
    return any(len(word) >= 4 and fuzz.ratio(name, word) >= SPELLING_RATIO for word in words)


def _defined_name(question: str) -> str | None:
    """The name whose definition ``question`` asks for, as written, if that is all it asks."""
    if "what" not in question.lower():  # (every match of _DEFINITION_Q has it, in any case)
        return None
    match = _DEFINITION_Q.match(" ".join(question.split()).replace("’", "'"))
    if match is None:
        return None
    name = match.group("a") or match.group("b")
    return None if name.casefold() in STOPWORDS else name


def _declaration(detail: Detail, question: str) -> tuple[str, str | None, frozenset[str]]:
    """What a detail asked by a phrasing declares: its kind, and the office word as written (the
    curators' "envoy" for a deputy declares "envoy", not "ambassador"), the class, the verb or
    the holders asked about."""
    if detail.kind == OFFICIAL:
        offices = [w for w in words(question) if w in _OFFICE_OF and w not in _OFFICE_VERBS]
        return (detail.kind, offices[0] if offices else None, frozenset((str(detail.deputy),)))
    return (detail.kind, None, detail.subject | detail.holders)


Declaration = tuple[str, str | None, frozenset[str]]


def _declared(declared: frozenset[Declaration], detail: Detail, question: str) -> bool:
    """Whether a phrasing declared the ``detail`` ``question`` asks (see :func:`_declares`)."""
    asked = _declaration(detail, question)
    return any(_declares(declaration, asked) for declaration in declared)


def _declares(declaration: Declaration, asked: Declaration) -> bool:
    """Whether a phrasing's ``declaration`` is of the detail a question asks (its ``asked``
    declaration): the same office word and rank, the same class or verb, or a view of the same
    side (or of more, named with it)."""
    kind, _word, keys = asked
    if kind == OFFICIAL:
        return declaration == asked
    return kind == declaration[0] and bool(keys) and keys <= declaration[2]


@functools.lru_cache(maxsize=65536)
def _plain(token: str) -> str:
    """A token of an answer folded, without its possessive ("China's" -> "china")."""
    found = words(token)
    return found[0] if found else ""


def _is_name(tokens: list[str], i: int) -> bool:
    """Whether ``tokens[i]`` is written as a name: capitalised inside its sentence, not a month."""
    token = tokens[i]
    return i > 0 and token[:1].isupper() and _plain(token) not in _NOT_PLACES


def _names_beside(tokens: list[str], i: int) -> list[str]:
    """The names that ``tokens[i]`` (a noun) stands beside: "Resolution 1244", "organisations,
    including Interpol and UNESCO", "Organization (SCO)"."""
    found: list[str] = []
    j = i + 1
    if j < len(tokens) and tokens[j] in (",", ":", "("):
        j += 1
    if j < len(tokens) and _plain(tokens[j]) in _INTRODUCERS:
        j += 1
        if j < len(tokens) and _plain(tokens[j]) == "as":
            j += 1
        for k in range(j, min(j + 4, len(tokens))):
            if _is_name(tokens, k) or tokens[k].isdigit():
                found.append(_plain(tokens[k]))
        return found
    if j < len(tokens) and (tokens[j][:1].isupper() or tokens[j].isdigit()) and _plain(tokens[j]) not in _NOT_PLACES:
        found.append(_plain(tokens[j]))
    return found


# -- what an answer states ------------------------------------------------------------------------

_SENTENCES = LazyPattern(r"[^.;!?]+")
#: Content words before and after a date in a clause that it dates ("the declaration of
#: independence in 2008 broke international law": the declaration, more than what follows).
DATE_BEFORE, DATE_AFTER = 5, 3
#: Clauses of a sentence: a date dates what its own clause says ("After X in March 2023, Y").
_CLAUSES = LazyPattern(r"[,:()]|\s[–—-]\s")
_MONTHS = r"january|february|march|april|may|june|july|august|september|october|november|december"
_DAY_A = LazyPattern(rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)? (?:of )?(?:{_MONTHS})|(?:{_MONTHS}) \d{{1,2}}(?:st|nd|rd|th)?\b(?! ?\d{{3}}))")
_DATE_A = LazyPattern(rf"\b(?:1[89]\d\d|20\d\d|{_MONTHS})\b")
_NEGATION = frozenset("not no never without neither nor none refrains refrain absence lack lacks".split())
_NOT_CONTRACTED = frozenset(
    "doesnt dont didnt isnt arent wasnt werent cant wont hasnt havent hadnt couldnt wouldnt shouldnt".split()
)
#: Verbs by which a question takes a negation for granted ("When did China first refuse to
#: recognise Kosovo?" presumes that it does not, which a "does not recognise" confirms, not corrects).
_REFUSAL = frozenset("refuse refuses refused refusing refusal decline declines declined declining".split())
_QUOTED = LazyPattern(r"[\"“”«»]([^\"“”«»]{3,})[\"“”«»]")
_CAPITALISED = LazyPattern(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w’'-]+(?:\s+(?:of|and|the|for|de)?\s*[A-Z][\w’'-]+)*)")
_PLACE_A = LazyPattern(r"\b(?:in|at|from)\s+([A-Z][\w’'-]+)")
_NOT_PLACES = frozenset(f"the a an its his her their this that these those {_MONTHS.replace('|', ' ')}".split())
#: Words that may stand between a negation and what it negates, or its subject ("China does not
#: recognise", "China and Kosovo have no formal diplomatic relations").
NEGATION_WINDOW = 3
#: Tokens of an answer with their case: words (possessives kept on the word) and punctuation.
_TOKEN = LazyPattern(r"[^\W_]+(?:['’][^\W_]+)*|[,;:()]")
#: "X, including A and B", "X such as A": the words that introduce members of a class.
_INTRODUCERS = frozenset("including such like namely notably especially particularly among".split())
#: Verbs and nouns by which an answer gives someone's view ("Xi stressed", "Beijing's opposition").
_STANCE_VERBS = frozenset(
    stem(w)
    for w in """say says said argue argues argued stress stresses stressed reaffirm reaffirms reaffirmed
    highlight highlights highlighted urge urges urged call calls called cite cites cited maintain maintains
    maintained insist insists insisted see sees saw regard regards regarded view views viewed consider
    considers considered believe believes believed oppose opposes opposed opposing support supports supported
    back backs backed advocate advocates advocated advocating reject rejects rejected condemn condemns
    condemned criticise criticises criticised welcome welcomes welcomed praise praises praised present
    presents presented portray portrays portrayed describe describes described want wants wanted demand
    demands demanded warn warns warned repeat repeats repeated suggest suggests suggested propose proposes
    proposed recognise recognises recognised""".split()
)
_STANCE_NOUNS = frozenset(
    stem(w)
    for w in """stance position opposition support view views opinion perception reaction response attitude
    backing criticism aspirations aspiration ambition ambitions hopes concerns policy""".split()
)
#: Words between a subject and its verb ("China has also consistently opposed").
_BETWEEN = frozenset(
    """has have had does did do also still not never keeps kept consistently repeatedly strongly could may might
    would will can should is was be been openly publicly further already largely always only""".split()
)
#: Between a subject and its verb, a possibility or an ability rather than a view.
_MODALS = frozenset("can could may might would will should".split())
_PRONOUNS = frozenset("he she it they".split())
_POSSESSIVE_PRONOUNS = frozenset("its their his her".split())
#: Words by which an answer speaks of its source rather than of anyone's view.
_SOURCE_WORDS = frozenset("article articles author authors source sources report reports study".split())
#: Words before a verb that are not its subject ("which could encourage", "and urged").
_STOP_SUBJECTS = frozenset("which that who and or but this these those there as if when while".split())
#: A class's holders of views that most facts have (the knowledge base's own subject, "China") are
#: not checked: nearly every fact speaks for them.
SUBJECT_SHARE = 3
#: What a fact states is kept for this many facts, the most recently asked about.
MEMO_FACTS = 4096
#: What the detail check reads of a question (its canonical words, its premise) is kept for this
#: many texts: one question is checked against several facts.
MEMO_QUESTIONS = 64
_MISSING = object()


@dataclasses.dataclass(frozen=True, slots=True)
class _Office:
    office: str
    owners: frozenset[str]
    deputy: bool
    word: str = ""  # as written ("ambassador")


#: The kinds of detail a phrasing declares its fact states, and those its fact then states.
_DECLARING = (OFFICIAL, WHICH, STANCE, AGENT, DEFINITION)
_PHRASED_KINDS = (QUANTITY, NAME, CAUSE)


class _Reading:
    """What one fact states, each part read from its answer (or its phrasings) when a question
    first needs it: a question asking a date never reads whose views the answer gives."""

    def __init__(self, checker: DetailChecker, fact: Fact) -> None:
        # A proxy, not a reference: the checker keeps its readings, and a cycle between them would
        # outlive a reload (a replaced knowledge state is freed by reference counting alone).
        self._checker = weakref.proxy(checker)
        self._fact = fact
        self._phrased: dict[str, tuple[Detail, str] | None] = {}  # per kind: see _asked_by
        self._declared: dict[str, frozenset[Declaration]] = {}  # per kind, every phrasing read
        # Per kind, what the phrasings read so far declare, and the first phrasing not read (a
        # question's detail is declared by the first that declares it: see declares). Replaced
        # whole, never changed: threads reading on from it lose nothing.
        self._declaring: dict[str, tuple[tuple[Declaration, ...], int]] = {}
        self._read: list[tuple[str, list[str], str] | None] = [None] * len(fact.questions)

    def states_kind(self, kind: str) -> bool:
        """Whether the answer states a detail of ``kind``, or a phrasing asks for one that is a
        quantity, a name or a cause ("How much weight does China carry?")."""
        return kind in self.answer_kinds or (kind in _PHRASED_KINDS and self._asked_by(kind) is not None)

    def declared(self, kind: str) -> frozenset[Declaration]:
        """The details of ``kind`` its curators' phrasings ask for ("China's UN envoy on..."): the
        fact states them (see :func:`_declaration`)."""
        if kind not in _DECLARING:
            return frozenset()
        found = self._declared.get(kind)
        if found is None:
            self._read_declarations(kind, None)
            found = self._declared[kind]
        return found

    def declares(self, detail: Detail, question: str) -> bool:
        """Whether a phrasing declares the ``detail`` ``question`` asks, as :func:`_declared` of
        :meth:`declared` says: the phrasings are read only until one does."""
        if detail.kind not in _DECLARING:
            return False
        whole = self._declared.get(detail.kind)
        if whole is not None:
            return _declared(whole, detail, question)
        return self._read_declarations(detail.kind, _declaration(detail, question))

    def _read_declarations(self, kind: str, asked: Declaration | None) -> bool:
        """Read the declarations of ``kind`` on from the first phrasing not read, until one declares
        ``asked`` (``None``: to the last phrasing); whether one does."""
        found, first = self._declaring.get(kind, ((), 0))
        if asked is not None and any(_declares(declaration, asked) for declaration in found):
            return True
        more = list(found)
        for i in range(first, len(self._read)):
            asking = self._asking(kind, i)
            if asking is None:
                continue
            more.append(_declaration(*asking))
            if asked is not None and _declares(more[-1], asked):
                self._declaring[kind] = (tuple(more), i + 1)
                return True
        self._declared[kind] = frozenset(more)
        return False

    def _asked_by(self, kind: str) -> tuple[Detail, str] | None:
        if kind not in self._phrased:
            self._phrased[kind] = next(self._phrasings_asking(kind), None)  # (the others are not read)
        return self._phrased[kind]

    def _phrasings_asking(self, kind: str) -> Iterator[tuple[Detail, str]]:
        """The fact's phrasings that ask for a detail of ``kind`` (see :meth:`_asking`), with what
        they ask, read one by one as they are drawn."""
        for i in range(len(self._read)):
            asking = self._asking(kind, i)
            if asking is not None:
                yield asking

    def _asking(self, kind: str, i: int) -> tuple[Detail, str] | None:
        """What phrasing ``i`` asks, with the phrasing, when it asks for a detail of ``kind`` (a
        quantity too when it expects one: "How much..."). Only a phrasing that the pattern of
        ``kind`` matches can ask it: the others are not read further."""
        read = self._read[i]
        if read is None:  # its words, and its words as DetailChecker.asked reads them
            tokens = words(self._fact.questions[i])
            read = self._read[i] = (self._fact.questions[i], tokens, _EMBEDDED.sub("", " ".join(tokens)))
        phrasing, tokens, folded = read
        # Read as when every fact was read at once, before the knowledge base's subjects were
        # known: a phrasing asking the subject's view ("What does China say...") declares it.
        if _may_ask(kind, phrasing, tokens, folded):
            asked = self._checker._asked(phrasing, tokens, frozenset())
            if asked is not None and asked.kind == kind:
                return asked, phrasing
        if kind == QUANTITY and expected_answer_kind(phrasing, tokens) == QUANTITY:
            return Detail(QUANTITY), phrasing
        return None

    @functools.cached_property
    def answer_kinds(self) -> frozenset[str]:
        """The detail kinds the answer itself states."""
        answer = self._fact.answer
        kinds = set().union(*(answer_kinds(piece) for piece in pieces(answer)))
        if _CAUSE_A.search(answer.casefold()):
            kinds.add(CAUSE)
        if _CONTACT_A.search(answer):
            kinds.add(CONTACT)
        if _HOURS_A.search(answer):
            kinds.add(HOURS)
        if _DAY_A.search(answer):
            kinds.add(DAY)
        if self.offices:
            kinds.add(PERSON)
        return frozenset(kinds)

    @functools.cached_property
    def offices(self) -> tuple[_Office, ...]:
        return tuple(self._checker._offices(self._fact.answer))

    @functools.cached_property
    def after(self) -> tuple[frozenset[str], ...]:
        """Stems of each "after ..." clause of the answer: what came first, a cause of what follows."""
        canonical = self._checker._canonical
        return tuple(frozenset(stem(w) for w in canonical(m.group(1))) for m in _AFTER_A.finditer(self._fact.answer))

    @functools.cached_property
    def date_sentences(self) -> tuple[frozenset[str], ...]:
        """Stems of each answer clause holding a date (of the words around it, in a long one)."""
        canonical = self._checker._canonical
        found: list[frozenset[str]] = []
        for sentence in _SENTENCES.findall(self._fact.answer):
            clauses = _CLAUSES.split(sentence)
            for i, clause in enumerate(clauses):
                plain = without_modal_may(clause)
                if not _DATE_A.search(plain.casefold()):
                    continue
                # "In May 2024, X and Y signed...": a short clause with a date dates the next one.
                if len(words(clause)) <= 4 and i + 1 < len(clauses):
                    found.append(frozenset(stem(w) for w in canonical(f"{clause} {clauses[i + 1]}")))
                    continue
                # In a longer clause a date dates the words around it: "the declaration of
                # independence in 2008 broke ... Resolution 1244" does not date the resolution.
                content = canonical(plain)
                for k, word in enumerate(content):
                    if _DATE_A.fullmatch(word):
                        window = content[max(0, k - DATE_BEFORE) : k + DATE_AFTER + 1]
                        found.append(frozenset(stem(w) for w in window))
        return tuple(found)

    @functools.cached_property
    def stems(self) -> tuple[tuple[str, ...], ...]:
        """Stems of each answer sentence, in order, for negation."""
        return tuple(tuple(stem(w) for w in sentence) for sentence in self.sentence_words)

    @functools.cached_property
    def _text_lemmas(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Each text's canonical content words, in order, each with its lemmas (see :meth:`does`)."""
        canonical = self._checker._canonical
        fact = self._fact
        return tuple(
            (word, tuple(_lemma(w) for w in content[i + 1 : i + 1 + HYPOTHESIS_WINDOW]))
            for text in (*pieces(fact.answer), fact.title, *fact.questions)
            for content in (canonical(text),)
            for i, word in enumerate(content)
        )

    def does(self, side: str, act: frozenset[str]) -> bool:
        """Whether a text of the fact (its answer, title or phrasings) has ``side`` doing ``act``:
        the act within a few content words after the side."""
        return any(word == side and not act.isdisjoint(after) for word, after in self._text_lemmas)

    @functools.cached_property
    def sentence_words(self) -> tuple[tuple[str, ...], ...]:
        """The words of each answer sentence, in order (see :attr:`stems`)."""
        return tuple(tuple(words(sentence)) for sentence in _SENTENCES.findall(self._fact.answer))

    @functools.cached_property
    def names(self) -> frozenset[str]:
        """Quoted and capitalised names of the answer, folded."""
        answer = self._fact.answer
        names = {" ".join(words(m)) for m in _QUOTED.findall(answer)}
        for match in _CAPITALISED.finditer(answer):
            names.add(" ".join(words(match.group(1))))
        return frozenset(names)

    @functools.cached_property
    def places(self) -> frozenset[str]:
        """Canonical place-like names of the answer: as written, "Pristina" is a place, even where
        it stands for Kosovo's government; an initialism ("a role in BRICS", "at the UN") names an
        organisation, not a place."""
        return frozenset().union(*(places for places, _sentence in self.place_sentences))

    @functools.cached_property
    def answer_stems(self) -> frozenset[str]:
        """Stems of the answer's canonical words."""
        return frozenset(stem(w) for w in self.vocabulary)

    @functools.cached_property
    def place_sentences(self) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
        """Of each answer sentence that names a place (see :attr:`places`): the places' stems, and
        the stems of its canonical words."""
        canonical = self._checker._canonical
        found = []
        for sentence in _SENTENCES.findall(self._fact.answer):
            places = frozenset(
                stem(w)
                for m in _PLACE_A.finditer(sentence)
                if m.group(1).casefold() not in _NOT_PLACES and not m.group(1).isupper()
                for w in words(m.group(1))
            )
            if places:
                found.append((places, frozenset(stem(w) for w in canonical(sentence))))
        return tuple(found)

    @functools.cached_property
    def _scanned(
        self,
    ) -> tuple[dict[str, tuple[frozenset[str], ...]], frozenset[str], frozenset[frozenset[str]]]:
        return self._checker._scan(self._fact.answer, instances=True)

    @property
    def instances(self) -> dict[str, tuple[frozenset[str], ...]]:
        """Stems of the answer's nouns that stand beside a name ("Resolution 1244", "organisations,
        including Interpol"), each with the canonical words of those names."""
        return self._scanned[0]

    @property
    def holders(self) -> frozenset[str]:
        """Canonical words of those whose view the answer gives."""
        return self._scanned[1]

    @property
    def people(self) -> frozenset[frozenset[str]]:
        """Canonical words of each office holder the answer names."""
        return self._scanned[2]

    @functools.cached_property
    def verbs(self) -> frozenset[str]:
        """Lemmas of the answer's words (for "who <verb>")."""
        canonical = self._checker._canonical
        return frozenset(_lemma(w) for piece in pieces(self._fact.answer) for w in (*words(piece), *canonical(piece)))

    @functools.cached_property
    def done(self) -> frozenset[str]:
        """Lemmas of the answer's words that do not stand just after a modal ("can veto" says
        what China could do, not what it did)."""
        found = set()
        for piece in pieces(self._fact.answer):
            tokens = words(piece)
            for i, word in enumerate(tokens):
                if not _MODALS & set(tokens[max(0, i - MODAL_WINDOW) : i]):
                    found.add(_lemma(word))
        return frozenset(found)

    def acts_asked(self, done: bool) -> frozenset[str]:
        """Lemmas of the concrete acts the fact's phrasings speak of ("could beijing kill a UN
        vote?"); with ``done``, only those of phrasings that ask whether it was done ("Did China
        block...?")."""
        every, asked = self._phrased_acts
        return asked if done else every

    @functools.cached_property
    def _phrased_acts(self) -> tuple[frozenset[str], frozenset[str]]:
        every: set[str] = set()
        asked: set[str] = set()
        for text in self._fact.questions:
            folded = words(text)
            acts = {_lemma(w) for w in folded if _lemma(w) in _ACTS}
            every |= acts
            if _DONE_Q.match(" ".join(folded)):
                asked |= acts
        return frozenset(every), frozenset(asked)

    @functools.cached_property
    def numbers(self) -> frozenset[str]:
        """The answer's numbers that count (see :func:`~bot.core.matching.normalise.quantities`)."""
        return frozenset().union(*(quantities(piece) for piece in pieces(self._fact.answer)))

    @functools.cached_property
    def spoken(self) -> frozenset[str]:
        """Stems of the words of the answer, the title and the phrasings, as written and canonical:
        what the fact speaks of ("the European bloc or the Atlantic alliance", as a phrasing puts it)."""
        canonical = self._checker._canonical
        return frozenset(
            stem(w)
            for text in (*pieces(self._fact.answer), self._fact.title, *self._fact.questions)
            for w in (*words(text), *canonical(text))
        )

    @functools.cached_property
    def vocabulary(self) -> frozenset[str]:
        """Canonical words of the answer."""
        return frozenset(w for piece in pieces(self._fact.answer) for w in self._checker._canonical(piece))


def _may_ask(kind: str, question: str, tokens: Sequence[str], folded: str) -> bool:
    """Whether :meth:`DetailChecker.asked` can find ``kind`` in ``question`` (its words
    ``tokens``; ``folded`` as it reads them): false where the pattern that kind needs fails."""
    if kind == DEFINITION:
        return _defined_name(question) is not None
    if kind == NAME:
        return _has_any(folded, _NAME_PIECES) and _NAME_Q.search(folded) is not None
    if kind == QUANTITY:
        return (
            not _QUANTITY_WORDS.isdisjoint(folded.split()) and _QUANTITY_Q.search(folded) is not None
        ) or expected_answer_kind(question, tokens) == QUANTITY
    if kind == CAUSE:
        return not _CAUSE_WORDS.isdisjoint(folded.split()) and _CAUSE_Q.search(folded) is not None
    if kind == OFFICIAL:
        return any(w in _OFFICE_OF and w not in _OFFICE_VERBS for w in tokens)
    if kind == WHICH:
        return _WHICH_Q.search(folded) is not None
    if kind == STANCE:
        if not _STANCE_WORDS.isdisjoint(folded.split()) and _STANCE_Q.search(folded) is not None:
            return True
        latin = serbian_latin(folded)
        if not _FOREIGN_STANCE_VERBS.isdisjoint(latin.split()) and any(
            pattern.search(latin) for pattern, _ends in _FOREIGN_STANCE_Q
        ):
            return True
        casefolded = question.casefold()
        return _has_any(casefolded, _STANCE_NOUN_PIECES) and _STANCE_NOUN_Q.search(casefolded) is not None
    if kind == AGENT:
        return _AGENT_Q.search(folded) is not None
    return True


def _stem_frequency(normaliser: Normaliser, texts: Sequence[str]) -> Counter[str]:
    """In how many of ``texts`` each stem of their content words is, read by a
    :class:`ContentReader` some texts at a time."""
    reader = ContentReader(normaliser)
    stem_ids: dict[str, int] = {}
    stem_of = np.zeros(0, dtype=np.int64)  # word id -> stem id
    counts = np.zeros(0, dtype=np.int64)
    for start in range(0, len(texts), DF_TEXTS):
        read = reader.read(texts[start : start + DF_TEXTS])
        known = len(stem_of)
        stem_of = np.concatenate(
            (stem_of, np.fromiter((stem_ids.setdefault(stem(w), len(stem_ids)) for w in reader.words[known:]), dtype=np.int64))
        )
        owner = np.repeat(np.arange(len(read.content_sizes), dtype=np.int64), read.content_sizes)
        pairs = np.unique(owner * max(len(stem_ids), 1) + stem_of[read.content])
        counts = np.concatenate((counts, np.zeros(len(stem_ids) - len(counts), dtype=np.int64)))
        counts += np.bincount(pairs % max(len(stem_ids), 1), minlength=len(stem_ids))
    return Counter({word: n for word, n in zip(stem_ids, counts.tolist(), strict=True) if n})


#: Texts read together for :func:`_stem_frequency` (each a fact's phrasings and answer).
DF_TEXTS = 256


class DetailChecker:
    """What questions ask and what the facts of one knowledge state state (built once per state;
    what each fact states is read when a question first needs it)."""

    def __init__(self, facts: Sequence[Fact], normaliser: Normaliser) -> None:
        self._norm = normaliser
        self._office_holders: frozenset[frozenset[str]] = frozenset()  # set once the facts are read
        self._subjects: frozenset[str] = frozenset()  # set once the facts are read
        document_frequency = _stem_frequency(normaliser, [" ".join((*fact.questions, fact.answer)) for fact in facts])
        # Words most facts share (the knowledge base's subject) say nothing about a detail.
        self._common = frozenset(s for s, n in document_frequency.items() if 2 * n > len(facts))
        self._vocabulary = frozenset(document_frequency)
        # Names every answer repeats (the publisher of the source) are not a detail either.
        # Canonical words written as names in the answers: a view asked of one of them is checked.
        name_frequency: Counter[str] = Counter()
        name_words: set[str] = set()
        read: dict[str, tuple[set[str], list[str]]] = {}  # each name as written: its stems, its canonical words
        for fact in facts:
            stems: set[str] = set()
            for match in _CAPITALISED.finditer(fact.answer):
                name = match.group(1)
                found = read.get(name)
                if found is None:
                    found = read[name] = ({stem(w) for w in words(name)}, self._canonical(name))
                stems |= found[0]
                name_words.update(found[1])
            name_frequency.update(stems)
        self._publisher = frozenset(s for s, n in name_frequency.items() if 2 * n > len(facts))
        self._name_words = frozenset(name_words)
        # The sources' own voice ("according to The Western Balkans", "the article argues") gives
        # no one's view but the source's.
        self._voice = frozenset(
            w for fact in facts for source in fact.sources for w in words(source.publisher)
        ) | _SOURCE_WORDS
        # Office holders named anywhere ("China's President Xi Jinping"): a fact naming one of them
        # speaks of that office holder, wherever the office is given. Only this, and whose views
        # the answers give, is read from every answer now; the rest of what a fact states is read
        # when a question first asks it of that fact (see :meth:`_facts_of`).
        people: set[frozenset[str]] = set()
        holder_frequency: Counter[str] = Counter()
        # Answers share sentences (near-duplicate facts): each is read once for each name it may
        # stand for.
        read: dict[tuple[str, tuple[str, ...]], tuple[frozenset[str], frozenset[frozenset[str]], tuple[str, ...]]] = {}
        for fact in facts:
            first_name: tuple[str, ...] = ()
            holders: set[str] = set()
            for sentence in _SENTENCES.findall(fact.answer):
                found = read.get((sentence, first_name))
                if found is None:
                    in_holders: set[str] = set()
                    in_people: set[frozenset[str]] = set()
                    after = self._scan_sentence(sentence, list(first_name), {}, in_holders, in_people)
                    found = read[sentence, first_name] = (frozenset(in_holders), frozenset(in_people), tuple(after))
                holders |= found[0]
                people |= found[1]
                first_name = found[2]
            holder_frequency.update(holders)
        self._office_holders = frozenset(people)
        self._subjects = frozenset(w for w, n in holder_frequency.items() if SUBJECT_SHARE * n > len(facts))
        self._ids = frozenset(fact.id for fact in facts)
        self._memo: dict[str, _Reading] = {}
        self._memo_lock = threading.Lock()
        self._questions: dict[tuple[str, str], Any] = {}  # see _question_memo

    # What a fact states is read on first use and kept for the facts most recently asked about
    # (:data:`MEMO_FACTS`); the index cache stores none of it, nor any question.
    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_memo"] = {}
        state["_questions"] = {}
        del state["_memo_lock"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._memo_lock = threading.Lock()
        self._questions = {}

    def _facts_of(self, fact: Fact) -> _Reading:
        """What ``fact`` states (each part read once, then kept while the fact is among those last
        asked about)."""
        if fact.id not in self._ids:
            return _Reading(self, fact)  # not of this state's knowledge (an edit being previewed)
        with self._memo_lock:
            found = self._memo.pop(fact.id, None)
            if found is not None:
                self._memo[fact.id] = found  # the most recently used last
                return found
        found = _Reading(self, fact)
        with self._memo_lock:
            self._memo[fact.id] = found
            while len(self._memo) > MEMO_FACTS:
                self._memo.pop(next(iter(self._memo)))
        return found

    # -- facts --------------------------------------------------------------------------------------

    def _canonical(self, text: str) -> list[str]:
        return self._norm.content_words(text)

    def _question_memo(self, part: str, text: str, read: Callable[[str], Any]) -> Any:
        """``read(text)``, kept for the last :data:`MEMO_QUESTIONS` texts: the detail check reads
        one question against each of several facts, and what it reads of the question (``part``)
        is the same each time. Never mutated by its readers."""
        memo = self._questions
        found = memo.get((part, text), _MISSING)
        if found is _MISSING:
            found = read(text)
            if len(memo) >= MEMO_QUESTIONS:
                memo.clear()
            memo[(part, text)] = found
        return found

    def _question_words(self, question: str) -> tuple[str, ...]:
        """:meth:`_canonical` of a question, kept (see :meth:`_question_memo`)."""
        return self._question_memo("words", question, lambda text: tuple(self._canonical(text)))

    def _scan(
        self, answer: str, *, instances: bool
    ) -> tuple[dict[str, tuple[frozenset[str], ...]], frozenset[str], frozenset[frozenset[str]]]:
        """One pass over the words of ``answer``: the names standing beside its nouns (only with
        ``instances``), whose views it gives, and the office holders it names (see
        :class:`_Reading`)."""
        found: dict[str, list[frozenset[str]]] | None = {} if instances else None
        holders: set[str] = set()
        people: set[frozenset[str]] = set()
        first_name: list[str] = []  # the answer's first name: what "he" or "it" stands for
        for sentence in _SENTENCES.findall(answer):
            first_name = self._scan_sentence(sentence, first_name, found, holders, people)
        return {noun: tuple(names) for noun, names in (found or {}).items()}, frozenset(holders), frozenset(people)

    def _scan_sentence(
        self,
        sentence: str,
        first_name: list[str],
        found: dict[str, list[frozenset[str]]] | None,
        holders: set[str],
        people: set[frozenset[str]],
    ) -> list[str]:
        """:meth:`_scan` of one sentence of an answer whose first name so far is ``first_name``: adds
        to ``found`` (``None``: the names beside nouns are not wanted), ``holders`` and ``people``,
        and returns the answer's first name after it."""
        tokens = _TOKEN.findall(sentence)
        for i, token in enumerate(tokens):
            word = _plain(token)
            if not first_name and _is_name(tokens, i) and not self._is_publisher(word):
                first_name = self._name_before(tokens, i + 1)
            if found is not None and word and word not in STOPWORDS:
                for name in _names_beside(tokens, i):
                    found.setdefault(stem(word), []).append(frozenset(self._canonical(name)))
            if token[:1].islower() and stem(word) in _STANCE_VERBS:
                holders.update(self._subject_of(tokens, i, first_name))
            elif token[:1].islower() and stem(word) in _STANCE_NOUNS:
                holders.update(self._possessor_of(tokens, i))
            if word in _OFFICE_OF and word not in _OFFICE_VERBS:
                holder = self._holder_of(tokens, i)
                if holder:
                    people.add(holder)
        return first_name

    def _is_publisher(self, word: str) -> bool:
        """Whether ``word`` (folded) names the source itself."""
        return word in self._voice

    def _name_before(self, tokens: list[str], end: int) -> list[str]:
        """The canonical words of the name ending just before ``tokens[end]`` (capitalised words,
        the publisher's excepted)."""
        start = end
        while start > 0 and _is_name(tokens, start - 1):
            start -= 1
        if start == 1 and tokens[0][:1].isupper() and _plain(tokens[0]) not in STOPWORDS:
            start = 0  # "Geng Shuang is ...": a name opening its sentence
        if start == end:
            return []
        return [w for w in self._canonical(" ".join(tokens[start:end])) if not self._is_publisher(w)]

    def _subject_of(self, tokens: list[str], verb: int, first_name: list[str]) -> list[str]:
        """Whose view the verb at ``tokens[verb]`` gives ("Xi stressed", "Mao Ning, the spokesperson
        of China's Foreign Ministry, reaffirmed", "he has stressed"): the canonical words of its
        subject; nothing when the subject is the source itself ("the article argues")."""
        j = verb - 1
        while j >= 0 and tokens[j].casefold() in _BETWEEN:
            if tokens[j].casefold() in _MODALS:
                return []  # "Russia can support Serbia": what it is able to do, not its view
            j -= 1
        described: list[str] = []
        if j >= 0 and tokens[j] == ",":  # an apposition: "Mao Ning, the spokesperson of ..., reaffirmed"
            k = j - 1
            while k >= 0 and tokens[k] != "," and j - k < 12:
                k -= 1
            if k < 0 or tokens[k] != ",":
                return []  # "..., opposing": whose, a parser would tell
            # what the apposition names speaks too: the spokesperson of China's Foreign Ministry
            described = [
                w
                for t in range(k + 1, j)
                if tokens[t][:1].isupper()
                for w in self._canonical(_plain(tokens[t]))
                if not self._is_publisher(w)
            ]
            j = k - 1
        if j < 0:
            return []
        word = _plain(tokens[j])
        if word in _PRONOUNS:
            return [] if word == "it" else list(first_name)  # "it says": the article
        if self._is_publisher(word) or word in _STOP_SUBJECTS:
            return []
        if tokens[j][:1].isupper():  # a name: "Mao Ning", "China"
            start = j
            while start > 0 and tokens[start - 1][:1].isupper() and j - start < 4:
                start -= 1
            name = self._canonical(" ".join(tokens[start : j + 1]))
            return [w for w in name if not self._is_publisher(w)] + described
        # a noun, with the names before it: "some experts", "China's state-controlled media"
        start = j
        while start > 0 and j - start < 3 and tokens[start - 1] not in ",;:()" and (
            _plain(tokens[start - 1]) not in _STOP_SUBJECTS
        ):
            start -= 1
        head = self._canonical(word)
        return [
            w
            for w in self._canonical(" ".join(tokens[start : j + 1]))
            if (w in self._name_words or w in head) and not self._is_publisher(w)
        ]

    def _possessor_of(self, tokens: list[str], noun: int) -> list[str]:
        """Whose view a noun names ("Beijing's opposition", "Chinese public opinion")."""
        found: list[str] = []
        for j in (noun - 1, noun - 2):
            if j < 0:
                break
            token = tokens[j]
            if token in ",;:()":
                break
            if token.endswith(("'s", "’s")) or token[:1].isupper():
                found.extend(w for w in self._canonical(_plain(token)) if not self._is_publisher(w))
                break
        return found

    def _holder_of(self, tokens: list[str], office: int) -> frozenset[str]:
        """The name of who holds the office at ``tokens[office]``: "President Xi Jinping", "Mao
        Ning, the spokesperson", "Geng Shuang is China's Deputy Permanent Representative"."""
        j = office + 1
        while j < len(tokens) and _plain(tokens[j]) in _OFFICE_OF:
            j += 1
        end = j
        while end < len(tokens) and _is_name(tokens, end):
            end += 1
        if end > j:
            return frozenset(w for w in self._canonical(" ".join(tokens[j:end])) if not self._is_publisher(w))
        i = office - 1
        while i >= 0 and (
            _plain(tokens[i]) in _OFFICE_OF or _plain(tokens[i]) in _DEPUTY or _plain(tokens[i]) in _OFFICE_NOISE
            or _plain(tokens[i]) in ("the", "a", "an") or tokens[i].endswith(("'s", "’s"))
        ):
            i -= 1
        if i >= 1 and (tokens[i] == "," or _plain(tokens[i]) in ("is", "was", "as")):
            return frozenset(self._name_before(tokens, i))
        return frozenset()

    def _offices(self, text: str, *, verbs: bool = False, tokens: Sequence[str] | None = None) -> list[_Office]:
        """Offices named in ``text``, with their owners ("China's Deputy Permanent Representative":
        diplomat, owner china, deputy). ``verbs``: "who heads" names an office too (questions).
        ``tokens``: the :func:`words` of ``text``, when known."""
        tokens = words(text) if tokens is None else tokens
        if _OFFICE_OF.keys().isdisjoint(tokens):
            return []
        found = []
        for i, token in enumerate(tokens):
            office = _OFFICE_OF.get(token)
            if office is None or (token in _OFFICE_VERBS and not verbs):
                continue
            if token in _OFFICE_VERBS and not (
                _INSTITUTIONS & set(tokens[i + 1 : i + 7]) or _REFERRING & set(tokens[i + 1 : i + 3])
            ):
                # "who led a campaign" asks for an actor, "who leads the mission" for an office
                # holder, and so does "who heads it", of what the message named before
                continue
            before = tokens[max(0, i - 4) : i]
            # "the spokesperson of the Serbian foreign ministry": the owner may stand a few words on
            after = tokens[i + 1 : i + 5] if i + 1 < len(tokens) and tokens[i + 1] in ("of", "to") else []
            owners = {
                w
                for w in self._canonical(" ".join((*before, *after[1:])))
                if w not in _DEPUTY and w not in _OFFICE_NOISE and w not in _OFFICE_OF and stem(w) in self._vocabulary
            }
            found.append(_Office(office, frozenset(owners), any(w in _DEPUTY for w in before), token))
        return found

    # -- questions ----------------------------------------------------------------------------------

    def asked(self, question: str, tokens: Sequence[str] | None = None) -> Detail | None:
        """The detail ``question`` asks for, if any. ``tokens``: its :func:`words`, when known. In a
        message of several sentences, the first that asks for one ("Was there a poll? Who ran it?")."""
        found = self._asked(question, words(question) if tokens is None else tokens, self._subjects)
        if found is None and _LATER_QUESTION.search(question):
            for sentence in _LATER_QUESTION.split(question.strip())[1:]:
                found = self._asked(sentence, words(sentence), self._subjects)
                if found is not None:
                    break
        return found

    def _asked(self, question: str, tokens: Sequence[str], subjects: frozenset[str]) -> Detail | None:
        """:meth:`asked`, with the sides whose view is not checked (:meth:`_stance`)."""
        folded = _EMBEDDED.sub("", " ".join(tokens))
        if not _FILLER_WORDS.isdisjoint(folded.split()):
            folded = " ".join(w for w in folded.split() if w not in _FILLER_WORDS)
        if not folded:
            return None
        present = set(folded.split())  # (a pattern is searched only where one of its words is: see _DAY_WORDS)
        kind = None
        if (name := _defined_name(question)) is not None:
            return Detail(DEFINITION, subject=frozenset(self._canonical(name)))
        if _has_any(folded, _CONTACT_PIECES) and _CONTACT_Q.search(folded):
            kind = CONTACT
        elif _has_any(folded, _HOURS_PIECES) and _HOURS_Q.search(folded):
            kind = HOURS
        elif (not _DAY_WORDS.isdisjoint(present) and _DAY_Q.search(folded)) or (
            not _EXACTLY_WORDS.isdisjoint(present)
            and _EXACTLY_WHEN.search(folded)
            and re.search(rf"\b(?:{_MONTHS})\b", folded)
        ):
            kind = DAY
        elif (
            _has_any(folded, _NAME_PIECES) and (_NAME_Q.search(folded) or _OFFICIAL_NAME_Q.search(folded))
        ) and not re.search(r"\bname of (?:the )?\w+ (?:who|that)\b", folded):
            kind = NAME
        elif not _PERSON_WORDS.isdisjoint(present) and _PERSON_Q.search(folded):
            kind = PERSON
        elif (
            not _PLACE_WORDS.isdisjoint(present)
            and _PLACE_Q.search(folded)
            and not re.search(r"\b(?:stand|stands|standing|stood|lie|lies)\b", folded)
        ):
            kind = PLACE
        elif (
            not _QUANTITY_WORDS.isdisjoint(present) and _QUANTITY_Q.search(folded)
        ) or expected_answer_kind(question, tokens) == QUANTITY:
            kind = QUANTITY
        elif not _DATE_WORDS.isdisjoint(present) and _DATE_Q.search(folded):
            kind = DATE  # "when" as a question word, not "...when it looks at"
        elif not _CAUSE_WORDS.isdisjoint(present) and _CAUSE_Q.search(folded):
            kind = CAUSE
        elif not _MANNER_WORDS.isdisjoint(present) and _MANNER_Q.search(folded):
            kind = MANNER
        elif _has_any(question.casefold(), _COMPARISON_PIECES) and _COMPARISON_Q.search(
            " ".join(question.casefold().split())
        ):
            kind = COMPARISON
        if kind in (PERSON, NAME):
            offices = self._offices(question, verbs=True, tokens=tokens)
            if offices:
                return self._office_detail(PERSON, offices[0], question, folded)
            if kind == PERSON:
                # "Who blocked Kosovo?": the answer may be a country, which any fact about the
                # matter names; what must be stated is the act asked about.
                return self._agent(question, folded) or self._role(folded)
        if kind == NAME and _OFFICIAL_NAME_Q.search(folded):
            return Detail(NAME, subject=frozenset((_OFFICIAL,)))
        if kind == QUANTITY and (measure := _MEASURE_Q.search(folded)) is not None:
            # "What's the population of Pristina?": a number of that measure, not any number
            return Detail(QUANTITY, subject=frozenset((stem(_MEASURE_OF.get(measure.group(1), measure.group(1))),)))
        if kind is not None:
            return Detail(kind)
        if not _VOTE_WORDS.isdisjoint(present) and _VOTE_Q.search(folded):
            return Detail(ACT, subject=_VOTE_VERBS)
        stance = _STANCE_Q.search(folded) if not _STANCE_WORDS.isdisjoint(present) else None
        return (
            self._official(question, folded, tokens, stance)
            or self._which(folded, present)
            or self._stance(question, folded, subjects, stance)
            or self._foreign_stance(folded, subjects, present)
            or self._terms(folded, present)
            or self._act(folded, present)
            or self._hypothesis(folded, subjects)
            or self._future(folded)
            or self._change(folded, present)
            or self._choice(question)
        )

    def _terms(self, folded: str, present: AbstractSet[str] | None = None) -> Detail | None:
        """"Under what conditions would China...?": conditions, which only a fact that speaks of
        conditions states; "Is Serbia a member of the SCO?": a membership, which only an answer
        that speaks of one states. ``present``: the words of ``folded``, when known."""
        if not _CONDITIONS_WORDS.isdisjoint(folded.split() if present is None else present) and _CONDITIONS_Q.search(
            folded
        ):
            return Detail(CONDITION, subject=frozenset((stem("condition"),)))
        if _MEMBER_Q.match(folded):
            return Detail(ACT, subject=frozenset((_MEMBERSHIP,)))
        return None

    @staticmethod
    def _change(folded: str, present: AbstractSet[str] | None = None) -> Detail | None:
        """"How has China's position changed since the 1999 war?", "what will China do after the
        next election?": a change over time, or what follows an event to come. ``present``: the
        words of ``folded``, when known."""
        present = set(folded.split()) if present is None else present
        if not _CHANGE_WORDS.isdisjoint(present) and _CHANGE_Q.search(folded):
            return Detail(CHANGE)
        match = _NEXT_EVENT_Q.search(folded) if not _NEXT_EVENT_WORDS.isdisjoint(present) else None
        if match is not None:
            event = frozenset(stem(w) for w in (match.group(1) or match.group(2)).split() if w not in STOPWORDS)
            if event:
                return Detail(CONDITION, subject=event)
        return None

    @staticmethod
    def _role(folded: str) -> Detail | None:
        """"Who is the author of the piece?": someone in a role, named beside the role's word."""
        match = _ROLE_Q.search(folded)
        return Detail(WHICH, subject=frozenset((stem(match.group(1)),))) if match else None

    @staticmethod
    def _future(folded: str) -> Detail | None:
        """"Could China recognise Kosovo by 2030?": a year after the current one; "Will Kosovo apply
        to Interpol again?": a repeat to come."""
        found = _QUESTION_YEAR.findall(folded) if "20" in folded else ()  # (every match has "20")
        if not found:
            if not _REPEAT_WORDS.isdisjoint(folded.split()) and _REPEAT_Q.search(folded):
                return Detail(REPEAT)
            return None
        now = datetime.date.today().year
        years = frozenset(y for y in found if int(y) > now)
        return Detail(FUTURE, subject=years) if years else None

    def _choice(self, question: str) -> Detail | None:
        """"Is Serbia an observer or a dialogue partner of the SCO?": the alternatives of a yes/no question, each as its
        content words' stems (both must have some: "or not" offers none)."""
        last = " ".join(question.strip().rstrip("?!. ").rsplit("?", 1)[-1].casefold().split())
        if " or " not in last:  # (which every match of _CHOICE_Q has)
            return None
        # "How does China block it - does it lobby or just vote against?": the last clause asks
        last = re.split(r"\s[–—-]\s|:\s", last)[-1]
        # a yes/no question's alternatives are what it asks; "how large is it, a handful of people
        # or a big office?" only illustrates
        match = _CHOICE_Q.search(last) if _YES_NO_Q.match(" ".join(words(last))) else None
        if match is None:
            return None
        first, second = (words(side) for side in match.groups())
        if not first or not second or first[-1] in _VAGUE_CHOICE or second[0] in _VAGUE_CHOICE:
            return None  # "or not", "more or less", "or something else", but not "other countries or..."
        sides = []
        for side in match.groups():
            content = [w for w in words(side) if w not in STOPWORDS and len(w) > 2 and w not in _VAGUE_CHOICE]
            if not content:
                return None
            sides.append(frozenset(stem(w) for w in self._canonical(" ".join(content))) or frozenset(map(stem, content)))
        return Detail(CHOICE, holders=frozenset(sides[0]), subject=frozenset(sides[1]))

    def _act(self, folded: str, present: AbstractSet[str] | None = None) -> Detail | None:
        """"Did China send troops to Kosovo?": a yes/no question whether a concrete act was done,
        which only a fact that speaks of the act states (see :meth:`states`). ``present``: the
        words of ``folded``, when known."""
        match = _YES_NO_Q.match(folded) or _WH_ACT_Q.match(folded)
        if match is None:
            return self._foreign_act(folded, present)
        # "What does Kosovo import?" asks what: a fact about trade, of which "import" is a related
        # term, says that there is trade, not what is imported
        what = _WHAT.search(match.group(0)) is not None
        tokens = _CONJUNCTION.split(folded[match.end() :], maxsplit=1)[0].split()
        for i, word in enumerate(tokens):
            lemma = _lemma(word)
            if word in self._norm.variant_words and not what:
                continue  # a curated related term ("loans" for investment) is something a fact speaks of
            if word.endswith(("ly", "ness")):
                continue  # an adverb ("openly") or a noun ("closeness"), whatever its stem
            if lemma not in _ACTS or _DETERMINERS.intersection(tokens[max(0, i - 2) : i]):
                continue  # not an act, or a noun ("address the Kosovo issue")
            following = next((w for w in tokens[i + 1 :] if w not in _DETERMINERS), "")
            if following in _ABSTRACT:
                continue  # "build its ties", "offer support"
            # whether it was done (not whether it could be): "Has China ever vetoed...?" is not
            # answered by "China can veto"
            return Detail(ACT, subject=frozenset((lemma,)), done=_DONE_Q.match(folded) is not None, what=what)
        return None

    def _hypothesis(self, folded: str, subjects: frozenset[str]) -> Detail | None:
        """"Would China recognise Kosovo if Serbia did first?": what would follow another side's act
        (not the knowledge's own subject's: "What if China keeps its approach?" is a scenario)."""
        match = _IF_Q.search(folded) if "if " in folded else None
        if match is None:
            return None
        side = [w for w in self._canonical(match.group(1)) if w in self._name_words and w not in subjects]
        if len(side) != 1:
            return None
        rest = [w for w in match.group(2).split() if w not in _IF_FILLER and w not in STOPWORDS]
        if not rest or _lemma(rest[0]) not in _IF_ACTS:
            return None
        act = frozenset({_lemma(rest[0])} | {_lemma(w) for w in self._canonical(rest[0])})
        return Detail(HYPOTHESIS, holders=frozenset(side), subject=act)

    def _foreign_act(self, folded: str, present: AbstractSet[str] | None = None) -> Detail | None:
        """"Hat China Truppen geschickt?", "Da li je Si posetio Prištinu?": :meth:`_act`, asked in
        Serbian, Albanian, German or French, by the English verb an answer would use. ``present``:
        the words of ``folded``, when known (most questions name no such act: not searched)."""
        if present is not None and _FOREIGN_ACT.keys().isdisjoint(present):
            return None
        act = next((_FOREIGN_ACT[w] for w in folded.split() if w in _FOREIGN_ACT), None)
        if act is None or _FOREIGN_YES_NO_Q.search(folded) is None:
            return None
        return Detail(ACT, subject=frozenset((_lemma(act),)), done=_FOREIGN_DONE_Q.search(folded) is not None)

    def _office_detail(self, kind: str, office: _Office, question: str, folded: str) -> Detail:
        # "What did Geng Shuang, China's ambassador, say?" is about Geng Shuang; in "Who leads the
        # government Geng Shuang addressed?" or "Geng Shuang's boss" the person asked for is another.
        named: frozenset[frozenset[str]] = frozenset()
        if kind == OFFICIAL and self._office_holders:
            mentioned = set(self._question_words(question))
            possessors = self._norm.possessors(question)
            named = frozenset(
                holder for holder in self._office_holders if holder <= mentioned and not holder & possessors
            )
        return Detail(
            kind,
            office.office,
            office.owners,
            office.deputy or bool(_DEPUTY_PHRASE.search(folded)),
            named=named,
            any_rank=office.word in _ANY_RANK and not _RANKED.search(folded),
            others=_OTHERS_Q.search(folded) is not None,
        )

    def _official(
        self, question: str, folded: str, tokens: Sequence[str], stance: re.Match[str] | None
    ) -> Detail | None:
        """A question that names an official of a rank ("What did China's foreign minister say?")
        asks about that official, whatever it asks; officials in the plural ("the two never
        exchanged ambassadors") are a class, not an official. Where the question asks the view of
        someone else ("How did Pristina respond to the spokesperson's remarks?"), it asks that view
        (``stance``: the question's match of :data:`_STANCE_Q`)."""
        if stance is not None:
            asker = next(group for group in stance.groups() if group)
            if not set(asker.split()) & _OFFICE_OF.keys():
                return None
        for office in self._offices(question, tokens=tokens):
            if office.word in _PLURAL_OFFICES:
                continue
            if office.office != "head" and (office.word not in _ANY_RANK or _RANKED.search(folded)):
                return self._office_detail(OFFICIAL, office, question, folded)
        return None

    def _which(self, folded: str, present: AbstractSet[str] | None = None) -> Detail | None:
        """"Which experts", "what companies", "what specific technology", "what are Kosovo's main
        exports", "quels pays": the names of members of a class are asked for. ``present``: the
        words of ``folded``, when known."""
        if not _WHICH_ABROAD_WORDS.isdisjoint(folded.split() if present is None else present):
            for noun, pattern in _WHICH_ABROAD_Q:
                if pattern.search(folded):
                    return Detail(WHICH, subject=frozenset((noun,)))
        if "wh" not in folded and not folded.startswith(("name", "list")):
            return None  # (every match of _WHAT_ARE_Q and of _WHICH_Q)
        if (listed := _WHAT_ARE_Q.search(folded)) is not None:
            for word in folded[listed.end() :].split()[:4]:
                if stem(word) in _NAMED_CLASSES:
                    return Detail(WHICH, subject=frozenset((stem(word),)))
                if word in STOPWORDS and word != "the":
                    break
        for match in _WHICH_Q.finditer(folded):
            following = [w for w in folded[match.end() :].split()[:5] if w not in _OTHER_WORDS][:4]
            if following and following[0] in ("kind", "type", "sort", "sorts", "kinds", "types"):
                continue
            if following and following[0] == "of":  # "which of Taiwan's former allies"
                following = [w for w in folded[match.end() :].split()[1:6] if w not in _OTHER_WORDS and w != "the"][:4]
            for i, word in enumerate(following):
                if word in _SPECIFIC:
                    rest = [stem(w) for w in following[i + 1 : i + 3] if w not in STOPWORDS]
                    if rest:
                        return Detail(WHICH, subject=frozenset(rest))
                    break
                if stem(word) in _NAMED_CLASSES:
                    return Detail(WHICH, subject=frozenset((stem(word),)))
                if word in STOPWORDS or word in _AUXILIARIES:
                    break  # "what did...", "what if..."
        return None

    def _stance(
        self, question: str, folded: str, subjects: frozenset[str], match: re.Match[str] | None
    ) -> Detail | None:
        """"What did Washington say", "How do people in Kosovo feel", "Does Kosovo want": the
        view of someone the answers name (``match``: the question's match of :data:`_STANCE_Q`)."""
        if match is not None:
            phrase = next(group for group in match.groups() if group)
            found = set(self._canonical(phrase))
        elif _has_any(question.casefold(), _STANCE_NOUN_PIECES) and (
            (possessed := _STANCE_NOUN_Q.search(question.casefold())) is not None
        ):
            found = set(self._canonical(possessed.group(1)))
        else:
            return None
        # a side the answers name, or one the question writes as a name that no answer names
        # ("Does Taipei recognise...?": no fact gives Taipei's view); how the question writes its
        # words is read only when some side is not among the answers' names
        named = {w for w in found if w in self._name_words}
        if unnamed := found - named - subjects:
            written = {
                w
                for word, flag in tagged_words(question)
                if flag in (WRITTEN_AS_NAME, WRITTEN_IN_CAPITALS) and word.isalpha()
                for w in self._canonical(word)
            }
            named |= unnamed & written
        holders = frozenset(named) - subjects
        return Detail(STANCE, holders=holders) if holders else None

    def _foreign_stance(self, folded: str, subjects: frozenset[str], present: AbstractSet[str]) -> Detail | None:
        """"Šta je Vašington odgovorio...?", "Wie hat Belgrad auf ... reagiert?", "Si reagoi qeveria e
        Kosovës...?", "Chypre a-t-elle demandé...?": :meth:`_stance`, asked in Serbian, Albanian,
        German or French, of the side named where the question's subject stands, read as the name
        an answer uses ("Vašington" is Washington, "Chypre" Cyprus). ``present``: the words of
        ``folded`` (most questions have no such verb: not searched)."""
        latin = serbian_latin(folded)
        if _FOREIGN_STANCE_VERBS.isdisjoint(present if latin is folded else latin.split()):
            return None
        for pattern, ends in _FOREIGN_STANCE_Q:
            match = pattern.search(latin)
            if match is None:
                continue
            side: list[str] = []
            for word in match.group(1).split():
                if ends and word in _FOREIGN_STANCE_ENDS:
                    break
                side.append(word)
            if ends:
                # the subject first (after an article): a side, or the side it belongs to ("qeveria
                # e Kosovës", "die Regierung des Kosovo"); "si e shohin kinezët Kosovën" asks the
                # Chinese people's view, of Kosovo
                while side and side[0] in _ARTICLES:
                    side = side[1:]
                subject = side[:1] + (side[2:3] if len(side) > 2 and side[1] in _GENITIVE_LINKS else [])
                sides = next((found for word in subject if (found := self._foreign_sides([word]))), [])
            else:
                sides = self._foreign_sides(side[:4])
            holders = frozenset().union(*sides) - subjects
            return Detail(STANCE, holders=holders) if holders else None
        return None

    def _foreign_sides(self, tokens: Sequence[str]) -> list[frozenset[str]]:
        """The sides ``tokens`` (folded words of another language) name, in order, each as its
        canonical names: a name the synonyms read ("Srbija", "Priština"), a capital's or an
        inflected form's (:data:`_FOREIGN_SIDES`), or a country's name in that language ("Chypre",
        "Zypern", "Vereinigte Staaten")."""
        found: list[tuple[int, frozenset[str]]] = []
        rest: list[str] = []
        for i, token in enumerate(tokens):
            if token in _FOREIGN_SIDE:
                found.append((i, frozenset(self._canonical(_FOREIGN_SIDE[token]))))
                continue
            canonical = self._canonical(token)
            if canonical and all(w in self._name_words for w in canonical):
                found.append((i, frozenset(canonical)))
            else:
                rest.append(token)
        if rest:
            for code, span in countries.mentioned(rest):
                name = " ".join(countries.english_name(code))
                found.append((tokens.index(span[0]), frozenset(self._canonical(name))))
        return [side for _i, side in sorted(found, key=lambda item: item[0]) if side]

    def _unknown_event(self, question: str) -> bool:
        """Whether what ``question`` asks the time or place of is something no fact speaks of: it
        has words beside names (and the knowledge's common words), and no fact's answer or
        phrasing uses any of them ("When was Vučić born?": a fact that dates his statement with Xi
        does not date his birth). Only an English question is read so: the words of another
        language are mostly not the phrasings' own."""

        def read(text: str) -> bool:
            if not looks_english(text):
                return False
            events = {stem(w) for w in self._question_words(text) if w not in self._name_words} - self._common
            return bool(events) and events.isdisjoint(self._vocabulary)

        return self._question_memo("event", question, read)

    @staticmethod
    def _all_mentioned(name: frozenset[str], mentioned: set[str]) -> bool:
        """Whether a question whose canonical words are ``mentioned`` names every word of ``name``:
        as it is, or (in another language) in Cyrillic or inflected ("Интерпола", "Унеска",
        "Interpolit": Interpol, UNESCO) - a word that starts as the name does, but for its last
        :data:`INFLECTION` letters, and is no more than that many letters longer."""
        if name <= mentioned:
            return True
        latin = {serbian_latin(w) for w in mentioned}
        return all(
            word in latin
            or (
                len(word) > INFLECTION + 2
                and any(w.startswith(word[:-INFLECTION]) and len(w) <= len(word) + INFLECTION for w in latin)
            )
            for word in name
        )

    def _agent(self, question: str, folded: str) -> Detail | None:
        """"Who commanded the peacekeepers?": who did what the verb says."""
        match = _AGENT_Q.search(folded)
        if match is None:
            return None
        verb = match.group(1)
        if verb in _OFFICE_VERBS and (owners := self._norm.possessors(question)):
            # "Who led Russia's campaign?": not Russia, which the question names, but its leader
            return Detail(PERSON, office=_OFFICE_OF[verb], owners=owners)
        if verb in _IDENTITY or verb in _LIGHT_VERBS or verb in STOPWORDS or not verb.isalpha():
            return None
        lemmas = {_lemma(verb)} | {_lemma(w) for w in self._canonical(verb)}
        if lemmas & _SAYING:
            return Detail(AGENT, subject=frozenset((_SAID,)))
        return Detail(AGENT, subject=frozenset(lemmas))

    def states(self, fact: Fact, detail: Detail, question: str, phrasing: str | None = None) -> bool:
        """Whether ``fact`` states the ``detail`` that ``question`` asks for. ``phrasing``: the fact's
        phrasing the question matched; when the curators wrote it asking for the same date, and the
        answer gives one, the fact states it ("When did Kosovo join the IOC?" / "...in 2014", though
        the answer says "International Olympic Committee")."""
        facts = self._facts_of(fact)
        if detail.kind in (DATE, PLACE) and self._unknown_event(question):
            return False
        if detail.kind == DATE and phrasing and facts.states_kind(DATE):
            matched = self.asked(phrasing)
            if matched is not None and matched.kind == DATE:
                return True
        if detail.kind in (PERSON, OFFICIAL) and detail.others:
            # someone besides those the question names: the fact must name another
            mentioned = set(self._question_words(question))
            if all(person <= mentioned for person in facts.people):
                return False
        if facts.declares(detail, question):
            return True  # the curators wrote this fact for the question
        if detail.kind in (PERSON, OFFICIAL):
            if not detail.others and any(holder <= facts.vocabulary for holder in detail.named):
                return True  # the fact names whom the question names, and says who that is
            if detail.office is None:
                return facts.states_kind(PERSON)
            for office in facts.offices:
                if office.office != detail.office:
                    continue
                if office.deputy != detail.deputy and not detail.any_rank:
                    continue  # one rank away
                if detail.owners and not (detail.owners & office.owners):
                    continue
                return True
            return False
        if detail.kind == WHICH:
            mentioned = set(self._question_words(question))
            return any(
                name and not self._all_mentioned(name, mentioned)
                for noun in detail.subject
                for name in facts.instances.get(noun, ())
            )
        if detail.kind == STANCE:
            return detail.holders <= facts.holders
        if detail.kind == AGENT:
            if _SAID in detail.subject:
                return bool(facts.holders)
            return bool(detail.subject & facts.verbs)
        if detail.kind == DEFINITION:
            name = _defined_name(question)
            pattern = re.escape(" ".join(words(name or ""))).replace(r"\ ", r"\W+")
            return bool(name) and re.search(rf"\b{pattern}\b{_DEFINES}", fact.answer, re.IGNORECASE) is not None
        if detail.kind == MANNER:
            # how it is done: a means ("by lobbying"), or an act the question does not name ("How
            # could China block Kosovo?" / "China can veto"); "China has blocked Kosovo" is no how
            if _NO_DETAIL_A.search(fact.answer):
                return False
            named = {_lemma(w) for w in words(question)}
            return _MEANS_A.search(fact.answer) is not None or bool((facts.verbs & _MEANS_ACTS) - named)
        if detail.kind == ACT and _MEMBERSHIP in detail.subject:
            return not _MEMBER_WORDS.isdisjoint(facts.vocabulary)
        if detail.kind == ACT:
            if detail.what:
                return bool(detail.subject & (facts.done if detail.done else facts.verbs))
            if detail.done:
                return bool(detail.subject & (facts.done | facts.acts_asked(done=True)))
            return bool(detail.subject & (facts.verbs | facts.acts_asked(done=False)))
        if detail.kind == COMPARISON:
            return _COMPARISON_A.search(fact.answer) is not None
        if detail.kind == FUTURE:
            return bool(detail.subject & set(words(fact.answer)))
        if detail.kind == CHANGE:
            return _CHANGE_A.search(fact.answer) is not None
        if detail.kind == REPEAT:
            return _REPEAT_A.search(fact.answer) is not None
        if detail.kind == CONDITION:
            return detail.subject <= facts.spoken
        if detail.kind == HYPOTHESIS:
            return any(facts.does(side, detail.subject) for side in detail.holders)
        if detail.kind == CHOICE:
            return detail.holders <= facts.spoken or detail.subject <= facts.spoken
        if detail.kind == QUANTITY and detail.subject and not detail.subject <= facts.spoken:
            return False  # the answer's number is not of the measure asked ("five employees", "population")
        if detail.kind == QUANTITY and QUANTITY in facts.answer_kinds and facts.numbers:
            # the answer's number must be news: "Of the five people there, how many are diplomats?"
            # is not answered by the five
            return bool(facts.numbers - quantities(question))
        if detail.kind == CAUSE:
            if facts.states_kind(CAUSE):
                return True
            # "After China brokered the deal, interest was renewed" gives a cause of what follows,
            # unless the clause is what the question asks about ("After the clashes, X said...")
            asked = self._specific(question)
            return any(not asked & clause for clause in facts.after)
        if detail.kind == DATE:
            if not facts.states_kind(DATE):
                return False
            if not facts.date_sentences:
                return True  # declared by a phrasing
            asked = self._specific(question)
            return not asked or any(asked & sentence for sentence in facts.date_sentences)
        if detail.kind == PLACE:
            if facts.states_kind(PLACE):
                return True
            mentioned = {stem(w) for w in words(question)}
            added = {place for place in facts.places - mentioned - self._common if not _spelt_among(place, mentioned)}
            if not added:
                return False
            # a place in a sentence about what is asked (of the words the answer uses): "Which
            # cities do Chinese companies trade in?" is not answered by the city of China's mission
            asked = self._specific(question) & facts.answer_stems
            return not asked or any(asked & sentence and places & added for places, sentence in facts.place_sentences)
        if detail.kind == NAME:
            if _OFFICIAL in detail.subject and not _OFFICIAL_NAME_A.search(fact.answer):
                return False  # an official name, which the answer does not say it gives
            if facts.states_kind(NAME):
                return True
            mentioned = " ".join(words(question))
            asked = {stem(w) for w in self._question_words(question)} | self._common | self._publisher
            return any(
                name not in mentioned and not {stem(w) for w in self._canonical(name)} <= asked for name in facts.names
            )
        return facts.states_kind(detail.kind)

    def corrects_premise(self, fact: Fact, question: str, detail: Detail | None = None) -> bool:
        """Whether ``fact``'s answer negates what ``question`` takes for granted ("When did China
        recognise Kosovo?" / "China does not recognise Kosovo's independence"). With a ``detail``,
        only questions of when, where and how many: a question of who or of a name presumes that
        its subject exists, which a negation elsewhere in the answer does not contradict.

        The negation must be about the premise's own holder where the question names one: "the
        Chinese mission" is not "Kosovo keeps no corresponding mission"."""
        if detail is not None and detail.kind not in (DATE, DAY, PLACE, QUANTITY, WHICH):
            return False
        premise = self._question_memo("premise", question, self._premise)
        if premise is None:
            return False
        asked, subjects, owner = premise
        reading = self._facts_of(fact)
        written = None
        for sentence, plain in zip(reading.stems, reading.sentence_words, strict=True):
            for i, token in enumerate(sentence):
                if token not in _NEGATION:
                    continue
                window = sentence[i + 1 : i + 2 + NEGATION_WINDOW]
                before = set(sentence[max(0, i - NEGATION_WINDOW) : i])
                negated = [j for j, w in enumerate(window) if w in asked]
                if negated:
                    # "no diplomatic relations" negates no diplomats: an adjective the question
                    # does not use is another word of the same stem
                    if written is None:
                        written = set(words(question))
                    negated = [
                        j for j, w in enumerate(window) if w in asked
                        and (not plain[i + 1 + j].endswith(_ADJECTIVE_ENDINGS) or plain[i + 1 + j] in written)
                    ]
                if not negated or not subjects & before:
                    continue
                # each negated word's holder is the negation's subject, or stands just before it
                if all(
                    window[j] not in owner or owner[window[j]] in before or (j and window[j - 1] == owner[window[j]])
                    for j in negated
                ):
                    return True
        return False

    def _premise(self, question: str) -> tuple[set[str], set[str], dict[str, str]] | None:
        """What :meth:`corrects_premise` reads of ``question``: the stems asked about, all its
        stems, and the holder of each asked word; ``None`` when its premise cannot be negated (it
        is a negation itself, or asks about nothing specific)."""
        if (_NEGATION | _NOT_CONTRACTED | _REFUSAL) & set(words(question)):
            return None  # the question's own premise is a negation
        asked = self._specific(question)
        if not asked:
            return None
        canonical = self._question_words(question)
        stems = [stem(w) for w in canonical]
        subjects = set(stems)
        # The holder of each asked word: the name just before it ("chinese mission" -> china).
        # "China's Pristina mission": the possessor owns it, the name after it only places it
        possessors = self._norm.possessors(question)
        owner = {
            stems[i]: stems[i - 2] if i > 1 and canonical[i - 2] in possessors else stems[i - 1]
            for i in range(1, len(stems))
            if canonical[i - 1] in self._name_words
        }
        owner.update(self._pronoun_owners(question))
        return asked, subjects, owner

    def _pronoun_owners(self, question: str) -> dict[str, str]:
        """"When did Beijing open its mission?": the stem of each word after a possessive pronoun,
        with the stem of the name it stands for (the question's first name before it, its subject:
        "Which countries did China persuade to drop Kosovo in its campaign?")."""
        tokens = words(question)
        found: dict[str, str] = {}
        for i, token in enumerate(tokens):
            if token not in _POSSESSIVE_PRONOUNS:
                continue
            named = [w for t in tokens[:i] for w in self._canonical(t) if w in self._name_words]
            owned = next((w for t in tokens[i + 1 : i + 3] for w in self._canonical(t)), None)
            if named and owned is not None:
                found[stem(owned)] = stem(named[0])
        return found

    def _specific(self, question: str) -> set[str]:
        """Stems of the question's words that are not the knowledge base's common subject."""
        return {stem(w) for w in self._question_words(question)} - self._common
