"""brat standoff: ``DOC.txt`` + ``DOC.ann`` per document, one folder per annotator.

Layout: ``<out>/<annotator>/[<split>/]<document>.txt`` and ``.ann``, with
``annotation.conf``, ``visual.conf`` and ``tools.conf`` generated from the schema
in ``<out>/<annotator>/`` (brat looks for them in the collection folder and its
parents, so split folders share them). Copy an annotator folder into brat's
``data/`` to annotate further.

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

What brat has no place for is in ``<out>/<annotator>/saywho.json`` (brat and
other brat readers look only at the ``.txt``, ``.ann`` and ``.conf`` files)::

    {"saywho_version": "0.1.0", "annotator": "alice",
     "documents": {"varnay-warns": {"id": "varnay-warns", "title": "Varnay warns Doreth",
                                    "status": "done", "meta": {"date": "2026-03-03"}}},
     "actors": {"varnay": {"name": "Aldric Varnay", "kind": "person", "aliases": [],
                           "kb_id": null}}}

``documents`` is keyed by the path of the ``.ann`` below the annotator folder
without its suffix (``train/varnay-warns`` with splits) and holds each
document's Saywho id, title, metadata and the annotator's status; ``actors``
holds the registry entries the ``N`` lines refer to. The annotator is the real
name (the folder name is made safe for file systems). Reading back without this
file, a document's id and title are the file name, its status ``new``, the
annotator the folder's name and an actor only its id and name.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from formats.base import LAYERS, ExportContext, ExportError, Format
from storage.corpus import CorpusDocument, Layer
from storage.models import STATUSES, Status
from storage.project import SAYWHO_VERSION
from storage.records import (
    AnnotationSetRecord,
    DocumentRecord,
    EntityRecord,
    Fragment,
    RelationRecord,
    SpanRecord,
)
from storage.schema import AttributeDef, Schema
from storage.vocabulary import ValueType
from text.names import path_text

ANNOTATION_CONF = "annotation.conf"
VISUAL_CONF = "visual.conf"
TOOLS_CONF = "tools.conf"
SIDECAR = "saywho.json"
NORMALIZATION_DB = "saywho"
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
_NOT_A_VALUE = re.compile(r"[\s|,]")


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


# ---------------------------------------------------------------- configuration


@dataclass
class _AttributeDecl:
    """One brat attribute: the labels (or <RELATION>) it applies to, its values."""

    args: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    flag: bool = True


def _attribute_declarations(schema: Schema) -> dict[str, _AttributeDecl]:
    declarations: dict[str, _AttributeDecl] = {}

    def add(owner: str, attribute: AttributeDef) -> None:
        if attribute.type == ValueType.TEXT:
            return
        decl = declarations.setdefault(attribute.name, _AttributeDecl())
        if owner not in decl.args:
            decl.args.append(owner)
        if attribute.type == ValueType.ENUM:
            decl.flag = False
            decl.values += [v for v in attribute.values
                            if v not in decl.values and not _NOT_A_VALUE.search(v)]

    for label in schema.labels:
        for attribute in label.attributes:
            add(label.name, attribute)
    for relation in schema.relations:
        for attribute in relation.attributes:
            add("<RELATION>", attribute)
    return declarations


def annotation_conf(schema: Schema) -> str:
    """brat's annotation.conf for a schema."""
    lines = [f"# brat configuration generated by Saywho {SAYWHO_VERSION} from schema "
             f"'{schema.name}' version {schema.version}", "", "[entities]", ""]
    lines += [label.name for label in schema.labels]
    lines += ["", "[relations]", ""]
    for relation in schema.relations:
        lines.append(f"{relation.name}\tArg1:{'|'.join(relation.sources)}, "
                     f"Arg2:{'|'.join(relation.targets)}")
    lines.append("# spans may nest, overlap and share their extent")
    lines.append("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>")
    lines += ["", "[events]", "", "[attributes]", ""]
    for name, decl in _attribute_declarations(schema).items():
        line = f"{name}\tArg:{'|'.join(decl.args)}"
        if not decl.flag:
            line += f", Value:{'|'.join(decl.values)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def visual_conf(schema: Schema) -> str:
    """brat's visual.conf: labels and the schema's colours."""
    lines = ["[labels]", ""]
    lines += [f"{label.name} | {label.name}" for label in schema.labels]
    lines += [f"{relation.name} | {relation.name}" for relation in schema.relations]
    lines += ["", "[drawing]", "",
              "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken",
              "ARC_DEFAULT\tcolor:black, arrowHead:triangle-5",
              "ATTRIBUTE_DEFAULT\tglyph:*", ""]
    lines += [f"{label.name}\tbgColor:{label.color}" for label in schema.labels]
    return "\n".join(lines) + "\n"


def tools_conf(schema: Schema) -> str:
    """brat's tools.conf: declares the ``saywho`` normalization DB of actor links."""
    linked = ", ".join(label.name for label in schema.labels if label.entity) or "none"
    return ("# N lines 'Reference Tn saywho:ID' link spans to actors of the Saywho registry\n"
            f"# (labels linked: {linked}); ID is the actor id of the project's entities.jsonl\n"
            "[normalization]\n\n"
            f"{NORMALIZATION_DB}\tDB:{NORMALIZATION_DB}, <URL>:https://brat.nlplab.org/, "
            "<URLBASE>:%s\n")


@dataclass
class BratConfig:
    """What an annotation.conf declares (read back to check .ann files)."""

    entities: set[str] = field(default_factory=set)
    relations: set[str] = field(default_factory=set)
    attributes: dict[str, tuple[str, ...] | None] = field(default_factory=dict)


def read_utf8(path: Path, kind: str) -> str:
    """The text of a brat file, or an error naming this file (never the file that needed it).

    Raises:
        ExportError: the file cannot be read, is binary or is not UTF-8; the
            message names ``path`` and, for a bad byte, its offset.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExportError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if b"\x00" in data:
        raise ExportError(f"{path}: contains NUL bytes: a binary file, not {kind}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ExportError(f"{path}:{line}: not UTF-8 (byte 0x{data[exc.start]:02X} at offset "
                          f"{exc.start}): {kind} must be UTF-8 text") from None


def parse_annotation_conf(path: Path) -> BratConfig:
    """Reads the sections of an annotation.conf Saywho needs.

    Raises:
        ExportError: the file is binary or not UTF-8, or a line is outside any section.
    """
    config = BratConfig()
    section = None
    text = read_utf8(path, "a brat configuration")
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        name, _, rest = line.replace("\t", " ", 1).partition(" ")
        if section == "entities":
            config.entities.add(raw.strip().lstrip("!"))
        elif section == "relations":
            if not name.startswith("<"):
                config.relations.add(name)
        elif section == "attributes":
            values: tuple[str, ...] | None = None
            for part in rest.split(","):
                key, _, value = part.strip().partition(":")
                if key == "Value":
                    values = tuple(v.strip() for v in value.split("|"))
            config.attributes[name] = values
        elif section is None:
            raise ExportError(f"{path}:{number}: '{line}' is outside any [section]")
    return config


@dataclass
class _SidecarDraft:
    """The ``saywho.json`` of one annotator folder, filled while documents are written."""

    annotator: str
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    actors: set[int] = field(default_factory=set)


@dataclass
class BratSidecar:
    """What an annotator folder's ``saywho.json`` tells (see the module docstring).

    Attributes:
        annotator: the annotator's name, or None when the file names none.
        documents: per ``.ann`` path below the folder, without suffix: ``id``,
            ``title``, ``status`` and ``meta`` (each optional).
        actors: the registry entries the folder's ``N`` lines refer to, by id.
    """

    annotator: str | None = None
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    actors: dict[str, EntityRecord] = field(default_factory=dict)


def read_sidecar(folder: Path) -> BratSidecar | None:
    """Reads ``folder/saywho.json``; None when there is none (brat data made elsewhere).

    Raises:
        ExportError: the file is not valid JSON or a value has the wrong type,
            naming the file (and the line of a JSON syntax error).
    """
    path = folder / SIDECAR
    if not path.is_file():
        return None
    try:
        content = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ExportError(f"{path}: not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ExportError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(content, dict):
        raise ExportError(f"{path}: must hold a JSON object")
    annotator = content.get("annotator")
    if annotator is not None and (not isinstance(annotator, str) or not annotator.strip()):
        raise ExportError(f"{path}: 'annotator' must be a non-empty string")
    documents = content.get("documents", {})
    if not isinstance(documents, dict):
        raise ExportError(f"{path}: 'documents' must be an object")
    for key, entry in documents.items():
        where = f"{path}: document '{key}'"
        if not isinstance(entry, dict):
            raise ExportError(f"{where} must be an object")
        document_id = entry.get("id")
        if document_id is not None and (not isinstance(document_id, str)
                                        or not document_id.strip()):
            raise ExportError(f"{where}: 'id' must be a non-empty string")
        if not isinstance(entry.get("title", ""), str):
            raise ExportError(f"{where}: 'title' must be a string")
        if entry.get("status", Status.NEW) not in STATUSES:
            raise ExportError(f"{where}: status {entry['status']!r} is not one of "
                              f"{', '.join(STATUSES)}")
        if not isinstance(entry.get("meta", {}), dict):
            raise ExportError(f"{where}: 'meta' must be an object")
    raw_actors = content.get("actors", {})
    if not isinstance(raw_actors, dict):
        raise ExportError(f"{path}: 'actors' must be an object")
    actors: dict[str, EntityRecord] = {}
    for actor_id, entry in raw_actors.items():
        where = f"{path}: actor '{actor_id}'"
        if not isinstance(entry, dict):
            raise ExportError(f"{where} must be an object")
        name, kind = entry.get("name"), entry.get("kind", "person")
        aliases, kb_id = entry.get("aliases") or [], entry.get("kb_id")
        if not isinstance(name, str) or not name.strip():
            raise ExportError(f"{where}: 'name' must be a non-empty string")
        if not isinstance(kind, str) or not kind.strip():
            raise ExportError(f"{where}: 'kind' must be a non-empty string")
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ExportError(f"{where}: 'aliases' must be a list of strings")
        if kb_id is not None and not isinstance(kb_id, str):
            raise ExportError(f"{where}: 'kb_id' must be a string or null")
        actors[actor_id] = EntityRecord(actor_id, name, kind, list(aliases), kb_id or None)
    return BratSidecar(annotator, documents, actors)


BratCache = dict[Path, tuple[BratConfig, BratSidecar | None]]
"""The configuration and ``saywho.json`` of each folder read so far."""


# -------------------------------------------------------------------- writing


class BratFormat(Format):
    """brat standoff, one folder per annotator, with generated configuration."""

    NAME: ClassVar[str] = "brat"
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".ann",)
    DESCRIPTION: ClassVar[str] = "brat standoff (.txt + .ann, one folder per annotator)"
    PER_ANNOTATOR: ClassVar[bool] = True
    READS: ClassVar[str | None] = LAYERS

    @classmethod
    def accepts(cls, path: Path) -> bool:
        """A ``.ann`` is a layer when an ``annotation.conf`` is in its folder or above."""
        return config_dir(path.parent) is not None

    @classmethod
    def companions(cls, path: Path) -> list[Path]:
        return [path.with_suffix(".txt")]

    @classmethod
    def import_layer(cls, path: Path, found_in: Path | None, cache: dict[Any, Any]
                     ) -> tuple[DocumentRecord, list[EntityRecord]]:
        # the annotation.conf may sit above the folder given: search up to the top
        return cls.read_layer(path, None, cache)

    def __init__(self) -> None:
        self._folders: dict[str, Path] = {}
        self._attribute_defs: dict[tuple[str, str], AttributeDef] = {}
        self._sidecars: dict[Path, _SidecarDraft] = {}

    def start(self, context: ExportContext) -> None:
        for label in context.schema.labels:
            for attribute in label.attributes:
                self._attribute_defs[(label.name, attribute.name)] = attribute
        for relation in context.schema.relations:
            for attribute in relation.attributes:
                self._attribute_defs[("<RELATION>", attribute.name)] = attribute

    def _annotator_folder(self, context: ExportContext, annotator: str) -> Path:
        folder = self._folders.get(annotator)
        if folder is None:
            folder = self._folders[annotator] = context.annotator_dir(annotator)
            for file, content in ((ANNOTATION_CONF, annotation_conf(context.schema)),
                                  (VISUAL_CONF, visual_conf(context.schema)),
                                  (TOOLS_CONF, tools_conf(context.schema))):
                (folder / file).write_text(content, encoding="utf-8", newline="\n")
                context.manifest.files.append((folder / file).relative_to(context.out_dir)
                                              .as_posix())
        return folder

    def write_document(self, context: ExportContext, item: CorpusDocument,
                       split: str | None) -> None:
        document = item.document
        for layer in item.layers:
            folder = self._annotator_folder(context, layer.annotator)
            target = folder / context.split_name(split) if split else folder
            target.mkdir(parents=True, exist_ok=True)
            stem = context.document_name(document.external_id)
            ann = self.ann_text(context, document.external_id, document.text, layer)
            for suffix, content in ((".txt", document.text), (".ann", ann)):
                path = target / f"{stem}{suffix}"
                with path.open("w", encoding="utf-8", newline="") as handle:
                    handle.write(content)
                context.manifest.files.append(path.relative_to(context.out_dir).as_posix())
            draft = self._sidecars.setdefault(folder, _SidecarDraft(layer.annotator))
            draft.documents[(target / stem).relative_to(folder).as_posix()] = {
                "id": document.external_id, "title": document.title, "status": layer.status,
                "meta": dict(document.meta)}
            draft.actors.update(span.entity_id for span in layer.spans
                                if span.entity_id is not None
                                and span.entity_id in context.entities)

    def finish(self, context: ExportContext) -> None:
        """Writes each annotator folder's ``saywho.json`` (see the module docstring)."""
        for folder, draft in self._sidecars.items():
            actors = sorted((context.entities[i] for i in draft.actors),
                            key=lambda entity: entity.external_id)
            content = {
                "saywho_version": SAYWHO_VERSION,
                "annotator": draft.annotator,
                "documents": draft.documents,
                "actors": {actor.external_id: {"name": actor.name, "kind": actor.kind,
                                               "aliases": list(actor.aliases),
                                               "kb_id": actor.kb_id} for actor in actors},
            }
            path = folder / SIDECAR
            path.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n",
                            encoding="utf-8", newline="\n")
            context.manifest.files.append(path.relative_to(context.out_dir).as_posix())

    def ann_text(self, context: ExportContext, document_id: str, text: str,
                 layer: Layer) -> str:
        """The .ann content of one annotator's layer (see the module docstring)."""
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
                definition = self._attribute_defs.get((owner, name))
                if isinstance(value, bool):
                    if value:
                        a_lines.append(f"A{len(a_lines) + 1}\t{name} {target}")
                elif definition is not None and definition.type == ValueType.ENUM \
                        and isinstance(value, str) and value and not _NOT_A_VALUE.search(value):
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
            attributes("<RELATION>", brat_id, relation.external_id, relation.attributes)
        note_lines = [f"#{number}\tAnnotatorNotes {target}\t{content}"
                      for number, (target, content) in enumerate(notes, start=1)]
        lines = t_lines + r_lines + a_lines + n_lines + note_lines
        return "".join(line + "\n" for line in lines)

    # ---------------------------------------------------------------- reading

    @classmethod
    def read(cls, path: Path) -> tuple[list[DocumentRecord], list[EntityRecord]]:
        """Reads brat folders back: an export (one folder per annotator) or one folder.

        The annotator of a document is the one ``saywho.json`` names, or else the
        name of the folder that holds the ``annotation.conf`` above it. Labels,
        relation types and attributes must be declared there. The layers of one
        document (same Saywho id, or else same path below the annotator folder)
        become one record.

        Raises:
            ExportError: naming the file and line of the first problem.
        """
        root = Path(path)
        if not root.is_dir():
            raise ExportError(f"{root}: not a folder")
        documents: dict[str, DocumentRecord] = {}
        entities: dict[str, EntityRecord] = {}
        cache: BratCache = {}
        for ann in sorted(root.rglob("*.ann")):
            key, layer, found = cls._read_layer(ann, root, cache)
            for entity in found:
                entities.setdefault(entity.id, entity)
            record = documents.get(key)
            if record is None:
                documents[key] = layer
            elif record.text != layer.text:
                raise ExportError(f"{layer.source}: differs from the text of the same "
                                  f"document in {record.source}")
            else:
                record.annotations += layer.annotations
        return list(documents.values()), list(entities.values())

    @classmethod
    def read_layer(cls, ann: Path, root: Path | None = None,
                   cache: BratCache | None = None
                   ) -> tuple[DocumentRecord, list[EntityRecord]]:
        """Reads one ``.ann`` and its ``.txt``: a document with one annotator's layer.

        Args:
            ann: the ``.ann`` file.
            root: the ``annotation.conf`` is looked for from the file's folder up
                to this folder (None: up to the top, as brat does).
            cache: configurations already read, by folder (shared between calls).

        Returns:
            The document (title, id, metadata and status from ``saywho.json``
            when the folder has one) and the actors its spans link to.

        Raises:
            ExportError: naming the file and line of the first problem.
        """
        _, record, entities = cls._read_layer(Path(ann), root, {} if cache is None else cache)
        return record, entities

    @classmethod
    def _read_layer(cls, ann: Path, root: Path | None, cache: BratCache
                    ) -> tuple[str, DocumentRecord, list[EntityRecord]]:
        conf_dir = config_dir(ann.parent, root)
        if conf_dir is None:
            above = f" (up to {root})" if root is not None else ""
            raise ExportError(f"{ann}: no {ANNOTATION_CONF} in its folder or above{above}")
        if conf_dir not in cache:
            cache[conf_dir] = (parse_annotation_conf(conf_dir / ANNOTATION_CONF),
                               read_sidecar(conf_dir))
        config, sidecar = cache[conf_dir]
        key = ann.relative_to(conf_dir).with_suffix("").as_posix()
        entry = sidecar.documents.get(key, {}) if sidecar is not None else {}
        annotator = sidecar.annotator if sidecar is not None and sidecar.annotator \
            else conf_dir.name
        text_path = ann.with_suffix(".txt")
        try:
            text = text_path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            raise ExportError(f"{text_path}: missing (the text of {ann.name})") from None
        except UnicodeDecodeError as exc:
            raise ExportError(f"{text_path}: not UTF-8 (byte {exc.start})") from None
        found: dict[str, EntityRecord] = {}
        annotation_set = read_ann(ann, text, config, annotator, found)
        annotation_set.status = entry.get("status", Status.NEW)
        if sidecar is not None:
            found = {ref: sidecar.actors.get(ref, entity) for ref, entity in found.items()}
        document_id = entry.get("id")
        record = DocumentRecord(text=text, title=entry.get("title", path_text(ann.stem)),
                                external_id=document_id or path_text(ann.stem),
                                meta=dict(entry.get("meta", {})), source=path_text(text_path),
                                annotations=[annotation_set])
        return document_id or key, record, list(found.values())


def _crlf_counter(text: str) -> Callable[[int], int]:
    """A function: offset -> number of CRLF pairs before it."""
    positions = [m.start() for m in re.finditer("\r\n", text)]
    return lambda offset: bisect_left(positions, offset)


def config_dir(folder: Path, root: Path | None = None) -> Path | None:
    """The nearest folder holding an ``annotation.conf``: ``folder`` or one above it.

    The search stops at ``root`` (None: at the top of the file system, as brat
    looks in the collection folder and its parents).
    """
    current = folder
    while True:
        if (current / ANNOTATION_CONF).is_file():
            return current
        if current == root or current.parent == current:
            return None
        current = current.parent


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
