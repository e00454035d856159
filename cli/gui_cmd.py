"""``saywho gui PROJECT [--screenshot FILE.png]``: open the annotation window on a project.

With ``--screenshot`` the window is rendered offscreen-capable on the first
document (with its annotations, the first quote selected), saved as a PNG and
the command exits: a quick visual check and what ``make screenshot`` builds on.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "gui", help="open the annotation window on a project",
        description="Open the annotation window on PROJECT (a .saywho file or a database URL).")
    parser.add_argument("project", help="project file or SQLAlchemy URL")
    parser.add_argument("--annotator", help="annotate as this name (default: the remembered "
                        "name or the system user)")
    parser.add_argument("--screenshot", type=Path, metavar="FILE.png",
                        help="render the window, save a PNG and exit")
    parser.add_argument("--document", help="external id of the document to show")
    parser.add_argument("--theme", choices=("system", "light", "dark"),
                        help="colour theme for this run")
    parser.add_argument("--size", default="1440x900", help="window size for --screenshot")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Qt is imported here only: the rest of the CLI never needs it
    from gui.app import screenshot_or_run

    width, _, height = str(args.size).partition("x")
    return screenshot_or_run(args.project, screenshot=args.screenshot,
                             annotator=args.annotator, document=args.document,
                             theme=args.theme, size=(int(width), int(height or 900)))
