"""The XML annotation schema: load, validate against the XSD, query.

A schema declares span labels (with attributes, colour, shortcut), relation
types (allowed source and target labels, how many per source) and which labels
link to the actor registry. It is validated in two passes: the XSD in
``resources/schemas/saywho-schema.xsd`` for the grammar, then the semantic rules
below, each problem reported as ``file:line: message``.

Schema files are untrusted input: a DOCTYPE or ENTITY declaration is refused
before parsing (no entity expansion, no DTD, no file read, no network), and a
file over :data:`SCHEMA_MAX_BYTES` is refused before it is read.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from lxml import etree

import resources
from storage.errors import SchemaError
from storage.vocabulary import (
    ACTOR_KIND_ATTRIBUTE,
    ACTOR_KINDS,
    OTHER_ACTOR_KIND,
    LabelRole,
    RelationRole,
    ValueType,
)
from text.encodings import codec_after_mark, split_bom

XSD_PATH = resources.path("schemas", "saywho-schema.xsd")
DEFAULT_SCHEMA_PATH = resources.path("schemas", "news-attribution.xml")

SCHEMA_MAX_BYTES = 2 * 1024 * 1024
"""Schema files larger than this are refused before they are read (the bundled one is 10 KB)."""


def safe_xml_parser(encoding: str | None = None) -> etree.XMLParser:
    """An lxml parser that never resolves entities, loads DTDs or uses the network.

    This is the second line of defence: a document type declaration is refused
    before parsing (:func:`find_dtd_declaration`), so libxml2 never sees one.

    Args:
        encoding: decode the bytes with this codec, whatever the document declares.
    """
    return etree.XMLParser(
        encoding=encoding,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


# ------------------------------------------------------------ before parsing

# Without a BOM, the first "<" tells UTF-16 and UTF-32 apart (XML 1.0, appendix F.1).
_XML_FIRST_CHARACTER: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)
_DECLARED_ENCODING = re.compile(
    rb"""\A\s*<\?xml\s[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_DECLARATION_ENCODING_TEXT = re.compile(
    r"""\A(\s*<\?xml\s[^>]{0,200}?encoding\s*=\s*["'])([^"']{1,40})(?=["'])""")
_MARKUP_START = re.compile(r"<[!?]")
_SKIPPED_MARKUP = (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>"))
_DECLARATION_KEYWORD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class DtdDeclaration(NamedTuple):
    """Where an XML document declares a document type or an entity."""

    keyword: str  # "DOCTYPE" or "ENTITY"
    line: int  # 1-based

    def message(self, where: str, kind: str = "schema files") -> str:
        """The refusal of the file ``where``, as ``where:line: message``.

        Args:
            where: the file name.
            kind: what the file is, plural ("schema files", "XMI files").
        """
        what = "a DOCTYPE" if self.keyword == "DOCTYPE" else "an ENTITY declaration"
        return (f"{where}:{self.line}: {kind} may not contain {what} "
                "(entities and DTDs are refused for safety)")


def sniff_xml_encoding(data: bytes) -> tuple[str, int]:
    """The codec an XML document's bytes are in, and the length of its byte-order mark.

    A BOM decides, then the first character (UTF-16/32 without a BOM), then the
    encoding the XML declaration names, then UTF-8, the XML default. A label
    Python does not know is returned as it is (``codecs.lookup`` fails on it).
    """
    marked, rest = split_bom(data)
    if marked is not None:
        return codec_after_mark(marked), len(data) - len(rest)
    for prefix, codec in _XML_FIRST_CHARACTER:
        if data.startswith(prefix):
            return codec, 0
    declared = _DECLARED_ENCODING.match(data)
    if declared is not None:
        return declared.group(1).decode("ascii"), 0
    return "utf-8", 0


def find_dtd_declaration(xml: str | bytes) -> DtdDeclaration | None:
    """The first ``<!DOCTYPE`` or ``<!ENTITY`` of an XML document, before it is parsed.

    Comments, CDATA sections and processing instructions are skipped, in
    document order; everything else is searched, not just the prolog, so
    nothing libxml2 could read as a declaration slips through. Bytes are decoded
    as :func:`sniff_xml_encoding` says (UTF-16 and UTF-32 included; bytes that do
    not decode become U+FFFD, which cannot hide ASCII markup), and searched as
    ASCII too, and without their NULs, in case the label lies (libxml2 reads a
    document labelled UTF-16 but written in ASCII as UTF-8).

    Args:
        xml: the document, as bytes or text.

    Returns:
        The keyword and line of the first declaration, or None when there is none.
    """
    views: list[str] = []
    if isinstance(xml, bytes):
        codec, bom_length = sniff_xml_encoding(xml)
        with contextlib.suppress(LookupError):  # unknown to Python: the ASCII view below
            views.append(xml[bom_length:].decode(codec, errors="replace"))
        views.append(xml.decode("latin-1"))
    else:
        views.append(xml)
    if "\x00" in views[-1]:  # UTF-16 or UTF-32 that the sniffing missed
        views.append(views[-1].replace("\x00", ""))
    for text in views:
        found = _first_declaration(text)
        if found is not None:
            return found
    return None


def _first_declaration(text: str) -> DtdDeclaration | None:
    """Scans ``text`` in document order, in linear time.

    In document order, so that "<!--" inside a processing instruction (or "?>"
    inside a comment) cannot hide what follows; a comment, CDATA section or
    processing instruction that never ends hides nothing (the scan goes on
    inside it). Once a terminator is known to be absent from the rest of the
    text it is not searched for again, so thousands of unterminated "<!--"
    cost one pass, not one pass each.
    """
    absent: set[str] = set()
    position = 0
    while (found := _MARKUP_START.search(text, position)) is not None:
        start = position = found.start()
        for opener, closer in _SKIPPED_MARKUP:
            if text.startswith(opener, start):
                position = start + len(opener)
                if closer not in absent:
                    end = text.find(closer, position)
                    if end < 0:
                        absent.add(closer)
                    else:
                        position = end + len(closer)
                break
        else:
            declaration = _DECLARATION_KEYWORD.match(text, start)
            if declaration is not None:
                line = len(_LINE_BREAK.findall(text, 0, start)) + 1
                return DtdDeclaration(declaration.group(1).upper(), line)
            position = start + 2
    return None


def _decode_schema(data: bytes, where: str) -> str:
    """The text of a schema file's bytes, or a SchemaError saying why it has none."""
    codec, bom_length = sniff_xml_encoding(data)
    try:
        name = codecs.lookup(codec).name
    except LookupError:
        raise SchemaError([f"{where}:1: declares the encoding '{codec}', which Saywho cannot "
                           "read; save the schema as UTF-8"]) from None
    if not bom_length and name.startswith(("utf-16", "utf-32")) and not any(
            data.startswith(prefix) for prefix, _ in _XML_FIRST_CHARACTER):
        raise SchemaError([f"{where}:1: declares the encoding '{codec}' but is not in it "
                           "(and has no byte-order mark); save the schema as UTF-8"])
    body = data[bom_length:]
    try:
        return body.decode(name)
    except UnicodeDecodeError as exc:
        line = len(_LINE_BREAK.findall(body[: exc.start].decode(name, errors="replace"))) + 1
        raise SchemaError([f"{where}:{line}: not valid {codec.upper()}: byte "
                           f"0x{body[exc.start]:02X} at offset {exc.start + bom_length} cannot "
                           "be decoded; save the schema as UTF-8"]) from None


def _declare_utf8(text: str) -> str:
    """``text`` with the encoding its XML declaration names (if any) changed to UTF-8.

    The schema is kept (and exported) as text written in UTF-8, so a declaration
    of another encoding would no longer be true.
    """
    declared = _DECLARATION_ENCODING_TEXT.match(text)
    if declared is None:
        return text
    with contextlib.suppress(LookupError):  # an unknown label: replaced like any other
        if codecs.lookup(declared.group(2)).name == "utf-8":
            return text
    return text[: declared.start(2)] + "UTF-8" + text[declared.end(2):]


@dataclass(frozen=True)
class AttributeDef:
    """An attribute of a label or a relation type."""

    name: str
    type: str
    required: bool = False
    default: Any = None
    values: tuple[str, ...] = ()
    value_descriptions: Mapping[str, str] = field(default_factory=dict)
    description: str = ""

    def check(self, value: Any) -> str | None:
        """Returns why ``value`` is not allowed, or None when it is."""
        if self.type == ValueType.BOOLEAN:
            if not isinstance(value, bool):
                return f"attribute '{self.name}' takes true or false, not {value!r}"
        elif self.type == ValueType.ENUM:
            if value not in self.values:
                allowed = ", ".join(self.values)
                return f"attribute '{self.name}' takes one of {allowed}, not {value!r}"
        elif not isinstance(value, str):
            return f"attribute '{self.name}' takes text, not {value!r}"
        return None


class _Declared:
    """What labels and relation types share: attributes, found by name."""

    attributes: tuple[AttributeDef, ...]

    def attribute(self, name: str) -> AttributeDef | None:
        return next((a for a in self.attributes if a.name == name), None)


@dataclass(frozen=True)
class LabelDef(_Declared):
    """A span label."""

    name: str
    color: str
    key: str | None = None
    entity: bool = False
    description: str = ""
    attributes: tuple[AttributeDef, ...] = ()
    role: str | None = None


@dataclass(frozen=True)
class RelationDef(_Declared):
    """A relation type between two spans."""

    name: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    max_per_source: int | None = None
    key: str | None = None
    description: str = ""
    attributes: tuple[AttributeDef, ...] = ()
    role: str | None = None


@dataclass(frozen=True)
class Schema:
    """A parsed, validated annotation schema."""

    name: str
    version: int
    """The file's ``version`` attribute; a project records each name and version it has used."""
    description: str
    labels: tuple[LabelDef, ...]
    """In the schema file's order, which is the schema panel's order."""
    relations: tuple[RelationDef, ...]
    xml: str
    """The schema file's text without a byte-order mark: stored with the project and
    written next to a JSONL export."""

    def label(self, name: str) -> LabelDef | None:
        for label in self.labels:
            if label.name == name:
                return label
        return None

    def relation(self, name: str) -> RelationDef | None:
        for relation in self.relations:
            if relation.name == name:
                return relation
        return None

    @property
    def label_names(self) -> list[str]:
        return [label.name for label in self.labels]

    @property
    def actor_kinds(self) -> tuple[str, ...]:
        """The kinds an actor may have: the values of the actor label's ``kind``
        attribute (the first label with ``entity="true"`` that declares one), else
        :data:`~storage.vocabulary.ACTOR_KINDS`; the first is the default."""
        for label in self.labels:
            attribute = label.attribute(ACTOR_KIND_ATTRIBUTE) if label.entity else None
            if attribute is not None and attribute.type == ValueType.ENUM and attribute.values:
                values = tuple(attribute.values)
                default = attribute.default if attribute.default in values else values[0]
                return (default, *(v for v in values if v != default))
        return ACTOR_KINDS

    def actor_kind(self, value: object) -> str:
        """``value`` when it is an actor kind, else "other" when declared, else the default."""
        kinds = self.actor_kinds
        if isinstance(value, str) and value in kinds:
            return value
        return OTHER_ACTOR_KIND if OTHER_ACTOR_KIND in kinds else kinds[0]

    def labels_with_role(self, role: LabelRole) -> list[str]:
        """The names of the labels playing ``role`` (see :class:`~storage.vocabulary.LabelRole`)."""
        return [label.name for label in self.labels if label.role == role]

    def relations_with_role(self, role: RelationRole) -> list[str]:
        """The names of the relation types playing ``role``."""
        return [relation.name for relation in self.relations if relation.role == role]

    def relations_from(self, label: str) -> list[RelationDef]:
        """The relation types a span with ``label`` may be the source of."""
        return [r for r in self.relations if label in r.sources]

    def default_attributes(self, label: str) -> dict[str, Any]:
        """The attribute values a new span of ``label`` starts with."""
        label_def = self.label(label)
        if label_def is None:
            return {}
        return {a.name: a.default for a in label_def.attributes if a.default is not None}


def _claim_key(keys: dict[str, str], key: str | None, owner: str, at: str,
               problems: list[str]) -> None:
    """Records that ``owner`` (e.g. "label 'Quote'") uses shortcut ``key``; a clash is a problem."""
    if key is None:
        return
    if key in keys:
        problems.append(f"{at}: shortcut '{key}' of {owner} is already used by {keys[key]}")
    keys[key] = owner


def _role(element: Any, roles: type[LabelRole] | type[RelationRole]) -> str | None:
    """The declared role, else the name's when it is a role ("Quote": quote), else None."""
    declared = element.get("role")
    if declared is not None:
        return str(declared)  # the XSD allowed only the roles' values
    name = str(element.get("name", "")).lower()
    return name if name in {role.value for role in roles} else None


def _text(element: etree._Element | None) -> str:
    if element is None or element.text is None:
        return ""
    return " ".join(element.text.split())


def _parse_attribute(
    element: etree._Element, owner: str, where: str, problems: list[str]
) -> AttributeDef:
    name = element.get("name", "")
    kind = element.get("type", "text")
    values = tuple((v.text or "").strip() for v in element.findall("value"))
    descriptions = {
        (v.text or "").strip(): v.get("description", "") for v in element.findall("value")
    }
    line = f"{where}:{element.sourceline}"
    if kind == ValueType.ENUM and not values:
        problems.append(f"{line}: attribute '{name}' of {owner} is an enum with no <value>")
    if kind != ValueType.ENUM and values:
        problems.append(f"{line}: attribute '{name}' of {owner} is {kind} but lists values")
    if len(set(values)) != len(values):
        problems.append(f"{line}: attribute '{name}' of {owner} repeats a value")
    raw_default = element.get("default")
    default: Any = raw_default
    if raw_default is not None:
        if kind == ValueType.BOOLEAN:
            if raw_default not in ("true", "false", "1", "0"):
                problems.append(f"{line}: default of boolean '{name}' must be true or false")
            default = raw_default in ("true", "1")
        elif kind == ValueType.ENUM and raw_default not in values:
            problems.append(
                f"{line}: default '{raw_default}' of attribute '{name}' is not one of its values"
            )
    return AttributeDef(
        name=name,
        type=kind,
        required=element.get("required", "false") in ("true", "1"),
        default=default,
        values=values,
        value_descriptions=descriptions,
        description=_text(element.find("description")),
    )


def _attributes(
    element: etree._Element, owner: str, where: str, problems: list[str]
) -> tuple[AttributeDef, ...]:
    attributes = []
    seen: set[str] = set()
    for child in element.findall("attribute"):
        attribute = _parse_attribute(child, owner, where, problems)
        if attribute.name in seen:
            problems.append(
                f"{where}:{child.sourceline}: {owner} repeats attribute '{attribute.name}'"
            )
        seen.add(attribute.name)
        attributes.append(attribute)
    return tuple(attributes)


_xsd: etree.XMLSchema | None = None


def _xml_schema() -> etree.XMLSchema:
    global _xsd
    if _xsd is None:
        _xsd = etree.XMLSchema(etree.parse(str(XSD_PATH), safe_xml_parser()))
    return _xsd


def parse_schema(xml: str | bytes, where: str = "<schema>") -> Schema:
    """Parses and validates a schema given as XML text.

    Bytes are decoded as the XML rules say (BOM, first character, declared
    encoding, else UTF-8); the text is kept with its XML declaration naming
    UTF-8. A document type or entity declaration is refused before lxml sees
    the document, so no entity is expanded, no DTD or file is read and the
    network is never used (the parser is hardened too, in case).

    Args:
        xml: the schema document.
        where: the file name used in messages.

    Raises:
        SchemaError: with every problem found, each as ``where:line: message``.
    """
    text = _decode_schema(xml, where) if isinstance(xml, bytes) else xml.lstrip("\ufeff")
    declaration = find_dtd_declaration(text)
    if declaration is not None:
        raise SchemaError([declaration.message(where)])
    text = _declare_utf8(text)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SchemaError([f"{where}:1: the schema text holds a lone surrogate "
                           f"(U+{ord(text[exc.start]):04X})"]) from None
    try:
        root = etree.fromstring(data, safe_xml_parser(encoding="utf-8"))
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else 1
        raise SchemaError([f"{where}:{line}: not well-formed XML: {exc.msg}"]) from exc
    if root is None:
        raise SchemaError([f"{where}:1: empty document"])
    tree = root.getroottree()
    if tree.docinfo.doctype:  # type: ignore[union-attr]  # never: refused above
        raise SchemaError([f"{where}:1: schema files may not contain a DOCTYPE "
                           "(entities and DTDs are refused for safety)"])
    xsd = _xml_schema()
    if not xsd.validate(tree):
        raise SchemaError([f"{where}:{e.line}: {e.message}"
                           for e in xsd.error_log])  # type: ignore[attr-defined]

    problems: list[str] = []
    labels: list[LabelDef] = []
    keys: dict[str, str] = {}
    for element in root.findall("label"):
        name = element.get("name", "")
        at = f"{where}:{element.sourceline}"
        if any(label.name == name for label in labels):
            problems.append(f"{at}: label '{name}' is declared twice")
        key = element.get("key")
        _claim_key(keys, key, f"label '{name}'", at, problems)
        labels.append(
            LabelDef(
                name=name,
                color=element.get("color", "#888888").upper(),
                key=key,
                entity=element.get("entity", "false") in ("true", "1"),
                description=_text(element.find("description")),
                attributes=_attributes(element, f"label '{name}'", where, problems),
                role=_role(element, LabelRole),
            )
        )
    label_names = {label.name for label in labels}
    relations: list[RelationDef] = []
    relation_keys: dict[str, str] = {}
    for element in root.findall("relation"):
        name = element.get("name", "")
        at = f"{where}:{element.sourceline}"
        if any(r.name == name for r in relations) or name in label_names:
            problems.append(f"{at}: relation '{name}' is declared twice or names a label")
        key = element.get("key")
        _claim_key(relation_keys, key, f"relation '{name}'", at, problems)
        ends: dict[str, list[str]] = {"source": [], "target": []}
        for end in ("source", "target"):
            for child in element.findall(end):
                label = child.get("label", "")
                if label not in label_names:
                    problems.append(
                        f"{where}:{child.sourceline}: relation '{name}' names unknown "
                        f"{end} label '{label}'"
                    )
                ends[end].append(label)
        max_per_source = element.get("max-per-source")
        relations.append(
            RelationDef(
                name=name,
                sources=tuple(ends["source"]),
                targets=tuple(ends["target"]),
                max_per_source=int(max_per_source) if max_per_source else None,
                key=key,
                description=_text(element.find("description")),
                attributes=_attributes(element, f"relation '{name}'", where, problems),
                role=_role(element, RelationRole),
            )
        )
    if problems:
        raise SchemaError(problems)
    return Schema(
        name=root.get("name", ""),
        version=int(root.get("version", "1")),
        description=_text(root.find("description")),
        labels=tuple(labels),
        relations=tuple(relations),
        xml=text,
    )


def load_schema(path: Path | str) -> Schema:
    """Reads and validates a schema file.

    Raises:
        SchemaError: naming the file and line of each problem.
    """
    path = Path(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise SchemaError([f"{path}: is a folder, not a schema file"])
        if not stat.S_ISREG(info.st_mode):
            raise SchemaError([f"{path}: is not a regular file"])
        if info.st_size > SCHEMA_MAX_BYTES:
            raise SchemaError([f"{path}: is {info.st_size / 1024 ** 2:.1f} MB, over the "
                               f"{SCHEMA_MAX_BYTES / 1024 ** 2:.1f} MB limit for a schema"])
        with path.open("rb") as stream:
            data = stream.read(SCHEMA_MAX_BYTES + 1)  # it may have grown since stat()
    except OSError as exc:
        raise SchemaError([f"{path}: cannot read: {exc.strerror or exc}"]) from exc
    if len(data) > SCHEMA_MAX_BYTES:
        raise SchemaError([f"{path}: is over the {SCHEMA_MAX_BYTES / 1024 ** 2:.1f} MB limit "
                           "for a schema"])
    return parse_schema(data, where=path.name)


def default_schema() -> Schema:
    """The bundled news-attribution schema."""
    return load_schema(DEFAULT_SCHEMA_PATH)


def schema_summary(schema: Schema) -> str:
    """A short human-readable summary, as ``schema check`` prints it."""
    lines = [f"schema '{schema.name}' version {schema.version}: "
             f"{len(schema.labels)} labels, {len(schema.relations)} relation types"]
    for label in schema.labels:
        attrs = ", ".join(a.name for a in label.attributes) or "no attributes"
        key = f" [{label.key}]" if label.key else ""
        entity = ", links to actors" if label.entity else ""
        lines.append(f"  label {label.name}{key}: {attrs}{entity}")
    for relation in schema.relations:
        limit = f", at most {relation.max_per_source} per source" if relation.max_per_source else ""
        lines.append(
            f"  relation {relation.name}: {'|'.join(relation.sources)} -> "
            f"{'|'.join(relation.targets)}{limit}"
        )
    return "\n".join(lines)
