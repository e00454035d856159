"""Offset conversions against Python's own encoders, on texts with emoji and CJK."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from text.offsets import OffsetError, OffsetMap, utf8_length, utf16_length

TEXTS = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)


def _units16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@given(TEXTS)
def test_every_code_point_offset_matches_the_encoders(text: str) -> None:
    offsets = OffsetMap(text)
    assert offsets.utf16_length == utf16_length(text) == _units16(text)
    assert offsets.utf8_length == utf8_length(text) == len(text.encode("utf-8"))
    for index in range(len(text) + 1):
        units = offsets.to_utf16(index)
        assert units == _units16(text[:index])
        assert offsets.from_utf16(units) == index
        size = offsets.to_utf8(index)
        assert size == len(text[:index].encode("utf-8"))
        assert offsets.from_utf8(size) == index


@given(TEXTS)
def test_offsets_inside_a_character_are_refused(text: str) -> None:
    offsets = OffsetMap(text)
    starts16 = {offsets.to_utf16(i) for i in range(len(text) + 1)}
    for unit in range(offsets.utf16_length + 1):
        if unit not in starts16:
            with pytest.raises(OffsetError, match="surrogate pair"):
                offsets.from_utf16(unit)
    starts8 = {offsets.to_utf8(i) for i in range(len(text) + 1)}
    for byte in range(offsets.utf8_length + 1):
        if byte not in starts8:
            with pytest.raises(OffsetError, match="multi-byte"):
                offsets.from_utf8(byte)


def test_emoji_cjk_and_combining_marks() -> None:
    text = "a😀b中e\u0301"
    offsets = OffsetMap(text)
    assert [offsets.to_utf16(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 5, 6, 7]
    assert [offsets.to_utf8(i) for i in range(len(text) + 1)] == [0, 1, 5, 6, 9, 10, 12]
    assert offsets.from_utf16(3) == 2


def test_offsets_outside_the_text_are_refused() -> None:
    offsets = OffsetMap("abc")
    for convert in (offsets.to_utf16, offsets.from_utf16, offsets.to_utf8, offsets.from_utf8):
        with pytest.raises(OffsetError, match="outside the text"):
            convert(4)
        with pytest.raises(OffsetError, match="outside the text"):
            convert(-1)


def test_offset_errors_are_saywho_errors() -> None:
    from formats.base import ExportError, MissingDependencyError
    from formats.reading import IngestError
    from storage.errors import SaywhoError

    for error in (OffsetError, ExportError, MissingDependencyError, IngestError):
        assert issubclass(error, SaywhoError), error
    with pytest.raises(SaywhoError, match="outside the text"):
        OffsetMap("abc").from_utf16(9)
