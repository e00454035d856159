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
:func:`storage.records.covered_text`; ``entity`` is the linked actor's id (or
null). Ids are the stored external ids. Keys come in the order above; keys of
free-form objects (``meta``, ``attributes``) are sorted, so the same project
always gives the same bytes on every database backend. Importing the folder
into a new project and exporting again gives identical files.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from formats.base import DOCUMENTS, ExportContext, ExportError
from formats.common import StreamingFormat
from formats.decoding import bomless_utf16
from formats.reading import (
    DEFAULT_MAX_BYTES,
    MESSAGE_SNIPPET_CHARS,
    IngestError,
    read_bytes_limited,
)
from storage.corpus import CorpusDocument, Layer
from storage.models import STATUSES as ANNOTATION_STATUSES
from storage.models import Status
from storage.records import (
    AnnotationSetRecord,
    DocumentRecord,
    EntityRecord,
    Fragment,
    RelationRecord,
    SpanRecord,
    covered_text,
)
from storage.views import DocumentView, EntityView
from text.encodings import split_bom
from text.names import path_text

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


class JsonlFormat(StreamingFormat, name="jsonl", extensions=(".jsonl",), reads=DOCUMENTS,
                  description="Saywho JSON Lines (native, lossless; imports back)"):
    """Saywho JSON Lines (native, lossless, importable)."""

    @classmethod
    def read_documents(cls, data: bytes, path: Path) -> list[DocumentRecord]:
        return parse_jsonl(data, path)

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
                return read_documents(path), []
            if not path.is_dir():
                raise ExportError(f"{path}: no such file or folder")
            entities: list[EntityRecord] = []
            documents: list[DocumentRecord] = []
            for file in sorted(path.rglob("*.jsonl")):
                if file.name == ENTITIES_FILE:
                    entities += read_entities(file)
                else:
                    documents += read_documents(file)
        except IngestError as exc:
            raise ExportError(str(exc)) from exc
        return documents, entities


# ------------------------------------------------------------------ reading

_DOCUMENT_FIELDS = ("id", "title", "text", "meta", "annotations")
_SET_FIELDS = ("annotator", "status", "spans", "relations")
_SPAN_FIELDS = ("id", "label", "start", "end", "fragments", "text", "attributes", "entity")
_RELATION_FIELDS = ("id", "type", "source", "target", "attributes")
_ENTITY_FIELDS = ("id", "name", "kind", "aliases", "kb_id")


class _LineProblem(Exception):
    """A problem on the current line; turned into an IngestError with path and line."""


def _iter_json_lines(data: bytes, path: Path) -> Iterator[tuple[int, Any]]:
    """Yield (line number, parsed value) for each non-blank line of UTF-8 JSON Lines."""
    bom_encoding, body = split_bom(data)
    if bom_encoding is not None and bom_encoding != "utf-8-sig":
        raise IngestError(path, f"is {bom_encoding.upper()} text (it starts with a byte-order "
                                "mark): JSON Lines files must be UTF-8")
    codec = bomless_utf16(body) if b"\x00" in body else None
    if codec is not None:
        raise IngestError(path, f"looks like {codec.upper()} text without a byte-order mark: "
                                "JSON Lines files must be UTF-8")
    offset = len(data) - len(body)
    try:
        content = body.decode("utf-8")
    except UnicodeDecodeError as err:
        line = body[: err.start].count(b"\n") + 1
        raise IngestError(
            path,
            f"is not valid UTF-8 (byte 0x{body[err.start]:02x} at offset {err.start + offset})",
            line,
        ) from None
    # Split on "\n" only: U+2028 and friends may appear raw inside JSON strings.
    for number, raw in enumerate(content.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw, parse_constant=_reject_constant)
        except json.JSONDecodeError as err:
            raise IngestError(
                path, f"not valid JSON: {err.msg} (column {err.colno})", number
            ) from None
        except (_LineProblem, RecursionError) as err:
            reason = str(err) if isinstance(err, _LineProblem) else "JSON nested too deeply"
            raise IngestError(path, f"not valid JSON: {reason}", number) from None
        if _SURROGATE_ESCAPE.search(raw) is not None:
            field = _surrogate_field(value, "")
            if field is not None:
                where, char = field
                raise IngestError(
                    path, f"field {where} holds a lone surrogate (\\u{ord(char):04x}), which "
                          "is not a character: the text cannot be stored or exported; fix the "
                          "\\u escape (a surrogate pair needs both halves)", number)
        yield number, value


# Lone surrogates reach a JSON value only through a \u escape (UTF-8 cannot encode them).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate_field(value: Any, where: str) -> tuple[str, str] | None:
    """The first field (``'meta.source'``, ``'annotations[0].annotator'``) holding a lone
    surrogate, with the surrogate; None when there is none."""
    if isinstance(value, str):
        found = _SURROGATE.search(value)
        return (f"'{where}'", found.group()) if found is not None else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{where}.{key}" if where else str(key)
            found_key = _SURROGATE.search(key)
            if found_key is not None:
                return f"'{_SURROGATE.sub('?', inner)}' (its name)", found_key.group()
            hit = _surrogate_field(item, inner)
            if hit is not None:
                return hit
    elif isinstance(value, list):
        for index, item in enumerate(value):
            hit = _surrogate_field(item, f"{where}[{index}]")
            if hit is not None:
                return hit
    return None


def _reject_constant(name: str) -> Any:
    raise _LineProblem(f"{name} is not a JSON number")


def read_documents(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[DocumentRecord]:
    """Reads every document of one JSON Lines file, or none.

    Raises:
        IngestError: the file cannot be read or a line is not valid; names the file and line.
    """
    return parse_jsonl(read_bytes_limited(path, max_bytes), path)


def parse_jsonl(data: bytes, path: Path) -> list[DocumentRecord]:
    """Read JSON Lines documents, with their annotation sets, from bytes.

    Each non-blank line is an object ``{"id", "title", "text", "meta",
    "annotations"}`` of which only ``text`` is required; the document id
    defaults to ``"<stem>-<line>"``. See the module docstring for the checks.

    Args:
        data: The file's content (UTF-8).
        path: The file, for the records' source and for messages.

    Returns:
        The documents in file order; ``line`` holds each one's line.

    Raises:
        IngestError: For the first problem; the whole file is refused.
    """
    path = Path(path)
    documents: list[DocumentRecord] = []
    first_line_of: dict[str, int] = {}
    for number, value in _iter_json_lines(data, path):
        try:
            document = _document_from_json(value, path, number)
        except _LineProblem as problem:
            raise IngestError(path, str(problem), number) from None
        assert document.external_id is not None
        if document.external_id in first_line_of:
            raise IngestError(
                path,
                f"document id {_quote(document.external_id)} is already used on line "
                f"{first_line_of[document.external_id]}",
                number,
            )
        first_line_of[document.external_id] = number
        documents.append(document)
    if not documents:
        raise IngestError(path, "contains no documents")
    return documents


def _document_from_json(value: Any, path: Path, number: int) -> DocumentRecord:
    record = _expect_object(value, "a line", _DOCUMENT_FIELDS)
    if "text" not in record:
        raise _LineProblem("missing the required field 'text'")
    text = record["text"]
    if not isinstance(text, str):
        raise _LineProblem(f"'text' must be a string, not {_json_type(text)}")
    if not text.strip():
        raise _LineProblem("'text' is empty")
    doc_id = record.get("id")
    if doc_id is None:
        doc_id = f"{path_text(path.stem)}-{number}"
    elif isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    elif not isinstance(doc_id, str) or not doc_id.strip():
        raise _LineProblem(f"'id' must be a non-empty string, not {_json_type(doc_id)}")
    title = record.get("title")
    if title is None:
        title = doc_id
    elif not isinstance(title, str):
        raise _LineProblem(f"'title' must be a string, not {_json_type(title)}")
    meta = record.get("meta")
    if meta is None:
        meta = {}
    elif not isinstance(meta, dict):
        raise _LineProblem(f"'meta' must be an object, not {_json_type(meta)}")
    raw_sets = record.get("annotations")
    if raw_sets is None:
        raw_sets = []
    elif not isinstance(raw_sets, list):
        raise _LineProblem(f"'annotations' must be a list, not {_json_type(raw_sets)}")
    annotation_sets: list[AnnotationSetRecord] = []
    annotators: set[str] = set()
    for index, raw_set in enumerate(raw_sets):
        annotation_set = _annotation_set_from_json(raw_set, index, text)
        if annotation_set.annotator in annotators:
            raise _LineProblem(
                f"annotator {_quote(annotation_set.annotator)} has more than one annotation set"
            )
        annotators.add(annotation_set.annotator)
        annotation_sets.append(annotation_set)
    return DocumentRecord(text=text, title=title, external_id=doc_id, meta=meta,
                          source=path_text(path), annotations=annotation_sets, line=number)


def _annotation_set_from_json(value: Any, index: int, text: str) -> AnnotationSetRecord:
    record = _expect_object(value, f"annotations[{index}]", _SET_FIELDS)
    annotator = record.get("annotator")
    if not isinstance(annotator, str) or not annotator.strip():
        raise _LineProblem(f"annotations[{index}]: 'annotator' must be a non-empty string")
    where = f"annotator {_quote(annotator)}"
    status = record.get("status", Status.NEW)
    if status not in ANNOTATION_STATUSES:
        raise _LineProblem(
            f"{where}: unknown status {_quote(status)} "
            f"(expected one of {', '.join(ANNOTATION_STATUSES)})"
        )
    raw_spans = record.get("spans", [])
    raw_relations = record.get("relations", [])
    for name, items in (("spans", raw_spans), ("relations", raw_relations)):
        if not isinstance(items, list):
            raise _LineProblem(f"{where}: '{name}' must be a list, not {_json_type(items)}")
    used_ids: dict[str, str] = {}
    spans: list[SpanRecord] = []
    for position, raw_span in enumerate(raw_spans):
        span = _span_from_json(raw_span, position, text)
        _claim_id(used_ids, span.id, "span")
        spans.append(span)
    span_ids = {span.id for span in spans}
    relations: list[RelationRecord] = []
    for position, raw_relation in enumerate(raw_relations):
        relation = _relation_from_json(raw_relation, position, span_ids)
        _claim_id(used_ids, relation.id, "relation")
        relations.append(relation)
    return AnnotationSetRecord(annotator=annotator, status=status, spans=spans, relations=relations)


def _claim_id(used_ids: dict[str, str], item_id: str, kind: str) -> None:
    if item_id in used_ids:
        raise _LineProblem(
            f"{kind} id {_quote(item_id)} is already used by a {used_ids[item_id]} "
            "of the same annotator"
        )
    used_ids[item_id] = kind


def _span_from_json(value: Any, position: int, text: str) -> SpanRecord:
    record = _expect_object(value, f"spans[{position}]", _SPAN_FIELDS)
    span_id = _required_string(record, "id", f"spans[{position}]")
    where = f"span {_quote(span_id)}"
    label = _required_string(record, "label", where)
    start = _offset(record, "start", where, text)
    end = _offset(record, "end", where, text)
    if start >= end:
        raise _LineProblem(f"{where}: start {start} is not before end {end}")
    raw_fragments = record.get("fragments")
    if raw_fragments is None:
        fragments: list[Fragment] = [(start, end)]
    else:
        fragments = _fragments(raw_fragments, where, text)
        if fragments[0][0] != start or fragments[-1][1] != end:
            raise _LineProblem(
                f"{where}: start-end {start}-{end} does not match its fragments "
                f"({_describe_fragments(fragments)})"
            )
    covered = covered_text(text, fragments)
    span_text = record.get("text")
    if span_text is not None:
        if not isinstance(span_text, str):
            raise _LineProblem(f"{where}: 'text' must be a string, not {_json_type(span_text)}")
        if span_text != covered:
            raise _LineProblem(
                f"{where}: text {_quote(span_text)} does not match the text at "
                f"{_describe_fragments(fragments)} ({_quote(covered)})"
            )
    attributes = _optional_object(record, "attributes", where)
    entity = record.get("entity")
    if entity is not None and (not isinstance(entity, str) or not entity):
        raise _LineProblem(f"{where}: 'entity' must be a non-empty string or null")
    return SpanRecord(id=span_id, label=label, fragments=fragments, attributes=attributes,
                      entity=entity, text=covered)


def _offset(record: dict[str, Any], key: str, where: str, text: str) -> int:
    if key not in record:
        raise _LineProblem(f"{where}: missing {key!r}")
    return _check_offset(record[key], key, where, text)


def _check_offset(value: Any, name: str, where: str, text: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _LineProblem(f"{where}: {name} must be an integer, not {_json_type(value)}")
    if value < 0:
        raise _LineProblem(f"{where}: {name} {value} is negative")
    if value > len(text):
        raise _LineProblem(f"{where}: {name} {value} is beyond the text (length {len(text)})")
    return value


def _fragments(value: Any, where: str, text: str) -> list[Fragment]:
    if not isinstance(value, list) or not value:
        raise _LineProblem(f"{where}: 'fragments' must be a non-empty list of [start, end] pairs")
    fragments: list[Fragment] = []
    for item in value:
        if not isinstance(item, list) or len(item) != 2:
            raise _LineProblem(f"{where}: fragment {json.dumps(item)} is not a [start, end] pair")
        fragment_start = _check_offset(item[0], "fragment start", where, text)
        fragment_end = _check_offset(item[1], "fragment end", where, text)
        if fragment_start >= fragment_end:
            raise _LineProblem(
                f"{where}: fragment {fragment_start}-{fragment_end}: start is not before end"
            )
        fragments.append((fragment_start, fragment_end))
    fragments.sort()
    for before, after in itertools.pairwise(fragments):
        if after[0] < before[1]:
            raise _LineProblem(
                f"{where}: fragments {before[0]}-{before[1]} and {after[0]}-{after[1]} overlap"
            )
        if after[0] == before[1]:
            raise _LineProblem(
                f"{where}: fragments {before[0]}-{before[1]} and {after[0]}-{after[1]} touch; "
                "make them one fragment"
            )
    return fragments


def _describe_fragments(fragments: Sequence[Fragment]) -> str:
    return ",".join(f"{start}-{end}" for start, end in fragments)


def _relation_from_json(value: Any, position: int, span_ids: set[str]) -> RelationRecord:
    record = _expect_object(value, f"relations[{position}]", _RELATION_FIELDS)
    relation_id = _required_string(record, "id", f"relations[{position}]")
    where = f"relation {_quote(relation_id)}"
    relation_type = _required_string(record, "type", where)
    ends: dict[str, str] = {}
    for key in ("source", "target"):
        span_id = _required_string(record, key, where)
        if span_id not in span_ids:
            raise _LineProblem(
                f"{where}: {key} {_quote(span_id)} is not a span of the same annotator"
            )
        ends[key] = span_id
    return RelationRecord(id=relation_id, type=relation_type, source=ends["source"],
                          target=ends["target"],
                          attributes=_optional_object(record, "attributes", where))


def _expect_object(value: Any, what: str, fields: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _LineProblem(f"{what} must be a JSON object, not {_json_type(value)}")
    unknown = [key for key in value if key not in fields]
    if unknown:
        raise _LineProblem(
            f"{what}: unknown field {_quote(unknown[0])} (expected {', '.join(fields)})"
        )
    return value


def _required_string(record: dict[str, Any], key: str, where: str) -> str:
    value = record.get(key)
    if value is None:
        raise _LineProblem(f"{where}: missing {key!r}")
    if not isinstance(value, str) or not value.strip():
        raise _LineProblem(f"{where}: {key!r} must be a non-empty string, not {_json_type(value)}")
    return value


def _optional_object(record: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = record.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _LineProblem(f"{where}: {key!r} must be an object, not {_json_type(value)}")
    return value


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {_quote(value)}" if value else "an empty string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _quote(value: Any) -> str:
    """Quote a value for a message, shortened so a long text does not flood it."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(text) > MESSAGE_SNIPPET_CHARS:
        text = text[: MESSAGE_SNIPPET_CHARS - 1] + "…"
    return "'" + text.replace("\n", "\\n") + "'"


# -------------------------------------------------------------------- entities


def read_entities(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[EntityRecord]:
    """Read an actor registry: one ``{"id", "name", "kind", "aliases", "kb_id"}`` per line.

    Only ``id`` and ``name`` are required; ``kind`` defaults to ``"person"``.

    Args:
        path: The ``entities.jsonl`` file.
        max_bytes: Larger files are refused before being read.

    Returns:
        The entities in file order.

    Raises:
        IngestError: For the first problem (including a repeated id), naming
            the file and line.
    """
    path = Path(path)
    data = read_bytes_limited(path, max_bytes)
    entities: list[EntityRecord] = []
    first_line_of: dict[str, int] = {}
    for number, value in _iter_json_lines(data, path):
        try:
            entity = _entity_from_json(value)
        except _LineProblem as problem:
            raise IngestError(path, str(problem), number) from None
        if entity.id in first_line_of:
            raise IngestError(
                path,
                f"entity id {_quote(entity.id)} is already used on line {first_line_of[entity.id]}",
                number,
            )
        first_line_of[entity.id] = number
        entities.append(entity)
    return entities


def _entity_from_json(value: Any) -> EntityRecord:
    record = _expect_object(value, "a line", _ENTITY_FIELDS)
    entity_id = _required_string(record, "id", "entity")
    where = f"entity {_quote(entity_id)}"
    name = _required_string(record, "name", where)
    kind = record.get("kind", "person")
    if not isinstance(kind, str) or not kind.strip():
        raise _LineProblem(f"{where}: 'kind' must be a non-empty string, not {_json_type(kind)}")
    aliases = record.get("aliases", [])
    if aliases is None:
        aliases = []
    if not isinstance(aliases, list) or not all(
        isinstance(alias, str) and alias.strip() for alias in aliases
    ):
        raise _LineProblem(f"{where}: 'aliases' must be a list of non-empty strings")
    kb_id = record.get("kb_id")
    if kb_id is not None and (not isinstance(kb_id, str) or not kb_id.strip()):
        raise _LineProblem(f"{where}: 'kb_id' must be a non-empty string or null")
    return EntityRecord(id=entity_id, name=name, kind=kind, aliases=list(aliases), kb_id=kb_id)
