"""UIMA CAS XMI for INCEpTION (and any UIMA tool), one file per document and annotator.

Layout: ``<out>/<annotator>/[<split>/]<document>.xmi`` with the type system in
``<out>/<annotator>/TypeSystem.xml`` (each annotator folder is self-contained).

Layer design. An INCEpTION relation layer attaches to exactly ONE span layer,
so all labels share one span type and all relation types one relation type:

``webanno.custom.SaywhoSpan`` (span layer, supertype ``uima.tcas.Annotation``)
    ``label`` (the Saywho label), one feature per schema attribute name (enum and
    text attributes as ``uima.cas.String``, boolean ones as ``uima.cas.Boolean``;
    a name that two labels declare with different types becomes a String),
    ``entity``/``entityName``/``entityKind``/``kbId`` (the linked actor),
    ``spanId`` (the Saywho span id) and ``fragmentIndex``/``fragmentCount``
    (``uima.cas.Integer``): a discontinuous span is one annotation per fragment,
    all with the same ``spanId``.
``webanno.custom.SaywhoRelation`` (relation layer, attached to SaywhoSpan)
    ``Governor`` and ``Dependent`` (INCEpTION's convention: the source and the
    target span, each pointing at the span's first fragment), ``label`` (the
    relation type), ``relationId`` and one feature per relation attribute. Its
    begin/end are the dependent's, as WebAnno/INCEpTION write them.

``webanno.custom.SaywhoLayer`` (supertype ``uima.cas.AnnotationBase``, one per file)
    ``annotator`` (the annotator's name, which the folder name only approximates)
    and ``status`` (``new``, ``in_progress`` or ``done``): whose layer the file
    holds and how far they got. INCEpTION ignores it unless its project
    declares a document metadata layer ``SaywhoLayer`` with these two String
    features; reading back, a file without it gets the status ``new``.

Attribute feature names are the attribute names with ``-`` turned into ``_``;
a name that clashes with the fixed features or with UIMA/cassis reserved names
(``begin``, ``end``, ``sofa``, ``type``, ``self``...) gets an ``attr_`` prefix
(the default schema's Consequence ``type`` becomes ``attr_type``). The feature's
description ("Saywho attribute: type") keeps the original name for reading back.

To annotate further in INCEpTION, create a span layer ``SaywhoSpan`` (anchoring
on characters, allowing overlap, stacking and crossing sentences) with these
features and a relation layer ``SaywhoRelation`` attached to it; INCEpTION then
imports these files with its "UIMA CAS XMI (XML 1.0)" format. The files also hold
``DocumentMetaData`` (documentTitle, documentId) and DKPro ``Sentence`` and
``Token`` annotations from :mod:`text.tokenize`, which INCEpTION displays.

Offsets: cassis takes code points and writes UTF-16 code units (Java's count)
to the file, converting through the sofa; the tests check the file's numbers
against :class:`text.offsets.OffsetMap`.

XML 1.0 cannot carry some characters (C0 controls other than tab, LF and CR,
U+FFFE, U+FFFF, lone surrogates). The sofa must equal the stored text, so a
document holding such a character (in its text, title or a feature value) is
not written for that annotator: every one of its spans is listed in the
manifest's ``inexact`` with the reason and the offset of the first bad character.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from formats.base import LAYERS, ExportContext, ExportError, Format
from storage.corpus import CorpusDocument, Layer
from storage.models import STATUSES, Status
from storage.records import (
    AnnotationSetRecord,
    DocumentRecord,
    EntityRecord,
    RelationRecord,
    SpanRecord,
)
from storage.schema import AttributeDef, Schema, find_dtd_declaration
from storage.vocabulary import ValueType
from text.names import path_text
from text.tokenize import sentences

SPAN_TYPE = "webanno.custom.SaywhoSpan"
RELATION_TYPE = "webanno.custom.SaywhoRelation"
LAYER_TYPE = "webanno.custom.SaywhoLayer"
METADATA_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
SENTENCE_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence"
TOKEN_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token"
TYPESYSTEM_FILE = "TypeSystem.xml"
ATTRIBUTE_NOTE = "Saywho attribute: "

SPAN_FEATURES = ("label", "entity", "entityName", "entityKind", "kbId", "spanId",
                 "fragmentIndex", "fragmentCount")
RELATION_FEATURES = ("Governor", "Dependent", "label", "relationId")
RESERVED = frozenset({"begin", "end", "sofa", "type", "self", "xmiID", *SPAN_FEATURES,
                      *RELATION_FEATURES})

# characters XML 1.0 cannot hold (Char production of the XML 1.0 recommendation)
_NOT_XML10 = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def not_xml10(value: str) -> int | None:
    """The offset of the first character XML 1.0 cannot carry, or None."""
    match = _NOT_XML10.search(value)
    return match.start() if match else None


def feature_name(attribute: str) -> str:
    """The UIMA feature name of a Saywho attribute (see the module docstring)."""
    name = attribute.replace("-", "_")
    return f"attr_{name}" if name in RESERVED or name.startswith("attr_") else name


def _attribute_ranges(attributes: Iterable[AttributeDef]) -> dict[str, str]:
    """UIMA range per attribute name; conflicting declarations fall back to String."""
    ranges: dict[str, str] = {}
    for attribute in attributes:
        wanted = "uima.cas.Boolean" if attribute.type == ValueType.BOOLEAN else "uima.cas.String"
        ranges[attribute.name] = wanted if ranges.get(attribute.name, wanted) == wanted \
            else "uima.cas.String"
    return ranges


def build_typesystem(schema: Schema) -> Any:
    """The cassis TypeSystem of a schema (see the module docstring)."""
    from cassis import TypeSystem

    typesystem = TypeSystem()
    meta = typesystem.create_type(METADATA_TYPE, supertypeName="uima.tcas.DocumentAnnotation")
    for name in ("documentTitle", "documentId", "documentUri", "collectionId",
                 "documentBaseUri"):
        typesystem.create_feature(meta, name, "uima.cas.String")
    typesystem.create_feature(meta, "isLastSegment", "uima.cas.Boolean")
    typesystem.create_type(SENTENCE_TYPE, supertypeName="uima.tcas.Annotation")
    typesystem.create_type(TOKEN_TYPE, supertypeName="uima.tcas.Annotation")

    span = typesystem.create_type(SPAN_TYPE, supertypeName="uima.tcas.Annotation",
                                  description="A Saywho span (one annotation per fragment)")
    typesystem.create_feature(span, "label", "uima.cas.String", description="Saywho label")
    for attribute, range_name in _attribute_ranges(
            a for label in schema.labels for a in label.attributes).items():
        typesystem.create_feature(span, feature_name(attribute), range_name,
                                  description=ATTRIBUTE_NOTE + attribute)
    for name in ("entity", "entityName", "entityKind", "kbId", "spanId"):
        typesystem.create_feature(span, name, "uima.cas.String")
    typesystem.create_feature(span, "fragmentIndex", "uima.cas.Integer")
    typesystem.create_feature(span, "fragmentCount", "uima.cas.Integer")

    relation = typesystem.create_type(RELATION_TYPE, supertypeName="uima.tcas.Annotation",
                                      description="A Saywho relation between two spans")
    typesystem.create_feature(relation, "Governor", SPAN_TYPE, description="source span")
    typesystem.create_feature(relation, "Dependent", SPAN_TYPE, description="target span")
    typesystem.create_feature(relation, "label", "uima.cas.String",
                              description="Saywho relation type")
    typesystem.create_feature(relation, "relationId", "uima.cas.String")
    for attribute, range_name in _attribute_ranges(
            a for r in schema.relations for a in r.attributes).items():
        typesystem.create_feature(relation, feature_name(attribute), range_name,
                                  description=ATTRIBUTE_NOTE + attribute)

    layer = typesystem.create_type(LAYER_TYPE, supertypeName="uima.cas.AnnotationBase",
                                   description="Whose Saywho layer this is, and its status")
    typesystem.create_feature(layer, "annotator", "uima.cas.String",
                              description="Saywho annotator")
    typesystem.create_feature(layer, "status", "uima.cas.String",
                              description="new, in_progress or done")
    return typesystem


class XmiFormat(Format, name="xmi", extensions=(".xmi",), reads=LAYERS, per_annotator=True,
                description="UIMA CAS XMI for INCEpTION (one file per document)"):
    """UIMA CAS XMI with a TypeSystem.xml, as INCEpTION imports it."""

    @classmethod
    def import_layer(cls, path: Path, found_in: Path | None, cache: dict[Any, Any]
                     ) -> tuple[DocumentRecord, list[EntityRecord]]:
        return cls.read_layer(path, found_in, cache)

    def __init__(self) -> None:
        self._typesystem: Any = None
        self._written_typesystems: set[Path] = set()

    def start(self, context: ExportContext) -> None:
        try:
            import cassis  # noqa: F401
        except ImportError as exc:  # pragma: no cover - cassis is a runtime dependency
            from formats.base import MissingDependencyError

            raise MissingDependencyError("the xmi format needs dkpro-cassis: "
                                         "pip install dkpro-cassis") from exc
        self._typesystem = build_typesystem(context.schema)

    def write_document(self, context: ExportContext, item: CorpusDocument,
                       split: str | None) -> None:
        document = item.document
        for layer in item.layers:
            folder = context.annotator_dir(layer.annotator)
            if folder not in self._written_typesystems:
                (folder / TYPESYSTEM_FILE).write_text(self._typesystem.to_xml(),
                                                      encoding="utf-8")
                self._written_typesystems.add(folder)
                context.manifest.files.append(
                    (folder / TYPESYSTEM_FILE).relative_to(context.out_dir).as_posix())
            target_dir = folder / context.split_name(split) if split else folder
            target_dir.mkdir(parents=True, exist_ok=True)
            cas = self._build_cas(context, item, layer)
            if cas is None:
                continue
            path = target_dir / f"{context.document_name(document.external_id)}.xmi"
            cas.to_xmi(path, pretty_print=True)
            context.manifest.files.append(path.relative_to(context.out_dir).as_posix())

    def _refusal(self, context: ExportContext, item: CorpusDocument,
                 layer: Layer) -> str | None:
        """Why the document cannot be written as XML 1.0, or None."""
        document = item.document
        offset = not_xml10(document.text)
        if offset is not None:
            return (f"the text holds U+{ord(document.text[offset]):04X} at offset {offset}, "
                    "which XML 1.0 cannot carry; document not written")
        values: list[tuple[str, str]] = [("title", document.title),
                                         ("id", document.external_id),
                                         ("annotator name", layer.annotator)]
        for span in layer.spans:
            values += [(f"attribute '{k}' of span {span.external_id}", v)
                       for k, v in span.attributes.items() if isinstance(v, str)]
            if span.entity_id is not None and span.entity_id in context.entities:
                entity = context.entities[span.entity_id]
                values += [("actor name", entity.name), ("actor kb id", entity.kb_id or "")]
        for where, value in values:
            offset = not_xml10(value)
            if offset is not None:
                return (f"the {where} holds U+{ord(value[offset]):04X}, which XML 1.0 "
                        "cannot carry; document not written")
        return None

    def _build_cas(self, context: ExportContext, item: CorpusDocument, layer: Layer) -> Any:
        from cassis import Cas

        document = item.document
        reason = self._refusal(context, item, layer)
        if reason is not None:
            for span in layer.spans or []:
                context.manifest.note_inexact(document.external_id, layer.annotator,
                                              span.external_id, span.label, reason)
            if not layer.spans:
                context.manifest.note_inexact(document.external_id, layer.annotator, "", "",
                                              reason)
            return None
        typesystem = self._typesystem
        cas = Cas(typesystem=typesystem)
        cas.sofa_string = document.text
        cas.sofa_mime = "text/plain"
        text_length = len(document.text)
        meta_type = typesystem.get_type(METADATA_TYPE)
        cas.add(meta_type(begin=0, end=text_length, documentTitle=document.title,
                          documentId=document.external_id, isLastSegment=False,
                          language=str(document.meta.get("lang") or "x-unspecified")))
        sentence_type = typesystem.get_type(SENTENCE_TYPE)
        token_type = typesystem.get_type(TOKEN_TYPE)
        for sentence in sentences(document.text):
            cas.add(sentence_type(begin=sentence.start, end=sentence.end))
            for token in sentence.tokens:
                cas.add(token_type(begin=token.start, end=token.end))

        span_type = typesystem.get_type(SPAN_TYPE)
        known = {f.name for f in span_type.all_features}
        heads: dict[int, Any] = {}
        for span in layer.spans:
            features: dict[str, Any] = {"label": span.label, "spanId": span.external_id,
                                        "fragmentCount": len(span.fragments)}
            for key, value in span.attributes.items():
                name = feature_name(key)
                if name in known and value is not None:
                    features[name] = value if isinstance(value, bool | str) else str(value)
            entity = context.entities.get(span.entity_id) if span.entity_id else None
            if entity is not None:
                features.update(entity=entity.external_id, entityName=entity.name,
                                entityKind=entity.kind)
                if entity.kb_id:
                    features["kbId"] = entity.kb_id
            for index, (start, end) in enumerate(span.fragments):
                annotation = span_type(begin=start, end=end, fragmentIndex=index, **features)
                cas.add(annotation)
                heads.setdefault(span.id, annotation)

        relation_type = typesystem.get_type(RELATION_TYPE)
        relation_known = {f.name for f in relation_type.all_features}
        for relation in layer.relations:
            governor, dependent = heads.get(relation.source_id), heads.get(relation.target_id)
            if governor is None or dependent is None:
                continue
            features = {feature_name(k): v if isinstance(v, bool | str) else str(v)
                        for k, v in relation.attributes.items()
                        if feature_name(k) in relation_known and v is not None}
            cas.add(relation_type(begin=dependent.begin, end=dependent.end, Governor=governor,
                                  Dependent=dependent, label=relation.type,
                                  relationId=relation.external_id, **features))
        cas.add(typesystem.get_type(LAYER_TYPE)(annotator=layer.annotator,
                                                status=layer.status))
        return cas

    # ------------------------------------------------------------------ read

    @classmethod
    def read(cls, path: Path) -> tuple[list[DocumentRecord], list[EntityRecord]]:
        """Reads XMI files (a file, or a folder of annotator folders) back as records.

        The annotator is the one the file's ``SaywhoLayer`` names, or else the
        first folder below ``path`` (empty when ``path`` is the file or its own
        folder: the importer's annotator applies).

        Raises:
            ExportError: naming the file of the first problem.
        """
        path = Path(path)
        root = path if path.is_dir() else path.parent
        files = sorted(path.rglob("*.xmi")) if path.is_dir() else [path]
        if not files:
            raise ExportError(f"{path}: no .xmi files found")
        documents: dict[tuple[str | None, str], DocumentRecord] = {}
        entities: dict[str, EntityRecord] = {}
        typesystems: dict[Path, Any] = {}
        for file in files:
            record, found = cls.read_layer(file, root, typesystems, search_above=False)
            for entity in found:
                entities.setdefault(entity.id, entity)
            # each annotator's file of one document adds an annotation set to it
            known = documents.setdefault((record.external_id, record.text), record)
            if known is not record:
                known.annotations.extend(record.annotations)
        return list(documents.values()), list(entities.values())

    @classmethod
    def read_layer(cls, file: Path, root: Path | None = None,
                   cache: dict[Path, Any] | None = None, search_above: bool = True
                   ) -> tuple[DocumentRecord, list[EntityRecord]]:
        """Reads one XMI file: a document with one annotator's layer.

        Args:
            file: the ``.xmi`` file.
            root: the folder it was found in; without a ``SaywhoLayer``, the
                annotator is the first folder below it (None, or the file's own
                folder: no annotator, the importer's applies).
            cache: type systems already read, by path (shared between calls).
            search_above: look for ``TypeSystem.xml`` above ``root`` too (up to
                the top of the file system); False stops at ``root``.

        Returns:
            The document and the actors its spans link to.

        Raises:
            ExportError: naming the file of the problem.
        """
        file = Path(file)
        base = root if root is not None else file.parent
        relative = file.relative_to(base).parts if file.is_relative_to(base) else (file.name,)
        annotator = relative[0] if len(relative) > 1 else ""
        typesystem = cls._typesystem_for(file, None if search_above else base,
                                         {} if cache is None else cache)
        found: dict[str, EntityRecord] = {}
        record = cls._read_file(file, typesystem, annotator, found)
        return record, list(found.values())

    @staticmethod
    def _typesystem_for(file: Path, root: Path | None, cache: dict[Path, Any]) -> Any:
        from cassis import load_typesystem

        folder = file.parent
        while True:
            candidate = folder / TYPESYSTEM_FILE
            if candidate.exists():
                if candidate not in cache:
                    data = _checked_xml(candidate, "UIMA type system files")
                    try:
                        cache[candidate] = load_typesystem(io.BytesIO(data))
                    except Exception as exc:
                        raise ExportError(f"{candidate}: not a UIMA type system: {exc}") from exc
                return cache[candidate]
            if folder == root or folder.parent == folder:
                above = f" (up to {root})" if root is not None else ""
                raise ExportError(f"{file}: no {TYPESYSTEM_FILE} next to it or in a folder "
                                  f"above it{above}")
            folder = folder.parent

    @staticmethod
    def _read_file(file: Path, typesystem: Any, annotator: str,
                   entities: dict[str, EntityRecord]) -> DocumentRecord:
        from cassis import load_cas_from_xmi

        data = _checked_xml(file, "XMI files")
        try:
            cas = load_cas_from_xmi(io.BytesIO(data), typesystem=typesystem, lenient=True)
        except Exception as exc:
            raise ExportError(f"{file}: not a readable UIMA CAS XMI file: {exc}") from exc
        cas = _text_view(cas, file)
        sofa = cas.get_sofa()
        text = cas.sofa_string or ""
        title, external_id = "", None
        if typesystem.contains_type(METADATA_TYPE):
            for meta in cas.select(METADATA_TYPE):
                title = meta.get("documentTitle") or ""
                external_id = meta.get("documentId") or None
        if not typesystem.contains_type(SPAN_TYPE):
            raise ExportError(f"{file}: the type system has no {SPAN_TYPE}")
        span_type = typesystem.get_type(SPAN_TYPE)
        attribute_of = {f.name: f.description[len(ATTRIBUTE_NOTE):]
                        for f in span_type.all_features
                        if (f.description or "").startswith(ATTRIBUTE_NOTE)}
        grouped: dict[str, list[Any]] = {}
        id_of: dict[int, str] = {}
        for annotation in cas.select(SPAN_TYPE):
            span_id = annotation.get("spanId") or f"X{annotation.xmiID}"
            _check_sofa(annotation, sofa, f"span '{span_id}'", file)
            grouped.setdefault(span_id, []).append(annotation)
            id_of[annotation.xmiID] = span_id
        spans = []
        for span_id, parts in grouped.items():
            parts.sort(key=lambda a: (a.get("fragmentIndex") or 0, a.begin))
            _check_fragments(parts, span_id, file)
            first = parts[0]
            label = first.get("label")
            if not label:
                raise ExportError(f"{file}: span '{span_id}' (at {first.begin}) has no label")
            attributes = {attribute_of[name]: first.get(name) for name in attribute_of
                          if first.get(name) is not None}
            entity_id = first.get("entity")
            if entity_id:
                entities.setdefault(entity_id, EntityRecord(
                    entity_id, first.get("entityName") or entity_id,
                    first.get("entityKind") or "person", [], first.get("kbId") or None))
            spans.append(SpanRecord(span_id, label, [(a.begin, a.end) for a in parts],
                                    attributes, entity_id or None))
        relations = []
        if typesystem.contains_type(RELATION_TYPE):
            relation_type = typesystem.get_type(RELATION_TYPE)
            relation_attribute_of = {f.name: f.description[len(ATTRIBUTE_NOTE):]
                                     for f in relation_type.all_features
                                     if (f.description or "").startswith(ATTRIBUTE_NOTE)}
            for number, annotation in enumerate(cas.select(RELATION_TYPE), start=1):
                governor, dependent = annotation.get("Governor"), annotation.get("Dependent")
                if governor is None or dependent is None or not annotation.get("label"):
                    raise ExportError(f"{file}: relation {annotation.xmiID} lacks its label, "
                                      "Governor or Dependent")
                _check_sofa(annotation, sofa, f"relation {annotation.xmiID}", file)
                if governor.xmiID not in id_of or dependent.xmiID not in id_of:
                    raise ExportError(f"{file}: relation {annotation.xmiID} links an "
                                      f"annotation that is not a {SPAN_TYPE} of the text's "
                                      "view")
                relations.append(RelationRecord(
                    annotation.get("relationId") or f"R{number}", annotation.get("label"),
                    id_of[governor.xmiID], id_of[dependent.xmiID],
                    {relation_attribute_of[n]: annotation.get(n) for n in relation_attribute_of
                     if annotation.get(n) is not None}))
        status: str = Status.NEW
        if typesystem.contains_type(LAYER_TYPE):
            for layer in cas.select(LAYER_TYPE)[:1]:
                annotator = layer.get("annotator") or annotator
                status = layer.get("status") or status
                if status not in STATUSES:
                    raise ExportError(f"{file}: the status '{status}' of its {LAYER_TYPE} is "
                                      f"not one of {', '.join(STATUSES)}")
        spans.sort(key=lambda s: (s.start, s.end))
        return DocumentRecord(text=text, title=title, external_id=external_id,
                              source=path_text(file),
                              annotations=[AnnotationSetRecord(annotator, status, spans,
                                                               relations)])


def _text_view(cas: Any, file: Path) -> Any:
    """The view whose sofa holds the text: the initial view, or the only view with text.

    Raises:
        ExportError: several views hold text (one file is one document's text).
    """
    if cas.sofa_string:
        return cas
    with_text = [view.sofa.sofaID for view in cas.views if view.sofa.sofaString]
    if len(with_text) > 1:
        raise ExportError(f"{file}: {len(with_text)} views ({', '.join(with_text)}) hold a "
                          "text and the initial view none; Saywho imports one text per file")
    return cas.get_view(with_text[0]) if with_text else cas


def _check_sofa(annotation: Any, sofa: Any, what: str, file: Path) -> None:
    """Refuses an annotation of another view filed under the text's view.

    Raises:
        ExportError: its ``sofa`` is not the text's: its offsets are in another text.
    """
    own = getattr(annotation, "sofa", None)
    if own is not None and own.xmiID != sofa.xmiID:
        raise ExportError(
            f"{file}: {what} (xmi:id {annotation.xmiID}) is listed in the view "
            f"'{sofa.sofaID}' but annotates the sofa '{own.sofaID}' (another text, whose "
            "offsets do not fit this one); the file is inconsistent and was refused")


def _check_fragments(parts: list[Any], span_id: str, file: Path) -> None:
    """Refuses a span whose ``fragmentCount``/``fragmentIndex`` do not match its annotations.

    Raises:
        ExportError: naming the span, the count it claims and the fragments found.
    """
    counts = {part.get("fragmentCount") for part in parts} - {None}
    indexes = [part.get("fragmentIndex") for part in parts]
    if not counts and all(index is None for index in indexes):
        return  # a file written without Saywho's fragment features: one annotation each
    if counts != {len(parts)} or sorted(i or 0 for i in indexes) != list(range(len(parts))):
        claimed = ", ".join(str(c) for c in sorted(counts)) or "none"
        found = ", ".join(str(i) for i in indexes)
        raise ExportError(
            f"{file}: span '{span_id}' has {len(parts)} fragment annotation"
            f"{'s' if len(parts) != 1 else ''} (fragmentIndex {found}) but says fragmentCount "
            f"{claimed}; the file is inconsistent and was refused")


#: the largest XMI or type system file read back (an article of 1 MB with 10,000 spans
#: makes a few MB)
MAX_XMI_BYTES = 256 * 1024 * 1024


def _checked_xml(file: Path, kind: str) -> bytes:
    """The bytes of an XMI or type system file, refused before cassis parses them when
    they are too large or declare a DOCTYPE or ENTITY (entity expansion, external DTDs).

    Raises:
        ExportError: naming the file (and the line of the declaration).
    """
    try:
        size = file.stat().st_size
        if size > MAX_XMI_BYTES:
            raise ExportError(f"{file}: {size:,} bytes, larger than the {MAX_XMI_BYTES:,} "
                              f"bytes {kind} may have")
        data = file.read_bytes()
    except OSError as exc:
        raise ExportError(f"{file}: cannot be read: {exc.strerror or exc}") from exc
    declaration = find_dtd_declaration(data)
    if declaration is not None:
        raise ExportError(declaration.message(str(file), kind))
    return data
