"""Conditional statements: antecedent (Condition), consequence (Consequence) and holder.

Markers: ``if``, ``only if``, ``unless`` (negative polarity), ``provided (that)``,
``as/so long as``, ``in case``, ``on condition that``, ``in the event that`` and the
inverted auxiliaries ``should X`` / ``were X`` / ``had X`` at the start of a clause
(``were`` and ``had`` are counterfactual). ``if`` after a verb of asking or knowing
("asked if", "wonders if", "whether") is an indirect question and is skipped, as is
"even if", "as if" and "what if".

Span convention (the schema's guideline for Condition: "Include the conditional
conjunction"): a Condition starts at its marker, the conjunction included ("if at
least one soldier crosses the border", "should the talks resume", "unless the
sanctions are lifted") and ends at the comma that closes a fronted antecedent or
at the end of its sentence (or quotation). The Consequence is the main clause: the
rest of the sentence after a fronted antecedent, or the clause before a trailing
one (a fronted "only if" without a comma ends where the main clause's inverted
auxiliary starts: "Only if the ban is lifted will we talk" gives the Condition
"Only if the ban is lifted" and the Consequence "will we talk"); it never
includes the antecedent, the quotation marks or the final period.
The holder is the speaker of the quote the conditional sits in; a conditional
outside any quote has no holder.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from suggest.assemble import Attribution, Conditional
from suggest.base import Fragment
from suggest.lexicon import CONDITION_MARKERS, OFFER_WORDS, THREAT_WORDS

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[”\"’»]*|$)", re.M)
_MARKER = re.compile(
    r"(?<![\w-])(only if|if not|if|unless|provided that|providing that|provided|as long as|"
    r"so long as|in case|on condition that|in the event that)(?![\w-])", re.I)
_INVERTED = re.compile(r"(?:^|(?<=[,;:“\"«„—]\s)|(?<=[“\"«„]))(Should|should|Were|were|Had|had)"
                       r"\s+(?!not\b)(?:the\s+|a\s+|an\s+|[A-Z]\w+|they|we|you|he|she|it|I\b)")
_QUESTION_VERBS = re.compile(r"\b(ask|asked|asks|asking|wonder\w*|know|knows|knew|see|sure|"
                             r"unclear|clear|whether|even|as|what|doubt\w*|decide\w*|check\w*|"
                             r"tell|told|determine\w*)(?:\s+\w+){0,2}?\s*$", re.I)
_WORD = re.compile(r"[a-z]+")
_SUBJECT_START = (r"(?:not\s+)?(?:I|we|you|he|she|it|they|there|the|a|an|this|that|these|those|our|"
                  r"their|his|her|its|my|your|[A-Z][\w’'.-]*)\b")
# the inverted auxiliary that starts the main clause after a fronted "only if" antecedent:
# modals first, then forms of be/have, which also occur inside the antecedent
_INVERTED_MAIN = (
    re.compile(r"\s(will|would|can|could|shall|should|may|might|must|do|does|did|won’t|won't|"
               r"cannot|can’t|can't)\s+" + _SUBJECT_START),
    re.compile(r"\s(is|are|was|were|has|have|had)\s+" + _SUBJECT_START),
)
_OPEN = "“\"«„‘"
_CLOSE = "”\"»’“"


def _type_of(text: str) -> str:
    words = set(_WORD.findall(text.lower()))
    if words & THREAT_WORDS:
        return "threat"
    if words & OFFER_WORDS:
        return "offer"
    if words & {"will", "would", "could", "might", "may"}:
        return "prediction"
    return "other"


def _trim(text: str, s: int, e: int) -> Fragment:
    while s < e and (text[s].isspace() or text[s] in _OPEN + _CLOSE + ",;:—–-"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in _OPEN + _CLOSE + ",;:.!?—–-"):
        e -= 1
    return (s, e)


def _holder(attributions: Sequence[Attribution], pos: int) -> Fragment | None:
    for att in attributions:
        if att.speaker is not None and any(s <= pos < e for s, e in att.content):
            return att.speaker
    return None


def _enclosing(attributions: Sequence[Attribution], pos: int) -> Fragment | None:
    for att in attributions:
        for s, e in att.content:
            if s <= pos < e:
                return (s, e)
    return None


def find_conditionals(text: str, attributions: Sequence[Attribution] = ()) -> list[Conditional]:
    """The conditionals of ``text``; holders from ``attributions`` (see the module docstring)."""
    out: list[Conditional] = []
    for sm in _SENTENCE.finditer(text):
        s0, s1 = sm.start(), sm.end()
        sentence = text[s0:s1]
        matches: list[tuple[int, int, str, str, bool]] = []
        for m in _MARKER.finditer(sentence):
            if _QUESTION_VERBS.search(sentence[:m.start()]):
                continue
            marker = m.group(1).lower()
            matches.append((m.start(), m.end(), marker, CONDITION_MARKERS[marker], False))
        for m in _INVERTED.finditer(sentence):
            aux = m.group(1).lower()
            matches.append((m.start(1), m.end(1), aux, "positive", aux in ("were", "had")))
        for start, _end, marker, polarity, counterfactual in sorted(matches):
            a = s0 + start
            clause_start = _clause_start(text, s0, a)
            fronted = text[clause_start:a].strip(" " + _OPEN) == ""
            if fronted:
                comma = text.find(",", a, s1)
                main = _inverted_main(text, a + len(marker), comma if comma >= 0
                                      else _clause_end(text, a, s1)) \
                    if marker == "only if" else None
                if main is not None:
                    condition = _trim(text, a, main)
                    consequence = _trim(text, main, _clause_end(text, main, s1))
                elif comma < 0:
                    continue
                else:
                    condition = _trim(text, a, comma)
                    consequence = _trim(text, comma + 1, _clause_end(text, comma + 1, s1))
            else:
                end = _clause_end(text, a, s1)
                condition = _trim(text, a, end)
                consequence = _trim(text, clause_start, a)
            if condition[1] - condition[0] <= len(marker) + 2:
                continue
            if consequence[1] - consequence[0] < 3:
                continue
            enclosing = _enclosing(attributions, a)
            if enclosing is not None:  # the consequence stays inside the quote
                consequence = (max(consequence[0], enclosing[0]), min(consequence[1], enclosing[1]))
                consequence = _trim(text, *consequence)
                if consequence[1] - consequence[0] < 3:
                    continue
            kind = _type_of(text[consequence[0]:consequence[1]])
            holder = _holder(attributions, a)
            confidence = 0.75 if holder is not None else 0.6
            out.append(Conditional(condition, consequence, polarity, kind, holder, confidence,
                                   f"conditional '{marker}'", counterfactual))
    return out


def _inverted_main(text: str, start: int, end: int) -> int | None:
    """Where the main clause starts after a fronted "only if" antecedent without a comma:
    the first inverted auxiliary followed by a subject ("… will we talk"), at least two
    words after the marker; ``None`` when there is none."""
    window = text[start:end]
    for pattern in _INVERTED_MAIN:
        for m in pattern.finditer(window):
            if len(window[:m.start()].split()) >= 2:
                return start + m.start(1)
    return None


def _clause_start(text: str, sentence_start: int, pos: int) -> int:
    """Where the clause holding ``pos`` starts: after an opening quotation mark or a colon."""
    best = sentence_start
    for k in range(pos - 1, sentence_start - 1, -1):
        if text[k] in "“«„:;" or (text[k] == "\"" and (k == 0 or text[k - 1].isspace())):
            best = k + 1
            break
    return best


def _clause_end(text: str, pos: int, sentence_end: int) -> int:
    """The end of the clause from ``pos``: a closing quotation mark, a semicolon or the sentence."""
    for k in range(pos, sentence_end):
        if text[k] in "”»;" or (text[k] == "\"" and k > pos):
            return k
    return sentence_end
