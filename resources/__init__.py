"""Saywho's package data: annotation schemas (XML, XSD, RELAX NG), sample articles, icons
and the desktop integration files (``.desktop`` entry, AppStream metainfo, MIME type).

Everything the program reads at run time is found through :mod:`importlib.resources`, so it
works the same from a checkout, an installed wheel and a frozen bundle. :func:`path` gives a
real file-system path (lxml, Qt and Alembic need one): the file itself when the package is
unpacked, otherwise a copy extracted once and removed when the process exits.
"""

from __future__ import annotations

import atexit
from contextlib import ExitStack
from importlib.resources import as_file, files
from pathlib import Path

#: the freedesktop application id: desktop entry, icon, MIME type and AppStream file names
APP_ID = "org.saywho.Saywho"

_extracted = ExitStack()
atexit.register(_extracted.close)


def path(*parts: str, package: str = __name__) -> Path:
    """The file-system path of a resource of ``package`` (this package by default).

    Raises:
        FileNotFoundError: no such resource (the message names it).
    """
    resource = files(package).joinpath(*parts)
    # a zipped install: extract the resource for the rest of the process
    local = resource if isinstance(resource, Path) else _extracted.enter_context(as_file(resource))
    if not local.exists():
        raise FileNotFoundError(f"{package}/{'/'.join(parts)}: missing from the installation")
    return local
