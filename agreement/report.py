"""Inter-annotator agreement of a project: every measure, for each pair and for all.

:func:`compute_agreement` reads the project once (streaming, through
:func:`storage.corpus.iter_corpus`) and returns an :class:`AgreementReport`:

* one :class:`GroupResult` per pair of annotators, on the documents both marked
  done (the first annotator of the pair is the reference for precision/recall,
  Cohen's kappa for token codes);
* one :class:`GroupResult` over all annotators that share done documents with
  another, on the documents all of them marked done (span and relation counts
  pooled over their pairs, Fleiss' kappa, alpha and alpha_u over all of them).

Each group has, per label and overall (all compared labels together): span
P/R/F1 with exact, any-overlap and minimum-ratio overlap matching
(:mod:`agreement.spans`), a kappa and Krippendorff's nominal alpha on token
codes (:mod:`agreement.tokens`; overall: the combined multi-class code), and
unitizing alpha on characters (:mod:`agreement.unitizing`; overall: pooled over
labels). Relations (:mod:`agreement.relations`) and attributes
(:mod:`agreement.attributes`) are compared on the spans matched with the
minimum-ratio overlap matching.

:meth:`AgreementReport.as_dict` gives the JSON layout documented in
:mod:`cli.agreement_cmd`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from agreement.attributes import AttributeTally, compare_attributes, compared_attributes, mean
from agreement.coefficients import cohen_kappa, fleiss_kappa, nominal_alpha
from agreement.relations import (
    RelationTally,
    compare_relations,
    compared_relation_types,
    is_actor_level,
)
from agreement.spans import MATCHING_METHODS, MatchCounts, exact_matches, match_spans
from agreement.tokens import TOKENIZER, TokenCodes, TokenGrid, token_codes
from agreement.unitizing import UnitizingTally, pooled_alpha
from storage.adjudication import GOLD
from storage.corpus import CorpusFilter, Layer, iter_corpus
from storage.errors import SaywhoError, ValidationError
from storage.models import Status
from storage.project import Project
from storage.schema import AttributeDef, RelationDef
from storage.views import SpanView

FORMAT = "saywho-agreement/1"
CURATOR = "curator"  # the role of the adjudication layer, left out by default

Pair = tuple[str, str]


class NotEnoughAnnotations(SaywhoError):
    """Fewer than two annotators marked the same document done."""


@dataclass(frozen=True)
class AgreementOptions:
    """What to compare and how.

    Attributes:
        annotators: these annotators, in this order (the earlier one of a pair is
            its reference); None: every annotator except the curator's gold layer,
            by name.
        labels: these labels; None: every label of the schema.
        min_overlap: the minimum overlap / union ratio of the ratio matching.
        matching: "hungarian" or "greedy" one-to-one matching.
    """

    annotators: tuple[str, ...] | None = None
    labels: tuple[str, ...] | None = None
    min_overlap: float = 0.5
    matching: str = "hungarian"


@dataclass
class LabelResult:
    """The measures of one label (or of all labels together) in one group."""

    exact: MatchCounts
    overlap: MatchCounts
    min_overlap: MatchCounts
    kappa: float | None
    alpha: float | None
    alpha_u: float | None

    def as_dict(self, kappa_key: str) -> dict[str, Any]:
        return {"exact": self.exact.as_dict(), "overlap": self.overlap.as_dict(),
                "min_overlap": self.min_overlap.as_dict(), kappa_key: self.kappa,
                "alpha": self.alpha, "alpha_u": self.alpha_u}


@dataclass
class AttributeResult:
    pairs: int
    agree: int
    observed: float | None
    kappa: float | None

    def as_dict(self, kappa_key: str) -> dict[str, Any]:
        return {"pairs": self.pairs, "agree": self.agree, "observed": self.observed,
                kappa_key: self.kappa}


@dataclass
class GroupResult:
    """Every measure for a pair of annotators, or for all of them."""

    annotators: tuple[str, ...]
    documents: int
    tokens: int
    labels: dict[str, LabelResult]
    overall: LabelResult
    relations: dict[str, RelationTally]
    attributes: dict[str, dict[str, AttributeResult]]

    @property
    def is_pair(self) -> bool:
        return len(self.annotators) == 2

    def as_dict(self) -> dict[str, Any]:
        kappa_key = "cohen_kappa" if self.is_pair else "fleiss_kappa"
        attribute_kappa = "cohen_kappa" if self.is_pair else "mean_cohen_kappa"
        # "annotators" always, so a script can read it in pairs and in "all" alike
        head: dict[str, Any] = {"annotators": list(self.annotators)}
        if self.is_pair:
            head.update(reference=self.annotators[0], other=self.annotators[1])
        return {
            **head,
            "documents": self.documents,
            "tokens": self.tokens,
            "labels": {name: r.as_dict(kappa_key) for name, r in self.labels.items()},
            "overall": self.overall.as_dict(kappa_key),
            "relations": {name: t.as_dict() for name, t in self.relations.items()},
            "attributes": {label: {name: r.as_dict(attribute_kappa) for name, r in attrs.items()}
                           for label, attrs in self.attributes.items()},
        }


@dataclass
class AgreementReport:
    project: str
    annotators: tuple[str, ...]
    labels: tuple[str, ...]
    options: AgreementOptions
    pairs: list[GroupResult]
    all: GroupResult | None
    left_out: tuple[str, ...] = ()  # selected, but sharing no done document with another

    def pair(self, first: str, second: str) -> GroupResult:
        """The result of a pair, in either order (KeyError when they share no document)."""
        for result in self.pairs:
            if set(result.annotators) == {first, second}:
                return result
        raise KeyError((first, second))

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "project": self.project,
            "annotators": list(self.annotators),
            "left_out": list(self.left_out),
            "labels": list(self.labels),
            "options": {"min_overlap": self.options.min_overlap,
                        "matching": self.options.matching, "tokenizer": TOKENIZER},
            "pairs": [p.as_dict() for p in self.pairs],
            "all": self.all.as_dict() if self.all is not None else None,
        }


@dataclass
class _PairDocument:
    """What comparing two layers of one document gives."""

    exact: dict[str, MatchCounts]
    overlap: dict[str, MatchCounts]
    min_overlap: dict[str, MatchCounts]
    relations: dict[str, RelationTally]
    attributes: dict[tuple[str, str], AttributeTally]


@dataclass
class _Settings:
    labels: tuple[str, ...]
    min_overlap: float
    matching: str
    relation_types: list[RelationDef]
    actor_level: dict[str, bool]
    attributes: dict[str, list[AttributeDef]]


def _counts_by_label(labels: Sequence[str], pairs: Sequence[tuple[SpanView, SpanView]],
                     reference: Sequence[SpanView], other: Sequence[SpanView]
                     ) -> dict[str, MatchCounts]:
    result = {label: MatchCounts() for label in labels}
    for span in reference:
        if span.label in result:
            result[span.label].reference += 1
    for span in other:
        if span.label in result:
            result[span.label].other += 1
    for span, _ in pairs:
        if span.label in result:
            result[span.label].matched += 1
    return result


def _compare_pair(settings: _Settings, reference: Layer, other: Layer) -> _PairDocument:
    labels = settings.labels
    exact = _counts_by_label(labels, [], reference.spans, other.spans)
    for label in labels:
        exact[label].matched = exact_matches([s for s in reference.spans if s.label == label],
                                             [s for s in other.spans if s.label == label])
    any_pairs = match_spans(reference.spans, other.spans, 0.0, settings.matching)
    ratio_pairs = any_pairs if settings.min_overlap == 0 else match_spans(
        reference.spans, other.spans, settings.min_overlap, settings.matching)
    matched = {a.id: b.id for a, b in ratio_pairs}
    return _PairDocument(
        exact=exact,
        overlap=_counts_by_label(labels, any_pairs, reference.spans, other.spans),
        min_overlap=_counts_by_label(labels, ratio_pairs, reference.spans, other.spans),
        relations=compare_relations(settings.relation_types, settings.actor_level,
                                    reference, other, matched),
        attributes=compare_attributes(settings.attributes, ratio_pairs),
    )


class _Group:
    """Running sums of one group of annotators (a pair, or all)."""

    def __init__(self, annotators: Sequence[str], settings: _Settings) -> None:
        self.annotators = tuple(annotators)
        self.settings = settings
        self.documents = 0
        self.tokens = 0
        labels = settings.labels
        self.codes: dict[str, list[TokenCodes]] = {a: [] for a in annotators}
        self.exact = {label: MatchCounts() for label in labels}
        self.overlap = {label: MatchCounts() for label in labels}
        self.min_overlap = {label: MatchCounts() for label in labels}
        self.unitizing = {label: UnitizingTally(len(annotators)) for label in labels}
        self.relations = {r.name: RelationTally(settings.actor_level[r.name])
                          for r in settings.relation_types}
        self.attributes: dict[Pair, dict[tuple[str, str], AttributeTally]] = {}

    @property
    def pairs(self) -> list[Pair]:
        return list(combinations(self.annotators, 2))

    def add_document(self, text_length: int, layers: dict[str, Layer],
                     codes: dict[str, TokenCodes], compared: dict[Pair, _PairDocument]) -> None:
        self.documents += 1
        for annotator in self.annotators:
            self.codes[annotator].append(codes[annotator])
        self.tokens += len(codes[self.annotators[0]].combined)
        for label in self.settings.labels:
            self.unitizing[label].add_section(0, text_length, [
                [f for s in layers[a].spans if s.label == label for f in s.fragments]
                for a in self.annotators])
        for pair in self.pairs:
            result = compared[pair]
            for label in self.settings.labels:
                self.exact[label].add(result.exact[label])
                self.overlap[label].add(result.overlap[label])
                self.min_overlap[label].add(result.min_overlap[label])
            for name, tally in result.relations.items():
                self.relations[name].add(tally)
            mine = self.attributes.setdefault(pair, {})
            for key, values in result.attributes.items():
                mine.setdefault(key, AttributeTally()).add(values)

    def _stacked(self, pick: Callable[[TokenCodes], np.ndarray]) -> np.ndarray:
        """ratings[annotator, token] over all documents of the group."""
        return np.vstack([np.concatenate([pick(c) for c in self.codes[a]])
                          if self.codes[a] else np.zeros(0, dtype=np.int64)
                          for a in self.annotators])

    def _binary(self, index: int) -> np.ndarray:
        return self._stacked(lambda codes: codes.binary[index])

    def _kappa(self, ratings: np.ndarray) -> float | None:
        if len(self.annotators) == 2:
            return cohen_kappa(ratings[0], ratings[1])
        return fleiss_kappa(ratings)

    def result(self) -> GroupResult:
        labels: dict[str, LabelResult] = {}
        for index, label in enumerate(self.settings.labels):
            ratings = self._binary(index)
            labels[label] = LabelResult(self.exact[label], self.overlap[label],
                                        self.min_overlap[label], self._kappa(ratings),
                                        nominal_alpha(ratings), self.unitizing[label].alpha())
        combined = self._stacked(lambda c: c.combined)
        overall = LabelResult(_sum(self.exact.values()), _sum(self.overlap.values()),
                              _sum(self.min_overlap.values()), self._kappa(combined),
                              nominal_alpha(combined), pooled_alpha(self.unitizing.values()))
        attributes: dict[str, dict[str, AttributeResult]] = {}
        for label, defs in self.settings.attributes.items():
            for attribute in defs:
                tallies = [self.attributes.get(pair, {}).get((label, attribute.name))
                           for pair in self.pairs]
                present = [t for t in tallies if t is not None and t.pairs]
                pooled = AttributeTally()
                for tally in present:
                    pooled.add(tally)
                kappa = (pooled.kappa if len(self.annotators) == 2
                         else mean(t.kappa for t in present))
                attributes.setdefault(label, {})[attribute.name] = AttributeResult(
                    pooled.pairs, pooled.agree, pooled.observed, kappa)
        return GroupResult(self.annotators, self.documents, self.tokens, labels, overall,
                           dict(self.relations), attributes)


def _sum(counts: Any) -> MatchCounts:
    total = MatchCounts()
    for count in counts:
        total.add(count)
    return total


def resolve_options(project: Project, options: AgreementOptions
                    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The annotators and labels to compare, checked against the project.

    Raises:
        ValidationError: an unknown annotator or label, a repeated or a single
            annotator, a ratio outside [0, 1] or an unknown matching method.
    """
    known = project.annotators()
    names = [a.name for a in known]
    if options.annotators is None:
        annotators = tuple(a.name for a in known if a.name != GOLD and a.role != CURATOR)
    else:
        annotators = tuple(options.annotators)
        unknown = [a for a in annotators if a not in names]
        if unknown:
            raise ValidationError(f"unknown annotator '{unknown[0]}' (the project has: "
                                  f"{', '.join(names) or 'none'})")
        if len(set(annotators)) != len(annotators):
            raise ValidationError("an annotator is named twice in --annotators")
        if len(annotators) < 2:
            raise ValidationError("agreement needs at least two annotators")
    schema_labels = project.schema.label_names
    if options.labels is None:
        labels = tuple(schema_labels)
    else:
        labels = tuple(dict.fromkeys(options.labels))
        unknown = [label for label in labels if label not in schema_labels]
        if unknown:
            raise ValidationError(f"unknown label '{unknown[0]}' (the schema has: "
                                  f"{', '.join(schema_labels)})")
    if not 0.0 <= options.min_overlap <= 1.0:
        raise ValidationError(f"minimum overlap {options.min_overlap} is not between 0 and 1")
    if options.matching not in MATCHING_METHODS:
        raise ValidationError(f"unknown matching '{options.matching}' "
                              f"(choose from {', '.join(MATCHING_METHODS)})")
    return annotators, labels


def compute_agreement(project: Project, options: AgreementOptions | None = None
                      ) -> AgreementReport:
    """Computes every agreement measure of ``project`` (see the module docstring).

    Raises:
        ValidationError: bad options (see :func:`resolve_options`).
        NotEnoughAnnotations: no two annotators marked a same document done.
    """
    options = options or AgreementOptions()
    annotators, labels = resolve_options(project, options)
    done = {a: {d.id for d in project.documents(annotator=a, status=Status.DONE)}
            for a in annotators}
    pairs = [(a, b) for a, b in combinations(annotators, 2) if done[a] & done[b]]
    if not pairs:
        counts = ", ".join(f"{a}: {len(done[a])}" for a in annotators) or "no annotators"
        raise NotEnoughAnnotations(
            "fewer than two annotators have done documents in common, so there is no "
            f"agreement to measure (documents marked done: {counts})")
    participants = tuple(a for a in annotators if any(a in pair for pair in pairs))
    shared_by_all = set.intersection(*(done[a] for a in participants))

    schema = project.schema
    relation_types = compared_relation_types(schema, labels)
    settings = _Settings(labels, options.min_overlap, options.matching, relation_types,
                         {r.name: is_actor_level(schema, r) for r in relation_types},
                         compared_attributes(schema, labels))
    pair_groups = {pair: _Group(pair, settings) for pair in pairs}
    all_group = _Group(participants, settings) if shared_by_all else None

    selection = CorpusFilter(annotators=list(participants), status=Status.DONE, labels=list(labels))
    for corpus_document in iter_corpus(project, selection):
        layers = {layer.annotator: layer for layer in corpus_document.layers
                  if layer.status == Status.DONE}
        present = [a for a in participants if a in layers]
        if len(present) < 2:
            continue
        text = corpus_document.document.text
        grid = TokenGrid.of(text)
        codes = {a: token_codes(grid, layers[a].spans, labels) for a in present}
        compared: dict[Pair, _PairDocument] = {}
        for pair in combinations(present, 2):
            if pair in pair_groups:
                compared[pair] = _compare_pair(settings, layers[pair[0]], layers[pair[1]])
                pair_groups[pair].add_document(len(text), layers, codes, compared)
        if all_group is not None and len(present) == len(participants):
            all_group.add_document(len(text), layers, codes, compared)

    return AgreementReport(
        project=project.name,
        annotators=participants,
        labels=labels,
        options=AgreementOptions(annotators, labels, options.min_overlap, options.matching),
        pairs=[group.result() for group in pair_groups.values()],
        all=all_group.result() if all_group is not None else None,
        left_out=tuple(a for a in annotators if a not in participants),
    )
