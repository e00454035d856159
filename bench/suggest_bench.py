"""Suggestion quality and speed on a native JSON Lines gold (a file or a folder of them).

Runs each mode of Saywho's built-in suggesters on every gold document's text:

* ``rules``: the ``rules`` suggester alone (no model);
* ``rules+syntax``: the ``syntax`` suggester (rules plus attribution on a spaCy
  dependency parse); reported as not available when no spaCy model is installed;

writes each mode's predictions as native JSON Lines (``--out DIR``, default a
temporary folder that is removed), scores them with :mod:`suggest.scoring` (the
definitions of the PolNeAR evaluation scorer) and prints the issue's table: Quote
exact / overlap F1, Speaker exact F1, Cue exact F1, Quote+Speaker overlap P/R/F1,
indirect quotes' overlap recall, Condition+Consequence F1 where the gold has
conditionals, and the speed in CPU seconds per 1,000 words (suggesting only, one
process with numeric libraries held to one thread, after the model is loaded; the
wall-clock figure is printed below the table, as it also measures whatever else runs).
``--detail`` adds every unit and mode.

With ``--verb-table FILE`` (written by ``saywho suggest learn TRAIN.jsonl --out FILE``)
a third mode, ``rules+syntax+learned``, uses that table over the built-in one.

Usage: python bench/suggest_bench.py DATA_DIR_or_FILE [--out DIR] [--min-confidence 0.5]
                                     [--limit N] [--detail] [--spacy-model NAME]
                                     [--verb-table FILE]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, as the target says

from suggest.base import DEFAULT_MIN_CONFIDENCE  # noqa: E402
from suggest.evaluate import (  # noqa: E402
    EvalError,
    available_modes,
    read_jsonl,
    run,
    score_records,
    write_jsonl,
)
from suggest.scoring import detail_table, issue_table  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="a native JSON Lines gold file or a folder of them")
    ap.add_argument("--out", type=Path, help="write each mode's predictions here")
    ap.add_argument("--min-confidence", type=float, default=DEFAULT_MIN_CONFIDENCE)
    ap.add_argument("--limit", type=int, help="only the first N documents")
    ap.add_argument("--detail", action="store_true", help="every unit and mode as well")
    ap.add_argument("--spacy-model", help="the spaCy pipeline (default: the installed one)")
    ap.add_argument("--verb-table", type=Path, help="a learned verb table: adds the mode "
                    "rules+syntax+learned (see 'saywho suggest learn')")
    args = ap.parse_args(argv)
    try:
        gold = list(read_jsonl(args.data))
    except EvalError as exc:
        print(f"suggest_bench: {exc}", file=sys.stderr)
        return 1
    if args.limit:
        gold = gold[:args.limit]
    settings = {"spacy_model": args.spacy_model} if args.spacy_model else {}
    modes, missing = available_modes(settings)
    if missing:
        print(f"rules+syntax not available: {missing}")
    settings_by_mode = {label: dict(settings) for label in modes}
    if args.verb_table is not None and "rules+syntax" in modes:
        modes["rules+syntax+learned"] = ["syntax"]
        settings_by_mode["rules+syntax+learned"] = {**settings,
                                                    "verb_table": str(args.verb_table)}
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        results = {}
        speeds = {}
        walls = {}
        for label, names in modes.items():
            result = run(gold, names, label, min_confidence=args.min_confidence,
                         settings=settings_by_mode[label])
            path = out / f"predictions-{label.replace('+', '-')}.jsonl"
            write_jsonl(path, result.records)
            results[label] = score_records(gold, result.records)
            speeds[label] = result.seconds_per_1000_words
            walls[label] = result.wall_seconds_per_1000_words
            for problem in result.problems[:5]:
                print(f"{label}: {problem}")
            if args.out:
                print(f"{label}: predictions in {path}")
        words = sum(len(r["text"].split()) for r in gold)
        print(f"{args.data}: {len(gold)} documents, about {words:,} words, "
              f"min confidence {args.min_confidence}")
        print(issue_table(results, speeds))
        print("speed: CPU seconds of this process per 1,000 words (one core; threads capped at 1); "
              "wall clock: " + ", ".join(f"{k} {v:.3f}" for k, v in walls.items()))
        if args.detail:
            for label, res in results.items():
                print(f"\n{label}\n{detail_table(res)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
