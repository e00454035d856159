"""Per-label span F1 pooled over annotator pairs: the figures of the agreement chart."""

from __future__ import annotations

from agreement.report import compute_agreement
from agreement.spans import MatchCounts
from storage.errors import SaywhoError
from storage.project import Project


def per_label_f1(project: Project) -> dict[str, dict[str, float]]:
    """F1 per label with exact and with overlap matching, pooled over every pair.

    Returns ``{"exact match": {label: f1}, "overlap match": {label: f1}}``, or an
    empty dict when no two annotators have finished a document in common.
    """
    try:
        report = compute_agreement(project)
    except SaywhoError:
        return {}
    exact_f1: dict[str, float] = {}
    overlap_f1: dict[str, float] = {}
    for label in report.labels:
        exact, overlap = MatchCounts(), MatchCounts()
        for pair in report.pairs:
            exact.add(pair.labels[label].exact)
            overlap.add(pair.labels[label].overlap)
        if exact.f1 is not None and overlap.f1 is not None:
            exact_f1[label] = exact.f1
            overlap_f1[label] = overlap.f1
    if not exact_f1:
        return {}
    return {"exact match": exact_f1, "overlap match": overlap_f1}
