"""Saywho's entry point: no arguments opens the GUI; a command runs the CLI."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatches to the GUI or the command line; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        from gui.app import run as run_gui

        return run_gui()
    from cli import run as run_cli

    return run_cli(args)


if __name__ == "__main__":
    sys.exit(main())
