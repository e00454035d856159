"""Token-level IOB2 in CoNLL style: one tag column per label, so nesting survives.

Layout: ``<out>/<annotator>/<split>.conll`` (``corpus.conll`` without splits).
Each file starts with a header naming the columns::

    # columns = TOKEN START END Actor Quote Cue Condition Consequence

then, per document, a ``-DOCSTART-`` line and a ``# doc_id = <id>`` comment,
a blank line, and the document's sentences, one token per line, separated by
blank lines. Columns are tab-separated: the token, its code point offsets into
the document text (START inclusive, END exclusive; ``ConllFormat(offsets=False)``
leaves them out) and one IOB2 tag per label (``B-Quote``, ``I-Quote`` or ``O``).
An Actor inside a Quote keeps both tags, in their own columns. Tokens and
sentences come from :mod:`text.tokenize`.

What cannot be said exactly is kept as close as possible and listed in the
manifest's ``inexact`` (see :func:`tag_sentences`):

* a span boundary inside a token (or on whitespace) is snapped outwards to the
  token ("boundary inside token");
* two overlapping spans of the same label cannot share one column: the longer
  (in tokens; the earlier on a tie) is kept ("overlaps a longer span");
* a span crossing a sentence boundary becomes one chunk per sentence, since
  IOB2 sequences are per sentence ("crosses a sentence boundary");
* a span covering no token at all (only spaces) is left out ("covers no token");
  so is a fragment of a discontinuous span that covers none ("fragment covers no
  token").

Each fragment of a discontinuous span is its own chunk (B- then I-); that is
exact per token and not listed.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from formats.base import ExportContext
from formats.common import StreamingFormat
from storage.corpus import CorpusDocument, Layer
from storage.views import SpanView
from text.tokenize import Token, sentences

NoteCallback = Callable[[SpanView, str, dict[str, Any]], None]


@dataclass(frozen=True)
class TaggedSentence:
    """A sentence's tokens and, per label, one IOB2 tag per token."""

    tokens: tuple[Token, ...]
    tags: dict[str, list[str]]


def labels_of(context: ExportContext) -> list[str]:
    """The exported labels in schema order (all of them, or those the options name)."""
    wanted = context.options.labels
    return [name for name in context.schema.label_names if wanted is None or name in wanted]


def tag_sentences(text: str, spans: Sequence[SpanView], labels: Sequence[str],
                  note: NoteCallback) -> list[TaggedSentence]:
    """IOB2 tags per label for every sentence of ``text`` (see the module docstring).

    Args:
        text: the document text.
        spans: one annotator's spans.
        labels: the labels that get a tag column; other spans are ignored.
        note: called with (span, reason, details) for every inexact span.
    """
    found = sentences(text)
    tokens = [token for sentence in found for token in sentence.tokens]
    sentence_of = [index for index, sentence in enumerate(found) for _ in sentence.tokens]
    starts = [token.start for token in tokens]
    ends = [token.end for token in tokens]
    tags = {label: ["O"] * len(tokens) for label in labels}

    candidates: dict[str, list[tuple[SpanView, list[tuple[int, int]]]]] = {
        label: [] for label in labels}
    for span in spans:
        if span.label not in tags:
            continue
        runs: list[tuple[int, int]] = []
        for start, end in span.fragments:
            first = bisect_right(ends, start)
            stop = bisect_left(starts, end)
            if first >= stop:
                if len(span.fragments) > 1:  # this fragment is lost, the others are not
                    note(span, "fragment covers no token", {"fragment": [start, end]})
                continue
            if starts[first] != start or ends[stop - 1] != end:
                note(span, "boundary inside token", {
                    "fragment": [start, end], "snapped": [starts[first], ends[stop - 1]]})
            if runs and first <= runs[-1][1]:
                runs[-1] = (runs[-1][0], max(stop, runs[-1][1]))
            else:
                runs.append((first, stop))
        if not runs:
            note(span, "covers no token", {})
            continue
        split_runs = []
        for first, stop in runs:
            cut = first
            for index in range(first + 1, stop):
                if sentence_of[index] != sentence_of[index - 1]:
                    split_runs.append((cut, index))
                    cut = index
            split_runs.append((cut, stop))
        if len(split_runs) > len(runs):
            note(span, "crosses a sentence boundary", {"chunks": len(split_runs)})
        candidates[span.label].append((span, split_runs))

    for label, items in candidates.items():
        items.sort(key=lambda item: (-sum(b - a for a, b in item[1]), item[1][0][0],
                                     item[0].id))
        column = tags[label]
        taken: dict[int, SpanView] = {}
        for span, runs in items:
            indices = [i for first, stop in runs for i in range(first, stop)]
            clash = next((taken[i] for i in indices if i in taken), None)
            if clash is not None:
                note(span, "overlaps a longer span", {"kept": clash.external_id})
                continue
            for first, stop in runs:
                column[first] = f"B-{label}"
                for index in range(first + 1, stop):
                    column[index] = f"I-{label}"
            taken.update(dict.fromkeys(indices, span))

    result = []
    position = 0
    for sentence in found:
        count = len(sentence.tokens)
        result.append(TaggedSentence(sentence.tokens, {
            label: column[position:position + count] for label, column in tags.items()}))
        position += count
    return result


def noter(context: ExportContext, document: str, layer: Layer) -> NoteCallback:
    """A callback recording inexact spans of one layer in the manifest."""

    def note(span: SpanView, reason: str, details: dict[str, Any]) -> None:
        context.manifest.note_inexact(document, layer.annotator, span.external_id, span.label,
                                      reason, **details)

    return note


class TaggedFormat(StreamingFormat, per_annotator=True):
    """A per-annotator format of IOB2-tagged sentences (see :func:`tag_sentences`)."""

    def __init__(self) -> None:
        super().__init__()
        self._labels: list[str] = []

    def start(self, context: ExportContext) -> None:
        self._labels = labels_of(context)

    def annotator_file(self, context: ExportContext, annotator: str, split: str | None,
                       header: str = "") -> TextIO:
        """``<out>/<annotator>/<split><extension>`` (``corpus`` without splits), opened once."""
        name = f"{context.split_name(split or 'corpus')}{self.EXTENSIONS[0]}"
        return self.open_file(context, context.annotator_dir(annotator) / name, header)


class ConllFormat(TaggedFormat, name="conll", extensions=(".conll",),
                  description="CoNLL IOB2, one tag column per label (token-level)"):
    """CoNLL-style IOB2 with one tag column per label."""

    def __init__(self, offsets: bool = True) -> None:
        super().__init__()
        self.offsets = offsets

    def _file(self, context: ExportContext, annotator: str, split: str | None) -> TextIO:
        columns = ["TOKEN", *(["START", "END"] if self.offsets else []), *self._labels]
        return self.annotator_file(context, annotator, split,
                                   f"# columns = {' '.join(columns)}\n")

    def write_document(self, context: ExportContext, item: CorpusDocument,
                       split: str | None) -> None:
        document = item.document
        for layer in item.layers:
            handle = self._file(context, layer.annotator, split)
            doc_id = document.external_id.replace("\r", " ").replace("\n", " ")
            handle.write(f"-DOCSTART-\n# doc_id = {doc_id}\n\n")
            for sentence in tag_sentences(document.text, layer.spans, self._labels,
                                          noter(context, document.external_id, layer)):
                for index, token in enumerate(sentence.tokens):
                    cells = [token.text]
                    if self.offsets:
                        cells += [str(token.start), str(token.end)]
                    cells += [sentence.tags[label][index] for label in self._labels]
                    handle.write("\t".join(cells) + "\n")
                handle.write("\n")
