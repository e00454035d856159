"""``saywho suggest eval GOLD.jsonl``: score the suggesters (or a predictions file) on a gold.

Usage::

    saywho suggest eval GOLD.jsonl [--predictions P.jsonl] [--suggesters rules,syntax]
                                   [--min-confidence 0.5] [--gold-annotator NAME]
                                   [--write-predictions OUT.jsonl] [--detail]

Without ``--predictions`` the suggesters (default: ``syntax``, i.e. rules plus the
dependency parse, falling back to the rules without a spaCy model) run on every
gold document's text; with it, that native JSON Lines file is scored instead.
Prints the table of the suggestions issue: Quote exact / overlap F1, Speaker exact
F1, Cue exact F1, Quote+Speaker overlap P/R/F1, indirect recall, Condition pairs
and speed. Exit codes: 0 scored; 1 a file cannot be read (named with its line).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli import UsageError

SUBCOMMANDS = ("eval", "learn")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "suggest", help="machine suggestions: evaluate them on a gold",
        description="Machine suggestions (quotes, speakers, cues, conditions).")
    sub = parser.add_subparsers(dest="suggest_command", metavar="SUBCOMMAND")
    ev = sub.add_parser("eval", help="score the suggesters, or a predictions file, on a gold",
                        description=__doc__.split("\n\n")[0])
    ev.add_argument("gold", type=Path, help="native JSON Lines gold (a file or a folder)")
    ev.add_argument("--predictions", type=Path, help="score this native JSON Lines file")
    ev.add_argument("--suggesters", default="syntax",
                    help="comma-separated suggester names (default: syntax)")
    ev.add_argument("--min-confidence", type=float, default=None,
                    help="drop proposals below this confidence (default 0.5)")
    ev.add_argument("--gold-annotator", help="the gold layer (default: each document's first)")
    ev.add_argument("--write-predictions", type=Path, help="write the suggesters' output here")
    ev.add_argument("--spacy-model", help="the spaCy pipeline the syntax suggester loads")
    ev.add_argument("--verb-table", type=Path,
                    help="a verb table written by 'saywho suggest learn' (syntax suggester)")
    ev.add_argument("--detail", action="store_true", help="every unit and mode as well")
    ev.set_defaults(handler=run_eval)
    learn = sub.add_parser(
        "learn", help="learn the syntax suggester's verb table from a gold corpus",
        description="Parses a native JSON Lines gold and counts which verb introduces reported "
                    "content in which relation (see suggest.verbtable); the table it writes "
                    "is used with --verb-table or the setting verb_table.")
    learn.add_argument("gold", type=Path, help="native JSON Lines gold (a file or a folder)")
    learn.add_argument("--out", type=Path, required=True, help="the verb table to write (.json)")
    learn.add_argument("--spacy-model", help="the spaCy pipeline to parse with")
    learn.set_defaults(handler=run_learn)
    parser.set_defaults(handler=lambda args: _need_subcommand(parser))


def _need_subcommand(parser: argparse.ArgumentParser) -> int:
    raise UsageError(f"suggest needs a subcommand: {', '.join(SUBCOMMANDS)}")


def run_eval(args: argparse.Namespace) -> int:
    from suggest import registry
    from suggest.base import DEFAULT_MIN_CONFIDENCE
    from suggest.evaluate import read_jsonl, run, score_records, write_jsonl
    from suggest.scoring import detail_table, issue_table

    threshold = DEFAULT_MIN_CONFIDENCE if args.min_confidence is None else args.min_confidence
    if not 0.0 <= threshold <= 1.0:
        raise UsageError(f"--min-confidence takes a number from 0 to 1, not {threshold}")
    if args.predictions is None:
        names = [n.strip() for n in args.suggesters.split(",") if n.strip()]
        unknown = [n for n in names if n not in registry.names()]
        if unknown:
            raise UsageError(f"unknown suggester {', '.join(unknown)} "
                             f"(known: {', '.join(registry.names())})")
    gold = list(read_jsonl(args.gold))
    if args.predictions is not None:
        if args.min_confidence is not None:
            raise UsageError("--min-confidence applies to the suggesters, not to --predictions")
        predictions = list(read_jsonl(args.predictions))
        name, speeds = args.predictions.name, {}
    else:
        settings: dict[str, Any] = {"spacy_model": args.spacy_model} if args.spacy_model else {}
        if args.verb_table is not None:
            from suggest.verbtable import load

            load(args.verb_table)  # a bad file is the user's error, named here
            settings["verb_table"] = str(args.verb_table)
        result = run(gold, names, "+".join(names), min_confidence=threshold, settings=settings)
        for problem in result.problems:
            print(f"saywho: {problem}", file=sys.stderr)
        predictions = result.records
        name, speeds = result.name, {result.name: result.seconds_per_1000_words}
        if args.write_predictions is not None:
            write_jsonl(args.write_predictions, predictions)
    ids = {str(r["id"]) for r in predictions}
    missing = [str(r["id"]) for r in gold if str(r["id"]) not in ids]
    if missing:
        print(f"saywho: {len(missing)} gold documents have no prediction (scored as empty): "
              f"{', '.join(missing[:5])}", file=sys.stderr)
    res = score_records(gold, predictions, args.gold_annotator)
    print(f"{args.gold}: {len(gold)} documents")
    print(issue_table({name: res}, speeds))
    if args.detail:
        print(detail_table(res))
    return 0


def run_learn(args: argparse.Namespace) -> int:
    from suggest.base import SuggestContext
    from suggest.evaluate import read_jsonl
    from suggest.syntax import ModelUnavailable
    from suggest.verbtable import learn_from_corpus, save

    records = list(read_jsonl(args.gold))
    context = SuggestContext(settings={"spacy_model": args.spacy_model} if args.spacy_model
                             else {})
    try:
        table = learn_from_corpus(records, context.spacy_models)
    except ModelUnavailable as exc:
        print(f"saywho: {exc}", file=sys.stderr)
        return 1
    save(table, args.out, corpus=str(args.gold))
    print(f"{args.out}: {len(table.entries)} entries learned from {len(records)} documents")
    return 0
