"""Speed of the article view on a long document: open, edit, scroll (offscreen Qt).

Generates a ~1 MB fictional article (~2,000 paragraphs, a few emoji) and
10,000 spans over it (nested and overlapping, discontinuous quotes) with 8,000
relations, stores it in a temporary project through the storage API, next to
the same text without spans, and prints, from this one run:

(a) opening the document in ArticleView (set_content + first paint) with its
    10,000 spans against the same text without spans (aim: at most 1.5x);
(b) adding and deleting one span (storage edit + update_spans + repaint) in
    that document against the same in the document without spans (aim: at
    most 1.2x);
(c) every time in ms, plus scrolling a page, and for scale the naive
    baseline: the same 10,000 spans as ExtraSelections.

Figures are medians of several repeats. Run:
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/gui_bench.py
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QTextEdit

from bench.make_articles import make_articles
from gui.text_view import ArticleView
from gui.unicode import Utf16Map
from storage.edits import AddSpan, DeleteSpan
from storage.project import Project
from storage.records import (
    AnnotationSetRecord,
    DocumentRecord,
    RelationRecord,
    SpanRecord,
)
from storage.views import RelationView

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


def median_ms(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=1_000_000)
    parser.add_argument("--spans", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    app = QApplication.instance() or QApplication([])
    text = make_text(args.chars, seed=7)
    spans, relations = make_annotations(text, args.spans, seed=7)
    paragraphs = text.count("\n\n") + 1
    print(f"article: {len(text):,} characters, {paragraphs:,} paragraphs; "
          f"{len(spans):,} spans, {len(relations):,} relations")

    with tempfile.TemporaryDirectory() as folder:
        project = Project.create(Path(folder) / "bench.saywho")
        started = time.perf_counter()
        project.import_records([
            DocumentRecord(text=text, title="Long", external_id="long",
                           annotations=[AnnotationSetRecord("alice", "in_progress",
                                                            spans, relations)]),
            DocumentRecord(text=text + " ", title="Long, no spans", external_id="plain",
                           annotations=[AnnotationSetRecord("alice", "in_progress")]),
        ], "bench")
        print(f"stored through the storage API in {(time.perf_counter() - started):.1f} s")
        annotated = project.document_by_external_id("long")
        plain = project.document_by_external_id("plain")
        started = time.perf_counter()
        stored_spans = project.spans(annotated.id, "alice")
        stored_relations = project.relations(annotated.id, "alice")
        read_ms = (time.perf_counter() - started) * 1000
        schema = project.schema

        view = ArticleView()
        view.resize(1000, 800)
        view.show()
        app.processEvents()

        def open_with_spans() -> None:
            view.set_content(annotated.text, stored_spans, stored_relations, schema)
            view.viewport().repaint()
            app.processEvents()

        def open_without_spans() -> None:
            view.set_content(plain.text, [], [], schema)
            view.viewport().repaint()
            app.processEvents()

        open_with_spans()  # warm up fonts and caches
        open_without_spans()
        opened = {"spans": [], "plain": []}
        for _ in range(args.repeats):
            opened["spans"].append(median_ms(open_with_spans, 1))
            opened["plain"].append(median_ms(open_without_spans, 1))
        open_spans = statistics.median(opened["spans"])
        open_plain = statistics.median(opened["plain"])

        def edit_cycle(document_id: int, document_text: str,
                       relations: list[RelationView]) -> Callable[[], None]:
            """Adds a Cue on a word mid-document, then deletes it, as the GUI does:
            storage edit, update_spans, and the repaint that update_spans asked for."""
            middle = document_text.index("\n\n", len(document_text) // 2) + 2
            word = _WORD.search(document_text, middle)
            assert word is not None
            start, end = word.span()

            def cycle() -> None:
                add = AddSpan(document_id, "alice", "Cue", [(start, end)])
                changes = project.apply(add)
                view.update_spans(changes.spans_removed,
                                  [project.span(span_id) for span_id in changes.spans_added],
                                  relations)
                app.processEvents()
                assert add.span_id is not None
                changes = project.apply(DeleteSpan(add.span_id))
                view.update_spans(changes.spans_removed, [], relations)
                app.processEvents()

            return cycle

        def show(with_spans: bool) -> None:
            if with_spans:
                open_with_spans()
                view.scroll_to(len(annotated.text) // 2)
            else:
                open_without_spans()
                view.scroll_to(len(plain.text) // 2)
            view.viewport().repaint()
            app.processEvents()

        edits = {"spans": edit_cycle(annotated.id, annotated.text, stored_relations),
                 "plain": edit_cycle(plain.id, plain.text, [])}
        edit_times: dict[str, list[float]] = {"spans": [], "plain": []}
        for repeat in range(args.repeats * 2 + 2):
            for kind in ("spans", "plain"):
                show(kind == "spans")
                elapsed = median_ms(edits[kind], 1)
                if repeat >= 2:  # the first rounds warm up SQLite and Qt caches
                    edit_times[kind].append(elapsed)
        edit_spans = statistics.median(edit_times["spans"])
        edit_plain = statistics.median(edit_times["plain"])

        def scroll_pages() -> None:
            bar = view.verticalScrollBar()
            for _ in range(10):
                bar.setValue(bar.value() + bar.pageStep())
                view.viewport().repaint()
            app.processEvents()

        show(True)
        scroll_spans = median_ms(scroll_pages, 3) / 10
        show(False)
        scroll_plain = median_ms(scroll_pages, 3) / 10

        # Naive baseline: every span fragment as an ExtraSelection.
        offsets = Utf16Map(annotated.text)
        colours = {label.name: QColor(label.color).lighter(160) for label in schema.labels}

        def extra_selections() -> None:
            view.set_content(annotated.text, [], [], schema)
            selections = []
            for span in stored_spans:
                char_format = QTextCharFormat()
                char_format.setBackground(colours[span.label])
                for start, end in span.fragments:
                    selection = QTextEdit.ExtraSelection()
                    cursor = QTextCursor(view.document())
                    cursor.setPosition(offsets.to_utf16(start))
                    cursor.setPosition(offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
                    selection.cursor = cursor  # type: ignore[attr-defined]
                    selection.format = char_format  # type: ignore[attr-defined]
                    selections.append(selection)
            view.setExtraSelections(selections)
            view.viewport().repaint()
            app.processEvents()

        extra_open = median_ms(extra_selections, 3)
        repaint_extra = median_ms(lambda: (view.viewport().repaint(), app.processEvents()), 5)
        view.setExtraSelections([])
        open_with_spans()
        repaint_index = median_ms(lambda: (view.viewport().repaint(), app.processEvents()), 5)
        project.close()

    print(f"reading {len(stored_spans):,} spans + {len(stored_relations):,} relations "
          f"from storage: {read_ms:.0f} ms (not part of (a))")
    print(f"(a) open + first paint: {open_spans:.0f} ms with {len(stored_spans):,} spans, "
          f"{open_plain:.0f} ms without -> {open_spans / open_plain:.2f}x (aim <= 1.5x)")
    print(f"(b) add + delete one span (edit, update_spans, repaint): {edit_spans:.1f} ms with "
          f"spans, {edit_plain:.1f} ms without -> {edit_spans / edit_plain:.2f}x (aim <= 1.2x)")
    print(f"    scroll one page and paint: {scroll_spans:.1f} ms with spans, "
          f"{scroll_plain:.1f} ms without")
    print(f"    full viewport repaint: {repaint_index:.1f} ms with the span index")
    print(f"(c) naive baseline, {len(stored_spans):,} spans as ExtraSelections: open + paint "
          f"{extra_open:.0f} ms ({extra_open / open_plain:.1f}x the plain open), "
          f"each repaint {repaint_extra:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
