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


class CsvFormat(Format, name="csv", extensions=(".csv",),
                description="CSV tables of quotes and conditions (for spreadsheets)"):
    """Quotes and conditions as two CSV tables for spreadsheets."""

    def __init__(self) -> None:
        self._handles: list[IO[str]] = []
        self._writers: dict[tuple[str | None, str], Any] = {}
        self._labels: dict[LabelRole, set[str]] = {}
        self._relations: dict[RelationRole, set[str]] = {}

    def start(self, context: ExportContext) -> None:
        schema = context.schema
        self._labels = {role: set(schema.labels_with_role(role)) for role in LabelRole}
        self._relations = {role: set(schema.relations_with_role(role)) for role in RelationRole}
        splits: list[str | None] = list(context.options.split or [None])
        for split in splits:
            folder = context.split_dir(split)
            for name, columns in ((QUOTES_FILE, QUOTE_COLUMNS),
                                  (CONDITIONS_FILE, CONDITION_COLUMNS)):
                path: Path = folder / name
                handle = path.open("w", encoding="utf-8-sig", newline="")
                self._handles.append(handle)
                writer = csv.writer(handle)
                writer.writerow(columns)
                self._writers[(split, name)] = writer
                context.manifest.files.append(path.relative_to(context.out_dir).as_posix())

    def write_document(self, context: ExportContext, item: CorpusDocument,
                       split: str | None) -> None:
        quotes = self._writers[(split, QUOTES_FILE)]
        conditions = self._writers[(split, CONDITIONS_FILE)]
        for layer in item.layers:
            for row in self.quote_rows(context, item, layer):
                quotes.writerow([neutralise(cell) for cell in row])
            for row in self.condition_rows(context, item, layer):
                conditions.writerow([neutralise(cell) for cell in row])

    def finish(self, context: ExportContext) -> None:
        self.abort(context)

    def abort(self, context: ExportContext) -> None:
        for handle in self._handles:
            handle.close()
        self._handles.clear()

    def _links(self, layer: Layer) -> dict[tuple[int, RelationRole], list[SpanView]]:
        """Targets by source span and relation role."""
        spans = layer.span_by_id()
        role_of = {name: role for role, names in self._relations.items() for name in names}
        links: dict[tuple[int, RelationRole], list[SpanView]] = {}
        for relation in layer.relations:
            target = spans.get(relation.target_id)
            role = role_of.get(relation.type)
            if target is not None and role is not None:
                links.setdefault((relation.source_id, role), []).append(target)
        return links

    def _spans(self, layer: Layer, role: LabelRole) -> list[SpanView]:
        """The layer's spans whose label plays ``role`` in the schema."""
        return [span for span in layer.spans if span.label in self._labels[role]]

    def quote_rows(self, context: ExportContext, item: CorpusDocument,
                   layer: Layer) -> list[list[Any]]:
        text = item.document.text
        links = self._links(layer)
        rows = []
        for span in self._spans(layer, LabelRole.QUOTE):
            speaker = next(iter(links.get((span.id, RelationRole.SPEAKER), [])), None)
            cue = next(iter(links.get((span.id, RelationRole.CUE), [])), None)
            entity = None
            if speaker is not None and speaker.entity_id is not None:
                entity = context.entities.get(speaker.entity_id)
            rows.append([
                item.document.external_id, span.external_id, span.attributes.get("form", ""),
                covered_text(text, span.fragments),
                entity.name if entity else "", entity.external_id if entity else "",
                covered_text(text, speaker.fragments) if speaker else "",
                covered_text(text, cue.fragments) if cue else "",
                span.start, span.end, layer.annotator,
            ])
        return rows

    def _holder(self, context: ExportContext, text: str,
                links: dict[tuple[int, RelationRole], list[SpanView]],
                *sources: SpanView) -> str:
        for source in sources:
            holder = next(iter(links.get((source.id, RelationRole.HOLDER), [])), None)
            if holder is None:
                continue
            if holder.entity_id is not None and holder.entity_id in context.entities:
                return context.entities[holder.entity_id].name
            return covered_text(text, holder.fragments)
        return ""

    def condition_rows(self, context: ExportContext, item: CorpusDocument,
                       layer: Layer) -> list[list[Any]]:
        text = item.document.text
        links = self._links(layer)
        rows = []
        for span in self._spans(layer, LabelRole.CONDITION):
            consequences = links.get((span.id, RelationRole.CONSEQUENCE), [])
            condition_text = covered_text(text, span.fragments)
            if not consequences:
                rows.append([item.document.external_id, span.external_id, condition_text,
                             "", "", "", self._holder(context, text, links, span),
                             layer.annotator])
            for consequence in consequences:
                rows.append([
                    item.document.external_id, span.external_id, condition_text,
                    consequence.external_id, covered_text(text, consequence.fragments),
                    consequence.attributes.get("type", ""),
                    self._holder(context, text, links, span, consequence), layer.annotator,
                ])
        return rows
