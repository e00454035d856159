"""The ``rules`` suggester: quotes, speakers, cues and conditions with no model.

* Direct quotes: every quotation (:mod:`suggest.quotes`, all common mark styles,
  nested single quotes, quotes continued across paragraphs; scare quotes excluded
  by the rule documented there) next to an attribution: ``“…,” SPEAKER VERB``,
  ``“…,” VERB SPEAKER``, ``SPEAKER VERB …: “…”``. A quotation interrupted by its
  attribution (``“A,” she said, “B.”``) is one quote with two fragments. A
  quotation that stands as its own sentence after an attribution in the same
  paragraph continues that speaker, with a lower confidence.
* Indirect speech: ``SPEAKER VERB (that) CONTENT.`` and ``CONTENT, SPEAKER VERB.``
  with a reporting verb from :data:`suggest.lexicon.SPEECH_VERBS`; ``according to
  SPEAKER``.
* Speakers: a capitalised name (with titles), a possessive or determiner phrase
  ("the foreign minister", "Velmora’s envoy") or a subject pronoun; a pronoun's
  explanation names the nearest compatible actor before it; the project registry's
  actors are proposed wherever their name or an alias appears.
* Conditions: :mod:`suggest.conditions`.
"""

from __future__ import annotations

import re
from typing import ClassVar

from storage.schema import Schema
from suggest.assemble import Attribution, Found, build
from suggest.base import Fragment, Proposals, SuggestContext
from suggest.conditions import find_conditionals
from suggest.lexicon import SPEECH_VERBS, verb_forms
from suggest.quotes import Quotation, find_quotations, is_scare_quote

_FORMS = verb_forms()
_VERB = r"(?P<verb>(?:" + "|".join(sorted((re.escape(f) for f in _FORMS), key=len,
                                          reverse=True)) + r")(?: (?:up|out|back))?)\b"
_NAME = r"(?:[A-Z][\w’'.-]*|of|de|van|von|al|bin|la|le)"
_TITLE_NAME = rf"[A-Z][\w’'.-]*(?:\s+{_NAME}){{0,5}}(?<!\bof)(?<!\bde)"
_NOMINAL = (r"(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Tt]wo|[Tt]hree|[Ss]ome|[Mm]any|"
            r"[Ss]everal|[Oo]ne)\s+(?:[\w’'-]+\s+){0,4}?[a-z][\w-]*")
_POSSESSIVE = r"[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3}[’']s\s+(?:[a-z][\w-]*\s+){0,3}?[a-z][\w-]*"
_PRONOUN = r"(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ww]e|I)"
# lower-case title words before a name: "opposition leader Petra Olm", "legal experts"
_FUNCTION_WORD = (r"(?:on|in|at|to|for|of|by|with|from|after|before|during|last|this|that|and|"
                  r"but|or|the|a|an|his|her|their|its|our|said|says)\b")
_TITLED = (rf"(?:(?!{_FUNCTION_WORD})[a-z][\w-]*\s+){{1,3}}[A-Z][\w’'-]*(?:\s+{_NAME}){{0,4}}"
           r"(?<!\bof)(?<!\bde)")
_PLURAL = r"(?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*[a-rt-z]s"
_SPEAKER_BODY = rf"(?:{_POSSESSIVE}|{_NOMINAL}|{_TITLED}|{_TITLE_NAME}|{_PRONOUN}|{_PLURAL})"
_SPEAKER = rf"(?P<speaker>{_SPEAKER_BODY})"
_VERB2 = _VERB.replace("?P<verb>", "?P<verb2>")
_SPEAKER2 = _SPEAKER.replace("?P<speaker>", "?P<speaker2>")
_ADVERB = r"(?:(?:also|later|then|previously|once|repeatedly|often|has|have|had|had also|has also|"
_ADVERB += r"would|will|did|does|[a-z]+ly)\s+)?"
_APPOSITION = r"(?:,\s+[^,.;:“”\"«»]{2,50},)?"
# "said the defence minister, Ulla Strand": a name in apposition after the verb's subject
_NAMED = rf"(?:,\s+[A-Z][\w’'-]*(?:\s+{_NAME}){{0,4}}(?<!\bof)(?<!\bde))?"
# what may follow a speaker put after its verb: the sentence's end or its circumstances
_SPEAKER_END = r"(?=\s*(?:[,.;:!?)]|$|\s(?:on|in|at|during|after|before|last|this|to|who|as)\b))"
_AFTER_QUOTE = re.compile(rf"\s*,?\s*(?:{_SPEAKER}{_APPOSITION}\s+{_ADVERB}{_VERB}|"
                          rf"{_VERB2}\s+(?P<speaker2>{_SPEAKER_BODY}{_NAMED}){_SPEAKER_END})")
_BEFORE_QUOTE = re.compile(rf"{_SPEAKER}{_APPOSITION}\s+{_ADVERB}{_VERB}"
                           r"[^.!?“”\"«»]{0,60}?[:,]\s*$")
_SENTENCE_END = re.compile(r"[.!?]+[”\"’»)]*(?=\s)|\n+")
_ABBREVIATIONS = frozenset({"mr", "ms", "mrs", "dr", "st", "gen", "sen", "rep", "gov", "jr",
                            "sr", "col", "lt", "sgt", "prof", "no", "u.s", "u.n", "u.k", "inc",
                            "corp", "co", "vs", "e.g", "i.e", "jan", "feb", "aug", "sept",
                            "oct", "nov", "dec", "a.m", "p.m"})


def sentences(text: str) -> list[Fragment]:
    """Sentence fragments: split after . ! ? (and closing marks) before a space, and at line
    breaks; not after a known abbreviation or a single capital initial."""
    out: list[Fragment] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.group(0)[0] == ".":
            word = text[max(0, m.start() - 5):m.start()].split()[-1:] or [""]
            last = word[0].lower().lstrip("(“\"")
            if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
        end = m.end()
        if text[start:end].strip():
            out.append((start, end))
        start = end
    if text[start:].strip():
        out.append((start, len(text)))
    return out


_INDIRECT = re.compile(
    rf"(?:^|(?<=[,;:—]\s)|(?<=\bbut\s)|(?<=\band\s))\s*{_SPEAKER}{_APPOSITION}\s+{_ADVERB}{_VERB}"
    r"(?P<extra>\s+(?:on|last|this|in|at|to)\s+[\w ’']{1,40}?|\s+(?:reporters|journalists|"
    r"(?:the|a|an)(?:\s+[a-z][\w-]*){1,4}(?=\s+that\b)|"
    r"the [a-z]+|[A-Z]\w+|him|her|them|us|me))?,?\s+(?:that\s+)?(?P<content>(?:[Tt]he|[Aa]n?|"
    r"[Hh]e|[Ss]he|[Ii]t|[Tt]hey|[Ww]e|I|[Tt]here|[Tt]his|[Tt]hat|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|"
    r"[A-Z][\w’'-]*|\d|[“\"])[^\n]*)$")
_REVERSED = re.compile(rf"^(?P<content>.{{12,}}?),[”\"’»]?\s+(?:{_SPEAKER}\s+{_ADVERB}{_VERB}|"
                       rf"{_VERB2}\s+{_SPEAKER2})(?P<tail>[^,;]{{0,40}})[.!]?[”\"]?\s*$")
_ACCORDING = re.compile(r"(?P<cue>[Aa]ccording to)\s+(?P<speaker>[^,;.:()]{2,80}?)"
                        r"(?=[,;:()]|\.\s|\.$|$)")
_NOT_SPEAKERS = frozenset({"The", "A", "An", "This", "That", "These", "Those", "But", "And",
                           "When", "If", "In", "On", "At", "As", "After", "Before", "While",
                           "Asked", "It", "There", "What", "Why", "How", "So", "Then"})


def _group(m: re.Match[str], name: str, base: int) -> Fragment | None:
    """The fragment of group ``name`` (or of ``name2``, its twin in the other word order)."""
    for group in (name, name + "2"):
        if group in m.re.groupindex and m.group(group) is not None:
            return (base + m.start(group), base + m.end(group))
    return None


def _speaker_ok(text: str, frag: Fragment | None) -> bool:
    if frag is None:
        return False
    words = text[frag[0]:frag[1]].split()
    if not words:
        return False
    if len(words) == 1 and words[0] in _NOT_SPEAKERS and words[0] != "It":
        return False
    return not any(w.lower() in _FORMS for w in words)


def _without_final_period(text: str, frag: Fragment | None) -> Fragment | None:
    """A name that ends the sentence without its full stop ("said Olm." → "Olm"); an
    initial or an abbreviation keeps it ("Jr.", "Gen.")."""
    if frag is None or text[frag[1] - 1:frag[1]] != ".":
        return frag
    last = text[frag[0]:frag[1] - 1].split()[-1:] or [""]
    if len(last[0]) <= 1 or last[0].lower() in _ABBREVIATIONS:
        return frag
    return (frag[0], frag[1] - 1)


def _lemma(text: str, frag: Fragment) -> str:
    first = text[frag[0]:frag[1]].split()[0].lower()
    return _FORMS.get(first, "say")


class RulesSuggester:
    """Quotation marks, reporting verbs, speaker patterns and conditions (no model)."""

    NAME: ClassVar[str] = "rules"

    def suggest(self, document_text: str, schema: Schema, context: SuggestContext) -> Proposals:
        found = find_attributions(document_text)
        found.conditionals = find_conditionals(document_text, found.attributions)
        return build(document_text, schema, context, found)


def find_attributions(text: str) -> Found:
    """Attributions by quotation marks and patterns (see the module docstring)."""
    found = Found()
    quotations = [q for q in find_quotations(text) if not is_scare_quote(text, q)]
    claimed: list[Fragment] = []
    last: tuple[Fragment, int] | None = None
    skip = -1
    for k, q in enumerate(quotations):
        if k <= skip:
            continue
        tag = q.end
        while tag < len(text) and text[tag] in "'’”\"":
            tag += 1  # the rest of a closing mark ('' of wire copy)
        after = _AFTER_QUOTE.match(text, tag, min(len(text), tag + 120))
        line_start = text.rfind("\n", 0, q.start) + 1
        before = _BEFORE_QUOTE.search(text[max(line_start, q.start - 160):q.start])
        base_before = max(line_start, q.start - 160)
        speaker: Fragment | None = None
        cue: Fragment | None = None
        fragments = list(q.inner)
        why = ""
        confidence = 0.0
        closes_sentence = text[q.inner[-1][1] - 1:q.inner[-1][1]] == "."
        if after is not None and not closes_sentence and \
                _speaker_ok(text, _group(after, "speaker", 0)):
            speaker = _group(after, "speaker", 0)
            cue = _group(after, "verb", 0)
            assert cue is not None
            confidence = SPEECH_VERBS[_lemma(text, cue)]
            why = f"quotation marks; '{text[cue[0]:cue[1]]}' after the quotation"
            if k + 1 < len(quotations):
                nxt = quotations[k + 1]
                between = text[after.end():nxt.start]
                if len(between.split()) <= 5 and between.strip().endswith(",") \
                        and "\n" not in between:
                    fragments.extend(nxt.inner)
                    skip = k + 1
        elif before is not None and _speaker_ok(text, _group(before, "speaker", base_before)):
            speaker = _group(before, "speaker", base_before)
            cue = _group(before, "verb", base_before)
            assert cue is not None
            confidence = SPEECH_VERBS[_lemma(text, cue)] * 0.95
            why = f"quotation marks; introduced by '{text[cue[0]:cue[1]]}'"
        elif last is not None and last[1] >= q.start and \
                (q.start == 0 or (text[q.start - 1] in "\n " and
                 text[max(0, q.start - 3):q.start].strip()[-1:] in ("", ".", "!", "?"))):
            previous = found.attributions[-1] if found.attributions else None
            between = text[previous.content[-1][1]:q.start] if previous is not None else ""
            if previous is not None and "\n" not in between and len(between.split()) <= 12 \
                    and not any(c in between.lstrip(",.!?;:”\"»’ ") for c in "“”\"«»„"):
                # "“A,” he said. “B.”": B goes on with the same quote
                previous.content = (*previous.content, *q.inner)
                claimed.extend(q.inner)
                continue
            speaker = last[0]
            confidence = 0.45
            why = "quotation marks; speaker of the paragraph's previous attribution"
        if confidence == 0.0:
            continue
        speaker = _without_final_period(text, speaker)
        found.attributions.append(Attribution(
            tuple(fragments), "direct", speaker, (cue,) if cue else None, confidence, why,
            speaker_explanation="speaker pattern next to the quotation"))
        claimed.extend(fragments)
        if speaker is not None:
            last = (speaker, _line_end(text, q.end))
    for att in headline_attributions(text):
        if not any(c[0] < f[1] and f[0] < c[1] for f in att.content for c in claimed):
            found.attributions.append(att)
            claimed.extend(att.content)
    for s0, s1 in sentences(text):
        while s0 < s1 and text[s0].isspace():
            s0 += 1
        sentence = text[s0:s1]
        for att in _sentence_attributions(text, s0, sentence, quotations):
            if any(c[0] < f[1] and f[0] < c[1] for f in att.content for c in claimed):
                continue
            found.attributions.append(att)
            claimed.extend(att.content)
    found.attributions.sort(key=lambda a: a.content[0])
    return found


_HEADLINE = re.compile(
    r"^(?P<speaker>(?:(?:Dr|Mr|Mrs|Ms|Gov|Sen|Rep|Gen)\.[ \t])?"
    r"[A-Z][\w’'.-]*(?:[ \t]+[A-Za-z][\w’'.-]*){0,3})"
    r"(?P<cue>:)\s+(?P<content>\S[^\n]{8,200})$", re.M)
_NOT_HEADLINE_SOURCES = frozenset({
    "update", "updated", "note", "watch", "related", "photo", "photos", "video", "source",
    "sources", "correction", "read more", "breaking", "exclusive", "editor's note",
    "editor’s note", "listen", "see also", "warning", "q", "a", "question", "answer", "disclosure",
    "by", "via", "also", "more", "live", "analysis", "opinion", "comment", "summary", "transcript",
    # credit lines: "Contributing: A. Reporter", "Additional reporting: …"
    "wow", "bombshell", "busted", "revealed", "byline", "factbox", "explainer", "fact check",
    "contributing", "contributors", "additional reporting", "reporting", "editing", "writing",
    "credit", "credits", "illustration", "graphic", "graphics", "map", "caption",
})


# words that do not occur in a source's name: a title, a rubric or a sentence before the colon
# ("The Latest: …", "Big Win For Bernie: …", "Now we know: …")
_TITLE_WORDS = frozenset({"the", "a", "an", "this", "that", "these", "here", "there", "now",
                          "but", "and", "or", "still", "for", "in", "on", "to", "with", "is",
                          "are", "was", "my", "our", "your", "its", "their", "why", "how",
                          "what", "when", "who", "where", "big", "new", "latest", "daily",
                          "update", "poll", "news", "notice", "week", "morning", "email"})
_NAME_PARTICLES = frozenset({"de", "van", "von", "der", "den", "al", "bin", "da", "du", "la",
                             "le", "of", "y"})


def _looks_like_a_source(name: str) -> bool:
    """A name before a headline's colon: capitalised words (name particles aside), none of
    them a title's or a sentence's word."""
    words = name.replace("’s", "").replace("'s", "").split()
    return all(w.lower().strip(".") not in _TITLE_WORDS for w in words) and \
        all(w[:1].isupper() or w in _NAME_PARTICLES for w in words)


def headline_attributions(text: str) -> list[Attribution]:
    """"Source: what they said" on a line of its own (news headlines: "Varnay: Border Stays
    Shut"): the name before the colon is the speaker, the colon the cue, the rest the quote.
    Titles and rubrics before a colon ("The Latest: …", "Now we know: …") are no source."""
    out: list[Attribution] = []
    for m in _HEADLINE.finditer(text):
        name = m.group("speaker")
        content = m.group("content").rstrip()
        quoted = content[:1] in "“\"‘'«"
        if name.lower() in _NOT_HEADLINE_SOURCES or any(c.isdigit() for c in name) \
                or len(content.split()) > 30 or content.endswith((":", "?")) \
                or (name.isupper() and len(name) > 3) \
                or not _looks_like_a_source(name) or len(content.split()) < (2 if quoted else 5):
            # a rubric in capitals ("BREAKING:"), a question put about someone, or a short
            # subhead ("Rubio: Finish second.") says what is said of the name, not by it
            continue
        start = m.start("content")
        frag = (start, start + len(content))
        inner = content.strip("“”\"‘’'«» ")
        form = "direct" if inner != content and len(inner) >= len(content) - 3 else "indirect"
        if form == "indirect" and any(c in content for c in "“”\"‘’"):
            form = "mixed"
        out.append(Attribution((frag,), form, (m.start("speaker"), m.end("speaker")),
                               ((m.start("cue"), m.end("cue")),), 0.7,
                               "a name and a colon opening the line",
                               speaker_explanation="the name before the colon"))
    return out


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _form(text: str, frag: Fragment, quotations: list[Quotation]) -> str:
    inside = [q for q in quotations if frag[0] <= q.start < frag[1]]
    return "mixed" if inside else "indirect"


def _sentence_attributions(text: str, s0: int, sentence: str,
                           quotations: list[Quotation]) -> list[Attribution]:
    out: list[Attribution] = []
    for m in _ACCORDING.finditer(sentence):
        speaker = _group(m, "speaker", s0)
        cue = _group(m, "cue", s0)
        assert speaker is not None and cue is not None
        left = (s0, cue[0])
        right = (speaker[1], s0 + len(sentence))
        side = left if cue[0] - s0 > 12 else right
        content = _strip(text, side)
        if content[1] - content[0] > 8:
            out.append(Attribution((content,), _form(text, content, quotations), speaker,
                                   (cue,), 0.8, "cue 'according to'",
                                   speaker_explanation="object of 'according to'"))
        return out
    for pattern, factor, where in ((_INDIRECT, 0.9, "after"), (_REVERSED, 0.85, "before")):
        match = pattern.search(sentence)
        if match is None or not _speaker_ok(text, _group(match, "speaker", s0)):
            continue
        speaker = _group(match, "speaker", s0)
        cue = _group(match, "verb", s0)
        raw = _group(match, "content", s0)
        assert speaker is not None and cue is not None and raw is not None
        content = _strip(text, raw)
        if content[1] - content[0] > 8:
            verb = text[cue[0]:cue[1]]
            out.append(Attribution((content,), _form(text, content, quotations), speaker,
                                   (cue,), SPEECH_VERBS[_lemma(text, cue)] * factor,
                                   f"reported speech {where} '{verb}'",
                                   speaker_explanation=f"subject of '{verb}'"))
            return out
    return out


def _strip(text: str, frag: Fragment) -> Fragment:
    s, e = frag
    while s < e and (text[s].isspace() or text[s] in ",;:—–-"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:.—–-"):
        e -= 1
    return (s, e)
