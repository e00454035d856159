"""Offset units in one place: code points <-> UTF-16 code units <-> UTF-8 bytes.

Saywho stores offsets as Python ``str`` indices (Unicode code points). Other
tools count differently: UIMA/Java (XMI, INCEpTION) and Qt count UTF-16 code
units, where a character outside the Basic Multilingual Plane (an emoji) takes
two; byte-oriented tools count UTF-8 bytes (1 to 4 per character).

:class:`OffsetMap` precomputes, once per document, where the characters that
change the count sit, so each conversion is a binary search: an ASCII text
costs nothing, a text with a few emoji costs a short list. Building the map
uses regular expressions (C speed) instead of a Python loop over the text.

Conversions from UTF-16 or UTF-8 refuse an offset that falls inside one
character (between the two halves of a surrogate pair, or inside a multi-byte
sequence) with :class:`OffsetError`, so a bad offset is never silently moved.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import accumulate

from storage.errors import SaywhoError

__all__ = ["OffsetError", "OffsetMap", "utf8_length", "utf16_length"]

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


class OffsetError(SaywhoError, ValueError):
    """An offset is outside the text or inside one character."""


def utf16_length(text: str) -> int:
    """The length of ``text`` in UTF-16 code units."""
    return len(text) + len(_ASTRAL.findall(text))


def utf8_length(text: str) -> int:
    """The length of ``text`` in UTF-8 bytes."""
    return len(text.encode("utf-8", "surrogatepass"))


def _utf8_extra(char: str) -> int:
    """How many bytes beyond one a non-ASCII character takes in UTF-8."""
    code = ord(char)
    if code < 0x800:
        return 1
    if code < 0x10000:
        return 2
    return 3


class OffsetMap:
    """Converts offsets of one text between code points, UTF-16 units and UTF-8 bytes.

    Args:
        text: the document text; the map only keeps positions, not the text.
    """

    def __init__(self, text: str) -> None:
        self.length = len(text)
        # code point positions of astral characters (2 UTF-16 units each)
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        # their UTF-16 start units: the k-th astral character starts k units later
        self._astral_units = [p + k for k, p in enumerate(self._astral)]
        # code point positions of non-ASCII characters and the extra UTF-8 bytes they take
        if text.isascii():
            self._wide: list[int] = []
            self._extra: list[int] = []
        else:
            matches = list(_NON_ASCII.finditer(text))
            self._wide = [m.start() for m in matches]
            self._extra = [_utf8_extra(m.group()) for m in matches]
        # extra bytes before the k-th non-ASCII character
        self._extra_before = [0, *accumulate(self._extra)]
        self._byte_starts = [p + self._extra_before[k] for k, p in enumerate(self._wide)]
        self.utf16_length = self.length + len(self._astral)
        self.utf8_length = self.length + self._extra_before[-1]

    def _check(self, offset: int, limit: int, unit: str) -> None:
        if not 0 <= offset <= limit:
            raise OffsetError(f"{unit} offset {offset} is outside the text (0..{limit})")

    def to_utf16(self, offset: int) -> int:
        """The UTF-16 unit offset of code point offset ``offset``."""
        self._check(offset, self.length, "code point")
        return offset + bisect_left(self._astral, offset)

    def from_utf16(self, offset: int) -> int:
        """The code point offset of UTF-16 unit offset ``offset``.

        Raises:
            OffsetError: outside the text, or between the halves of a surrogate pair.
        """
        self._check(offset, self.utf16_length, "UTF-16")
        before = bisect_left(self._astral_units, offset)
        if before and self._astral_units[before - 1] + 1 == offset:
            raise OffsetError(f"UTF-16 offset {offset} falls inside a surrogate pair "
                              f"(character at code point {self._astral[before - 1]})")
        return offset - before

    def to_utf8(self, offset: int) -> int:
        """The UTF-8 byte offset of code point offset ``offset``."""
        self._check(offset, self.length, "code point")
        return offset + self._extra_before[bisect_left(self._wide, offset)]

    def from_utf8(self, offset: int) -> int:
        """The code point offset of UTF-8 byte offset ``offset``.

        Raises:
            OffsetError: outside the text, or inside a multi-byte character.
        """
        self._check(offset, self.utf8_length, "UTF-8")
        before = bisect_left(self._byte_starts, offset)
        if before:
            start = self._byte_starts[before - 1]
            if offset <= start + self._extra[before - 1]:
                raise OffsetError(f"UTF-8 offset {offset} falls inside a multi-byte "
                                  f"character (code point {self._wide[before - 1]})")
        return offset - self._extra_before[before]
