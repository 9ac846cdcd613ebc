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
- a place: a place in the answer that the question does not already name. A name: a quoted or
  capitalised name the question does not already contain.

A fact also states the amounts and names its curators' own phrasings ask for ("How much weight
does China carry?" declares that the fact answers a "how much" question); a date, a day, a place
or a person must be in the answer itself. A question whose premise the fact
contradicts ("When did China recognise Kosovo?" / "China does not recognise...") is answered by
that fact: it corrects the premise. The question words of Serbian (Latin and Cyrillic),
Albanian, German and French are read too; answers are English.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Sequence

from bot.core.knowledge.schema import Fact
from bot.core.matching.normalise import Normaliser, answer_kinds, expected_answer_kind, stem, words

PERSON, PLACE, DAY, DATE, QUANTITY, NAME = "person", "place", "day", "date", "quantity", "name"

#: How each detail is named in the "does not hold that detail" message.
LABELS = {
    PERSON: "who",
    PLACE: "where",
    DAY: "the exact day",
    DATE: "when",
    QUANTITY: "the number or amount",
    NAME: "the name",
}


@dataclasses.dataclass(frozen=True, slots=True)
class Detail:
    """What a question asks for, and the office it names (for a person)."""

    kind: str
    office: str | None = None  # office class: "diplomat", "minister", "president", "spokesperson", "head", ...
    owners: frozenset[str] = frozenset()  # whose office ("china" in "China's ambassador")
    deputy: bool = False  # the question asks for a deputy ("deputy ambassador")

    @property
    def label(self) -> str:
        return LABELS[self.kind]


# -- what a question asks for ----------------------------------------------------------------------

# Folded text (lowercase, accents removed): patterns are written without diacritics. Cyrillic is
# kept by folding, so Serbian Cyrillic patterns are written in Cyrillic.
_DAY_Q = re.compile(
    r"\b(?:(?:what|which|exact|precise|specific) (?:day|date)|on what day|exact date|what date|"
    r"kog dana|kojeg dana|kojeg datuma|tacan datum|тачан датум|ког дана|којег дана|"
    r"ne cilen dite|cilen date|daten e sakte|"
    r"an welchem tag|welches datum|genaue datum|genauen datum|"
    r"quel jour|quelle date|date exacte)\b"
)
_PLACE_Q = re.compile(
    r"\b(?:(?:which|what)(?: \w+)? (?:city|town|village|place|capital|venue|location|building|municipality|region)|"
    r"the capital|where exactly|where (?:is|are|was|were|did|does|do)\b.*\b(?:take place|took place|happen|happened|"
    r"held|signed|located|based|meet|met|occur|occurred|break out|broke out|sit|sits|situated)|"
    r"u kom gradu|u kojem gradu|u kom mestu|gde|gdje|у ком граду|у којем граду|где|гдје|"
    r"ne cilin qytet|ne cilin vend|ku|"
    r"in welcher stadt|an welchem ort|wo|"
    r"dans quelle ville|quelle ville|a quel endroit)\b"
)
_NAME_Q = re.compile(
    r"\b(?:what(?: is| was|s)? (?:the )?(?:official |full |exact )?name|(?:officially |actually |also )?called|"
    r"what do (?:they|you|we|people) call|name of|"
    r"kako se zove|kako se naziva|како се зове|ime|si quhet|emri|wie heisst|wie nennt man|"
    r"comment s appelle|quel est le nom|nom de)\b"
)
_PERSON_Q = re.compile(
    r"^(?:(?:and|so|but|then|ok) )?(?:who|whom|whos|ko|ко|kush|wer|qui)\b|"
    r"\b(?:which|what) (?:\w+ )?(?:minister|ambassador|envoy|official|diplomat|spokesperson|spokesman|spokeswoman|"
    r"president|leader|head|chief|representative)\b"
)
_DATE_Q = re.compile(
    r"^(?:(?:and|so|but|then|ok) )?(?:when|kada|kad|када|кад|kur|wann|quand)\b|"
    r"\b(?:(?:what|which) year|since when|what date|how long ago|seit wann|in welchem jahr|en quelle annee|"
    r"(?:koje|које) godine|(?:ne )?cilin vit)\b"
)
_QUANTITY_Q = re.compile(
    r"\b(?:(?:what|whats) (?:is |was |are )?(?:the )?(?:value|amount|number|percentage|share|cost|price|size|"
    r"total|sum|population|budget|volume)|"
    r"koliko|колико|sa (?:shume|punonjes|vende|njerez)|^sa\b|wie viele|wie viel|combien)\b"
)

#: Offices a question can ask about, by class; the words of other languages map to the same class.
_OFFICES = {
    "diplomat": "ambassador ambassadors envoy envoys representative representatives emissary diplomat ambasador "
    "ambasadori амбасадор predstavnik представник perfaqesues botschafter botschafterin vertreter "
    "ambassadeur representant",
    "minister": "minister ministers ministar министар ministri ministre",
    "president": "president presidents predsednik председник presidenti prasident praesident",
    "spokesperson": "spokesperson spokesman spokeswoman spokespeople portparol портпарол zedhenes "
    "sprecher sprecherin porte parole",
    "head": "head heads headed leader leaders leads lead led chief runs run boss director chair chairman "
    "chairs charge sef шеф direktor drejton drejtues kreu leitet leiter chef dirige directeur",
    "premier": "premier prime",
    "secretary": "secretary",
}
_OFFICE_OF = {word: office for office, text in _OFFICES.items() for word in text.split()}
_DEPUTY = frozenset("deputy vice assistant zamenik заменик zevendes stellvertretend stellvertretende adjoint".split())
#: Words around an office that are neither its owner nor its rank.
_OFFICE_NOISE = frozenset(
    "foreign permanent current former new first top senior official officials ministry name names".split()
)
#: What an office is held in ("who leads the government").
_INSTITUTIONS = frozenset(
    "government mission ministry office embassy delegation party country state council initiative organisation "
    "organization misije misija misionin misioni vertretung regierung mission gouvernement".split()
)
#: Office words that are verbs too ("could lead to"): offices in a question, not in an answer.
_OFFICE_VERBS = frozenset("heads headed leads lead led runs run chairs charge drejton leitet dirige".split())


# -- what an answer states ------------------------------------------------------------------------

_SENTENCES = re.compile(r"[^.;!?]+")
#: Clauses of a sentence: a date dates what its own clause says ("After X in March 2023, Y").
_CLAUSES = re.compile(r"[,:()]|\s[–—-]\s")
_MONTHS = r"january|february|march|april|may|june|july|august|september|october|november|december"
_DAY_A = re.compile(rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)? (?:of )?(?:{_MONTHS})|(?:{_MONTHS}) \d{{1,2}}(?:st|nd|rd|th)?\b(?! ?\d{{3}}))")
_DATE_A = re.compile(rf"\b(?:1[89]\d\d|20\d\d|{_MONTHS})\b")
#: "may" in lower case is the verb, not the month ("may give China further reason" states no date).
_MAY_VERB = re.compile(r"\bmay\b")
_NEGATION = frozenset("not no never without neither nor none refrains refrain absence lack lacks".split())
_QUOTED = re.compile(r"[\"“”«»]([^\"“”«»]{3,})[\"“”«»]")
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w’'-]+(?:\s+(?:of|and|the|for|de)?\s*[A-Z][\w’'-]+)*)")
_PLACE_A = re.compile(r"\b(?:in|at|from)\s+([A-Z][\w’'-]+)")
_NOT_PLACES = frozenset(f"the a an its his her their this that these those {_MONTHS.replace('|', ' ')}".split())
#: Words that may stand between a negation and what it negates, or its subject ("China does not
#: recognise", "China and Kosovo have no formal diplomatic relations").
NEGATION_WINDOW = 3


@dataclasses.dataclass(frozen=True, slots=True)
class _Office:
    office: str
    owners: frozenset[str]
    deputy: bool


@dataclasses.dataclass(slots=True)
class _FactFacts:
    kinds: frozenset[str]  # detail kinds the fact states
    offices: tuple[_Office, ...]
    date_sentences: tuple[frozenset[str], ...]  # stems of each answer clause holding a date
    stems: tuple[tuple[str, ...], ...]  # stems of each answer sentence, in order, for negation
    places: frozenset[str]  # canonical place-like names of the answer
    names: frozenset[str]  # quoted and capitalised names of the answer, folded


class DetailChecker:
    """What questions ask and what the facts of one knowledge state state (built once per state)."""

    def __init__(self, facts: Sequence[Fact], normaliser: Normaliser) -> None:
        self._norm = normaliser
        document_frequency: Counter[str] = Counter()
        for fact in facts:
            document_frequency.update({stem(w) for w in normaliser.content_words(" ".join((*fact.questions, fact.answer)))})
        # Words most facts share (the knowledge base's subject) say nothing about a detail.
        self._common = frozenset(s for s, n in document_frequency.items() if 2 * n > len(facts))
        self._vocabulary = frozenset(document_frequency)
        # Names every answer repeats (the publisher of the source) are not a detail either.
        name_frequency: Counter[str] = Counter()
        for fact in facts:
            name_frequency.update({stem(w) for m in _CAPITALISED.finditer(fact.answer) for w in words(m.group(1))})
        self._publisher = frozenset(s for s, n in name_frequency.items() if 2 * n > len(facts))
        self._facts = {fact.id: self._read(fact) for fact in facts}

    # -- facts --------------------------------------------------------------------------------------

    def _canonical(self, text: str) -> list[str]:
        return self._norm.content_words(text)

    def _read(self, fact: Fact) -> _FactFacts:
        answer = fact.answer
        kinds = set(answer_kinds(_MAY_VERB.sub(" ", answer)))
        for phrasing in fact.questions:  # the curators' phrasings declare amounts and names it gives
            asked = self.asked(phrasing)
            if asked is not None and asked.kind in (QUANTITY, NAME):
                kinds.add(asked.kind)
            if expected_answer_kind(phrasing) == QUANTITY:
                kinds.add(QUANTITY)
        if _DAY_A.search(answer):
            kinds.add(DAY)
        offices = tuple(self._offices(answer))
        if offices:
            kinds.add(PERSON)
        date_sentences: list[frozenset[str]] = []
        stems: list[tuple[str, ...]] = []
        for sentence in _SENTENCES.findall(answer):
            sentence_stems = tuple(stem(w) for w in words(sentence))
            stems.append(sentence_stems)
            clauses = _CLAUSES.split(sentence)
            for i, clause in enumerate(clauses):
                if _DATE_A.search(_MAY_VERB.sub(" ", clause).casefold()):
                    # "In May 2024, X and Y signed...": a short clause with a date dates the next one.
                    if len(words(clause)) <= 4 and i + 1 < len(clauses):
                        clause = f"{clause} {clauses[i + 1]}"
                    date_sentences.append(frozenset(stem(w) for w in self._canonical(clause)))
        names = {" ".join(words(m)) for m in _QUOTED.findall(answer)}
        for match in _CAPITALISED.finditer(answer):
            names.add(" ".join(words(match.group(1))))
        places = {  # as written: "Pristina" is a place, even where it stands for Kosovo's government
            stem(w) for m in _PLACE_A.finditer(answer) if m.group(1).casefold() not in _NOT_PLACES for w in words(m.group(1))
        }
        return _FactFacts(
            frozenset(kinds), offices, tuple(date_sentences), tuple(stems), frozenset(places), frozenset(names)
        )

    def _offices(self, text: str, *, verbs: bool = False) -> list[_Office]:
        """Offices named in ``text``, with their owners ("China's Deputy Permanent Representative":
        diplomat, owner china, deputy). ``verbs``: "who heads" names an office too (questions)."""
        tokens = words(text)
        found = []
        for i, token in enumerate(tokens):
            office = _OFFICE_OF.get(token)
            if office is None or (token in _OFFICE_VERBS and not verbs):
                continue
            if token in _OFFICE_VERBS and not _INSTITUTIONS & set(tokens[i + 1 : i + 5]):
                continue  # "who led a campaign" asks for an actor, "who leads the mission" for an office holder
            before = tokens[max(0, i - 4) : i]
            after = tokens[i + 1 : i + 3] if i + 1 < len(tokens) and tokens[i + 1] in ("of", "to") else []
            owners = {
                w
                for w in self._canonical(" ".join((*before, *after[1:])))
                if w not in _DEPUTY and w not in _OFFICE_NOISE and w not in _OFFICE_OF and stem(w) in self._vocabulary
            }
            found.append(_Office(office, frozenset(owners), any(w in _DEPUTY for w in before)))
        return found

    # -- questions ----------------------------------------------------------------------------------

    def asked(self, question: str) -> Detail | None:
        """The detail ``question`` asks for, if any."""
        folded = " ".join(words(question))
        if not folded:
            return None
        kind = None
        if _DAY_Q.search(folded):
            kind = DAY
        elif _NAME_Q.search(folded) and not re.search(r"\bname of (?:the )?\w+ (?:who|that)\b", folded):
            kind = NAME
        elif _PERSON_Q.search(folded):
            kind = PERSON
        elif _PLACE_Q.search(folded) and not re.search(r"\b(?:stand|stands|standing|stood|lie|lies)\b", folded):
            kind = PLACE
        elif _QUANTITY_Q.search(folded) or expected_answer_kind(question) == QUANTITY:
            kind = QUANTITY
        elif _DATE_Q.search(folded):  # "when" as a question word, not "...when it looks at"
            kind = DATE
        if kind is None:
            return None
        if kind in (PERSON, NAME):
            offices = self._offices(question, verbs=True)
            if offices:
                office = offices[0]
                return Detail(PERSON, office.office, office.owners, office.deputy)
            if kind == PERSON:
                # "Who blocked Kosovo?", "Who mediated?": the answer may be a country, which any fact
                # about the matter names; only an office asked for is a detail to check.
                return None
        return Detail(kind)

    def states(self, fact: Fact, detail: Detail, question: str, phrasing: str | None = None) -> bool:
        """Whether ``fact`` states the ``detail`` that ``question`` asks for. ``phrasing``: the fact's
        phrasing the question matched; when the curators wrote it asking for the same date, and the
        answer gives one, the fact states it ("When did Kosovo join the IOC?" / "...in 2014", though
        the answer says "International Olympic Committee")."""
        facts = self._facts.get(fact.id) or self._read(fact)
        if detail.kind == DATE and phrasing and DATE in facts.kinds:
            matched = self.asked(phrasing)
            if matched is not None and matched.kind == DATE:
                return True
        if detail.kind == PERSON:
            if detail.office is None:
                return PERSON in facts.kinds
            for office in facts.offices:
                if office.office != detail.office:
                    continue
                if office.deputy != detail.deputy:
                    continue  # one rank away
                if detail.owners and not (detail.owners & office.owners):
                    continue
                return True
            return False
        if detail.kind == DATE:
            if DATE not in facts.kinds:
                return False
            if not facts.date_sentences:
                return True  # declared by a phrasing
            asked = self._specific(question)
            return not asked or any(asked & sentence for sentence in facts.date_sentences)
        if detail.kind == PLACE:
            if PLACE in facts.kinds:
                return True
            mentioned = {stem(w) for w in words(question)}
            return bool(facts.places - mentioned - self._common)
        if detail.kind == NAME:
            if NAME in facts.kinds:
                return True
            mentioned = " ".join(words(question))
            asked = {stem(w) for w in self._canonical(question)} | self._common | self._publisher
            return any(
                name not in mentioned and not {stem(w) for w in self._canonical(name)} <= asked for name in facts.names
            )
        return detail.kind in facts.kinds

    def corrects_premise(self, fact: Fact, question: str, detail: Detail) -> bool:
        """Whether ``fact``'s answer negates what ``question`` takes for granted ("When did China
        recognise Kosovo?" / "China does not recognise Kosovo's independence"). Only questions of
        when, where and how many: a question of who or of a name presumes that its subject
        exists, which a negation elsewhere in the answer does not contradict."""
        if detail.kind not in (DATE, DAY, PLACE, QUANTITY):
            return False
        facts = self._facts.get(fact.id) or self._read(fact)
        asked = self._specific(question)
        if not asked:
            return False
        subjects = {stem(w) for w in self._canonical(question)}
        for sentence in facts.stems:
            for i, token in enumerate(sentence):
                if (
                    token in _NEGATION
                    and asked & set(sentence[i + 1 : i + 2 + NEGATION_WINDOW])
                    and subjects & set(sentence[max(0, i - NEGATION_WINDOW) : i])
                ):
                    return True
        return False

    def _specific(self, question: str) -> set[str]:
        """Stems of the question's words that are not the knowledge base's common subject."""
        return {stem(w) for w in self._canonical(question)} - self._common
