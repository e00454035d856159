"""Conditional statements: antecedent (Condition), consequence (Consequence) and holder.

Markers: ``if``, ``only if``, ``if (,) and only if``, ``unless`` (negative polarity),
``provided (that)``, ``as/so long as``, ``in case``, ``on condition that``, ``in the
event that`` and the inverted auxiliaries ``should X`` / ``were X`` / ``had X`` at the
start of a clause (``were`` and ``had`` are counterfactual; ``should X`` also after the
main clause: "the navy will escort the convoys should Norvik renew its blockade").

Not conditions: an indirect question ("asked if", "would not say if", "find out if",
"unsure if", "whether"; "said if X, Y" with its comma is a reported conditional); "even
if", "as if", "what if", "if only"; the parenthetical idioms "if anything", "if ever",
"if any", "if at all", "if not most/more/all …"; "as long as" after a verb of duration,
a measure or "for" ("lasted as long as", "twice as long as"), "not so long as";
"provided" after an auxiliary ("has provided that list"); and a trailing antecedent whose
main clause has fewer than three words ("The agency provided that information").

Span convention (the schema's guideline for Condition: "Include the conditional
conjunction"):

* A Condition starts at its marker, conjunction or inverted auxiliary included ("unless
  the sanctions are lifted", "Should the talks resume") and ends at the first comma or
  dash after its marker (not a comma inside a number) or else at the end of its clause
  (sentence, quotation, semicolon); a fronted "only if" without a comma ends where the
  main clause's inverted auxiliary starts ("Only if the ban is lifted | will we talk").
* An antecedent is fronted when only a conjunction stands before it in its clause or
  quotation ("But if …") or when it opens a reported clause ("said that if …", "warned
  if …"); its Consequence is the rest of the clause after it, a correlative "then" left
  out. When the attribution interrupts the quotation right after the antecedent, the
  Consequence is the quotation's next fragment ("“If the ban stays,” she said, “we will
  sue.”"); when only an attribution follows ("…, Scott said."), there is none.
* Otherwise the Consequence is the clause before the antecedent; set off by commas or
  dashes inside its clause ("The army, if provoked, will respond"), what follows it; a
  parse that gives the antecedent its own fragment of the quote ("X, officials said, if
  Y") has the main clause in the fragment before.
* The Consequence never includes the antecedent, the quotation marks, the final period
  or an attribution: it stays inside its quotation, and where no quote was found it
  stops at a comma after which its clause ends within ten words holding a reporting
  verb ("…, the central bank governor, Ada Senn, said"; before a trailing antecedent
  the verb must end them, "…, officials said, if …") and starts after an inflected
  reporting verb or its "that" ("told the council that [the ferries would stop] unless
  …").

The holder is the speaker of the quote the conditional sits in (the quote holding its
marker, or else the one holding its consequence: a parse may leave a trailing "provided
that …" out of the reported clause); a conditional outside any quote has no holder.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from suggest.assemble import Attribution, Conditional
from suggest.base import Fragment
from suggest.lexicon import CONDITION_MARKERS, OFFER_WORDS, THREAT_WORDS, verb_forms

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[”\"’»]*|$)", re.M)
_MARKER = re.compile(
    r"(?<![\w-])(if,?\s+and\s+only\s+if,?|only if|if not|if|unless|provided that|providing that|"
    r"provided|as long as|so long as|in case|on condition that|in the event that)(?![\w-])", re.I)
_MARKERS = {**CONDITION_MARKERS, "if and only if": "positive"}
_INVERTED_SUBJECT = (r"\s+(?!not\b)(?:the\s+|a\s+|an\s+|[A-Z]\w+|they|we|you|he|she|it|I\b|"
                     r"any(?:one|body)?\b|some(?:one|body)\b|either\b|no\s|this\b|these\b|"
                     r"those\b|their\b|his\b|her\b|our\b|my\b|your\b|one\b|there\b)")
_INVERTED = re.compile(r"(?:^|(?<=[,;:“\"«„—]\s)|(?<=[“\"«„]))(Should|should|Were|were|Had|had)"
                       + _INVERTED_SUBJECT)
# "should" with its subject after the main clause ("… should Norvik renew its blockade"); not
# after a question word ("which road should the convoy take")
_INVERTED_LATE = re.compile(r"(?<=\w\s)(should)" + _INVERTED_SUBJECT)
_WH_BEFORE = re.compile(r"\b(?:who|whom|whose|what|which|why|how|where|when|whether)\b"
                        r"(?:\W+\w+){0,5}\W*$", re.I)
# parenthetical idioms and other uses of the markers that state no condition
_NOT_A_CONDITION = re.compile(
    r"if\s+(?:anything|ever|any|at\s+all)\s*(?:[,.;:)—–]|$)"   # "if anything," "if ever,"
    r"|if\s+only\b"                                           # a wish, "if only they had"
    r"|if\s+not\s+(?!\w+ed\b)\w+(?:\s+\w+){0,2}\s*,", re.I)     # "many, if not most, …"
_SAY_BEFORE = re.compile(r"\b(?:say|says|said|saying)\s+$", re.I)
_NOT_BEFORE = {
    "as long as": re.compile(r"\b(?:last\w*|took|takes?|taken|taking|wait\w*|twice|half|times|"
                             r"nearly|almost|for)\s+$", re.I),
    "so long as": re.compile(r"\bnot\s+$", re.I),
    "provided": re.compile(r"\b(?:has|have|had|was|were|been|is|are|be|being)\s+$", re.I),
    "provided that": re.compile(r"\b(?:has|have|had|was|were|been|is|are|be|being)\s+$",
                                re.I),
}
_LEAD_WORDS = frozenset({"but", "and", "so", "yet", "or", "that", "now", "then"})
_MIN_TRAILING_MAIN_WORDS = 3
_REPORTING_FORMS = frozenset(verb_forms())
# the inflected forms that end an attribution ("Scott said", "she added"), not "the answer"
_REPORTED_FORMS = frozenset(form for form, lemma in verb_forms().items()
                            if form != lemma and not form.endswith("ing"))
# ends a condition: a comma (not one inside a number, "$30,253") or a dash
_BREAK = re.compile(r"(?<!\d),|,(?!\d)|\s?[—–]\s?")
_MODALS = frozenset({"will", "would", "can", "could", "may", "might", "must", "shall", "should",
                     "to", "not", "never"})
_MAX_TAIL_WORDS = 10  # an attribution after the main clause: ", the central bank governor,
#                       Ada Senn, said on Monday."
_QUESTION_VERBS = re.compile(r"\b(find\s+out|found\s+out|ask|asked|asks|asking|wonder\w*|"
                             r"know|knows|knew|see|sure|unsure|"
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


def _quote_at(attributions: Sequence[Attribution], pos: int) -> Attribution | None:
    """The attribution whose content holds ``pos`` (one with a speaker first)."""
    holding = [att for att in attributions if any(s <= pos < e for s, e in att.content)]
    return next((att for att in holding if att.speaker is not None), None) or \
        next(iter(holding), None)


def _fragment_at(att: Attribution, pos: int) -> Fragment | None:
    return next(((s, e) for s, e in att.content if s <= pos < e), None)


def _clip(text: str, span: Fragment, fragment: Fragment | None) -> Fragment:
    if fragment is None:
        return span
    return _trim(text, max(span[0], fragment[0]), min(span[1], fragment[1]))


def _markers(sentence: str) -> list[tuple[int, int, str, str, bool]]:
    """(start, end, marker, polarity, counterfactual) of each conditional marker in
    ``sentence`` that is not one of the uses the module docstring lists as no condition."""
    matches: list[tuple[int, int, str, str, bool]] = []
    for m in _MARKER.finditer(sentence):
        before = sentence[:m.start()]
        marker = re.sub(r"[\s,]+", " ", m.group(1).lower()).strip()
        not_before = _NOT_BEFORE.get(marker)
        if _QUESTION_VERBS.search(before) or _NOT_A_CONDITION.match(sentence, m.start()) or \
                (not_before is not None and not_before.search(before)):
            continue
        if _SAY_BEFORE.search(before) and "," not in sentence[m.end():]:
            continue  # "would not say if the schools reopen"; "said if X, Y" is reported
        matches.append((m.start(), m.end(), marker, _MARKERS[marker], False))
    for m in _INVERTED.finditer(sentence):
        aux = m.group(1).lower()
        matches.append((m.start(1), m.end(1), aux, "positive", aux in ("were", "had")))
    taken = {start for start, *_ in matches}
    for m in _INVERTED_LATE.finditer(sentence):
        if m.start(1) not in taken and not _WH_BEFORE.search(sentence[:m.start(1)]) and \
                not sentence.rstrip(" ”\"’»").endswith("?"):
            matches.append((m.start(1), m.end(1), "should", "positive", False))
    return sorted(matches)


def find_conditionals(text: str, attributions: Sequence[Attribution] = ()) -> list[Conditional]:
    """The conditionals of ``text``; holders from ``attributions`` (see the module docstring)."""
    out: list[Conditional] = []
    for sm in _SENTENCE.finditer(text):
        s0, s1 = sm.start(), sm.end()
        for start, marker_end, marker, polarity, counterfactual in _markers(text[s0:s1]):
            found = _conditional(text, s0, s1, s0 + start, s0 + marker_end, marker, attributions)
            if found is None:
                continue
            condition, consequence, quote = found
            kind = _type_of(text[consequence[0]:consequence[1]])
            holder = quote.speaker if quote is not None else None
            confidence = 0.75 if holder is not None else 0.6
            out.append(Conditional(condition, consequence, polarity, kind, holder, confidence,
                                   f"conditional '{marker}'", counterfactual))
    return out


def _conditional(text: str, s0: int, s1: int, a: int, after: int, marker: str,
                 attributions: Sequence[Attribution],
                 ) -> tuple[Fragment, Fragment, Attribution | None] | None:
    """(Condition, Consequence, the quote holding them) for the marker at ``a`` in the
    sentence ``text[s0:s1]``, or ``None`` when it has no main clause."""
    clause_start = _clause_start(text, s0, a)
    quote = _quote_at(attributions, a)
    own = _fragment_at(quote, a) if quote is not None else None
    lead_from = max(clause_start, own[0]) if own is not None else clause_start
    prefix = text[lead_from:a]
    prefix_words = _WORD.findall(prefix.lower())
    # only a conjunction before it, or it opens a reported clause ("said that if", "warned if")
    fronted = set(prefix_words) <= _LEAD_WORDS or (
        prefix.rstrip()[-1:].isalpha() and (prefix_words[-1] == "that"
                                             or prefix_words[-1] in _REPORTED_FORMS))
    brk = _BREAK.search(text, after, s1)
    clause_end = _clause_end(text, a, s1)
    closed = brk is not None and brk.start() < clause_end
    earlier = [f for f in quote.content if s0 <= f[0] and f[1] <= lead_from] \
        if quote is not None and own is not None else []
    if fronted and earlier and not closed:
        # "X, officials said, if Y": the antecedent opens the quotation's next fragment
        condition = _trim(text, a, clause_end)
        consequence = _trim(text, *earlier[-1])
    elif fronted:
        main = _inverted_main(text, after, brk.start() if brk is not None else clause_end) \
            if marker == "only if" else None
        if main is not None:
            condition = _trim(text, a, main)
            consequence = _trim(text, main, _clause_end(text, main, s1))
        elif brk is None:
            return None
        else:
            condition = _trim(text, a, brk.start())
            consequence = _consequence_after(text, brk.end(), s1, quote)
    else:
        condition = _trim(text, a, brk.start() if closed and brk is not None else clause_end)
        consequence = _trim(text, clause_start, a)
        if len(text[consequence[0]:consequence[1]].split()) < _MIN_TRAILING_MAIN_WORDS:
            if brk is None or not closed or text[clause_start:a].rstrip()[-1:] not in ",—–":
                return None
            # set off by commas or dashes inside its clause ("The army, if provoked, will
            # respond"): the main clause goes on after it
            consequence = _consequence_after(text, brk.end(), s1, quote)
    if quote is None:  # a quote may hold the main clause but not the antecedent
        quote = _quote_at(attributions, consequence[0] if consequence[0] > a
                          else max(consequence[0], consequence[1] - 1))
    frag = None
    if quote is not None:  # each side stays inside its quotation
        condition = _clip(text, condition, _fragment_at(quote, a))
        frag = _fragment_at(quote, consequence[0]) or \
            _fragment_at(quote, max(consequence[0], consequence[1] - 1))
        consequence = _clip(text, consequence, frag)
    if frag is None and consequence[1] <= a:  # "Orm told them that [the ferries would stop]"
        consequence = (_reported_clause_start(text, *consequence), consequence[1])
    trailing = consequence[1] <= a
    tail_end = consequence[1] if trailing else frag[1] if frag else s1
    consequence = (consequence[0], _before_attribution(text, *consequence, tail_end, trailing))
    if (condition[1] - condition[0] <= len(marker) + 2 and marker != "if not") \
            or consequence[1] - consequence[0] < 3 \
            or _is_attribution(text, consequence):
        return None
    return condition, consequence, quote


def _consequence_after(text: str, start: int, sentence_end: int,
                       quote: Attribution | None) -> Fragment:
    """The main clause after a fronted antecedent's comma at ``start - 1``: to the end of its
    clause, a correlative "then" left out; when the quotation closes right after the comma
    and resumes after its attribution, the quotation's next fragment."""
    consequence = _trim(text, start, _clause_end(text, start, sentence_end))
    if (consequence[1] - consequence[0] < 3 or _is_attribution(text, consequence)) \
            and quote is not None:
        resumed = [s for s, _ in quote.content if s > start]
        if resumed:
            consequence = _trim(text, min(resumed), _clause_end(text, min(resumed), sentence_end))
    then = re.match(r"then\b\s*", text[consequence[0]:consequence[1]], re.I)
    if then and consequence[0] + then.end() < consequence[1]:
        consequence = (consequence[0] + then.end(), consequence[1])
    return consequence


def _is_attribution(text: str, span: Fragment) -> bool:
    """Whether ``span`` is only an attribution ("Scott said", "he told reporters"): a
    fronted antecedent followed by one has its main clause elsewhere."""
    words = _WORD.findall(text[span[0]:span[1]].lower())
    return 2 <= len(words) <= 4 and any(
        w in _REPORTED_FORMS and words[i - 1] not in _MODALS for i, w in enumerate(words) if i)


def _reported_clause_start(text: str, start: int, end: int) -> int:
    """``start``, or where a reported clause in ``text[start:end]`` begins: after the last
    inflected reporting verb ("said [sanctions would follow]", "threatened [to close]"), or
    after a "that" at most four words after it ("told the council that [the ferries …]")."""
    words = list(re.finditer(r"[\w’'-]+", text[start:end]))
    for i in range(len(words) - 2, -1, -1):
        if words[i].group().lower() in _REPORTED_FORMS:
            rest = words[i + 1:]
            that = next((k for k, w in enumerate(rest[:5]) if w.group().lower() == "that"), None)
            if that is not None:
                rest = rest[that + 1:]
            return start + rest[0].start() if rest else start
    return start


def _before_attribution(text: str, start: int, end: int, tail_end: int, trailing: bool) -> int:
    """``end``, or the first comma in ``text[start:end]`` after which ``text[:tail_end]``
    ends within a few words that hold a reporting verb ("…, Voss told the party congress.");
    in the main clause before a ``trailing`` antecedent the verb must end them ("…,
    officials said, if …"), so that a speaker set off by commas ("Her spokesman, Tor
    Vidal, said …") stays."""
    for m in re.finditer(",", text[start:end]):
        tail = _WORD.findall(text[start + m.end():tail_end].lower())
        verbs = _REPORTING_FORMS.intersection(tail[-2:] if trailing else tail)
        if len(tail) <= _MAX_TAIL_WORDS and verbs:
            return _trim(text, start, start + m.start())[1]
    return end


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
    """Where the clause holding ``pos`` starts: after an opening quotation mark (the
    typewriter pair of backquotes too) or a colon."""
    best = sentence_start
    for k in range(pos - 1, sentence_start - 1, -1):
        if text[k] in "“«„:;`" or (text[k] == "\"" and (k == 0 or text[k - 1].isspace())):
            best = k + 1
            break
    return best


def _clause_end(text: str, pos: int, sentence_end: int) -> int:
    """The end of the clause from ``pos``: a closing quotation mark (the typewriter ``''``
    too), a semicolon or the sentence."""
    for k in range(pos, sentence_end):
        if text[k] in "”»;" or (text[k] == "\"" and k > pos) or text.startswith("''", k):
            return k
    return sentence_end
