"""brat ``.ann`` lines: one annotator's layer of one document, written and read.

The folder layout, the configuration and ``saywho.json`` are :mod:`formats.brat`'s;
this module turns a layer into the lines of its ``.ann`` and back, strictly
against the text and the ``annotation.conf``.

Offsets. brat reads the ``.txt`` as UTF-8 into a Python string and indexes it:
offsets are Unicode code points, end exclusive, exactly Saywho's unit, so no
conversion happens. The ``.txt`` holds the stored text byte for byte (UTF-8,
line endings as stored). brat's server opens it with universal newlines, so a
text that holds ``\\r\\n`` line endings is read there with ``\\n`` only and
every offset after the first CRLF moves; such spans are listed in the
manifest's ``inexact`` (the files themselves stay exact and Saywho reads them
back exactly).

Lines of the ``.ann``:

``T1\\tQuote 22 40;73 87\\tWe will not yield, not one metre.``
    a span; fragments joined with ``;``, column 3 the fragments' texts joined
    with one space (brat's ``DISCONT_SEP``). An annotation line cannot hold a
    line break, so a fragment that crosses one is cut there into several
    fragments (the line-break characters themselves are left out); reading
    back joins fragments separated only by line breaks. Exact, unless a span
    starts or ends with a line break, consists only of line breaks, or has
    fragments that touch (brat refuses them; they are joined) — all listed in
    ``inexact``.
``R1\\tspeaker Arg1:T1 Arg2:T2``
    a relation (source is Arg1, target Arg2).
``A1\\tform T1 direct`` / ``A2\\tanonymous T1``
    an enum attribute / a boolean attribute, written only when true.
``N1\\tReference T2 saywho:haddad\\tZoë Haddad-Keller``
    the actor an entity-linked span refers to (``saywho`` is declared in
    ``tools.conf``).
``#1\\tAnnotatorNotes T1\\tsaywho-attribute NAME: VALUE``
    a free-text attribute (brat attributes are enumerations only); and
    ``saywho-id: ID`` when the Saywho id of a span or relation is not a brat id
    (ids like ``T12`` and ``R3`` are kept, others are renumbered).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from formats.base import ExportContext, ExportError
from formats.brat_config import (
    ANNOTATION_CONF,
    NORMALIZATION_DB,
    NOT_A_VALUE,
    BratConfig,
    read_utf8,
)
from storage.corpus import Layer
from storage.models import Status
from storage.records import (
    AnnotationSetRecord,
    EntityRecord,
    Fragment,
    RelationRecord,
    SpanRecord,
)
from storage.schema import AttributeDef, Schema
from storage.vocabulary import ValueType

DISCONT_SEP = " "
NOTE_ID_PREFIX = "saywho-id: "
NOTE_ATTRIBUTE_PREFIX = "saywho-attribute "

# every character str.splitlines() breaks at: none may appear inside an .ann line
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK_RUN = re.compile(f"[{re.escape(LINE_BREAKS)}]+")
_ONLY_BREAKS = re.compile(f"[{re.escape(LINE_BREAKS)}]+\\Z")
_SPAN_ID = re.compile(r"T[0-9]+")
_RELATION_ID = re.compile(r"R[0-9]+")
_BRAT_ID = re.compile(r"([A-Za-z]+|#[A-Za-z]*)([0-9]+)(.*)")

RELATION_OWNER = "<RELATION>"
"""The owner of a relation attribute in :data:`AttributeDefs` (no label has this name)."""

AttributeDefs = dict[tuple[str, str], AttributeDef]
"""Attribute definitions by (owner, attribute name): a span label or :data:`RELATION_OWNER`."""


def split_at_line_breaks(text: str, fragments: Iterable[Fragment]) -> list[Fragment]:
    """The fragments cut at line breaks (left out); fragments that touch are joined."""
    pieces: list[Fragment] = []

    def add(start: int, end: int) -> None:
        if pieces and pieces[-1][1] == start:  # brat refuses fragments that touch
            pieces[-1] = (pieces[-1][0], end)
        else:
            pieces.append((start, end))

    for start, end in fragments:
        position = start
        for match in _BREAK_RUN.finditer(text, start, end):
            if match.start() > position:
                add(position, match.start())
            position = match.end()
        if position < end:
            add(position, end)
    return pieces


def join_line_break_gaps(text: str, fragments: Sequence[Fragment]) -> list[Fragment]:
    """Joins fragments separated only by line breaks (the inverse of the cut above)."""
    joined: list[Fragment] = []
    for start, end in fragments:
        if joined and joined[-1][1] < start and _ONLY_BREAKS.match(text, joined[-1][1], start):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def column3(text: str, fragments: Sequence[Fragment]) -> str:
    """The text column of a T line: the fragments' texts joined with one space."""
    return DISCONT_SEP.join(text[start:end] for start, end in fragments)


# -------------------------------------------------------------------- writing


def attribute_definitions(schema: Schema) -> AttributeDefs:
    """Each attribute's definition by (label, name), a relation's by (RELATION_OWNER, name)."""
    definitions: AttributeDefs = {}
    for label in schema.labels:
        for attribute in label.attributes:
            definitions[(label.name, attribute.name)] = attribute
    for relation in schema.relations:
        for attribute in relation.attributes:
            definitions[(RELATION_OWNER, attribute.name)] = attribute
    return definitions


def ann_text(context: ExportContext, attribute_defs: AttributeDefs, document_id: str,
             text: str, layer: Layer) -> str:
    """The .ann content of one annotator's layer (see the module docstring).

    Args:
        context: the export's context (its manifest gets what brat cannot hold).
        attribute_defs: :func:`attribute_definitions` of the schema.
        document_id: the document's Saywho id, for the manifest.
        text: the document's text.
        layer: the annotator's spans and relations.
    """
    manifest = context.manifest
    keep_ids = (all(_SPAN_ID.fullmatch(s.external_id) for s in layer.spans)
                and all(_RELATION_ID.fullmatch(r.external_id) for r in layer.relations))
    crlf_before = _crlf_counter(text)
    t_lines: list[str] = []
    r_lines: list[str] = []
    a_lines: list[str] = []
    n_lines: list[str] = []
    notes: list[tuple[str, str]] = []
    brat_ids: dict[int, str] = {}

    def note(what: str, target: str, reason: str, **details: Any) -> None:
        manifest.note_inexact(document_id, layer.annotator, what, target, reason, **details)

    def attributes(owner: str, target: str, ext_id: str, values: dict[str, Any]) -> None:
        for name in sorted(values):
            value = values[name]
            definition = attribute_defs.get((owner, name))
            if isinstance(value, bool):
                if value:
                    a_lines.append(f"A{len(a_lines) + 1}\t{name} {target}")
            elif definition is not None and definition.type == ValueType.ENUM \
                    and isinstance(value, str) and value and not NOT_A_VALUE.search(value):
                a_lines.append(f"A{len(a_lines) + 1}\t{name} {target} {value}")
            elif isinstance(value, str) and (definition is None
                                             or definition.type == ValueType.TEXT):
                if any(ch in LINE_BREAKS for ch in value):
                    note(ext_id, owner, f"attribute '{name}' holds a line break, which a "
                         "brat note cannot hold; written with spaces instead")
                    value = _BREAK_RUN.sub(" ", value)
                notes.append((target, f"{NOTE_ATTRIBUTE_PREFIX}{name}: {value}"))
            else:
                note(ext_id, owner, f"attribute '{name}' value {value!r} cannot be a brat "
                     "attribute value (it holds a space, '|' or ','); not written")

    for index, span in enumerate(layer.spans, start=1):
        pieces = split_at_line_breaks(text, span.fragments)
        if not pieces:
            note(span.external_id, span.label, "the span covers only line breaks, which "
                 "a brat annotation cannot hold; not written")
            continue
        if join_line_break_gaps(text, pieces) != list(span.fragments):
            note(span.external_id, span.label, "brat cannot keep these fragments "
                 "exactly: fragments that touch are joined, line breaks at the edge of "
                 "the span or between fragments are left out",
                 fragments=[list(f) for f in span.fragments],
                 written=[list(p) for p in pieces])
        shift = crlf_before(span.start)
        if shift:
            note(span.external_id, span.label, f"{shift} CRLF line ending(s) come before "
                 "the span: brat's server reads the .txt with universal newlines and "
                 f"would place it {shift} character(s) earlier (the files are exact)")
        brat_id = span.external_id if keep_ids else f"T{index}"
        brat_ids[span.id] = brat_id
        offsets = ";".join(f"{start} {end}" for start, end in pieces)
        t_lines.append(f"{brat_id}\t{span.label} {offsets}\t{column3(text, pieces)}")
        if not keep_ids:
            notes.append((brat_id, NOTE_ID_PREFIX + span.external_id))
        attributes(span.label, brat_id, span.external_id, span.attributes)
        if span.entity_id is not None:
            entity = context.entities.get(span.entity_id)
            if entity is None:
                continue
            if re.search(r"\s", entity.external_id):
                note(span.external_id, span.label, f"actor id '{entity.external_id}' holds "
                     "a space, which a brat normalization cannot hold; link not written")
                continue
            name = _BREAK_RUN.sub(" ", entity.name).replace("\t", " ")
            n_lines.append(f"N{len(n_lines) + 1}\tReference {brat_id} "
                           f"{NORMALIZATION_DB}:{entity.external_id}\t{name}")
    for index, relation in enumerate(layer.relations, start=1):
        source = brat_ids.get(relation.source_id)
        target = brat_ids.get(relation.target_id)
        if source is None or target is None:
            note(relation.external_id, relation.type, "a span it links was not written; "
                 "relation not written")
            continue
        brat_id = relation.external_id if keep_ids else f"R{index}"
        r_lines.append(f"{brat_id}\t{relation.type} Arg1:{source} Arg2:{target}")
        if not keep_ids:
            notes.append((brat_id, NOTE_ID_PREFIX + relation.external_id))
        attributes(RELATION_OWNER, brat_id, relation.external_id, relation.attributes)
    note_lines = [f"#{number}\tAnnotatorNotes {target}\t{content}"
                  for number, (target, content) in enumerate(notes, start=1)]
    lines = t_lines + r_lines + a_lines + n_lines + note_lines
    return "".join(line + "\n" for line in lines)


def _crlf_counter(text: str) -> Callable[[int], int]:
    """A function: offset -> number of CRLF pairs before it."""
    positions = [m.start() for m in re.finditer("\r\n", text)]
    return lambda offset: bisect_left(positions, offset)


# -------------------------------------------------------------------- reading


def read_ann(path: Path, text: str, config: BratConfig, annotator: str,
             entities: dict[str, EntityRecord]) -> AnnotationSetRecord:
    """Parses one .ann file strictly against its text and configuration.

    Raises:
        ExportError: ``file:line: problem`` for the first bad line.
    """
    spans: dict[str, SpanRecord] = {}
    relations: dict[str, RelationRecord] = {}
    renamed: dict[str, str] = {}
    pending: list[tuple[int, str, str]] = []  # (line, kind, content) resolved after T/R
    content = read_utf8(path, "a brat .ann file")
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        brat_id, sep, rest = line.partition("\t")
        if not sep or not _BRAT_ID.fullmatch(brat_id):
            raise ExportError(f"{where}: '{brat_id}' is not a brat annotation id")
        if brat_id in spans or brat_id in relations:
            raise ExportError(f"{where}: id {brat_id} is used twice")
        kind = brat_id[0]
        if kind == "T":
            spans[brat_id] = _read_text_bound(where, brat_id, rest, text, config)
        elif kind == "R":
            relations[brat_id] = _read_relation(where, brat_id, rest, config)
        elif kind in "AMN#":
            pending.append((number, kind, rest))
        else:
            raise ExportError(f"{where}: Saywho cannot import brat '{kind}' annotations "
                              "(events and equivalences have no Saywho counterpart)")
    for relation in relations.values():
        for end in (relation.source, relation.target):
            if end not in spans:
                raise ExportError(f"{path}: relation {relation.id} refers to {end}, which is "
                                  "not a text-bound annotation of this file")
    for number, kind, rest in pending:
        where = f"{path}:{number}"
        if kind in "AM":
            parts = rest.split(" ")
            if len(parts) not in (2, 3):
                raise ExportError(f"{where}: an attribute line is 'NAME ID [VALUE]'")
            name, target = parts[0], parts[1]
            if name not in config.attributes:
                raise ExportError(f"{where}: attribute '{name}' is not declared in "
                                  f"{ANNOTATION_CONF}")
            values = config.attributes[name]
            value: Any = True
            if len(parts) == 3:
                value = parts[2]
                if values is not None and value not in values:
                    raise ExportError(f"{where}: '{value}' is not a declared value of "
                                      f"'{name}' ({'|'.join(values)})")
            elif values is not None:
                raise ExportError(f"{where}: attribute '{name}' needs a value "
                                  f"({'|'.join(values)})")
            owner: SpanRecord | RelationRecord | None = spans.get(target) or \
                relations.get(target)
            if owner is None:
                raise ExportError(f"{where}: attribute of unknown annotation {target}")
            owner.attributes[name] = value
        elif kind == "N":
            head, _, name = rest.partition("\t")
            match = re.fullmatch(r"(\S+) (\S+) (\S+?):(\S+)", head)
            if match is None:
                raise ExportError(f"{where}: a normalization line is 'TYPE ID DB:REF\\tNAME'")
            _, target, db, ref = match.groups()
            if target not in spans:
                raise ExportError(f"{where}: normalization of unknown annotation {target}")
            if db != NORMALIZATION_DB:
                continue  # links to other knowledge bases have no Saywho counterpart
            spans[target].entity = ref
            if ref not in entities:
                entities[ref] = EntityRecord(id=ref, name=name.strip() or ref)
        else:  # '#': annotator notes
            head, _, note = rest.partition("\t")
            target = head.split(" ")[-1]
            owner = spans.get(target) or relations.get(target)
            if owner is None:
                raise ExportError(f"{where}: note on unknown annotation {target}")
            if note.startswith(NOTE_ID_PREFIX):
                renamed[target] = note[len(NOTE_ID_PREFIX):]
            elif note.startswith(NOTE_ATTRIBUTE_PREFIX):
                name, sep, value = note[len(NOTE_ATTRIBUTE_PREFIX):].partition(": ")
                if not sep:
                    raise ExportError(f"{where}: a Saywho attribute note is "
                                      f"'{NOTE_ATTRIBUTE_PREFIX}NAME: VALUE'")
                owner.attributes[name] = value
    span_records = []
    for brat_id, span in spans.items():
        span.id = renamed.get(brat_id, brat_id)
        span_records.append(span)
    relation_records = []
    for brat_id, relation in relations.items():
        relation.id = renamed.get(brat_id, brat_id)
        relation.source = spans[relation.source].id
        relation.target = spans[relation.target].id
        relation_records.append(relation)
    # the status is not in the .ann: the caller takes it from saywho.json
    return AnnotationSetRecord(annotator=annotator, status=Status.NEW, spans=span_records,
                               relations=relation_records)


def _read_text_bound(where: str, brat_id: str, rest: str, text: str,
                     config: BratConfig) -> SpanRecord:
    head, sep, covered = rest.partition("\t")
    if not sep:
        raise ExportError(f"{where}: a text-bound line is 'ID\\tTYPE START END\\tTEXT'")
    label, _, offsets = head.partition(" ")
    if label not in config.entities:
        raise ExportError(f"{where}: type '{label}' is not declared in [entities] of "
                          f"{ANNOTATION_CONF}")
    fragments: list[Fragment] = []
    for part in offsets.split(";"):
        numbers = part.split(" ")
        if len(numbers) != 2 or not all(n.isdigit() for n in numbers):
            raise ExportError(f"{where}: '{part}' is not 'START END'")
        start, end = int(numbers[0]), int(numbers[1])
        if not start < end <= len(text):
            raise ExportError(f"{where}: offsets {start} {end} are not a range of the text "
                              f"(length {len(text)})")
        if fragments and start <= fragments[-1][1]:
            raise ExportError(f"{where}: fragments must come in order without touching")
        fragments.append((start, end))
    expected = column3(text, fragments)
    if covered != expected:
        raise ExportError(f"{where}: {brat_id} text {covered!r} does not match the text at "
                          f"its offsets ({expected!r})")
    return SpanRecord(id=brat_id, label=label, fragments=join_line_break_gaps(text, fragments))


def _read_relation(where: str, brat_id: str, rest: str, config: BratConfig) -> RelationRecord:
    parts = rest.split(" ")
    if len(parts) != 3 or not parts[1].startswith("Arg1:") or not parts[2].startswith("Arg2:"):
        raise ExportError(f"{where}: a relation line is 'ID\\tTYPE Arg1:ID Arg2:ID'")
    if parts[0] not in config.relations:
        raise ExportError(f"{where}: relation type '{parts[0]}' is not declared in "
                          f"[relations] of {ANNOTATION_CONF}")
    return RelationRecord(id=brat_id, type=parts[0], source=parts[1][5:], target=parts[2][5:])
