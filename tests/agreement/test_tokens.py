"""Token codes: which tokens a span covers, per label and combined."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agreement.tokens import TokenGrid, token_codes


@dataclass(frozen=True)
class S:
    id: int
    label: str
    fragments: tuple[tuple[int, int], ...]


def test_a_token_sharing_one_character_with_a_fragment_is_inside() -> None:
    text = "Venn said: we will respond."
    grid = TokenGrid.of(text)
    assert [text[s:e] for s, e in zip(grid.starts, grid.ends, strict=True)] == [
        "Venn", "said", ":", "we", "will", "respond", "."]
    # "aid: w" touches "said", ":" and "we"
    assert grid.covered([(6, 12)]).tolist() == [False, True, True, True, False, False, False]
    assert grid.covered([]).tolist() == [False] * 7
    # two fragments, and one running past the end of the text
    assert grid.covered([(0, 2), (22, 99)]).tolist() == [True] + [False] * 4 + [True, True]


def test_offsets_are_code_points_with_emoji() -> None:
    text = "😀 Venn 😀 said"
    grid = TokenGrid.of(text)
    start = text.index("said")
    assert grid.covered([(start, start + 4)]).tolist() == [False, False, False, True]


def test_binary_and_combined_codes() -> None:
    text = "Venn said we will respond"
    spans = [S(1, "Actor", ((0, 4),)), S(2, "Quote", ((10, 25),)), S(3, "Consequence", ((13, 25),))]
    codes = token_codes(TokenGrid.of(text), spans, ["Actor", "Quote", "Consequence"])
    assert codes.binary.tolist() == [[1, 0, 0, 0, 0], [0, 0, 1, 1, 1], [0, 0, 0, 1, 1]]
    # bit 0 Actor, bit 1 Quote, bit 2 Consequence: "will respond" is Quote+Consequence = 6
    assert codes.combined.tolist() == [1, 0, 2, 6, 6]
    assert codes.combined.dtype == np.int64


def test_labels_not_compared_are_ignored() -> None:
    codes = token_codes(TokenGrid.of("Venn said"), [S(1, "Cue", ((5, 9),))], ["Actor"])
    assert codes.binary.tolist() == [[0, 0]] and codes.combined.tolist() == [0, 0]
