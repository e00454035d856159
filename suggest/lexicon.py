"""Words the built-in suggesters look for: reporting verbs, pronouns, condition markers.

The reporting verbs are lemmas; :func:`verb_forms` inflects them for the rules
suggester, which has no lemmatiser. The lists were chosen by how often each verb
introduces attributed content in news text (speech verbs first, then verbs of
writing, belief and stance); weights are the confidence a match starts from.
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


# Syntax suggester: (verb lemma, dependency of the reported content) -> confidence that the
# verb's subject is the source of that content. Tuned on the train split of a news
# attribution corpus (how often such a clause was annotated as attributed content); verbs
# of belief ("think", "believe", "know") are left out there: most of their clauses are not
# attributions of what someone said.
CLAUSE_VERBS: dict[str, float] = {
    "say": 0.85, "tell": 0.85, "add": 0.9, "note": 0.85, "argue": 0.85, "write": 0.9,
    "claim": 0.85, "report": 0.8, "explain": 0.8, "continue": 0.85, "announce": 0.85,
    "declare": 0.85, "state": 0.85, "insist": 0.9, "conclude": 0.9, "point": 0.8,
    "reply": 0.9, "warn": 0.9, "acknowledge": 0.9, "imply": 0.9, "reveal": 0.9,
    "respond": 0.9, "joke": 0.9, "recall": 0.85, "assert": 0.9, "predict": 0.8,
    "suggest": 0.75, "ask": 0.7, "tweet": 0.7, "confirm": 0.7, "admit": 0.7, "hope": 0.4,
    "learn": 0.6, "consider": 0.6, "agree": 0.6, "show": 0.6, "find": 0.55, "allege": 0.85,
    "contend": 0.85, "maintain": 0.7, "stress": 0.8, "emphasize": 0.8, "deny": 0.8,
    "concede": 0.85, "complain": 0.8, "boast": 0.8, "quip": 0.9, "observe": 0.8,
    "indicate": 0.7, "signal": 0.65, "testify": 0.85, "remark": 0.85, "comment": 0.8,
    "speculate": 0.8, "caution": 0.8, "counter": 0.8, "post": 0.7, "shout": 0.85,
    "reiterate": 0.85, "estimate": 0.75, "promise": 0.75, "vow": 0.8, "pledge": 0.75,
    "threaten": 0.8, "fear": 0.6, "worry": 0.6, "demonstrate": 0.6, "recount": 0.8,
    "answer": 0.75, "advise": 0.3, "propose": 0.7, "demand": 0.75, "assure": 0.8,
    "read": 0.75, "proclaim": 0.75, "charge": 0.7, "interject": 0.7, "question": 0.65,
    "express": 0.65, "recommend": 0.65, "hint": 0.6, "suspect": 0.55,
    "welcome": 0.55, "clarify": 0.55, "describe": 0.7,
}
OBJECT_VERBS: dict[str, float] = {
    "criticize": 0.75, "discuss": 0.75, "announce": 0.75, "mention": 0.65, "describe": 0.7,
    "praise": 0.7, "applaud": 0.75, "cite": 0.8, "denounce": 0.75, "highlight": 0.8,
    "congratulate": 0.8, "tout": 0.8, "express": 0.65, "note": 0.6, "name": 0.55,
    "accuse": 0.55, "endorse": 0.55, "call": 0.55, "reference": 0.8, "blast": 0.8,
    "slam": 0.7, "mock": 0.6, "portray": 0.8, "dismiss": 0.8, "list": 0.8, "demand": 0.45,
    "decry": 0.8, "argue": 0.8, "confirm": 0.55, "propose": 0.55, "explain": 0.55,
    "condemn": 0.75, "lambaste": 0.8, "deride": 0.8, "ridicule": 0.4, "attack": 0.5,
    "defend": 0.5, "prefer": 0.5, "declare": 0.5, "recommend": 0.4, "reject": 0.5,
    "predict": 0.6, "deny": 0.35, "acknowledge": 0.55, "promise": 0.5, "question": 0.5,
    "blame": 0.7, "stress": 0.65, "credit": 0.65, "recall": 0.65,
    "reiterate": 0.65, "chide": 0.6, "state": 0.6, "repeat": 0.6, "rebut": 0.55, "reveal": 0.55,
    "emphasize": 0.55, "bemoan": 0.55, "rebuke": 0.55, "recount": 0.55,
}
INFINITIVE_CLAUSE_VERBS: dict[str, float] = {
    "expect": 0.7, "vow": 0.85, "urge": 0.7, "ask": 0.7, "call": 0.6, "refuse": 0.6,
    "seem": 0.6, "tell": 0.6, "promise": 0.65, "decline": 0.8, "appear": 0.5,
    "decide": 0.5, "threaten": 0.75, "pledge": 0.5, "claim": 0.6, "agree": 0.5,
    "order": 0.6, "prefer": 0.6, "propose": 0.6, "report": 0.7,
}
# (verb lemma, preposition) whose object is the reported content: "called for a ban",
# "accused him of lying" (the object of "of"), "spoke about the deal"
PREPOSITION_VERBS: dict[tuple[str, str], float] = {
    ("call", "for"): 0.7, ("accuse", "of"): 0.8, ("refer", "to"): 0.55,
    ("speak", "about"): 0.8, ("point", "to"): 0.7, ("criticize", "for"): 0.85,
    ("refer", "as"): 0.75, ("ask", "about"): 0.6, ("charge", "with"): 0.8,
    ("apologize", "for"): 0.65, ("comment", "on"): 0.6, ("see", "as"): 0.5,
    ("identify", "as"): 0.55, ("present", "as"): 0.6, ("cast", "as"): 0.55,
    ("talk", "about"): 0.45, ("focus", "on"): 0.45, ("respond", "to"): 0.45,
    ("warn", "about"): 0.35, ("warn", "against"): 0.6, ("complain", "about"): 0.6,
    ("insist", "on"): 0.25, ("blame", "for"): 0.55, ("testify", "about"): 0.7,
    ("boast", "about"): 0.7, ("joke", "about"): 0.45, ("argue", "for"): 0.6,
    ("argue", "against"): 0.6, ("advocate", "for"): 0.5, ("praise", "for"): 0.7,
    ("slam", "for"): 0.75, ("blast", "for"): 0.75, ("thank", "for"): 0.45,
    ("describe", "as"): 0.6, ("dismiss", "as"): 0.75, ("label", "as"): 0.7,
    ("reflect", "on"): 0.5, ("weigh", "on"): 0.5, ("speak", "of"): 0.7,
    ("cite", "as"): 0.75, ("rail", "against"): 0.65, ("vouch", "for"): 0.6,
    ("portray", "as"): 0.6, ("defend", "as"): 0.6, ("brag", "about"): 0.6,
    ("boast", "of"): 0.55, ("blame", "on"): 0.55, ("praise", "as"): 0.55,
    ("chide", "for"): 0.55, ("tout", "as"): 0.55, ("liken", "to"): 0.55, ("hint", "at"): 0.55,
    ("warn", "of"): 0.55,
}
