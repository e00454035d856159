"""Which verb introduces reported content in which dependency relation, with what confidence.

The syntax suggester looks at each verb's *content candidates* on the parse: its
complement clause (``ccomp``), infinitive clause (``xcomp``), direct object
(``dobj``), the object of a following preposition (``prep:for``, ``prep:about`` …),
a passive's subject with its infinitive clause (``passive``: "the vote is expected to be
close") and, for a verb that interrupts a clause ("…, the minister said"), that clause
(``parataxis``). A :class:`VerbTable` gives the confidence that the candidate is
content attributed to the verb's subject, by (lemma, relation).

:data:`BUILTIN` is the hand-written table of :mod:`suggest.lexicon` (verb classes of
attribution, no counts from any corpus).
:func:`learn` counts, on a gold corpus the user points to (native JSON Lines with
Quote spans linked to their Cue), how often each (lemma, relation) candidate was
annotated as a quote of that cue, and :func:`save` / :func:`load` keep the result
as a small JSON file (``saywho-verb-table/1``) outside the package; the setting
``verb_table`` (a path) makes the syntax suggester use it on top of the built-in one.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storage.errors import SaywhoError
from suggest.lexicon import (
    CLAUSE_VERBS,
    INFINITIVE_CLAUSE_VERBS,
    OBJECT_VERBS,
    PARATAXIS_VERBS,
    PASSIVE_VERBS,
    PREPOSITION_VERBS,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

FORMAT = "saywho-verb-table/1"
MIN_SEEN = 3  # a learned entry needs this many candidates in the corpus


class VerbTableError(SaywhoError):
    """A verb table file that is missing, unreadable or of another format."""


@dataclass(frozen=True)
class VerbTable:
    """Confidence by (verb lemma, relation); learned entries override the built-in ones."""

    entries: Mapping[tuple[str, str], float] = field(default_factory=dict)
    source: str = "built-in"

    def confidence(self, lemma: str, relation: str, subject: str = "") -> float | None:
        """The most specific entry: (lemma, relation, subject kind), then (lemma, relation)."""
        if subject:
            specific = self.entries.get((lemma, f"{relation}/{subject}"))
            if specific is not None:
                return specific
        return self.entries.get((lemma, relation))

    def reporting(self, lemma: str) -> bool:
        """Whether ``lemma`` introduces content in any relation with confidence >= 0.5."""
        return any(k[0] == lemma and v >= 0.5 for k, v in self.entries.items())

    def combined(self, other: VerbTable) -> VerbTable:
        merged = dict(self.entries)
        merged.update(other.entries)
        return VerbTable(merged, f"{other.source} over {self.source}")


def _builtin() -> VerbTable:
    entries: dict[tuple[str, str], float] = {}
    for lemma, conf in CLAUSE_VERBS.items():
        entries[(lemma, "ccomp")] = conf
    for lemma, conf in PARATAXIS_VERBS.items():
        entries[(lemma, "parataxis")] = conf
    for lemma, conf in PASSIVE_VERBS.items():
        entries[(lemma, "passive")] = conf
    for lemma, conf in INFINITIVE_CLAUSE_VERBS.items():
        entries[(lemma, "xcomp")] = conf
    for lemma, conf in OBJECT_VERBS.items():
        entries[(lemma, "dobj")] = conf
    for (lemma, prep), conf in PREPOSITION_VERBS.items():
        entries[(lemma, f"prep:{prep}")] = conf
    return VerbTable(entries)


BUILTIN = _builtin()


def candidates(verb: Token) -> Iterator[tuple[Token, str]]:
    """The verb's content candidates: (head token of the content, relation)."""
    passive = any(c.dep_ == "nsubjpass" for c in verb.children)
    for c in verb.children:
        if c.dep_ == "xcomp" and passive:
            yield c, "passive"  # "the vote is expected to be close": subject and clause
        elif c.dep_ in ("ccomp", "xcomp"):
            yield c, c.dep_
        elif c.dep_ == "dobj" and (c.pos_ != "PRON" or any(s.dep_ == "oprd"
                                                            for s in verb.children)):
            # a pronoun object only with what is said of it: "calling her a fraud"
            yield c, "dobj"
        elif c.dep_ == "prep" and c.i > verb.i:
            for g in c.children:
                if g.dep_ in ("pobj", "pcomp"):
                    yield g, f"prep:{c.lower_}"
    if verb.dep_ == "parataxis":
        yield verb.head, "parataxis"


def candidate_span(verb: Token, head: Token, relation: str) -> tuple[int, int]:
    """Character span of a candidate (the parataxis clause stops before the verb)."""
    lo = head.left_edge
    if relation == "passive":
        subject = next(c for c in verb.children if c.dep_ == "nsubjpass")
        lo = min(lo, subject.left_edge, key=lambda t: t.i)
    if relation == "parataxis" and verb.left_edge.i > lo.i:
        hi = verb.left_edge.i - 1
        return (lo.idx, head.doc[hi].idx + len(head.doc[hi].text))
    hi_tok = head.right_edge
    return (lo.idx, hi_tok.idx + len(hi_tok.text))


def subject_kind(subject: Token | None) -> str:
    """``name`` (a proper noun in the phrase), ``pronoun`` (a personal one), ``noun``, ``none``."""
    if subject is None:
        return "none"
    if subject.pos_ == "PRON" and subject.lower_ in ("he", "she", "they", "we", "i", "who"):
        return "pronoun"
    if subject.pos_ == "PROPN" or any(t.pos_ == "PROPN" for t in subject.subtree):
        return "name"
    return "noun"


SHRINK = 4.0  # how many observations the broader estimate is worth


def learn(pairs: Iterable[tuple[Mapping[str, Any], Doc]], min_seen: int = MIN_SEEN) -> VerbTable:
    """Counts, over (gold record, its parse) pairs, how often each candidate was a quote of
    its verb. Estimates are shrunk towards the broader one: (relation, subject kind) over
    all verbs, then (lemma, relation), then (lemma, relation, subject kind); an entry is kept
    when seen ``min_seen`` times."""
    from suggest.syntax import _subject
    seen: Counter[tuple[str, str]] = Counter()
    hits: Counter[tuple[str, str]] = Counter()
    for record, doc in pairs:
        sets = record.get("annotations") or []
        if not sets:
            continue
        layer = sets[0]
        spans = {s["id"]: s for s in layer.get("spans", [])}
        cue_quotes: dict[tuple[int, int], list[list[list[int]]]] = {}
        for rel in layer.get("relations", []):
            if rel.get("type") != "cue" or rel["source"] not in spans or rel["target"] not in spans:
                continue
            cue, quote = spans[rel["target"]], spans[rel["source"]]
            frags = quote.get("fragments") or [[quote["start"], quote["end"]]]
            cue_quotes.setdefault((cue["start"], cue["end"]), []).append(frags)
        by_token: dict[int, list[list[list[int]]]] = {}
        for (cs, ce), quotes in cue_quotes.items():
            for tok in doc.char_span(cs, ce, alignment_mode="expand") or ():
                by_token.setdefault(tok.i, []).extend(quotes)
        for tok in doc:
            if tok.pos_ not in ("VERB", "AUX"):
                continue
            lemma = tok.lemma_.lower()
            kind = subject_kind(_subject(tok)[0])
            for head, relation in candidates(tok):
                s, e = candidate_span(tok, head, relation)
                hit = any(f[0] < e and s < f[1] for frags in by_token.get(tok.i, ())
                          for f in frags)
                broad = relation.split(":")[0]
                for key in (("*", f"{broad}/{kind}"), (lemma, relation),
                            (lemma, f"{relation}/{kind}")):
                    seen[key] += 1
                    hits[key] += hit
    entries: dict[tuple[str, str], float] = {}
    priors: dict[tuple[str, str], float] = {}
    for key, n in seen.items():
        if key[0] == "*":
            priors[key] = (hits[key] + 0.5) / (n + 1)
    ordered = sorted(seen.items(), key=lambda kv: "/" in kv[0][1])
    for key, n in ordered:
        if key[0] == "*" or n < min_seen:
            continue
        relation, _, kind = key[1].partition("/")
        broad = relation.split(":")[0]
        if kind:
            parent = entries.get((key[0], relation))
            prior = parent if parent is not None else priors.get(("*", f"{broad}/{kind}"), 0.1)
        else:
            prior = sum(priors.get(("*", f"{broad}/{k}"), 0.1)
                        for k in ("name", "pronoun", "noun", "none")) / 4
        entries[key] = (hits[key] + SHRINK * prior) / (n + SHRINK)
    return VerbTable({k: round(v, 3) for k, v in entries.items()}, "learned")


def save(table: VerbTable, path: Path, corpus: str = "") -> None:
    data = {"format": FORMAT, "corpus": corpus,
            "entries": {f"{lemma}|{rel}": conf for (lemma, rel), conf in
                        sorted(table.entries.items())}}
    path.write_text(json.dumps(data, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")


def load(path: Path | str) -> VerbTable:
    """A table written by :func:`save`; :class:`VerbTableError` naming the file otherwise."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise VerbTableError(f"{path}: verb table cannot be read ({exc.strerror})") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise VerbTableError(f"{path}: verb table is not JSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise VerbTableError(f"{path}: not a verb table of format {FORMAT}")
    entries: dict[tuple[str, str], float] = {}
    for key, conf in (data.get("entries") or {}).items():
        lemma, sep, rel = str(key).partition("|")
        if not sep or not isinstance(conf, int | float) or not 0 <= conf <= 1:
            raise VerbTableError(f"{path}: bad entry {key!r}: {conf!r}")
        entries[(lemma, rel)] = float(conf)
    return VerbTable(entries, str(path))


def learn_from_corpus(records: Iterable[Mapping[str, Any]], model_names: tuple[str, ...],
                      min_seen: int = MIN_SEEN,
                      progress: Callable[[int], None] | None = None) -> VerbTable:
    """Parses every gold record's text with the first installed model of ``model_names``
    and :func:`learn` s from them (raises ``ModelUnavailable`` without a model)."""
    from suggest.syntax import load_first

    nlp = load_first(model_names)
    records = list(records)
    docs = nlp.pipe((str(r["text"]) for r in records), batch_size=8)

    def paired() -> Iterator[tuple[Mapping[str, Any], Doc]]:
        for n, (record, doc) in enumerate(zip(records, docs, strict=True), 1):
            if progress is not None:
                progress(n)
            yield record, doc

    return learn(paired(), min_seen)
