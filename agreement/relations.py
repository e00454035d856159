"""Relation agreement given matched spans.

For a relation type (speaker, holder, consequence, cue...) and each pair of
matched source spans (same label, matched by the overlap matching of
:mod:`agreement.spans`), the two annotators' targets of that type are compared:

* a pair of source spans counts when at least one annotator gave it a target;
* it *agrees* when both gave the same number of targets and each target of one
  annotator is matched to a target of the other;
* it agrees *at the actor level* when, in addition, two targets that are
  different mentions of the same registry actor (equal, non-empty
  ``entity_id``) count as the same target. This is reported for relation types
  whose targets are entity-linked labels (e.g. speaker and holder -> Actor).

Target links are also counted like spans (matched / reference / other), which
gives a precision, recall and F1 over links.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from agreement.spans import MatchCounts
from storage.corpus import Layer
from storage.schema import RelationDef, Schema
from storage.views import SpanView


@dataclass
class RelationTally:
    """Counts for one relation type, summable over documents and pairs."""

    actor_level: bool
    sources: int = 0
    agree: int = 0
    actor_agree: int = 0
    links: MatchCounts = field(default_factory=MatchCounts)
    actor_links: MatchCounts = field(default_factory=MatchCounts)

    def add(self, other: RelationTally) -> None:
        self.sources += other.sources
        self.agree += other.agree
        self.actor_agree += other.actor_agree
        self.links.add(other.links)
        self.actor_links.add(other.actor_links)

    @property
    def observed(self) -> float | None:
        return self.agree / self.sources if self.sources else None

    @property
    def actor_observed(self) -> float | None:
        if not self.actor_level or not self.sources:
            return None
        return self.actor_agree / self.sources

    def as_dict(self) -> dict[str, object]:
        return {
            "sources": self.sources,
            "agree": self.agree,
            "observed": self.observed,
            "targets": self.links.as_dict(),
            "actor_agree": self.actor_agree if self.actor_level else None,
            "actor_observed": self.actor_observed,
            "actor_targets": self.actor_links.as_dict() if self.actor_level else None,
        }


def compared_relation_types(schema: Schema, labels: Sequence[str]) -> list[RelationDef]:
    """The schema's relation types whose sources and targets are among ``labels``."""
    chosen = set(labels)
    return [r for r in schema.relations
            if chosen.intersection(r.sources) and chosen.intersection(r.targets)]


def is_actor_level(schema: Schema, relation: RelationDef) -> bool:
    """Whether every target label of ``relation`` is linked to the actor registry."""
    targets = [schema.label(name) for name in relation.targets]
    return bool(targets) and all(t is not None and t.entity for t in targets)


def _targets(layer: Layer, relation_type: str) -> dict[int, list[SpanView]]:
    spans = layer.span_by_id()
    result: dict[int, list[SpanView]] = defaultdict(list)
    for relation in layer.relations:
        if relation.type == relation_type and relation.target_id in spans:
            result[relation.source_id].append(spans[relation.target_id])
    return result


def _most_pairs(compatible: np.ndarray) -> int:
    """Size of a maximum one-to-one matching in a boolean compatibility matrix."""
    if not compatible.size or not compatible.any():
        return 0
    rows, cols = linear_sum_assignment(compatible.astype(np.int64), maximize=True)
    return int(compatible[rows, cols].sum())


def compare_relations(relation_types: Sequence[RelationDef], actor_level: Mapping[str, bool],
                      reference: Layer, other: Layer,
                      matches: Mapping[int, int]) -> dict[str, RelationTally]:
    """Tallies relation agreement of two layers of one document.

    Args:
        relation_types: the types to compare.
        actor_level: for each type name, whether to count actor-level agreement.
        reference: the reference annotator's layer.
        other: the other annotator's layer.
        matches: reference span id -> matched other span id (one-to-one).
    """
    result = {}
    reference_spans = reference.span_by_id()
    for relation in relation_types:
        tally = RelationTally(actor_level[relation.name])
        reference_targets = _targets(reference, relation.name)
        other_targets = _targets(other, relation.name)
        for reference_id, other_id in matches.items():
            source = reference_spans.get(reference_id)
            if source is None or source.label not in relation.sources:
                continue
            ours = reference_targets.get(reference_id, [])
            theirs = other_targets.get(other_id, [])
            if not ours and not theirs:
                continue
            tally.sources += 1
            same = np.array([[matches.get(a.id) == b.id for b in theirs] for a in ours],
                            dtype=bool).reshape(len(ours), len(theirs))
            linked = _most_pairs(same)
            tally.links.add(MatchCounts(linked, len(ours), len(theirs)))
            if linked == len(ours) == len(theirs):
                tally.agree += 1
            if tally.actor_level:
                same_actor = same | np.array(
                    [[a.entity_id is not None and a.entity_id == b.entity_id for b in theirs]
                     for a in ours], dtype=bool).reshape(len(ours), len(theirs))
                actor_linked = _most_pairs(same_actor)
                tally.actor_links.add(MatchCounts(actor_linked, len(ours), len(theirs)))
                if actor_linked == len(ours) == len(theirs):
                    tally.actor_agree += 1
        result[relation.name] = tally
    return result
