"""Speed of the whole annotation window on a long article, key by key (offscreen Qt).

Generates a ~1 MB fictional article (~2,000 paragraphs, a few emoji) with
10,000 spans (nested and overlapping, discontinuous quotes) and 8,000
relations, and a 4 kB article cut from the same text with the same density of
marks, both annotated by two annotators; stores them through the storage API
in one project file and opens the real ``MainWindow`` on it. Then it drives the
window as an annotator does, with real key presses and clicks (QTest), on each
article in turn, and times every action from the key to the repainted window
(storage reads and writes included):

    switch document (Alt+PgDown), select a span (click), mark a span (C),
    relabel (Shift+K), move a boundary (Alt+Shift+Right), undo, redo,
    open the relation picker (O), pick (Enter), delete the relation (the
    panel's remove button), delete the span (Delete), open the comparison
    view (Ctrl+Shift+A).

It prints, from this one run, the median time of each action on both articles
and the ratio long / short (aim: at most 1.5x). Run:
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/gui_bench.py
    (--chars 10000000 --spans 100000 for the book-length stretch: aim 2x)
    (--profile ACTION prints a cProfile of that action on the long article)
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")  # offscreen: no raise() etc.

import argparse
import cProfile
import pstats
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolButton

from bench.make_articles import make_articles
from gui.unicode import Utf16Map
from storage.project import Project
from storage.records import (
    AnnotationSetRecord,
    DocumentRecord,
    RelationRecord,
    SpanRecord,
)

_WORD = re.compile(r"\w+")
_EMOJI = ("🕊", "🌍", "📣", "🤝", "⚖️")


def make_text(target_chars: int, seed: int) -> str:
    """Paragraphs of invented wire copy, ~500 characters each, joined by blank lines."""
    rng = random.Random(seed)
    pieces: list[str] = []
    for name, content in make_articles(10_000, seed=seed):
        if not name.endswith(".txt"):
            continue
        pieces.extend(part.strip() for part in content.split("\n\n")[2:] if len(part) > 60)
        if sum(len(piece) for piece in pieces) > target_chars * 1.2:
            break
    paragraphs: list[str] = []
    total = 0
    index = 0
    while (total < target_chars or len(paragraphs) < 2000) and index < len(pieces):
        take = rng.randint(4, 5)
        paragraph = " ".join(pieces[index:index + take])
        if rng.random() < 0.1:
            paragraph += " " + rng.choice(_EMOJI)
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
        index += take
    return "\n\n".join(paragraphs)


def make_annotations(text: str, spans_wanted: int, seed: int
                     ) -> tuple[list[SpanRecord], list[RelationRecord]]:
    """Five spans per paragraph: a quote (some in two fragments) with an actor
    nested inside, a cue, and a condition overlapping the quote's end followed
    by its consequence; four relations per paragraph."""
    rng = random.Random(seed)
    spans: list[SpanRecord] = []
    relations: list[RelationRecord] = []
    position = 0
    paragraph_number = 0
    for paragraph in text.split("\n\n"):
        words = [(match.start() + position, match.end() + position)
                 for match in _WORD.finditer(paragraph)]
        position += len(paragraph) + 2
        if len(words) < 40 or len(spans) + 5 > spans_wanted:
            continue
        paragraph_number += 1
        tag = f"P{paragraph_number}"
        quote_first = rng.randint(0, 8)
        quote_last = quote_first + rng.randint(10, 16)
        if rng.random() < 0.3:  # discontinuous quote, one word left out
            middle = (quote_first + quote_last) // 2
            quote_fragments = [(words[quote_first][0], words[middle - 1][1]),
                               (words[middle + 1][0], words[quote_last][1])]
            actor_first = quote_first + 1
        else:
            quote_fragments = [(words[quote_first][0], words[quote_last][1])]
            actor_first = quote_first + 2
        actor = (words[actor_first][0], words[actor_first + 1][1])
        cue_word = words[quote_last + 2]
        condition = (words[quote_last - 2][0], words[quote_last + 5][1])  # overlaps the quote
        consequence = (words[quote_last + 7][0], words[quote_last + 14][1])
        spans += [
            SpanRecord(f"{tag}q", "Quote", quote_fragments, {"form": "direct"}),
            SpanRecord(f"{tag}a", "Actor", [actor], {"kind": "person"}),
            SpanRecord(f"{tag}c", "Cue", [cue_word]),
            SpanRecord(f"{tag}k", "Condition", [condition]),
            SpanRecord(f"{tag}n", "Consequence", [consequence], {"type": "threat"}),
        ]
        relations += [
            RelationRecord(f"{tag}s", "speaker", f"{tag}q", f"{tag}a"),
            RelationRecord(f"{tag}u", "cue", f"{tag}q", f"{tag}c"),
            RelationRecord(f"{tag}o", "consequence", f"{tag}k", f"{tag}n"),
            RelationRecord(f"{tag}h", "holder", f"{tag}k", f"{tag}a"),
        ]
    # Top up to exactly the number asked with actors near paragraph ends.
    position = 0
    for paragraph in text.split("\n\n"):
        if len(spans) >= spans_wanted:
            break
        words = [(match.start() + position, match.end() + position)
                 for match in _WORD.finditer(paragraph)]
        position += len(paragraph) + 2
        if len(words) >= 40:
            spans.append(SpanRecord(f"X{len(spans)}", "Actor", [(words[-3][0], words[-2][1])],
                                    {"kind": "group"}))
    return spans, relations


ACTIONS = ("switch document", "switch, all read", "select a span", "mark a span", "relabel",
           "move a boundary", "undo", "redo", "open the picker", "pick",
           "delete the relation", "delete the span", "open the comparison view")
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier


def short_text(text: str, target_chars: int) -> str:
    """The first paragraphs of the long text, about ``target_chars`` long."""
    paragraphs: list[str] = []
    for paragraph in text.split("\n\n"):
        if sum(len(p) + 2 for p in paragraphs) >= target_chars:
            break
        paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def build(path: Path, chars: int, spans_wanted: int) -> tuple[str, str, int, int]:
    """The project file with both articles; returns their texts and span/relation counts."""
    long_text = make_text(chars, seed=7)
    long_spans, long_relations = make_annotations(long_text, spans_wanted, seed=7)
    small = short_text(long_text, 4000)
    small_spans, small_relations = make_annotations(small, spans_wanted, seed=7)

    def layers(spans: list[SpanRecord], relations: list[RelationRecord]
               ) -> list[AnnotationSetRecord]:
        return [AnnotationSetRecord(name, "in_progress", spans, relations)
                for name in ("alice", "bob")]

    with Project.create(path) as project:
        project.import_records([
            DocumentRecord(text=small, title="A short article", external_id="short",
                           annotations=layers(small_spans, small_relations)),
            DocumentRecord(text=long_text, title="A long article", external_id="long",
                           annotations=layers(long_spans, long_relations)),
        ], "bench")
    return small, long_text, len(long_spans), len(long_relations)


class Driver:
    """Drives one MainWindow with QTest and times each action until the window settled."""

    def __init__(self, window: object, app: QApplication) -> None:
        from gui.main_window import MainWindow

        assert isinstance(window, MainWindow)
        self.window = window
        self.app = app
        self.times: dict[str, dict[str, list[float]]] = {}
        self.profile: str | None = None
        self.profile_document = "long"
        self.with_comparison = True
        #: key press to the whole comparison shown (its rest arrives from a worker), per article
        self.whole_comparison: dict[str, list[float]] = {}
        self.profiler = cProfile.Profile()

    def timed(self, document: str, action: str, run: Callable[[], object]) -> None:
        self.app.processEvents()
        profiling = self.profile == action and document == self.profile_document
        if profiling:
            self.profiler.enable()
        started = time.perf_counter()
        run()
        self.app.processEvents()  # the repaint the action asked for
        elapsed = (time.perf_counter() - started) * 1000
        if profiling:
            self.profiler.disable()
        self.times.setdefault(action, {}).setdefault(document, []).append(elapsed)

    def key(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = NONE) -> None:
        target = QApplication.focusWidget() or self.window.view
        QTest.keyClick(target, key, modifiers)

    def point_of(self, offset: int) -> QPoint:
        view = self.window.view
        cursor = QTextCursor(view.document())
        cursor.setPosition(Utf16Map(view.text).to_utf16(offset))
        return view.cursorRect(cursor).center() + QPoint(3, 0)

    def cycle(self, document: str) -> None:
        """One round of every action on the open document, in the middle of it."""
        window = self.window
        view = window.view
        text = view.text
        middle = text.index("\n\n", len(text) // 2) + 2
        quote = next(s for s in window.spans.values()
                     if s.label == "Quote" and s.start >= middle)
        view.setFocus()
        view.scroll_to(quote.start)
        self.app.processEvents()
        point = self.point_of(quote.fragments[0][0] + 1)
        self.timed(document, "select a span", lambda: QTest.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, NONE, point))
        assert window.view.selected_span_id is not None
        self.key(Qt.Key.Key_Escape)
        # a word of the paragraph's end no span covers
        paragraph_end = text.index("\n", quote.end)
        word = None
        for match in _WORD.finditer(text, quote.end, paragraph_end):
            if not view.spans_at(match.start()) and not view.spans_at(match.end() - 1):
                word = match.span()
        assert word is not None
        view.set_selected_range(*word)
        before = len(window.spans)
        self.timed(document, "mark a span", lambda: self.key(Qt.Key.Key_C))
        assert len(window.spans) == before + 1, window.statusBar().currentMessage()
        self.timed(document, "relabel", lambda: self.key(Qt.Key.Key_K, SHIFT))
        self.timed(document, "move a boundary", lambda: self.key(Qt.Key.Key_Right, ALT | SHIFT))
        self.timed(document, "undo", lambda: self.key(Qt.Key.Key_Z, CTRL))
        self.timed(document, "redo", lambda: self.key(Qt.Key.Key_Z, CTRL | SHIFT))
        assert window.selected_span is not None and window.selected_span.label == "Condition"
        self.timed(document, "open the picker", lambda: self.key(Qt.Key.Key_O))
        assert window.picker.isVisible(), window.statusBar().currentMessage()
        self.timed(document, "pick", lambda: self.key(Qt.Key.Key_Return))
        assert not window.picker.isVisible()
        remove = next(button for button in window.schema_panel.findChildren(QToolButton)
                      if button.toolTip() == "Remove this relation" and button.isVisible())
        self.timed(document, "delete the relation", lambda: QTest.mouseClick(
            remove, Qt.MouseButton.LeftButton))
        view.setFocus()
        self.timed(document, "delete the span", lambda: self.key(Qt.Key.Key_Delete))
        assert len(window.spans) == before, window.statusBar().currentMessage()

        if not self.with_comparison:
            return

        def compare() -> None:
            self.key(Qt.Key.Key_A, CTRL | SHIFT)
            self.app.processEvents()

        from gui.comparison import ComparisonWindow

        pressed = time.perf_counter()
        self.timed(document, "open the comparison view", compare)
        for shown in self.app.topLevelWidgets():
            if isinstance(shown, ComparisonWindow) and shown.isVisible():
                # a long article shows its first part at once; the rest is compared in
                # the background: how long until the whole comparison is shown
                while not shown.complete and time.perf_counter() - pressed < 30:
                    self.app.processEvents()
                    time.sleep(0.002)
                self.whole_comparison.setdefault(document, []).append(
                    (time.perf_counter() - pressed) * 1000)
                shown.close()
        self.app.processEvents()
        window.activateWindow()
        view.setFocus()

    def switch(self, document: str) -> None:
        """Switches (timed until the first screen is painted), then waits until the rest
        of the layer was read at idle ("switch, all read": from the key to the last page)
        and the last document's views were freed, so that no idle work of the switch
        lands in the next action's time."""
        self.window.view.setFocus()
        self.app.processEvents()
        started = time.perf_counter()
        self.timed(document, "switch document", lambda: self.key(Qt.Key.Key_PageDown, ALT))
        assert self.window.document is not None
        assert self.window.document.external_id == document, self.window.document.external_id
        while not self.window.loading_done:
            self.app.processEvents()
        self.times.setdefault("switch, all read", {}).setdefault(document, []).append(
            (time.perf_counter() - started) * 1000)
        while self.window.released.pending:  # the last document, freed at idle
            self.app.processEvents()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=1_000_000)
    parser.add_argument("--spans", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--profile", choices=ACTIONS, default=None,
                        help="print a cProfile of this action on the long article")
    parser.add_argument("--no-comparison", action="store_true",
                        help="leave out the comparison view (another bench's concern)")
    parser.add_argument("--profile-document", choices=("long", "short"), default="long",
                        help="the article --profile profiles (default: the long one)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                          str(Path(folder) / "settings"))
        os.environ["SAYWHO_DATA_DIR"] = str(Path(folder) / "data")
        app = QApplication.instance() or QApplication([])
        assert isinstance(app, QApplication)
        path = Path(folder) / "bench.saywho"
        started = time.perf_counter()
        small, long_text, span_count, relation_count = build(path, args.chars, args.spans)
        print(f"long article: {len(long_text):,} characters, {long_text.count(chr(10)*2) + 1:,} "
              f"paragraphs, {span_count:,} spans, {relation_count:,} relations per annotator; "
              f"short article: {len(small):,} characters (two annotators each); stored in "
              f"{time.perf_counter() - started:.1f} s")

        from gui.app import settings
        from gui.main_window import MainWindow

        project = Project.open(path)
        window = MainWindow(project, "alice", settings(), persist=False)
        window.resize(1440, 900)
        window.show()
        QTest.qWaitForWindowExposed(window)
        window.activateWindow()
        app.processEvents()
        driver = Driver(window, app)
        driver.profile = args.profile
        driver.profile_document = args.profile_document
        driver.with_comparison = not args.no_comparison
        first = window.document.external_id if window.document is not None else "short"
        order = ["long", "short"] if first == "short" else ["short", "long"]
        for repeat in range(args.repeats + 1):
            for document in order:
                driver.switch(document)
                driver.cycle(document)
            if repeat == 0:  # warm-up round: fonts, caches, SQLite pages
                driver.times.clear()
                driver.whole_comparison.clear()
        window.close()
        project.close()

    print(f"{'action':<26}{'4 kB article':>14}{'long article':>14}{'ratio':>8}")
    worst = 0.0
    for action in ACTIONS:
        if action not in driver.times:  # the comparison view, with --no-comparison
            continue
        short_ms = statistics.median(driver.times[action]["short"])
        long_ms = statistics.median(driver.times[action]["long"])
        ratio = long_ms / short_ms
        if action != "switch, all read":  # the rest of the layer, read at idle
            worst = max(worst, ratio)
        print(f"{action:<26}{short_ms:>11.1f} ms{long_ms:>11.1f} ms{ratio:>7.2f}x")
    print(f"worst ratio {worst:.2f}x (aim <= 1.5x; the stretch, 10 MB / 100,000 spans, <= 2x; "
          "'switch, all read' is the whole layer read at idle, not a key's wait)")
    if driver.whole_comparison.get("long"):
        print("comparison view, first part to the whole comparison shown (background "
              f"worker): {statistics.median(driver.whole_comparison['short']):.0f} ms / "
              f"{statistics.median(driver.whole_comparison['long']):.0f} ms")
    print(f"load average: {os.getloadavg()[0]:.2f}")
    if args.profile:
        print(f"\ncProfile of '{args.profile}' on the {args.profile_document} article "
              f"({args.repeats} times):")
        pstats.Stats(driver.profiler).sort_stats("cumulative").print_stats(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
