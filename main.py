"""Saywho's entry point: no arguments (or one project file) opens the GUI; a command runs
the CLI."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatches to the GUI or the command line; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (len(args) == 1 and args[0].lower().endswith(".saywho")
                    and not args[0].startswith("-")):
        # no command, or a project file the desktop opens (the entry's `Exec=saywho %f`)
        from gui.app import run as run_gui

        return run_gui(project_location=args[0] if args else None)
    from cli import run as run_cli

    return run_cli(args)


if __name__ == "__main__":
    sys.exit(main())
