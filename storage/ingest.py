"""Read documents (and annotations made elsewhere) from files: pure parsing, no database.

Three formats are read:

* **Plain text** (``.txt``, and any other extension when a file is named
  explicitly): the encoding is detected (UTF-8 with or without BOM, UTF-16/32
  with BOM, otherwise charset detection that prefers cp1252 for the 0x80-0x9F
  bytes news dumps are full of), line endings become ``\\n``, a BOM and the
  whitespace at the very end are dropped, and nothing else in the text changes.
  Damaged UTF-8 (see :func:`_refuse_broken_utf8`) and UTF-16/32 without a BOM
  (see :func:`_bomless_utf16`) are refused, never guessed into mojibake.
  A first line that looks like a headline becomes the title but stays in the text.
* **HTML** (``.html``, ``.htm``): the article is extracted with trafilatura after
  the obvious site clutter (menus, cookie banners, share buttons, newsletter
  boxes, related-article lists, comments, footers, scripts) has been removed;
  paragraphs are separated by a blank line and the headline is the first
  paragraph. Parsing never touches the network nor loads a DTD, and a page
  nested deeper than :data:`HTML_MAX_DEPTH` is refused.
* **JSON Lines** (``.jsonl``): one document per line, with optional annotations.
  The text is kept exactly as given. Structure is checked here (offsets, ids,
  relations, span texts); labels and attributes are checked against the schema
  later, by the storage layer.

Each file is one unit: :func:`read_file` returns all its documents or raises an
:class:`IngestError` for the first problem, whose message names the file and,
when it is known, the 1-based line.

The text of a discontinuous span is the text of its fragments joined with
:data:`FRAGMENT_JOINER` (``" … "``: U+2026 with a space on each side), as
:func:`covered_text` computes; a JSON Lines span's ``"text"`` must equal it.
"""

from __future__ import annotations

import codecs
import collections
import itertools
import json
import logging
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import charset_normalizer
import lxml.html
from lxml import etree

from storage.errors import SaywhoError
from storage.records import (
    AnnotationSetRecord,
    DocumentRecord,
    EntityRecord,
    Fragment,
    RelationRecord,
    SpanRecord,
)

__all__ = [
    "ANNOTATION_STATUSES",
    "DEFAULT_MAX_BYTES",
    "FRAGMENT_JOINER",
    "HTML_EXTENSIONS",
    "HTML_MAX_DEPTH",
    "INGEST_EXTENSIONS",
    "JSONL_EXTENSIONS",
    "TEXT_EXTENSIONS",
    "IngestError",
    "covered_text",
    "detect_title",
    "iter_files",
    "parse_html",
    "parse_jsonl",
    "parse_text",
    "read_entities",
    "read_file",
]

LOGGER = logging.getLogger(__name__)

FRAGMENT_JOINER = " … "
"""Joins the fragment texts of a discontinuous span: U+2026 with a space each side."""

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""Files larger than this are refused before they are read."""

TEXT_EXTENSIONS = frozenset({".txt"})
HTML_EXTENSIONS = frozenset({".html", ".htm"})
JSONL_EXTENSIONS = frozenset({".jsonl"})
INGEST_EXTENSIONS = TEXT_EXTENSIONS | HTML_EXTENSIONS | JSONL_EXTENSIONS
"""Extensions picked up when a folder is expanded (compared case-insensitively)."""

ANNOTATION_STATUSES = ("new", "in_progress", "done")

TITLE_MAX_CHARS = 200
_SHORT_TITLE_MAX_CHARS = 100
_MESSAGE_SNIPPET_CHARS = 60


class IngestError(SaywhoError):
    """A file (or one line of it) that cannot be read as documents.

    Attributes:
        path: The file as the user named it.
        line: The 1-based line of the problem, or None when it concerns the whole file.
        reason: The message without the ``path:line:`` prefix.
    """

    def __init__(self, path: str | os.PathLike[str], reason: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


# --------------------------------------------------------------------------- files


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Expand folders into the files to ingest, in a deterministic order.

    Folders are walked recursively (without following symbolic links to
    folders); inside them hidden files and folders are skipped and only files
    with an extension of :data:`INGEST_EXTENSIONS` are kept, sorted by their
    path relative to the folder. A path given explicitly is yielded whatever
    its extension, and even if it does not exist, so that :func:`read_file`
    reports the problem. A file reached twice is yielded once.

    Args:
        paths: Files and folders, as the user gave them.

    Yields:
        The files, in order.
    """
    seen: set[Path] = set()
    for given in paths:
        given = Path(given)
        candidates = _walk_folder(given) if given.is_dir() else [given]
        for candidate in candidates:
            try:
                key = candidate.resolve()
            except (OSError, RuntimeError):
                key = candidate.absolute()
            if key in seen:
                continue
            seen.add(key)
            yield candidate


def _walk_folder(folder: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        for name in filenames:
            if name.startswith("."):
                continue
            if os.path.splitext(name)[1].lower() in INGEST_EXTENSIONS:
                found.append(Path(dirpath, name))
    found.sort(key=lambda p: p.relative_to(folder).parts)
    return found


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[DocumentRecord]:
    """Read all documents of one file, or none.

    The format is chosen by extension: ``.jsonl`` is JSON Lines, ``.html`` and
    ``.htm`` are web pages, anything else is plain text.

    Args:
        path: The file.
        max_bytes: Larger files are refused before being read.

    Returns:
        The documents (one, except for JSON Lines), in file order.

    Raises:
        IngestError: The file is missing, a folder, unreadable, too large, or its
            content is not valid; the message names the file and line.
    """
    path = Path(path)
    data = _read_bytes_limited(path, max_bytes)
    suffix = path.suffix.lower()
    if suffix in JSONL_EXTENSIONS:
        return parse_jsonl(data, path)
    if suffix in HTML_EXTENSIONS:
        return [parse_html(data, path)]
    return [parse_text(data, path)]


def _read_bytes_limited(path: Path, max_bytes: int) -> bytes:
    """Check the file's kind and size before reading it whole."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise IngestError(path, "no such file") from None
    except PermissionError:
        raise IngestError(path, "permission denied") from None
    except OSError as err:
        raise IngestError(path, f"cannot be opened: {err.strerror or err}") from None
    if stat.S_ISDIR(info.st_mode):
        raise IngestError(path, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise IngestError(path, "is not a regular file")
    if info.st_size > max_bytes:
        raise IngestError(
            path,
            f"is {_format_size(info.st_size)}, over the {_format_size(max_bytes)} limit",
        )
    try:
        with path.open("rb") as stream:
            # Read at most one byte more than allowed: the file may grow after stat().
            data = stream.read(max_bytes + 1)
    except PermissionError:
        raise IngestError(path, "permission denied") from None
    except OSError as err:
        raise IngestError(path, f"cannot be read: {err.strerror or err}") from None
    if len(data) > max_bytes:
        raise IngestError(path, f"is over the {_format_size(max_bytes)} limit")
    return data


def _format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} bytes"


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

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Bytes 0x80-0x9F are C1 controls in latin-1 but punctuation (curly quotes,
# dashes, euro sign) in cp1252; news dumps that use them are cp1252.
_C1_CHARS = re.compile("[\x80-\x9f]")
_CP1252_PUNCTUATION = re.compile(rb"[\x91-\x97]")
_ACCENTED_LATIN = re.compile("[\xc0-\xff]")
_MAX_ACCENTED_SHARE = 0.3
_SNIFF_CHARS = 200_000
_CHAOS_TOLERANCE = 1.0  # percent of "mess" a cp1252 candidate may have over the best
_CENTRAL_EUROPEAN = frozenset({"cp1250", "iso8859_2", "mac_latin2", "cp852", "iso8859_16"})
# Control characters no text file contains (tab, newlines and form feed excluded).
_BINARY_CONTROLS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def _check_not_binary(data: bytes, path: Path, kind: str) -> None:
    for magic, description in _MAGIC_NUMBERS:
        if data.startswith(magic):
            raise IngestError(path, f"looks like {description}, not {kind}")


def _split_bom(data: bytes) -> tuple[str | None, bytes]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, data[len(bom) :]
    return None, data


def _decode_with_bom(data: bytes, encoding: str, path: Path) -> str:
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        raise IngestError(
            path,
            f"starts with a {encoding.upper()} byte-order mark but is not valid "
            f"{codec.upper()} (byte {err.start + _bom_length(encoding)})",
        ) from None


def _bom_length(encoding: str) -> int:
    return {"utf-8-sig": 3, "utf-16-le": 2, "utf-16-be": 2}.get(encoding, 4)


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


def _refuse_broken_utf8(data: bytes, error: UnicodeDecodeError, path: Path) -> None:
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


def _bomless_utf16(data: bytes) -> str | None:
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
    if len(_BINARY_CONTROLS.findall(sample)) > max(2, len(sample) // 100):
        return None
    return text


def _refuse_bomless_utf16(data: bytes, path: Path) -> None:
    """Refuses UTF-16 or UTF-32 without a byte-order mark: guessing it is unreliable."""
    codec = _bomless_utf16(data)
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


def _detect_legacy(data: bytes) -> tuple[str, str]:
    """Decode bytes that are not UTF-8, preferring cp1252 over its look-alikes.

    charset-normalizer is unsure on short Western texts (it may pick cp1250 for
    French, or a DOS code page for English with curly quotes). When the cp1252
    reading looks like Western text, cp1252 wins if it is among the equally good
    candidates, gives the same text as the best one, the bytes hold cp1252's
    curly quotes and dashes (0x91-0x97) and the best guess is not a Central
    European code page, or the best guess only puts a few letters of another
    script inside Latin words (:func:`_swallows_latin`).
    """
    try:
        cp1252_text: str | None = data.decode("cp1252")
    except UnicodeDecodeError:
        cp1252_text = None
    matches = list(charset_normalizer.from_bytes(data))
    if cp1252_text is not None and _looks_western(cp1252_text):
        if not matches:
            return cp1252_text, "cp1252"
        best = matches[0]
        best_codec = _codec_name(best.encoding)
        if any(
            _codec_name(match.encoding) in ("cp1252", "iso8859_1")
            and match.percent_chaos <= best.percent_chaos + _CHAOS_TOLERANCE
            for match in matches
        ):
            return cp1252_text, "cp1252"
        guessed_text = str(best)
        if (
            guessed_text == cp1252_text
            or _C1_CHARS.search(guessed_text) is not None
            or (_CP1252_PUNCTUATION.search(data) and best_codec not in _CENTRAL_EUROPEAN)
            or _swallows_latin(guessed_text)
        ):
            return cp1252_text, "cp1252"
        return guessed_text, best.encoding
    if matches:
        return str(matches[0]), matches[0].encoding
    if cp1252_text is not None:
        return cp1252_text, "cp1252"
    return data.decode("latin-1"), "latin-1"


_FOREIGN_LETTERS = re.compile(r"[^\W\d_\x00-\u024f]+")  # letters of scripts beyond Latin
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_MAX_FOREIGN_SHARE = 0.3


def _swallows_latin(text: str) -> bool:
    """Whether a guessed multi-byte reading turned accented letters into foreign ones.

    A double-byte code page (Big5, GBK, Shift_JIS) read over Western text takes
    an accented letter and the ASCII letter after it for one character
    ("SÃO" becomes "S鬃"): the foreign letters are few and each run of them
    touches a Latin letter. Genuine text mixing scripts has the foreign words
    apart ("Prime Minister 岸田文雄 said") or is mostly foreign.
    """
    text = text[:_SNIFF_CHARS]
    runs = list(_FOREIGN_LETTERS.finditer(text))
    if not runs:
        return False
    letters = sum(1 for char in text if char.isalpha())
    if sum(len(run.group()) for run in runs) > letters * _MAX_FOREIGN_SHARE:
        return False
    return all(
        _ASCII_LETTER.fullmatch(text[run.start() - 1 : run.start()])
        or _ASCII_LETTER.fullmatch(text[run.end() : run.end() + 1])
        for run in runs
    )


def _detect_legacy_or_refuse(data: bytes, path: Path) -> tuple[str, str]:
    """:func:`_detect_legacy`, refusing the UTF-16/32 it may guess for bytes without a BOM."""
    text, encoding = _detect_legacy(data)
    if _codec_name(encoding).startswith(("utf_16", "utf_32")):
        _refuse_as_bomless(encoding, path, sure_of_byte_order=False)
    return text, encoding


def _looks_western(text: str) -> bool:
    """Whether most letters are unaccented, as in a Western language (not mojibake)."""
    text = text[:_SNIFF_CHARS]
    letters = sum(1 for char in text if char.isalpha())
    accented = len(_ACCENTED_LATIN.findall(text))
    return letters == 0 or accented / letters < _MAX_ACCENTED_SHARE


def _codec_name(encoding: str) -> str:
    return codecs.lookup(encoding).name.replace("-", "_")


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ------------------------------------------------------------------ plain text


def parse_text(data: bytes, path: Path) -> DocumentRecord:
    """Make one document of a plain-text file's bytes.

    Args:
        data: The file's content.
        path: The file, for the record's source, id and title, and for messages.

    Returns:
        The document; ``meta["encoding"]`` names the detected encoding.

    Raises:
        IngestError: The bytes are binary, empty, or not decodable.
    """
    path = Path(path)
    _check_not_binary(data, path, "text")
    bom_encoding, body = _split_bom(data)
    if bom_encoding is not None:
        text, encoding = _decode_with_bom(body, bom_encoding, path), bom_encoding
    elif b"\x00" in data:
        _refuse_bomless_utf16(data, path)
        raise IngestError(
            path,
            "contains NUL bytes: looks like a binary file, not text "
            "(UTF-16 text needs a byte-order mark)",
        )
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            _refuse_broken_utf8(data, exc, path)
            _refuse_bomless_utf16(data, path)
            text, encoding = _detect_legacy_or_refuse(data, path)
    text = _normalise_newlines(text).lstrip("\ufeff").rstrip()
    if not text:
        raise IngestError(path, "is empty" if not data else "contains only whitespace")
    sample = text[:65536]
    if len(_BINARY_CONTROLS.findall(sample)) > max(2, len(sample) // 100):
        raise IngestError(path, "contains control characters: looks like a binary file, not text")
    return DocumentRecord(
        text=text,
        title=detect_title(text) or path.stem,
        external_id=path.stem,
        meta={"encoding": encoding},
        source=str(path),
    )


_SENTENCE_END = ".?!:;,"
_NON_SPACE = re.compile(r"\S")
_CLOSING_QUOTES = "\"'”’»›"


def detect_title(text: str) -> str | None:
    """Return the first line of ``text`` if it looks like a headline.

    A headline is non-empty, at most :data:`TITLE_MAX_CHARS` characters, does
    not end like a sentence (``. ? ! : ;`` or a closing quote after them), is not
    the only paragraph, and is followed by a blank line, or is short and
    followed by a line that does not continue it (one not starting in lower case).

    Args:
        text: A document's text, newlines normalised.

    Returns:
        The stripped headline, or None.
    """
    start = len(text) - len(text.lstrip("\n")) if text[:1] == "\n" else 0
    first_line, _, rest = text[start:].partition("\n")
    first = first_line.strip()
    if not first or len(first) > TITLE_MAX_CHARS:
        return None
    last = first[-1]
    if last in _SENTENCE_END:
        return None
    if last in _CLOSING_QUOTES and len(first) > 1 and first[-2] in _SENTENCE_END:
        return None
    if _NON_SPACE.search(rest) is None:
        return None
    following = rest.partition("\n")[0].strip()
    if not following:
        return first
    if (
        len(first) <= _SHORT_TITLE_MAX_CHARS
        and not following[0].islower()
        and not first.endswith(("-", "–", "—"))
    ):
        return first
    return None


# ------------------------------------------------------------------------ HTML

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,500}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
_XML_DECLARATION_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
_CLUTTER_WORDS = (
    "cookie|cookies|consent|gdpr|share|sharing|sharebar|social|newsletter|subscribe|"
    "subscription|signup|related|recommended|comment|comments|promo|promotion|banner|"
    "menu|nav|navbar|navigation|breadcrumb|breadcrumbs|footer|sidebar|advert|advertisement|"
    "ad|ads|sponsored|paywall|popup|modal|outbrain|taboola|most-read|mostread|trending"
)
_CLUTTER_ATTRIBUTE = re.compile(rf"(?:^|[\s_-])(?:{_CLUTTER_WORDS})(?=$|[\s_-])", re.IGNORECASE)
_CLUTTER_TAGS = (
    *("script", "style", "noscript", "template", "iframe", "object", "embed", "svg"),
    *("canvas", "video", "audio", "form", "button", "input", "select", "textarea"),
    *("nav", "footer", "aside", "figure", "dialog"),
)
_WHITESPACE = re.compile(r"\s+")
# An element named like clutter but also like an article, that holds more than
# this share of the page's text, is the article (class="article-body share-enabled").
_CLUTTER_MAX_SHARE = 0.4
_ARTICLE_ATTRIBUTE = re.compile(
    r"(?:^|[\s_-])(?:article|story|content|body|post|entry|main|text)(?=$|[\s_-])", re.IGNORECASE
)


def parse_html(data: bytes, path: Path) -> DocumentRecord:
    """Extract the article of a web page's bytes as one document.

    The text is the headline (when the page has one), then the article's
    paragraphs, separated by blank lines; whitespace inside a paragraph is
    collapsed as a browser would. ``meta`` holds what the page declares:
    ``encoding``, and when found ``date``, ``author``, ``url`` (canonical) and
    ``outlet`` (site name).

    Args:
        data: The page's bytes.
        path: The file, for the record's source and id, and for messages.

    Returns:
        The document.

    Raises:
        IngestError: The page is binary, empty, too deeply nested, cannot be
            parsed, or holds no article text.
    """
    path = Path(path)
    _check_not_binary(data, path, "HTML")
    markup, encoding = _decode_html(data, path)
    if not markup.strip():
        raise IngestError(path, "is empty" if not data else "contains only whitespace")
    try:
        tree = _parse_html_tree(markup, path)
        meta: dict[str, Any] = {"encoding": encoding}
        title, paragraphs = _extract_article(tree, meta)
    except RecursionError:
        raise IngestError(path, "HTML nested too deeply to be read; refused") from None
    except (etree.LxmlError, ValueError) as err:
        raise IngestError(
            path, f"the HTML cannot be parsed: {_without_unsafe_advice(str(err))}"
        ) from None
    # residue such as the "]>" that lxml leaves of an internal DTD subset is no text
    paragraphs = [p for p in paragraphs if any(c.isalpha() for c in p)]
    if not paragraphs:
        raise IngestError(path, "no article text found")
    if title and _squash(paragraphs[0]) != _squash(title):
        paragraphs.insert(0, title)
    title = title or path.stem
    return DocumentRecord(
        text="\n\n".join(paragraphs),
        title=title,
        external_id=path.stem,
        meta=meta,
        source=str(path),
    )


def _decode_html(data: bytes, path: Path) -> tuple[str, str]:
    bom_encoding, body = _split_bom(data)
    if bom_encoding is not None:
        return _decode_with_bom(body, bom_encoding, path), bom_encoding
    if b"\x00" in data:
        _refuse_bomless_utf16(data, path)
        raise IngestError(path, "contains NUL bytes: looks like a binary file, not HTML")
    head = data[:4096]
    declared = _XML_DECLARATION_ENCODING.search(head) or _META_CHARSET.search(head)
    if declared is not None:
        label = declared.group(1).decode("ascii").lower()
        try:
            codec = codecs.lookup(label).name
        except LookupError:
            codec = ""
        # As browsers do (WHATWG Encoding): latin-1 and ASCII labels mean
        # windows-1252, and a UTF-16 label without a BOM means UTF-8.
        if codec in ("latin-1", "iso8859-1", "ascii"):
            codec = "cp1252"
        elif codec.startswith("utf-16") or codec.startswith("utf-32"):
            codec = "utf-8"
        if codec:
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                LOGGER.info("%s: declared charset %s does not fit; detecting", path, label)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        _refuse_bomless_utf16(data, path)
        return _detect_legacy_or_refuse(data, path)


HTML_MAX_DEPTH = 256
"""How deep libxml2 lets elements nest without ``huge_tree`` (never set here); for messages."""
_DEPTH_LIMIT = re.compile(r"depth[^0-9]{0,40}(\d+)", re.IGNORECASE)
# libxml2 ends its limit messages with advice to lift the limit, which is unsafe here.
_UNSAFE_ADVICE = re.compile(
    r"[,;:]?\s*(?:use XML_PARSE_HUGE option|see xmlCtxtSetMaxAmplification)\.?", re.IGNORECASE
)


def _without_unsafe_advice(message: str) -> str:
    return _UNSAFE_ADVICE.sub("", message).strip()


def _parse_html_tree(markup: str, path: Path) -> lxml.html.HtmlElement:
    """Parse without network, DTDs or huge-tree limits lifted."""
    parser = lxml.html.HTMLParser(
        encoding="utf-8",
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    tree = lxml.html.document_fromstring(markup.encode("utf-8"), parser=parser)
    for entry in parser.error_log:
        if entry.type_name == "ERR_RESOURCE_LIMIT":
            if "depth" in entry.message.lower():
                found = _DEPTH_LIMIT.search(entry.message)
                depth = found.group(1) if found is not None else HTML_MAX_DEPTH
                raise IngestError(
                    path, f"HTML nested too deeply (more than {depth} levels); refused"
                )
            raise IngestError(
                path,
                f"the HTML is over a limit of the parser "
                f"({_without_unsafe_advice(entry.message)}); refused",
            )
    return tree


def _extract_article(tree: lxml.html.HtmlElement, meta: dict[str, Any]) -> tuple[str, list[str]]:
    """Return the headline and paragraphs of a parsed page; fill ``meta``."""
    _remove_clutter(tree)
    title = ""
    paragraphs: list[str] = []
    document = _trafilatura_extract(tree)
    if document is not None:
        title = _squash(document.title or "")
        for key, value in (
            ("date", document.date),
            ("author", document.author),
            ("url", document.url),
            ("outlet", document.sitename),
        ):
            if isinstance(value, str) and value.strip():
                meta[key] = value.strip()
        if document.body is not None:
            paragraphs = _paragraphs_of_extraction(document.body)
    _complete_metadata(tree, meta)
    if not paragraphs:
        paragraphs = _fallback_paragraphs(tree)
    if not title:
        title = _first_text(tree, "//h1") or _first_text(tree, "//title")
    if paragraphs and _squash(paragraphs[0]) == title:
        title = paragraphs[0]
    return title, paragraphs


def _trafilatura_extract(tree: lxml.html.HtmlElement) -> Any:
    import trafilatura  # imported late: it is slow to import and only HTML needs it

    try:
        return trafilatura.bare_extraction(
            tree,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            with_metadata=True,
            # no second opinion from readability/jusText: 40% faster and the same
            # text on news pages; our own extractor below still catches a miss
            fast=True,
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    except RecursionError:
        raise
    except Exception as err:  # third-party heuristics on hostile input: fall back
        LOGGER.warning("trafilatura failed (%s); using the simple extractor", err)
        return None


def _remove_clutter(tree: lxml.html.HtmlElement) -> None:
    """Drop scripts, menus, banners and other page furniture, in place."""
    for element in list(tree.iter(*_CLUTTER_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    for element in list(tree.iter("header")):
        if element.getparent() is not None and not _inside(element, ("article", "main")):
            element.drop_tree()
    body = tree.find("body")
    page_chars = len(_squash(body.text_content())) if body is not None else 0
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.tag in ("html", "head", "body"):
            continue
        if element.getparent() is None or _inside(element, ("head",)):
            continue
        names = f"{element.get('class', '')} {element.get('id', '')}"
        if not _CLUTTER_ATTRIBUTE.search(names):
            continue
        if element.find(".//article") is not None or element.find(".//main") is not None:
            continue
        if (
            _ARTICLE_ATTRIBUTE.search(names)
            and len(_squash(element.text_content())) > page_chars * _CLUTTER_MAX_SHARE
        ):
            continue
        element.drop_tree()


def _inside(element: etree._Element, tags: tuple[str, ...]) -> bool:
    return any(ancestor.tag in tags for ancestor in element.iterancestors())


def _paragraphs_of_extraction(body: etree._Element) -> list[str]:
    """Paragraph texts of trafilatura's output tree (p, head, list/item, quote, ...)."""
    paragraphs: list[str] = []
    for block in body:
        if block.tag == "list":
            items = [_squash(_text_of(item)) for item in block.iter("item")]
            paragraphs.extend(item for item in items if item)
            continue
        text = _squash(_text_of(block))
        if text:
            paragraphs.append(text)
    if not paragraphs and body.text:
        paragraphs = [line for line in (_squash(p) for p in body.text.split("\n")) if line]
    return paragraphs


def _fallback_paragraphs(tree: lxml.html.HtmlElement) -> list[str]:
    """Paragraphs of <article>, <main> or <body>, for pages trafilatura gives up on."""
    container = None
    for xpath in ("//article", "//main", "//body"):
        found = tree.xpath(xpath)
        if found:
            container = found[0]
            break
    if container is None:
        container = tree
    paragraphs = []
    for element in container.iter("h1", "p"):
        text = _squash(element.text_content())
        if text:
            paragraphs.append(text)
    return paragraphs


def _complete_metadata(tree: lxml.html.HtmlElement, meta: dict[str, Any]) -> None:
    """Fill what trafilatura missed from the usual <meta> and <link> tags."""
    lookups = (
        ("date", "//meta[@property='article:published_time']/@content"),
        ("date", "//meta[@name='date' or @name='pubdate' or @itemprop='datePublished']/@content"),
        ("date", "//time/@datetime"),
        ("author", "//meta[@name='author']/@content"),
        ("url", "//link[@rel='canonical']/@href"),
        ("url", "//meta[@property='og:url']/@content"),
        ("outlet", "//meta[@property='og:site_name']/@content"),
    )
    for key, xpath in lookups:
        if key in meta:
            continue
        values = tree.xpath(xpath)
        value = _squash(str(values[0])) if values else ""
        if value:
            meta[key] = value


def _first_text(tree: lxml.html.HtmlElement, xpath: str) -> str:
    for element in tree.xpath(xpath):
        text = _squash(element.text_content())
        if text:
            return text
    return ""


def _text_of(element: etree._Element) -> str:
    return "".join(str(piece) for piece in element.itertext())


def _squash(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


# ------------------------------------------------------------------ JSON Lines

_DOCUMENT_FIELDS = ("id", "title", "text", "meta", "annotations")
_SET_FIELDS = ("annotator", "status", "spans", "relations")
_SPAN_FIELDS = ("id", "label", "start", "end", "fragments", "text", "attributes", "entity")
_RELATION_FIELDS = ("id", "type", "source", "target", "attributes")
_ENTITY_FIELDS = ("id", "name", "kind", "aliases", "kb_id")


class _LineProblem(Exception):
    """A problem on the current line; turned into an IngestError with path and line."""


def covered_text(text: str, fragments: Sequence[Fragment]) -> str:
    """The text a span covers: its fragments' texts joined with :data:`FRAGMENT_JOINER`.

    Args:
        text: The document's text.
        fragments: ``(start, end)`` code-point offsets, in order.

    Returns:
        The covered text; for one fragment, simply ``text[start:end]``.
    """
    return FRAGMENT_JOINER.join(text[start:end] for start, end in fragments)


def _iter_json_lines(data: bytes, path: Path) -> Iterator[tuple[int, Any]]:
    """Yield (line number, parsed value) for each non-blank line of UTF-8 JSON Lines."""
    bom_encoding, body = _split_bom(data)
    if bom_encoding is not None and bom_encoding != "utf-8-sig":
        raise IngestError(path, f"is {bom_encoding.upper()} text (it starts with a byte-order "
                                "mark): JSON Lines files must be UTF-8")
    codec = _bomless_utf16(body) if b"\x00" in body else None
    if codec is not None:
        raise IngestError(path, f"looks like {codec.upper()} text without a byte-order mark: "
                                "JSON Lines files must be UTF-8")
    offset = len(data) - len(body)
    try:
        content = body.decode("utf-8")
    except UnicodeDecodeError as err:
        line = body[: err.start].count(b"\n") + 1
        raise IngestError(
            path,
            f"is not valid UTF-8 (byte 0x{body[err.start]:02x} at offset {err.start + offset})",
            line,
        ) from None
    # Split on "\n" only: U+2028 and friends may appear raw inside JSON strings.
    for number, raw in enumerate(content.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw, parse_constant=_reject_constant)
        except json.JSONDecodeError as err:
            raise IngestError(
                path, f"not valid JSON: {err.msg} (column {err.colno})", number
            ) from None
        except (_LineProblem, RecursionError) as err:
            reason = str(err) if isinstance(err, _LineProblem) else "JSON nested too deeply"
            raise IngestError(path, f"not valid JSON: {reason}", number) from None
        yield number, value


def _reject_constant(name: str) -> Any:
    raise _LineProblem(f"{name} is not a JSON number")


def parse_jsonl(data: bytes, path: Path) -> list[DocumentRecord]:
    """Read JSON Lines documents, with their annotation sets, from bytes.

    Each non-blank line is an object ``{"id", "title", "text", "meta",
    "annotations"}`` of which only ``text`` is required; the document id
    defaults to ``"<stem>-<line>"``. See the module docstring for the checks.

    Args:
        data: The file's content (UTF-8).
        path: The file, for the records' source and for messages.

    Returns:
        The documents in file order; ``line`` holds each one's line.

    Raises:
        IngestError: For the first problem; the whole file is refused.
    """
    path = Path(path)
    documents: list[DocumentRecord] = []
    first_line_of: dict[str, int] = {}
    for number, value in _iter_json_lines(data, path):
        try:
            document = _document_from_json(value, path, number)
        except _LineProblem as problem:
            raise IngestError(path, str(problem), number) from None
        assert document.external_id is not None
        if document.external_id in first_line_of:
            raise IngestError(
                path,
                f"document id {_quote(document.external_id)} is already used on line "
                f"{first_line_of[document.external_id]}",
                number,
            )
        first_line_of[document.external_id] = number
        documents.append(document)
    if not documents:
        raise IngestError(path, "contains no documents")
    return documents


def _document_from_json(value: Any, path: Path, number: int) -> DocumentRecord:
    record = _expect_object(value, "a line", _DOCUMENT_FIELDS)
    if "text" not in record:
        raise _LineProblem("missing the required field 'text'")
    text = record["text"]
    if not isinstance(text, str):
        raise _LineProblem(f"'text' must be a string, not {_json_type(text)}")
    if not text.strip():
        raise _LineProblem("'text' is empty")
    doc_id = record.get("id")
    if doc_id is None:
        doc_id = f"{path.stem}-{number}"
    elif isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    elif not isinstance(doc_id, str) or not doc_id.strip():
        raise _LineProblem(f"'id' must be a non-empty string, not {_json_type(doc_id)}")
    title = record.get("title")
    if title is None:
        title = doc_id
    elif not isinstance(title, str):
        raise _LineProblem(f"'title' must be a string, not {_json_type(title)}")
    meta = record.get("meta")
    if meta is None:
        meta = {}
    elif not isinstance(meta, dict):
        raise _LineProblem(f"'meta' must be an object, not {_json_type(meta)}")
    raw_sets = record.get("annotations")
    if raw_sets is None:
        raw_sets = []
    elif not isinstance(raw_sets, list):
        raise _LineProblem(f"'annotations' must be a list, not {_json_type(raw_sets)}")
    annotation_sets: list[AnnotationSetRecord] = []
    annotators: set[str] = set()
    for index, raw_set in enumerate(raw_sets):
        annotation_set = _annotation_set_from_json(raw_set, index, text)
        if annotation_set.annotator in annotators:
            raise _LineProblem(
                f"annotator {_quote(annotation_set.annotator)} has more than one annotation set"
            )
        annotators.add(annotation_set.annotator)
        annotation_sets.append(annotation_set)
    return DocumentRecord(
        text=text,
        title=title,
        external_id=doc_id,
        meta=meta,
        source=str(path),
        annotations=annotation_sets,
        line=number,
    )


def _annotation_set_from_json(value: Any, index: int, text: str) -> AnnotationSetRecord:
    record = _expect_object(value, f"annotations[{index}]", _SET_FIELDS)
    annotator = record.get("annotator")
    if not isinstance(annotator, str) or not annotator.strip():
        raise _LineProblem(f"annotations[{index}]: 'annotator' must be a non-empty string")
    where = f"annotator {_quote(annotator)}"
    status = record.get("status", "new")
    if status not in ANNOTATION_STATUSES:
        raise _LineProblem(
            f"{where}: unknown status {_quote(status)} "
            f"(expected one of {', '.join(ANNOTATION_STATUSES)})"
        )
    raw_spans = record.get("spans", [])
    raw_relations = record.get("relations", [])
    for name, items in (("spans", raw_spans), ("relations", raw_relations)):
        if not isinstance(items, list):
            raise _LineProblem(f"{where}: '{name}' must be a list, not {_json_type(items)}")
    used_ids: dict[str, str] = {}
    spans: list[SpanRecord] = []
    for position, raw_span in enumerate(raw_spans):
        span = _span_from_json(raw_span, position, text)
        _claim_id(used_ids, span.id, "span")
        spans.append(span)
    span_ids = {span.id for span in spans}
    relations: list[RelationRecord] = []
    for position, raw_relation in enumerate(raw_relations):
        relation = _relation_from_json(raw_relation, position, span_ids)
        _claim_id(used_ids, relation.id, "relation")
        relations.append(relation)
    return AnnotationSetRecord(annotator=annotator, status=status, spans=spans, relations=relations)


def _claim_id(used_ids: dict[str, str], item_id: str, kind: str) -> None:
    if item_id in used_ids:
        raise _LineProblem(
            f"{kind} id {_quote(item_id)} is already used by a {used_ids[item_id]} "
            "of the same annotator"
        )
    used_ids[item_id] = kind


def _span_from_json(value: Any, position: int, text: str) -> SpanRecord:
    record = _expect_object(value, f"spans[{position}]", _SPAN_FIELDS)
    span_id = _required_string(record, "id", f"spans[{position}]")
    where = f"span {_quote(span_id)}"
    label = _required_string(record, "label", where)
    start = _offset(record, "start", where, text)
    end = _offset(record, "end", where, text)
    if start >= end:
        raise _LineProblem(f"{where}: start {start} is not before end {end}")
    raw_fragments = record.get("fragments")
    if raw_fragments is None:
        fragments: list[Fragment] = [(start, end)]
    else:
        fragments = _fragments(raw_fragments, where, text)
        if fragments[0][0] != start or fragments[-1][1] != end:
            raise _LineProblem(
                f"{where}: start-end {start}-{end} does not match its fragments "
                f"({_describe_fragments(fragments)})"
            )
    covered = covered_text(text, fragments)
    span_text = record.get("text")
    if span_text is not None:
        if not isinstance(span_text, str):
            raise _LineProblem(f"{where}: 'text' must be a string, not {_json_type(span_text)}")
        if span_text != covered:
            raise _LineProblem(
                f"{where}: text {_quote(span_text)} does not match the text at "
                f"{_describe_fragments(fragments)} ({_quote(covered)})"
            )
    attributes = _optional_object(record, "attributes", where)
    entity = record.get("entity")
    if entity is not None and (not isinstance(entity, str) or not entity):
        raise _LineProblem(f"{where}: 'entity' must be a non-empty string or null")
    return SpanRecord(
        id=span_id,
        label=label,
        fragments=fragments,
        attributes=attributes,
        entity=entity,
        text=covered,
    )


def _offset(record: dict[str, Any], key: str, where: str, text: str) -> int:
    if key not in record:
        raise _LineProblem(f"{where}: missing {key!r}")
    return _check_offset(record[key], key, where, text)


def _check_offset(value: Any, name: str, where: str, text: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _LineProblem(f"{where}: {name} must be an integer, not {_json_type(value)}")
    if value < 0:
        raise _LineProblem(f"{where}: {name} {value} is negative")
    if value > len(text):
        raise _LineProblem(f"{where}: {name} {value} is beyond the text (length {len(text)})")
    return value


def _fragments(value: Any, where: str, text: str) -> list[Fragment]:
    if not isinstance(value, list) or not value:
        raise _LineProblem(f"{where}: 'fragments' must be a non-empty list of [start, end] pairs")
    fragments: list[Fragment] = []
    for item in value:
        if not isinstance(item, list) or len(item) != 2:
            raise _LineProblem(f"{where}: fragment {json.dumps(item)} is not a [start, end] pair")
        fragment_start = _check_offset(item[0], "fragment start", where, text)
        fragment_end = _check_offset(item[1], "fragment end", where, text)
        if fragment_start >= fragment_end:
            raise _LineProblem(
                f"{where}: fragment {fragment_start}-{fragment_end}: start is not before end"
            )
        fragments.append((fragment_start, fragment_end))
    fragments.sort()
    for before, after in itertools.pairwise(fragments):
        if after[0] < before[1]:
            raise _LineProblem(
                f"{where}: fragments {before[0]}-{before[1]} and {after[0]}-{after[1]} overlap"
            )
        if after[0] == before[1]:
            raise _LineProblem(
                f"{where}: fragments {before[0]}-{before[1]} and {after[0]}-{after[1]} touch; "
                "make them one fragment"
            )
    return fragments


def _describe_fragments(fragments: Sequence[Fragment]) -> str:
    return ",".join(f"{start}-{end}" for start, end in fragments)


def _relation_from_json(value: Any, position: int, span_ids: set[str]) -> RelationRecord:
    record = _expect_object(value, f"relations[{position}]", _RELATION_FIELDS)
    relation_id = _required_string(record, "id", f"relations[{position}]")
    where = f"relation {_quote(relation_id)}"
    relation_type = _required_string(record, "type", where)
    ends: dict[str, str] = {}
    for key in ("source", "target"):
        span_id = _required_string(record, key, where)
        if span_id not in span_ids:
            raise _LineProblem(
                f"{where}: {key} {_quote(span_id)} is not a span of the same annotator"
            )
        ends[key] = span_id
    return RelationRecord(
        id=relation_id,
        type=relation_type,
        source=ends["source"],
        target=ends["target"],
        attributes=_optional_object(record, "attributes", where),
    )


def _expect_object(value: Any, what: str, fields: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _LineProblem(f"{what} must be a JSON object, not {_json_type(value)}")
    unknown = [key for key in value if key not in fields]
    if unknown:
        raise _LineProblem(
            f"{what}: unknown field {_quote(unknown[0])} (expected {', '.join(fields)})"
        )
    return value


def _required_string(record: dict[str, Any], key: str, where: str) -> str:
    value = record.get(key)
    if value is None:
        raise _LineProblem(f"{where}: missing {key!r}")
    if not isinstance(value, str) or not value.strip():
        raise _LineProblem(f"{where}: {key!r} must be a non-empty string, not {_json_type(value)}")
    return value


def _optional_object(record: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = record.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _LineProblem(f"{where}: {key!r} must be an object, not {_json_type(value)}")
    return value


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {_quote(value)}" if value else "an empty string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _quote(value: Any) -> str:
    """Quote a value for a message, shortened so a long text does not flood it."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(text) > _MESSAGE_SNIPPET_CHARS:
        text = text[: _MESSAGE_SNIPPET_CHARS - 1] + "…"
    return "'" + text.replace("\n", "\\n") + "'"


# -------------------------------------------------------------------- entities


def read_entities(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[EntityRecord]:
    """Read an actor registry: one ``{"id", "name", "kind", "aliases", "kb_id"}`` per line.

    Only ``id`` and ``name`` are required; ``kind`` defaults to ``"person"``.

    Args:
        path: The ``entities.jsonl`` file.
        max_bytes: Larger files are refused before being read.

    Returns:
        The entities in file order.

    Raises:
        IngestError: For the first problem (including a repeated id), naming
            the file and line.
    """
    path = Path(path)
    data = _read_bytes_limited(path, max_bytes)
    entities: list[EntityRecord] = []
    first_line_of: dict[str, int] = {}
    for number, value in _iter_json_lines(data, path):
        try:
            entity = _entity_from_json(value)
        except _LineProblem as problem:
            raise IngestError(path, str(problem), number) from None
        if entity.id in first_line_of:
            raise IngestError(
                path,
                f"entity id {_quote(entity.id)} is already used on line {first_line_of[entity.id]}",
                number,
            )
        first_line_of[entity.id] = number
        entities.append(entity)
    return entities


def _entity_from_json(value: Any) -> EntityRecord:
    record = _expect_object(value, "a line", _ENTITY_FIELDS)
    entity_id = _required_string(record, "id", "entity")
    where = f"entity {_quote(entity_id)}"
    name = _required_string(record, "name", where)
    kind = record.get("kind", "person")
    if not isinstance(kind, str) or not kind.strip():
        raise _LineProblem(f"{where}: 'kind' must be a non-empty string, not {_json_type(kind)}")
    aliases = record.get("aliases", [])
    if aliases is None:
        aliases = []
    if not isinstance(aliases, list) or not all(
        isinstance(alias, str) and alias.strip() for alias in aliases
    ):
        raise _LineProblem(f"{where}: 'aliases' must be a list of non-empty strings")
    kb_id = record.get("kb_id")
    if kb_id is not None and (not isinstance(kb_id, str) or not kb_id.strip()):
        raise _LineProblem(f"{where}: 'kb_id' must be a non-empty string or null")
    return EntityRecord(id=entity_id, name=name, kind=kind, aliases=list(aliases), kb_id=kb_id)
