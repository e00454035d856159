"""Bytes to text: BOMs, UTF-8, and the legacy encodings news dumps use.

The encoding is detected (UTF-8 with or without BOM, UTF-16/32 with BOM,
otherwise cp1252, which includes Latin-1: see :func:`detect_legacy_or_refuse`).
Damaged UTF-8 (see :func:`refuse_broken_utf8`), UTF-16/32 without a BOM (see
:func:`bomless_utf16`) and other legacy code pages are refused, never guessed
into mojibake.
"""

from __future__ import annotations

import codecs
import collections
import re
from pathlib import Path

from formats.reading import IngestError
from text.encodings import codec_after_mark, mark_length
from text.encodings import split_bom as split_bom  # the readers' import of it

# ------------------------------------------------------------------ encodings

_MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument file)"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program (ELF executable)"),
)

_ACCENTED_LATIN = re.compile("[\xc0-\xff]")
_MAX_ACCENTED_SHARE = 0.3
_SNIFF_CHARS = 200_000
# Control characters no text file contains (tab, newlines and form feed excluded).
BINARY_CONTROLS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def check_not_binary(data: bytes, path: Path, kind: str) -> None:
    for magic, description in _MAGIC_NUMBERS:
        if data.startswith(magic):
            raise IngestError(path, f"looks like {description}, not {kind}")


def decode_with_bom(data: bytes, encoding: str, path: Path) -> str:
    """The text after a byte-order mark (``encoding``: the name :func:`split_bom` gave)."""
    codec = codec_after_mark(encoding)
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        raise IngestError(
            path,
            f"starts with a {encoding.upper()} byte-order mark but is not valid "
            f"{codec.upper()} (byte {err.start + mark_length(encoding)})",
        ) from None


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                            rb"|[\xf0-\xf4][\x80-\xbf]{3}")
# Exactly the well-formed multi-byte sequences (Unicode table 3-7).
_UTF8_WELL_FORMED = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")
_NON_ASCII_RUN = re.compile(rb"[\x80-\xff]+")
_LATIN1_LEADS = (0xC2, 0xC3)
_MAX_CUT_LEADS = 1000


def refuse_broken_utf8(data: bytes, error: UnicodeDecodeError, path: Path) -> None:
    """Refuses UTF-8 text damaged by a few bad bytes instead of reading it as mojibake.

    Two rules tell damaged UTF-8 from a legacy code page (cp1252, Latin-1):

    1. A legacy file has almost no valid UTF-8 multi-byte sequences; a file
       with valid sequences and few bytes that fail (at most two per valid
       sequence: a bad byte may break the sequence it lands in) is damaged UTF-8.
    2. A file whose only undecodable bytes are 0xC2 or 0xC3 lead bytes cut short
       (see :func:`_cut_latin1_lead`) is damaged UTF-8, even when it has no
       valid sequence at all (ASCII with one ``é`` broken: ``caf\\xc3(``).
       0xC2/0xC3 start the UTF-8 form of every character U+0080-U+00FF, the
       accented letters of Western text, so these are the bytes damage leaves;
       in cp1252 they are the capitals Â and Ã, which stand in capitalised or
       all-capital words ("SÃO PAULO", "IRMÃ,", "Ângelo"), never after a
       lower-case letter nor alone before punctuation. Any other undecodable
       byte (0x93 curly quotes, 0xE9 é, ...) keeps the file a legacy one.
    """
    valid = len(_UTF8_SEQUENCE.findall(data))
    invalid = len(data.decode("utf-8", errors="replace")) - len(
        data.decode("utf-8", errors="ignore"))
    if valid and invalid <= 2 * valid:
        line = data.count(b"\n", 0, error.start) + 1
        raise IngestError(
            path,
            f"is not valid UTF-8: byte 0x{data[error.start]:02X} at offset {error.start} "
            f"cannot be decoded (and {invalid - 1} more); the rest of the file is UTF-8, so "
            "it was damaged: re-save it as UTF-8",
            line=line,
        )
    cut = _cut_latin1_leads(data)
    if cut:
        first = cut[0]
        following = data[first + 1 : first + 2]
        after = (f"0x{following[0]:02X} {following.decode('cp1252', errors='replace')!r}"
                 if following else "the end of the file")
        at_least = "at least " if len(cut) >= _MAX_CUT_LEADS else ""
        more = f" (and {at_least}{len(cut) - 1} more like it)" if len(cut) > 1 else ""
        raise IngestError(
            path,
            f"is not valid UTF-8: byte 0x{data[first]:02X} at offset {first} starts a "
            f"two-byte UTF-8 character but is followed by {after}{more}; this is damaged "
            "UTF-8, not cp1252: re-save it as UTF-8",
            line=data.count(b"\n", 0, first) + 1,
        )


def _cut_latin1_leads(data: bytes) -> list[int]:
    """Offsets of the undecodable bytes when all of them are 0xC2/0xC3 leads cut short.

    Returns an empty list as soon as one undecodable byte is anything else, or
    one 0xC2/0xC3 reads as a cp1252 capital (:func:`_cut_latin1_lead`). After
    :data:`_MAX_CUT_LEADS` cut leads and no sign of a legacy code page, the
    rest is not looked at: the file is damaged UTF-8 (and the scan stays short).
    """
    cut: list[int] = []
    for run in _NON_ASCII_RUN.finditer(data):
        position, end = run.start(), run.end()
        while position < end:
            sequence = _UTF8_WELL_FORMED.match(data, position, end)
            if sequence is not None:
                position = sequence.end()
                continue
            if not _cut_latin1_lead(data, position):
                return []
            cut.append(position)
            if len(cut) >= _MAX_CUT_LEADS:
                return cut
            position += 1
    return cut


def _cut_latin1_lead(data: bytes, offset: int) -> bool:
    """Whether the undecodable byte at ``offset`` is a 0xC2/0xC3 lead, not a cp1252 capital.

    It may be the capital Â or Ã of cp1252 when it does not follow a lower-case
    ASCII letter and either follows a capital (the middle or end of an
    all-capital word) or is followed by a letter (the start of a word).
    """
    if data[offset] not in _LATIN1_LEADS:
        return False
    before = data[offset - 1] if offset > 0 else 0x20
    after = data[offset + 1] if offset + 1 < len(data) else 0x20
    if 0x61 <= before <= 0x7A:  # a-z
        return True
    after_letter = 0x41 <= after <= 0x5A or 0x61 <= after <= 0x7A
    return not (0x41 <= before <= 0x5A or after_letter)


# East Asian text (CJK, kana, hangul and the punctuation they use), which
# UTF-16 without a byte-order mark and without any ASCII character (so without
# a NUL byte) is made of.
_EAST_ASIAN_CHAR = re.compile(
    "[\u1100-\u11ff\u2e80-\u2fdf\u3000-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff"
    "\u00b7\u2014\u2015\u2018\u2019\u201c\u201d\u2025\u2026\u2030\u203b]"
)
# Kana, CJK punctuation (、。「」) and full-width forms (，！？): East Asian prose
# has them, and no legacy East Asian encoding (Shift_JIS, GBK, Big5, EUC) read
# as UTF-16 gives them without an ASCII byte (0x30) or a 0xFF byte.
_EAST_ASIAN_SIGNATURE = re.compile("[\u3000-\u30ff\uff00-\uffef]")
_WIDE_CHARS = re.compile("[^\x00-\xff]+")
# Letters of the 256-character blocks of Greek, Cyrillic, Armenian, Hebrew,
# Arabic, Indic and other alphabets (U+0370-U+10FF): no byte pair of ASCII or
# binary junk decodes into them, as their high byte is a control byte (0x03-0x10).
_ALPHABET_BLOCKS = (0x03, 0x10)
_UTF16_MIN_CHARS = 4
_UTF16_MIN_EAST_ASIAN_SHARE = 0.95
_UTF16_MAX_MISPLACED_NULS = 0.05
_UTF16_MIN_NARROW_SHARE = 0.2


def bomless_utf16(data: bytes) -> str | None:
    """The UTF-16/UTF-32 codec BOM-less bytes are written in, or None.

    Bytes with NULs are UTF-32 when two of every four bytes are always NUL,
    UTF-16 when the NULs fall (almost) only on odd offsets (little-endian) or
    only on even ones (big-endian); in both cases the bytes must decode to
    text without binary control characters, and for UTF-16 either at least a
    fifth of the characters are ASCII or Latin-1 (Western text), or the others
    are East Asian (CJK text with some ASCII) or letters of one alphabet such
    as Cyrillic or Greek (words between spaces). Bytes without NULs (text
    without a single ASCII character) are UTF-16 when they decode to East Asian
    text: at least four characters, at least 95% of them CJK, kana, hangul or
    their punctuation, and at least one kana, CJK punctuation mark or
    full-width form (:data:`_EAST_ASIAN_SIGNATURE`). Western legacy text fails
    the 95% (its spaces give U+20xx units), legacy East Asian text fails the
    last test, and a binary file with a few NULs the others: it is refused as
    binary. Shares are measured on the first :data:`_SNIFF_CHARS` characters.
    """
    quads = len(data) // 4
    if quads:
        columns = [data[column : 4 * quads : 4].count(0) for column in range(4)]
        for codec, nul_columns in (("utf-32-le", (2, 3)), ("utf-32-be", (0, 1))):
            if all(columns[column] == quads for column in nul_columns) and (
                    _decoded_text(data, codec, 4) is not None):
                return codec
    pairs = len(data) // 2
    even_nuls = data[0 : 2 * pairs : 2].count(0)
    odd_nuls = data[1 : 2 * pairs : 2].count(0)
    if even_nuls or odd_nuls:
        if odd_nuls > even_nuls:
            codec, misplaced, placed = "utf-16-le", even_nuls, odd_nuls
        else:
            codec, misplaced, placed = "utf-16-be", odd_nuls, even_nuls
        if misplaced > placed * _UTF16_MAX_MISPLACED_NULS:
            return None
        text = _decoded_text(data, codec, 2)
        if text is None:
            return None
        if placed >= pairs * _UTF16_MIN_NARROW_SHARE:
            return codec
        wide = "".join(_WIDE_CHARS.findall(text[:_SNIFF_CHARS]))
        if len(wide) < _UTF16_MIN_CHARS:
            return None
        needed = len(wide) * _UTF16_MIN_EAST_ASIAN_SHARE
        if _EAST_ASIAN_CHAR.subn("", wide)[1] >= needed:
            return codec
        blocks = collections.Counter(ord(char) >> 8 for char in wide if char.isalpha())
        block, letters = blocks.most_common(1)[0] if blocks else (0, 0)
        if _ALPHABET_BLOCKS[0] <= block <= _ALPHABET_BLOCKS[1] and letters >= needed:
            return codec
        return None
    if len(data) % 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            sample = data.decode(codec)[:_SNIFF_CHARS]
        except UnicodeDecodeError:
            continue
        if (
            len(sample) >= _UTF16_MIN_CHARS
            and _EAST_ASIAN_SIGNATURE.search(sample) is not None
            and _EAST_ASIAN_CHAR.subn("", sample)[1]
            >= len(sample) * _UTF16_MIN_EAST_ASIAN_SHARE
        ):
            return codec
    return None


def _decoded_text(data: bytes, codec: str, unit: int) -> str | None:
    """Whole units of ``data`` decoded as ``codec``, or None if that fails or looks binary."""
    try:
        text = data[: len(data) - len(data) % unit].decode(codec)
    except UnicodeDecodeError:
        return None
    sample = text[:65536]
    if len(BINARY_CONTROLS.findall(sample)) > max(2, len(sample) // 100):
        return None
    return text


def refuse_bomless_utf16(data: bytes, path: Path) -> None:
    """Refuses UTF-16 or UTF-32 without a byte-order mark: guessing it is unreliable."""
    codec = bomless_utf16(data)
    if codec is not None:
        _refuse_as_bomless(codec, path)


def _refuse_as_bomless(codec: str, path: Path, sure_of_byte_order: bool = True) -> None:
    family = "UTF-32" if "32" in codec else "UTF-16"
    label = codecs.lookup(codec).name.upper() if sure_of_byte_order else family
    raise IngestError(
        path,
        f"looks like {label} text without a byte-order mark: save it as UTF-8, or as "
        f"{family} with a byte-order mark",
    )


def detect_legacy_or_refuse(data: bytes, path: Path) -> tuple[str, str]:
    """Reads bytes that are not UTF-8 as cp1252 (which includes Latin-1), or refuses them.

    cp1252 and Latin-1 are the only legacy encodings read without a byte-order
    mark or a declaration (an HTML ``charset``): a file they cannot decode, or
    whose cp1252 reading is not Western text (:func:`_looks_western`; Cyrillic,
    Greek, Turkish or East Asian code pages read as cp1252 give runs of accented
    capitals), is refused by the offset of its first byte that is not UTF-8,
    never guessed into another code page's mojibake. (Latin-1 text has no bytes
    0x80-0x9F, which are control characters there; over the others cp1252 and
    Latin-1 agree.)

    Raises:
        IngestError: naming the first byte that is not UTF-8, its offset and line.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and _looks_western(text):
        return text, "cp1252"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        first = err.start
    else:  # pragma: no cover - callers only pass bytes that are not UTF-8
        raise AssertionError("detect_legacy_or_refuse needs bytes that are not UTF-8")
    raise IngestError(
        path,
        f"is not valid UTF-8: byte 0x{data[first]:02X} at offset {first} cannot be decoded, "
        "and the file is not Western text in cp1252 or Latin-1 either (the only legacy "
        "encodings read without a byte-order mark or a declaration): re-save it as UTF-8",
        line=data.count(b"\n", 0, first) + 1,
    )


# cp1252's symbols (bytes 0x80-0xBF, 0xD7, 0xF7) that Western words never hold between
# two letters; quotation marks, dashes, the middle dot, the soft hyphen and the letters
# among them (ƒ Š š Œ œ Ž ž Ÿ ª µ º) are left out. Another code page read as cp1252
# puts them there: Polish "zamknięty" in cp852 reads "zamkni©ty".
_SYMBOLS = "".join(
    char for char in bytes([*range(0x80, 0xC0), 0xD7, 0xF7]).decode("cp1252", "ignore")
    if char not in "\u2018\u2019\u201c\u201d\u2013\u2014\u00b7\u00ad\u00a0ƒŠšŒœŽžŸªµº")
_LATIN_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff"
_SYMBOL_IN_WORD = re.compile(f"[{_LATIN_LETTER}][{re.escape(_SYMBOLS)}][{_LATIN_LETTER}]")


def _looks_western(text: str) -> bool:
    """Whether ``text`` reads as a Western language, not as another code page's mojibake.

    Most letters are unaccented, and no word has a symbol between two letters.
    """
    text = text[:_SNIFF_CHARS]
    letters = sum(1 for char in text if char.isalpha())
    accented = len(_ACCENTED_LATIN.findall(text))
    if letters and accented / letters >= _MAX_ACCENTED_SHARE:
        return False
    return _SYMBOL_IN_WORD.search(text) is None


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


