"""Conditions found by the suggesters on our own fictional conditional threats and offers.

Two sets, both written for Saywho (fictional wire stories, gold built from substrings):

* ``tuning``: the 12 conditionals of ``tests/suggest_samples.py`` (``CONDITIONALS``),
  written together with the rules of :mod:`suggest.conditions`;
* ``held-out``: ``tests/conditions_heldout.py`` (``HELDOUT``), written before the rules
  were measured on it, with negatives ("asked if", "even if", "whether", ...); the
  rules were then improved on its failures, so its figures are no longer unseen;
* ``fresh``: ``FRESH`` in the same module, written after that round of changes and
  measured before the second round (which was made on its failures);
* ``last``: ``LAST``, written after the last change, measured once, never tuned on.

For each mode (``rules``; ``rules+syntax`` when a spaCy model is installed) and set,
prints P / R / F1 of: the Condition span (exact: same word tokens, a leading "if" or
"unless" ignored as the PolNeAR scorer does; strict: the same characters, which checks
the convention that a Condition includes its conjunction; overlap: a shared word,
one-to-one), the Consequence span (same three modes), Condition+Consequence pairs
(both sides overlapping one gold pair), the holder of a matched pair (overlap and
exact, as Quote+Speaker: P over proposed pairs with a holder, R over gold pairs with
one), the negatives that received a Condition (a proposed Condition sharing a
character with the clause a careless rule would propose), and the CPU time per 1,000
words. All scores come from :mod:`suggest.scoring`.

Usage: python bench/conditions_bench.py [--min-confidence 0.5] [--errors] [--spacy-model NAME]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(_ROOT), str(_ROOT / "tests")]
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from conditions_heldout import FRESH, HELDOUT, LAST  # noqa: E402
from suggest_samples import CONDITIONALS, Sample, _find, records  # noqa: E402

from suggest.base import DEFAULT_MIN_CONFIDENCE  # noqa: E402
from suggest.conditions import find_conditionals  # noqa: E402
from suggest.evaluate import available_modes, run, score_records  # noqa: E402

SPAN_MODES = ("exact", "strict", "overlap")


def negatives_hit(samples: list[Sample], predictions: list[dict[str, Any]]) -> tuple[int, int]:
    """(negatives that received a Condition, negatives): a negative is one clause of a
    sample's ``not_conditions``; it is hit when a proposed Condition shares a character."""
    hit = total = 0
    for sample, pred in zip(samples, predictions, strict=True):
        spans = [(s["start"], s["end"]) for layer in pred["annotations"]
                 for s in layer["spans"] if s["label"] == "Condition"]
        for clause in getattr(sample, "not_conditions", []):
            total += 1
            (start, end), = _find(sample.text, clause)
            hit += any(s < end and start < e for s, e in spans)
    return hit, total


def conditions_cpu_per_1000_words(texts: list[str], repeats: int = 20) -> float:
    """CPU seconds of :func:`find_conditionals` alone per 1,000 words (best of ``repeats``)."""
    words = sum(len(re.findall(r"\w+", t)) for t in texts)
    best = float("inf")
    for _ in range(repeats):
        c0 = time.process_time()
        for text in texts:
            find_conditionals(text)
        best = min(best, time.process_time() - c0)
    return 1000 * best / words


def row(v: dict[str, Any]) -> str:
    return f"{v['p']:.2f} / {v['r']:.2f} / {v['f1']:.2f}"


def errors(samples: list[Sample], gold: list[dict[str, Any]],
           predictions: list[dict[str, Any]]) -> list[str]:
    """Each passage whose proposed conditionals differ from the gold, as text pairs."""
    out = []

    def triples(record: dict[str, Any]) -> list[tuple[str, str, str]]:
        layer = record["annotations"][0]
        by_id = {s["id"]: s for s in layer["spans"]}
        text = record["text"]
        links: dict[str, dict[str, str]] = {}
        for r in layer["relations"]:
            links.setdefault(r["type"], {}).setdefault(r["source"], r["target"])

        def said(span_id: str | None) -> str:
            if span_id is None:
                return "-"
            return " … ".join(text[a:b] for a, b in by_id[span_id].get(
                "fragments", [[by_id[span_id]["start"], by_id[span_id]["end"]]]))

        found = []
        for c in (s for s in layer["spans"] if s["label"] == "Condition"):
            then = links.get("consequence", {}).get(c["id"])
            holder = links.get("holder", {}).get(c["id"]) or links.get("holder", {}).get(then or "")
            found.append((said(c["id"]), said(then), said(holder)))
        return sorted(found)

    for sample, g, p in zip(samples, gold, predictions, strict=True):
        want, got = triples(g), triples(p)
        if want != got:
            out.append(f"  {sample.text}\n    gold: {want}\n    got:  {got}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--min-confidence", type=float, default=DEFAULT_MIN_CONFIDENCE)
    ap.add_argument("--errors", action="store_true", help="print every passage proposed wrong")
    ap.add_argument("--spacy-model", help="the spaCy pipeline (default: the installed one)")
    args = ap.parse_args(argv)
    settings = {"spacy_model": args.spacy_model} if args.spacy_model else {}
    modes, missing = available_modes(settings)
    if missing:
        print(f"rules+syntax not available: {missing}")
    sets: dict[str, list[Sample]] = {"tuning": list(CONDITIONALS), "held-out": list(HELDOUT),
                                     "fresh": list(FRESH), "last": list(LAST)}
    head = ("| set | mode | Condition exact / strict / overlap F1 | Consequence exact / strict / "
            "overlap F1 | Cond+Cons P / R / F1 | holder overlap P / R / F1 | holder exact F1 | "
            "negatives with a Condition | CPU s / 1,000 words |")
    lines = [head, "|" + "---|" * 9]
    details = []
    for set_name, samples in sets.items():
        gold = records(samples, set_name)
        n_cond = sum(len(s.conditions) for s in samples)
        for label, names in modes.items():
            result = run(gold, names, label, min_confidence=args.min_confidence,
                         settings=settings)
            res = score_records(gold, result.records)
            units = res["units"]
            cond = " / ".join(f"{units['Condition'][m]['f1']:.2f}" for m in SPAN_MODES)
            then = " / ".join(f"{units['Consequence'][m]['f1']:.2f}" for m in SPAN_MODES)
            holders = res["conditional_holders"]
            hit, total = negatives_hit(samples, result.records)
            lines.append(f"| {set_name} ({len(samples)} passages, {n_cond} conditionals) | "
                         f"{label} | {cond} | {then} | {row(res['conditional_pairs_overlap'])} | "
                         f"{row(holders['overlap'])} | {holders['exact']['f1']:.2f} | "
                         f"{hit} of {total} | {result.seconds_per_1000_words:.3f} |")
            detail = [f"{set_name}, {label}:"]
            for unit in ("Condition", "Consequence"):
                detail += [f"  {unit} {m}: {row(units[unit][m])}" for m in SPAN_MODES]
            if args.errors:
                detail += errors(samples, gold, result.records)
            details.append("\n".join(detail))
    print("\n".join(lines))
    texts = [s.text for s in HELDOUT]
    print(f"find_conditionals alone: {conditions_cpu_per_1000_words(texts):.4f} CPU s / 1,000 "
          "words (held-out texts, best of 20); the CPU column is the whole suggester")
    print("P / R / F1 of the spans:")
    print("\n".join(details))
    return 0


if __name__ == "__main__":
    sys.exit(main())
