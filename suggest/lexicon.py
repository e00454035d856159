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
