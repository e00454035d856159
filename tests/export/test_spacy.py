"""spaCy export: spaCy itself loads the DocBin and finds the spans."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import export_support as support
import pytest

from export.base import Manifest
from export.spacy_format import SpacyFormat
from storage.project import Project


@pytest.fixture(scope="module")
def nlp() -> Any:
    import spacy

    return spacy.blank("xx")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory,
             ) -> Iterator[tuple[Path, Project, Manifest]]:
    with support.exported_input(tmp_path_factory.mktemp("spacy"), SpacyFormat()) as result:
        yield result


def load(path: Path, nlp: Any) -> list[Any]:
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(nlp.vocab))


def test_spacy_finds_every_span_or_the_listed_snapped_one(
        exported: tuple[Path, Project, Manifest], nlp: Any) -> None:
    out, project, manifest = exported
    snapped = {(i["document"], i["annotator"], i["span"], tuple(i["fragment"])):
               tuple(i["snapped"]) for i in manifest.inexact}
    assert snapped  # the CJK actor is inside one whitespace-delimited token
    for annotator in ("alice", "bob"):
        for doc in load(out / annotator / "corpus.spacy", nlp):
            data = doc.user_data["saywho"]
            document = project.document_by_external_id(data["document"])
            assert doc.text == document.text
            spans = project.spans(document.id, annotator)
            expected = []
            for span in spans:
                for start, end in span.fragments:
                    key = (document.external_id, annotator, span.external_id, (start, end))
                    start, end = snapped.get(key, (start, end))
                    expected.append((span.external_id, span.label, document.text[start:end]))
            assert sorted((s.id_, s.label_, s.text) for s in doc.spans["sc"]) == sorted(expected)
            assert {s["id"] for s in data["spans"]} == {s.external_id for s in spans}
            ids = {s.id: s.external_id for s in spans}
            assert sorted((r["type"], r["source"], r["target"]) for r in data["relations"]) == \
                sorted((r.type, ids[r.source_id], ids[r.target_id])
                       for r in project.relations(document.id, annotator))


def test_entities_choice_and_links(exported: tuple[Path, Project, Manifest], nlp: Any) -> None:
    out, _, manifest = exported
    docs = {d.user_data["saywho"]["document"]: d for d in load(out / "alice" / "corpus.spacy",
                                                                 nlp)}
    voices = docs["world-voices"]
    ents = {(e.label_, e.text, e.kb_id_) for e in voices.ents}
    # the actor nested in the condition wins doc.ents; the condition stays in spans["sc"]
    assert ("Actor", "Doreth", "wd:Q990002") in ents
    assert not any(label == "Condition" and "Doreth" in text for label, text, _ in ents)
    assert ("Actor", "Minister Zoe\u0308 Haddad-Keller", "wd:Q990001") in ents
    spans = {(s.id_, s.kb_id_) for s in voices.spans["sc"]}
    assert ("A2", "liming") in spans  # an actor without a knowledge-base id keeps its registry id
    attributes = {s["id"]: s["attributes"] for s in voices.user_data["saywho"]["spans"]}
    assert attributes["N1"] == {"type": "threat"}
    small = docs["varnay-warns"]
    quote = [s for s in small.spans["sc"] if s.id_ == "T1"]
    assert [s.text for s in quote] == ["We will not yield,", "not one metre."]
    assert any(i["span"] == "A2" and i["reason"] == "boundary inside token"
               for i in manifest.inexact)


def test_missing_spacy_gives_an_install_hint(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['spacy'] = None\n"
            "from export.spacy_format import SpacyFormat\n"
            "from export.base import MissingDependencyError\n"
            "try:\n    SpacyFormat().start(None)\n"
            "except MissingDependencyError as exc:\n    print(exc)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2], check=True)
    assert "pip install 'saywho[spacy]'" in result.stdout


def summary(doc: Any) -> dict[str, Any]:
    """What a spaCy user sees of one doc, as JSON (DocBin bytes depend on spaCy's version)."""
    return {
        "text": doc.text,
        "tokens": [token.text for token in doc],
        "spans": [[s.id_, s.label_, s.start_char, s.end_char, s.kb_id_] for s in doc.spans["sc"]],
        "ents": [[e.label_, e.start_char, e.end_char, e.kb_id_] for e in doc.ents],
        "user_data": doc.user_data["saywho"],
    }


def test_golden_files(exported: tuple[Path, Project, Manifest], nlp: Any,
                      tmp_path: Path) -> None:
    out = exported[0]
    for path in sorted(out.rglob("*.spacy")):
        target = tmp_path / path.relative_to(out).with_suffix(".json")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps([summary(d) for d in load(path, nlp)], ensure_ascii=False,
                                     indent=1) + "\n", encoding="utf-8")
    produced = support.compare_with_golden(tmp_path, "spacy", load=support.read_json)
    assert produced == ["alice/corpus.json", "bob/corpus.json"]


SAMPLES = ["😀", "e\u0301", "中文", "مرحبا", "\r\n", "\n\n", " ", "a", "Varnay", ".", "-", "“"]


@support.random_documents(SAMPLES, max_pieces=20)
def test_random_documents(tmp_path_factory: pytest.TempPathFactory, nlp: Any,
                          sample: tuple[str, list[list[tuple[int, int]]]]) -> None:
    text = sample[0]
    folder = tmp_path_factory.mktemp("spacy-random")
    out, spans, manifest = support.export_quotes(folder, sample, SpacyFormat())
    (doc,) = load(out / "alice" / "corpus.spacy", nlp)
    assert doc.text == text
    notes = {(i["span"], tuple(i["fragment"])): i for i in manifest.inexact}
    found = sorted((s.id_, s.start_char, s.end_char) for s in doc.spans["sc"])
    expected = []
    for span in spans:
        for start, end in span.fragments:
            note = notes.get((span.id, (start, end)))
            if note is None:
                expected.append((span.id, start, end))
            elif note["reason"] == "boundary inside token":
                piece = text[start:end]  # the snapped tokens hold all it shows
                visible_start = start + len(piece) - len(piece.lstrip())
                visible_end = end - (len(piece) - len(piece.rstrip()))
                assert note["snapped"][0] <= visible_start
                assert visible_end <= note["snapped"][1]
                expected.append((span.id, *note["snapped"]))
    assert found == sorted(expected)
    taken: set[int] = set()
    for entity in doc.ents:
        assert not taken & set(range(entity.start, entity.end))
        taken |= set(range(entity.start, entity.end))


def test_through_export_project_with_splits(exported: tuple[Path, Project, Manifest],
                                            nlp: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _, written = support.export_in_halves(exported[1], "spacy", out)
    seen = []
    for name in written["files"]:
        annotator, file_name = name.split("/")
        assert file_name in ("train.spacy", "test.spacy")
        seen += [(annotator, d.user_data["saywho"]["document"]) for d in load(out / name, nlp)]
    assert sorted(seen) == [("alice", "varnay-warns"), ("alice", "world-voices"),
                            ("bob", "world-voices")]
