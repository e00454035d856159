"""The annotation table: every span of the open document, sortable and filterable.

Selecting a row selects the span in the article view (the main window wires
:attr:`AnnotationTable.spanActivated`); the Delete action deletes it.
"""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Concatenate, ParamSpec

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QLabel, QWidget

from gui.models import FilteredTable, ModelIndex, RowTableModel, TextFilterModel
from storage.schema import Schema
from storage.views import EntityView, RelationView, SpanView

P = ParamSpec("P")
NO_ANNOTATIONS = ("No annotations in this document yet: select text and press a label's key "
                  "(F1 lists them).")
JOINER = " … "


def covered_text(text: str, fragments: Iterable[tuple[int, int]]) -> str:
    """The text a span covers, fragments joined by an ellipsis, on one line."""
    return JOINER.join(text[a:b] for a, b in fragments).replace("\n", " ")


class SpanTableModel(RowTableModel[SpanView]):
    """One row per span of one document and annotator, sorted by position.

    An edit changes rows in place (``dataChanged``), or removes and inserts the
    rows it moved (``beginRemoveRows``/``beginInsertRows``): a row is found by a
    bisection on the positions, so an edit costs the same on 10 or 10,000 rows.
    """

    COLUMNS = ("Label", "Text", "Attributes", "Speaker / holder", "Actor")
    SPAN_ID_ROLE = Qt.ItemDataRole.UserRole + 1
    SORT_ROLE = Qt.ItemDataRole.UserRole + 2

    def __init__(self, schema: Schema, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.schema = schema
        self._text = ""
        self._keys: list[tuple[int, int, int]] = []  # the rows' positions, sorted
        self._relations: dict[int, RelationView] = {}
        self._entities: Mapping[int, EntityView] = {}
        self._by_id: dict[int, SpanView] = {}
        self._outgoing: dict[int, list[RelationView]] = {}
        self._incoming: dict[int, list[RelationView]] = {}

    # ------------------------------------------------------------------ API

    def set_content(self, text: str, spans: Sequence[SpanView],
                    relations: Sequence[RelationView],
                    entities: Mapping[int, EntityView]) -> None:
        self.beginResetModel()
        self._text = text
        keys = [(span.fragments[0][0], span.fragments[-1][1], span.id) for span in spans]
        if all(keys[i] < keys[i + 1] for i in range(len(keys) - 1)):  # storage's order
            self._rows, self._keys = list(spans), keys
        else:
            ordered = sorted(zip(keys, spans, strict=True), key=lambda pair: pair[0])
            self._rows = [span for _, span in ordered]
            self._keys = [key for key, _ in ordered]
        self._by_id = {span.id: span for span in self._rows}
        self._relations = {relation.id: relation for relation in relations}
        outgoing: dict[int, list[RelationView]] = {}
        incoming: dict[int, list[RelationView]] = {}
        for relation in self._relations.values():
            outgoing.setdefault(relation.source_id, []).append(relation)
            incoming.setdefault(relation.target_id, []).append(relation)
        self._outgoing, self._incoming = outgoing, incoming
        self._entities = entities
        self.endResetModel()

    def row_of(self, key: Any) -> int | None:
        span = self._by_id.get(key)
        if span is None:
            return None
        row = bisect.bisect_left(self._keys, _position(span))
        return row if row < len(self._rows) and self._rows[row].id == key else None

    def update_spans(self, removed_ids: Iterable[int], changed_or_added: Iterable[SpanView],
                     relations: Sequence[RelationView] | None,
                     entities: Mapping[int, EntityView],
                     relations_removed: Iterable[int] = (),
                     relations_added: Iterable[RelationView] = (),
                     entities_changed: bool = False) -> None:
        """Applies a change set row by row: remove, change in place or move, insert.

        ``relations`` (all of them) replaces the relations when given; else the
        relation changes are applied. Rows whose speaker/holder cell shows a
        changed span or relation are announced changed too.
        """
        self._entities = entities
        touched: set[int] = set()  # sources whose speaker/holder cell may read differently
        if relations is not None:
            touched.update(self._outgoing)
            self._relations, self._outgoing, self._incoming = {}, {}, {}
            for relation in relations:
                self._add_relation(relation)
            touched.update(self._outgoing)
        for relation_id in relations_removed:
            gone = self._relations.pop(relation_id, None)
            if gone is not None:
                self._drop_relation(gone)
                touched.add(gone.source_id)
        for relation in relations_added:
            old = self._relations.pop(relation.id, None)
            if old is not None:
                self._drop_relation(old)
                touched.add(old.source_id)
            self._add_relation(relation)
            touched.add(relation.source_id)
        for span_id in set(removed_ids):
            row = self.row_of(span_id)
            if row is not None:
                self.remove_row(row)
                del self._keys[row]
                del self._by_id[span_id]
            touched.update(r.source_id for r in self._incoming.get(span_id, ()))
        for span in changed_or_added:
            row = self.row_of(span.id)
            touched.update(r.source_id for r in self._incoming.get(span.id, ()))
            if row is not None and self._keys[row] == _position(span):
                self._rows[row] = span
                self._by_id[span.id] = span
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
                continue
            if row is not None:
                self.remove_row(row)
                del self._keys[row]
            at = bisect.bisect_left(self._keys, _position(span))
            self._by_id[span.id] = span
            self.insert_rows(at, [span])
            self._keys.insert(at, _position(span))
        if entities_changed and self._rows:
            self.dataChanged.emit(self.index(0, 3), self.index(len(self._rows) - 1, 4))
            return
        for source_id in touched:
            row = self.row_of(source_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 3), self.index(row, 3))

    def layer_containers(self) -> list[Any]:
        """The mappings and lists the rows are held in (replaced, never changed, by the
        next :meth:`set_content`): what the window frees at idle after a switch."""
        return [self._by_id, self._relations, self._outgoing, self._incoming, self._keys,
                self._rows]

    def add_rows(self, spans: Iterable[SpanView], relations: Iterable[RelationView]) -> None:
        """Adds spans and relations read after the first screen (gui/layer_loading.py).

        Rows and relations already held stay as they are. The new rows go in by runs:
        a page of spans in text order usually lands as one run (one insertion), so
        reading a long layer page by page never re-sorts or resets the table.
        """
        touched: set[int] = set()
        for relation in relations:
            if relation.id not in self._relations:
                self._add_relation(relation)
                touched.add(relation.source_id)
        fresh = sorted((span for span in spans if span.id not in self._by_id), key=_position)
        index = 0
        while index < len(fresh):
            at = bisect.bisect_left(self._keys, _position(fresh[index]))
            following = self._keys[at] if at < len(self._keys) else None
            end = index + 1
            while end < len(fresh) and (following is None or _position(fresh[end]) < following):
                end += 1
            run = fresh[index:end]
            for span in run:
                self._by_id[span.id] = span
            self._keys[at:at] = [_position(span) for span in run]
            self.insert_rows(at, run)
            index = end
        for source_id in touched:
            row = self.row_of(source_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 3), self.index(row, 3))

    def _add_relation(self, relation: RelationView) -> None:
        self._relations[relation.id] = relation
        self._outgoing.setdefault(relation.source_id, []).append(relation)
        self._incoming.setdefault(relation.target_id, []).append(relation)

    def _drop_relation(self, relation: RelationView) -> None:
        for index, span_id in ((self._outgoing, relation.source_id),
                               (self._incoming, relation.target_id)):
            kept = [r for r in index.get(span_id, ()) if r.id != relation.id]
            if kept:
                index[span_id] = kept
            else:
                index.pop(span_id, None)

    span_at = RowTableModel.item
    spans = RowTableModel.items

    # ------------------------------------------------------------- the cells

    def cell(self, span: SpanView, column: int, role: int) -> Any:
        if role == self.SPAN_ID_ROLE:
            return span.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._display(span, column)
        if role == self.SORT_ROLE:
            if column == 1:
                return _position(span)
            return self._display(span, column).casefold()
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            label = self.schema.label(span.label)
            return QColor(label.color) if label is not None else None
        return None

    # -------------------------------------------------------------- helpers

    def sort_key(self, span: SpanView, column: int) -> str:
        return self._display(span, column).casefold()

    def _display(self, span: SpanView, column: int) -> str:
        if column == 0:
            return span.label
        if column == 1:
            return covered_text(self._text, span.fragments)
        if column == 2:
            return ", ".join(f"{k}={_value(v)}" for k, v in sorted(span.attributes.items()))
        if column == 3:
            return self._sources(span)
        if column == 4:
            entity = self._entities.get(span.entity_id) if span.entity_id else None
            return entity.name if entity is not None else ""
        return ""

    def _sources(self, span: SpanView) -> str:
        """Who said or holds it: targets of relations that point to entity-linked labels."""
        names = []
        for relation in self._outgoing.get(span.id, ()):
            target = self._by_id.get(relation.target_id)
            if target is None:
                continue
            label = self.schema.label(target.label)
            if label is None or not label.entity:
                continue
            entity = self._entities.get(target.entity_id) if target.entity_id else None
            names.append(entity.name if entity is not None else
                         covered_text(self._text, target.fragments))
        return ", ".join(names)


def _position(span: SpanView) -> tuple[int, int, int]:
    return (span.start, span.end, span.id)


def _value(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


class SpanFilterModel(TextFilterModel):
    """Filters rows by label and by text in any column."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(SpanTableModel.SORT_ROLE, parent)
        self._label: str | None = None

    def set_label(self, label: str | None) -> None:
        self.beginFilterChange()
        self._label = label
        self.endFilterChange()

    def lessThan(self, left: ModelIndex, right: ModelIndex) -> bool:
        """Compares spans directly (no per-comparison round trip through data())."""
        model = self.sourceModel()
        if not isinstance(model, SpanTableModel):
            return super().lessThan(left, right)
        first, second = model.span_at(left.row()), model.span_at(right.row())
        column = left.column()
        if column == 1:
            return _position(first) < _position(second)
        return (model.sort_key(first, column), _position(first)) < \
            (model.sort_key(second, column), _position(second))

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        if (self._label is not None and isinstance(model, SpanTableModel)
                and model.span_at(source_row).label != self._label):
            return False
        return super().filterAcceptsRow(source_row, source_parent)


def _synced(change: Callable[Concatenate[SpanTableModel, P], None],
            ) -> Callable[Concatenate[AnnotationTable, P], None]:
    """The table's ``change`` of its model's rows, made while it syncs (see
    :meth:`AnnotationTable._syncing`): the selection stays the window's business."""
    def synced(table: AnnotationTable, *args: P.args, **kwargs: P.kwargs) -> None:
        with table._syncing():
            change(table.model, *args, **kwargs)

    synced.__doc__ = change.__doc__
    return synced


class AnnotationTable(FilteredTable[SpanTableModel, SpanFilterModel]):
    """The bottom dock: the filter row (text, and the label as :attr:`choice`) and
    the span table.

    Signals:
        spanActivated(int): a row was selected; the span should be selected in the view.
    """

    spanActivated = Signal(int)

    def __init__(self, schema: Schema, parent: QWidget | None = None) -> None:
        super().__init__(SpanTableModel(schema), SpanFilterModel(),
                         ("spanFilter", "labelFilter", "spanTable"), "Filter annotations…",
                         26, (8, 6, 8, 8), parent)
        self._sync_depth = 0
        self.set_schema(schema)

        # no sort column: rows keep the model's text order (already sorted, and free);
        # clicking a header sorts by that column
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, 135)
        header.resizeSection(2, 220)
        header.resizeSection(3, 170)
        header.resizeSection(4, 150)

        self.empty_hint = QLabel(NO_ANNOTATIONS, self.table.viewport())
        self.empty_hint.setObjectName("emptyHint")
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for signal in (self.proxy.modelReset, self.proxy.rowsInserted, self.proxy.rowsRemoved,
                       self.proxy.layoutChanged):
            signal.connect(self._update_empty_hint)
        self.table.viewport().installEventFilter(self)
        self._update_empty_hint()

        self.search.textChanged.connect(self._on_filter_text)
        self.choice.currentIndexChanged.connect(self._on_label_filter)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)

    @contextlib.contextmanager
    def _syncing(self) -> Iterator[None]:
        """Rows change because the document changed: the current row moving meanwhile
        is no user's choice and selects nothing (the window owns the selection)."""
        self._sync_depth += 1
        try:
            yield
        finally:
            self._sync_depth -= 1

    set_content = _synced(SpanTableModel.set_content)
    add_loaded = _synced(SpanTableModel.add_rows)
    update_spans = _synced(SpanTableModel.update_spans)

    def set_schema(self, schema: Schema) -> None:
        self.model.schema = schema
        self.choice.blockSignals(True)
        self.choice.clear()
        self.choice.addItem("All labels", None)
        for label in schema.labels:
            self.choice.addItem(label.name, label.name)
        self.choice.blockSignals(False)

    def select_span(self, span_id: int | None) -> None:
        """Selects the span's row (without emitting :attr:`spanActivated`)."""
        self.table.blockSignals(True)
        self.table.selectionModel().blockSignals(True)
        try:
            if span_id is None or self.model.row_of(span_id) is None:
                self.table.clearSelection()
                return
            index = self.shown_index(span_id)
            if index.isValid():
                self.table.selectRow(index.row())
                self.table.setCurrentIndex(index)
                self.table.scrollTo(index)
        finally:
            self.table.selectionModel().blockSignals(False)
            self.table.blockSignals(False)
        self.table.viewport().update()

    def _update_empty_hint(self, *_args: object) -> None:
        empty = self.proxy.rowCount() == 0
        if empty and self.model.rowCount() > 0:
            self.empty_hint.setText("No annotation matches the filter.")
        elif empty:
            self.empty_hint.setText(NO_ANNOTATIONS)
        self.empty_hint.setVisible(empty)
        self.empty_hint.setGeometry(self.table.viewport().rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.empty_hint.setGeometry(self.table.viewport().rect())
        return super().eventFilter(watched, event)

    def _on_filter_text(self, text: str) -> None:
        with self._syncing():
            self.proxy.setFilterFixedString(text)

    def _on_label_filter(self, _index: int) -> None:
        with self._syncing():
            self.proxy.set_label(self.choice.currentData())

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._sync_depth:
            self.spanActivated.emit(current.data(SpanTableModel.SPAN_ID_ROLE))
