"""Agreement of hand-made projects, checked by hand and by independent computations."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from corpus_builders import (
    DOC1,
    DOC2,
    alice_doc1,
    alice_doc2,
    bob_doc1,
    bob_doc2,
    build,
    carol_doc1,
    span,
)
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from agreement import AgreementOptions, NotEnoughAnnotations, compute_agreement
from agreement.unitizing import unitizing_alpha
from export.tokenize import tokenize
from storage.errors import ValidationError
from storage.project import Project
from storage.records import AnnotationSetRecord, SpanRecord

LABELS = ["Actor", "Quote", "Cue", "Condition", "Consequence"]


def token_labels(text: str, spans: Sequence[SpanRecord], label: str | None) -> list[str]:
    """Per token: 'X' or 'O' for one label; for None, the sorted labels covering it joined.

    Written with plain loops, independent of agreement.tokens.
    """
    result = []
    for token in tokenize(text):
        covering = sorted({s.label for s in spans for start, end in s.fragments
                           if start < token.end and token.start < end})
        if label is None:
            result.append("+".join(covering) or "O")
        else:
            result.append(label if label in covering else "O")
    return result


def test_two_annotators_span_f1_by_hand(two_annotators: Project) -> None:
    report = compute_agreement(two_annotators)
    assert report.annotators == ("alice", "bob")
    pair = report.pair("alice", "bob")
    assert (pair.documents, pair.annotators) == (2, ("alice", "bob"))
    # Actor: doc1 A1 "Minister Orla Venn" vs "Orla Venn" (overlap 9 / union 18 = 0.5),
    #        doc1 A2 "Venn" identical, doc2 "The council of Tarnis" vs "council of Tarnis"
    #        (17/21). exact 1 of 3 and 3: F1 = 2/6; overlap and ratio >= .5: 3 -> F1 = 1
    actor = pair.labels["Actor"]
    assert (actor.exact.matched, actor.exact.reference, actor.exact.other) == (1, 3, 3)
    assert actor.exact.f1 == pytest.approx(1 / 3)
    assert actor.overlap.f1 == 1.0 and actor.min_overlap.f1 == 1.0
    # Cue: alice marked "said" in both documents, bob only in doc1: P = 1, R = 1/2, F1 = 2/3
    cue = pair.labels["Cue"]
    assert (cue.exact.precision, cue.exact.recall, cue.exact.f1) == pytest.approx(
        (1.0, 0.5, 2 / 3))
    # overall exact: Actor 1 + Quote 1 (Q2) + Cue 1 + Condition 2 + Consequence 2 = 7 of
    # 11 (alice) and 10 (bob): F1 = 14/21
    assert pair.overall.exact.matched == 7
    assert pair.overall.exact.f1 == pytest.approx(14 / 21)
    # a stricter ratio loses alice's A1 ("Orla Venn" covers half of it)
    strict = compute_agreement(two_annotators, AgreementOptions(min_overlap=0.6))
    assert strict.pair("alice", "bob").labels["Actor"].min_overlap.matched == 2
    assert strict.pair("alice", "bob").labels["Actor"].overlap.matched == 3


def test_token_kappa_and_alpha_match_sklearn_and_krippendorff(two_annotators: Project) -> None:
    pair = compute_agreement(two_annotators).pair("alice", "bob")
    documents = [(DOC1, alice_doc1(), bob_doc1()), (DOC2, alice_doc2(), bob_doc2())]
    assert pair.tokens == sum(len(tokenize(text)) for text, _, _ in documents)
    for label in [*LABELS, None]:
        alice = [v for text, a, _ in documents for v in token_labels(text, a.spans, label)]
        bob = [v for text, _, b in documents for v in token_labels(text, b.spans, label)]
        result = pair.overall if label is None else pair.labels[label]
        assert result.kappa == pytest.approx(cohen_kappa_score(alice, bob)), label
        codes = {value: index for index, value in enumerate(sorted(set(alice + bob)))}
        data = np.array([[codes[v] for v in alice], [codes[v] for v in bob]], dtype=float)
        assert result.alpha == pytest.approx(
            krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")), label


def test_alpha_u_is_computed_on_the_characters_of_each_document(two_annotators: Project) -> None:
    pair = compute_agreement(two_annotators).pair("alice", "bob")
    # one continuum: doc1 then doc2, each its own section
    offset = len(DOC1)
    sections = [(0, len(DOC1)), (offset, offset + len(DOC2))]
    for label in LABELS:
        units = []
        for first, second in ((alice_doc1(), alice_doc2()), (bob_doc1(), bob_doc2())):
            units.append([f for s in first.spans if s.label == label for f in s.fragments]
                         + [(a + offset, b + offset) for s in second.spans
                            if s.label == label for a, b in s.fragments])
        assert pair.labels[label].alpha_u == pytest.approx(unitizing_alpha(sections, units))
    assert pair.labels["Condition"].alpha_u == 1.0  # identical in both documents


def test_relations_on_matched_spans_and_at_the_actor_level(two_annotators: Project) -> None:
    relations = compute_agreement(two_annotators).pair("alice", "bob").relations
    # speaker: Q1 -> A1 on both sides (A1s matched) agrees; Q2 -> A2 (alice) vs Q2 -> A1
    # (bob): different spans, but both mentions of the registry actor "venn".
    speaker = relations["speaker"]
    assert (speaker.sources, speaker.agree, speaker.actor_agree) == (2, 1, 2)
    assert speaker.observed == 0.5 and speaker.actor_observed == 1.0
    assert speaker.links.f1 == 0.5
    # cue: only Q1 has one (on both sides), and bob's "said" matches alice's
    assert (relations["cue"].sources, relations["cue"].agree) == (1, 1)
    assert relations["cue"].actor_observed is None  # Cue is not linked to the registry
    # consequence and holder: identical in doc1 and doc2
    assert (relations["consequence"].sources, relations["consequence"].agree) == (2, 2)
    assert (relations["holder"].sources, relations["holder"].agree) == (2, 2)


def test_actor_level_needs_the_same_registry_actor(tmp_path: Path) -> None:
    # carol's second "Venn" is not linked to the registry: a different mention is then
    # a disagreement at the actor level too.
    carol = carol_doc1()
    carol.relations[1].target = "A1"  # Q2 -> "Minister Orla Venn"
    with build(tmp_path / "p.saywho", {"venn-warns": [alice_doc1(), carol]}) as project:
        speaker = compute_agreement(project).pair("alice", "carol").relations["speaker"]
    # Q1 pair agrees; alice's Q2 "If Karsk moves troops, we will respond" and carol's Q2
    # "we will respond" overlap by 15/38 < 0.5, so only Q1 is a matched source
    assert (speaker.sources, speaker.agree, speaker.actor_agree) == (1, 1, 1)
    with build(tmp_path / "q.saywho", {"venn-warns": [alice_doc1(), carol]}) as project:
        loose = compute_agreement(project, AgreementOptions(min_overlap=0.0))
    speaker = loose.pair("alice", "carol").relations["speaker"]
    # now Q2s match: alice's target A2 (linked to venn) vs carol's A1 (linked to venn)
    assert (speaker.sources, speaker.agree, speaker.actor_agree) == (2, 1, 2)
    carol.spans[0].entity = None
    with build(tmp_path / "r.saywho", {"venn-warns": [alice_doc1(), carol]}) as project:
        unlinked = compute_agreement(project, AgreementOptions(min_overlap=0.0))
    speaker = unlinked.pair("alice", "carol").relations["speaker"]
    assert (speaker.sources, speaker.agree, speaker.actor_agree) == (2, 1, 1)


def test_attribute_agreement_on_matched_spans(two_annotators: Project) -> None:
    attributes = compute_agreement(two_annotators).pair("alice", "bob").attributes
    # Quote form: Q1 indirect/indirect, Q2 direct/indirect
    form = attributes["Quote"]["form"]
    assert (form.pairs, form.agree, form.observed) == (2, 1, 0.5)
    assert form.kappa == pytest.approx(cohen_kappa_score(["indirect", "direct"],
                                                         ["indirect", "indirect"]))
    # Consequence type: threat/promise (doc1), promise/offer (doc2): p_o = 0, p_e = 1/4
    kind = attributes["Consequence"]["type"]
    assert (kind.pairs, kind.agree) == (2, 0)
    assert kind.kappa == pytest.approx(-1 / 3)
    assert kind.kappa == pytest.approx(cohen_kappa_score(["threat", "promise"],
                                                         ["promise", "offer"]))
    assert attributes["Actor"]["kind"].observed == 1.0
    assert "Cue" not in attributes  # no attributes to compare


def test_three_annotators_pairs_and_all(three_annotators: Project) -> None:
    report = compute_agreement(three_annotators)
    assert report.annotators == ("alice", "bob", "carol")
    # alice-bob share doc1 and doc2; carol finished doc1 only; doc3 is alice's alone
    documents = {p.annotators: p.documents for p in report.pairs}
    assert documents == {("alice", "bob"): 2, ("alice", "carol"): 1, ("bob", "carol"): 1}
    assert report.all is not None
    assert (report.all.annotators, report.all.documents) == (("alice", "bob", "carol"), 1)
    # Fleiss' kappa and alpha over the three on doc1 tokens
    layers = [alice_doc1(), bob_doc1(), carol_doc1()]
    for label in [*LABELS, None]:
        values = [token_labels(DOC1, layer.spans, label) for layer in layers]
        codes = {v: i for i, v in enumerate(sorted({v for row in values for v in row}))}
        ratings = np.array([[codes[v] for v in row] for row in values])
        table, _ = aggregate_raters(ratings.T, n_cat=len(codes))
        result = report.all.overall if label is None else report.all.labels[label]
        assert result.kappa == pytest.approx(statsmodels_fleiss(table)), label
        assert result.alpha == pytest.approx(krippendorff.alpha(
            reliability_data=ratings.astype(float), level_of_measurement="nominal")), label
    # pooled span counts: the three pairs on doc1 (alice 7, bob 7, carol 4 spans)
    assert report.all.overall.exact.reference + report.all.overall.exact.other == \
        (7 + 7) + (7 + 4) + (7 + 4)


def test_pair_order_follows_annotators_option(three_annotators: Project) -> None:
    report = compute_agreement(three_annotators,
                               AgreementOptions(annotators=("carol", "alice")))
    assert [p.annotators for p in report.pairs] == [("carol", "alice")]
    carol_first = report.pairs[0].labels["Quote"].exact
    assert (carol_first.reference, carol_first.other) == (2, 2)
    # two annotators: "all" is the pair itself, with Fleiss' kappa
    assert report.all is not None and report.all.annotators == ("carol", "alice")


def test_label_filter(three_annotators: Project) -> None:
    report = compute_agreement(three_annotators,
                               AgreementOptions(labels=("Quote", "Actor")))
    pair = report.pair("alice", "bob")
    assert list(pair.labels) == ["Quote", "Actor"]
    assert set(pair.relations) == {"speaker"}  # the other types need unselected labels
    assert set(pair.attributes) == {"Quote", "Actor"}


def test_only_done_documents_count(tmp_path: Path) -> None:
    unfinished = bob_doc1()
    unfinished.status = "in_progress"
    with (build(tmp_path / "p.saywho", {"venn-warns": [alice_doc1(), unfinished]}) as project,
          pytest.raises(NotEnoughAnnotations, match=r"alice: 1, bob: 0")):
        compute_agreement(project)


def test_gold_layer_is_left_out_unless_named(tmp_path: Path) -> None:
    gold = alice_doc1()
    gold.annotator = "gold"
    with build(tmp_path / "p.saywho",
               {"venn-warns": [alice_doc1(), bob_doc1(), gold]}) as project:
        assert compute_agreement(project).annotators == ("alice", "bob")
        named = compute_agreement(project, AgreementOptions(annotators=("gold", "alice")))
        assert named.pairs[0].overall.exact.f1 == 1.0


def test_identical_layers_agree_perfectly(tmp_path: Path) -> None:
    twin = alice_doc1()
    twin.annotator = "dana"
    with build(tmp_path / "p.saywho", {"venn-warns": [alice_doc1(), twin]}) as project:
        pair = compute_agreement(project).pair("alice", "dana")
    for result in [*pair.labels.values(), pair.overall]:
        assert (result.exact.f1, result.kappa, result.alpha, result.alpha_u) == (1, 1, 1, 1)
    assert all(t.observed == 1 for t in pair.relations.values() if t.sources)


def test_a_label_nobody_used_is_undefined_not_nan(tmp_path: Path) -> None:
    doc = [AnnotationSetRecord(name, "done", [span(DOC2, "C1", "Cue", "said")])
           for name in ("alice", "bob")]
    with build(tmp_path / "cue.saywho", {"tarnis-aid": doc}) as project:
        report = compute_agreement(project)
    quote = report.pair("alice", "bob").labels["Quote"]
    assert (quote.exact.f1, quote.kappa, quote.alpha, quote.alpha_u) == (None,) * 4
    assert report.as_dict()["pairs"][0]["labels"]["Quote"]["cohen_kappa"] is None
    assert report.pair("alice", "bob").labels["Cue"].exact.f1 == 1.0


def test_bad_options_are_refused(two_annotators: Project) -> None:
    for options, message in [
        (AgreementOptions(annotators=("alice", "zed")), "unknown annotator 'zed'"),
        (AgreementOptions(annotators=("alice",)), "at least two annotators"),
        (AgreementOptions(labels=("Quote", "Mood")), "unknown label 'Mood'"),
        (AgreementOptions(min_overlap=1.5), "not between 0 and 1"),
        (AgreementOptions(matching="best"), "unknown matching 'best'"),
    ]:
        with pytest.raises(ValidationError, match=message):
            compute_agreement(two_annotators, options)
