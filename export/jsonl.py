"""Saywho's native JSON Lines: lossless, and what ``saywho import`` reads back.

Layout: ``<out>/[<split>/]documents.jsonl`` (one document per line), with
``<out>/entities.jsonl`` (the actor registry) and ``<out>/schema.xml`` (the
project's schema, exactly as stored) beside it. A document line is::

    {"id", "title", "text", "meta",
     "annotations": [{"annotator", "status",
                      "spans": [{"id", "label", "start", "end", "fragments"?, "text",
                                 "attributes", "entity"}],
                      "relations": [{"id", "type", "source", "target", "attributes"}]}]}

``fragments`` is written only for a discontinuous span; ``text`` is
:func:`storage.ingest.covered_text`; ``entity`` is the linked actor's id (or
null). Ids are the stored external ids. Keys come in the order above; keys of
free-form objects (``meta``, ``attributes``) are sorted, so the same project
always gives the same bytes on every database backend. Importing the folder
into a new project and exporting again gives identical files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar, TextIO

from export.base import ExportContext, ExportError
from export.common import StreamingFormat
from storage.corpus import CorpusDocument, Layer
from storage.ingest import IngestError, covered_text, read_entities, read_file
from storage.records import DocumentRecord, EntityRecord
from storage.views import DocumentView, EntityView

DOCUMENTS_FILE = "documents.jsonl"
ENTITIES_FILE = "entities.jsonl"
SCHEMA_FILE = "schema.xml"


_FLAT = frozenset({str, int, float, bool, type(None)})
"""Types of values that need no sorting inside (anything else goes through :func:`_sorted`)."""


def _sorted(value: Any) -> Any:
    """``value`` with the keys of every object sorted (lists keep their order)."""
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def _sorted_object(value: dict[str, Any]) -> dict[str, Any]:
    """:func:`_sorted` of an object, quicker for the usual flat one."""
    if len(value) < 2:
        # no keys to reorder: only a nested value can need sorting
        for item in value.values():
            if type(item) not in _FLAT:
                return _sorted(value)
        return value
    flat = {key: value[key] for key in sorted(value)}
    for item in flat.values():
        if type(item) not in _FLAT:
            return _sorted(value)
    return flat


_ENCODER = json.JSONEncoder(ensure_ascii=False)


def dumps(value: Any) -> str:
    """One JSON line: UTF-8 characters as they are, keys in the order given."""
    return _ENCODER.encode(value)


def layer_json(document: DocumentView, layer: Layer,
               entities: dict[int, EntityView]) -> dict[str, Any]:
    """One annotator's annotation set as the native format writes it."""
    text = document.text
    span_ids = {span.id: span.external_id for span in layer.spans}
    spans = []
    for span in layer.spans:
        fragments = span.fragments
        start, end = fragments[0][0], fragments[-1][1]
        item: dict[str, Any] = {"id": span.external_id, "label": span.label,
                                "start": start, "end": end}
        if len(fragments) > 1:
            item["fragments"] = [[fragment_start, fragment_end]
                                 for fragment_start, fragment_end in fragments]
            item["text"] = covered_text(text, fragments)
        else:
            item["text"] = text[start:end]  # covered_text of one fragment
        entity_id = span.entity_id
        entity = entities.get(entity_id) if entity_id is not None else None
        attributes = span.attributes
        item["attributes"] = _sorted_object(attributes) if attributes else attributes
        item["entity"] = entity.external_id if entity is not None else None
        spans.append(item)
    relations = [{"id": relation.external_id, "type": relation.type,
                  "source": span_ids[relation.source_id],
                  "target": span_ids[relation.target_id],
                  "attributes": (_sorted_object(relation.attributes) if relation.attributes
                                 else relation.attributes)}
                 for relation in layer.relations]
    return {"annotator": layer.annotator, "status": layer.status, "spans": spans,
            "relations": relations}


def document_json(item: CorpusDocument, entities: dict[int, EntityView]) -> dict[str, Any]:
    """A document line of the native format."""
    document = item.document
    return {"id": document.external_id, "title": document.title, "text": document.text,
            "meta": _sorted(document.meta),
            "annotations": [layer_json(document, layer, entities) for layer in item.layers]}


def entity_json(entity: EntityView) -> dict[str, Any]:
    return {"id": entity.external_id, "name": entity.name, "kind": entity.kind,
            "aliases": list(entity.aliases), "kb_id": entity.kb_id}


class JsonlFormat(StreamingFormat):
    """Saywho JSON Lines (native, lossless, importable)."""

    NAME: ClassVar[str] = "jsonl"
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".jsonl",)
    DESCRIPTION: ClassVar[str] = "Saywho JSON Lines (native, lossless; imports back)"
    READABLE: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__()
        self._handles: dict[str | None, TextIO] = {}
        """The documents file of each split, once opened (no path or folder check per line)."""

    def start(self, context: ExportContext) -> None:
        (context.out_dir / SCHEMA_FILE).write_text(context.schema.xml, encoding="utf-8",
                                                   newline="")
        context.manifest.files.append(SCHEMA_FILE)
        with (context.out_dir / ENTITIES_FILE).open("w", encoding="utf-8",
                                                    newline="\n") as handle:
            for entity in sorted(context.entities.values(), key=lambda e: e.id):
                handle.write(dumps(entity_json(entity)) + "\n")
        context.manifest.files.append(ENTITIES_FILE)

    def write_document(self, context: ExportContext, item: CorpusDocument,
                       split: str | None) -> None:
        handle = self._handles.get(split)
        if handle is None:
            handle = self._handles[split] = self.open_file(
                context, context.split_dir(split) / DOCUMENTS_FILE)
        handle.write(dumps(document_json(item, context.entities)))
        handle.write("\n")

    def close_files(self) -> None:
        self._handles.clear()
        super().close_files()

    @classmethod
    def read(cls, path: Path) -> tuple[list[DocumentRecord], list[EntityRecord]]:
        """Reads an export folder (or one ``.jsonl`` file) back as records.

        Raises:
            ExportError: naming the file and line of the first problem.
        """
        path = Path(path)
        try:
            if path.is_file():
                if path.name == ENTITIES_FILE:
                    return [], read_entities(path)
                return read_file(path), []
            if not path.is_dir():
                raise ExportError(f"{path}: no such file or folder")
            entities: list[EntityRecord] = []
            documents: list[DocumentRecord] = []
            for file in sorted(path.rglob("*.jsonl")):
                if file.name == ENTITIES_FILE:
                    entities += read_entities(file)
                else:
                    documents += read_file(file)
        except IngestError as exc:
            raise ExportError(str(exc)) from exc
        return documents, entities
