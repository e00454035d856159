"""A long fictional article annotated by two annotators, for the comparison tests.

One paragraph (written for these tests) repeated; offsets are computed from its
phrases, never typed. alice and bob agree on the Actors, differ on the Quotes'
form, and bob's Conditions take the comma after them (a near miss); only alice
marks the last paragraph's threat as a Quote.
"""

from __future__ import annotations

from typing import Any

from storage.records import AnnotationSetRecord, RelationRecord, SpanRecord

PARAGRAPH = ("Minister Varnay said the border stays shut until spring, and Ardova warned "
             "that if they cross, we strike at once, a spokesman told reporters.")
STEP = len(PARAGRAPH) + 2  # a paragraph and the blank line after it


def long_text(paragraphs: int) -> str:
    return "\n\n".join(PARAGRAPH for _ in range(paragraphs))


def at(paragraph: int, phrase: str, extra: int = 0) -> tuple[int, int]:
    """Offsets of ``phrase`` in paragraph number ``paragraph`` (``extra`` characters more)."""
    start = paragraph * STEP + PARAGRAPH.index(phrase)
    return start, start + len(phrase) + extra


def layer(name: str, paragraphs: int, speaker_shift: int = 0) -> AnnotationSetRecord:
    """alice's or bob's layer; each Quote's speaker is the Actor ``speaker_shift``
    paragraphs further down (0: its own paragraph's)."""
    spans: list[SpanRecord] = []
    relations: list[RelationRecord] = []
    for number in range(paragraphs):
        spans += [
            SpanRecord(f"A{number}", "Actor", [at(number, "Varnay")], {"kind": "person"}),
            SpanRecord(f"Q{number}", "Quote", [at(number, "the border stays shut")],
                       {"form": "indirect" if name == "alice" else "direct"}),
            SpanRecord(f"C{number}", "Condition",
                       [at(number, "if they cross", 1 if name == "bob" else 0)]),
        ]
        if number + speaker_shift < paragraphs:
            relations.append(RelationRecord(f"S{number}", "speaker", f"Q{number}",
                                            f"A{number + speaker_shift}"))
    if name == "alice":
        spans.append(SpanRecord("X", "Quote", [at(paragraphs - 1, "we strike at once")],
                                {"form": "direct"}))
    return AnnotationSetRecord(name, "done", spans, relations)


def shown_window(qtbot: Any, window: Any) -> Any:
    """Shows a comparison window and waits until it is active (window shortcuts need it)."""
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window
