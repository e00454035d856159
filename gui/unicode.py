"""Code points <-> UTF-16 code units, for the boundary between Python and Qt.

Python ``str`` offsets (what Saywho stores) count code points; QTextDocument
positions count UTF-16 code units, where a character outside the Basic
Multilingual Plane (most emoji, some CJK) takes two. :class:`Utf16Map` is built
once per document: a sorted list of the code point indices of astral
characters, found with a regular expression (C speed). Each conversion is one
binary search, O(log k) for k astral characters; a text without any costs
nothing.

It also lists where Qt starts a new block (paragraph), because the text view
indexes spans by block: ``block_starts`` holds the code point offset of every
block's first character, so block ``n`` of the QTextDocument covers
``block_starts[n] .. block_starts[n + 1] - 1``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from types import ModuleType
from typing import Any

_numpy: ModuleType | None
try:
    import numpy as _numpy
except ImportError:  # pragma: no cover - numpy comes with matplotlib
    _numpy = None

__all__ = ["BLOCK_SEPARATORS", "Utf16Map", "qt_display_text"]

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
#: Characters QTextDocument turns into a block boundary (one unit each).
BLOCK_SEPARATORS = "\n\r\u2029"
_BLOCK_BREAK = re.compile("[\n\r\u2029]")


def qt_display_text(text: str) -> str:
    """The text to give QPlainTextEdit so that its positions match ``text``.

    Qt folds "\\r\\n" into one block separator, which would shift every later
    offset by one. Replacing the "\\r" of a pair by a space keeps the length and
    the paragraph break. Everything else is passed through unchanged.
    """
    if "\r" not in text:
        return text
    return text.replace("\r\n", " \n")


def _scan(text: str) -> tuple[list[int], list[int]]:
    """Indices of astral characters, and of the characters following a block break.

    With numpy (installed with matplotlib) a 1 MB text is scanned in a few
    milliseconds as an array of UTF-32 code units; the regular expressions
    below are the fallback (about three times slower).
    """
    if _numpy is not None and len(text) > 4096:
        # the narrowest code units that hold the text: bytes (ASCII), UTF-16 without a
        # surrogate (no astral character), else UTF-32 (a 10 MB text: 1 / 7 / 20 ms)
        astral: list[int] = []
        units: Any
        if text.isascii():
            units = _numpy.frombuffer(text.encode("ascii"), dtype=_numpy.uint8)
        else:
            data = text.encode("utf-16-le")
            if len(data) == 2 * len(text):
                units = _numpy.frombuffer(data, dtype=_numpy.uint16)
            else:
                units = _numpy.frombuffer(text.encode("utf-32-le"), dtype=_numpy.uint32)
                astral = _numpy.flatnonzero(units >= 0x10000).tolist()
        breaks = units == 10
        if "\r" in text:
            breaks |= units == 13
        if "\u2029" in text:
            breaks |= units == 0x2029
        return astral, (_numpy.flatnonzero(breaks) + 1).tolist()
    astral = [] if text.isascii() else [match.start() for match in _ASTRAL.finditer(text)]
    return astral, [match.end() for match in _BLOCK_BREAK.finditer(text)]


class Utf16Map:
    """Converts offsets of one text between code points and UTF-16 units.

    Args:
        text: The document text exactly as stored (code points).
    """

    __slots__ = ("_astral", "_astral_ends16", "block_starts", "length", "length16")

    def __init__(self, text: str) -> None:
        self._astral, breaks = _scan(qt_display_text(text))
        # UTF-16 offset just past each astral character (start + 2 units).
        self._astral_ends16 = [cp + index + 2 for index, cp in enumerate(self._astral)]
        self.length = len(text)
        self.length16 = len(text) + len(self._astral)
        self.block_starts = [0, *breaks]

    @property
    def has_astral(self) -> bool:
        """True when some character takes two UTF-16 units."""
        return bool(self._astral)

    def to_utf16(self, offset: int) -> int:
        """The UTF-16 position of code point offset ``offset`` (0..len(text))."""
        if not self._astral:
            return offset
        return offset + bisect_left(self._astral, offset)

    def to_code_points(self, position: int, round_up: bool = False) -> int:
        """The code point offset of UTF-16 position ``position``.

        A position between the two halves of a surrogate pair (Qt never puts
        the cursor there, but a hit test can) is moved to the character's start,
        or to its end when ``round_up`` is true.
        """
        if not self._astral:
            return position
        before = bisect_right(self._astral_ends16, position)
        offset = position - before
        if before < len(self._astral) and self._astral[before] + before + 1 == position:
            return offset if round_up else offset - 1
        return offset

    def block_of(self, offset: int) -> int:
        """The number of the block (paragraph) that holds code point ``offset``."""
        return bisect_right(self.block_starts, offset) - 1

    def block_range(self, block_number: int) -> tuple[int, int]:
        """Code point ``(start, end)`` of a block's text, without its separator."""
        start = self.block_starts[block_number]
        if block_number + 1 < len(self.block_starts):
            return start, self.block_starts[block_number + 1] - 1
        return start, self.length

    def blocks_of(self, start: int, end: int) -> range:
        """Numbers of the blocks touched by the code point range ``[start, end)``."""
        first = self.block_of(start)
        last = self.block_of(max(start, end - 1))
        return range(first, last + 1)
