"""Quotation marks: where direct speech starts and ends, in every common style.

Recognised pairs (opening → closing):

* English curly “ ” and straight " " (a straight mark opens after a space, a line
  start, a bracket or a dash, and closes otherwise), and the typewriter pairs ``…''
  and ''…'' of wire copy;
* German and Polish „ “ / „ ” and the reversed German guillemets » «;
* French, Swiss, Russian « » (with or without the thin or no-break space inside);
* single marks ‘ ’, ‹ › and straight ' ' *nested* inside a double quotation (a
  straight ' between letters is an apostrophe and never opens anything).

Quotes continued across paragraphs: English style closes a multi-paragraph quote
only at its last paragraph and re-opens each new paragraph with an opening mark.
A quotation whose paragraph ends without a closing mark continues when the next
paragraph starts with an opening mark; it becomes one quotation with one fragment
per paragraph. Without that re-opening mark an unclosed quotation ends at its
paragraph's end and is marked ``closed=False`` (lower confidence).

Scare quotes (documented rule, :func:`is_scare_quote`): a quotation of at most
three words, with no sentence punctuation (. ! ? , ; :) inside, that is not
separated from its attribution by a comma or colon, is a scare quote, a title or a
nickname ("the so-called “reform”", "nicknamed “King James”"): it is never a
direct quote of its own. It may still sit inside indirect speech, which then
becomes a *mixed* quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storage.records import FragmentBounds

Fragment = tuple[int, int]

# opening mark -> closing marks it accepts
DOUBLE_PAIRS: dict[str, str] = {
    "“": "”",  # English; also accepts a straight closing mark below
    "„": "“”",  # German „…“, Polish/Hungarian „…”
    "«": "»",
    "»": "«",  # German reversed guillemets
    "\"": "\"”",  # a straight opening mark closed by a curly one (mixed wire copy)
}
SINGLE_PAIRS: dict[str, str] = {"‘": "’", "‹": "›", "›": "‹", "'": "'", "‚": "‘’"}
ALL_MARKS = "“”„«»\"‘’‹›'‚"
_OPEN_CONTEXT = " \t\n\r([{—–-/\u00a0\u2009\u202f"
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_PARA = re.compile(r"\n\s*\n|\n")


@dataclass(frozen=True)
class Quotation(FragmentBounds):
    """A passage in quotation marks.

    ``fragments`` include the marks (one per paragraph of a continued quote);
    ``inner`` are the same fragments without the marks and the spaces inside them.
    """

    fragments: tuple[Fragment, ...]
    inner: tuple[Fragment, ...]
    closed: bool = True
    nested: bool = False


def _is_opening_straight(text: str, i: int) -> bool:
    return i == 0 or text[i - 1] in _OPEN_CONTEXT or text[i - 1] in "“„«‘"


def _paragraph_ends(text: str) -> list[int]:
    return [m.start() for m in _PARA.finditer(text)] + [len(text)]


_TEX_MARKS = re.compile(r"''|``")


def _typewriter_marks(text: str) -> str:
    """``text`` with the typewriter pairs ``…'' and ''…'' (wire services, old archives) as
    curly marks of the same length: an opening pair becomes a space and “, a closing one
    ” and a space, so every offset stays where it was."""
    if "''" not in text and "``" not in text:
        return text

    def curly(m: re.Match[str]) -> str:
        i = m.start()
        if m.group() == "``" or i == 0 or text[i - 1] in _OPEN_CONTEXT or text[i - 1] in "“„«‘":
            return " “"
        return "” "

    return _TEX_MARKS.sub(curly, text)


def find_quotations(text: str) -> list[Quotation]:
    """Every double-quoted passage of ``text`` (nested single quotes stay inside it); the
    typewriter pairs ``…'' and ''…'' count as “…”."""
    text = _typewriter_marks(text)
    para_ends = _paragraph_ends(text)
    out: list[Quotation] = []
    i, n = 0, len(text)
    p = 0  # index into para_ends of the paragraph holding i
    while i < n:
        while para_ends[p] <= i and p + 1 < len(para_ends):
            p += 1
        ch = text[i]
        if ch not in DOUBLE_PAIRS or (ch == "\"" and not _is_opening_straight(text, i)):
            i += 1
            continue
        if ch == "»" and not _guillemet_reversed(text, i):
            i += 1
            continue
        fragments: list[Fragment] = []
        start, closers, pi = i, DOUBLE_PAIRS[ch], p
        closed = False
        j = i + 1
        while True:
            end_of_para = para_ends[pi]
            close = _find_close(text, j, end_of_para, closers, ch)
            if close is not None:
                fragments.append((start, close + 1))
                closed = True
                i = close + 1
                break
            # no closing mark in this paragraph: a continued quote re-opens the next one
            fragments.append((start, _rstrip(text, start, end_of_para)))
            nxt = _next_paragraph_start(text, end_of_para)
            if nxt is not None and nxt < n and text[nxt] == ch and pi + 1 < len(para_ends):
                start, pi, j = nxt, pi + 1, nxt + 1
                continue
            i = end_of_para
            break
        inner = tuple(_strip_marks(text, s, e) for s, e in fragments)
        inner = tuple(f for f in inner if f[0] < f[1])
        if inner:
            out.append(Quotation(tuple(fragments), inner, closed))
    return out


def _guillemet_reversed(text: str, i: int) -> bool:
    """» opens a quotation only in German style, where a « closes it later on the line."""
    line_end = text.find("\n", i)
    line_end = len(text) if line_end < 0 else line_end
    return "«" in text[i + 1:line_end] and "»" not in text[text.rfind("\n", 0, i) + 1:i]


def _find_close(text: str, j: int, limit: int, closers: str, opener: str) -> int | None:
    depth_single: list[str] = []
    k = j
    while k < limit:
        c = text[k]
        if opener == "“" and c == "\"" and not depth_single:
            return k
        if c in closers and not depth_single:
            if c == "\"" and _is_opening_straight(text, k) and k + 1 < limit \
                    and not text[k + 1].isspace() and text[k + 1] not in ".,;:!?":
                return k  # a straight mark before a word still closes when nothing else will
            return k
        if c in SINGLE_PAIRS or c in "’›":
            if depth_single and c in SINGLE_PAIRS.get(depth_single[-1], ""):
                if c != "'" or k + 1 >= limit or not text[k + 1].isalnum():
                    depth_single.pop()
            elif c in SINGLE_PAIRS and _opens_single(text, k):
                depth_single.append(c)
        k += 1
    if depth_single:  # an unbalanced inner apostrophe must not hide the closing mark
        for k in range(j, limit):
            if text[k] in closers:
                return k
    return None


def _opens_single(text: str, k: int) -> bool:
    if k + 1 >= len(text) or text[k + 1].isspace():
        return False
    return k == 0 or not text[k - 1].isalnum()


def _next_paragraph_start(text: str, end: int) -> int | None:
    k = end
    while k < len(text) and text[k] in "\r\n \t\u00a0":
        k += 1
    return k if k > end else None


def _rstrip(text: str, s: int, e: int) -> int:
    while e > s and text[e - 1].isspace():
        e -= 1
    return e


def _strip_marks(text: str, s: int, e: int) -> Fragment:
    while s < e and (text[s] in ALL_MARKS or text[s].isspace()):
        s += 1
    while e > s and (text[e - 1] in ALL_MARKS or text[e - 1].isspace()):
        e -= 1
    return (s, e)


def word_count(text: str, fragments: tuple[Fragment, ...]) -> int:
    return sum(len(_WORD.findall(text[s:e])) for s, e in fragments)


def is_scare_quote(text: str, quotation: Quotation) -> bool:
    """The documented scare-quote rule (see the module docstring)."""
    if word_count(text, quotation.inner) > 3:
        return False
    inside = "".join(text[s:e] for s, e in quotation.fragments)
    if any(c in inside for c in ".!?,;:…"):
        return False
    before = text[max(0, quotation.start - 3):quotation.start].strip()
    after = text[quotation.end:quotation.end + 2].strip()
    return not (before.endswith((":", ",")) or after.startswith((",", ":")))
