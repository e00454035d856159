"""Token-level labels for the kappa and alpha coefficients.

A document is cut into tokens by the tokeniser the token exports use
(:func:`text.tokenize.tokenize`: regular expressions, code point offsets).
For each annotator, each token then gets

* one binary code per label: 1 when the token shares at least one character
  with a fragment of one of the annotator's spans of that label, else 0 ("O");
* one combined code over all the labels compared: the set of labels covering
  the token, as a bit mask (bit i = the i-th label). Labels that never overlap
  give a plain multi-class code (0 = "O"); where an annotator's spans of two
  labels overlap, their combination is a category of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from agreement.spans import SpanLike
from text.tokenize import tokenize

TOKENIZER = "text.tokenize"
MAX_LABELS = 62


@dataclass(frozen=True)
class TokenGrid:
    """A document's tokens as start and end offset arrays."""

    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    text_length: int

    @classmethod
    def of(cls, text: str) -> TokenGrid:
        tokens = tokenize(text)
        return cls(np.array([t.start for t in tokens], dtype=np.int64),
                   np.array([t.end for t in tokens], dtype=np.int64), len(text))

    def __len__(self) -> int:
        return len(self.starts)

    def covered(self, fragments: Sequence[tuple[int, int]]) -> npt.NDArray[np.bool_]:
        """Which tokens share at least one character with the fragments."""
        change = np.zeros(self.text_length + 1, dtype=np.int64)
        for start, end in fragments:
            start, end = max(0, start), min(self.text_length, end)
            if end > start:
                change[start] += 1
                change[end] -= 1
        covered_chars = np.cumsum(change[:-1]) > 0
        before = np.concatenate(([0], np.cumsum(covered_chars, dtype=np.int64)))
        return before[self.ends] - before[self.starts] > 0


@dataclass(frozen=True)
class TokenCodes:
    """One annotator's codes for one document's tokens.

    Attributes:
        binary: shape (labels, tokens), 1 where a token is inside the label.
        combined: shape (tokens,), the bit mask of the labels covering each token.
    """

    binary: npt.NDArray[np.int8]
    combined: npt.NDArray[np.int64]


def token_codes(grid: TokenGrid, spans: Sequence[SpanLike], labels: Sequence[str]) -> TokenCodes:
    """Codes each token of ``grid`` by the ``labels`` of ``spans`` covering it.

    Raises:
        ValueError: for more than :data:`MAX_LABELS` labels (the combined code is a bit mask).
    """
    if len(labels) > MAX_LABELS:
        raise ValueError(f"token agreement compares at most {MAX_LABELS} labels at a time, "
                         f"not {len(labels)}")
    binary = np.zeros((len(labels), len(grid)), dtype=np.int8)
    position = {label: index for index, label in enumerate(labels)}
    fragments: list[list[tuple[int, int]]] = [[] for _ in labels]
    for span in spans:
        index = position.get(span.label)
        if index is not None:
            fragments[index].extend(span.fragments)
    for index, label_fragments in enumerate(fragments):
        if label_fragments:
            binary[index] = grid.covered(label_fragments)
    weights = np.left_shift(np.int64(1), np.arange(len(labels), dtype=np.int64))
    combined = (binary.astype(np.int64) * weights[:, None]).sum(axis=0) if len(labels) else \
        np.zeros(len(grid), dtype=np.int64)
    return TokenCodes(binary, combined.astype(np.int64))
