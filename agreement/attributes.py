"""Attribute agreement on matched spans.

For every pair of spans matched by the overlap matching of
:mod:`agreement.spans`, each enum or boolean attribute of their label (e.g.
Quote ``form``, Consequence ``type``) is compared: observed agreement (share of
pairs with the same value) and Cohen's kappa over the pairs. A value the span
does not carry counts as the attribute's default from the schema (None when
there is none, which is a value of its own). Text attributes are not compared.

Over more than two annotators the pairs of all annotator pairs are pooled for
the observed agreement, and the kappa is the mean of the pairwise kappas.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from agreement.coefficients import cohen_kappa_of_values, observed_agreement
from storage.schema import AttributeDef, Schema
from storage.views import SpanView
from storage.vocabulary import ValueType

COMPARED_TYPES = (ValueType.ENUM, ValueType.BOOLEAN)


def compared_attributes(schema: Schema, labels: Sequence[str]) -> dict[str, list[AttributeDef]]:
    """For each label, its enum and boolean attributes (labels without any are left out)."""
    result = {}
    for name in labels:
        label = schema.label(name)
        if label is None:
            continue
        chosen = [a for a in label.attributes if a.type in COMPARED_TYPES]
        if chosen:
            result[name] = chosen
    return result


@dataclass
class AttributeTally:
    """The (reference value, other value) pairs of one attribute of one label."""

    reference: list[Any] = field(default_factory=list)
    other: list[Any] = field(default_factory=list)

    def add(self, other: AttributeTally) -> None:
        self.reference.extend(other.reference)
        self.other.extend(other.other)

    @property
    def pairs(self) -> int:
        return len(self.reference)

    @property
    def agree(self) -> int:
        return sum(a == b for a, b in zip(self.reference, self.other, strict=True))

    @property
    def observed(self) -> float | None:
        return observed_agreement(self.reference, self.other)

    @property
    def kappa(self) -> float | None:
        return cohen_kappa_of_values(self.reference, self.other)


def compare_attributes(attributes: dict[str, list[AttributeDef]],
                       pairs: Iterable[tuple[SpanView, SpanView]]
                       ) -> dict[tuple[str, str], AttributeTally]:
    """Tallies attribute values of matched (reference, other) span pairs."""
    result: dict[tuple[str, str], AttributeTally] = {}
    for reference, other in pairs:
        for attribute in attributes.get(reference.label, []):
            tally = result.setdefault((reference.label, attribute.name), AttributeTally())
            tally.reference.append(reference.attributes.get(attribute.name, attribute.default))
            tally.other.append(other.attributes.get(attribute.name, attribute.default))
    return result


def mean(values: Iterable[float | None]) -> float | None:
    """The mean of the defined values (None when none is defined)."""
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None
