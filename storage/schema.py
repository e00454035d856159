"""The XML annotation schema: load, validate against the XSD, query.

A schema declares span labels (with attributes, colour, shortcut), relation
types (allowed source and target labels, how many per source) and which labels
link to the actor registry. It is validated in two passes: the XSD in
``resources/schemas/saywho-schema.xsd`` for the grammar, then the semantic rules
below, each problem reported as ``file:line: message``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from storage.errors import SchemaError

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
XSD_PATH = RESOURCES / "schemas" / "saywho-schema.xsd"
DEFAULT_SCHEMA_PATH = RESOURCES / "schemas" / "news-attribution.xml"

ATTRIBUTE_TYPES = ("enum", "boolean", "text")


def safe_xml_parser() -> etree.XMLParser:
    """An lxml parser that never resolves entities, loads DTDs or uses the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


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
        if self.type == "boolean":
            if not isinstance(value, bool):
                return f"attribute '{self.name}' takes true or false, not {value!r}"
        elif self.type == "enum":
            if value not in self.values:
                allowed = ", ".join(self.values)
                return f"attribute '{self.name}' takes one of {allowed}, not {value!r}"
        elif not isinstance(value, str):
            return f"attribute '{self.name}' takes text, not {value!r}"
        return None


@dataclass(frozen=True)
class LabelDef:
    """A span label."""

    name: str
    color: str
    key: str | None = None
    entity: bool = False
    description: str = ""
    attributes: tuple[AttributeDef, ...] = ()

    def attribute(self, name: str) -> AttributeDef | None:
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute
        return None


@dataclass(frozen=True)
class RelationDef:
    """A relation type between two spans."""

    name: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    max_per_source: int | None = None
    key: str | None = None
    description: str = ""
    attributes: tuple[AttributeDef, ...] = ()

    def attribute(self, name: str) -> AttributeDef | None:
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute
        return None


@dataclass(frozen=True)
class Schema:
    """A parsed, validated annotation schema."""

    name: str
    version: int
    description: str
    labels: tuple[LabelDef, ...]
    relations: tuple[RelationDef, ...]
    xml: str

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

    def relations_from(self, label: str) -> list[RelationDef]:
        """The relation types a span with ``label`` may be the source of."""
        return [r for r in self.relations if label in r.sources]

    def default_attributes(self, label: str) -> dict[str, Any]:
        """The attribute values a new span of ``label`` starts with."""
        label_def = self.label(label)
        if label_def is None:
            return {}
        return {a.name: a.default for a in label_def.attributes if a.default is not None}


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
    if kind == "enum" and not values:
        problems.append(f"{line}: attribute '{name}' of {owner} is an enum with no <value>")
    if kind != "enum" and values:
        problems.append(f"{line}: attribute '{name}' of {owner} is {kind} but lists values")
    if len(set(values)) != len(values):
        problems.append(f"{line}: attribute '{name}' of {owner} repeats a value")
    raw_default = element.get("default")
    default: Any = raw_default
    if raw_default is not None:
        if kind == "boolean":
            if raw_default not in ("true", "false", "1", "0"):
                problems.append(f"{line}: default of boolean '{name}' must be true or false")
            default = raw_default in ("true", "1")
        elif kind == "enum" and raw_default not in values:
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

    Args:
        xml: the schema document.
        where: the file name used in messages.

    Raises:
        SchemaError: with every problem found, each as ``where:line: message``.
    """
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    try:
        root = etree.fromstring(data, safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else 1
        raise SchemaError([f"{where}:{line}: not well-formed XML: {exc.msg}"]) from exc
    if root is None:
        raise SchemaError([f"{where}:1: empty document"])
    tree = root.getroottree()
    if tree.docinfo.doctype:  # type: ignore[union-attr]
        raise SchemaError([f"{where}:1: a schema must not declare a DOCTYPE"])
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
        if key is not None:
            if key in keys:
                problems.append(f"{at}: shortcut '{key}' of label '{name}' is already used by "
                                f"{keys[key]}")
            keys[key] = f"label '{name}'"
        labels.append(
            LabelDef(
                name=name,
                color=element.get("color", "#888888").upper(),
                key=key,
                entity=element.get("entity", "false") in ("true", "1"),
                description=_text(element.find("description")),
                attributes=_attributes(element, f"label '{name}'", where, problems),
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
        if key is not None:
            if key in relation_keys:
                problems.append(f"{at}: shortcut '{key}' of relation '{name}' is already used "
                                f"by {relation_keys[key]}")
            relation_keys[key] = f"relation '{name}'"
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
            )
        )
    if problems:
        raise SchemaError(problems)
    text = data.decode("utf-8") if isinstance(xml, bytes) else xml
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
        data = path.read_bytes()
    except OSError as exc:
        raise SchemaError([f"{path}: cannot read: {exc.strerror or exc}"]) from exc
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
