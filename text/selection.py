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
    "DOUBLE_MARKS",
    "QUOTE_MARKS",
    "SINGLE_MARKS",
    "adjust_by_word",
    "inside_quotes",
    "is_word_char",
    "next_word_end",
    "next_word_start",
    "previous_word_end",
    "previous_word_start",
    "quote_pairs",
    "snap_to_words",
    "word_at",
]

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
    """Completes a selection to whole words, keeping what belongs to the marked text.

    Snapping never moves a boundary into a word the user did not cut: a
    boundary in the middle of a word is extended to that word's edge; spaces at
    the ends are dropped; quotation marks at the ends are dropped (the quote is
    what lies *between* them), unless the selection holds their partner
    (``"Peace" plan``). Punctuation at the ends is kept when it belongs to the
    quoted text: right before a closing quotation mark (``host him,”``), right
    after an opening one (``“…and then``), or a bracket whose partner is
    selected too (``[Ardova] said``); other punctuation at the ends (the comma
    after a dragged name) is dropped. Snapping a snapped range changes nothing.

    Returns:
        The snapped ``(start, end)``, or None when the selection holds no word
        character at all (only spaces or punctuation) or is empty.

    Raises:
        ValueError: when an offset lies outside the text.
    """
    _check(text, start, end)
    if start > end:
        start, end = end, start
    if not any(_in_word(text, index) for index in range(start, end)):
        return None
    while True:  # until nothing more goes: each step can expose another end
        before = (start, end)
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            return None
        if text[start] in QUOTE_MARKS and not _partner_inside(text, start, start, end):
            start += 1
        if end > start and text[end - 1] in QUOTE_MARKS and \
                not _partner_inside(text, end - 1, start, end):
            end -= 1
        # punctuation at the ends: kept when it belongs to the marked text
        head = start
        while head < end and not _in_word(text, head) and not text[head].isspace():
            head += 1
        if start < head < end and not _belongs_at_start(text, start, head, end):
            start = head
        tail = end
        while tail > start and not _in_word(text, tail - 1) and not text[tail - 1].isspace():
            tail -= 1
        if start < tail < end and not _belongs_at_end(text, start, tail, end):
            end = tail
        if (start, end) == before:
            break
    # only a cut word is extended
    while 0 < start < len(text) and _in_word(text, start) and _in_word(text, start - 1):
        start -= 1
    while end < len(text) and end > 0 and _in_word(text, end) and _in_word(text, end - 1):
        end += 1
    return (start, end) if start < end else None


_OPEN_BRACKETS = {"(": ")", "[": "]", "{": "}"}
_CLOSE_BRACKETS = {b: a for a, b in _OPEN_BRACKETS.items()}


def _partner_inside(text: str, index: int, start: int, end: int) -> bool:
    """Whether the quotation mark at ``index`` pairs with another mark in ``[start, end)``."""
    begin, finish = _paragraph(text, index)
    for opening, closing in quote_pairs(text, begin, finish):
        if index in (opening, closing):
            partner = closing if index == opening else opening
            enclosing = opening == start and closing == end - 1
            return start <= partner < end and not enclosing
    return False


def _pairs_as(text: str, index: int, side: int) -> bool:
    """Whether the mark at ``index`` opens (side 0) or closes (side 1) a pair in its paragraph."""
    begin, finish = _paragraph(text, index)
    return any(pair[side] == index for pair in quote_pairs(text, begin, finish))


def _belongs_at_start(text: str, start: int, head: int, end: int) -> bool:
    """Leading punctuation ``text[start:head]`` is part of the marked text."""
    before = start
    while before > 0 and text[before - 1] in " \u00a0\u202f":
        before -= 1
    if before > 0 and text[before - 1] in QUOTE_MARKS and _pairs_as(text, before - 1, 0):
        return True  # right after an opening mark: “…and then, « [Ardova]
    first = text[start]
    if first in QUOTE_MARKS:
        return True  # its partner is selected too (unpaired marks were dropped before)
    if first in _OPEN_BRACKETS:
        return _OPEN_BRACKETS[first] in text[head:end]
    return first in "¿¡"


def _belongs_at_end(text: str, start: int, tail: int, end: int) -> bool:
    """Trailing punctuation ``text[tail:end]`` is part of the marked text."""
    after = end
    while after < len(text) and text[after] in " \u00a0\u202f":
        after += 1
    if after < len(text) and text[after] in QUOTE_MARKS and _pairs_as(text, after, 1):
        return True  # right before a closing mark: host him,” or ici ! »
    last = text[end - 1]
    if last in QUOTE_MARKS:
        return True  # its partner is selected too
    if last in _CLOSE_BRACKETS:
        return _CLOSE_BRACKETS[last] in text[start:tail]
    # an abbreviation's final full stop: U.S.
    return last == "." and end - tail == 1 and tail >= 2 and text[tail - 2] == "."


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


#: Quotation marks of the double kind and of the single kind (matched within a kind,
#: so a mismatched pair like ``"stop the war”`` still pairs).
DOUBLE_MARKS = frozenset('"\u201c\u201d\u201e\u201f\u00ab\u00bb\u300c\u300d\u300e\u300f'
                         '\u301d\u301e\uff02')
SINGLE_MARKS = frozenset("'\u2018\u2019\u201a\u201b\u2039\u203a")
QUOTE_MARKS = DOUBLE_MARKS | SINGLE_MARKS
_ALWAYS_OPEN = frozenset("\u201e\u201a\u300c\u300e\u301d")
_ALWAYS_CLOSE = frozenset("\u300d\u300f\u301e")
_OPEN_BY_DEFAULT = frozenset("\u201c\u2018\u00ab\u2039\u201f\u201b")  # “ ‘ « ‹ ‟ ‛
_CLOSE_BY_DEFAULT = frozenset("\u201d\u2019\u00bb\u203a")  # ” ’ » ›
_BEFORE_OPENING = frozenset("([{\u2014\u2013-/:")
_AFTER_CLOSING = frozenset(",.;:!?)]}\u2014\u2013-\u2026/")


def _is_apostrophe(text: str, index: int) -> bool:
    """A ' or ’ between two letters ("don't") is no quotation mark."""
    before = index > 0 and is_word_char(text[index - 1])
    after = index + 1 < len(text) and is_word_char(text[index + 1])
    return before and after


def _role(text: str, index: int, begin: int, finish: int) -> str | None:
    """'open', 'close', 'either' or None (no quotation mark) for ``text[index]``.

    Decided by the mark and by what flanks it: a mark before a word and after a
    space opens, one after a word and before a space or punctuation closes
    (so „…“, »…«, "…” and ”…” all pair up).
    """
    char = text[index]
    if char not in QUOTE_MARKS:
        return None
    if char in "'\u2019" and _is_apostrophe(text, index):
        return None
    if char in _ALWAYS_OPEN:
        return "open"
    if char in _ALWAYS_CLOSE:
        return "close"
    before = text[index - 1] if index > begin else None
    after = text[index + 1] if index + 1 < finish else None
    opens = after is not None and not after.isspace() and after not in ",.;:!?)]}" and (
        before is None or before.isspace() or before in _BEFORE_OPENING
        or before in QUOTE_MARKS)
    closes = before is not None and not before.isspace() and (
        after is None or after.isspace() or after in _AFTER_CLOSING or after in QUOTE_MARKS)
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    if char in _OPEN_BY_DEFAULT:
        return "open"
    if char in _CLOSE_BY_DEFAULT:
        return "close"
    return "either"  # a straight mark between two words or two spaces


def quote_pairs(text: str, begin: int = 0, finish: int | None = None
                ) -> list[tuple[int, int]]:
    """Indices ``(opening, closing)`` of the quotation marks that pair up in ``text[begin:finish]``.

    Marks pair within their kind (double with double, single with single),
    whatever their shapes, honouring nesting; a mark left open is dropped when
    an outer one closes. Apostrophes inside words are not marks.
    """
    finish = len(text) if finish is None else finish
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[int, bool]] = []  # (index, is double)
    for index in range(begin, finish):
        role = _role(text, index, begin, finish)
        if role is None:
            continue
        double = text[index] in DOUBLE_MARKS
        if role == "either":
            # a straight mark closes an open one of the same character, else opens
            role = "close" if any(text[i] == text[index] for i, _ in stack) else "open"
        if role == "open":
            stack.append((index, double))
            continue
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][1] == double:
                pairs.append((stack[depth][0], index))
                del stack[depth:]
                break
    return sorted(pairs)


def inside_quotes(text: str, offset: int, end: int | None = None) -> tuple[int, int] | None:
    """The text inside the quotation marks around ``offset`` (or around the selection
    ``[offset, end)``), within its paragraph.

    Understands “…”, „…“, „…”, «…», » … «, ‘…’, ‚…‘, ‹…›, 「…」, "…", '…' and
    mismatched or mixed marks ("…”); an apostrophe inside a word is not a
    quotation mark. The innermost pair enclosing the position or selection
    wins; a position just before an opening mark, or a selection that includes
    the marks, counts as inside. Spaces just inside the marks (« French style »)
    are left out.

    Returns:
        ``(start, end)`` of the quoted text, or None when no pair encloses it or
        the quotation is empty.

    Raises:
        ValueError: when an offset lies outside the text.
    """
    _check(text, offset)
    end = offset if end is None else end
    _check(text, end)
    if end < offset:
        offset, end = end, offset
    begin, finish = _paragraph(text, offset)
    if end > finish:
        return None
    pairs = quote_pairs(text, begin, finish)
    best: tuple[int, int] | None = None
    for first, last in ((offset, end), (offset + 1, max(offset + 1, end - 1))):
        for opening, closing in pairs:
            if opening < first and last <= closing and (best is None or opening > best[0]):
                best = (opening, closing)
        if best is not None:
            break
    if best is None:
        return None
    start, stop = best[0] + 1, best[1]
    while start < stop and text[start].isspace():
        start += 1
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    return (start, stop) if start < stop else None
