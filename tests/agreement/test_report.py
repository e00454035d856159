"""Agreement of hand-made projects, checked by hand and by independent computations."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import krippendorff
import numpy as np
import pytest
import reference_unitizing as reference
from corpus_builders import (
    BRAND,
    DOC1,
    DOC2,
    MAYOR,
    RAIN,
    alice_doc1,
    alice_doc2,
    bob_doc1,
    bob_doc2,
    brand_sets,
    build,
    carol_doc1,
    span,
)
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from agreement import AgreementOptions, NotEnoughAnnotations, compute_agreement
from agreement.unitizing import unitizing_alpha
from storage.errors import ValidationError
from storage.project import Project
from storage.records import AnnotationSetRecord, SpanRecord
from text.tokenize import tokenize

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
    # two annotators: "all" is the pair itself, laid out as a pair (Cohen's kappa)
    assert report.all is not None and report.all.annotators == ("carol", "alice")
    assert report.all.labels["Quote"].kappa == report.pairs[0].labels["Quote"].kappa
    assert set(report.all.as_dict()) >= {"reference", "other"}


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


# --- Three annotators: relations, attributes and alpha_u over all of them (brand_sets in
# --- corpus_builders.py). "all" covers brand-bridge and rain-stops (done by all three);
# --- mayor-ferry, done by alice and bob only, counts for their pair alone.

def test_three_annotators_documents_and_pooled_span_counts(brand_project: Project) -> None:
    report = compute_agreement(brand_project)
    assert report.all is not None
    assert (report.all.annotators, report.all.documents) == (("alice", "bob", "carol"), 2)
    assert {p.annotators: p.documents for p in report.pairs} == {
        ("alice", "bob"): 3, ("alice", "carol"): 2, ("bob", "carol"): 2}
    # Actor, exact (brand-bridge only): alice-bob A2 and A3 (A1 differs), alice-carol all
    # three, bob-carol A2 and A3: 2 + 3 + 2 = 7 matched of 9 and 9
    actor = report.all.labels["Actor"].exact
    assert (actor.matched, actor.reference, actor.other) == (7, 9, 9)
    # Cue, exact: brand-bridge alice {said, added}, bob {said}, carol {said};
    #   rain-stops alice {said, added}, bob {said}, carol {said, they added}
    #   alice-bob   (1 of 2, 1) + (1 of 2, 1) = matched 2, reference 4, other 2
    #   alice-carol (1 of 2, 1) + (1 of 2, 2) = 2, 4, 3
    #   bob-carol   (1 of 1, 1) + (1 of 1, 2) = 2, 2, 3
    #   pooled: 6 matched, 10 reference, 8 other: P = 6/8, R = 6/10, F1 = 12/18
    cue = report.all.labels["Cue"]
    assert (cue.exact.matched, cue.exact.reference, cue.exact.other) == (6, 10, 8)
    assert (cue.exact.precision, cue.exact.recall, cue.exact.f1) == pytest.approx(
        (6 / 8, 6 / 10, 12 / 18))
    # overlap: alice's "added" lies in carol's "they added" (5 of 10 characters, so also at
    # the 0.5 ratio): 7 matched: P = 7/8, R = 7/10, F1 = 14/18
    for counts in (cue.overlap, cue.min_overlap):
        assert (counts.precision, counts.recall, counts.f1) == pytest.approx(
            (7 / 8, 7 / 10, 14 / 18))


def test_three_annotators_relations_pooled_over_pairs(brand_project: Project) -> None:
    report = compute_agreement(brand_project)
    assert report.all is not None
    relations = report.all.relations
    # Matched at ratio 0.5 in brand-bridge, every pair: A1-A1 ("Ilse Brand" is 10/18 of
    # "Marshal Ilse Brand"), A2-A2, A3-A3, Q1-Q1, C1-C1, K1-K1, N1-N1; Q2-Q2 for alice-bob
    # only (carol's "we will rebuild": 15/43 of the others' Q2).
    #
    # speaker (Quote -> Actor, actor level):
    #   alice-bob   Q1: A1 / A1, matched: agrees.  Q2: A2 / A1: bob's A1 is matched to
    #               alice's A1, not A2: disagrees; both mentions link to "brand": agrees
    #               at the actor level. -> sources 2, agree 1, actor 2; links 1 of 2 and 2
    #   alice-carol Q1: A1 / A1 agrees (Q2 is not a matched source) -> 1, 1, 1; links 1/1/1
    #   bob-carol   Q1: A1 / A1 agrees                                -> 1, 1, 1; links 1/1/1
    #   pooled: sources 4, agree 3 (0.75), actor 4 (1.0); links matched 3 of 4 and 4
    speaker = relations["speaker"]
    assert (speaker.sources, speaker.agree, speaker.actor_agree) == (4, 3, 4)
    assert (speaker.observed, speaker.actor_observed) == (0.75, 1.0)
    assert (speaker.links.matched, speaker.links.reference, speaker.links.other) == (3, 4, 4)
    assert speaker.links.f1 == 0.75 and speaker.actor_links.f1 == 1.0
    # cue (Quote -> Cue, not entity-linked):
    #   alice-bob   Q1: C1 / C1 agrees; Q2: alice C2 / bob none: disagrees -> 2, 1;
    #               links matched 1, reference 2, other 1
    #   alice-carol Q1 agrees -> 1, 1; links 1/1/1.   bob-carol Q1 agrees -> 1, 1; 1/1/1
    #   pooled: sources 4, agree 3; links 3 of 4 (reference) and 3 (other):
    #   P = 1, R = 3/4, F1 = 6/7
    cue = relations["cue"]
    assert (cue.sources, cue.agree, cue.observed) == (4, 3, 0.75)
    assert (cue.links.precision, cue.links.recall, cue.links.f1) == pytest.approx(
        (1.0, 0.75, 6 / 7))
    assert cue.actor_observed is None and cue.as_dict()["actor_agree"] is None
    # consequence (Condition -> Consequence): bob links K1 to N1 and to N2, which nobody
    # else marked.
    #   alice-bob   K1: [N1] / [N1, N2]: 1 linked, 1 and 2 targets: disagrees; links 1/1/2
    #   alice-carol K1: [N1] / [N1]: agrees; links 1/1/1
    #   bob-carol   K1: [N1, N2] / [N1]: disagrees; links 1/2/1
    #   pooled: sources 3, agree 1; links matched 3, reference 4, other 4: F1 = 6/8
    consequence = relations["consequence"]
    assert (consequence.sources, consequence.agree) == (3, 1)
    assert consequence.observed == pytest.approx(1 / 3)
    assert (consequence.links.matched, consequence.links.reference,
            consequence.links.other) == (3, 4, 4)
    assert consequence.actor_observed is None
    # holder (Condition or Consequence -> Actor, actor level): alice K1 -> A2, bob K1 -> A1,
    # carol K1 -> A2 (her A2 has no registry actor).
    #   alice-bob   A2 / A1: disagrees; both "brand": agrees at the actor level; links 0/1/1
    #   alice-carol A2 / A2, matched: agrees (actor level too); links 1/1/1
    #   bob-carol   A1 / A2: bob's A1 is matched to carol's A1: disagrees; carol's A2 is
    #               not linked: disagrees at the actor level too; links 0/1/1
    #   pooled: sources 3, agree 1 (1/3), actor 2 (2/3); links 1 of 3 and 3, actor links 2
    holder = relations["holder"]
    assert (holder.sources, holder.agree, holder.actor_agree) == (3, 1, 2)
    assert (holder.observed, holder.actor_observed) == pytest.approx((1 / 3, 2 / 3))
    assert (holder.links.matched, holder.actor_links.matched) == (1, 2)
    assert holder.links.f1 == pytest.approx(1 / 3)
    assert holder.actor_links.f1 == pytest.approx(2 / 3)
    # alice and bob's pair also has mayor-ferry: N1 -> A1 on both sides ("mayor" is 5/9 of
    # "The mayor"): agrees. Their pair: 2 sources, 0 + 1 agree, 1 + 1 at the actor level
    pair_holder = report.pair("alice", "bob").relations["holder"]
    assert (pair_holder.sources, pair_holder.agree, pair_holder.actor_agree) == (2, 1, 2)
    # everything but holder lies in documents all three finished: the pairs add up to "all"
    for name in ("speaker", "cue", "consequence"):
        assert relations[name].sources == sum(p.relations[name].sources for p in report.pairs)
        assert relations[name].agree == sum(p.relations[name].agree for p in report.pairs)


def test_three_annotators_relations_with_any_overlap(brand_project: Project) -> None:
    report = compute_agreement(brand_project, AgreementOptions(min_overlap=0.0))
    assert report.all is not None
    # carol's Q2 now matches the others' Q2 and becomes a source:
    #   alice-carol Q2: A2 / A2 (matched): agrees, actor level too
    #   bob-carol   Q2: A1 / A2: disagrees; carol's A2 is unlinked: actor level disagrees
    #   speaker: sources 4 + 2 = 6, agree 3 + 1 = 4, actor 4 + 1 = 5
    speaker = report.all.relations["speaker"]
    assert (speaker.sources, speaker.agree, speaker.actor_agree) == (6, 4, 5)
    # cue: alice-carol Q2: alice's C2 / none: a source that disagrees; bob-carol Q2: no cue
    # on either side: not a source. sources 5, agree 3
    cue = report.all.relations["cue"]
    assert (cue.sources, cue.agree) == (5, 3)


def test_three_annotators_attributes_pooled_and_mean_kappa(brand_project: Project) -> None:
    report = compute_agreement(brand_project)
    assert report.all is not None
    attributes = report.all.attributes
    # Matched Actor pairs (brand-bridge): A1, A2, A3 in every pair.
    # mention (default "name"):  alice title, name (default), nominal
    #                            bob   name,  name,           nominal
    #                            carol title, name (default), pronoun
    #   alice-bob   (title, name) (name, name) (nominal, nominal): agree 2;
    #               p_o = 2/3, p_e = 1/3 * 0 + 1/3 * 2/3 + 1/3 * 1/3 = 1/3, kappa = 1/2
    #   alice-carol (title, title) (name, name) (nominal, pronoun): agree 2;
    #               p_e = 1/3 * 1/3 + 1/3 * 1/3 = 2/9, kappa = (2/3 - 2/9) / (7/9) = 4/7
    #   bob-carol   (name, title) (name, name) (nominal, pronoun): agree 1;
    #               p_e = 2/3 * 1/3 = 2/9, kappa = (1/3 - 2/9) / (7/9) = 1/7
    #   pooled: 9 pairs, 5 agree; mean kappa (1/2 + 4/7 + 1/7) / 3 = 17/42
    alice = ["title", "name", "nominal"]
    bob = ["name", "name", "nominal"]
    carol = ["title", "name", "pronoun"]
    assert [cohen_kappa_score(a, b) for a, b in ((alice, bob), (alice, carol), (bob, carol))] \
        == pytest.approx([1 / 2, 4 / 7, 1 / 7])
    mention = attributes["Actor"]["mention"]
    assert (mention.pairs, mention.agree) == (9, 5)
    assert mention.observed == pytest.approx(5 / 9)
    assert mention.kappa == pytest.approx(17 / 42)
    # alice and bob's own pair adds mayor-ferry (title, title): 4 pairs, 3 agree;
    #   p_o = 3/4; alice title 2/4, name 1/4, nominal 1/4; bob name 2/4, nominal 1/4, title 1/4
    #   p_e = 2/4 * 1/4 + 1/4 * 2/4 + 1/4 * 1/4 = 5/16; kappa = (3/4 - 5/16) / (11/16) = 7/11
    pair_mention = report.pair("alice", "bob").attributes["Actor"]["mention"]
    assert (pair_mention.pairs, pair_mention.agree) == (4, 3)
    assert pair_mention.kappa == pytest.approx(7 / 11)
    assert pair_mention.kappa == pytest.approx(cohen_kappa_score([*alice, "title"],
                                                                 [*bob, "title"]))
    # kind (default "person"): only A3 "Her office" is "organisation", for alice and bob;
    # carol left it at the default.
    #   alice-bob (p, p) (p, p) (o, o): agree 3; p_e = (2/3)^2 + (1/3)^2 = 5/9, kappa = 1
    #   alice-carol, bob-carol (p, p) (p, p) (o, p): agree 2; p_e = 2/3 * 1 = 2/3 = p_o: 0
    #   pooled: 9 pairs, 7 agree; mean kappa (1 + 0 + 0) / 3 = 1/3
    kind = attributes["Actor"]["kind"]
    assert (kind.pairs, kind.agree, kind.kappa) == (9, 7, pytest.approx(1 / 3))
    # Quote form: Q1 indirect for all three, Q2 direct for alice and bob (carol's Q2 is not
    # matched). alice-bob: 2 pairs, both agree, p_e = 1/2: kappa 1. alice-carol, bob-carol:
    # one pair each, agreeing: p_e = 1, kappa undefined, left out of the mean: 1 (not 1/3)
    form = attributes["Quote"]["form"]
    assert (form.pairs, form.agree, form.observed, form.kappa) == (4, 4, 1.0, 1.0)
    # Consequence type (default "threat"): N1 alice promise, bob threat, carol (default)
    #   alice-bob (promise, threat): kappa 0; alice-carol (promise, threat): 0;
    #   bob-carol (threat, threat): undefined. pooled: 3 pairs, 1 agree; mean kappa 0
    #   (bob's N2 is matched to nobody; mayor-ferry is not in "all")
    kind_of_consequence = attributes["Consequence"]["type"]
    assert (kind_of_consequence.pairs, kind_of_consequence.agree) == (3, 1)
    assert kind_of_consequence.kappa == 0.0
    assert report.pair("alice", "bob").attributes["Consequence"]["type"].pairs == 2
    # channel has no default: None for everyone, which agrees, and kappa is undefined
    channel = attributes["Quote"]["channel"]
    assert (channel.pairs, channel.agree, channel.kappa) == (4, 4, None)
    assert report.all.as_dict()["attributes"]["Actor"]["mention"] == {
        "pairs": 9, "agree": 5, "observed": pytest.approx(5 / 9),
        "mean_cohen_kappa": pytest.approx(17 / 42)}


def _units(records: Sequence[AnnotationSetRecord], label: str,
           offsets: Sequence[int]) -> list[tuple[int, int]]:
    """One annotator's fragments of ``label`` in documents laid end to end at ``offsets``."""
    return [(start + offset, end + offset) for record, offset in zip(records, offsets,
                                                                     strict=True)
            for s in record.spans if s.label == label for start, end in s.fragments]


def test_three_annotators_alpha_u_equals_the_reference(brand_project: Project) -> None:
    report = compute_agreement(brand_project)
    assert report.all is not None
    sets = brand_sets()
    layers = {name: [next(r for r in sets[doc] if r.annotator == name)
                     for doc in ("brand-bridge", "rain-stops")]
              for name in ("alice", "bob", "carol")}
    # "all": brand-bridge then rain-stops, one continuum of two sections
    offsets = [0, len(BRAND)]
    sections = [(0, len(BRAND)), (len(BRAND), len(BRAND) + len(RAIN))]
    by_label = {label: [_units(layers[name], label, offsets) for name in layers]
                for label in LABELS}
    for label in LABELS:
        expected = reference.alpha_u(sections, by_label[label])
        assert expected is not None
        assert report.all.labels[label].alpha_u == pytest.approx(float(expected)), label
    pooled = reference.pooled_alpha_u(sections, [by_label[label] for label in LABELS])
    assert pooled is not None
    assert report.all.overall.alpha_u == pytest.approx(float(pooled))
    assert report.all.labels["Condition"].alpha_u == 1.0  # K1 identical for all three
    # alice and bob's pair: the three documents they both finished
    mayor = {r.annotator: r for r in sets["mayor-ferry"]}
    offsets = [0, len(BRAND), len(BRAND) + len(RAIN)]
    sections = [(0, offsets[1]), (offsets[1], offsets[2]), (offsets[2], offsets[2] + len(MAYOR))]
    pair = report.pair("alice", "bob")
    for label in LABELS:
        units = [_units([*layers[name], mayor[name]], label, offsets) for name in ("alice", "bob")]
        expected = reference.alpha_u(sections, units)
        assert expected is not None
        assert pair.labels[label].alpha_u == pytest.approx(float(expected)), label
