"""The article view, driven like a user: mouse and keys, spans, relations, zoom."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QHelpEvent,
    QImage,
    QPalette,
    QTextCursor,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from gui import theme
from gui import unicode as unicode_module
from gui.span_index import SpanIndex
from gui.text_view import MARGIN_WIDTH, ArticleView
from gui.unicode import Utf16Map, qt_display_text
from storage.edits import AddSpan, DeleteSpan
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, RelationRecord, SpanRecord
from storage.schema import default_schema
from storage.views import SpanView

UNICODE_TEXT = (
    "Zoe\u0301 Ha\u0308rtel 😀 and 外交部 🇩🇪 met.\n\n"
    "“We stay 🕊 here,” Minister Ilse Varga said, “and we wait.”"
)


@pytest.fixture
def view(qtbot: QtBot) -> Iterator[ArticleView]:
    widget = ArticleView()
    qtbot.addWidget(widget)
    widget.resize(720, 420)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


def load(view: ArticleView, project: Project, external_id: str,
         annotator: str | None = "alice") -> int:
    document = project.document_by_external_id(external_id)
    view.set_content(document.text, project.spans(document.id, annotator),
                     project.relations(document.id, annotator), project.schema,
                     {entity.id: entity for entity in project.entities()})
    QApplication.processEvents()
    return document.id


def import_text(project: Project, text: str, external_id: str,
                spans: list[SpanRecord] | None = None,
                relations: list[RelationRecord] | None = None) -> None:
    annotations = [AnnotationSetRecord("alice", "in_progress", spans or [], relations or [])]
    project.import_records([DocumentRecord(text=text, title=external_id, external_id=external_id,
                                           annotations=annotations)], f"{external_id}.jsonl")


def point_of(view: ArticleView, offset: int) -> QPoint:
    """The viewport point of the cursor position before code point ``offset``."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(Utf16Map(view.text).to_utf16(offset))
    return view.cursorRect(cursor).center()


def point_inside(view: ArticleView, offset: int) -> QPoint:
    """A viewport point in the middle of the character at ``offset``."""
    left, right = point_of(view, offset), point_of(view, offset + 1)
    return QPoint((left.x() + right.x()) // 2, left.y())


def drag(qtbot: QtBot, view: ArticleView, start: int, end: int) -> None:
    viewport = view.viewport()
    begin, finish = point_of(view, start), point_of(view, end)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=begin)
    qtbot.mouseMove(viewport, pos=QPoint((begin.x() + finish.x()) // 2, finish.y()))
    qtbot.mouseMove(viewport, pos=finish)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=finish)


def click(qtbot: QtBot, view: ArticleView, offset: int) -> None:
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_inside(view, offset))
    # Wait out the double-click interval so the next click is a click again.
    qtbot.wait(QGuiApplication.styleHints().mouseDoubleClickInterval() + 20)


def pixel(view: ArticleView, point: QPoint) -> QColor:
    return view.viewport().grab().toImage().pixelColor(point)


# ------------------------------------------------------------------ UTF-16 map

astral_text = st.lists(st.sampled_from(
    [*"ab \n,é", "e\u0301", "😀", "🇩🇪", "外", "\U00020000", "\u2028", "\U0010ffff"]),
    max_size=40).map("".join)


@given(astral_text)
def test_utf16_map_round_trip(text: str) -> None:
    offsets = Utf16Map(text)
    assert offsets.length16 == len(text.encode("utf-16-le")) // 2
    for index in range(len(text) + 1):
        position = offsets.to_utf16(index)
        assert position == len(text[:index].encode("utf-16-le")) // 2
        assert offsets.to_code_points(position) == index


def test_utf16_map_inside_a_surrogate_pair_rounds_down_or_up() -> None:
    offsets = Utf16Map("a😀b")
    assert offsets.to_code_points(2) == 1
    assert offsets.to_code_points(2, round_up=True) == 2
    assert offsets.to_code_points(3) == 2


def test_utf16_map_blocks_match_qt(qapp: QApplication) -> None:
    from PySide6.QtGui import QTextDocument

    text = "one 😀\ntwo\u2028still two\r\nthree\rfour\u2029five\n"
    offsets = Utf16Map(text)
    document = QTextDocument()
    document.setPlainText(qt_display_text(text))
    assert document.characterCount() - 1 == offsets.length16
    block = document.begin()
    starts = []
    while block.isValid():
        starts.append(offsets.to_code_points(block.position()))
        block = block.next()
    assert starts == offsets.block_starts
    assert text[offsets.block_starts[2]:].startswith("three")
    assert offsets.block_of(text.index("still")) == 1


# ----------------------------------------------------------------- span index


def span_view(span_id: int, fragments: list[tuple[int, int]], label: str = "Actor") -> SpanView:
    return SpanView(span_id, f"T{span_id}", 1, 1, label, tuple(fragments), {}, None, 1)


# Disjoint, sorted fragments (what the storage API guarantees): cut points taken in pairs.
fragment_lists = st.lists(st.integers(0, 120), min_size=2, max_size=6, unique=True).map(
    lambda cuts: [(a, b) for a, b in zip(sorted(cuts)[::2], sorted(cuts)[1::2], strict=False)])


@given(st.lists(fragment_lists, max_size=25), st.data())
def test_span_index_built_at_once_equals_built_by_edits(
        fragments: list[list[tuple[int, int]]], data: st.DataObject) -> None:
    block_starts = [0, 20, 21, 50, 90]  # paragraphs of a 120-character text
    spans = [span_view(number, pieces) for number, pieces in enumerate(fragments)]
    built = SpanIndex(block_starts, 120, spans)
    edited = SpanIndex(block_starts, 120)
    for span in data.draw(st.permutations(spans)):
        edited.add(span)
    removed = data.draw(st.lists(st.sampled_from(spans), unique_by=lambda s: s.id)
                        if spans else st.just([]))
    for span in removed:
        assert built.remove(span.id) == set(built.blocks_of(span))
        edited.remove(span.id)
    kept = [span for span in spans if span not in removed]
    bounds = [*block_starts, 120]
    for block in range(len(block_starts)):
        # A span belongs to every paragraph its extent touches, separator included.
        expected = sorted((span for span in kept
                           if span.start < bounds[block + 1] and span.end > bounds[block]),
                          key=lambda span: (span.start, -span.end, span.id))
        assert [span.id for span in built.in_block(block)] == [span.id for span in expected]
        assert built.in_block(block) == edited.in_block(block)
        assert built.lanes(block) == edited.lanes(block)
    for offset in range(120):
        covering = {span.id for span in kept
                    if any(start <= offset < end for start, end in span.fragments)}
        assert {span.id for span in built.spans_at(offset)} == covering


def test_span_index_lanes_and_innermost_segments() -> None:
    outer = span_view(1, [(0, 40)], "Quote")
    inner = span_view(2, [(5, 10)])
    overlapping = span_view(3, [(30, 50)], "Condition")
    index = SpanIndex([0], 60, [outer, inner, overlapping])
    assert index.lanes(0) == {1: 0, 2: 1, 3: 1}
    assert index.segments(0) == [(0, 5, 1), (5, 10, 2), (10, 30, 1), (30, 50, 3)]
    assert [span.id for span in index.spans_at(7)] == [2, 1]


# --------------------------------------------------------------- selection


def test_mouse_selection_is_reported_in_code_points(qtbot: QtBot, view: ArticleView,
                                                    project: Project) -> None:
    import_text(project, UNICODE_TEXT, "unicode")
    load(view, project, "unicode")
    start = UNICODE_TEXT.index("Minister")
    end = UNICODE_TEXT.index(" said")
    view.snap_words = False
    with qtbot.waitSignal(view.selectionRangeChanged):
        drag(qtbot, view, start, end)
    assert view.selected_range() == (start, end)
    assert UNICODE_TEXT[slice(*view.selected_range())] == "Minister Ilse Varga"


def test_mouse_selection_after_emoji_and_combining_marks(qtbot: QtBot, view: ArticleView,
                                                         project: Project) -> None:
    import_text(project, UNICODE_TEXT, "unicode")
    load(view, project, "unicode")
    start = UNICODE_TEXT.index("外交部")
    end = UNICODE_TEXT.index(" met")
    view.snap_words = False
    drag(qtbot, view, start, end)
    assert UNICODE_TEXT[slice(*view.selected_range())] == "外交部 🇩🇪"
    view.snap_words = True
    assert UNICODE_TEXT[slice(*view.selected_range())] == "外交部"


def test_a_drag_shows_the_snapped_range_a_label_key_stores(
        qtbot: QtBot, view: ArticleView, project: Project) -> None:
    import_text(project, UNICODE_TEXT, "unicode")
    load(view, project, "unicode")
    start = UNICODE_TEXT.index("“We") - 1
    end = UNICODE_TEXT.index("here") + 2  # cuts "here"
    drag(qtbot, view, start, end)
    # dragged over "\n“We stay 🕊 he": the highlight drops the break and the mark and
    # completes the cut word, and that is what a label key stores
    assert UNICODE_TEXT[slice(*view.raw_selected_range())] == "We stay 🕊 here"
    assert UNICODE_TEXT[slice(*view.selected_range())] == "We stay 🕊 here"


def test_keyboard_selection_counts_code_points(qtbot: QtBot, view: ArticleView,
                                               project: Project) -> None:
    import_text(project, UNICODE_TEXT, "unicode")
    load(view, project, "unicode")
    view.snap_words = False
    start = UNICODE_TEXT.index("😀")
    view.set_selected_range(start, start)
    view.setFocus()
    for _ in range(6):  # 😀, space, a, n, d, space
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_range() == (start, start + 6)
    assert UNICODE_TEXT[slice(*view.selected_range())] == "😀 and "
    # The combining mark moves with its letter: one key press, two code points.
    view.set_selected_range(0, 0)
    for _ in range(4):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_range() == (0, 5)
    assert UNICODE_TEXT[:5] == "Zoe\u0301 "


def test_set_selected_range_round_trips(view: ArticleView, project: Project) -> None:
    import_text(project, UNICODE_TEXT, "unicode")
    load(view, project, "unicode")
    view.snap_words = False
    start, end = UNICODE_TEXT.index("🕊"), UNICODE_TEXT.index(" Minister")
    view.set_selected_range(start, end)
    assert view.selected_range() == (start, end)
    assert view.textCursor().selectedText() == "🕊 here,”"


def test_select_inside_quotes(view: ArticleView, small_project: Project) -> None:
    load(view, small_project, "varnay-warns")
    text = view.text
    view.snap_words = False
    view.set_selected_range(text.index("will"), text.index("will"))
    found = view.select_inside_quotes()
    assert found is not None and text[slice(*found)] == "We will not yield,"
    assert view.selected_range() == found
    view.set_selected_range(text.index("Aldric"), text.index("Aldric"))
    assert view.select_inside_quotes() is None


# ----------------------------------------------------------- spans and clicks


def nested_project(project: Project) -> int:
    from helpers import small_record

    project.import_records([small_record()], "small.jsonl")
    document = project.document_by_external_id("varnay-warns")
    start = document.text.index("our answer")
    project.add_span(document.id, "alice", "Actor", [(start, start + 3)], {"kind": "group"})
    return document.id


def test_click_selects_the_innermost_span_and_repeated_clicks_cycle(
        qtbot: QtBot, view: ArticleView, project: Project) -> None:
    nested_project(project)
    load(view, project, "varnay-warns")
    text = view.text
    offset = text.index("our answer") + 1
    labels = [span.label for span in view.spans_at(offset)]
    assert labels == ["Actor", "Consequence"]
    with qtbot.waitSignal(view.spanSelected) as selected:
        click(qtbot, view, offset)
    assert view.span(selected.args[0]).label == "Actor"
    click(qtbot, view, offset)
    assert view.span(view.selected_span_id).label == "Consequence"
    click(qtbot, view, offset)
    assert view.span(view.selected_span_id).label == "Actor"
    # Tab cycles too, from the text cursor.
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.span(view.selected_span_id).label == "Consequence"
    qtbot.keyClick(view, Qt.Key.Key_Backtab)
    assert view.span(view.selected_span_id).label == "Actor"
    # A click on plain text clears the span selection.
    with qtbot.waitSignal(view.spanSelected) as cleared:
        click(qtbot, view, text.index("said."))
    assert cleared.args == [None]
    assert view.selected_span_id is None


def test_spans_are_painted_in_their_label_colour(view: ArticleView,
                                                 small_project: Project) -> None:
    load(view, small_project, "varnay-warns")
    text = view.text
    schema = default_schema()
    page = view.palette().color(QPalette.ColorRole.Base)
    expected = theme.tint(schema.label("Condition").color, dark=False, base=page)
    # Sample in the middle of spaces: no glyph there, only the span's tint or the page.
    found = pixel(view, point_inside(view, text.index("If they") + 2))
    assert abs(found.red() - expected.red()) <= 3
    assert abs(found.green() - expected.green()) <= 3
    assert abs(found.blue() - expected.blue()) <= 3
    plain = pixel(view, point_inside(view, text.index(" said.")))
    assert plain == page


def test_select_span_shows_related_spans(qtbot: QtBot, view: ArticleView,
                                         small_project: Project) -> None:
    load(view, small_project, "varnay-warns")
    quote = next(span for span in view.spans_at(view.text.index("We will")))
    margin_before = view.grab().toImage().copy(2, 0, MARGIN_WIDTH - 4, view.height())
    with qtbot.waitSignal(view.spanSelected) as selected:
        view.select_span(quote.id)
    assert selected.args == [quote.id]
    related = {view.span(span_id).label for span_id in view.related_span_ids()}
    assert related == {"Actor", "Cue"}
    QApplication.processEvents()
    margin_after = view.grab().toImage().copy(2, 0, MARGIN_WIDTH - 4, view.height())
    assert margin_after != margin_before  # markers and brackets appeared
    # The relations are drawn as arcs over the text: they cross the empty
    # paragraph above the quote, which is blank otherwise.
    blank = view.cursorRect(QTextCursor(view.document().findBlockByNumber(1)))
    band = (0, blank.top() + 2, view.viewport().width(), blank.height() - 4)
    page = view.palette().color(QPalette.ColorRole.Base)
    samples = len(range(0, band[2], 2)) * len(range(0, band[3], 2))
    assert count_near(view.viewport().grab().toImage().copy(*band), page, 0) < samples - 10
    view.select_span(None)
    QApplication.processEvents()
    image = view.viewport().grab().toImage().copy(*band)
    assert count_near(image, page, 0) == samples


def count_near(image: QImage, color: QColor, tolerance: int = 40) -> int:
    found = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            pixel_color = image.pixelColor(x, y)
            if (abs(pixel_color.red() - color.red()) + abs(pixel_color.green() - color.green())
                    + abs(pixel_color.blue() - color.blue())) <= tolerance:
                found += 1
    return found


def long_text(paragraphs: int) -> str:
    return "\n\n".join(
        f"Paragraph {number}: the council of Velmora met again on Tuesday and the envoy "
        f"said the talks would go on." for number in range(paragraphs))


def test_relation_between_distant_paragraphs_is_shown_in_the_margin(
        qtbot: QtBot, view: ArticleView, project: Project) -> None:
    text = long_text(80)
    quote_start = text.index("the talks would go on")
    actor_start = text.index("the envoy", text.index("Paragraph 70:"))
    spans = [SpanRecord("T1", "Quote", [(quote_start, quote_start + 21)], {"form": "indirect"}),
             SpanRecord("T2", "Actor", [(actor_start, actor_start + 9)], {"kind": "person"})]
    import_text(project, text, "long", spans, [RelationRecord("R1", "speaker", "T1", "T2")])
    load(view, project, "long")
    quote = view.spans_at(quote_start)[0]
    margin_plain = view.grab().toImage().copy(0, 0, MARGIN_WIDTH, view.height())
    view.select_span(quote.id)
    QApplication.processEvents()
    image = view.grab().toImage()
    relation = QColor(theme.LIGHT.relation)
    margin = image.copy(0, 0, MARGIN_WIDTH, view.height())
    assert margin != margin_plain
    # The bracket runs down to the bottom edge, where an arrow points to the actor.
    bottom = margin.copy(0, margin.height() - 40, MARGIN_WIDTH, 40)
    assert count_near(bottom, relation, tolerance=60) > 0
    # Selecting the actor scrolls to it; the bracket now points up.
    actor = view.spans_at(actor_start)[0]
    view.select_span(actor.id)
    QApplication.processEvents()
    assert view.firstVisibleBlock().blockNumber() > 100
    top = view.grab().toImage().copy(0, 0, MARGIN_WIDTH, 40)
    assert count_near(top, relation, tolerance=60) > 0


def test_update_spans_repaints_only_the_touched_paragraphs(
        qtbot: QtBot, view: ArticleView, project: Project) -> None:
    text = long_text(60)
    spans = [SpanRecord(f"T{number}", "Actor", [(start, start + 9)], {"kind": "person"})
             for number, start in enumerate(
                 index for index in range(len(text)) if text.startswith("the envoy", index))]
    import_text(project, text, "long", spans)
    document_id = load(view, project, "long")
    view.viewport().repaint()
    everything = set(view.last_painted_blocks)
    assert len(everything) > 6  # a full repaint walks every visible paragraph
    paragraph = 4
    start = text.index("the council", text.index(f"Paragraph {paragraph // 2}:"))
    expected_block = view.document().findBlock(start).blockNumber()
    assert expected_block == paragraph
    before = pixel(view, point_inside(view, start + 4))

    edit = AddSpan(document_id, "alice", "Condition", [(start, start + 11)])
    changes = project.apply(edit)
    view.last_painted_blocks = []
    touched = view.update_spans(changes.spans_removed,
                                [project.span(span_id) for span_id in changes.spans_added],
                                project.relations(document_id, "alice"))
    assert touched == {expected_block}
    qtbot.waitUntil(lambda: bool(view.last_painted_blocks))
    assert set(view.last_painted_blocks) == {expected_block}
    after = pixel(view, point_inside(view, start + 4))
    assert after != before  # the new span is visible

    delete = DeleteSpan(edit.span_id)
    changes = project.apply(delete)
    view.last_painted_blocks = []
    assert view.update_spans(changes.spans_removed, [], []) == {expected_block}
    qtbot.waitUntil(lambda: bool(view.last_painted_blocks))
    assert set(view.last_painted_blocks) == {expected_block}
    assert pixel(view, point_inside(view, start + 4)) == before


def test_update_spans_clears_a_deleted_selected_span(qtbot: QtBot, view: ArticleView,
                                                     small_project: Project) -> None:
    document_id = load(view, small_project, "varnay-warns")
    quote = view.spans_at(view.text.index("We will"))[0]
    view.select_span(quote.id)
    changes = small_project.apply(DeleteSpan(quote.id))
    with qtbot.waitSignal(view.spanSelected) as cleared:
        view.update_spans(changes.spans_removed, [],
                          small_project.relations(document_id, "alice"))
    assert cleared.args == [None]
    assert view.spans_at(view.text.index("We will")) == []
    assert view.relations_of(quote.id) == []


def test_tooltip_names_label_attributes_and_relations(qtbot: QtBot, view: ArticleView,
                                                      small_project: Project) -> None:
    load(view, small_project, "varnay-warns")
    offset = view.text.index("will not")
    position = point_inside(view, offset)
    event = QHelpEvent(QEvent.Type.ToolTip, position, view.viewport().mapToGlobal(position))
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible)
    tip = QToolTip.text()
    assert "Quote" in tip and "form: <b>direct</b>" in tip
    assert "speaker →" in tip and "President Aldric Varnay" in tip
    QToolTip.hideText()


def test_hover_reports_the_span_under_the_mouse(qtbot: QtBot, view: ArticleView,
                                                small_project: Project) -> None:
    load(view, small_project, "varnay-warns")
    offset = view.text.index("ministry")
    with qtbot.waitSignal(view.spanHovered) as hovered:
        qtbot.mouseMove(view.viewport(), pos=point_inside(view, offset))
    assert view.span(hovered.args[0]).label == "Actor"


def test_readonly_layers_are_outlined_and_listed(qtbot: QtBot, view: ArticleView,
                                                 small_project: Project) -> None:
    document = small_project.document_by_external_id("varnay-warns")
    start = document.text.index("If they")
    small_project.add_span(document.id, "bob", "Condition", [(start, start + 7)])
    view.set_content(document.text, small_project.spans(document.id, "alice"),
                     small_project.relations(document.id, "alice"), small_project.schema,
                     readonly_layers=[("bob", small_project.spans(document.id, "bob"))])
    QApplication.processEvents()
    with_layers = view.viewport().grab().toImage()
    position = point_inside(view, start + 1)
    QApplication.sendEvent(view.viewport(), QHelpEvent(
        QEvent.Type.ToolTip, position, view.viewport().mapToGlobal(position)))
    qtbot.waitUntil(QToolTip.isVisible)
    assert "bob, read-only" in QToolTip.text()
    QToolTip.hideText()
    # the window hides other layers by showing the document without them
    view.set_content(document.text, small_project.spans(document.id, "alice"),
                     small_project.relations(document.id, "alice"), small_project.schema)
    QApplication.processEvents()
    assert view.viewport().grab().toImage() != with_layers


# --------------------------------------------------------------------- zoom


def test_zoom_with_methods_keys_and_wheel(qtbot: QtBot, view: ArticleView,
                                          small_project: Project) -> None:
    load(view, small_project, "varnay-warns")
    size = view.zoom
    height = view.cursorRect().height()
    with qtbot.waitSignal(view.zoomChanged):
        view.zoom_in()
    assert view.zoom == size + 1
    assert view.cursorRect().height() > height
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom == size - 1
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom == size
    center = QPointF(view.viewport().rect().center())
    wheel = QWheelEvent(center, QPointF(view.viewport().mapToGlobal(center.toPoint())),
                        QPoint(0, 0), QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom == size + 1
    view.set_zoom(500)
    assert view.zoom == 40


def test_dark_theme_keeps_text_readable_on_every_label() -> None:
    for label in default_schema().labels:
        for dark, text in ((False, theme.LIGHT.text), (True, theme.DARK.text)):
            assert theme.contrast_ratio(theme.tint(label.color, dark), text) >= 7.0
            assert theme.contrast_ratio(theme.mark_color(
                label.color, dark), theme.DARK.base if dark else theme.LIGHT.base) >= 3.0
        assert theme.readable_text_color(label.color).name() in ("#1d1d1f", "#f4f4f4")


def test_an_error_in_a_mouse_handler_is_reported_not_fatal(
        qtbot: QtBot, view: ArticleView, small_project: Project,
        monkeypatch: pytest.MonkeyPatch) -> None:
    load(view, small_project, "varnay-warns")

    def broken(point: object) -> int:
        raise RuntimeError("hit test broke")

    monkeypatch.setattr(view, "_offset_at", broken)
    with qtbot.captureExceptions() as exceptions:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         pos=point_inside(view, view.text.index("river")))
    assert [str(error) for _, error, _ in exceptions] == ["hit test broke"]
    assert view.isVisible()


@given(st.sampled_from(["ascii", "bmp", "astral"]),
       st.lists(st.sampled_from(["a", " ", "\n", "\r\n", "\r", "é", "“", "\u2029", "e\u0301",
                                 "😀", "𝔸"]), min_size=1, max_size=40))
def test_the_fast_scan_agrees_with_the_regular_expressions(width: str,
                                                           pieces: list[str]) -> None:
    """Long texts are scanned as bytes, UTF-16 or UTF-32 units, whichever holds them; the
    astral characters and block starts found equal the regular expressions' on every width."""
    allowed = {"ascii": str.isascii, "bmp": lambda p: all(ord(c) < 0x10000 for c in p),
               "astral": lambda p: True}[width]
    pieces = [p for p in pieces if allowed(p)] or ["a"]
    unit = "".join(pieces)
    text = unit * (5000 // len(unit) + 1)  # over the 4,096 characters of the fast path
    fast = unicode_module._scan(text)
    numpy_module = unicode_module._numpy
    try:
        unicode_module._numpy = None
        slow = unicode_module._scan(text)
    finally:
        unicode_module._numpy = numpy_module
    assert numpy_module is not None
    assert fast == slow
