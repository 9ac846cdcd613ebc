"""Questions that ask for a detail the best fact may not state, and false premises it corrects."""

from __future__ import annotations

import gc
import pickle
import random
import re
import weakref
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.matching import detail
from bot.core.matching.detail import (
    ACT,
    AGENT,
    CAUSE,
    CHANGE,
    CHOICE,
    CONTACT,
    DATE,
    DAY,
    DEFINITION,
    COMPARISON,
    CONDITION,
    FUTURE,
    HOURS,
    HYPOTHESIS,
    MANNER,
    NAME,
    OFFICIAL,
    PERSON,
    PLACE,
    QUANTITY,
    REPEAT,
    STANCE,
    WHICH,
    DetailChecker,
)
from bot.core.matching.language import looks_english
from bot.core.matching.normalise import expected_answer_kind, stem, words
from bot.core.service import KnowledgeState, load_state
from bot.settings import DEFAULT_KNOWLEDGE_DIR

STATE = load_state(DEFAULT_KNOWLEDGE_DIR)
CHECKER = DetailChecker(STATE.index.facts, STATE.index.normaliser)
FACTS = STATE.kb.by_id


@pytest.mark.parametrize(
    ("question", "kind", "fact_id", "stated"),
    [
        ("Who heads the Chinese mission in Pristina?", PERSON, "chinese-mission-pristina", False),
        ("Who is China's ambassador to the UN?", PERSON, "geng-shuang-tolerance-reconciliation", False),  # a deputy
        ("Who is China's deputy ambassador to the UN?", PERSON, "geng-shuang-tolerance-reconciliation", True),
        ("Who is China's foreign minister?", PERSON, "mao-ning-may-2023-clashes", False),  # a spokesperson
        ("Who is the president of Kosovo?", PERSON, "xi-vucic-joint-statement-2024", False),
        ("Who is the Serbian president?", PERSON, "xi-vucic-joint-statement-2024", True),
        ("On what exact day did Xi and Vucic sign the joint statement?", DAY, "xi-vucic-joint-statement-2024", False),
        ("When did Xi and Vucic sign the joint statement?", DATE, "xi-vucic-joint-statement-2024", True),
        ("When was the Global Security Initiative launched?", DATE, "mediator-global-security-initiative", False),
        ("When did China help bring Saudi Arabia and Iran together?", DATE, "mediator-global-security-initiative", True),
        ("When did Kosovo apply to join Interpol?", DATE, "unesco-interpol-blocking", False),
        # a date dates the words around it, not the whole clause: 2008 is the declaration's year
        ("In which year was Resolution 1244 adopted by the Security Council?", DATE, "kosovo-2008-declaration-international-law", False),
        ("When did Kosovo declare independence?", DATE, "kosovo-2008-declaration-international-law", True),
        ("By when might China move to direct intervention over Kosovo?", DATE, "scenario-direct-intervention", False),
        # which of two alternatives is more so: a comparison
        ("Does China trade more with Serbia or with Kosovo?", COMPARISON, "trade-without-diplomatic-relations", False),
        ("Would Chinese mediation be more likely to succeed on Cyprus or on Kosovo?", COMPARISON,
         "mediator-global-security-initiative", False),
        # an amount a year
        ("How large is trade between China and Kosovo each year?", QUANTITY, "trade-without-diplomatic-relations", False),
        # "may give China further reason": the verb, not the month
        ("When did Serbia join the Belt and Road Initiative?", DATE, "serbia-strategic-partnership", False),
        ("When did Russia's role start to shrink?", DATE, "russia-decreasing-role", False),
        ("In which city did Xi and Vučić sign their joint statement?", PLACE, "xi-vucic-joint-statement-2024", False),
        ("In which town did the May 2023 clashes take place?", PLACE, "mao-ning-may-2023-clashes", False),
        ("Which city hosts the Chinese mission?", PLACE, "chinese-mission-pristina", True),
        ("Where did China mediate between Saudi Arabia and Iran?", PLACE, "mediator-global-security-initiative", False),
        ("Where did Geng Shuang give his speech?", PLACE, "geng-shuang-tolerance-reconciliation", False),
        ("Where is the Chinese mission?", PLACE, "chinese-mission-pristina", True),
        ("In what city is the SCO based?", PLACE, "brics-sco-platforms", False),  # "a role in BRICS"
        ("What is the Chinese mission in Pristina officially called?", NAME, "chinese-mission-pristina", False),
        ("What is the name of the joint statement?", NAME, "xi-vucic-joint-statement-2024", True),
        ("What is the value of Chinese investment in Serbia?", QUANTITY, "serbia-strategic-partnership", False),
        ("How many employees does the Chinese mission have?", QUANTITY, "chinese-mission-pristina", True),
        ("How many countries broke international law like Kosovo?", QUANTITY, "kosovo-2008-declaration-international-law", False),
        ("What is the current number of countries that recognise Kosovo?", QUANTITY, "unsc-veto-power", False),
        # the owner of an office a few words after "of": not China's spokesperson
        ("who is the spokesperson of the serbian foreign ministry?", PERSON, "mao-ning-may-2023-clashes", False),
        ("Who is the spokesperson of China's foreign ministry?", PERSON, "mao-ning-may-2023-clashes", True),
        # the question inside a question, chat-style forms
        ("do u know who's in charge of china's office in prishtina", PERSON, "chinese-mission-pristina", False),
        ("can someone tell me when the Global Security Initiative was launched?", DATE, "mediator-global-security-initiative", False),
        ("when exactly in may 2024 did xi and vucic sign", DAY, "xi-vucic-joint-statement-2024", False),
        ("what was the death toll of the clashes in 2023", QUANTITY, "mao-ning-may-2023-clashes", False),
        ("what did china's top diplomat say about kosovo", OFFICIAL, "trade-without-diplomatic-relations", False),
        ("name the experts who want china to mediate", WHICH, "mediator-global-security-initiative", False),
        ("Ko je šef kineske misije u Prištini?", PERSON, "chinese-mission-pristina", False),
        ("Ko vodi kinesku misiju u Prištini?", PERSON, "chinese-mission-pristina", False),
        ("Ко води кинеску мисију у Приштини?", PERSON, "chinese-mission-pristina", False),
        ("Ko je na čelu kineske misije?", PERSON, "chinese-mission-pristina", False),
        ("Qui est l'ambassadeur de la Chine à l'ONU ?", PERSON, "geng-shuang-tolerance-reconciliation", False),
        ("Comment s'appelle la mission chinoise au Kosovo ?", NAME, "chinese-mission-pristina", False),
        ("Kush e drejton misionin kinez në Prishtinë?", PERSON, "chinese-mission-pristina", False),
        ("Wer leitet die chinesische Vertretung in Pristina?", PERSON, "chinese-mission-pristina", False),
        ("Qui dirige la mission chinoise à Pristina ?", PERSON, "chinese-mission-pristina", False),
        ("Ko vodi kinesku kancelariju u Prištini?", PERSON, "chinese-mission-pristina", False),  # an office
        ("Kush drejton zyrën kineze?", PERSON, "chinese-mission-pristina", False),
        ("Kush është shefi i misionit kinez në Prishtinë?", PERSON, "chinese-mission-pristina", False),
        ("Ко је шеф кинеске мисије у Приштини?", PERSON, "chinese-mission-pristina", False),
        ("Ког датума је Косово поднело захтев за пријем у Интерпол?", DAY, "unesco-interpol-blocking", False),
        ("Kog datuma je Kosovo podnelo zahtev Interpolu?", DAY, "unesco-interpol-blocking", False),
        # what would follow another side's act: only a fact that speaks of that side doing it
        ("If Serbia one day recognised Kosovo, would China follow suit?", HYPOTHESIS, "non-recognition-sovereignty", False),
        ("What would China do if Serbia recognised Kosovo?", HYPOTHESIS, "non-recognition-sovereignty", False),
        ("If Kosovo applied to Interpol again, would China block it?", HYPOTHESIS, "unesco-interpol-blocking", False),
        # a repeat to come, which an answer about what was done does not say
        ("Will Kosovo apply to Interpol again?", REPEAT, "unesco-interpol-blocking", False),
        ("Is Kosovo going to apply to UNESCO a second time?", REPEAT, "unesco-interpol-blocking", False),
        ("If Kosovo joins the UN, what happens?", HYPOTHESIS, "unsc-veto-power", True),  # "Can Kosovo join the UN if..."
        # whether an act was done, asked in another language: only a fact that speaks of the act
        ("Hat China Truppen in den Kosovo geschickt?", ACT, "mao-ning-may-2023-clashes", False),
        ("Da li je Si Đinping ikada posetio Prištinu?", ACT, "xi-vucic-joint-statement-2024", False),
        ("Да ли је Си Ђинпинг икада посетио Приштину?", ACT, "xi-vucic-joint-statement-2024", False),
        ("A ka dërguar Kina trupa në Kosovë?", ACT, "mao-ning-may-2023-clashes", False),
        ("La Chine a-t-elle envoyé des troupes au Kosovo ?", ACT, "mao-ning-may-2023-clashes", False),
        # ... done, which "China can veto" does not say; or possible, which it does
        ("Hat China jemals ein Veto gegen Kosovo eingelegt?", ACT, "unsc-veto-power", False),
        ("Kann China ein Veto gegen Kosovo einlegen?", ACT, "unsc-veto-power", True),
        ("Može li Kina da stavi veto na članstvo Kosova?", ACT, "unsc-veto-power", True),
        # the amount of a measure, asked in another language, is that measure's
        ("Koliki je budžet kineske misije?", QUANTITY, "chinese-mission-pristina", False),
        ("Sa është buxheti i misionit kinez?", QUANTITY, "chinese-mission-pristina", False),
        ("Wie hoch ist das Budget der chinesischen Vertretung?", QUANTITY, "chinese-mission-pristina", False),
        ("Quel est le budget de la mission chinoise ?", QUANTITY, "chinese-mission-pristina", False),
        ("Koliko stanovnika ima Priština?", QUANTITY, "chinese-mission-pristina", False),
        ("Combien d'employés compte la mission chinoise ?", QUANTITY, "chinese-mission-pristina", True),
        ("Où se trouve la mission chinoise ?", PLACE, "chinese-mission-pristina", True),
        ("Које године је Кина блокирала Косово у Унеску?", DATE, "unesco-interpol-blocking", False),
        ("Колико запослених има кинеска мисија у Приштини?", QUANTITY, "chinese-mission-pristina", True),
        # an official of a rank, whatever is asked of them
        ("What did China's foreign minister say after the clashes?", OFFICIAL, "mao-ning-may-2023-clashes", False),
        ("What did the spokesperson of China's foreign ministry say?", OFFICIAL, "mao-ning-may-2023-clashes", True),
        ("Does China's ambassador at the UN want reconciliation?", OFFICIAL, "geng-shuang-tolerance-reconciliation", False),
        # ... unless the question names the person, whom the fact names and places
        ("What did Mao Ning, China's foreign minister, say?", OFFICIAL, "mao-ning-may-2023-clashes", True),
        ("What did the Chinese president say to Vučić?", OFFICIAL, "xi-vucic-joint-statement-2024", True),
        ("Which Chinese diplomat spoke of reconciliation?", PERSON, "geng-shuang-tolerance-reconciliation", True),
        ("Who is China's top diplomat at the UN?", PERSON, "geng-shuang-tolerance-reconciliation", False),
        ("Who is Geng Shuang's boss at the UN?", PERSON, "geng-shuang-tolerance-reconciliation", False),
        # someone besides those the question names: the fact must name another
        ("Which spokesperson other than Mao Ning spoke for China's foreign ministry?", PERSON, "mao-ning-may-2023-clashes", False),
        ("Which president besides Xi signed the joint statement?", PERSON, "xi-vucic-joint-statement-2024", True),
        # the names of members of a class
        ("Which experts proposed the initiative for Kosovo?", WHICH, "mediator-global-security-initiative", False),
        ("Which of Taiwan's former allies switched to Beijing under pressure?", WHICH, "scenario-economic-pressure", False),
        ("Which of the organisations has China kept Kosovo out of?", WHICH, "unesco-interpol-blocking", True),
        ("Which organisations has China kept Kosovo out of?", WHICH, "unesco-interpol-blocking", True),
        ("Which resolution did the declaration break?", WHICH, "kosovo-2008-declaration-international-law", True),
        ("What specific technology does Serbia buy from China?", WHICH, "serbia-strategic-partnership", False),
        # someone's view, where the fact gives another's
        ("What did Washington say about China's stance?", STANCE, "rivalry-with-west", False),
        ("Has Washington responded to China's position on Kosovo?", STANCE, "rivalry-with-west", False),
        ("Has Washington officially responded to China's position?", STANCE, "rivalry-with-west", False),
        ("How do people in Kosovo feel about China?", STANCE, "public-opinion-pro-serbian", False),
        ("What is the EU's position on the joint statement?", STANCE, "xi-vucic-joint-statement-2024", False),
        ("What did Vučić say about Interpol?", STANCE, "unesco-interpol-blocking", True),
        # "Russia can support Serbia" is what Russia is able to do, not its view
        ("What does the Kremlin think of China's growing role?", STANCE, "russia-decreasing-role", False),
        # a side written as a name that no answer names has no view in any fact
        ("Does Taipei back Kosovo's independence?", STANCE, "separatism-precedent-taiwan", False),
        # who did something
        ("Who commanded the peacekeepers in 2023?", AGENT, "mao-ning-may-2023-clashes", False),
        # the head of what the message named before ("it")
        ("Is there a Chinese mission in Pristina? Who is in charge of it?", PERSON, "chinese-mission-pristina", False),
        ("Was there an opinion poll in China about Kosovo? Who ran it?", PERSON, "public-opinion-pro-serbian", False),
        ("Who blocked Kosovo's bid to join Interpol?", AGENT, "unesco-interpol-blocking", True),
        ("Who led a campaign to derecognise Kosovo?", AGENT, "no-derecognition-campaign", True),
        ("Who led Russia's derecognition campaign?", PERSON, "no-derecognition-campaign", False),  # its leader
        # a cause: "after the clashes" dates what followed them, it does not say what set them off
        ("What sparked the May 2023 clashes?", CAUSE, "mao-ning-may-2023-clashes", False),
        # a word that only stresses the question changes nothing it asks
        ("What actually sparked the May 2023 clashes?", CAUSE, "mao-ning-may-2023-clashes", False),
        # a place the question names in another spelling is no place the fact adds
        ("Which street in Prishtina is the Chinese mission on?", PLACE, "chinese-mission-pristina", False),
        ("In which city is the Chinese mission?", PLACE, "chinese-mission-pristina", True),
        ("What triggered renewed interest in China as a mediator?", CAUSE, "mediator-global-security-initiative", True),
        ("What caused Kosovo's exclusion from the Belt and Road?", CAUSE, "bri-ceec-kosovo-excluded", True),
        ("What caused China's non-recognition of Kosovo?", CAUSE, "non-recognition-sovereignty", True),  # citing
        ("What is the phone number of the Chinese mission in Pristina?", CONTACT, "chinese-mission-pristina", False),
        ("What's the address of the Chinese mission?", CONTACT, "chinese-mission-pristina", False),
        ("Koja je adresa kineske misije u Prištini?", CONTACT, "chinese-mission-pristina", False),
        ("What are the opening hours of the Chinese mission?", HOURS, "chinese-mission-pristina", False),
        ("When does the Chinese mission open?", HOURS, "chinese-mission-pristina", False),
        # what a name is: said by "X is", "X, the ..."; a fact that only mentions it does not say
        ("What is the Shanghai Cooperation Organization?", DEFINITION, "brics-sco-platforms", False),
        ("What does the Global Security Initiative actually contain?", DEFINITION, "mediator-global-security-initiative", False),
        ("What does Interpol do?", DEFINITION, "unesco-interpol-blocking", False),
        ("What is Kosovo?", DEFINITION, "unsc-status-shape-issue", False),  # "the Kosovo issue" is no "Kosovo is"
        ("What is Geng Shuang?", DEFINITION, "geng-shuang-tolerance-reconciliation", True),
        ("What's Mao Ning exactly?", DEFINITION, "mao-ning-may-2023-clashes", True),
        ("Who spoke for China at the UN about ethnic groups?", AGENT, "geng-shuang-tolerance-reconciliation", True),
        # whether a concrete act was done that no fact speaks of
        ("Did China send troops to Kosovo?", ACT, "mao-ning-may-2023-clashes", False),
        ("Has Xi Jinping ever visited Pristina?", ACT, "xi-vucic-joint-statement-2024", False),
        # ... asked with "what" or "how": what is imported is not said by a fact about trade, of which
        # "import" is a related term
        ("What does Serbia mainly export to China?", ACT, "serbia-strategic-partnership", False),
        ("And what does Kosovo import from the Chinese?", ACT, "trade-without-diplomatic-relations", False),
        ("How did China fund its projects in the Balkans?", ACT, "bri-ceec-kosovo-excluded", False),
        # ... though a phrasing asks whether they buy and sell anything at all
        ("What does Kosovo mostly buy from China?", ACT, "trade-without-diplomatic-relations", False),
        # how someone voted: only an answer that speaks of a vote or a veto
        ("How did the Security Council members vote on the 2008 declaration?", ACT, "kosovo-2008-declaration-international-law", False),
        ("Which way would China vote on Kosovo joining the UN?", ACT, "unsc-veto-power", True),
        # whether it was done is not answered by what could be done; whether it could be, is
        ("Has China ever actually vetoed a Security Council resolution on Kosovo?", ACT, "unsc-veto-power", False),
        ("Can China veto a resolution on Kosovo?", ACT, "unsc-veto-power", True),
        # a fact answers only for its own acts, whatever other facts speak of
        ("Has Serbia applied to join BRICS?", ACT, "brics-sco-platforms", False),
        ("Does the Chinese office in Pristina issue visas to Kosovars?", ACT, "chinese-mission-pristina", False),
        # loans are a related term of investment, but "reliance on Chinese investment" offers none
        ("Has China offered loans to Serbia?", ACT, "serbia-strategic-partnership", False),
        # a phrasing that speaks of the act ("could beijing kill a un vote?") is the curators' word
        ("Could China just kill any Security Council motion that helps Kosovo?", ACT, "unsc-veto-power", True),
        # an official name: only an answer that says it gives one
        ("What is China's forum with Central and Eastern European countries formally named?", NAME, "bri-ceec-kosovo-excluded", False),
        ("What is the official name of China's Balkan cooperation platform?", NAME, "bri-ceec-kosovo-excluded", False),
        ("Kako se zvanično zove kineska misija u Prištini?", NAME, "chinese-mission-pristina", False),
        # a comparison: the answer must compare, or weigh a likelihood
        ("Is China a bigger investor in Serbia than the EU?", COMPARISON, "serbia-strategic-partnership", False),
        ("Is China doing less than Russia to get Kosovo derecognised?", COMPARISON, "no-derecognition-campaign", True),
        ("Which future scenario is the most likely one?", COMPARISON, "future-scenarios-overview", False),
        # exactly how: not from an answer that says it gives no detail
        ("In what way could closer ties with China slow Serbia's path to NATO?", MANNER, "serbia-eu-nato-aspirations", False),
        ("How exactly could China block Kosovo at the UN?", MANNER, "unsc-veto-power", True),  # it can veto
        # ... nor from one that says only that it was done
        ("How exactly did China stop Kosovo at Interpol?", MANNER, "unesco-interpol-blocking", False),
        ("How exactly did China get Saudi Arabia and Iran to make peace?", MANNER, "mediator-global-security-initiative", False),
        # in a message of several questions, the first that asks a detail
        # the first question decides: whether it was ever done, which "China can veto" does not say
        ("Has China ever actually vetoed a Kosovo resolution? When was that?", ACT, "unsc-veto-power", False),
        # a share, or the size of an amount
        ("roughly what percent of kosovo's imports come from china?", QUANTITY, "trade-without-diplomatic-relations", False),
        # the amount of a measure the answer never speaks of: "five employees" is no budget
        ("How big is the annual budget of the Chinese mission in Pristina?", QUANTITY, "chinese-mission-pristina", False),
        ("What's the population of Pristina?", QUANTITY, "chinese-mission-pristina", False),
        ("How many staff does the Chinese mission in Pristina have?", QUANTITY, "chinese-mission-pristina", True),
        ("What are the names of the five people working at China's mission in Pristina?", NAME,
         "chinese-mission-pristina", False),
        ("Which street in Pristina is the Chinese office on?", PLACE, "chinese-mission-pristina", False),
        ("Under what conditions would China establish diplomatic relations with Kosovo?", CONDITION,
         "trade-without-diplomatic-relations", False),
        # whether someone is a member: an answer that speaks of membership states it
        ("Is Serbia a member of the Shanghai Cooperation Organization?", ACT, "brics-sco-platforms", False),
        ("Is China a permanent member of the Security Council?", ACT, "unsc-veto-power", True),
        # the members of a class asked for in another language
        ("Quels experts ont proposé d'appliquer l'Initiative pour la sécurité mondiale au Kosovo ?", WHICH,
         "mediator-global-security-initiative", False),
        ("Welche Experten schlagen vor, China als Vermittler einzusetzen?", WHICH, "mediator-global-security-initiative", False),
        ("Koji stručnjaci predlažu da Kina posreduje?", WHICH, "mediator-global-security-initiative", False),
        # what someone else is doing: that side's view
        ("What is Washington doing to counter China's position on Kosovo?", STANCE, "rivalry-with-west", False),
        # the answer's number must be one the question does not give already
        ("How many people work at China's office in Pristina?", QUANTITY, "chinese-mission-pristina", True),
        ("Of the five people at China's Pristina office, how many are diplomats?", QUANTITY, "chinese-mission-pristina", False),
        # which is the most important: a comparison
        ("Which of the factors behind China's Kosovo policy is the most important one?", COMPARISON, "factors-shaping-china-role", False),
        # someone in a role, named beside the role's word
        ("Who is the author of the piece on China's role in Kosovo?", WHICH, "bri-ceec-kosovo-excluded", False),
        # a title is an official name
        ("What is the title of China's official position paper on Kosovo?", NAME, "china-stance-on-kosovo", False),
        # members of classes by name
        ("Which sanctions exactly are limiting Russia's support for Serbia?", WHICH, "russia-decreasing-role", False),
        ("Which BRICS members have recognised Kosovo?", WHICH, "brics-sco-platforms", False),
        # a year to come, which no answer speaks of
        ("Could China recognise Kosovo by 2099?", FUTURE, "non-recognition-sovereignty", False),
        # the alternatives of a yes/no question: the answer must speak of one of them
        ("Is Serbia an observer or a dialogue partner of the SCO?", CHOICE, "brics-sco-platforms", False),
        ("Does China back Serbia or Kosovo?", CHOICE, "serbia-strategic-partnership", True),
        ("Is Serbia an observer or a dialogue partner of the Shanghai Cooperation Organization?", CHOICE,
         "brics-sco-platforms", False),
        # the choice in the question's last clause
        ("How does China block Kosovo's Interpol bid - does it lobby other countries or just vote against?", CHOICE,
         "unesco-interpol-blocking", False),
        # whether someone the answers do not quote warned or asked
        ("Has NATO warned Serbia that its closeness to China could hurt its membership hopes?", STANCE,
         "serbia-eu-nato-aspirations", False),
        ("Has Serbia or Kosovo formally asked China to act as a mediator?", STANCE,
         "mediator-global-security-initiative", False),
        # the members of a class, however the question leads to it
        ("Which other countries joined China in keeping Kosovo out of UNESCO?", WHICH, "unesco-interpol-blocking", False),
        ("What are Kosovo's main exports to China?", WHICH, "trade-without-diplomatic-relations", False),
        ("Quels pays ont retiré leur reconnaissance du Kosovo pendant la campagne russe ?", WHICH,
         "no-derecognition-campaign", False),
        ("What is the Belt and Road Initiative's total budget worldwide?", QUANTITY, "bri-ceec-kosovo-excluded", False),
        ("Which languages are official in Kosovo?", WHICH, "trade-without-diplomatic-relations", False),
        # an office named with two words before it, and a person asked for by what they did
        ("which kosovo prime minister was geng shuang urging to create a conducive environment", PERSON,
         "geng-shuang-tolerance-reconciliation", False),
        ("which chinese official visited kosovo most recently", AGENT, "state-media-kosovo", False),
        # the view of a side no answer quotes, asked with "which"
        ("ngl which scenario would the EU prefer?", STANCE, "serbia-eu-nato-aspirations", False),
        # the view of someone answering an official, not the official's
        ("How did the government in Pristina respond to the Chinese Foreign Ministry spokesperson's remarks?", STANCE,
         "mao-ning-may-2023-clashes", False),
        # what follows an event's end
        ("Will Russia's role in the Balkans recover after the Ukraine war ends?", CONDITION, "russia-decreasing-role", False),
        # a change over time: the answer must speak of one
        ("How has Chinese opinion on Kosovo changed since 2008?", CHANGE, "public-opinion-pro-serbian", False),
        ("Has China's foreign policy shifted over the last decade?", CHANGE, "xi-foreign-policy-doctrine", True),
        # what follows an event to come: the fact must speak of that event
        ("What will China do on Kosovo after the next US presidential election?", CONDITION, "rivalry-with-west", False),
        # "more than that" compares with nothing named; "than it does now" with the present
        ("Did the Chinese mission have more staff ten years ago than it does now?", COMPARISON, "chinese-mission-pristina", False),
        # another side's view, asked in Serbian, German, Albanian or French, of the name an answer uses
        ("Šta je Vašington odgovorio na izjavu Mao Ning posle sukoba u maju 2023?", STANCE, "mao-ning-may-2023-clashes",
         False),
        ("Шта је Вашингтон одговорио Мао Нинг?", STANCE, "mao-ning-may-2023-clashes", False),
        ("Wie hat Belgrad auf Geng Shuangs Appell zur Versöhnung reagiert?", STANCE,
         "geng-shuang-tolerance-reconciliation", False),
        ("Si reagoi qeveria e Kosovës ndaj deklaratës së Xi dhe Vučić në 2024?", STANCE, "xi-vucic-joint-statement-2024",
         False),
        ("Chypre a-t-elle demandé à la Chine de servir de médiateur ?", STANCE, "mediator-global-security-initiative",
         False),
        ("Šta je Si rekao o Kosovu?", STANCE, "xi-vucic-joint-statement-2024", True),  # Xi's view, which it gives
        # members of a class besides those the question names, in Cyrillic and inflected
        ("Које још међународне организације, осим Интерпола и Унеска, Кина блокира Косову?", WHICH,
         "unesco-interpol-blocking", False),
        ("Koje organizacije Kina blokira Kosovu?", WHICH, "unesco-interpol-blocking", True),
        ("Koja valuta se koristi na Kosovu?", WHICH, "trade-without-diplomatic-relations", False),
        # which places: a place in a sentence about what is asked
        ("Which cities in Kosovo do Chinese companies trade in?", PLACE, "trade-without-diplomatic-relations", False),
        ("Dans quelles villes du Kosovo les entreprises chinoises font-elles du commerce ?", PLACE,
         "trade-without-diplomatic-relations", False),
        ("Which towns host a Chinese mission?", PLACE, "chinese-mission-pristina", True),
        ("Gde je kineska misija?", PLACE, "chinese-mission-pristina", True),
        # an amount of a measure, asked in Albanian
        ("Sa kushton viza për në Kinë për qytetarët e Kosovës?", QUANTITY, "future-scenarios-overview", False),
        ("Sa investime ka bërë Kina në Kosovë deri tani?", QUANTITY, "future-scenarios-overview", False),
        # where someone studied, when someone was born: what no fact speaks of
        ("Where did Aleksandar Vučić go to university?", PLACE, "xi-vucic-joint-statement-2024", False),
        ("When and where was Aleksandar Vučić born?", DATE, "xi-vucic-joint-statement-2024", False),
        ("When did Xi and Vučić sign the joint statement?", DATE, "xi-vucic-joint-statement-2024", True),
    ],
)
def test_what_is_asked_and_whether_the_fact_states_it(question: str, kind: str, fact_id: str, stated: bool) -> None:
    detail = CHECKER.asked(question)
    assert detail is not None and detail.kind == kind
    assert CHECKER.states(FACTS[fact_id], detail, question) is stated


@pytest.mark.parametrize(
    "question",
    [
        "Where does China stand on Kosovo?",
        "where is china's kosovo policy heading?",  # where to, not where
        "How does China address the Kosovo issue?",  # a verb, not a street address
        "What is China's stance on Kosovo?",  # not a name alone
        "What is the passive support scenario?",
        "What led to the strategic partnership of China and Serbia?",  # a "why", in other words
        "Where does China's influence in Serbia come from?",
        "Why does China back Serbia?",
        "china kosovo interpol",
        "Who is Geng Shuang?",  # a question of identity
        "Who ran the campaign?",  # a verb too light to check
        "What does China think of Kosovo?",  # the view most facts give
        "Is Kosovo's independence legal in China's view?",
        "imo xi is way more aggressive than before, does that change anything for kosovo?",  # not the question
        "Is China more assertive under Xi?",  # more, but compared with nothing named
        "Has China blocked Kosovo from joining UNESCO?",  # an act the facts speak of
        "How did China build its ties with Serbia?",  # an act the facts speak of
        "What did China say about the 2008 declaration?",  # not an act
        "What would happen if China openly sided with Serbia?",  # an adverb, and what would happen
        # officials in the plural are a class, not an official of a rank
        "Do Chinese and Kosovar firms trade although the two states never exchanged ambassadors?",
        # the alternatives of a question of how only illustrate it; "or not" offers none
        "Roughly how large is Beijing's team in Kosovo, a handful of people or a big office?",
        "Will China ever recognise Kosovo or not?",
        "Is China more or less hostile to Kosovo than before?",  # compares with nothing named
        "What did China's number two at the UN tell Kosovo's government?",  # the deputy, not a number
        "Does Beijing want the two sides to talk it out, and on what terms?",  # terms, not conditions
        "Is Kosovo part of the New Silk Road deals China is doing around the region?",  # no membership
        "Could China recognise Kosovo in 2008?",  # a year past, not to come
        "is china's role on kosovo mostly diplomatic or more than that?",
        "What if China keeps supporting Serbia passively?",  # the knowledge's own subject: a scenario
        "What happens if Russia stops backing Serbia?",  # not an act that changes the matter
        "Where does China go from here?",  # where to, not where ("go to university" is a place)
        # the view of the knowledge's own subject, asked in another language; a "why"
        "Wie hat China auf die Zusammenstöße im Kosovo im Mai 2023 reagiert?",
        "Si reagoi Kina ndaj përplasjeve në Kosovë në maj 2023?",
        "Comment la Chine a-t-elle réagi aux affrontements au Kosovo en mai 2023 ?",
        "Како је Кина реаговала на сукобе на Косову 2023?",
        "Warum sieht China im Kosovo einen Präzedenzfall für Taiwan?",
    ],
)
def test_questions_that_ask_no_detail(question: str) -> None:
    assert CHECKER.asked(question) is None


@pytest.mark.parametrize(
    ("question", "fact_id", "corrects"),
    [
        ("When did China recognise Kosovo?", "non-recognition-sovereignty", True),
        ("When did China and Kosovo establish diplomatic relations?", "trade-without-diplomatic-relations", True),
        ("How many countries recognize Kosovo?", "non-recognition-sovereignty", False),  # China's stance, not theirs
        ("When did Kosovo apply to join Interpol?", "unesco-interpol-blocking", False),
        # the negation must be about the premise's own holder
        ("When did the Chinese mission in Pristina open?", "chinese-mission-pristina", False),
        ("In which city is Kosovo's mission in China?", "chinese-mission-pristina", True),
        # "its" stands for the name before it: China's mission, not Kosovo's missing one
        ("When did China set up its mission in Pristina?", "chinese-mission-pristina", False),
        ("When did Kosovo set up its mission in Beijing?", "chinese-mission-pristina", True),
        # the possessor owns it, the name after it only places it
        ("How many of the staff at China's Pristina mission are locals?", "chinese-mission-pristina", False),
        ("How many diplomats work at Kosovo's Beijing mission?", "chinese-mission-pristina", True),
        # "no formal diplomatic relations" says nothing of how many diplomats there are
        ("Of the five people at China's Pristina mission, how many are diplomats and how many local hires?",
         "chinese-mission-pristina", False),
        # which members of a class did what the fact says was never done
        ("Which countries did China pressure in its derecognition campaign?", "no-derecognition-campaign", True),
        ("Which experts suggested the Global Security Initiative?", "mediator-global-security-initiative", False),
        # a premise that is itself a refusal is confirmed by the negation, not corrected
        ("When did China first refuse to recognise Kosovo?", "non-recognition-sovereignty", False),
    ],
)
def test_a_fact_that_negates_the_premise_corrects_it(question: str, fact_id: str, corrects: bool) -> None:
    detail = CHECKER.asked(question)
    assert detail is not None
    assert CHECKER.corrects_premise(FACTS[fact_id], question, detail) is corrects


@pytest.mark.timeout(120)
def test_the_near_miss_is_not_answered_and_the_fact_is_offered(semantic_state: KnowledgeState) -> None:
    answer = semantic_state.answer("Who heads the Chinese mission in Pristina?")
    assert answer.fact is None and not answer.to_json()["answered"]
    assert answer.missing_detail == "who"
    assert answer.suggestions[0].fact_id == "chinese-mission-pristina"


def test_a_false_premise_is_answered_by_the_fact_that_corrects_it() -> None:
    answer = STATE.answer("When did China recognise Kosovo?")
    assert answer.fact is not None and answer.fact.id == "non-recognition-sovereignty"
    assert answer.missing_detail is None


@pytest.mark.timeout(120)
def test_of_near_equals_the_fact_that_corrects_the_premise_comes_first(semantic_state: KnowledgeState) -> None:
    question = "Why did China recognise Kosovo's 2008 declaration?"
    assert CHECKER.corrects_premise(FACTS["non-recognition-sovereignty"], question)
    assert not CHECKER.corrects_premise(FACTS["kosovo-2008-declaration-international-law"], question)
    assert not CHECKER.corrects_premise(FACTS["non-recognition-sovereignty"], "Why doesn't China recognise Kosovo?")
    # Answered, and by a fact that contradicts the premise: the non-recognition itself, or (with the
    # curators' phrasings about the declaration) China's view that the declaration broke the law.
    answer = semantic_state.answer(question)
    assert answer.fact is not None, answer.candidates[:3]
    assert answer.fact.id in {"non-recognition-sovereignty", "kosovo-2008-declaration-international-law"}
    assert "opposes Kosovo's independence" in answer.fact.answer or CHECKER.corrects_premise(answer.fact, question)


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("What did China's foreign minister say after the May 2023 clashes?", "that official"),
        ("Which experts suggested the Global Security Initiative for Kosovo?", "which ones"),
        ("What did Washington say about China's stance on Kosovo?", "that side's view"),
        ("Who commanded the NATO peacekeepers in the May 2023 clashes?", "who did it"),
        ("What sparked the May 2023 clashes between Serbs and NATO troops?", "what caused it"),
        ("In what way would closeness to China slow Serbia's EU membership bid?", "exactly how"),
        ("Does China sell weapons to Kosovo?", "whether that was done"),
    ],
)
def test_the_new_near_misses_offer_the_fact_and_name_the_detail(question: str, label: str) -> None:
    answer = STATE.answer(question)
    assert answer.fact is None and not answer.to_json()["answered"]
    assert answer.missing_detail == label
    assert answer.suggestions


@pytest.mark.parametrize(
    ("question", "holders"),
    [
        ("Šta je Vašington rekao o tome?", {"united", "states"}),
        ("Шта је Вашингтон рекао о томе?", {"united", "states"}),
        ("Çfarë tha Uashingtoni për këtë?", {"united", "states"}),
        ("Kako je Beograd reagovao?", {"serbia"}),
        ("Како је Београд реаговао?", {"serbia"}),
        ("Wie reagierte Belgrad auf den Appell?", {"serbia"}),  # the side, not what it reacted to
        ("Que pense Bruxelles de la déclaration ?", {"brussels"}),
        ("Hat Zypern China gebeten zu vermitteln?", {"cyprus"}),  # the first side named, not its object
        ("Comment la Serbie a-t-elle réagi ?", {"serbia"}),
    ],
)
def test_a_side_asked_in_another_language_is_read_as_the_name_an_answer_uses(question: str, holders: set[str]) -> None:
    found = CHECKER.asked(question)
    assert found is not None and found.kind == STANCE and found.holders == holders


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("Does China recognise Kosovo?", True),
        ("what did vučić say in prishtinë about interpol", True),
        ("geng shwang reconcilation", True),
        ("Da li Kina priznaje Kosovo?", False),
        ("Да ли Кина признаје Косово?", False),
        ("A e njeh Kina pavarësinë e Kosovës?", False),
        ("Wie viele Mitarbeiter hat die chinesische Vertretung in Pristina?", False),
        ("La Chine reconnaît-elle l'indépendance du Kosovo ?", False),
    ],
)
def test_english_or_not(text: str, english: bool) -> None:
    assert looks_english(text) is english


def test_contact_details_and_opening_hours_are_stated_only_where_the_answer_gives_them() -> None:
    """In another knowledge base, the library's hours are given; its phone number is not."""
    library = load_state(Path(__file__).parents[1] / "slack" / "knowledge")
    hours = library.answer("When does the library open?")
    assert hours.fact is not None and hours.fact.id == "opening-hours"
    assert library.answer("What are the opening hours?").fact is not None
    phone = library.answer("What is the library's phone number?")
    assert phone.fact is None and phone.missing_detail == "contact details"
    assert library.answer("Can I make phone calls in the library?").missing_detail is None


def _verdicts(checker: DetailChecker) -> list[bool]:
    """Whether each shipped fact states each detail of a few questions, and corrects their premise."""
    questions = ["Who heads the Chinese mission in Pristina?", "When did China recognise Kosovo?",
                 "What did Washington say about China's stance?", "Which organisations has China kept Kosovo out of?"]
    return [
        verdict
        for question in questions
        for fact in STATE.index.facts
        for verdict in (
            checker.states(fact, checker.asked(question), question),
            checker.corrects_premise(fact, question),
        )
    ]


def test_what_a_fact_states_is_read_when_first_asked_and_kept_for_the_facts_last_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A large knowledge base builds without reading every answer for every kind of detail, and
    # holds what it read for a bounded number of facts.
    monkeypatch.setattr(detail, "MEMO_FACTS", 3)
    checker = DetailChecker(STATE.index.facts, STATE.index.normaliser)
    assert checker._memo == {}
    assert _verdicts(checker) == _verdicts(CHECKER)
    assert len(checker._memo) == 3
    assert list(checker._memo) == [fact.id for fact in STATE.index.facts[-3:]]  # the last asked about


def test_a_cached_detail_check_holds_nothing_read_per_fact_and_answers_alike() -> None:
    checker = DetailChecker(STATE.index.facts, STATE.index.normaliser)
    _verdicts(checker)
    restored = pickle.loads(pickle.dumps(checker))
    assert checker._memo and restored._memo == {}
    assert _verdicts(restored) == _verdicts(CHECKER)


def test_what_is_read_of_a_question_is_kept_for_a_few_texts_never_cached_and_answers_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One question is checked against several facts: its words and premise are read once and
    # kept for the last few texts, which the index cache never holds.
    monkeypatch.setattr(detail, "MEMO_QUESTIONS", 2)
    checker = DetailChecker(STATE.index.facts, STATE.index.normaliser)
    assert _verdicts(checker) == _verdicts(CHECKER)
    assert 0 < len(checker._questions) <= 2
    restored = pickle.loads(pickle.dumps(checker))
    assert restored._questions == {}
    assert _verdicts(restored) == _verdicts(CHECKER)


def test_a_phrasing_declares_the_view_of_the_knowledge_bases_subject_too() -> None:
    # Questions about China's own view are not checked (nearly every fact gives it), but a
    # phrasing asking for it still declares that its fact gives it: read as it always was, with
    # no subject set apart, however late the fact is first read.
    assert CHECKER._subjects == {"china"}
    declared = CHECKER._facts_of(FACTS["china-stance-on-kosovo"]).declared(STANCE)
    assert (STANCE, None, frozenset({"china"})) in declared


def test_a_phrasing_is_read_for_a_kind_only_where_it_could_ask_it_and_every_declaration_is_found() -> None:
    # What the phrasings declare, read whole (every phrasing through the whole chain), against
    # what the per-kind reading finds with its quick patterns first.
    kinds = (QUANTITY, NAME, CAUSE, OFFICIAL, WHICH, STANCE, AGENT, DEFINITION, PERSON, DATE, PLACE)
    for fact in STATE.index.facts:
        reading = CHECKER._facts_of(fact)
        asked = [(CHECKER._asked(p, words(p), frozenset()), p) for p in fact.questions]
        for kind in (OFFICIAL, WHICH, STANCE, AGENT, DEFINITION):
            whole = {detail._declaration(a, p) for a, p in asked if a is not None and a.kind == kind}
            assert reading.declared(kind) == whole, (fact.id, kind)
        phrased = {a.kind for a, _ in asked if a is not None and a.kind in (QUANTITY, NAME, CAUSE)}
        phrased |= {QUANTITY for p in fact.questions if expected_answer_kind(p) == QUANTITY}
        for kind in kinds:
            assert reading.states_kind(kind) == (kind in reading.answer_kinds or kind in phrased), (fact.id, kind)
    assert any(CHECKER._facts_of(f).declared(STANCE) for f in STATE.index.facts)
    assert any(CHECKER._facts_of(f).states_kind(QUANTITY) for f in STATE.index.facts)


def test_a_fact_declares_a_detail_asked_as_its_phrasings_read_whole_do() -> None:
    # A fact's phrasings are read only until one declares the detail asked: each question's
    # verdict, on a checker that has read nothing yet, is the verdict of every phrasing read.
    checker = DetailChecker(STATE.index.facts, STATE.index.normaliser)
    questions = [q for fact in STATE.index.facts for q in fact.questions]
    asked = [(q, found) for q in questions if (found := CHECKER.asked(q)) is not None]
    assert len({found.kind for _, found in asked} & set(detail._DECLARING)) >= 3
    declaring = 0
    for question, found in asked:
        for fact in STATE.index.facts:
            verdict = checker._facts_of(fact).declares(found, question)
            whole = CHECKER._facts_of(fact).declared(found.kind)
            assert verdict == detail._declared(whole, found, question), (fact.id, question)
            declaring += verdict
    assert declaring
    for fact in STATE.index.facts:  # and what is read whole afterwards is what was read at once
        for kind in detail._DECLARING:
            assert checker._facts_of(fact).declared(kind) == CHECKER._facts_of(fact).declared(kind), (fact.id, kind)


def test_a_detail_check_that_has_read_facts_is_freed_by_reference_counting_alone() -> None:
    # A reload replaces the knowledge state, and what it built is kept out of the cycle
    # collector's sight: the checker and its readings must not hold each other.
    checker = DetailChecker(STATE.index.facts, STATE.index.normaliser)
    _verdicts(checker)
    assert checker._memo
    freed = weakref.ref(checker)
    enabled = gc.isenabled()
    gc.disable()
    try:
        del checker
        assert freed() is None
    finally:
        if enabled:
            gc.enable()


def test_the_stems_of_many_texts_are_counted_as_those_of_each(monkeypatch: pytest.MonkeyPatch) -> None:
    normaliser = STATE.index.normaliser
    texts = [" ".join((*fact.questions, fact.answer)) for fact in STATE.kb.visible]
    texts += ["", "the of and", "WHO and the US", "Xi Jinping's view", "Vučić’s " * 80]
    expected: Counter[str] = Counter()
    for text in texts:
        expected.update({stem(w) for w in normaliser.content_words(text)})
    monkeypatch.setattr(detail, "DF_TEXTS", 7)  # read some texts at a time, with words seen before
    assert detail._stem_frequency(normaliser, texts) == expected


def test_an_answer_is_read_for_office_holders_and_views_sentence_by_sentence() -> None:
    # Sentences repeated across answers are read once for each first name they may follow ("he").
    facts = list(STATE.kb.visible)
    facts += [
        fact.model_copy(update={"id": f"{fact.id}-{n}", "answer": f"{opening} {fact.answer} ({n})", "related": []})
        for n, opening in enumerate(("Mao Ning stressed it.", "It is so.", "Xi Jinping said so, he stressed."))
        for fact in STATE.kb.visible
    ]
    checker = DetailChecker(facts, STATE.index.normaliser)
    people, holders = set(), Counter()
    for fact in facts:
        _, found, named = checker._scan(fact.answer, instances=False)
        people |= named
        holders.update(found)
    assert checker._office_holders == frozenset(people)
    assert checker._subjects == frozenset(w for w, n in holders.items() if detail.SUBJECT_SHARE * n > len(facts))


_GATED = [
    (
        detail._CONTACT_Q,
        detail._CONTACT_PIECES,
        "what is the phone number|fax no|mobile number|telephone|email address|e mail|the address|web site|website|"
        "url|contact details|how can i reach|how do we call|how could you email|how can i contact|broj telefona|број телефона|adresa|adresu|адреса|адресу|telefonnummer|"
        "adresse|numero de telephone|site web|numri i telefonit|adresa e",
    ),
    (
        detail._HOURS_Q,
        detail._HOURS_PIECES,
        "opening hours|office times|what time does it open|when is it closed|radno vreme|радно време|"
        "offnungszeiten|horaires d ouverture|horaires|orari",
    ),
    (
        detail._NAME_Q,
        detail._NAME_PIECES,
        "what is the official name|also called|what do people call|name of|kako se zove|kako se naziva|"
        "како се зове|ime|si quhet|emri|wie heisst|wie nennt man|comment s appelle|comment sappelle|"
        "quel est le nom|nom de",
    ),
    (
        detail._OFFICIAL_NAME_Q,
        detail._NAME_PIECES,
        "officially known as|formally titled|proper title|called nowadays|whats the full title of|zvanicno ime|"
        "званично зове|zvanicni naziv|званични назив|emri zyrtar|quhet zyrtarisht|zyrtarisht quhet|"
        "offiziell genannt|offizielle name|offiziellen namen|officiellement nomme|nom officiel",
    ),
    (
        detail._COMPARISON_Q,
        detail._COMPARISON_PIECES,
        "does china trade more with serbia than russia|what is most likely|the least probable|the likeliest|"
        "does china trade more with serbia or with kosovo|is it closer to russia or china|which is bigger trade or aid",
    ),
    (
        detail._STANCE_NOUN_Q,
        detail._STANCE_NOUN_PIECES,
        "china's stance|the eu's position|serbia’s view|russia's views|kosovo's opinion|nato's reaction|"
        "the us's response|beijing's official attitude",
    ),
]


@pytest.mark.parametrize(("pattern", "pieces", "texts"), _GATED)
def test_a_question_without_any_piece_of_a_pattern_is_not_searched_and_could_not_match(pattern, pieces, texts) -> None:
    # The question is searched for a pattern only when it has a piece every match contains: each
    # alternative of the pattern, written out, matches and has one.
    for text in texts.split("|"):
        assert pattern.search(text), text
        assert detail._has_any(text, pieces), text


_SAYING_VERBS = (
    "say said think thought feel felt write wrote written claim claimed argue argued want wanted believe believed "
    "react reacted respond responded reply replied see view viewed regard regarded perceive perceived announce "
    "announced comment commented tell told make of prefer preferred doing"
)
_WANTING_VERBS = (
    "want wish plan intend hope seek support oppose back favour favor agree accept reject recognise recognize think "
    "believe feel warn warned ask asked request requested demand demanded urge urged criticise criticised criticize "
    "criticized condemn condemned complain complained protest protested object objected respond responded react "
    "reacted reply replied comment commented"
)
_WORD_GATED = [
    (
        detail._DAY_Q,
        detail._DAY_WORDS,
        "what day|which date|exact day|precise date|specific day|on what day|exact date|what date|kog dana|kojeg dana|"
        "kog datuma|kojeg datuma|tacan datum|тачан датум|ког дана|којег дана|ког датума|којег датума|ne cilen dite|"
        "cilen date|daten e sakte|an welchem tag|welches datum|genaue datum|genauen datum|quel jour|quelle date|"
        "date exacte",
    ),
    (detail._EXACTLY_WHEN, detail._EXACTLY_WORDS, "when exactly|exactly when|when precisely|precisely when"),
    (
        detail._PERSON_Q,
        detail._PERSON_WORDS,
        "who|and whom|whos|ko|ко|kush|wer|qui|which minister|what ambassador|which chinese envoy|what official|"
        "which diplomat|what spokesperson|which spokesman|which spokeswoman|what president|which leader|what head|"
        "which chief|which un representative",
    ),
    (
        detail._PLACE_Q,
        detail._PLACE_WORDS,
        "which city|what town|which village|what place|which capital|what venue|what location|which building|"
        "which municipality|what region|which street|what district|which neighbourhood|what neighborhood|"
        "which square|what avenue|the capital|where exactly|where is it|and where did they|where was it held|"
        "u kom gradu|u kojem gradu|u kom mestu|gde|gdje|у ком граду|у којем граду|где|гдје|ne cilin qytet|"
        "ne cilin vend|ku|in welcher stadt|an welchem ort|wo|dans quelle ville|quelle ville|a quel endroit|"
        "ou se trouve|ou siege|which cities|what towns|which kosovo villages|what places|which capitals|what venues|"
        "which locations|what buildings|which municipalities|what regions|which streets|what districts|"
        "which neighbourhoods|what neighborhoods|which squares|what avenues|where did he go to university|"
        "quelles villes|quels localites|quelles regions|welche stadte|welchen stadten|welchen orten|welche regionen|"
        "u kojim gradovima|koji gradovi|koje gradove|kojim mestima|у којим градовима|који градови|које градове|"
        "ne cilat qytete|cilat qytetet|cilet vende",
    ),
    (
        detail._QUANTITY_Q,
        detail._QUANTITY_WORDS,
        "what value|what is the amount|whats the number|what percentage|what share|what cost|what price|what size|"
        "what total|what sum|what population|what budget|what volume|what toll|what death toll|what casualties|"
        "what turnout|what headcount|what percent|which per cent|what proportion|what fraction|what ratio|"
        "how big is the|how large are their|how high was its|how expensive were his|how much is it each year|"
        "koliko|колико|koliki|kolika|колики|колика|sa shume|sa|wie viele|wie viel|wie hoch|combien|"
        "quel est le montant|quelle est la population|cili eshte buxheti|sa eshte",
    ),
    (
        detail._DATE_Q,
        detail._DATE_WORDS,
        "when|and when|kada|kad|када|кад|kur|wann|quand|what year|which year|since when|by when|until when|"
        "till when|what date|how long ago|seit wann|in welchem jahr|en quelle annee|koje godine|које године|"
        "cilin vit|ne cilin vit",
    ),
    (
        detail._CAUSE_Q,
        detail._CAUSE_WORDS,
        "what sparked|what caused|which event triggered|what prompted|what provoked|what set off|what touched off|"
        "what was the cause|what were the causes|what is the trigger|what are the triggers|what was the spark",
    ),
    (
        detail._MANNER_Q,
        detail._MANNER_WORDS,
        "exactly how|precisely how|specifically how|how exactly|how precisely|how specifically|in what way|"
        "in which ways|in what manner|by what means|by what mechanism|what exact way|what precise ways|"
        "what specific mechanism|what exact mechanisms|what specific steps|what precise measures|what exact means",
    ),
    (
        detail._VOTE_Q,
        detail._VOTE_WORDS,
        "how did each member vote|which way did china vote|how would they cast|voted for or against|"
        "vote in favour or against",
    ),
    (
        detail._STANCE_Q,
        detail._STANCE_WORDS,
        "|".join(f"what did china {verb}" for verb in _SAYING_VERBS.split(" ")).replace("china make|what did china of", "china make of")
        + "|"
        + "|".join(f"does serbia {verb}" for verb in _WANTING_VERBS.split())
        + "|where does russia stand",
    ),
    (
        detail._REPEAT_Q,
        detail._REPEAT_WORDS,
        "will it happen again|would they try a second time|is kosovo going to apply once more|"
        "could china block it another time|ok might it fail again",
    ),
    (
        detail._CONDITIONS_Q,
        detail._CONDITIONS_WORDS,
        "under what condition|on which conditions|under what circumstances|what conditions",
    ),
    (
        detail._CHANGE_Q,
        detail._CHANGE_WORDS,
        "|".join(
            f"how has its stance {verb} since"
            for verb in "changed evolved shifted developed hardened softened moved grown changing evolving shifting".split()
        ),
    ),
    (
        detail._NEXT_EVENT_Q,
        detail._NEXT_EVENT_WORDS,
        "after the next election|before the next vote|once the next government|when the next summit|by the next year|"
        "until the next one|after the war ends|once the war is over|when the dialogue finishes|"
        "until the fighting stops",
    ),
    *(
        (pattern, detail._WHICH_ABROAD_WORDS, texts)
        for (_noun, pattern), texts in zip(
            detail._WHICH_ABROAD_Q,
            [
                "quels pays|quelles pays|welche lander|welche staaten|koje zemlje|koji drzave|које земље|који државе|"
                "cilat vende|cilat shtete",
                "quels experts|quelles analystes|welche experten|welche fachleute|koji strucnjaci|koje eksperti|"
                "који стручњаци|које аналитичари|cilet eksperte|cilat analiste",
                "quelles entreprises|quels societes|welche firmen|welche unternehmen|koje kompanije|koji firme|"
                "које компаније|који фирме|cilat kompani|cilat firma",
                "quels projets|quelles projets|welche projekte|koji projekti|koje projekti|који пројекти|које пројекти|"
                "cilat projekte",
                "quelles sanctions|quels sanctions|welche sanktionen|koje sankcije|koji sankcije|које санкције|"
                "који санкције|cilat sanksione",
                "quelles autres organisations|quels institutions|welche anderen organisationen|welche institutionen|"
                "koje jos medjunarodne organizacije|koji institucije|које још међународне организације|"
                "који институције|cilat organizata|cilat organizatat|cilat institucione",
                "koja valuta|koju valutu|која валута|коју домаћу валуту|welche wahrung|quelle monnaie|quelles devises|"
                "cila monedhe|cila valute",
            ],
            strict=True,
        )
    ),
]


_WORD_GATED += [
    (pattern, detail._FOREIGN_STANCE_VERBS, texts)
    for (pattern, _ends), texts in zip(
        detail._FOREIGN_STANCE_Q,
        [
            "sta je vasington odgovorio|kako su vlasti reagovale|da li je kipar trazio|sto beograd misli|"
            "je li vlada zatrazila",
            "sta misli vasington o|kako je reagovao beograd na|sto kaze brisel",
            "si reagoi qeveria e kosoves|cfare tha uashingtoni|a i kerkoi qipro|c mendon beogradi|si ka reaguar kina",
            "wie hat belgrad auf den appell reagiert|was hat washington gesagt|hat zypern china gebeten|"
            "haben sie gefordert|wie hatte die eu geantwortet",
            "wie reagierte belgrad auf|was sagt washington zu|was denkt die eu uber",
            "chypre a t elle demande|comment belgrade a t il reagi|la serbie ont t elles repondu",
            "comment belgrade reagit elle|chypre demande t elle|la serbie pense t il",
            "comment la serbie a reagi|est ce que chypre a demande|qu est ce que washington a repondu|"
            "quest ce que bruxelles a dit",
            "qua repondu washington|que pense bruxelles|comment reagit belgrade|qu a dit la serbie",
        ],
        strict=True,
    )
]


@pytest.mark.parametrize(("pattern", "cues", "texts"), _WORD_GATED)
def test_a_question_without_any_word_of_a_pattern_is_not_searched_and_could_not_match(pattern, cues, texts) -> None:
    # The question is searched for a pattern only when it has one of the words every match has:
    # each alternative of the pattern, written out, matches and has one (as a whole word).
    for text in texts.split("|"):
        assert pattern.search(text), text
        assert not cues.isdisjoint(text.split()), text


@pytest.mark.parametrize(("pattern", "cues", "texts"), _WORD_GATED)
@given(data=st.data())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_question_without_a_word_of_a_gated_pattern_matches_it(pattern, cues, texts, data) -> None:
    # Texts made to match the pattern (any of its alternatives, with anything around them), read
    # as the detail check reads a question: each that still matches has one of the words.
    folded = " ".join(words(data.draw(st.from_regex(getattr(pattern, "compiled", pattern)))))
    assert not pattern.search(folded) or not cues.isdisjoint(folded.split()), folded


def test_every_phrasing_that_a_gated_pattern_matches_has_one_of_its_words() -> None:
    for fact in STATE.kb.facts:
        for text in (*fact.questions, fact.title):
            folded = " ".join(words(text))
            for pattern, cues, _texts in _WORD_GATED:
                assert not pattern.search(folded) or not cues.isdisjoint(folded.split()), (folded, pattern.pattern[:40])


def test_alternatives_are_read_only_where_or_stands_between_words() -> None:
    assert detail._CHOICE_Q.search("is serbia an observer or a dialogue partner")
    assert detail._CHOICE_Q.search("is it trade, or aid")
    assert not detail._CHOICE_Q.search("is it trade,or aid") and not detail._CHOICE_Q.search("trade or")


def test_a_definition_is_asked_with_what_in_any_case() -> None:
    assert detail._defined_name("WHAT IS Interpol?") == "Interpol"
    assert detail._defined_name("So, What does the SCO do?") == "SCO"
    assert detail._defined_name("Who is Geng Shuang?") is None


#: The pattern of alternatives as first written: a word after "or" could be split into several runs.
_CHOICE_SPLITTING = re.compile(r"(?:^|[\s,])((?:[^\W\d_]+ )?[^\W\d_]+),? or ((?:[^\W\d_]+ ?){1,8})\s*\?*\s*$")


def test_alternatives_are_found_as_by_the_pattern_that_splits_words() -> None:
    rng = random.Random(5)
    pieces = ["a", "bc", "é", "ж", " ", " ", ",", "?", "1", "_", " or ", "or", "  ", "\t"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 24))) for _ in range(30_000)]
    texts += [f"is it {' '.join('ab' for _ in range(n))}, or {' '.join('cd' for _ in range(m))} ?" for n in range(4) for m in range(11)]
    matched = 0
    for text in texts:
        theirs, ours = _CHOICE_SPLITTING.search(text), detail._CHOICE_Q.search(text)
        assert (ours and (ours.span(), ours.groups())) == (theirs and (theirs.span(), theirs.groups())), text
        matched += ours is not None
    assert matched > 300


@pytest.mark.timeout(20)
def test_a_question_with_long_words_after_or_that_offers_no_alternatives_is_read_at_once() -> None:
    # (the splitting pattern tries every split of the long words before it fails on the digits:
    # hours for this question)
    question = "does kosovo encourage or " + " ".join(["separatistsseparatists"] * 6) + " entity02585?"
    assert CHECKER.asked(question) is None


def test_whether_a_phrasing_asks_a_kind_is_read_only_up_to_the_first_that_does(monkeypatch: pytest.MonkeyPatch) -> None:
    checker = DetailChecker(STATE.index.facts, STATE.index.normaliser)
    read: list[str] = []
    reading_of = checker._asked

    def counted(question: str, *args: object) -> object:
        read.append(question)
        return reading_of(question, *args)

    monkeypatch.setattr(checker, "_asked", counted)
    found = 0
    for kind in sorted(detail._PHRASED_KINDS):
        checker._memo.clear()
        for fact in STATE.index.facts:
            asking = [p for p in fact.questions if (a := reading_of(p, words(p), frozenset())) and a.kind == kind]
            reading = checker._facts_of(fact)
            if not asking or asking[0] == fact.questions[-1] or kind in reading.answer_kinds:
                continue
            read.clear()
            assert reading.states_kind(kind) is True
            assert read[-1] == asking[0] and fact.questions[-1] not in read, (fact.id, kind)
            found += 1
    assert found
