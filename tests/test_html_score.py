"""The benchmark scorer of bench/html_score.py on a made-up evaluation set."""

from __future__ import annotations

import pytest

from bench.html_score import half_of, score

ENTRIES = [
    {"file": "a.html", "with": ["the minister  said", "talks resume"], "without": ["Subscribe"]},
    {"file": "b.html", "with": ["Ostmere replied"], "without": ["Share on X", "Most read"]},
]


def test_snippets_count_with_whitespace_normalised() -> None:
    texts = {"a.html": "The minister\n\nsaid: the minister said\ttalks.\n\nSubscribe",
             "b.html": "Ostmere\nreplied. Share on X"}
    result = score(ENTRIES, texts)
    assert (result.true_positives, result.false_negatives, result.false_positives) == (2, 1, 2)
    assert result.precision == pytest.approx(0.5)
    assert result.recall == pytest.approx(2 / 3)
    assert result.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_missing_page_is_an_empty_text_and_halves_partition() -> None:
    result = score(ENTRIES, {})
    assert (result.true_positives, result.false_negatives, result.false_positives) == (0, 3, 0)
    halves = [score(ENTRIES, {}, half) for half in ("tuning", "held-out")]
    assert sum(h.pages for h in halves) == 2
    assert half_of("a.html") == half_of("a.html") in ("tuning", "held-out")
