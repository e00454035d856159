"""The tokeniser and sentence splitter shared by the token-level exports (CoNLL, HF).

Both are plain regular expressions, Unicode-aware and dependency-free, so an
export is the same on every machine. Offsets are code points into the document
text, end exclusive, like every offset in Saywho; a token's text is always
``text[token.start:token.end]``.

Tokens:
    * a word: letters, digits and ``_`` of any script, joined by inner
      apostrophes or hyphens ("don't", "well-known", "Ban Ki-moon");
    * a number with inner separators ("3.5", "1,000", "10:30");
    * an initialism with dots ("U.S.", "e.g."), dots included;
    * one CJK ideograph or kana (these scripts do not separate words by spaces);
    * a run of sentence-final punctuation ("...", "?!", "…");
    * any other single character that is not a space (punctuation, emoji).

    Combining marks (Unicode categories Mn, Mc, Me: accents, vowel signs,
    variation selectors), emoji skin-tone modifiers, tag characters and
    zero-width-joiner sequences stay attached to the character before them, so
    "e" + U+0301 or a family emoji is never cut apart. Whitespace (including
    CR and LF) is never part of a token.

Paragraphs and sentences:
    * a blank line (two line breaks with only spaces between, CRLF or LF)
      always ends a paragraph, and with it a sentence;
    * inside a paragraph a sentence ends after ``.``, ``!``, ``?`` or ``…``
      (or a run of them), plus any closing quotes or brackets that follow
      directly, when what follows is whitespace and then a capital letter
      (or a letter of a script without case, e.g. Arabic, Hebrew, CJK), an
      opening quote or bracket, or when the whitespace holds a line break;
    * the CJK full stops ``。！？`` end a sentence without a following space;
    * a ``.`` right after a known abbreviation ("Mr.", "Dr.", "Gen.", "St.",
      see :data:`ABBREVIATIONS`) or a single capital letter (an initial:
      "J. Smith") does not end a sentence.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

__all__ = ["ABBREVIATIONS", "Sentence", "Token", "paragraph_segments", "paragraphs", "sentences",
           "tokenize"]

ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "mx", "dr", "prof", "gen", "col", "lt", "maj", "capt", "cpt", "sgt",
    "adm", "cmdr", "brig", "gov", "pres", "sen", "rep", "rev", "hon", "fr", "sr", "jr", "st",
    "mt", "ft", "no", "nos", "vs", "etc", "inc", "ltd", "co", "corp", "dept", "est", "approx",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "fig", "vol", "p", "pp", "cf", "al", "ca",
})

# CJK ideographs and kana: one token per character
_CJK = ("\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
        "\uf900-\ufaff\U00020000-\U0003134f")
_TERMINATORS = ".!?…。！？"
_CJK_TERMINATORS = frozenset("。！？")
_CLOSERS = frozenset("\"'”’»›)]}」』")
_OPENERS = frozenset("\"'“‘«‹„‚([{¿¡「『")
_BLANK_LINE = re.compile(r"(?:\r\n|\r|\n)(?:[^\S\r\n]*(?:\r\n|\r|\n))+")


class Token(NamedTuple):
    """A token: its text and code point offsets into the document."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """A sentence: its extent (first token start to last token end) and tokens."""

    start: int
    end: int
    tokens: tuple[Token, ...]


def _ranges(codes: list[int]) -> str:
    """A regex character-class body for a sorted list of code points."""
    parts = []
    first = previous = codes[0]
    for code in [*codes[1:], -2]:
        if code != previous + 1:
            parts.append(re.escape(chr(first)) if first == previous
                         else f"{re.escape(chr(first))}-{re.escape(chr(previous))}")
            first = code
        previous = code
    return "".join(parts)


@cache
def _token_pattern() -> re.Pattern[str]:
    """Builds the token regex once (the mark table takes a few milliseconds)."""
    marks = [code for span in (range(0x20000), range(0xE0000, 0xE1000)) for code in span
             if unicodedata.category(chr(code)) in ("Mn", "Mc", "Me")]
    cont = (f"(?:[{_ranges(marks)}\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]"
            r"|\u200d[^\s])")
    letter = f"[^\\W{_CJK}]"
    word = f"(?:{letter}{cont}*)+(?:['’\\-](?:{letter}{cont}*)+)*"
    number = r"\d+(?:[.,:]\d+)+"
    initialism = r"(?:[^\W\d_]\.){2,}"
    return re.compile(
        f"{initialism}|{number}|{word}|[{_CJK}]{cont}*|[{re.escape(_TERMINATORS)}]+"
        f"|[^\\w\\s]{cont}*")


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The tokens of ``text[start:end]`` with offsets into ``text``."""
    pattern = _token_pattern()
    stop = len(text) if end is None else end
    return [Token(m.group(), m.start(), m.end()) for m in pattern.finditer(text, start, stop)]


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: text between blank lines, without outer spaces."""
    result = []
    position = 0
    for separator in [*_BLANK_LINE.finditer(text), None]:
        stop = separator.start() if separator else len(text)
        chunk = text[position:stop]
        stripped = chunk.strip()
        if stripped:
            first = position + (len(chunk) - len(chunk.lstrip()))
            result.append((first, first + len(stripped)))
        if separator:
            position = separator.end()
    return result


def paragraph_segments(text: str) -> list[tuple[int, int]]:
    """Cuts ``text`` after each blank-line run: contiguous (start, end) pieces covering it all.

    Each piece is a paragraph with the line breaks and spaces that follow it
    (the first piece also holds any leading spaces), so joining the pieces
    gives the text back exactly.
    """
    first_visible = len(text) - len(text.lstrip())
    cuts = [0, *(m.end() for m in _BLANK_LINE.finditer(text)
                 if first_visible < m.start() and m.end() < len(text)), len(text)]
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _is_abbreviation(token: str) -> bool:
    if len(token) == 1:
        return token.isupper()
    return token.casefold() in ABBREVIATIONS


def _starts_sentence(char: str) -> bool:
    return char in _OPENERS or (char.isalpha() and not char.islower())


def _split(text: str, tokens: list[Token]) -> Iterator[list[Token]]:
    """Splits one paragraph's tokens into sentences (see the module docstring)."""
    current: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        current.append(token)
        index += 1
        if token.text[0] not in _TERMINATORS:
            continue
        previous = current[-2] if len(current) > 1 else None
        if (token.text == "." and previous is not None and previous.end == token.start
                and _is_abbreviation(previous.text)):
            continue
        while (index < len(tokens) and tokens[index].start == current[-1].end
               and tokens[index].text in _CLOSERS):
            current.append(tokens[index])
            index += 1
        if index == len(tokens):
            break
        following = tokens[index]
        gap = text[current[-1].end:following.start]
        if (token.text[-1] in _CJK_TERMINATORS
                or (gap and ("\n" in gap or "\r" in gap or _starts_sentence(following.text[0])))):
            yield current
            current = []
    if current:
        yield current


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text``, paragraph by paragraph, with their tokens."""
    result = []
    for para_start, para_end in paragraphs(text):
        for group in _split(text, tokenize(text, para_start, para_end)):
            result.append(Sentence(group[0].start, group[-1].end, tuple(group)))
    return result
