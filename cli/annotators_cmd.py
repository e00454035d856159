"""``annotators``: list a project's annotators with their roles, or give one a role.

A curator adjudicates: in the comparison view the layers of curators (and of the
``gold`` layer itself) are not among the layers compared.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cli import EXIT_OK, EXIT_REJECTED
from cli.common import add_project_command
from storage.models import Status
from storage.project import Project

ROLES = ("annotator", "curator")


def register(subparsers: Any) -> None:
    command = add_project_command(
        subparsers, "annotators", "list annotators and their roles, or set a role",
        "Without --role, list the project's annotators with their roles and how many "
        "documents each has marked done. With NAME --role ROLE, give NAME that role "
        "(curators adjudicate; their own layers are not compared).", run_annotators)
    command.add_argument("name", metavar="NAME", nargs="?", help="the annotator to change")
    command.add_argument("--role", choices=ROLES, help="the role to give NAME")


def run_annotators(args: argparse.Namespace) -> int:
    from cli import UsageError

    if (args.name is None) != (args.role is None):
        raise UsageError("give both NAME and --role ROLE, or neither to list the annotators")
    with Project.open(args.project) as project:
        if args.name is not None:
            known = {a.name for a in project.annotators()}
            if args.name not in known:
                print(f"saywho: {project.name}: no annotator called '{args.name}' (known: "
                      f"{', '.join(sorted(known)) or 'none'})", file=sys.stderr)
                return EXIT_REJECTED
            project.ensure_annotator(args.name, args.role)
            print(f"{args.name}: {args.role}")
            return EXIT_OK
        for annotator in project.annotators():
            done = sum(1 for info in project.documents(annotator.name)
                       if info.status == Status.DONE)
            print(f"{annotator.name}\t{annotator.role}\t{done} done")
    return EXIT_OK
