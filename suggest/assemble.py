"""From attributions and conditionals found in a text to :class:`~suggest.base.Proposals`.

Both built-in suggesters find :class:`Attribution` records (content, speaker, cue)
and :class:`Conditional` records; this module turns them into proposed spans with
keys, links them, reuses a span already stored in the document (the relation then
targets its integer id instead of proposing a twin), resolves pronoun speakers to
the nearest compatible actor for the explanation, and proposes the registry's
actors where the text names them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from storage.schema import Schema
from suggest.base import (
    ActorEntry,
    Fragment,
    Proposals,
    ProposedRelation,
    ProposedSpan,
    SuggestContext,
)
from suggest.lexicon import PRONOUN_KIND

_WORD = re.compile(r"\w+")


@dataclass
class Attribution:
    """Attributed content with its source and cue, as a suggester found it."""

    content: tuple[Fragment, ...]
    form: str
    speaker: Fragment | None
    cue: tuple[Fragment, ...] | None
    confidence: float
    explanation: str
    speaker_kind: str | None = None
    speaker_explanation: str = ""


@dataclass
class Conditional:
    """An antecedent (with its conjunction) and its consequence, with a holder when known."""

    condition: Fragment
    consequence: Fragment | None
    polarity: str
    consequence_type: str
    holder: Fragment | None
    confidence: float
    explanation: str
    counterfactual: bool = False


@dataclass
class Found:
    attributions: list[Attribution] = field(default_factory=list)
    conditionals: list[Conditional] = field(default_factory=list)


def _clean(text: str, frag: Fragment) -> Fragment:
    s, e = frag
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;"):
        e -= 1
    return (s, e)


class _Builder:
    def __init__(self, text: str, schema: Schema, context: SuggestContext) -> None:
        self.text = text
        self.schema = schema
        self.labels = set(schema.label_names)
        self.relations = {r.name for r in schema.relations}
        self.spans: list[ProposedSpan] = []
        self.rels: list[ProposedRelation] = []
        self.by_frag: dict[tuple[str, tuple[Fragment, ...]], str | int] = {}
        for existing in context.spans:
            self.by_frag[(existing.label, tuple(existing.fragments))] = existing.id
        self.counter = 0

    def span(self, label: str, fragments: tuple[Fragment, ...], attributes: dict[str, object],
             confidence: float, explanation: str) -> str | int | None:
        if label not in self.labels:
            return None
        fragments = tuple(f for f in (_clean(self.text, f) for f in fragments) if f[0] < f[1])
        if not fragments:
            return None
        known = self.by_frag.get((label, fragments))
        if known is not None:
            return known
        self.counter += 1
        key = f"{label[0].lower()}{self.counter}"
        label_def = self.schema.label(label)
        attrs = {k: v for k, v in attributes.items()
                 if label_def is not None and label_def.attribute(k) is not None}
        self.spans.append(ProposedSpan(key, label, fragments, attrs,
                                       round(min(max(confidence, 0.0), 1.0), 3), explanation))
        self.by_frag[(label, fragments)] = key
        return key

    def relation(self, type_: str, source: str | int | None, target: str | int | None,
                 confidence: float, explanation: str) -> None:
        if type_ not in self.relations or not isinstance(source, str) or target is None:
            return
        self.rels.append(ProposedRelation(type_, source, target,
                                          round(min(max(confidence, 0.0), 1.0), 3), explanation))


def _nearest_actor(text: str, position: int, pronoun: str, actors: Sequence[Fragment],
                   kinds: dict[Fragment, str]) -> Fragment | None:
    wanted = PRONOUN_KIND.get(pronoun.lower())
    best: Fragment | None = None
    for frag in actors:
        if frag[1] > position:
            continue
        name = text[frag[0]:frag[1]]
        if name.lower() in PRONOUN_KIND:
            continue
        if wanted and kinds.get(frag, "person") not in wanted:
            continue
        if best is None or frag[1] > best[1]:
            best = frag
    return best


Mention = tuple[Fragment, ActorEntry, str]


def registry_mentions(text: str, actors: Sequence[ActorEntry]) -> list[Mention]:
    """Where the registry's actors are named: (fragment, entry, the name or alias matched)."""
    out: list[tuple[Fragment, ActorEntry, str]] = []
    taken: list[Fragment] = []
    names = sorted(((n, a) for a in actors for n in (a.name, *a.aliases) if n.strip()),
                   key=lambda na: -len(na[0]))
    for name, entry in names:
        for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
            frag = (m.start(), m.end())
            if any(frag[0] < t[1] and t[0] < frag[1] for t in taken):
                continue
            taken.append(frag)
            out.append((frag, entry, name))
    out.sort()
    return out


def build(text: str, schema: Schema, context: SuggestContext, found: Found) -> Proposals:
    """The proposals for ``found`` (see the module docstring)."""
    b = _Builder(text, schema, context)
    registry = registry_mentions(text, context.actors)
    kinds: dict[Fragment, str] = {frag: entry.kind for frag, entry, _ in registry}
    for existing in context.spans:
        if existing.label == "Actor":
            kind = existing.attributes.get("kind")
            kinds[(existing.start, existing.end)] = str(kind) if kind else "person"
    speakers = [a.speaker for a in found.attributions if a.speaker is not None]
    for frag in speakers:
        kinds.setdefault(frag, "person")
    actor_frags = sorted(set(kinds))

    def actor(frag: Fragment, confidence: float, why: str,
              kind: str | None = None) -> str | int | None:
        for (rs, re_), entry, name in registry:
            if (rs <= frag[0] and frag[1] <= re_) or (frag[0] <= rs and re_ <= frag[1]):
                kind = kind or entry.kind
                alias = "" if name == entry.name else f" (alias '{name}')"
                why = f"{why}; registry actor '{entry.name}'{alias}"
                break
        word = text[frag[0]:frag[1]]
        attrs: dict[str, object] = {"kind": kind or "person"}
        if word.lower() in PRONOUN_KIND:
            attrs["mention"] = "pronoun"
            antecedent = _nearest_actor(text, frag[0], word, actor_frags, kinds)
            if antecedent is not None:
                name = text[antecedent[0]:antecedent[1]]
                why = f"{why}; '{word}' refers to '{name}' (nearest compatible actor)"
                attrs["kind"] = kinds.get(antecedent, attrs["kind"])
        elif word[:1].islower():
            attrs["mention"] = "nominal"
        else:
            attrs["mention"] = "name"
        return b.span("Actor", (frag,), attrs, confidence, why)

    for att in found.attributions:
        attrs: dict[str, object] = {"form": att.form}
        if att.speaker is None:
            attrs["anonymous"] = True
        quote = b.span("Quote", att.content, attrs, att.confidence, att.explanation)
        if quote is None:
            continue
        if att.speaker is not None:
            speaker = actor(att.speaker, att.confidence,
                            att.speaker_explanation or "source of the quote", att.speaker_kind)
            b.relation("speaker", quote, speaker, att.confidence,
                       att.speaker_explanation or "source of the quote")
        if att.cue:
            cue_text = " … ".join(text[s:e] for s, e in att.cue)
            cue = b.span("Cue", att.cue, {}, att.confidence, f"reporting cue '{cue_text}'")
            b.relation("cue", quote, cue, att.confidence, f"cue '{cue_text}'")
    for frag, entry, name in registry:
        alias = "" if name == entry.name else f" (alias '{name}')"
        actor(frag, 0.6, f"names registry actor '{entry.name}'{alias}", entry.kind)
    for cond in found.conditionals:
        attrs = {"polarity": cond.polarity, "counterfactual": cond.counterfactual}
        c_key = b.span("Condition", (cond.condition,), attrs, cond.confidence, cond.explanation)
        if c_key is None:
            continue
        if cond.consequence is not None:
            n_key = b.span("Consequence", (cond.consequence,), {"type": cond.consequence_type},
                           cond.confidence, f"what follows: {cond.consequence_type}")
            b.relation("consequence", c_key, n_key, cond.confidence, cond.explanation)
        if cond.holder is not None:
            h_key = actor(cond.holder, cond.confidence, "holder: the enclosing quote's speaker")
            b.relation("holder", c_key, h_key, cond.confidence,
                       "holder: the enclosing quote's speaker")
    return Proposals(tuple(sorted(b.spans, key=lambda s: (s.start, s.end, s.label))),
                     tuple(b.rels))

