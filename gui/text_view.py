"""The article view: a read-only text with annotations painted per paragraph.

Design (speed on long documents):

* The text lives in a ``QPlainTextEdit`` (lazy, paragraph-based layout).
* Spans are kept in a :class:`gui.span_index.SpanIndex` keyed by paragraph
  (QTextBlock). ``paintEvent`` walks only the blocks on screen and the spans
  overlapping them: it paints the background tints *under* the text, lets Qt
  draw the text, then paints stacked underlines, outlines and relation
  overlays on top. Nothing is stored in the QTextDocument, so opening a
  document costs the same with or without its 10,000 spans.
* An edit repaints only the rectangles of the blocks it touched
  (:meth:`ArticleView.update_spans`).
* ``ExtraSelections`` are never used for stored spans.
* Offsets at the API are code points; Qt positions are UTF-16 units, converted
  with :class:`gui.unicode.Utf16Map` (one bisect per conversion).

Painting of a block: the innermost span's tint as background; one underline
per span, stacked by nesting lane (lane 0, the outermost, lowest; each deeper
lane 3 px higher); the gap between fragments of a discontinuous span is
underlined with dots in the same lane and colour, so the fragments visibly
belong together; the selected span gets a thick outline, its related spans a
thin one; other annotators' spans (read-only layers) a dashed outline. The left
margin shows a marker next to the selected and related spans and a bracket per
relation joining their vertical positions, with an arrow at the margin's edge
when an endpoint is scrolled away; where both endpoints are on screen an arc
with an arrowhead joins them over the text.
"""

from __future__ import annotations

import functools
import html
import sys
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontInfo,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
    QTextBlock,
    QTextCursor,
    QTextLine,
    QWheelEvent,
)
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from gui import theme
from gui.span_index import SpanIndex
from gui.unicode import Utf16Map, qt_display_text
from storage.schema import Schema
from storage.views import EntityView, RelationView, SpanView
from text import selection as textsel

__all__ = ["ArticleView"]

READING_FONTS = ("Charter", "Georgia", "Source Serif 4", "Noto Serif", "DejaVu Serif", "serif")
DEFAULT_POINTS = 12.0
MIN_POINTS, MAX_POINTS = 7.0, 40.0
MARGIN_WIDTH = 34
LANE_STEP = 3.0
UNKNOWN_COLOR = "#8a8a8a"
CLICK_SLOP = 4  # pixels a click may move and still be a click
#: characters of text Qt lays out per idle step while a long text is appended
TEXT_CHUNK = 64_000


_Handler = TypeVar("_Handler", bound=Callable[..., Any])


def _guarded(handler: _Handler) -> _Handler:
    """Reports an exception of an input-event handler instead of letting it escape.

    With PySide6 6.11 an exception escaping a mouse or key handler of a scroll
    area's viewport aborts the process (segmentation fault) instead of being
    printed. The exception goes to ``sys.excepthook`` (pytest-qt fails the test
    from there; the application shows it) and the event counts as unhandled.
    """

    @functools.wraps(handler)
    def wrapper(*args: Any) -> Any:
        try:
            return handler(*args)
        except Exception:
            sys.excepthook(*sys.exc_info())
            return False

    return wrapper  # type: ignore[return-value]


def _cursor_x(line: QTextLine, position: int) -> float:
    """x of a cursor position in a line; PySide6 returns ``(x, position)`` here."""
    result: Any = line.cursorToX(position)
    return float(result[0] if isinstance(result, tuple) else result)


class _Margin(QWidget):
    """The strip left of the text: relation brackets and related-span markers."""

    def __init__(self, view: ArticleView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self) -> QSize:
        return QSize(MARGIN_WIDTH, 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._view._paint_margin(painter, event.rect())
        finally:
            painter.end()


class ArticleView(QPlainTextEdit):
    """Read-only article text with its spans, relations and selection tools.

    Signals:
        spanSelected(object): the selected span id, or None when cleared.
        selectionRangeChanged(object): the text selection as ``(start, end)`` in
            code points (snapped when :attr:`snap_words`), or None.
        spanHovered(object): the span id under the mouse, or None.
        zoomChanged(float): the new font size in points.
    """

    spanSelected = Signal(object)
    selectionRangeChanged = Signal(object)
    spanHovered = Signal(object)
    zoomChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._geometry: dict[int, tuple[list[tuple[int, int, float, float]],
                                        dict[tuple[int, int], float]]] = {}
        self._geometry_width = -1
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                     | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        font = QFont()
        font.setFamilies(list(READING_FONTS))
        font.setPointSizeF(DEFAULT_POINTS)
        font.setStyleHint(QFont.StyleHint.Serif)
        self.setFont(font)
        self._zoom_points = DEFAULT_POINTS
        self.document().setDocumentMargin(14)
        self.setCursorWidth(2)
        self._margin = _Margin(self)
        self.setViewportMargins(MARGIN_WIDTH, 0, 0, 0)

        self._text = ""
        self._map = Utf16Map("")
        self._schema: Schema | None = None
        self._index = SpanIndex([0], 0)
        self._layers: list[tuple[str, SpanIndex]] = []
        self._relations: dict[int, RelationView] = {}
        self._relations_by_span: dict[int, list[RelationView]] | None = {}
        self._entities: Mapping[int, EntityView] = {}
        self._colors: dict[str, tuple[QColor, QColor, QColor]] = {}
        self._dark = theme.is_dark(self.palette())
        self._selected_span_id: int | None = None
        self._related: dict[int, list[RelationView]] = {}
        self._hover_span_id: int | None = None
        self._snap_words = True
        self._exact_range: tuple[int, int] | None = None
        self._press_pos: QPoint | None = None
        self._last_click: tuple[int, float] | None = None
        self._pens: dict[tuple[str, bool], tuple[QPen, QPen]] = {}
        #: Block numbers whose marks the last paintEvent painted (for tests/benches).
        self.last_painted_blocks: list[int] = []
        #: Called after the marks with the painter and the blocks painted (the
        #: suggestions overlay, gui/proposals.py, draws its dashed outlines here).
        self.overlays: list[Callable[[QPainter, list[tuple[QTextBlock, QRectF]]], None]] = []

        # A long text is given to Qt a screen first; the rest of its paragraphs follow
        # at idle (the display text, and where the next piece starts in it).
        self._pending_text = ""
        self._pending_from = 0
        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(0)
        self._text_timer.timeout.connect(self._on_text_timer_timeout)
        self.document().setUndoRedoEnabled(False)  # read-only: no history of the appends

        self.selectionChanged.connect(self._on_text_selection_changed)
        self.updateRequest.connect(self._on_viewport_update_request)

    # ------------------------------------------------------------------ content

    @property
    def text(self) -> str:
        """The document text as shown (code points)."""
        return self._text

    def set_content(self, text: str, spans: Sequence[SpanView],
                    relations: Sequence[RelationView], schema: Schema,
                    entities: Mapping[int, EntityView] | None = None,
                    readonly_layers: Sequence[tuple[str, Sequence[SpanView]]] = (),
                    shown_first: int | None = None) -> None:
        """Shows a document with its spans and relations.

        Args:
            text: The stored text (code points; "\\n" between paragraphs).
            spans: The editable layer's spans.
            relations: Relations between those spans.
            schema: Gives label colours and names.
            entities: Actor registry entries by id, for tooltips.
            readonly_layers: ``(annotator name, spans)`` of other layers, shown
                with a dashed outline (none given: none shown).
            shown_first: Give Qt the text up to the end of the paragraph holding this
                offset first and the rest at idle (None: all of it now). Offsets stay
                those of the whole text; :meth:`finish_text` appends the rest at once.
        """
        self._text = text
        self._map = Utf16Map(text)
        self._schema = schema
        self._entities = entities or {}
        self._colors.clear()
        self._pens.clear()
        self._invalidate_geometry()
        self._selected_span_id = None
        self._related = {}
        self._hover_span_id = None
        self._last_click = None
        self._exact_range = None
        display = qt_display_text(text)
        self._text_timer.stop()
        self._pending_text, self._pending_from = "", 0
        cut = self._first_cut(shown_first)
        if cut is None:
            self.setPlainText(display)
            if self.document().blockCount() != len(self._map.block_starts):
                self._map.block_starts = self._qt_block_starts()
        else:
            self.setPlainText(display[:cut - 1])  # without the break: appends add it
            self._pending_text, self._pending_from = display, cut
            self._text_timer.start()
        starts, length = self._map.block_starts, len(text)
        self._index = SpanIndex(starts, length, spans)
        self._layers = [(name, SpanIndex(starts, length, layer)) for name, layer in
                        readonly_layers]
        self._set_relations(relations)
        self.viewport().update()
        self._margin.update()

    def _first_cut(self, shown_first: int | None) -> int | None:
        """Where the first piece of text ends: the start of the first paragraph after
        ``shown_first`` plus one chunk, or None when that is (nearly) the whole text."""
        if shown_first is None:
            return None
        starts = self._map.block_starts
        index = bisect_right(starts, shown_first)
        if index >= len(starts) or len(self._text) - starts[index] < TEXT_CHUNK:
            return None
        return starts[index]

    @property
    def text_complete(self) -> bool:
        """Whether Qt holds the whole text (a long text's rest is appended at idle)."""
        return not self._pending_text

    def finish_text(self) -> None:
        """Appends the rest of a text shown a screen first, now (for a jump far away)."""
        if self._pending_text:
            self._text_timer.stop()
            self._append_text(len(self._pending_text))

    def _on_text_timer_timeout(self) -> None:
        if self._pending_text:
            self._append_text(self._pending_from + TEXT_CHUNK)
            if self._pending_text:
                self._text_timer.start()

    def _append_text(self, until: int) -> None:
        """Appends the pending paragraphs up to the first break at or after ``until``."""
        display, start = self._pending_text, self._pending_from
        end = display.find("\n", until) if until < len(display) else -1
        end = len(display) if end < 0 else end
        piece = display[start - 1:end]  # from the break before it: a new block
        bar = self.verticalScrollBar()
        position = bar.value()
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(piece)
        bar.setValue(position)
        if end >= len(display):
            self._pending_text, self._pending_from = "", 0
            self._check_blocks()
        else:
            self._pending_from = end + 1

    def _check_blocks(self) -> None:
        """Qt breaks blocks where our map does (else the map and indexes follow Qt's)."""
        if self.document().blockCount() == len(self._map.block_starts):
            return
        self._map.block_starts = self._qt_block_starts()
        starts, length = self._map.block_starts, len(self._text)
        self._index = SpanIndex(starts, length, list(self._index))
        self._layers = [(name, SpanIndex(starts, length, list(index)))
                        for name, index in self._layers]
        self._invalidate_geometry()
        self.viewport().update()

    def layer_containers(self) -> list[Any]:
        """The mappings and lists the shown layer is held in (replaced, never changed, by
        the next :meth:`set_content`): what the window frees at idle after a switch."""
        index = self._index
        return [self._relations, self._relations_by_span or {}, index._spans, index._ordered,
                index._starts, index._reach]

    def update_spans(self, changes_spans_removed: Iterable[int],
                     changed_or_added: Iterable[SpanView],
                     relations: Sequence[RelationView] | None = None,
                     relations_removed: Iterable[int] = (),
                     relations_added: Iterable[RelationView] = ()) -> set[int]:
        """Applies an edit's result and repaints only the paragraphs it touched.

        Args:
            changes_spans_removed: Ids of spans that no longer exist.
            changed_or_added: New or changed spans as stored now.
            relations: All relations of the document's layer as stored now, or
                None to apply only the relation changes given next.
            relations_removed: Ids of relations that no longer exist.
            relations_added: New or changed relations as stored now.

        Returns:
            The block numbers scheduled for repaint (old and new extents, plus
            the blocks of spans whose relation highlight changed).
        """
        touched: set[int] = set()
        for span_id in changes_spans_removed:
            touched |= self._index.remove(span_id)
        for span in changed_or_added:
            touched |= self._index.add(span)
        old_group = self._group_blocks()
        old_related = {other: [r.id for r in found] for other, found in self._related.items()}
        if relations is not None:
            self._set_relations(relations)
        self._change_relations(relations_removed, relations_added)
        cleared = False
        if self._selected_span_id is not None and self._selected_span_id not in self._index:
            self._selected_span_id = None
            self._related = {}
            cleared = True
        elif self._selected_span_id is not None:
            self._related = self._related_of(self._selected_span_id)
        if self._hover_span_id is not None and self._hover_span_id not in self._index:
            self._hover_span_id = None
        new_group = self._group_blocks()
        new_related = {other: [r.id for r in found] for other, found in self._related.items()}
        if old_group != new_group or old_related != new_related or touched & new_group:
            # outlines and arcs of the selection's group changed (or moved with a span)
            self._repaint_group(old_group)
            self._repaint_group(new_group)
        self._repaint_blocks(touched)
        self._margin.update()
        if cleared:
            self.spanSelected.emit(None)
        return touched

    def add_loaded(self, spans: Iterable[SpanView], relations: Iterable[RelationView]) -> None:
        """Adds spans and relations read after the first screen (gui/layer_loading.py).

        Ids already shown are kept as they are (an edit stored them since); only the
        on-screen paragraphs the new spans reach are repainted.
        """
        touched: set[int] = set()
        for span in spans:
            if span.id not in self._index:
                touched |= self._index.add(span)
        fresh = [relation for relation in relations if relation.id not in self._relations]
        self._change_relations((), fresh)
        if (fresh or touched) and self._selected_span_id is not None:
            related = self._related_of(self._selected_span_id)
            if related.keys() != self._related.keys():
                self._related = related
                self._repaint_group(self._group_blocks())
        if touched:
            self._repaint_blocks(touched)
            self._margin.update()

    def span(self, span_id: int) -> SpanView | None:
        """The span with this id in the editable layer, or None."""
        return self._index.get(span_id)

    def spans_at(self, offset: int) -> list[SpanView]:
        """Spans of the editable layer covering the character at ``offset``, innermost first."""
        if not 0 <= offset < len(self._text):
            return []
        return self._index.spans_at(offset)

    def relations_of(self, span_id: int) -> list[RelationView]:
        """Relations with this span as source or target."""
        return list(self._relations_of.get(span_id, ()))

    # ---------------------------------------------------------------- selection

    @property
    def snap_words(self) -> bool:
        """When True, :meth:`selected_range` widens to whole words without punctuation."""
        return self._snap_words

    @snap_words.setter
    def snap_words(self, snap: bool) -> None:
        self._snap_words = snap
        self.selectionRangeChanged.emit(self.selected_range())

    def raw_selected_range(self) -> tuple[int, int] | None:
        """The text selection in code points exactly as made, or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self._map.to_code_points(cursor.selectionStart())
        end = self._map.to_code_points(cursor.selectionEnd(), round_up=True)
        return (start, min(end, len(self._text))) if start < end else None

    def selected_range(self) -> tuple[int, int] | None:
        """The text selection in code points, as a label key stores it.

        Snapped to words (:func:`text.selection.snap_to_words`) when
        :attr:`snap_words`, except a range the program selected exactly (the
        inside of quotation marks): that one is stored as highlighted.
        """
        raw = self.raw_selected_range()
        if raw is None or not self._snap_words or raw == self._exact_range:
            return raw
        return textsel.snap_to_words(self._text, *raw)

    def set_selected_range(self, start: int, end: int) -> None:
        """Selects ``[start, end)`` (code points) and shows it."""
        self.finish_text()
        start = max(0, min(start, len(self._text)))
        end = max(0, min(end, len(self._text)))
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_utf16(start))
        cursor.setPosition(self._map.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def _show_snapped_selection(self) -> None:
        """After a drag, highlights the range a label key will store (words completed)."""
        raw = self.raw_selected_range()
        snapped = self.selected_range()
        if raw is None or snapped is None or snapped == raw:
            return
        self.set_selected_range(*snapped)

    def cursor_offset(self) -> int:
        """The text cursor's position in code points."""
        return self._map.to_code_points(self.textCursor().position())

    def select_inside_quotes(self) -> tuple[int, int] | None:
        """Selects the text inside the quotation marks around the cursor.

        Returns:
            The selected range, or None (selection unchanged) when the cursor
            is not inside a quotation.
        """
        cursor = self.textCursor()
        start = self._map.to_code_points(cursor.selectionStart())
        end = self._map.to_code_points(cursor.selectionEnd(), round_up=True)
        found = textsel.inside_quotes(self._text, start, min(end, len(self._text)))
        if found is not None:
            self._exact_range = found  # what is highlighted is what a label key stores
            self.set_selected_range(*found)
        return found

    @property
    def selected_span_id(self) -> int | None:
        """The selected span's id, or None."""
        return self._selected_span_id

    def related_span_ids(self) -> list[int]:
        """Ids of the spans related to the selected span (both directions)."""
        return list(self._related)

    def select_span(self, span_id: int | None, scroll: bool = True) -> None:
        """Selects a span: thick outline, its related spans shown, scrolled into view.

        Emits ``spanSelected`` when the selection changes. An unknown id clears it.
        """
        if span_id is not None and span_id not in self._index:
            span_id = None
        if span_id == self._selected_span_id:
            if span_id is not None and scroll:
                self.scroll_to(self._index.get(span_id).start)  # type: ignore[union-attr]
            return
        old_group = self._group_blocks()
        self._selected_span_id = span_id
        self._related = self._related_of(span_id) if span_id is not None else {}
        self._repaint_group(old_group)
        self._repaint_group(self._group_blocks())
        self._margin.update()
        if span_id is not None and scroll:
            self.scroll_to(self._index.get(span_id).start)  # type: ignore[union-attr]
        self.spanSelected.emit(span_id)

    def cycle_at(self, offset: int, backwards: bool = False) -> int | None:
        """Selects the next span (innermost first) covering ``offset``; returns its id.

        Repeated calls walk through all overlapping spans there and wrap around.
        Returns None (selection unchanged) when no span covers ``offset``.
        """
        spans = self.spans_at(offset)
        if not spans:
            return None
        ids = [span.id for span in spans]
        if self._selected_span_id in ids:
            step = -1 if backwards else 1
            chosen = ids[(ids.index(self._selected_span_id) + step) % len(ids)]
        else:
            chosen = ids[-1] if backwards else ids[0]
        self.select_span(chosen, scroll=False)
        return chosen

    def scroll_to(self, offset: int) -> None:
        """Scrolls so that the character at ``offset`` is on screen (no cursor move)."""
        offset = max(0, min(offset, len(self._text)))
        if self._pending_text and offset >= self._pending_from - 1:
            self.finish_text()  # a jump past the text Qt holds so far
        block = self.document().findBlockByNumber(self._map.block_of(offset))
        if not block.isValid():
            return
        viewport_height = self.viewport().height()
        for _ in range(3):
            rect = self._char_rect(block, offset)
            if rect is not None and rect.top() >= 0 and rect.bottom() <= viewport_height:
                return
            layout = block.layout()
            line_in_block = 0
            if layout is not None and layout.lineCount():
                position = self._map.to_utf16(offset) - block.position()
                line = layout.lineForTextPosition(position)
                line_in_block = max(0, line.lineNumber()) if line.isValid() else 0
            lines_on_screen = max(1, int(viewport_height / max(1, self.fontMetrics().height())))
            target = block.firstLineNumber() + line_in_block - lines_on_screen // 3
            self.verticalScrollBar().setValue(max(0, target))

    # --------------------------------------------------------------------- zoom

    def range_viewport_rect(self, start: int, end: int) -> QRect:
        """Where ``[start, end)`` (code points) is drawn, in viewport coordinates.

        A range over several lines gives the full width of those lines.
        """
        if self._pending_text and end >= self._pending_from - 1:
            self.finish_text()
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_utf16(max(0, min(start, len(self._text)))))
        first = self.cursorRect(cursor)
        cursor.setPosition(self._map.to_utf16(max(0, min(end, len(self._text)))))
        last = self.cursorRect(cursor)
        if first.top() == last.top():
            return QRect(first.topLeft(), last.bottomRight()).normalized()
        return QRect(0, first.top(), self.viewport().width(), last.bottom() - first.top() + 1)

    @property
    def zoom(self) -> float:
        """The reading font size in points."""
        return self._zoom_points

    def set_zoom(self, points: float) -> None:
        """Sets the reading font size (clamped to 7..40 points)."""
        points = max(MIN_POINTS, min(MAX_POINTS, float(points)))
        if points == self._zoom_points:
            return
        self._zoom_points = points
        font = self.font()
        font.setPointSizeF(points)
        self.setFont(font)
        self._invalidate_geometry()
        self.zoomChanged.emit(points)

    def zoom_in(self) -> None:
        """One point larger."""
        self.set_zoom(self._zoom_points + 1)

    def zoom_out(self) -> None:
        """One point smaller."""
        self.set_zoom(self._zoom_points - 1)

    def reset_zoom(self) -> None:
        """Back to the default reading size."""
        self.set_zoom(DEFAULT_POINTS)

    def reading_font_family(self) -> str:
        """The font family actually used for the text."""
        return QFontInfo(self.font()).family()

    # ------------------------------------------------------------------ helpers

    def _qt_block_starts(self) -> list[int]:
        starts = []
        block = self.document().begin()
        while block.isValid():
            starts.append(self._map.to_code_points(block.position()))
            block = block.next()
        return starts or [0]

    def _set_relations(self, relations: Sequence[RelationView]) -> None:
        """Keeps the relations and their by-span map (built now, with the document,
        rather than on the first click)."""
        self._relations = {relation.id: relation for relation in relations}
        self._relations_by_span = None
        _ = self._relations_of

    def _change_relations(self, removed: Iterable[int], added: Iterable[RelationView]) -> None:
        """Applies relation changes to the relations and, once built, the by-span map."""
        by_span = self._relations_by_span
        for relation_id in removed:
            relation = self._relations.pop(relation_id, None)
            if relation is not None and by_span is not None:
                for span_id in {relation.source_id, relation.target_id}:
                    kept = [r for r in by_span.get(span_id, ()) if r.id != relation_id]
                    if kept:
                        by_span[span_id] = kept
                    else:
                        by_span.pop(span_id, None)
        for relation in added:
            if relation.id in self._relations:
                self._change_relations([relation.id], ())
            self._relations[relation.id] = relation
            if by_span is not None:
                for span_id in {relation.source_id, relation.target_id}:
                    by_span.setdefault(span_id, []).append(relation)

    @property
    def _relations_of(self) -> dict[int, list[RelationView]]:
        if self._relations_by_span is None:
            relations_of: dict[int, list[RelationView]] = {}
            for relation in self._relations.values():
                relations_of.setdefault(relation.source_id, []).append(relation)
                if relation.target_id != relation.source_id:
                    relations_of.setdefault(relation.target_id, []).append(relation)
            self._relations_by_span = relations_of
        return self._relations_by_span

    def _related_of(self, span_id: int) -> dict[int, list[RelationView]]:
        related: dict[int, list[RelationView]] = {}
        for relation in self._relations_of.get(span_id, ()):
            other = relation.target_id if relation.source_id == span_id else relation.source_id
            if other in self._index and other != span_id:
                related.setdefault(other, []).append(relation)
        return related

    def _group_blocks(self) -> set[int]:
        """Blocks of the selected span and its related spans."""
        blocks: set[int] = set()
        for span_id in (self._selected_span_id, *self._related):
            span = self._index.get(span_id) if span_id is not None else None
            if span is not None:
                blocks.update(self._index.blocks_of(span))
        return blocks

    def _colors_of(self, label: str) -> tuple[QColor, QColor, QColor]:
        """(tint, mark colour, hover tint) of a label in the current theme."""
        cached = self._colors.get(label)
        if cached is None:
            label_def = self._schema.label(label) if self._schema is not None else None
            base = label_def.color if label_def is not None else UNKNOWN_COLOR
            page = self.palette().color(QPalette.ColorRole.Base)
            ink = self.palette().color(QPalette.ColorRole.Text)
            cached = (theme.tint(base, self._dark, base=page, text=ink),
                      theme.mark_color(base, self._dark),
                      theme.tint(base, self._dark, strength=1.8, base=page, text=ink))
            self._colors[label] = cached
        return cached

    def _pens_of(self, label: str, selected: bool) -> tuple[QPen, QPen]:
        """(solid underline pen, dotted gap pen) of a label."""
        pens = self._pens.get((label, selected))
        if pens is None:
            _, mark, _ = self._colors_of(label)
            solid = QPen(mark, 3.0 if selected else 2.0)
            solid.setCapStyle(Qt.PenCapStyle.FlatCap)
            pens = (solid, QPen(mark, 1.5, Qt.PenStyle.DotLine))
            self._pens[label, selected] = pens
        return pens

    def _visible_blocks(self) -> list[tuple[QTextBlock, QRectF]]:
        """The blocks on screen with their rectangles in viewport coordinates."""
        found: list[tuple[QTextBlock, QRectF]] = []
        block = self.firstVisibleBlock()
        if not block.isValid():
            return found
        offset = self.contentOffset()
        top = self.blockBoundingGeometry(block).translated(offset).top()
        bottom_limit = self.viewport().height()
        while block.isValid() and top <= bottom_limit:
            rect = self.blockBoundingRect(block)
            rect = QRectF(offset.x(), top, rect.width(), rect.height())
            if block.isVisible():
                found.append((block, rect))
            top += rect.height()
            block = block.next()
        return found

    def _block_rect(self, block_number: int) -> QRectF | None:
        for block, rect in self._visible_blocks():
            if block.blockNumber() == block_number:
                return rect
        return None

    def _repaint_blocks(self, blocks: set[int]) -> None:
        """Schedules a repaint of the on-screen parts of these blocks only."""
        if not blocks:
            return
        width = self.viewport().width()
        for block, rect in self._visible_blocks():
            if block.blockNumber() in blocks:
                self.viewport().update(QRect(0, int(rect.top()), width,
                                             round(rect.height())))

    def _repaint_group(self, blocks: set[int]) -> None:
        """Repaints a relation group's blocks, everything between them and the line above
        the first: its arcs rise above the spans' lines and cross the paragraphs between."""
        rects = [rect for block, rect in self._visible_blocks() if block.blockNumber() in blocks]
        if not rects:
            return
        top = min(rect.top() for rect in rects) - self.fontMetrics().height() - 2
        bottom = max(rect.bottom() for rect in rects) + 2
        self.viewport().update(QRect(0, int(top), self.viewport().width(),
                                     int(bottom - top) + 1))

    def _line_table(self, block: QTextBlock) -> tuple[list[tuple[int, int, float, float]],
                                                      dict[tuple[int, int], float]]:
        """The block's visual lines ``(start, end, y, height)`` (UTF-16 units within the
        block) and its cache of x positions by ``(line, position)``.

        Kept until the layout changes (new content, resize, zoom, font), so a
        repaint after scrolling or an edit asks Qt for no x position twice.
        A block Qt has not laid out yet is not cached.
        """
        width = self.viewport().width()
        if width != self._geometry_width:
            self._geometry.clear()
            self._geometry_width = width
        number = block.blockNumber()
        cached = self._geometry.get(number)
        if cached is not None and len(cached[0]) != block.layout().lineCount():
            cached = None
        if cached is None:
            layout = block.layout()
            lines = []
            for line_number in range(layout.lineCount() if layout is not None else 0):
                line = layout.lineAt(line_number)
                line_start = line.textStart()
                lines.append((line_start, line_start + line.textLength(), line.y(),
                              line.height()))
            cached = (lines, {})
            if lines:
                self._geometry[number] = cached
        return cached

    def _invalidate_geometry(self) -> None:
        self._geometry.clear()

    def _range_rects(self, block: QTextBlock, block_rect: QRectF, start: int,
                     end: int) -> list[QRectF]:
        """Rectangles (one per visual line) of the code point range within a block."""
        if start >= end:
            return []
        lines, x_cache = self._line_table(block)
        block_position = block.position()
        start16 = self._map.to_utf16(start) - block_position
        end16 = self._map.to_utf16(end) - block_position
        rects = []
        layout = None
        for line_number, (line_start, line_end, line_y, line_height) in enumerate(lines):
            if line_start > end16:
                break
            left, right = max(start16, line_start), min(end16, line_end)
            if left >= right:
                continue
            x_left = x_cache.get((line_number, left))
            x_right = x_cache.get((line_number, right))
            if x_left is None or x_right is None:
                layout = layout or block.layout()
                line = layout.lineAt(line_number)
                if x_left is None:
                    x_left = x_cache[line_number, left] = _cursor_x(line, left)
                if x_right is None:
                    x_right = x_cache[line_number, right] = _cursor_x(line, right)
            rects.append(QRectF(block_rect.left() + min(x_left, x_right),
                                block_rect.top() + line_y, abs(x_right - x_left), line_height))
        return rects

    def _char_rect(self, block: QTextBlock, offset: int) -> QRectF | None:
        for visible, rect in self._visible_blocks():
            if visible.blockNumber() == block.blockNumber():
                rects = self._range_rects(block, rect, offset, offset + 1)
                if rects:
                    return rects[0]
                return rect
        return None

    def _offset_at(self, point: QPoint | QPointF) -> int | None:
        """The code point offset of the character under a viewport point, or None."""
        point = QPointF(point)
        for block, rect in self._visible_blocks():
            if not rect.top() <= point.y() < rect.bottom():
                continue
            layout = block.layout()
            for line_number in range(layout.lineCount()):
                line = layout.lineAt(line_number)
                top = rect.top() + line.y()
                if not top <= point.y() < top + line.height():
                    continue
                x = point.x() - rect.left()
                if x < line.x() or x > line.x() + line.naturalTextWidth():
                    return None
                position = line.xToCursor(x, line.CursorPosition.CursorOnCharacter)
                if position >= min(line.textStart() + line.textLength(), len(block.text())):
                    return None
                offset = self._map.to_code_points(block.position() + position)
                return offset if offset < len(self._text) else None
            return None
        return None

    def _tooltip_html(self, offset: int) -> str | None:
        rows: list[str] = []
        for span in self.spans_at(offset):
            rows.append(self._span_html(span, None))
        for name, index in self._layers:
            for span in index.spans_at(offset):
                rows.append(self._span_html(span, name))
        return "<hr>".join(rows) if rows else None

    def _covered(self, span: SpanView, limit: int = 60) -> str:
        text = " … ".join(self._text[start:end] for start, end in span.fragments)
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def _span_html(self, span: SpanView, layer: str | None) -> str:
        _, mark, _ = self._colors_of(span.label)
        head = (f"<b style='color:{mark.name()}'>■</b> <b>{html.escape(span.label)}</b>"
                f" <span style='color:gray'>#{span.id}</span>")
        if layer is not None:
            head += f" <i>({html.escape(layer)}, read-only)</i>"
        lines = [head, f"“{html.escape(self._covered(span))}”"]
        for name, value in sorted(span.attributes.items()):
            lines.append(f"{html.escape(str(name))}: <b>{html.escape(str(value))}</b>")
        if span.entity_id is not None:
            entity = self._entities.get(span.entity_id)
            name = entity.name if entity is not None else f"entity #{span.entity_id}"
            lines.append(f"actor: <b>{html.escape(name)}</b>")
        if layer is None:
            for relation in self._relations_of.get(span.id, ()):
                if relation.source_id == span.id:
                    other, arrow = self._index.get(relation.target_id), "→"
                else:
                    other, arrow = self._index.get(relation.source_id), "←"
                if other is not None:
                    lines.append(f"{html.escape(relation.type)} {arrow} {html.escape(other.label)}"
                                 f" “{html.escape(self._covered(other, 30))}”")
        return "<br>".join(lines)

    def _set_hover(self, span_id: int | None) -> None:
        if span_id == self._hover_span_id:
            return
        blocks: set[int] = set()
        for old_or_new in (self._hover_span_id, span_id):
            span = self._index.get(old_or_new) if old_or_new is not None else None
            if span is not None:
                blocks.update(self._index.blocks_of(span))
        self._hover_span_id = span_id
        self._repaint_blocks(blocks)
        self.spanHovered.emit(span_id)

    # ----------------------------------------------------------------- painting

    def _paint_backgrounds(self, painter: QPainter, blocks: list[tuple[QTextBlock, QRectF]]
                           ) -> None:
        for block, rect in blocks:
            number = block.blockNumber()
            for start, end, span_id in self._index.segments(number):
                span = self._index.get(span_id)
                assert span is not None
                tint, _, hover = self._colors_of(span.label)
                color = hover if span_id == self._hover_span_id else tint
                for fragment_rect in self._range_rects(block, rect, start, end):
                    painter.fillRect(fragment_rect, color)

    def _paint_marks(self, painter: QPainter, blocks: list[tuple[QTextBlock, QRectF]]) -> None:
        selected = self._selected_span_id
        for block, rect in blocks:
            number = block.blockNumber()
            block_start, block_end = self._index.block_range(number)
            lanes = self._index.lanes(number)
            for span in self._index.in_block(number):
                _, mark, _ = self._colors_of(span.label)
                lane = lanes.get(span.id, 0)
                is_selected = span.id == selected
                solid, dotted = self._pens_of(span.label, is_selected)
                pieces: list[tuple[int, int, bool]] = []
                previous_end: int | None = None
                for start, end in span.fragments:
                    if previous_end is not None and previous_end < start:
                        pieces.append((previous_end, start, False))
                    pieces.append((start, end, True))
                    previous_end = end
                fragment_rects: list[QRectF] = []
                for start, end, is_fragment in pieces:
                    start, end = max(start, block_start), min(end, block_end)
                    if start >= end:
                        continue
                    painter.setPen(solid if is_fragment else dotted)
                    for line_rect in self._range_rects(block, rect, start, end):
                        y = line_rect.bottom() - 1.5 - LANE_STEP * lane
                        painter.drawLine(QPointF(line_rect.left(), y),
                                         QPointF(line_rect.right(), y))
                        if is_fragment:
                            fragment_rects.append(line_rect)
                if is_selected or span.id in self._related:
                    pen = QPen(mark, 2.4 if is_selected else 1.3)
                    painter.setPen(pen)
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    for line_rect in fragment_rects:
                        painter.drawRoundedRect(line_rect.adjusted(-1.5, -0.5, 1.5, 0.5), 3, 3)
            for _, index in self._layers:
                for span in index.in_block(number):
                    _, mark, _ = self._colors_of(span.label)
                    pen = QPen(mark, 1.2, Qt.PenStyle.DashLine)
                    painter.setPen(pen)
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    for start, end in span.fragments:
                        start, end = max(start, block_start), min(end, block_end)
                        for line_rect in self._range_rects(block, rect, start, end):
                            painter.drawRect(line_rect.adjusted(0.5, 1.5, -0.5, -0.5))

    def _group_rects(self, blocks: list[tuple[QTextBlock, QRectF]]) -> dict[int, list[QRectF]]:
        """On-screen fragment rectangles of the selected span and its related spans."""
        rects: dict[int, list[QRectF]] = {}
        if self._selected_span_id is None:
            return rects
        by_number = {block.blockNumber(): (block, rect) for block, rect in blocks}
        for span_id in (self._selected_span_id, *self._related):
            span = self._index.get(span_id)
            if span is None:
                continue
            for number in self._index.blocks_of(span):
                if number not in by_number:
                    continue
                block, rect = by_number[number]
                for start, end in span.fragments:
                    rects.setdefault(span_id, []).extend(
                        self._range_rects(block, rect, start, end))
        return rects

    def _arc_shapes(self, blocks: list[tuple[QTextBlock, QRectF]]
                    ) -> list[tuple[QPainterPath, QPolygonF]]:
        """The arcs (path, arrowhead) between the selected span and related spans on screen."""
        shapes: list[tuple[QPainterPath, QPolygonF]] = []
        if self._selected_span_id is None or not self._related:
            return shapes
        rects = self._group_rects(blocks)
        if self._selected_span_id not in rects:
            return shapes
        for other_id, relations in self._related.items():
            if other_id not in rects:
                continue
            for relation in relations:
                source = rects.get(relation.source_id)
                target = rects.get(relation.target_id)
                if not source or not target:
                    continue
                start = QPointF(source[0].center().x(), source[0].top())
                end = QPointF(target[0].center().x(), target[0].top())
                # A low arc: it crosses at most the lower part of the line above.
                lift = min(source[0].height() * 0.9, 6.0 + abs(end.x() - start.x()) * 0.05)
                control = QPointF((start.x() + end.x()) / 2, min(start.y(), end.y()) - lift)
                path = QPainterPath(start)
                path.quadTo(control, end)
                direction = end - control
                length = max(1e-6, (direction.x() ** 2 + direction.y() ** 2) ** 0.5)
                unit = QPointF(direction.x() / length, direction.y() / length)
                normal = QPointF(-unit.y(), unit.x())
                head = QPolygonF([end, end - unit * 7 + normal * 3.5,
                                  end - unit * 7 - normal * 3.5])
                shapes.append((path, head))
        return shapes

    def arc_rects(self) -> list[QRect]:
        """Viewport rectangles of the relation arcs on screen now (what a repaint must cover)."""
        return [path.boundingRect().united(head.boundingRect()).toAlignedRect()
                for path, head in self._arc_shapes(self._visible_blocks())]

    def _paint_relation_arcs(self, painter: QPainter,
                             blocks: list[tuple[QTextBlock, QRectF]]) -> None:
        """Arcs with arrowheads between the selected span and related spans on screen."""
        shapes = self._arc_shapes(blocks)
        if not shapes:
            return
        colors = theme.current_theme(self.palette())
        color = QColor(colors.relation)
        color.setAlpha(190)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for path, head in shapes:
            painter.setPen(QPen(color, 1.4))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
            painter.setBrush(color)
            painter.drawPolygon(head)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    def _paint_margin(self, painter: QPainter, event_rect: QRect) -> None:
        """The left strip: markers for the selected/related spans, relation brackets."""
        colors = theme.current_theme(self.palette())
        painter.fillRect(event_rect, QColor(colors.margin))
        if self._selected_span_id is None:
            return
        blocks = self._visible_blocks()
        if not blocks:
            return
        first_visible = blocks[0][0].blockNumber()
        last_visible = blocks[-1][0].blockNumber()
        rects = self._group_rects(blocks)
        height = self._margin.height()
        top_offset = self.viewport().y() - self._margin.y()

        def vertical(span_id: int) -> tuple[float, bool]:
            """Y of the span's middle in margin coordinates; False when off screen."""
            if span_id in rects:
                span_rects = rects[span_id]
                y = (span_rects[0].top() + span_rects[-1].bottom()) / 2 + top_offset
                return y, True
            span = self._index.get(span_id)
            above = span is not None and self._index.block_of(span.start) < first_visible
            below = span is not None and self._index.block_of(span.start) > last_visible
            if above:
                return 4.0, False
            if below or span is None:
                return height - 4.0, False
            return (4.0, False)

        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        selected_y, selected_shown = vertical(self._selected_span_id)
        relation_color = QColor(colors.relation)
        for lane, other_id in enumerate(self._related):
            other_y, other_shown = vertical(other_id)
            other = self._index.get(other_id)
            _, mark, _ = self._colors_of(other.label if other else "")
            x = MARGIN_WIDTH - 12 - 5 * (lane % 4)
            painter.setPen(QPen(relation_color, 1.3))
            painter.drawLine(QPointF(x, selected_y), QPointF(x, other_y))
            for y, shown in ((selected_y, selected_shown), (other_y, other_shown)):
                if shown:
                    painter.drawLine(QPointF(x, y), QPointF(MARGIN_WIDTH - 2, y))
                else:
                    pointing = -1 if y < height / 2 else 1
                    tip = QPointF(x, y + 3 * pointing)
                    painter.setBrush(relation_color)
                    painter.drawPolygon(QPolygonF([tip, QPointF(x - 3.5, y - 3 * pointing),
                                                   QPointF(x + 3.5, y - 3 * pointing)]))
            if other_shown:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(mark)
                painter.drawEllipse(QPointF(MARGIN_WIDTH - 6, other_y), 3.5, 3.5)
        if selected_shown:
            selected = self._index.get(self._selected_span_id)
            _, mark, _ = self._colors_of(selected.label if selected else "")
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(mark)
            span_rects = rects[self._selected_span_id]
            top = span_rects[0].top() + top_offset
            bottom = span_rects[-1].bottom() + top_offset
            painter.drawRoundedRect(QRectF(MARGIN_WIDTH - 8, top, 4, max(4.0, bottom - top)),
                                    2, 2)

    # ----------------------------------------------------------------- handlers

    def _on_text_selection_changed(self) -> None:
        self.selectionRangeChanged.emit(self.selected_range())

    def _on_viewport_update_request(self, rect: QRect, dy: int) -> None:
        if dy:
            self._margin.update()
        else:
            self._margin.update(0, rect.y(), MARGIN_WIDTH, rect.height())

    # ------------------------------------------------------------- Qt overrides

    def paintEvent(self, event: QPaintEvent) -> None:
        region = event.region()
        blocks = [(block, rect) for block, rect in self._visible_blocks()
                  if region.intersects(rect.toAlignedRect())]
        self.last_painted_blocks = [block.blockNumber() for block, _ in blocks]
        painter = QPainter(self.viewport())
        try:
            painter.setClipRegion(region)
            self._paint_backgrounds(painter, blocks)
        finally:
            painter.end()
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        try:
            painter.setClipRegion(region)
            self._paint_marks(painter, blocks)
            for overlay in self.overlays:
                overlay(painter, blocks)
            if self._selected_span_id is not None:
                self._paint_relation_arcs(painter, self._visible_blocks())
        finally:
            painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._invalidate_geometry()
        super().resizeEvent(event)
        contents = self.contentsRect()
        self._margin.setGeometry(QRect(contents.left(), contents.top(), MARGIN_WIDTH,
                                       contents.height()))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self._invalidate_geometry()
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._dark = theme.is_dark(self.palette())
            self._colors.clear()
            self._pens.clear()
            self.viewport().update()
            self._margin.update()
        super().changeEvent(event)

    @_guarded
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
            if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and (
                    modifiers == Qt.KeyboardModifier.NoModifier):
                offset = self.cursor_offset()
                backwards = event.key() == Qt.Key.Key_Backtab
                if self.cycle_at(offset, backwards) is None and offset > 0:
                    self.cycle_at(offset - 1, backwards)
                return True
        return super().event(event)

    @_guarded
    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            position = event.pos()  # type: ignore[attr-defined]
            offset = self._offset_at(position)
            tip = self._tooltip_html(offset) if offset is not None else None
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport())  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    @_guarded
    def keyPressEvent(self, event: QKeyEvent) -> None:
        control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if event.matches(QKeySequence.StandardKey.ZoomIn) or (
                control and event.key() in (Qt.Key.Key_Plus, Qt.Key.Key_Equal)):
            self.zoom_in()
            return
        if event.matches(QKeySequence.StandardKey.ZoomOut) or (
                control and event.key() == Qt.Key.Key_Minus):
            self.zoom_out()
            return
        if control and event.key() == Qt.Key.Key_0:
            self.reset_zoom()
            return
        if event.key() == Qt.Key.Key_Escape and self._selected_span_id is not None:
            self.select_span(None)
            return
        if self._pending_text and (event.matches(QKeySequence.StandardKey.MoveToEndOfDocument)
                                   or event.matches(
                                       QKeySequence.StandardKey.SelectEndOfDocument)):
            self.finish_text()  # the end of the text, not of what Qt holds so far
        super().keyPressEvent(event)

    @_guarded
    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            delta = event.angleDelta().y()
            if delta > 0:
                self.zoom_in()
            elif delta < 0:
                self.zoom_out()
            event.accept()
            return
        super().wheelEvent(event)

    @_guarded
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    @_guarded
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if event.buttons() == Qt.MouseButton.NoButton:
            offset = self._offset_at(event.position())
            spans = self.spans_at(offset) if offset is not None else []
            self._set_hover(spans[0].id if spans else None)

    @_guarded
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self._press_pos is None:
            return
        position = event.position().toPoint()
        moved = (position - self._press_pos).manhattanLength()
        self._press_pos = None
        if moved > CLICK_SLOP or self.textCursor().hasSelection():
            self._show_snapped_selection()
            return
        offset = self._offset_at(position)
        spans = self.spans_at(offset) if offset is not None else []
        if offset is None or not spans:
            self._last_click = None
            self.select_span(None, scroll=False)
            return
        ids = [span.id for span in spans]
        again = self._last_click is not None and self._last_click[0] == offset
        if again and self._selected_span_id in ids:
            self.cycle_at(offset)
        else:
            self.select_span(ids[0], scroll=False)
        self._last_click = (offset, time.monotonic())

    @_guarded
    def leaveEvent(self, event: QEvent) -> None:
        self._set_hover(None)
        super().leaveEvent(event)
