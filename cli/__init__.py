"""Saywho's command line: ``python main.py COMMAND ...`` (also the ``saywho`` command).

Each command lives in its own module that exposes ``register(subparsers)``;
the module list is :data:`COMMAND_MODULES`. Exit codes: 0 all done, 1 some
input rejected (each reported on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import io
import sys
from collections.abc import Sequence
from typing import TextIO

from sqlalchemy.exc import DBAPIError

from saywho import __version__
from storage.db import is_disk_full, redact, secrets_of
from storage.errors import SaywhoError, disk_full_message
from text.names import printable

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
    parser.add_argument("--version", action="version", version=f"saywho {__version__}")
    desktop = parser.add_mutually_exclusive_group()
    desktop.add_argument("--install-desktop-entry", action="store_true",
                         help="add Saywho to this user's applications menu and open .saywho "
                              "files with it (Linux, under the XDG data folder)")
    desktop.add_argument("--uninstall-desktop-entry", action="store_true",
                         help="remove exactly what --install-desktop-entry wrote")
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


class _Redacting(io.TextIOBase):
    """A text stream that masks the given passwords in what it passes on."""

    def __init__(self, stream: TextIO, locations: Sequence[str]) -> None:
        super().__init__()
        self.stream = stream
        self.locations = tuple(locations)

    def write(self, text: str) -> int:
        self.stream.write(redact(text, *self.locations))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", "utf-8")


def run(argv: Sequence[str]) -> int:
    """Parses ``argv`` and runs the command; returns the exit code.

    Whatever the command prints, on stdout or stderr, never shows a password
    given on the command line: messages name databases through
    :func:`storage.db.describe`, and as a last guard both streams mask every
    password of the URLs in ``argv`` while the command runs.
    """
    locations = [arg for arg in argv if "://" in arg and secrets_of(arg)]
    if not locations:
        return _run(argv)
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Redacting(stdout, locations), _Redacting(stderr, locations)
    try:
        return _run(argv)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = stdout, stderr


def _run(argv: Sequence[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        if args.command:
            parser.print_usage(sys.stderr)
            print("saywho: the desktop entry options take no command", file=sys.stderr)
            return EXIT_USAGE
        from cli import desktop_entry

        args.handler = desktop_entry.run_install if args.install_desktop_entry else \
            desktop_entry.run_uninstall
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.handler(args))
    except UsageError as exc:
        print(f"saywho: {printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except SaywhoError as exc:
        print(f"saywho: {printable(str(exc))}", file=sys.stderr)
        return EXIT_REJECTED
    except (OSError, DBAPIError) as exc:
        if not is_disk_full(exc):
            raise
        print(f"saywho: {disk_full_message('the command did not finish')}", file=sys.stderr)
        return EXIT_REJECTED
    except KeyboardInterrupt:
        print("saywho: interrupted", file=sys.stderr)
        return 130
