"""Two spreadsheet tables: who said what (``quotes.csv``), and conditionals (``conditions.csv``).

Layout: ``<out>/[<split>/]quotes.csv`` and ``conditions.csv``; one row per
Quote span (``quotes.csv``) and one row per Condition -> Consequence pair
(``conditions.csv``; a Condition without a consequence gets one row with empty
consequence columns), for every annotator layer exported.

The files are UTF-8 with a byte order mark (Excel and LibreOffice then detect
the encoding), with the csv module's quoting, so a cell may hold commas,
quotes and line breaks. A text cell that begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return would be run as a formula by a spreadsheet
(CSV injection); such a cell is written with a leading ``'``, which
spreadsheets show as text. Offsets (``start``, ``end``) are code points.

Labels and relations are found by the role the schema gives them
(:class:`storage.vocabulary.LabelRole`, :class:`~storage.vocabulary.RelationRole`):
quote and condition labels make the rows, speaker, cue, consequence and holder
relations fill the columns, whatever the schema names them (the default
news-attribution schema's Quote, Condition, speaker, ...). A project whose
schema has no such labels gets tables with headers only.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from formats.base import ExportContext, Format
from storage.corpus import CorpusDocument, Layer
from storage.records import covered_text
from storage.views import SpanView
from storage.vocabulary import LabelRole, RelationRole

QUOTES_FILE = "quotes.csv"
CONDITIONS_FILE = "conditions.csv"
QUOTE_COLUMNS = ("document", "quote_id", "form", "quote_text", "speaker_name", "speaker_id",
                 "speaker_mention", "cue", "start", "end", "annotator")
CONDITION_COLUMNS = ("document", "condition_id", "condition_text", "consequence_id",
                     "consequence_text", "type", "holder", "annotator")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell safe from formula injection (see the module docstring)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class LayerRows:
    """One annotator's layer of one document, as the tables' rows see it: its text, the
    actors, and each span's targets by relation role."""

    context: ExportContext
    item: CorpusDocument
    layer: Layer
    links: dict[tuple[int, RelationRole], list[SpanView]]

    @classmethod
    def of(cls, context: ExportContext, item: CorpusDocument, layer: Layer,
           relation_roles: dict[str, RelationRole]) -> LayerRows:
        """The rows' view of ``layer``; ``relation_roles`` maps a relation type to its role."""
        spans = layer.span_by_id()
        links: dict[tuple[int, RelationRole], list[SpanView]] = {}
        for relation in layer.relations:
            target = spans.get(relation.target_id)
            role = relation_roles.get(relation.type)
            if target is not None and role is not None:
                links.setdefault((relation.source_id, role), []).append(target)
        return cls(context, item, layer, links)

    def text(self, span: SpanView | None) -> str:
        """The text ``span`` covers ("" for no span)."""
        return covered_text(self.item.document.text, span.fragments) if span is not None else ""

    def targets(self, span: SpanView, role: RelationRole) -> list[SpanView]:
        """The spans ``span`` links to by relations playing ``role``."""
        return self.links.get((span.id, role), [])

    def target(self, span: SpanView, role: RelationRole) -> SpanView | None:
        """The first span ``span`` links to by a relation playing ``role``."""
        return next(iter(self.targets(span, role)), None)

    def holder(self, *sources: SpanView) -> str:
        """The holder of the first source that has one: its actor's name, or its text."""
        entities = self.context.entities
        for source in sources:
            holder = self.target(source, RelationRole.HOLDER)
            if holder is None:
                continue
            if holder.entity_id is not None and holder.entity_id in entities:
                return entities[holder.entity_id].name
            return self.text(holder)
        return ""


def quote_rows(rows: LayerRows, span: SpanView) -> list[list[Any]]:
    """The one row of a Quote span: its speaker (actor and mention) and cue."""
    speaker = rows.target(span, RelationRole.SPEAKER)
    entity = None
    if speaker is not None and speaker.entity_id is not None:
        entity = rows.context.entities.get(speaker.entity_id)
    return [[rows.item.document.external_id, span.external_id, span.attributes.get("form", ""),
             rows.text(span), entity.name if entity else "",
             entity.external_id if entity else "", rows.text(speaker),
             rows.text(rows.target(span, RelationRole.CUE)), span.start, span.end,
             rows.layer.annotator]]


def condition_rows(rows: LayerRows, span: SpanView) -> list[list[Any]]:
    """The rows of a Condition span: one per consequence, or one with empty consequence
    columns."""
    head = [rows.item.document.external_id, span.external_id, rows.text(span)]
    consequences = rows.targets(span, RelationRole.CONSEQUENCE)
    if not consequences:
        return [[*head, "", "", "", rows.holder(span), rows.layer.annotator]]
    return [[*head, consequence.external_id, rows.text(consequence),
             consequence.attributes.get("type", ""), rows.holder(span, consequence),
             rows.layer.annotator] for consequence in consequences]


@dataclass(frozen=True)
class Table:
    """One CSV file: its columns, the label role whose spans make its rows, and the rows of
    one such span."""

    file: str
    columns: tuple[str, ...]
    role: LabelRole
    rows: Callable[[LayerRows, SpanView], list[list[Any]]]


TABLES = (Table(QUOTES_FILE, QUOTE_COLUMNS, LabelRole.QUOTE, quote_rows),
          Table(CONDITIONS_FILE, CONDITION_COLUMNS, LabelRole.CONDITION, condition_rows))
"""The tables written, in the order their rows are written for each layer."""


class CsvFormat(Format, name="csv", extensions=(".csv",),
                description="CSV tables of quotes and conditions (for spreadsheets)"):
    """Quotes and conditions as two CSV tables for spreadsheets."""

    def __init__(self) -> None:
        self._handles: list[IO[str]] = []
        self._writers: dict[tuple[str | None, str], Any] = {}
        self._labels: dict[LabelRole, set[str]] = {}
        self._relation_roles: dict[str, RelationRole] = {}

    def start(self, context: ExportContext) -> None:
        schema = context.schema
        self._labels = {role: set(schema.labels_with_role(role)) for role in LabelRole}
        self._relation_roles = {name: role for role in RelationRole
                                for name in schema.relations_with_role(role)}
        splits: list[str | None] = list(context.options.split or [None])
        for split in splits:
            folder = context.split_dir(split)
            for table in TABLES:
                path: Path = folder / table.file
                handle = path.open("w", encoding="utf-8-sig", newline="")
                self._handles.append(handle)
                writer = csv.writer(handle)
                writer.writerow(table.columns)
                self._writers[(split, table.file)] = writer
                context.manifest.files.append(path.relative_to(context.out_dir).as_posix())

    def write_document(self, context: ExportContext, item: CorpusDocument,
                       split: str | None) -> None:
        for layer in item.layers:
            rows = LayerRows.of(context, item, layer, self._relation_roles)
            for table in TABLES:
                writer = self._writers[(split, table.file)]
                labels = self._labels[table.role]
                for span in layer.spans:
                    if span.label in labels:
                        writer.writerows([neutralise(cell) for cell in row]
                                         for row in table.rows(rows, span))

    def finish(self, context: ExportContext) -> None:
        self.abort(context)

    def abort(self, context: ExportContext) -> None:
        for handle in self._handles:
            handle.close()
        self._handles.clear()
