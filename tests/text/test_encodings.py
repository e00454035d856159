"""text/encodings.py: the byte-order-mark table against Python's own encoders."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from text.encodings import BYTE_ORDER_MARKS, codec_after_mark, mark_length, split_bom

# Python writes a mark with these codecs (native byte order for utf-16/utf-32).
_WITH_MARK = {"utf-8-sig": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16",
              "utf-32-le": "utf-32", "utf-32-be": "utf-32"}


@given(st.text(), st.sampled_from([name for _, name in BYTE_ORDER_MARKS]))
def test_a_marked_text_is_told_and_decodes_after_its_mark(text: str, name: str) -> None:
    # FF FE then U+0000 (00 00) is the UTF-32 LE mark byte for byte: such a file is read
    # as UTF-32 LE, as every reader does (test_utf32_le_is_not_taken_for_utf16_le)
    assume(not (name == "utf-16-le" and text.startswith("\x00")))
    codec = codec_after_mark(name)
    mark = dict((marked, mark) for mark, marked in BYTE_ORDER_MARKS)[name]
    data = mark + text.encode(codec)
    found, rest = split_bom(data)
    assert found == name
    assert len(data) - len(rest) == mark_length(name)
    assert rest.decode(codec) == text


@pytest.mark.parametrize("name", ["utf-8-sig", "utf-16", "utf-32"])
def test_pythons_own_marked_output_is_recognised(name: str) -> None:
    data = "Zoë 🎉".encode(name)
    found, rest = split_bom(data)
    assert found is not None and _WITH_MARK[found] == name
    assert rest.decode(codec_after_mark(found)) == "Zoë 🎉"


def test_utf32_le_is_not_taken_for_utf16_le() -> None:
    # FF FE 00 00 starts with the UTF-16 LE mark FF FE
    assert split_bom(b"\xff\xfe\x00\x00x\x00\x00\x00") == ("utf-32-le", b"x\x00\x00\x00")


def test_no_mark_leaves_the_bytes_alone() -> None:
    assert split_bom(b"plain") == (None, b"plain")
    assert split_bom(b"") == (None, b"")
