"""Qt-free text selection helpers: word snapping, quotation contents, word steps.

All offsets are Python ``str`` indices (code points), end exclusive, like the
rest of the storage API. The GUI converts from Qt's UTF-16 positions first.

A *word character* is a letter, a digit, a combining mark (so "é" written as
"e" + U+0301 stays one word) or an underscore. An apostrophe or hyphen between
two word characters belongs to the word ("don't", "Franco-Velmoran").
"""

from __future__ import annotations

import unicodedata
from typing import Literal

__all__ = [
    "QUOTE_PAIRS",
    "adjust_by_word",
    "inside_quotes",
    "is_word_char",
    "next_word_end",
    "next_word_start",
    "previous_word_end",
    "previous_word_start",
    "snap_to_words",
    "word_at",
]

#: Opening and closing marks understood by :func:`inside_quotes`.
QUOTE_PAIRS: tuple[tuple[str, str], ...] = (
    ("\u201c", "\u201d"),  # “ ”  English
    ("\u201e", "\u201c"),  # „ “  German, Czech, Polish...
    ("\u201e", "\u201d"),  # „ ”  Hungarian, Romanian, Dutch
    ("\u00ab", "\u00bb"),  # « »  French, Russian...
    ("\u00bb", "\u00ab"),  # » «  German alternative
    ("\u2018", "\u2019"),  # ‘ ’
    ("\u201a", "\u2018"),  # ‚ ‘
    ("\u2039", "\u203a"),  # ‹ ›
    ("\u300c", "\u300d"),  # 「 」
    ('"', '"'),
    ("'", "'"),
)

_JOINERS = frozenset("'\u2019-\u2010\u2011")  # ' ’ - ‐ ‑ inside a word
_PARAGRAPH_BREAKS = frozenset("\n\r\u2028\u2029")


def is_word_char(char: str) -> bool:
    """True for letters, digits, combining marks and the underscore."""
    if char.isalnum() or char == "_":
        return True
    return unicodedata.category(char)[0] == "M"


def _in_word(text: str, index: int) -> bool:
    """Whether ``text[index]`` is part of a word (joiners only between word chars)."""
    if index < 0 or index >= len(text):
        return False
    char = text[index]
    if is_word_char(char):
        return True
    if char in _JOINERS:
        return (index > 0 and is_word_char(text[index - 1])
                and index + 1 < len(text) and is_word_char(text[index + 1]))
    return False


def _check(text: str, *offsets: int) -> None:
    for offset in offsets:
        if not 0 <= offset <= len(text):
            raise ValueError(f"offset {offset} is outside the text (0..{len(text)})")


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Widens a selection to whole words and drops spaces and punctuation around it.

    ``"  said, “We"`` selected from inside "said" gives the range of ``said, “We``
    without the leading spaces; a selection ending in the middle of a word is
    extended to the end of that word.

    Returns:
        The snapped ``(start, end)``, or None when the selection holds no word
        character at all (only spaces or punctuation) or is empty.

    Raises:
        ValueError: when an offset lies outside the text.
    """
    _check(text, start, end)
    if start > end:
        start, end = end, start
    while start < end and not _in_word(text, start):
        start += 1
    while end > start and not _in_word(text, end - 1):
        end -= 1
    if start >= end:
        return None
    while start > 0 and _in_word(text, start - 1):
        start -= 1
    while end < len(text) and _in_word(text, end):
        end += 1
    return start, end


def word_at(text: str, offset: int) -> tuple[int, int] | None:
    """The word containing ``offset`` (or ending just before it), or None."""
    _check(text, offset)
    if _in_word(text, offset):
        anchor = offset
    elif _in_word(text, offset - 1):
        anchor = offset - 1
    else:
        return None
    return snap_to_words(text, anchor, anchor + 1)


def next_word_end(text: str, offset: int) -> int:
    """The end of the first word that ends after ``offset`` (the text end if none)."""
    _check(text, offset)
    index = offset
    while index < len(text) and not _in_word(text, index):
        index += 1
    while index < len(text) and _in_word(text, index):
        index += 1
    return index


def previous_word_end(text: str, offset: int) -> int:
    """The end of the last word that ends before ``offset`` (0 if none)."""
    _check(text, offset)
    index = offset
    while index > 0 and _in_word(text, index - 1):
        index -= 1
    while index > 0 and not _in_word(text, index - 1):
        index -= 1
    return index


def next_word_start(text: str, offset: int) -> int:
    """The start of the first word that starts after ``offset`` (the text end if none)."""
    _check(text, offset)
    index = offset
    while index < len(text) and _in_word(text, index):
        index += 1
    while index < len(text) and not _in_word(text, index):
        index += 1
    return index


def previous_word_start(text: str, offset: int) -> int:
    """The start of the last word that starts before ``offset`` (0 if none)."""
    _check(text, offset)
    index = offset
    while index > 0 and not _in_word(text, index - 1):
        index -= 1
    while index > 0 and _in_word(text, index - 1):
        index -= 1
    return index


def adjust_by_word(text: str, start: int, end: int, edge: Literal["start", "end"],
                   step: int) -> tuple[int, int]:
    """Moves one boundary of a span by one word, never making the span empty.

    Args:
        text: The document text.
        start: Current span start.
        end: Current span end.
        edge: Which boundary moves.
        step: +1 moves it right (towards the text end), -1 left.

    Returns:
        The new ``(start, end)``; unchanged when the move would empty the span.
    """
    _check(text, start, end)
    if edge == "start":
        new_start = next_word_start(text, start) if step > 0 else previous_word_start(text, start)
        return (new_start, end) if new_start < end else (start, end)
    new_end = next_word_end(text, end) if step > 0 else previous_word_end(text, end)
    return (start, new_end) if new_end > start else (start, end)


def _paragraph(text: str, offset: int) -> tuple[int, int]:
    begin = offset
    while begin > 0 and text[begin - 1] not in _PARAGRAPH_BREAKS:
        begin -= 1
    finish = offset
    while finish < len(text) and text[finish] not in _PARAGRAPH_BREAKS:
        finish += 1
    return begin, finish


def _is_apostrophe(text: str, index: int) -> bool:
    """A ' or ’ between two letters ("don't") or after a letter-s ("leaders'") is no quote."""
    before = index > 0 and is_word_char(text[index - 1])
    after = index + 1 < len(text) and is_word_char(text[index + 1])
    return before and after


def _symmetric_pair(text: str, mark: str, begin: int, finish: int,
                    offset: int) -> tuple[int, int] | None:
    """Enclosing pair of a mark that opens and closes alike, by parity in the paragraph."""
    positions = [
        index for index in range(begin, finish)
        if text[index] == mark and not (mark == "'" and _is_apostrophe(text, index))
    ]
    for pair_start in range(0, len(positions) - 1, 2):
        opening, closing = positions[pair_start], positions[pair_start + 1]
        if opening < offset <= closing:
            return opening, closing
    return None


def _asymmetric_pair(text: str, opener: str, closer: str, begin: int, finish: int,
                     offset: int) -> tuple[int, int] | None:
    """Enclosing pair of distinct opening/closing marks, honouring nesting."""
    depth = 0
    index = offset - 1
    opening = -1
    while index >= begin:
        char = text[index]
        if char == closer and not (closer == "\u2019" and _is_apostrophe(text, index)):
            depth += 1
        elif char == opener:
            if depth == 0:
                opening = index
                break
            depth -= 1
        index -= 1
    if opening < 0:
        return None
    depth = 0
    index = offset
    while index < finish:
        char = text[index]
        if char == closer and not (closer == "\u2019" and _is_apostrophe(text, index)):
            if depth == 0:
                return opening, index
            depth -= 1
        elif char == opener:
            depth += 1
        index += 1
    return None


def inside_quotes(text: str, offset: int) -> tuple[int, int] | None:
    """The text inside the quotation marks around ``offset``, within its paragraph.

    Understands “…”, „…“, „…”, «…», »…«, ‘…’, ‚…‘, ‹…›, 「…」, "…" and '…'
    (an apostrophe inside a word is not a quotation mark). The innermost
    enclosing pair wins. Spaces just inside the marks (« French style ») are
    left out. A position just before an opening mark counts as inside it.

    Returns:
        ``(start, end)`` of the quoted text, or None when no pair encloses
        ``offset`` or the quotation is empty.

    Raises:
        ValueError: when ``offset`` lies outside the text.
    """
    _check(text, offset)
    begin, finish = _paragraph(text, offset)
    best: tuple[int, int] | None = None
    for probe in (offset, offset + 1):
        if probe > finish:
            break
        for opener, closer in QUOTE_PAIRS:
            if opener == closer:
                found = _symmetric_pair(text, opener, begin, finish, probe)
            else:
                found = _asymmetric_pair(text, opener, closer, begin, finish, probe)
            if found is not None and (best is None or found[0] > best[0]):
                best = found
        if best is not None:
            break
    if best is None:
        return None
    start, end = best[0] + 1, best[1]
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
