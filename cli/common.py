"""What the commands share: a subcommand whose first argument is a project."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

PROJECT_HELP = "project file path or database URL"


def add_project_command(subparsers: Any, name: str, help: str, description: str,
                        handler: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
    """Adds command ``name`` taking ``PROJECT`` first and run by ``handler``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(name, help=help,
                                                            description=description)
    parser.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    parser.set_defaults(handler=handler)
    return parser
