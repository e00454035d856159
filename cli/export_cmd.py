"""``saywho export``: write a project (or part of it) in one of the export formats."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli import EXIT_OK, EXIT_REJECTED, UsageError
from cli.progress import ProgressBar
from export.run import GOLD, export_project, summary
from export.splits import SplitError, parse_split
from formats import registry
from formats.base import ExportError, ExportOptions, MissingDependencyError
from storage.db import is_disk_full
from storage.errors import export_disk_full
from storage.models import STATUSES
from storage.project import Project

# formats whose optional packages come with an extra of pyproject.toml
OPTIONAL_EXTRAS = {"spacy": "spacy"}


def register(subparsers: Any) -> None:
    export = subparsers.add_parser(
        "export", help=f"export annotations ({', '.join(registry.writer_names())})",
        description="Export a project's documents and annotations into a new or empty "
                    "folder, with a manifest.json that lists counts, files and every span "
                    "the format could not represent exactly.")
    export.add_argument("project", metavar="PROJECT", help="project file path or database URL")
    export.add_argument("--format", required=True, choices=registry.writer_names(),
                        dest="format_name", help="output format")
    export.add_argument("--out", required=True, type=Path, metavar="DIR",
                        help="output folder (new or empty)")
    export.add_argument("--annotator", action="append", metavar="NAME",
                        help="only this annotator's layer (repeat for several; default: all)")
    export.add_argument("--gold", action="store_true",
                        help=f"the adjudicated layer (same as --annotator {GOLD})")
    export.add_argument("--status", choices=STATUSES,
                        help="only layers with this status, e.g. done")
    export.add_argument("--labels", metavar="L1,L2",
                        help="only spans with these labels (and relations between them)")
    export.add_argument("--split", metavar="SPEC",
                        help="document-level split, e.g. train=0.8,dev=0.1,test=0.1")
    export.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    export.add_argument("--no-offsets", action="store_true",
                        help="conll: leave out the START and END offset columns")
    export.set_defaults(handler=run_export)


def options_from_args(args: argparse.Namespace) -> ExportOptions:
    """The export options of a parsed command line.

    Raises:
        UsageError: a malformed --split or --labels.
    """
    annotators: list[str] | None = list(args.annotator) if args.annotator else None
    if args.gold:
        annotators = [*(annotators or []), GOLD]
        annotators = list(dict.fromkeys(annotators))
    labels = None
    if args.labels is not None:
        labels = [label.strip() for label in args.labels.split(",") if label.strip()]
        if not labels:
            raise UsageError("--labels needs at least one label, e.g. --labels Quote,Actor")
    split = None
    if args.split is not None:
        try:
            split = parse_split(args.split)
        except SplitError as exc:
            raise UsageError(f"--split: {exc}") from None
    elif args.seed != 0:
        raise UsageError("--seed only makes sense with --split")
    format_options: dict[str, Any] = {}
    if args.no_offsets:
        if args.format_name != "conll":
            raise UsageError("--no-offsets only applies to --format conll")
        format_options["offsets"] = False
    return ExportOptions(annotators=annotators, status=args.status, labels=labels,
                         split=split, seed=args.seed, format_options=format_options)


def run_export(args: argparse.Namespace) -> int:
    options = options_from_args(args)
    # read-only: an export never changes the project (a read-only file is fine)
    with Project.open(args.project, readonly=True) as project:
        try:
            manifest = export_project(project, args.format_name, args.out, options,
                                      progress=ProgressBar(f"exporting {args.format_name}"))
        except MissingDependencyError as exc:
            message = str(exc)
            extra = OPTIONAL_EXTRAS.get(args.format_name)
            if extra and "pip install" not in message:
                message += f"; install it with: pip install 'saywho[{extra}]'"
            print(f"saywho: {message}", file=sys.stderr)
            return EXIT_REJECTED
        except ExportError as exc:
            print(f"saywho: {exc}", file=sys.stderr)
            return EXIT_REJECTED
        except OSError as exc:
            if not is_disk_full(exc):
                raise
            print(f"saywho: {export_disk_full(args.out)}", file=sys.stderr)
            return EXIT_REJECTED
    for item in manifest.inexact[:10]:
        what = " ".join(str(item[k]) for k in ("document", "annotator", "span", "label")
                        if item.get(k))
        print(f"inexact: {what}: {item['reason']}", file=sys.stderr)
    if len(manifest.inexact) > 10:
        print(f"inexact: ... and {len(manifest.inexact) - 10} more (see manifest.json)",
              file=sys.stderr)
    print(summary(manifest, args.out))
    return EXIT_OK
