"""Run suggesters over a native JSON Lines gold, write their predictions, score them.

Shared by ``bench/suggest_bench.py`` and ``saywho suggest eval``. Predictions are
written as native JSON Lines (one document a line: ``id``, ``text``, one annotation
set of the suggester's proposals at or above the confidence threshold), the file
the scorer and ``saywho import`` read.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.errors import SaywhoError
from storage.schema import Schema, default_schema
from suggest.base import DEFAULT_MIN_CONFIDENCE, Proposals, SuggestContext
from suggest.registry import suggest
from suggest.scoring import ScoredDoc, score
from suggest.syntax import ModelUnavailable, load_first

_WORD = re.compile(r"\w+")

# the built-in modes a bench compares: the rules alone, and the rules with the parse
MODES: dict[str, list[str]] = {"rules": ["rules"], "rules+syntax": ["syntax"]}


def available_modes(settings: dict[str, Any]) -> tuple[dict[str, list[str]], str | None]:
    """The :data:`MODES` that can run with ``settings`` and, when ``rules+syntax`` cannot
    (no spaCy model loads), why not."""
    modes = dict(MODES)
    try:
        load_first(SuggestContext(settings=settings).spacy_models)
    except ModelUnavailable as exc:
        del modes["rules+syntax"]
        return modes, str(exc)
    return modes, None


class EvalError(SaywhoError):
    """A gold or prediction file that cannot be read, named with its line."""


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The records of one file, or of every ``*.jsonl`` file of a folder (sorted)."""
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files:
        raise EvalError(f"{path}: no .jsonl file in this folder")
    for file in files:
        try:
            handle = file.open(encoding="utf-8")
        except OSError as exc:
            raise EvalError(f"{file}: cannot be read ({exc.strerror})") from exc
        with handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    raise EvalError(f"{file}, line {number}: not JSON ({exc})") from exc
                if not isinstance(record, dict) or not isinstance(record.get("text"), str) \
                        or "id" not in record:
                    raise EvalError(f"{file}, line {number}: a document needs 'id' and 'text'")
                yield record


def proposals_record(doc_id: str, text: str, proposals: Proposals,
                     annotator: str = "suggest") -> dict[str, Any]:
    """One native JSON Lines document holding ``proposals`` as an annotation set."""
    ids = {s.key: f"T{i}" for i, s in enumerate(proposals.spans, 1)}
    spans = []
    for s in proposals.spans:
        span: dict[str, Any] = {"id": ids[s.key], "label": s.label, "start": s.start,
                                "end": s.end, "text": s.text(text, " "),
                                "attributes": dict(s.attributes)}
        if len(s.fragments) > 1:
            span["fragments"] = [list(f) for f in s.fragments]
        spans.append(span)
    relations = [{"id": f"R{i}", "type": r.type, "source": ids[r.source],
                  "target": ids[str(r.target)]}
                 for i, r in enumerate((r for r in proposals.relations
                                        if isinstance(r.target, str) and r.target in ids
                                        and r.source in ids), 1)]
    return {"id": doc_id, "text": text,
            "annotations": [{"annotator": annotator, "status": "new", "spans": spans,
                             "relations": relations}]}


@dataclass
class RunResult:
    name: str
    records: list[dict[str, Any]]
    seconds: float
    words: int
    problems: list[str]
    cpu_seconds: float = 0.0

    @property
    def seconds_per_1000_words(self) -> float:
        """CPU time of this process per 1,000 words (wall-clock time on a shared machine
        measures the other processes too)."""
        return 1000 * self.cpu_seconds / self.words if self.words else 0.0

    @property
    def wall_seconds_per_1000_words(self) -> float:
        return 1000 * self.seconds / self.words if self.words else 0.0


def run(gold: Sequence[dict[str, Any]], names: Sequence[str], label: str,
        schema: Schema | None = None, min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        settings: dict[str, Any] | None = None) -> RunResult:
    """Runs the suggesters ``names`` on every gold document's text; times the suggesting only
    (a first, untimed call on one sentence loads the models)."""
    schema = schema or default_schema()
    context = SuggestContext(settings=settings or {})
    suggest("The minister said the talks would resume.", schema, context, names)
    records: list[dict[str, Any]] = []
    problems: list[str] = []
    words = 0
    elapsed = 0.0
    cpu = 0.0
    for record in gold:
        text = record["text"]
        words += len(_WORD.findall(text))
        t0, c0 = time.perf_counter(), time.process_time()
        proposals = suggest(text, schema, SuggestContext(
            settings={**context.settings, "document": str(record["id"])}), names)
        elapsed += time.perf_counter() - t0
        cpu += time.process_time() - c0
        for p in proposals.problems:
            message = f"{record['id']}: {p}"
            if message not in problems and str(p) not in {m.split(": ", 1)[1] for m in problems}:
                problems.append(message)
        records.append(proposals_record(str(record["id"]), text,
                                        proposals.above(min_confidence), label))
    return RunResult(label, records, elapsed, words, problems, cpu)


def write_jsonl(path: Path, records: Sequence[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def score_records(gold: Sequence[dict[str, Any]], pred: Sequence[dict[str, Any]],
                  gold_annotator: str | None = None) -> dict[str, Any]:
    gold_docs = {str(r["id"]): ScoredDoc.from_record(r, gold_annotator) for r in gold}
    pred_docs = {str(r["id"]): ScoredDoc.from_record(r) for r in pred
                 if str(r["id"]) in gold_docs}
    return score(gold_docs, pred_docs)
