"""``saywho suggest PROJECT``: pre-annotate; ``suggest train PROJECT``; ``suggest eval GOLD``.

Usage::

    saywho suggest PROJECT [--documents ID ...] [--annotator NAME] [--labels LABEL ...]
                           [--min-confidence X] [--suggesters NAMES] [--timeout SECONDS]
    saywho suggest train PROJECT

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
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from cli import UsageError
from cli.common import add_project_command

SUBCOMMANDS = ("PROJECT", "eval", "learn", "train")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "suggest", help="machine suggestions: pre-annotate a project, train its model, evaluate",
        description="Machine suggestions (quotes, speakers, cues, conditions).")
    sub = parser.add_subparsers(dest="suggest_command", metavar="SUBCOMMAND",
                                action=_ProjectOrSubcommand)
    ev = sub.add_parser("eval", help="score the suggesters, or a predictions file, on a gold",
                        description="Scores the suggesters (or a predictions file) on a gold.")
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
    register_project_commands(sub)
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


# ------------------------------------------------- pre-annotation and training


class _ProjectOrSubcommand(argparse._SubParsersAction):
    """``suggest PROJECT ...`` runs the pre-annotation; ``suggest eval|learn|train ...`` the
    subcommand: a first word that is not a subcommand's name is a project."""

    class _AnyName(Mapping[str, Any]):
        """The subcommands as ``choices``, where every first word is allowed."""

        def __init__(self, parsers: dict[str, Any]) -> None:
            self.parsers = parsers

        def __contains__(self, key: object) -> bool:
            return True

        def __getitem__(self, key: str) -> Any:
            return self.parsers[key]

        def __iter__(self) -> Iterator[str]:
            return iter(self.parsers)

        def __len__(self) -> int:
            return len(self.parsers)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = self._AnyName(self._name_parser_map)  # type: ignore[assignment]

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        if values and values[0] not in self._name_parser_map:
            values = [RUN, *values]
        super().__call__(parser, namespace, values, option_string)


RUN = "run"


def register_project_commands(sub: Any) -> None:
    """``suggest [run] PROJECT`` and ``suggest train PROJECT`` (see :func:`register`)."""
    run = add_project_command(
        sub, RUN, "pre-annotate a project's documents into its proposals layer "
                  "(also: saywho suggest PROJECT)",
        "Runs the suggesters on the project's documents and stores what they propose in the "
        "proposals layer (never in an annotator's layer; accept or reject them in the "
        "window), one transaction per document. A suggester that fails or times out on a "
        "document is reported naming it; the others go on.", run_pre_annotate)
    run.add_argument("--documents", nargs="+", metavar="ID",
                     help="external ids of the documents (default: all)")
    run.add_argument("--annotator", help="the layer whose spans the suggesters see and link to")
    run.add_argument("--labels", nargs="+", metavar="LABEL", help="only these labels")
    run.add_argument("--min-confidence", type=float, default=None,
                     help="store proposals with at least this confidence (default 0.5)")
    run.add_argument("--suggesters", help="comma-separated suggester names (default: the "
                                          "project's model if trained, else syntax)")
    run.add_argument("--timeout", type=float, default=None,
                     help="seconds a suggester may take on one document (default 120)")
    add_project_command(
        sub, "train", "train the project's own suggestion model on its done documents",
        "Trains a re-ranker of the built-in proposals on the project's done documents (gold "
        "layer preferred) and accepted/rejected proposals, prints held-out P/R/F1 per label, "
        "and stores the model in the project; the project's suggestions then use it.",
        run_train)


def run_pre_annotate(args: argparse.Namespace) -> int:
    from cli.progress import ProgressBar
    from storage.project import Project
    from suggest import pre_annotate, project_model, registry
    from suggest.base import DEFAULT_MIN_CONFIDENCE

    threshold = DEFAULT_MIN_CONFIDENCE if args.min_confidence is None else args.min_confidence
    if not 0.0 <= threshold <= 1.0:
        raise UsageError(f"--min-confidence takes a number from 0 to 1, not {threshold}")
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError(f"--timeout takes a positive number of seconds, not {args.timeout}")
    with Project.open(args.project) as project:
        labels = args.labels
        if labels:
            unknown = [label for label in labels if project.schema.label(label) is None]
            if unknown:
                raise UsageError(f"no label {', '.join(unknown)} in the project's schema "
                                 f"(labels: {', '.join(project.schema.label_names)})")
        problem = project_model.problem(project)
        if problem:
            print(f"saywho: {problem}", file=sys.stderr)
        if args.suggesters:
            names = [n.strip() for n in args.suggesters.split(",") if n.strip()]
            project_model.register_for(project)
            unknown = [n for n in names if n not in registry.names()]
            if unknown:
                raise UsageError(f"unknown suggester {', '.join(unknown)} "
                                 f"(known: {', '.join(registry.names())})")
        else:
            names = pre_annotate.default_names(project)
        if args.documents:
            ids = [project.document_by_external_id(name).id for name in args.documents]
        else:
            ids = [info.id for info in project.documents()]
        if args.annotator:
            project.ensure_annotator(args.annotator)
        results = pre_annotate.suggest_project(
            project, ids, progress=ProgressBar("suggest"), annotator=args.annotator,
            names=names, labels=labels, min_confidence=threshold,
            timeout=pre_annotate.DEFAULT_TIMEOUT if args.timeout is None else args.timeout)
    failed = 0
    for result in results:
        for doc_problem in result.problems:
            print(f"saywho: {doc_problem}", file=sys.stderr)
        failed += bool(result.problems)
    added = sum(r.report.added for r in results)
    kept = sum(r.report.kept for r in results)
    decided = sum(r.report.already_decided for r in results)
    print(f"{args.project}: {len(results)} documents, suggesters {'+'.join(names)}: "
          f"{added + kept} open proposals ({added} new), {decided} already decided left out"
          + (f"; {failed} documents with a failing suggester" if failed else ""))
    return 1 if failed else 0


def run_train(args: argparse.Namespace) -> int:
    from cli.progress import ProgressBar
    from storage.project import Project
    from suggest.project_model import ModelError, train

    with Project.open(args.project) as project:
        try:
            report = train(project, progress=ProgressBar("train"))
        except ModelError as exc:
            print(f"saywho: {exc}", file=sys.stderr)
            return 1
    print(f"{args.project}: model trained on {report.documents} documents "
          f"({report.samples} proposals)")
    if report.held_out:
        print(report.table())
    else:
        print("fewer than 5 done documents: no held-out scores")
    return 0
