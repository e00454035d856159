"""What every export format shares: options, the write context, the manifest.

A format is a small class (see :class:`Format`) registered in
:mod:`formats.registry`. :func:`export.run.export_project` streams the corpus
(one :class:`~storage.corpus.CorpusDocument` at a time) to the format's
``write_document`` and lets it finish with ``finish``; the manifest records
counts and every span the format could not represent exactly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from formats.naming import Names
from storage.errors import SaywhoError

if TYPE_CHECKING:  # only types: a reader in a worker process imports no database code
    from storage.corpus import CorpusDocument
    from storage.project import Project
    from storage.records import DocumentRecord, EntityRecord
    from storage.schema import Schema
    from storage.views import EntityView

DOCUMENTS = "documents"
"""``reads=`` of a reader of whole documents (text, HTML, JSON Lines)."""
LAYERS = "layers"
"""``reads=`` of a reader of one annotator's layer per file (brat ``.ann``, XMI)."""

ProgressCallback = Callable[[int, int, str], None]


class ExportError(SaywhoError):
    """An export or a read-back failed; the message names the file and line."""


class MissingDependencyError(ExportError):
    """An optional package a format needs is not installed."""


@dataclass(frozen=True)
class ExportOptions:
    """What to export.

    Attributes:
        annotators: annotator names to include (None: all, gold included).
        status: only layers with this status, e.g. "done" (None: any).
        labels: only these span labels (None: all).
        split: split name -> fraction, e.g. {"train": 0.8, "dev": 0.1, "test": 0.1}.
        seed: the seed of the document-level split.
        format_options: keyword arguments of the format's constructor, e.g.
            ``{"offsets": False}`` for conll.
    """

    annotators: Sequence[str] | None = None
    status: str | None = None
    labels: Sequence[str] | None = None
    split: dict[str, float] | None = None
    seed: int = 0
    format_options: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format_options": dict(self.format_options),
            "annotators": list(self.annotators) if self.annotators is not None else None,
            "status": self.status,
            "labels": list(self.labels) if self.labels is not None else None,
            "split": dict(self.split) if self.split is not None else None,
            "seed": self.seed,
        }


@dataclass
class Manifest:
    """Counts and losses of one export, written as ``manifest.json``."""

    documents: Counter[str] = field(default_factory=Counter)
    spans_by_label: Counter[str] = field(default_factory=Counter)
    spans_by_annotator: Counter[str] = field(default_factory=Counter)
    relations_by_type: Counter[str] = field(default_factory=Counter)
    inexact: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    """What the user is told besides the counts (not written to ``manifest.json``)."""

    def note_inexact(self, document: str, annotator: str, span: str, label: str,
                     reason: str, **details: Any) -> None:
        """Records a span that the format could not represent exactly."""
        self.inexact.append({"document": document, "annotator": annotator, "span": span,
                             "label": label, "reason": reason, **details})


TOP_LEVEL_FILES = ("manifest.json", "labels.json", "features.json", "README.md",
                   "schema.xml", "entities.jsonl", "documents.jsonl")
"""Files a format may write beside the annotator folders: no folder takes their names."""


@dataclass
class ExportContext:
    """Everything a format needs besides the documents themselves.

    Every file and folder name a format writes comes from ``names`` (through
    :meth:`annotator_dir`, :meth:`document_name` and :meth:`split_name`): readable,
    unique in the export, at most :data:`formats.naming.MAX_NAME_BYTES` bytes.
    """

    project: Project
    schema: Schema
    out_dir: Path
    options: ExportOptions
    manifest: Manifest
    entities: dict[int, EntityView]
    names: Names = field(default_factory=lambda: Names(reserved=TOP_LEVEL_FILES))

    def split_name(self, split: str) -> str:
        """The folder or file name (without extension) of a split."""
        return self.names.split(split)

    def split_dir(self, split: str | None) -> Path:
        """The folder a split's files go to (the output folder itself without splits)."""
        path = self.out_dir / self.names.split(split) if split else self.out_dir
        path.mkdir(parents=True, exist_ok=True)
        return path

    def annotator_dir(self, annotator: str) -> Path:
        """``<out>/<annotator>`` (created): the folder of a per-annotator format, one per
        annotator (the manifest maps each folder to its annotator)."""
        folder = self.out_dir / self.names.annotator(annotator)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def document_name(self, external_id: str) -> str:
        """The file name of a document without extension, the same in every folder."""
        return self.names.document(external_id)


class Format:
    """Base class of a file format, registered in :mod:`formats.registry`.

    A subclass declares itself with class keywords, which set the class
    attributes of the same name in capitals (a keyword left out keeps the
    inherited value)::

        class TsvDocFormat(StreamingFormat, name="tsvdoc", extensions=(".tsvdoc",),
                           description="one document per line", reads=DOCUMENTS):

    ``name``, ``extensions`` (lower case, with the dot) and ``description`` say
    what it is; the directions are:

    * reading: ``reads=DOCUMENTS`` and :meth:`read_documents` (a file's bytes
      to document records), or ``reads=LAYERS`` and :meth:`import_layer` (one
      annotator's layer of one document per file); :meth:`accepts` refines the
      choice by extension, :meth:`companions` names the files a layer file takes
      with it;
    * writing: ``writes=True`` (the default) and ``start``/``write_document``/
      ``finish``. Formats that hold one annotation layer per document say
      ``per_annotator=True`` and write one folder per annotator. Writers whose
      exports read back as a whole implement :meth:`read`.
    """

    NAME: ClassVar[str] = ""
    EXTENSIONS: ClassVar[tuple[str, ...]] = ()
    DESCRIPTION: ClassVar[str] = ""
    PER_ANNOTATOR: ClassVar[bool] = False
    READS: ClassVar[str | None] = None
    WRITES: ClassVar[bool] = True

    def __init_subclass__(cls, *, name: str | None = None,
                          extensions: Sequence[str] | None = None,
                          description: str | None = None, reads: str | None = None,
                          writes: bool | None = None, per_annotator: bool | None = None,
                          **kwargs: Any) -> None:
        """Sets the declared class attributes (see the class docstring)."""
        super().__init_subclass__(**kwargs)
        declared = {"NAME": name, "EXTENSIONS": None if extensions is None else tuple(extensions),
                    "DESCRIPTION": description, "READS": reads, "WRITES": writes,
                    "PER_ANNOTATOR": per_annotator}
        for attribute, value in declared.items():
            if value is not None:
                setattr(cls, attribute, value)

    # ------------------------------------------------------------------ reading

    @classmethod
    def accepts(cls, path: Path) -> bool:
        """Whether this format reads ``path`` (its extension matched already)."""
        return True

    @classmethod
    def companions(cls, path: Path) -> list[Path]:
        """The files a layer file is read with (brat: its ``.txt``)."""
        return []

    @classmethod
    def read_documents(cls, data: bytes, path: Path) -> list[DocumentRecord]:
        """The documents of one file's bytes (``reads=DOCUMENTS``).

        Raises:
            IngestError: naming the file (and line) of the problem.
        """
        raise ExportError(f"{path}: the {cls.NAME} format reads no documents")

    @classmethod
    def import_layer(cls, path: Path, found_in: Path | None, cache: dict[Any, Any]
                     ) -> tuple[DocumentRecord, list[EntityRecord]]:
        """One annotator's layer of one document (``reads=LAYERS``).

        Args:
            path: the layer file.
            found_in: the folder the user gave it in (None: the file was named).
            cache: shared between the files of one import (configurations read).

        Returns:
            The document with exactly one annotation set, and the actors its
            spans link to.

        Raises:
            ExportError: naming the file and line of the first problem.
        """
        raise ExportError(f"{path}: the {cls.NAME} format reads no annotation layers")

    # ------------------------------------------------------------------ writing

    def start(self, context: ExportContext) -> None:
        """Called once before the first document (write headers, open files)."""

    def write_document(self, context: ExportContext, item: CorpusDocument,
                       split: str | None) -> None:
        """Writes one document (with its layers) of the corpus."""
        raise ExportError(f"the {self.NAME} format cannot be written, only read")

    def finish(self, context: ExportContext) -> None:
        """Called once after the last document (close files, write config)."""

    def abort(self, context: ExportContext) -> None:
        """Called instead of ``finish`` when the export fails or is cancelled.

        Close open files here; the partial output is then removed by
        :func:`export.run.export_project`.
        """

    @classmethod
    def read(cls, path: Path) -> tuple[list[DocumentRecord], list[EntityRecord]]:
        """Reads an export back as records the project can import.

        Raises:
            ExportError: naming the file and line of the first problem.
        """
        raise ExportError(f"the {cls.NAME} format cannot be imported")


class DocumentReader(Format, reads=DOCUMENTS, writes=False):
    """A read-only format of one document per file: subclasses implement
    :meth:`read_documents`."""
