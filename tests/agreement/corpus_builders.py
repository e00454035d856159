"""Hand-made projects with two and three annotators (fictional texts), shared by the tests.

Documents of :func:`three_annotator_sets`:
    doc1 "venn-warns": alice, bob and carol done.
    doc2 "tarnis-aid": alice and bob done, carol in progress.
    doc3 "karsk-vote": alice done, bob in progress.

Documents of :func:`brand_sets` (relations, attributes and alpha_u of three annotators):
    "brand-bridge": alice, bob and carol done (every relation type, attributes).
    "mayor-ferry": alice and bob done, carol in progress.
    "rain-stops": alice, bob and carol done (cues only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from storage.project import Project
from storage.records import (
    AnnotationSetRecord,
    DocumentRecord,
    EntityRecord,
    RelationRecord,
    SpanRecord,
)

DOC1 = ("Minister Orla Venn said the border would stay closed. "
        "“If Karsk moves troops, we will respond,” Venn warned.")
DOC2 = "The council of Tarnis promised aid if the talks resume, a spokesman said."
DOC3 = "Karsk will hold a vote in May, its prime minister said."
BRAND = ("Marshal Ilse Brand said the bridge would reopen. "
         "Brand added: “If the rain stops, we will rebuild the road.” Her office confirmed it.")
MAYOR = "The mayor promised a new ferry."
RAIN = "It rained, officials said, and then it stopped, they added."
TEXTS = {"venn-warns": DOC1, "tarnis-aid": DOC2, "karsk-vote": DOC3,
         "brand-bridge": BRAND, "mayor-ferry": MAYOR, "rain-stops": RAIN}


def span(text: str, span_id: str, label: str, phrase: str, occurrence: int = 0,
         entity: str | None = None, **attributes: Any) -> SpanRecord:
    """A span over the ``occurrence``-th appearance of ``phrase`` in ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    return SpanRecord(span_id, label, [(start, start + len(phrase))], dict(attributes), entity)


def alice_doc1() -> AnnotationSetRecord:
    t = DOC1
    return AnnotationSetRecord("alice", "done", [
        span(t, "A1", "Actor", "Minister Orla Venn", entity="venn"),
        span(t, "Q1", "Quote", "the border would stay closed", form="indirect"),
        span(t, "C1", "Cue", "said"),
        span(t, "K1", "Condition", "If Karsk moves troops"),
        span(t, "N1", "Consequence", "we will respond", type="threat"),
        span(t, "A2", "Actor", "Venn", occurrence=1, entity="venn"),
        span(t, "Q2", "Quote", "If Karsk moves troops, we will respond", form="direct"),
    ], [
        RelationRecord("R1", "speaker", "Q1", "A1"),
        RelationRecord("R2", "cue", "Q1", "C1"),
        RelationRecord("R3", "speaker", "Q2", "A2"),
        RelationRecord("R4", "consequence", "K1", "N1"),
        RelationRecord("R5", "holder", "K1", "A2"),
    ])


def bob_doc1() -> AnnotationSetRecord:
    t = DOC1
    return AnnotationSetRecord("bob", "done", [
        span(t, "A1", "Actor", "Orla Venn", entity="venn"),  # ratio 9/18 with alice's A1
        span(t, "Q1", "Quote", "the border would stay closed.", form="indirect"),
        span(t, "C1", "Cue", "said"),
        span(t, "K1", "Condition", "If Karsk moves troops"),
        span(t, "N1", "Consequence", "we will respond", type="promise"),
        span(t, "A2", "Actor", "Venn", occurrence=1, entity="venn"),
        span(t, "Q2", "Quote", "If Karsk moves troops, we will respond", form="indirect"),
    ], [
        RelationRecord("R1", "speaker", "Q1", "A1"),
        RelationRecord("R2", "cue", "Q1", "C1"),
        RelationRecord("R3", "speaker", "Q2", "A1"),  # another mention of the same actor
        RelationRecord("R4", "consequence", "K1", "N1"),
        RelationRecord("R5", "holder", "K1", "A2"),
    ])


def carol_doc1() -> AnnotationSetRecord:
    t = DOC1
    return AnnotationSetRecord("carol", "done", [
        span(t, "A1", "Actor", "Minister Orla Venn", entity="venn"),
        span(t, "Q1", "Quote", "the border would stay closed", form="indirect"),
        span(t, "A2", "Actor", "Venn", occurrence=1),
        span(t, "Q2", "Quote", "we will respond", form="direct"),
    ], [
        RelationRecord("R1", "speaker", "Q1", "A1"),
        RelationRecord("R2", "speaker", "Q2", "A2"),
    ])


def alice_doc2() -> AnnotationSetRecord:
    t = DOC2
    return AnnotationSetRecord("alice", "done", [
        span(t, "A1", "Actor", "The council of Tarnis", kind="organisation"),
        span(t, "K1", "Condition", "if the talks resume"),
        span(t, "N1", "Consequence", "promised aid", type="promise"),
        span(t, "C1", "Cue", "said"),
    ], [
        RelationRecord("R1", "consequence", "K1", "N1"),
        RelationRecord("R2", "holder", "K1", "A1"),
    ])


def bob_doc2() -> AnnotationSetRecord:
    t = DOC2
    return AnnotationSetRecord("bob", "done", [
        span(t, "A1", "Actor", "council of Tarnis", kind="organisation"),
        span(t, "K1", "Condition", "if the talks resume"),
        span(t, "N1", "Consequence", "promised aid", type="offer"),
    ], [
        RelationRecord("R1", "consequence", "K1", "N1"),
        RelationRecord("R2", "holder", "K1", "A1"),
    ])


def build(path: Path, sets: dict[str, list[AnnotationSetRecord]]) -> Project:
    project = Project.create(path)
    project.import_entities([EntityRecord("venn", "Orla Venn"),
                             EntityRecord("brand", "Ilse Brand")], "entities.jsonl")
    records = [DocumentRecord(text=TEXTS[doc_id], title=doc_id, external_id=doc_id,
                              annotations=annotations)
               for doc_id, annotations in sets.items()]
    project.import_records(records, "test.jsonl")
    return project


def three_annotator_sets() -> dict[str, list[AnnotationSetRecord]]:
    carol_doc2 = AnnotationSetRecord("carol", "in_progress", [
        span(DOC2, "A1", "Actor", "The council of Tarnis")])
    bob_doc3 = AnnotationSetRecord("bob", "in_progress", [span(DOC3, "A1", "Actor", "Karsk")])
    return {
        "venn-warns": [alice_doc1(), bob_doc1(), carol_doc1()],
        "tarnis-aid": [alice_doc2(), bob_doc2(), carol_doc2],
        "karsk-vote": [AnnotationSetRecord("alice", "done", [
            span(DOC3, "A1", "Actor", "its prime minister")]), bob_doc3],
    }


def brand_sets() -> dict[str, list[AnnotationSetRecord]]:
    """Three annotators who differ in spans, relation targets, registry links and attributes.

    The differences, which test_report.py works through by hand:

    * Actor: bob's A1 is "Ilse Brand" (10 of alice's and carol's 18 characters "Marshal Ilse
      Brand": ratio 0.56, matched); carol's A2 "Brand" is not linked to the registry.
    * Quote: carol's Q2 "we will rebuild" shares 15 of the 43 characters of the others' Q2
      (ratio 0.35): matched only with any-overlap matching, not at 0.5.
    * speaker: bob's Q2 -> A1 where alice's Q2 -> A2: another mention of the same actor.
    * cue: only alice links Q2 to a cue ("added").
    * consequence: bob links K1 to a second Consequence, N2, that nobody else marked.
    * holder: alice K1 -> A2, bob K1 -> A1 (same actor), carol K1 -> her unlinked A2.
    """
    t = BRAND
    alice = AnnotationSetRecord("alice", "done", [
        span(t, "A1", "Actor", "Marshal Ilse Brand", entity="brand", mention="title"),
        span(t, "A2", "Actor", "Brand", occurrence=1, entity="brand"),
        span(t, "A3", "Actor", "Her office", kind="organisation", mention="nominal"),
        span(t, "Q1", "Quote", "the bridge would reopen", form="indirect"),
        span(t, "Q2", "Quote", "If the rain stops, we will rebuild the road", form="direct"),
        span(t, "C1", "Cue", "said"),
        span(t, "C2", "Cue", "added"),
        span(t, "K1", "Condition", "If the rain stops"),
        span(t, "N1", "Consequence", "we will rebuild the road", type="promise"),
    ], [
        RelationRecord("R1", "speaker", "Q1", "A1"),
        RelationRecord("R2", "speaker", "Q2", "A2"),
        RelationRecord("R3", "cue", "Q1", "C1"),
        RelationRecord("R4", "cue", "Q2", "C2"),
        RelationRecord("R5", "consequence", "K1", "N1"),
        RelationRecord("R6", "holder", "K1", "A2"),
    ])
    bob = AnnotationSetRecord("bob", "done", [
        span(t, "A1", "Actor", "Ilse Brand", entity="brand", mention="name"),
        span(t, "A2", "Actor", "Brand", occurrence=1, entity="brand", mention="name"),
        span(t, "A3", "Actor", "Her office", kind="organisation", mention="nominal"),
        span(t, "Q1", "Quote", "the bridge would reopen", form="indirect"),
        span(t, "Q2", "Quote", "If the rain stops, we will rebuild the road", form="direct"),
        span(t, "C1", "Cue", "said"),
        span(t, "K1", "Condition", "If the rain stops"),
        span(t, "N1", "Consequence", "we will rebuild the road", type="threat"),
        span(t, "N2", "Consequence", "the bridge would reopen", type="prediction"),
    ], [
        RelationRecord("R1", "speaker", "Q1", "A1"),
        RelationRecord("R2", "speaker", "Q2", "A1"),
        RelationRecord("R3", "cue", "Q1", "C1"),
        RelationRecord("R4", "consequence", "K1", "N1"),
        RelationRecord("R5", "consequence", "K1", "N2"),
        RelationRecord("R6", "holder", "K1", "A1"),
    ])
    carol = AnnotationSetRecord("carol", "done", [
        span(t, "A1", "Actor", "Marshal Ilse Brand", entity="brand", mention="title"),
        span(t, "A2", "Actor", "Brand", occurrence=1),
        span(t, "A3", "Actor", "Her office", mention="pronoun"),
        span(t, "Q1", "Quote", "the bridge would reopen", form="indirect"),
        span(t, "Q2", "Quote", "we will rebuild", form="direct"),
        span(t, "C1", "Cue", "said"),
        span(t, "K1", "Condition", "If the rain stops"),
        span(t, "N1", "Consequence", "we will rebuild the road"),
    ], [
        RelationRecord("R1", "speaker", "Q1", "A1"),
        RelationRecord("R2", "speaker", "Q2", "A2"),
        RelationRecord("R3", "cue", "Q1", "C1"),
        RelationRecord("R4", "consequence", "K1", "N1"),
        RelationRecord("R5", "holder", "K1", "A2"),
    ])

    def mayor(annotator: str, status: str, name: str, **attributes: Any) -> AnnotationSetRecord:
        return AnnotationSetRecord(annotator, status, [
            span(MAYOR, "A1", "Actor", name, mention="title"),
            span(MAYOR, "N1", "Consequence", "promised a new ferry", **attributes),
        ], [RelationRecord("R1", "holder", "N1", "A1")])

    def rain(annotator: str, *cues: str) -> AnnotationSetRecord:
        return AnnotationSetRecord(annotator, "done", [
            span(RAIN, f"C{number}", "Cue", cue) for number, cue in enumerate(cues, 1)])

    return {
        "brand-bridge": [alice, bob, carol],
        "mayor-ferry": [mayor("alice", "done", "The mayor", type="promise"),
                        mayor("bob", "done", "mayor", type="offer"),
                        mayor("carol", "in_progress", "The mayor", type="offer")],
        "rain-stops": [rain("alice", "said", "added"), rain("bob", "said"),
                       rain("carol", "said", "they added")],
    }
