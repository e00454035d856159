"""Saywho's command line: ``python main.py COMMAND ...`` (also the ``saywho`` command).

Each command lives in its own module that exposes ``register(subparsers)``;
the module list is :data:`COMMAND_MODULES`. Exit codes: 0 all done, 1 some
input rejected (each reported on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from storage.errors import SaywhoError

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2

COMMAND_MODULES = (
    "cli.project_cmds",
    "cli.export_cmd",
    "cli.agreement_cmd",
    "cli.check_cmd",
    "cli.annotators_cmd",
    "cli.gui_cmd",
    "cli.suggest_cmd",
)


class UsageError(Exception):
    """The command line itself is wrong (exit code 2)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="saywho",
        description="Saywho: annotate who said what, and under what condition, in news text. "
                    "Without a command, opens the annotation window.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # a command not built yet
            raise
        module.register(subparsers)
    return parser


def run(argv: Sequence[str]) -> int:
    """Parses ``argv`` and runs the command; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.handler(args))
    except UsageError as exc:
        print(f"saywho: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SaywhoError as exc:
        print(f"saywho: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    except KeyboardInterrupt:
        print("saywho: interrupted", file=sys.stderr)
        return 130
