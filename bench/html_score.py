"""Snippet scoring of HTML import on an extraction benchmark (``../shared/html-eval``).

The benchmark's ``evaldata.json`` lists, per page file, snippets of the article
(``with``) and snippets of page furniture (``without``). The definition used here:

- a text is normalised by collapsing every run of whitespace to one space (and
  stripping the ends); snippets are normalised the same way;
- a ``with`` snippet found in the page's imported text is a true positive, one not
  found a false negative; a ``without`` snippet found is a false positive;
- precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic mean, over
  all snippets of all pages of a set (micro-averaged); a page that was not imported
  counts as an empty text.

Pages are split deterministically into two halves by the first byte of the SHA-256
of the file name (even: ``tuning``, odd: ``held-out``): rules are tuned on one
half and checked on the other.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_WHITESPACE = re.compile(r"\s+")
HALVES = ("tuning", "held-out")


def normalise(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def half_of(file_name: str) -> str:
    """``tuning`` or ``held-out``, from the SHA-256 of the page's file name."""
    return HALVES[hashlib.sha256(file_name.encode("utf-8")).digest()[0] % 2]


@dataclass(frozen=True)
class Score:
    pages: int
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        return (f"P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}"
                f"  ({self.pages} pages)")


def load_evaldata(path: Path) -> list[dict[str, Any]]:
    """The benchmark's entries (``file``, ``with``, ``without``), from ``evaldata.json``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [entry for entry in data.values() if isinstance(entry, dict) and "file" in entry]


def score(entries: list[dict[str, Any]], texts: dict[str, str], half: str | None = None) -> Score:
    """Scores ``texts`` ({page file name: imported text}) on all entries, or on one half."""
    tp = fp = fn = pages = 0
    for entry in entries:
        if half is not None and half_of(entry["file"]) != half:
            continue
        pages += 1
        text = normalise(texts.get(entry["file"]) or "")
        for snippet in entry.get("with", []):
            if normalise(snippet) in text:
                tp += 1
            else:
                fn += 1
        fp += sum(1 for snippet in entry.get("without", []) if normalise(snippet) in text)
    return Score(pages, tp, fp, fn)
