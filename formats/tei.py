"""TEI P5 XML with stand-off annotation, one file per document and annotator.

Layout: ``<out>/<annotator>/[<split>/]<document>.xml``. Every file is valid
against the RELAX NG schema of this profile, ``resources/schemas/saywho-tei.rng``.

The text stays exact. ``<text xml:space="preserve"><body>`` holds one ``<p>``
per paragraph (:func:`text.tokenize.paragraph_segments`): the paragraph's
characters unchanged, followed by the blank line(s) after it, so the document
text is the concatenation of the character content of the ``<p>`` elements,
in order (``"".join(p.itertext())``; CR is written as ``&#13;`` and comes back).
Empty ``<anchor xml:id="a<offset>"/>`` elements mark every offset (in code
points) where a span starts or ends; they add no characters.

``<standOff>`` holds the annotation:

* ``<listPerson>``/``<listOrg>``: the actors of the registry that this layer
  links to: ``<person xml:id="e-<id>">`` (kind person) or
  ``<org xml:id="e-<id>" type="<kind>">`` with their name (and aliases as
  ``type="alias"`` names); the knowledge-base id is the name's ``@ref``
  ("wd:Q42"; ``encodingDesc/listPrefixDef`` declares ``wd:`` as Wikidata);
* one ``<spanGrp type="<Label>">`` per label with a
  ``<span xml:id="s-<id>" n="<id>" from="#a<start>" to="#a<end>"/>`` per span:
  the span covers the text between the two anchors. A discontinuous span has
  one ``<span>`` per fragment: the first keeps the span's xml:id, the others
  are ``s-<id>.2``, ``s-<id>.3``... chained with ``@next``/``@prev``. ``@ana``
  points to the span's attributes, ``@corresp`` to its actor;
* attributes as TEI feature structures: ``<fs xml:id="f-<id>" type="<Label>">``
  with ``<f name="..."><symbol value="..."/></f>`` (enum), ``<string>`` (text),
  ``<binary value="true|false"/>`` (boolean);
* one ``<linkGrp type="<relation type>">`` per relation type with
  ``<link xml:id="r-<id>" n="<id>" target="#<source span> #<target span>"/>``.

Ids that are not XML names are cleaned and made unique; ``@n`` keeps the
original. As in :mod:`formats.xmi`, a document holding a character XML 1.0
cannot carry is not written for that annotator and its spans are listed in
the manifest's ``inexact``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from lxml import etree

import resources
from formats.base import ExportContext, Format
from formats.xmi import not_xml10
from storage.corpus import CorpusDocument, Layer
from storage.views import EntityView
from storage.vocabulary import ValueType
from text.tokenize import paragraph_segments

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SCHEMA_PATH = resources.path("schemas", "saywho-tei.rng")
WIKIDATA = ("wd", "(Q\\d+|P\\d+)", "http://www.wikidata.org/entity/$1")
_NOT_NAME = re.compile(r"[^A-Za-z0-9._-]")


def _tei(tag: str) -> str:
    return f"{{{TEI_NS}}}{tag}"


def _xml(name: str) -> str:
    return f"{{{XML_NS}}}{name}"


def _sub(parent: etree._Element, tag: str, text: str | None = None,
         **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, _tei(tag))
    for key, value in attributes.items():
        element.set(_xml("id") if key == "xml_id" else key, value)
    if text is not None:
        element.text = text
    return element


def _pointer(value: str) -> str:
    """A knowledge-base id as a URI reference (spaces are percent-encoded)."""
    return value.strip().replace("%", "%25").replace(" ", "%20")


class _Ids:
    """Hands out unique XML names (NCName) made from Saywho ids."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, prefix: str, raw: str) -> str:
        base = f"{prefix}-{_NOT_NAME.sub('_', raw)}"
        name, number = base, 2
        while name in self.used:
            name = f"{base}_{number}"
            number += 1
        self.used.add(name)
        return name


class TeiFormat(Format, name="tei", extensions=(".xml",), per_annotator=True,
                description="TEI P5 XML with stand-off annotation (one file per document)"):
    """TEI P5 with the text in paragraphs and stand-off spans, actors and links."""

    def write_document(self, context: ExportContext, item: CorpusDocument,
                       split: str | None) -> None:
        document = item.document
        for layer in item.layers:
            reason = self._refusal(context, item, layer)
            if reason is not None:
                for span in layer.spans:
                    context.manifest.note_inexact(document.external_id, layer.annotator,
                                                  span.external_id, span.label, reason)
                if not layer.spans:
                    context.manifest.note_inexact(document.external_id, layer.annotator,
                                                  "", "", reason)
                continue
            folder = context.annotator_dir(layer.annotator)
            if split:
                folder = folder / context.split_name(split)
                folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{context.document_name(document.external_id)}.xml"
            tree = etree.ElementTree(build_tei(context, item, layer))
            tree.write(str(path), encoding="UTF-8", xml_declaration=True, pretty_print=True)
            context.manifest.files.append(path.relative_to(context.out_dir).as_posix())

    @staticmethod
    def _refusal(context: ExportContext, item: CorpusDocument, layer: Layer) -> str | None:
        document = item.document
        offset = not_xml10(document.text)
        if offset is not None:
            return (f"the text holds U+{ord(document.text[offset]):04X} at offset {offset}, "
                    "which XML 1.0 cannot carry; document not written")
        values = [document.title, document.external_id, document.source, layer.annotator,
                  *(json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v
                    for v in document.meta.values()),
                  *(str(v) for span in layer.spans for v in span.attributes.values())]
        for span in layer.spans:
            entity = context.entities.get(span.entity_id) if span.entity_id else None
            if entity is not None:
                values += [entity.name, *entity.aliases, entity.kb_id or ""]
        for value in values:
            offset = not_xml10(value)
            if offset is not None:
                return (f"a title, name or attribute holds U+{ord(value[offset]):04X}, which "
                        "XML 1.0 cannot carry; document not written")
        return None


def build_tei(context: ExportContext, item: CorpusDocument, layer: Layer) -> etree._Element:
    """The ``<TEI>`` element of one document's layer (see the module docstring)."""
    document = item.document
    text = document.text
    root = etree.Element(_tei("TEI"), nsmap={None: TEI_NS})  # type: ignore[dict-item]
    entities = [context.entities[s.entity_id] for s in layer.spans
                if s.entity_id is not None and s.entity_id in context.entities]
    unique_entities = list({e.id: e for e in entities}.values())
    _header(root, document, layer, unique_entities)

    ids = _Ids()
    anchors = sorted({offset for span in layer.spans for fragment in span.fragments
                      for offset in fragment})
    body = _sub(_sub(root, "text", **{_xml("space"): "preserve"}), "body")
    _paragraphs(body, text, anchors)

    if not layer.spans:
        return root
    stand_off = _sub(root, "standOff")
    entity_ids = _actors(stand_off, unique_entities, ids)
    span_ids: dict[int, str] = {}
    by_label: dict[str, list[Any]] = defaultdict(list)
    for span in layer.spans:
        by_label[span.label].append(span)
    label_order = [*context.schema.label_names, *sorted(set(by_label) -
                                                        set(context.schema.label_names))]
    feature_structures: list[tuple[str, str, dict[str, Any]]] = []
    for label in label_order:
        if label not in by_label:
            continue
        group = _sub(stand_off, "spanGrp", type=label)
        for span in by_label[label]:
            first_id = ids.make("s", span.external_id)
            span_ids[span.id] = first_id
            names = [first_id] + [f"{first_id}.{n}" for n in range(2, len(span.fragments) + 1)]
            ids.used.update(names)
            fs_id = ids.make("f", span.external_id) if span.attributes else None
            if fs_id:
                feature_structures.append((fs_id, label, span.attributes))
            for index, (start, end) in enumerate(span.fragments):
                element = _sub(group, "span", xml_id=names[index], n=span.external_id,
                               **{"from": f"#a{start}", "to": f"#a{end}"})
                if fs_id:
                    element.set("ana", f"#{fs_id}")
                if span.entity_id in entity_ids:
                    element.set("corresp", f"#{entity_ids[span.entity_id]}")
                if index + 1 < len(names):
                    element.set("next", f"#{names[index + 1]}")
                if index:
                    element.set("prev", f"#{names[index - 1]}")
    by_type: dict[str, list[Any]] = defaultdict(list)
    for relation in layer.relations:
        if relation.source_id in span_ids and relation.target_id in span_ids:
            by_type[relation.type].append(relation)
    links: list[tuple[str, list[tuple[Any, str | None]]]] = []
    for type_name in [*(r.name for r in context.schema.relations),
                      *sorted(set(by_type) - {r.name for r in context.schema.relations})]:
        entries = []
        for relation in by_type.get(type_name, []):
            fs_id = ids.make("f", relation.external_id) if relation.attributes else None
            if fs_id:
                feature_structures.append((fs_id, type_name, relation.attributes))
            entries.append((relation, fs_id))
        if entries:
            links.append((type_name, entries))
    for fs_id, type_name, attributes in feature_structures:
        structure = _sub(stand_off, "fs", xml_id=fs_id, type=type_name)
        for key, value in attributes.items():
            feature = _sub(structure, "f", name=key)
            if isinstance(value, bool):
                _sub(feature, "binary", value="true" if value else "false")
            elif isinstance(value, str) and _is_symbol(context, type_name, key):
                _sub(feature, "symbol", value=value)
            else:
                _sub(feature, "string", str(value))
    for type_name, entries in links:
        group = _sub(stand_off, "linkGrp", type=type_name)
        for relation, fs_id in entries:
            link = _sub(group, "link", xml_id=ids.make("r", relation.external_id),
                        n=relation.external_id,
                        target=f"#{span_ids[relation.source_id]} "
                               f"#{span_ids[relation.target_id]}")
            if fs_id:
                link.set("ana", f"#{fs_id}")
    return root


def _is_symbol(context: ExportContext, owner: str, attribute: str) -> bool:
    """Whether an attribute is an enum (a TEI symbol) rather than free text."""
    label = context.schema.label(owner)
    definition = label.attribute(attribute) if label else None
    if definition is None:
        relation = context.schema.relation(owner)
        definition = relation.attribute(attribute) if relation else None
    return definition is not None and definition.type == ValueType.ENUM


def _header(root: etree._Element, document: Any, layer: Layer,
            entities: list[EntityView]) -> None:
    header = _sub(root, "teiHeader")
    file_desc = _sub(header, "fileDesc")
    title_stmt = _sub(file_desc, "titleStmt")
    _sub(title_stmt, "title", document.title)
    resp = _sub(title_stmt, "respStmt")
    _sub(resp, "resp", "annotation")
    _sub(resp, "name", layer.annotator)
    publication = _sub(file_desc, "publicationStmt")
    _sub(publication, "p", f"Exported from Saywho; annotation status: {layer.status}.")
    bibl = _sub(_sub(file_desc, "sourceDesc"), "bibl")
    _sub(bibl, "title", document.title)
    _sub(bibl, "idno", document.external_id, type="saywho")
    _sub(bibl, "idno", document.sha256, type="sha256")
    meta = dict(document.meta)
    if "date" in meta:
        _sub(bibl, "date", _meta_text(meta.pop("date")))
    if "outlet" in meta:
        _sub(bibl, "publisher", _meta_text(meta.pop("outlet")))
    if document.source:
        _sub(bibl, "note", public_source(document.source), type="source")
    for key, value in meta.items():
        _sub(bibl, "note", _meta_text(value), type="meta", n=str(key))
    if any((e.kb_id or "").startswith(f"{WIKIDATA[0]}:") for e in entities):
        prefixes = _sub(_sub(header, "encodingDesc"), "listPrefixDef")
        _sub(prefixes, "prefixDef", ident=WIKIDATA[0], matchPattern=WIKIDATA[1],
             replacementPattern=WIKIDATA[2])


def public_source(source: str) -> str:
    """Where a document came from, fit for a shared corpus: a URL as it is, a local path
    by its file name only (the folders of the importer's computer stay private)."""
    if "://" in source:
        return source
    return PureWindowsPath(source).name if "\\" in source else PurePosixPath(source).name


def _meta_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _paragraphs(body: etree._Element, text: str, anchors: list[int]) -> None:
    """One ``<p>`` per paragraph segment, with anchors at the given offsets."""
    position = 0
    segments = paragraph_segments(text)
    for number, (start, end) in enumerate(segments, start=1):
        paragraph = _sub(body, "p", xml_id=f"p{number}")
        last = number == len(segments)
        inside = []
        while position < len(anchors) and (anchors[position] < end
                                          or (last and anchors[position] == end)):
            inside.append(anchors[position])
            position += 1
        cursor = start
        current: etree._Element | None = None
        paragraph.text = None
        for offset in inside:
            piece = text[cursor:offset]
            if current is None:
                paragraph.text = piece or None
            else:
                current.tail = piece or None
            current = _sub(paragraph, "anchor", xml_id=f"a{offset}")
            cursor = offset
        piece = text[cursor:end]
        if current is None:
            paragraph.text = piece
        else:
            current.tail = piece or None


def _actors(stand_off: etree._Element, entities: list[EntityView],
            ids: _Ids) -> dict[int, str]:
    """``listPerson``/``listOrg`` for the linked actors; entity id -> xml:id."""
    result: dict[int, str] = {}
    people = [e for e in entities if e.kind == "person"]
    others = [e for e in entities if e.kind != "person"]
    for kind, items in (("person", people), ("org", others)):
        if not items:
            continue
        container = _sub(stand_off, "listPerson" if kind == "person" else "listOrg")
        for entity in sorted(items, key=lambda e: e.external_id):
            xml_id = ids.make("e", entity.external_id)
            result[entity.id] = xml_id
            if kind == "person":
                element = _sub(container, "person", xml_id=xml_id)
            else:
                element = _sub(container, "org", xml_id=xml_id, type=entity.kind)
            name_tag = "persName" if kind == "person" else "orgName"
            name = _sub(element, name_tag, entity.name)
            if entity.kb_id:
                name.set("ref", _pointer(entity.kb_id))
            for alias in entity.aliases:
                _sub(element, name_tag, alias, type="alias")
    return result
