"""Every file format Saywho reads or writes, declared once.

Each format is a small class (a subclass of :class:`formats.base.Format`) that
declares, as class keywords, its ``name``, ``extensions``, ``description``, what it
reads (``reads``: whole documents, one annotator's layer, or nothing) and whether it
writes (``writes``); they become its ``NAME``, ``EXTENSIONS``, ``DESCRIPTION``,
``READS`` and ``WRITES``. The registry lists them and answers every "which formats?"
question: the import's folder walk and reader choice (:mod:`ingest`), the CLI's
``import`` help and ``export --format`` choices, and the GUI's file dialogs.

Adding a format is one module with its class plus one :func:`register` call
(or one line in :data:`BUILTIN` for a format shipped with Saywho).

Optional packages (spaCy) are imported by a format only when it runs, so
listing the formats never needs them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from formats.base import DOCUMENTS, LAYERS, Format

BUILTIN: tuple[str, ...] = (
    "formats.plaintext:TextFormat",
    "formats.html:HtmlFormat",
    "formats.jsonl:JsonlFormat",
    "formats.brat:BratFormat",
    "formats.xmi:XmiFormat",
    "formats.conll:ConllFormat",
    "formats.spacy_format:SpacyFormat",
    "formats.hf:HfFormat",
    "formats.tei:TeiFormat",
    "formats.csv_tables:CsvFormat",
)
"""The formats shipped with Saywho, as ``module:Class``, in the order shown to users."""

_formats: dict[str, type[Format]] = {}


def _load() -> dict[str, type[Format]]:
    if not _formats:
        for entry in BUILTIN:
            module_name, class_name = entry.split(":")
            register(getattr(importlib.import_module(module_name), class_name))
    return _formats


def register(cls: type[Format]) -> type[Format]:
    """Adds a format (usable as a class decorator); returns the class.

    Raises:
        ValueError: the class declares no name, no extension, reads and writes
            nothing, or another format has its name.
    """
    if not _formats and cls.__module__ + ":" + cls.__name__ not in BUILTIN:
        _load()
    if not cls.NAME or not cls.EXTENSIONS:
        raise ValueError(f"{cls.__name__}: a format declares a name and extensions")
    if cls.READS is None and not cls.WRITES:
        raise ValueError(f"{cls.__name__}: a format reads or writes")
    if any(not ext.startswith(".") or ext != ext.lower() for ext in cls.EXTENSIONS):
        raise ValueError(f"{cls.__name__}: extensions are lower case and start with a dot")
    known = _formats.get(cls.NAME)
    if known is not None and known is not cls:
        raise ValueError(f"format '{cls.NAME}' is registered already ({known.__name__})")
    _formats[cls.NAME] = cls
    return cls


def unregister(name: str) -> None:
    """Removes a format added by :func:`register` (a built-in one comes back on reload)."""
    _load().pop(name, None)


def formats() -> list[type[Format]]:
    """Every registered format, in registration order."""
    return list(_load().values())


def get(name: str) -> type[Format]:
    """The format class called ``name``.

    Raises:
        KeyError: no such format (the message lists the known ones).
    """
    found = _load().get(name)
    if found is None:
        raise KeyError(f"unknown format '{name}' (formats: {', '.join(_formats)})")
    return found


def writer_names() -> list[str]:
    """The names ``export --format`` and the export dialog offer."""
    return [cls.NAME for cls in formats() if cls.WRITES]


def read_extensions(reads: str | None = None) -> frozenset[str]:
    """The extensions an import reads (of one kind: :data:`DOCUMENTS` or :data:`LAYERS`)."""
    return frozenset(ext for cls in formats()
                     if cls.READS is not None and (reads is None or reads == cls.READS)
                     for ext in cls.EXTENSIONS)


def _by_extension(path: Path, reads: str) -> list[type[Format]]:
    suffix = path.suffix.lower()
    return [cls for cls in formats() if reads == cls.READS and suffix in cls.EXTENSIONS]


def document_reader(path: Path) -> type[Format]:
    """The format that reads documents from ``path``: by extension, plain text otherwise.

    A file whose extension no format declares is read as plain text (the
    reader refuses binary content with a clear message).
    """
    for cls in _by_extension(path, DOCUMENTS):
        if cls.accepts(path):
            return cls
    return get(FALLBACK)


def layer_reader(path: Path) -> type[Format] | None:
    """The format that reads ``path`` as one annotator's layer, if any accepts it.

    Dispatch is by extension, then by the format's :meth:`~formats.base.Format.accepts`
    (a brat ``.ann`` needs an ``annotation.conf`` above it).
    """
    for cls in _by_extension(path, LAYERS):
        if cls.accepts(path):
            return cls
    return None


FALLBACK = "text"
"""The format of a named file whose extension no reader declares."""


@dataclass(frozen=True)
class FormatInfo:
    """One line of :func:`supported_formats`."""

    name: str
    extensions: tuple[str, ...]
    description: str
    reads: str | None
    writes: bool

    @property
    def directions(self) -> str:
        return " and ".join(word for word, on in (("import", self.reads is not None),
                                                  ("export", self.writes)) if on)


def supported_formats() -> list[FormatInfo]:
    """Every format with its extensions and directions (import, export or both)."""
    return [FormatInfo(cls.NAME, tuple(cls.EXTENSIONS), cls.DESCRIPTION, cls.READS, cls.WRITES)
            for cls in formats()]


def import_patterns() -> list[str]:
    """Glob patterns of every file an import reads (``*.txt``, ...), for file dialogs."""
    return [f"*{ext}" for cls in formats() if cls.READS is not None for ext in cls.EXTENSIONS]


def import_help() -> str:
    """One phrase naming what an import reads, for help texts: ``txt, html, ... and folders``."""
    names = [cls.NAME for cls in formats() if cls.READS is not None]
    return ", ".join(names) + ", folders"
