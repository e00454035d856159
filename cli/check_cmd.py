"""The ``check`` command: an integrity check of a project (exit 0 clean, 1 problems)."""

from __future__ import annotations

import argparse
from typing import Any

from cli import EXIT_OK, EXIT_REJECTED
from cli.common import add_project_command
from storage.check import check_project
from storage.project import Project


def register(subparsers: Any) -> None:
    add_project_command(
        subparsers, "check", help="check a project's database, texts and annotations",
        description="Check a project without changing it: it is opened read-only (never "
                    "upgraded or backed up; a read-only file is fine). Checks the SQLite "
                    "file itself (integrity_check, foreign_key_check), every document's "
                    "text against its SHA-256, every span's fragments, every relation and "
                    "attribute against the schema. Exit 0 when clean, 1 when problems "
                    "were found.",
        handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    with Project.open(args.project, readonly=True) as project:
        report = check_project(project)
    print(report.text())
    return EXIT_OK if report.ok else EXIT_REJECTED
