"""Project commands: ``init``, ``import``, ``stats`` and ``schema check``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cli import EXIT_OK, EXIT_REJECTED
from cli.common import add_project_command
from cli.progress import ProgressBar
from formats import registry
from storage.errors import DiskFullError, SchemaError, import_disk_full
from storage.models import STATUSES
from storage.project import Project
from storage.schema import Schema, load_schema, schema_summary
from text.names import printable

#: backups kept beside a SQLite project; ``import`` makes one before it writes
BACKUPS_KEPT = 5


def register(subparsers: Any) -> None:
    init = add_project_command(
        subparsers, "init", "create a new project",
        "Create a new project: a SQLite file (e.g. news.saywho) or a SQLAlchemy URL such as "
        "postgresql+psycopg://user@host/db.", run_init)
    init.add_argument("--schema", type=Path, metavar="FILE",
                      help="annotation schema XML (default: the bundled news-attribution)")

    imp = add_project_command(
        subparsers, "import", f"import documents ({registry.import_help()})",
        "Import articles into a project (" + ", ".join(
            f"{info.name} {'/'.join(info.extensions)}" for info in registry.supported_formats()
            if info.reads is not None) + "), and the annotations of brat (.ann with its "
        "annotation.conf) and UIMA CAS XMI (.xmi with its TypeSystem.xml) files, such as "
        "Saywho's own brat and xmi exports. Each file is all or nothing: a bad file is "
        "reported and skipped, every other file still imports.", run_import)
    imp.add_argument("paths", metavar="PATH", nargs="+", type=Path)
    imp.add_argument("--annotator", metavar="NAME",
                     help="annotator the imported documents are queued for (and owner of "
                          "JSONL annotations and XMI files that name none)")
    imp.add_argument("--max-mb", type=float, default=None, metavar="MB",
                     help="refuse files larger than this (default 20 MB)")
    imp.add_argument("--keep-backups", type=int, default=BACKUPS_KEPT, metavar="N",
                     help="a SQLite project is backed up before the import; keep the newest "
                          f"N backups (default {BACKUPS_KEPT}; 0: make none)")

    stats = add_project_command(
        subparsers, "stats", "documents, spans and relations in a project",
        "Documents by status, spans and relations per label per annotator, actors, and "
        "documents done over time.", run_stats)
    stats.add_argument("--json", action="store_true", help="print JSON instead of a table")
    stats.add_argument("--charts", type=Path, metavar="DIR",
                       help="also draw the progress charts as PNG files into DIR")

    assign = add_project_command(
        subparsers, "assign", "assign documents to annotators",
        "Assign documents by hand (--to NAME --doc DOC_ID ...) or spread every document over "
        "several annotators (--spread A,B,C --per-document N --seed S): balanced, and the "
        "same for the same seed.", run_assign)
    assign.add_argument("--doc", dest="documents", action="append", default=[],
                        metavar="DOC_ID", help="a document id (as in exports), for --to; "
                                               "repeat for several")
    assign.add_argument("--to", metavar="NAME", help="the annotator to assign DOC_IDs to")
    assign.add_argument("--remove", action="store_true", help="take the DOC_IDs back instead")
    assign.add_argument("--spread", metavar="A,B,C", help="annotators to spread documents over")
    assign.add_argument("--per-document", type=int, default=1, metavar="N",
                        help="annotators per document with --spread (default 1)")
    assign.add_argument("--seed", type=int, default=0, help="seed of --spread (default 0)")

    schema = subparsers.add_parser("schema", help="annotation schema tools")
    schema_sub = schema.add_subparsers(dest="schema_command", metavar="SUBCOMMAND")
    check = schema_sub.add_parser("check", help="validate a schema file")
    check.add_argument("file", metavar="FILE", type=Path)
    check.set_defaults(handler=run_schema_check)
    update = add_project_command(
        schema_sub, "update", "give a project a new version of its schema",
        "Replace a project's schema by a new version (its version attribute raised). Labels, "
        "attributes, values and relation types can be added; a change that stored annotations "
        "would break (removing something in use, another relation target, a lower limit, a "
        "newly required attribute) is refused with what blocks it, and the project keeps its "
        "schema.", run_schema_update)
    update.add_argument("file", metavar="FILE", type=Path)


def run_init(args: argparse.Namespace) -> int:
    schema = load_schema(args.schema) if args.schema else None
    with Project.create(args.project, schema) as project:
        print(f"created {project.name} with schema '{project.schema.name}' "
              f"version {project.schema.version}")
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    from ingest import import_paths

    for path in args.paths:
        if not path.exists():
            print(f"saywho: {printable(str(path))}: no such file or folder", file=sys.stderr)
    existing = [p for p in args.paths if p.exists()]
    missing = len(existing) != len(args.paths)
    max_bytes = int(args.max_mb * 1024 * 1024) if args.max_mb is not None else None
    if args.keep_backups < 0:
        from cli import UsageError

        raise UsageError("--keep-backups takes 0 or more")
    try:
        project = Project.open(args.project, backup_keep=args.keep_backups,
                               backup_required=True)
    except DiskFullError as exc:
        raise import_disk_full(0, " (no backup could be made before the import)") from exc
    with project:
        report = import_paths(project, existing, annotator=args.annotator,
                              max_bytes=max_bytes, progress=ProgressBar("importing"))
    for note in report.notes:
        print(f"note: {printable(note)}", file=sys.stderr)
    for added in report.added:
        print(f"added: {printable(added)}", file=sys.stderr)
    for fallback in report.fallbacks:
        print(f"fallback: {printable(fallback)}", file=sys.stderr)
    for duplicate in report.duplicates:
        print(f"skipped: {printable(duplicate)}", file=sys.stderr)
    for error in report.errors:
        print(f"rejected: {printable(error)}", file=sys.stderr)
    print(report.summary())
    return EXIT_REJECTED if report.errors or missing else EXIT_OK


def _counts_table(what: str, counts: dict[str, dict[str, int]],
                  annotators: list[str]) -> list[str]:
    """A blank line and a table of ``counts`` (annotator -> kind -> number), or nothing."""
    kinds = sorted({kind for per_annotator in counts.values() for kind in per_annotator})
    if not kinds:
        return []
    return ["", _table([[what, *kinds]] + [
        [name, *(str(counts.get(name, {}).get(kind, 0)) for kind in kinds)]
        for name in annotators])]


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                               for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_stats(stats: dict[str, Any]) -> str:
    """The ``stats`` report as readable text."""
    out = [f"project: {stats['project']}",
           f"schema: {stats['schema']['name']} version {stats['schema']['version']}",
           f"documents: {stats['documents']}",
           f"actors in registry: {stats['entities']} ({stats['linked_mentions']} linked "
           "mentions)"]
    annotators = sorted(stats["status"])
    if annotators:
        out.append("")
        out.append(_table([["annotator", *STATUSES]] + [
            [name, *(str(stats["status"][name].get(s, 0)) for s in STATUSES)]
            for name in annotators]))
        for what in ("spans", "relations"):
            out += _counts_table(what, stats[what], annotators)
    series = stats.get("done_over_time") or {}
    if series:
        out.append("")
        out.append("documents done over time (cumulative):")
        for name, points in sorted(series.items()):
            out.append(f"  {name}: " + ", ".join(f"{day} {total}" for day, total in points))
    return "\n".join(out)


def _agreement_chart(project: Project, folder: Path) -> list[Path]:
    """Agreement (F1 with overlap matching) per label, when two annotators have done work."""
    from agreement.summary import per_label_f1

    values = per_label_f1(project)
    if not values:
        return []
    from charts.figures import grouped_bar_chart

    return [grouped_bar_chart(values, folder / "agreement_per_label.png",
                              "Span agreement per label (pairwise F1)", "F1",
                              ylim=(0.0, 1.05))]


def run_stats(args: argparse.Namespace) -> int:
    from storage.progress import done_over_time

    with Project.open(args.project, readonly=True) as project, project.snapshot():
        stats = project.stats()
        series = done_over_time(project)
        stats["done_over_time"] = {name: [[day.isoformat(), total] for day, total in points]
                                   for name, points in series.items()}
        if args.charts is not None:
            from charts.figures import done_over_time_chart, grouped_bar_chart

            args.charts.mkdir(parents=True, exist_ok=True)
            written = [
                done_over_time_chart(series, args.charts / "done_over_time.png"),
                grouped_bar_chart(stats["spans"], args.charts / "spans_per_label.png",
                                  "Spans per label", "spans"),
            ]
            written += _agreement_chart(project, args.charts)
            for path in written:
                print(f"wrote {path}", file=sys.stderr)
    if args.json:
        json.dump(stats, sys.stdout, indent=2, ensure_ascii=False, sort_keys=True)
        sys.stdout.write("\n")
    else:
        print(format_stats(stats))
    return EXIT_OK


def run_assign(args: argparse.Namespace) -> int:
    from cli import UsageError
    from storage.edits import Assign

    if (args.to is None) == (args.spread is None):
        raise UsageError("assign needs either --to NAME --doc DOC_ID or --spread A,B,C")
    with Project.open(args.project) as project:
        if args.spread is not None:
            if args.documents:
                raise UsageError("--spread assigns every document: give no --doc")
            names = [n.strip() for n in args.spread.split(",") if n.strip()]
            edit = project.spread_assignments(names, args.per_document, args.seed)
            for name in names:
                print(f"{name}: {len(project.assignments(name))} documents assigned")
            if edit is None:
                print("nothing to do: every document already has enough annotators")
            return EXIT_OK
        if not args.documents:
            raise UsageError("--to needs at least one --doc DOC_ID")
        ids = [project.document_by_external_id(d).id for d in args.documents]
        project.apply(Assign(ids, args.to, assigned=not args.remove))
        print(f"{args.to}: {len(project.assignments(args.to))} documents assigned")
    return EXIT_OK


def _load_schema_reporting(file: Path) -> Schema | None:
    """The schema in ``file``, or None after printing its problems (``file:line: ...``)."""
    try:
        return load_schema(file)
    except SchemaError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return None


def run_schema_check(args: argparse.Namespace) -> int:
    schema = _load_schema_reporting(args.file)
    if schema is None:
        return EXIT_REJECTED
    print(schema_summary(schema))
    return EXIT_OK


def run_schema_update(args: argparse.Namespace) -> int:
    schema = _load_schema_reporting(args.file)
    if schema is None:
        return EXIT_REJECTED
    with Project.open(args.project) as project:
        old = project.schema
        if schema.version <= old.version:
            print(f"saywho: {args.file}: schema version {schema.version} is not newer than "
                  f"the project's ('{old.name}' version {old.version}); raise its version "
                  "attribute", file=sys.stderr)
            return EXIT_REJECTED
        try:
            project.update_schema(schema)
        except SchemaError as exc:
            for problem in exc.problems:
                print(f"saywho: {problem}", file=sys.stderr)
            return EXIT_REJECTED
        print(f"{project.name}: schema '{old.name}' version {old.version} -> "
              f"'{schema.name}' version {schema.version}")
    return EXIT_OK
