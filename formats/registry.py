"""The list of export formats; feeds the CLI's ``--format`` and the GUI's dialog.

Each entry names the module and class of one format. Modules are imported on
first use, so a format whose optional package (spaCy) is missing only fails
when it is chosen, with a clear message.
"""

from __future__ import annotations

import importlib

from formats.base import Format

# name -> (module, class); the order is the order shown to users
FORMATS: dict[str, tuple[str, str]] = {
    "jsonl": ("formats.jsonl", "JsonlFormat"),
    "brat": ("formats.brat", "BratFormat"),
    "xmi": ("formats.xmi", "XmiFormat"),
    "conll": ("formats.conll", "ConllFormat"),
    "spacy": ("formats.spacy_format", "SpacyFormat"),
    "hf": ("formats.hf", "HfFormat"),
    "tei": ("formats.tei", "TeiFormat"),
    "csv": ("formats.csv_tables", "CsvFormat"),
}


def names() -> list[str]:
    return list(FORMATS)


def get(name: str) -> type[Format]:
    """The format class called ``name``.

    Raises:
        KeyError: no such format (the message lists the known ones).
    """
    try:
        module_name, class_name = FORMATS[name]
    except KeyError:
        raise KeyError(f"unknown format '{name}' (formats: {', '.join(FORMATS)})") from None
    module = importlib.import_module(module_name)
    cls: type[Format] = getattr(module, class_name)
    return cls
