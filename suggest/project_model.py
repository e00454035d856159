"""A model the project trains on its own annotations: a re-ranker of the rules' proposals.

``saywho suggest train PROJECT`` runs the built-in suggesters on the project's done
documents, labels each proposal right (a span of the reference layer has its label
and fragments) or wrong, adds the proposals annotators accepted (right) and rejected
(wrong), and fits a logistic regression (numpy, CPU, seconds on a few hundred
documents) on features of each proposal: its label, the suggester's confidence and
explanation words, its attributes, its length, its first and last words, the
relations it takes part in. The reference layer of a document is the ``gold``
layer when it has one, else the first annotator who marked it done.

Held-out documents (every fifth, by position) give P/R/F1 per label of the rules
alone and of the rules re-ranked by the model (a proposal is kept when its score is
at least 0.5), as INCEpTION shows its recommenders' scores. The model is then
trained on every document and saved in the project database (``project_meta`` key
:data:`META_KEY`), so it travels with the project on SQLite and PostgreSQL alike.

The project then uses it as the suggester :data:`NAME` (registered by
:func:`register_for`): the built-in proposals with the model's score as their
confidence. A stored model that is corrupt or of another format version gives a
clear message (:class:`ModelError`) and the rules are used instead.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from scipy import sparse

from storage.models import ProjectMeta
from storage.project import Project
from storage.schema import Schema
from storage.views import SpanView
from suggest import registry
from suggest.base import Proposals, ProposedSpan, SuggestContext

NAME = "project"
META_KEY = "suggest_model"
FORMAT = "saywho-reranker"
FORMAT_VERSION = 1
GOLD = "gold"
BASE_NAMES: tuple[str, ...] = registry.DEFAULT_NAMES
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


class ModelError(Exception):
    """The stored model cannot be used (corrupt, another version); the rules are used."""


# ------------------------------------------------------------------ features


def features(span: ProposedSpan, proposals: Proposals, text: str) -> list[str]:
    """The names of the features a proposal has (all binary but the confidence bins)."""
    label = span.label
    words = _WORD.findall(text[span.start:span.end].lower())
    found = [f"label={label}", f"conf={label}:{min(9, int(span.confidence * 10))}",
             f"nfrag={label}:{min(3, len(span.fragments))}",
             f"len={label}:{min(8, int(math.log2(max(1, len(words)))))}"]
    if words:
        found += [f"first={label}:{words[0]}", f"last={label}:{words[-1]}"]
    found += [f"expl={label}:{w}" for w in _WORD.findall(span.explanation.lower())[:8]]
    found += [f"attr={label}:{k}={v}" for k, v in sorted(span.attributes.items())
              if isinstance(v, (str, bool, int))]
    before = text[max(0, span.start - 2):span.start]
    if any(mark in before for mark in "\"“”«»„'‘’"):
        found.append(f"after_quote_mark={label}")
    for relation in proposals.relations:
        if relation.source == span.key:
            found.append(f"out={label}:{relation.type}")
        elif relation.target == span.key:
            found.append(f"in={label}:{relation.type}")
    return found


# ------------------------------------------------------------------ the model


@dataclass
class Reranker:
    """Logistic regression over named binary features."""

    weights: dict[str, float]
    bias: float
    labels: list[str] = field(default_factory=list)
    scores: dict[str, Any] = field(default_factory=dict)
    documents: int = 0

    def score(self, names: Iterable[str]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) for name in names)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "version": FORMAT_VERSION, "bias": self.bias,
                           "weights": self.weights, "labels": self.labels,
                           "scores": self.scores, "documents": self.documents},
                          ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str, where: str) -> Reranker:
        """Raises :class:`ModelError` naming ``where`` for anything but a model of this version."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ModelError(f"{where}: the project's suggestion model is corrupt ({exc}); "
                             "using the rules (run 'saywho suggest train' again)") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelError(f"{where}: the stored suggestion model is not a Saywho model; "
                             "using the rules (run 'saywho suggest train' again)")
        if data.get("version") != FORMAT_VERSION:
            raise ModelError(f"{where}: the project's suggestion model has format version "
                             f"{data.get('version')}, this Saywho reads {FORMAT_VERSION}; "
                             "using the rules (run 'saywho suggest train' again)")
        try:
            weights = {str(k): float(v) for k, v in data["weights"].items()}
            return cls(weights, float(data["bias"]), list(data.get("labels", [])),
                       dict(data.get("scores", {})), int(data.get("documents", 0)))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelError(f"{where}: the project's suggestion model is corrupt "
                             f"({type(exc).__name__}: {exc}); using the rules") from exc


def fit(samples: Sequence[tuple[list[str], int]], l2: float = 1.0,
        iterations: int = 300) -> tuple[dict[str, float], float]:
    """Fits the weights by gradient descent on the L2-regularised log loss."""
    vocabulary = sorted({name for names, _ in samples for name in names})
    index = {name: i for i, name in enumerate(vocabulary)}
    if not samples:
        return {}, 0.0
    rows = [row for row, (names, _) in enumerate(samples) for _ in names]
    columns = [index[name] for names, _ in samples for name in names]
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)),
                               shape=(len(samples), len(vocabulary)))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    target = np.array([y for _, y in samples], dtype=np.float64)
    weights = np.zeros(len(vocabulary))
    bias = 0.0
    rate = 0.5
    n = len(samples)
    for _ in range(iterations):
        z = np.clip(matrix @ weights + bias, -30, 30)
        predicted = 1.0 / (1.0 + np.exp(-z))
        error = predicted - target
        weights -= rate * (matrix.T @ error / n + l2 * weights / n)
        bias -= rate * float(error.mean())
    return {name: float(weights[i]) for name, i in index.items() if weights[i] != 0.0}, bias


# ------------------------------------------------------------------ training data


@dataclass
class Example:
    """One training document: its text, the base proposals and the reference spans."""

    document_id: int
    text: str
    proposals: Proposals
    reference: list[SpanView]


def reference_layer(project: Project, document_id: int) -> str | None:
    """The gold layer when the document has one, else the first annotator who marked it done."""
    statuses = project.statuses(document_id)
    if project.spans(document_id, GOLD):
        return GOLD
    done = sorted(name for name, status in statuses.items() if status == "done")
    return done[0] if done else None


def _chars(fragments: Iterable[Sequence[int]]) -> set[int]:
    return {i for a, b in fragments for i in range(int(a), int(b))}


def _match(label: str, fragments: Iterable[Sequence[int]], reference: Sequence[SpanView]
           ) -> SpanView | None:
    """The reference span of the label sharing at least half of the union of characters
    with these fragments (the annotator fixes a boundary or two; the proposal was right)."""
    mine = _chars(fragments)
    for marked in reference:
        if marked.label != label or marked.end <= min(mine) or marked.start > max(mine):
            continue
        theirs = _chars(marked.fragments)
        if 2 * len(mine & theirs) >= len(mine | theirs):
            return marked
    return None


def _key(label: str, fragments: Iterable[Sequence[int]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    return label, tuple((int(a), int(b)) for a, b in fragments)


def collect(project: Project, progress: Callable[[int, int, str], None] | None = None
            ) -> list[Example]:
    """Runs the built-in suggesters on every document with a reference layer."""
    examples = []
    infos = project.documents()
    for done, info in enumerate(infos):
        layer = reference_layer(project, info.id)
        if layer is not None:
            text = project.document(info.id).text
            proposals = registry.suggest(text, project.schema, SuggestContext(), BASE_NAMES)
            examples.append(Example(info.id, text, proposals, project.spans(info.id, layer)))
        if progress is not None:
            progress(done + 1, len(infos), info.external_id)
    return examples


Decisions = dict[tuple[int, str, tuple[tuple[int, int], ...]], bool]


def samples_of(examples: Sequence[Example], decisions: Decisions
               ) -> list[tuple[list[str], int]]:
    """(features, right) for every base proposal; an annotator's decision wins over the
    reference layer."""
    result = []
    for example in examples:
        for span in example.proposals.spans:
            key = _key(span.label, span.fragments)
            decided = decisions.get((example.document_id, *key))
            right = decided if decided is not None else \
                _match(span.label, span.fragments, example.reference) is not None
            result.append((features(span, example.proposals, example.text), int(right)))
    return result


def decisions_of(project: Project) -> Decisions:
    """Accepted (True) and rejected (False) proposals by document, label and fragments."""
    return {(p.document_id, *_key(p.label, p.fragments)): p.state == "accepted"
            for p in project.proposals(None, ("accepted", "rejected"))}


def decision_samples(project: Project, examples: Sequence[Example]
                     ) -> list[tuple[list[str], int]]:
    """Decided proposals of documents without a reference layer, as training samples."""
    covered = {e.document_id for e in examples}
    decided = [p for p in project.proposals(None, ("accepted", "rejected"))
               if p.document_id not in covered]
    result = []
    for proposal in decided:
        span = ProposedSpan(str(proposal.id), proposal.label, proposal.fragments,
                            proposal.attributes, proposal.confidence, proposal.explanation)
        text = project.document(proposal.document_id).text
        result.append((features(span, Proposals((span,)), text),
                       int(proposal.state == "accepted")))
    return result


# ------------------------------------------------------------------ scores


@dataclass
class LabelScore:
    label: str
    gold: int
    rules: tuple[float, float, float]
    model: tuple[float, float, float]


def _prf(right: int, kept: int, found: int, gold: int) -> tuple[float, float, float]:
    precision = right / kept if kept else 0.0
    recall = found / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(model: Reranker, examples: Sequence[Example], labels: Sequence[str],
             base_threshold: float = 0.5) -> list[LabelScore]:
    """P/R/F1 per label on held-out documents, the rules and re-ranked: a proposal is
    right when it matches a reference span (:func:`_match`); recall counts the reference
    spans some kept proposal matches."""
    # per label: gold, then for the rules and the model: kept, right, reference spans found
    counts: dict[str, list[int]] = {label: [0] * 7 for label in labels}
    for example in examples:
        found: tuple[set[int], set[int]] = (set(), set())
        for marked in example.reference:
            if marked.label in counts:
                counts[marked.label][0] += 1
        for span in example.proposals.spans:
            if span.label not in counts:
                continue
            matched = _match(span.label, span.fragments, example.reference)
            row = counts[span.label]
            kept = (span.confidence >= base_threshold,
                    model.score(features(span, example.proposals, example.text)) >= 0.5)
            for which, keep in enumerate(kept):
                if keep:
                    row[1 + 3 * which] += 1
                    if matched is not None:
                        row[2 + 3 * which] += 1
                        found[which].add(matched.id)
        for which in (0, 1):
            for marked in example.reference:
                if marked.id in found[which] and marked.label in counts:
                    counts[marked.label][3 + 3 * which] += 1
    scores = []
    for label, row in counts.items():
        gold = row[0]
        rules, model_prf = (_prf(row[2 + 3 * w], row[1 + 3 * w], row[3 + 3 * w], gold)
                            for w in (0, 1))
        scores.append(LabelScore(label, gold, rules, model_prf))
    return scores


def score_table(scores: Sequence[LabelScore], held_out: int) -> str:
    lines = [f"held-out documents: {held_out} (label and at least half the characters)",
             f"{'label':<12} {'gold':>5}   {'rules P':>7} {'R':>5} {'F1':>5}   "
             f"{'model P':>7} {'R':>5} {'F1':>5}"]
    for s in scores:
        lines.append(f"{s.label:<12} {s.gold:>5}   {s.rules[0]:>7.2f} {s.rules[1]:>5.2f} "
                     f"{s.rules[2]:>5.2f}   {s.model[0]:>7.2f} {s.model[1]:>5.2f} "
                     f"{s.model[2]:>5.2f}")
    return "\n".join(lines)


# ------------------------------------------------------------------ train, save, load


@dataclass
class TrainReport:
    model: Reranker
    scores: list[LabelScore]
    documents: int
    held_out: int
    samples: int

    def table(self) -> str:
        return score_table(self.scores, self.held_out)


def train(project: Project, progress: Callable[[int, int, str], None] | None = None,
          save: bool = True) -> TrainReport:
    """Trains on the project's done documents and decisions, scores on a split, saves.

    Raises:
        ModelError: no document is done and no proposal was decided: nothing to learn from.
    """
    examples = collect(project, progress)
    decisions = decisions_of(project)
    extra = decision_samples(project, examples)
    if not examples and not extra:
        raise ModelError(f"{project.name}: nothing to learn from: no document is marked done "
                         "(or has a gold layer) and no suggestion was accepted or rejected")
    held = [e for i, e in enumerate(examples) if i % 5 == 4] if len(examples) >= 5 else []
    fitted = [e for e in examples if e not in held]
    labels = list(project.schema.label_names)
    scores: list[LabelScore] = []
    if held:
        weights, bias = fit(samples_of(fitted, decisions) + extra)
        scores = evaluate(Reranker(weights, bias), held, labels)
    samples = samples_of(examples, decisions) + extra
    weights, bias = fit(samples)
    model = Reranker(weights, bias, labels, {s.label: {"gold": s.gold, "rules": s.rules,
                                                       "model": s.model} for s in scores},
                     len(examples))
    if save:
        save_model(project, model)
    register_for(project)
    return TrainReport(model, scores, len(examples), len(held), len(samples))


def save_model(project: Project, model: Reranker) -> None:
    with project.db.writing() as session:
        row = session.get(ProjectMeta, META_KEY)
        if row is None:
            session.add(ProjectMeta(key=META_KEY, value=model.to_json()))
        else:
            row.value = model.to_json()


def load_model(project: Project) -> Reranker | None:
    """The project's model, None when it has none.

    Raises:
        ModelError: the stored model is corrupt or of another version.
    """
    with project.db.reading() as session:
        row = session.get(ProjectMeta, META_KEY)
        text = row.value if row is not None else None
    if text is None:
        return None
    return Reranker.from_json(text, project.name)


class ProjectSuggester:
    """The built-in suggesters' proposals with the project model's score as confidence."""

    NAME: ClassVar[str] = NAME

    def __init__(self, model: Reranker, base: Sequence[str] = BASE_NAMES) -> None:
        self.model = model
        self.base = tuple(base)

    def suggest(self, document_text: str, schema: Schema, context: SuggestContext
                ) -> Proposals:
        proposals = registry.suggest(document_text, schema, context, self.base)
        spans = tuple(ProposedSpan(
            s.key, s.label, s.fragments, s.attributes,
            round(self.model.score(features(s, proposals, document_text)), 4),
            f"{s.explanation}; project model" if s.explanation else "project model")
            for s in proposals.spans)
        return Proposals(spans, proposals.relations, proposals.problems)


def register_for(project: Project) -> Reranker | None:
    """Registers the project's model as the suggester :data:`NAME` (or unregisters it).

    Returns the model, or None when the project has none or it cannot be used
    (:func:`problem` then says why).
    """
    try:
        model = load_model(project)
    except ModelError:
        model = None
    if model is None:
        registry.unregister(NAME)
        return None
    registry.register(NAME, lambda: ProjectSuggester(model), replace=True)
    return model


def problem(project: Project) -> str | None:
    """Why the project's stored model cannot be used, or None (none stored, or fine)."""
    try:
        load_model(project)
    except ModelError as exc:
        return str(exc)
    return None
