"""Words the built-in suggesters look for: reporting verbs, pronouns, condition markers.

The reporting verbs are lemmas; :func:`verb_forms` inflects them for the rules
suggester, which has no lemmatiser. The lists are hand-written linguistic knowledge
(speech verbs first, then verbs of writing, belief and stance); weights are the
confidence a match starts from, set by hand, not counted on any corpus.
"""

from __future__ import annotations

from functools import lru_cache

# lemma -> base confidence that a clause introduced by it is attributed content
SPEECH_VERBS: dict[str, float] = {
    "say": 0.95, "tell": 0.9, "add": 0.85, "write": 0.85, "ask": 0.8, "note": 0.85,
    "report": 0.85, "announce": 0.85, "suggest": 0.8, "tweet": 0.85, "explain": 0.85,
    "argue": 0.85, "continue": 0.6, "acknowledge": 0.85, "declare": 0.85, "claim": 0.85,
    "insist": 0.85, "warn": 0.85, "promise": 0.8, "respond": 0.8, "reply": 0.85,
    "state": 0.85, "conclude": 0.8, "recall": 0.8, "predict": 0.85, "estimate": 0.8,
    "assert": 0.85, "contend": 0.85, "maintain": 0.7, "stress": 0.8, "emphasize": 0.8,
    "confirm": 0.85, "deny": 0.8, "admit": 0.85, "concede": 0.85, "allege": 0.85,
    "complain": 0.8, "boast": 0.8, "joke": 0.8, "quip": 0.85, "observe": 0.8,
    "point": 0.5, "reveal": 0.8, "disclose": 0.8, "indicate": 0.75, "signal": 0.7,
    "vow": 0.8, "pledge": 0.8, "threaten": 0.8, "urge": 0.75, "mention": 0.7,
    "testify": 0.85, "tout": 0.7, "charge": 0.6, "accuse": 0.7, "agree": 0.7,
    "remark": 0.85, "comment": 0.8, "answer": 0.75, "inform": 0.7, "assure": 0.8,
    "believe": 0.75, "think": 0.7, "feel": 0.6, "hope": 0.7, "fear": 0.7, "worry": 0.7,
    "expect": 0.6, "know": 0.55, "understand": 0.55, "find": 0.6, "show": 0.6,
    "demonstrate": 0.6, "speculate": 0.8, "caution": 0.8, "counter": 0.8,
    "describe": 0.6, "call": 0.55, "post": 0.7, "shout": 0.85, "yell": 0.85,
    "whisper": 0.85, "scream": 0.85, "chant": 0.8, "mutter": 0.85, "reiterate": 0.85,
    "repeat": 0.75, "recount": 0.8, "advise": 0.75, "propose": 0.7, "demand": 0.75,
    "order": 0.6,
}

# verbs that take the reported content as an infinitive ("vowed to raise taxes")
INFINITIVE_VERBS = frozenset({"promise", "vow", "pledge", "threaten", "urge", "ask",
                              "refuse", "decline", "agree", "propose", "plan", "want",
                              "demand", "order", "advise", "tell"})

# reporting nouns that take a complement clause ("the claim that ...")
SPEECH_NOUNS = frozenset({"statement", "claim", "report", "assertion", "warning",
                          "announcement", "allegation", "argument", "promise", "suggestion"})

# things a source issues that carry its words ("the campaign released a statement saying …")
ISSUED_NOUNS = SPEECH_NOUNS | frozenset({
    "release", "letter", "video", "message", "email", "e-mail", "memo", "note", "post", "tweet",
    "ad", "advertisement", "commercial", "op-ed", "column", "speech", "filing", "document",
    "press", "notice", "petition", "resolution", "ruling", "order", "editorial", "blog",
})

# adjectives of stance whose that-clause after a copula is the subject's attributed belief or
# claim ("the mayor is confident that ...", "they were adamant that ..."); "make clear that"
STANCE_ADJECTIVES = frozenset({"confident", "convinced", "adamant", "certain", "sure",
                               "optimistic", "hopeful", "insistent", "worried", "concerned",
                               "afraid", "skeptical", "sceptical", "aware", "clear", "pleased",
                               "glad", "happy", "angry", "upset", "positive", "doubtful"})
COPULAS = frozenset({"be", "remain", "seem", "appear", "become", "sound", "feel"})

IRREGULAR = {
    "say": ("said", "says", "saying", "say"), "tell": ("told", "tells", "telling", "tell"),
    "write": ("wrote", "written", "writes", "writing", "write"),
    "think": ("thought", "thinks", "thinking", "think"),
    "feel": ("felt", "feels", "feeling", "feel"), "know": ("knew", "known", "knows", "know"),
    "find": ("found", "finds", "finding", "find"),
    "understand": ("understood", "understands", "understand"),
    "show": ("showed", "shown", "shows", "showing", "show"),
}

PRONOUN_KIND: dict[str, tuple[str, ...]] = {
    "he": ("person",), "she": ("person",), "i": ("person",), "we": ("organisation", "group",
                                                                      "state", "person"),
    "they": ("group", "organisation", "person", "state"),
    "it": ("organisation", "state", "other"), "who": ("person", "group", "organisation"),
}
SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "who"})

# condition markers: phrase -> polarity; inversions ("should X", "were X", "had X")
# are found by the position of the auxiliary at the start of a clause
CONDITION_MARKERS: dict[str, str] = {
    "only if": "positive", "if": "positive", "unless": "negative",
    "provided that": "positive", "providing that": "positive", "provided": "positive",
    "as long as": "positive", "so long as": "positive", "in case": "positive",
    "on condition that": "positive", "in the event that": "positive",
    "if not": "negative",
}
INVERTED_AUXILIARIES = frozenset({"should", "were", "had"})

THREAT_WORDS = frozenset({"retaliate", "retaliation", "punish", "sanction", "sanctions",
                          "strike", "attack", "destroy", "war", "force", "consequences",
                          "respond", "response", "cruel", "pay", "regret", "close", "cut",
                          "halt", "suspend", "expel", "seize", "arrest", "fire", "block"})
OFFER_WORDS = frozenset({"lift", "ease", "offer", "reward", "help", "support", "release",
                         "reopen", "restore", "resume", "invest", "aid", "welcome",
                         "grant", "drop", "withdraw", "share", "talk", "negotiate"})


def _regular(lemma: str) -> tuple[str, ...]:
    if lemma.endswith("e"):
        return (lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing")
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return (lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing")
    if lemma.endswith(("s", "sh", "ch", "x")):
        return (lemma, lemma + "es", lemma + "ed", lemma + "ing")
    if lemma in ("admit", "quip", "commit"):
        return (lemma, lemma + "s", lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing")
    return (lemma, lemma + "s", lemma + "ed", lemma + "ing")


@lru_cache(maxsize=1)
def verb_forms() -> dict[str, str]:
    """Inflected form (lower case) -> lemma, for every speech verb."""
    out: dict[str, str] = {}
    for lemma in SPEECH_VERBS:
        for form in IRREGULAR.get(lemma) or _regular(lemma):
            out.setdefault(form, lemma)
    return out


# Syntax suggester: which verbs introduce reported content in which dependency relation, and
# how sure that is. Hand-written linguistic knowledge, not counted on any corpus: verbs are
# grouped in classes of attribution (after the PARC guidelines' cue types and Levin's classes
# of verbs of communication, cognition and judgement); a class says in which relations its
# verbs take content and the confidence it starts from. A table learned from a corpus the
# user points to (``saywho suggest learn``) overrides these per verb.
#
# class -> (relations, confidence): "ccomp" a complement clause ("said the border would
# close"), "parataxis" a clause the verb interrupts ("the border, she said, will close"),
# "xcomp" an infinitive clause ("vowed to close"), "dobj" the object ("criticised the plan"),
# "passive" a passive's subject with its infinitive ("the bridge is said to be unsafe").
VERB_CLASSES: dict[str, tuple[tuple[str, ...], float]] = {
    # neutral and manner-of-speaking verbs: nearly always report what was said
    "speech": (("ccomp", "parataxis", "passive"), 0.9),
    # verbs of arguing, conceding, warning: a stance on what was said, still speech
    "argument": (("ccomp", "parataxis", "passive"), 0.85),
    # written and published words
    "writing": (("ccomp", "parataxis", "passive"), 0.85),
    # findings of polls, records and studies, also "suggest", "indicate": often a source
    "evidence": (("ccomp", "parataxis", "passive"), 0.7),
    # belief and expectation: attributed opinion ("economists believe the tax ...")
    "belief": (("ccomp", "parataxis", "passive"), 0.65),
    # promises and refusals: the infinitive is the commitment ("vowed to veto")
    "commissive": (("xcomp", "ccomp"), 0.8),
    # requests and orders: the infinitive is what was asked ("urged voters to stay")
    "directive": (("xcomp",), 0.7),
    # intention and desire: the infinitive or clause is the stated aim ("wants to run", "wants
    # the party to act")
    "intention": (("xcomp", "ccomp"), 0.5),
    # judging something said or done: the object is what was judged ("slammed the deal")
    "judgement": (("dobj",), 0.75),
    # naming a topic: the object is what was spoken about ("discussed the budget")
    "topic": (("dobj",), 0.7),
    # what a finding or a statement holds, as a noun phrase ("the poll showed a one-point
    # race", "he denied the report", "she said the same thing")
    "stated": (("dobj",), 0.6),
    # naming with a predicate: the object with what it is called ("called the plan a fraud")
    "naming": (("dobj",), 0.55),
    # taking sides: the object is the position held ("opposes the bill")
    "position": (("dobj",), 0.5),
}
VERB_CLASS_MEMBERS: dict[str, str] = {
    "speech": """say tell add note explain continue announce declare state reply respond
        remark comment answer recount recall reiterate repeat shout yell whisper scream mutter
        quip joke testify interject proclaim mention inform assure""",
    "argument": """argue claim insist conclude warn acknowledge assert contend maintain stress
        emphasize deny concede admit allege complain boast counter caution predict speculate
        charge point imply confirm reveal disclose question clarify estimate suggest ask
        lament brag object protest concur retort""",
    "writing": "write tweet post report publish read",
    "evidence": "show find indicate demonstrate signal prove reveal hint",
    "belief": """believe think feel know expect fear worry hope suspect doubt consider
        understand assume guess figure reckon recognize realize acknowledge learn see""",
    "commissive": "promise vow pledge threaten refuse decline agree offer swear decide",
    "directive": """urge ask call demand order advise tell press encourage implore beg
        propose recommend""",
    "intention": "want plan seek aim hope prefer wish",
    "judgement": """criticize praise applaud denounce condemn decry blast slam lambaste deride
        mock ridicule dismiss blame credit chide rebuke rebut bemoan congratulate hail attack
        defend question reject tout""",
    "topic": """discuss mention cite highlight describe list portray reference
        recount recall reiterate repeat express announce note explain propose declare state
        confirm acknowledge reveal emphasize stress""",
    "stated": "show reveal indicate demonstrate deny claim reiterate repeat echo predict say",
    "naming": "call dub label brand term",
    "position": "support back oppose endorse favor favour prefer demand predict promise",
}


def _class_entries(relation: str) -> dict[str, float]:
    """Lemma -> confidence for one relation; a verb in several classes takes the surest."""
    out: dict[str, float] = {}
    for name, members in VERB_CLASS_MEMBERS.items():
        relations, confidence = VERB_CLASSES[name]
        if relation not in relations:
            continue
        for lemma in members.split():
            out[lemma] = max(out.get(lemma, 0.0), confidence)
    return out


CLAUSE_VERBS: dict[str, float] = _class_entries("ccomp")
PARATAXIS_VERBS: dict[str, float] = _class_entries("parataxis")
PASSIVE_VERBS: dict[str, float] = _class_entries("passive")
INFINITIVE_CLAUSE_VERBS: dict[str, float] = _class_entries("xcomp")
OBJECT_VERBS: dict[str, float] = _class_entries("dobj")
# (verb lemma, preposition) whose object is the reported content: "called for a ban",
# "accused him of lying", "spoke about the deal"; by kind of phrase
_PREPOSITION_LEVEL = {"demand": 0.7, "judgement": 0.75, "topic": 0.65, "framing": 0.65}
_PREPOSITION_PHRASES = {
    "demand": "call:for argue:for argue:against advocate:for rail:against warn:against "
              "warn:of vouch:for insist:on push:for press:for lobby:for fight:for vote:for "
              "vote:against campaign:for",
    "judgement": "accuse:of criticize:for charge:with blame:for blame:on praise:for slam:for "
                 "blast:for chide:for apologize:for thank:for",
    "topic": "speak:about speak:of talk:about testify:about boast:about boast:of brag:about "
             "complain:about comment:on joke:about hint:at point:to refer:to ask:about "
             "warn:about reflect:on weigh:on respond:to focus:on",
    "framing": "describe:as dismiss:as label:as cite:as portray:as defend:as praise:as "
               "tout:as refer:as identify:as present:as cast:as see:as liken:to",
}
PREPOSITION_VERBS: dict[tuple[str, str], float] = {
    (pair.split(":")[0], pair.split(":")[1]): _PREPOSITION_LEVEL[kind]
    for kind, pairs in _PREPOSITION_PHRASES.items() for pair in pairs.split()
}
