"""spaCy export: spaCy itself loads the DocBin and finds the spans."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from export.base import ExportContext, ExportOptions, Manifest
from export.spacy_format import SpacyFormat
from storage.corpus import CorpusFilter, entity_map, iter_corpus
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, SpanRecord

GOLDEN = Path(__file__).parent / "golden"


def export(project: Project, out: Path, options: ExportOptions | None = None) -> Manifest:
    options = options or ExportOptions()
    context = ExportContext(project, project.schema, out, options, Manifest(),
                            entity_map(project))
    fmt = SpacyFormat()
    fmt.start(context)
    for item in iter_corpus(project, CorpusFilter(options.annotators, options.status,
                                                  options.labels)):
        fmt.write_document(context, item, None)
    fmt.finish(context)
    return context.manifest


@pytest.fixture(scope="module")
def nlp() -> Any:
    import spacy

    return spacy.blank("xx")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory,
             ) -> Iterator[tuple[Path, Project, Manifest]]:
    folder = tmp_path_factory.mktemp("spacy")
    project = Project.create(folder / "p.saywho")
    assert project.import_paths([GOLDEN / "input"]).ok
    manifest = export(project, folder / "out")
    yield folder / "out", project, manifest
    project.close()


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
    golden = GOLDEN / "spacy"
    if os.environ.get("SAYWHO_UPDATE_GOLDEN") == "1":
        shutil.rmtree(golden, ignore_errors=True)
        shutil.copytree(tmp_path, golden)
    produced = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.json"))
    assert produced == ["alice/corpus.json", "bob/corpus.json"]
    assert produced == sorted(p.relative_to(golden).as_posix() for p in golden.rglob("*")
                              if p.is_file())
    for name in produced:
        assert json.loads((tmp_path / name).read_text(encoding="utf-8")) == \
            json.loads((golden / name).read_text(encoding="utf-8")), name


SAMPLES = ["😀", "e\u0301", "中文", "مرحبا", "\r\n", "\n\n", " ", "a", "Varnay", ".", "-", "“"]


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[list[tuple[int, int]]]]:
    text = "".join(draw(st.lists(st.sampled_from(SAMPLES), min_size=2, max_size=20)))
    spans = []
    for _ in range(draw(st.integers(1, 5))):
        cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), min_size=2, max_size=4))))
        pairs = list(itertools.pairwise(cuts))[::2]
        if pairs:
            spans.append(pairs)
    return text, spans


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(documents())
def test_random_documents(tmp_path_factory: pytest.TempPathFactory, nlp: Any,
                          sample: tuple[str, list[list[tuple[int, int]]]]) -> None:
    text, fragment_lists = sample
    if not text.strip():
        return
    folder = tmp_path_factory.mktemp("spacy-random")
    with Project.create(folder / "p.saywho") as project:
        spans = [SpanRecord(f"T{i}", "Quote", fragments, {"form": "direct"})
                 for i, fragments in enumerate(fragment_lists)]
        project.import_records([DocumentRecord(text, "t", "doc", annotations=[
            AnnotationSetRecord("alice", "done", spans)])], "t")
        manifest = export(project, folder / "out")
        (doc,) = load(folder / "out" / "alice" / "corpus.spacy", nlp)
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
    from export.run import export_project

    project = exported[1]
    out = tmp_path / "out"
    export_project(project, "spacy", out, ExportOptions(split={"train": 0.5, "test": 0.5},
                                                        seed=3))
    written = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    seen = []
    for name in written["files"]:
        annotator, file_name = name.split("/")
        assert file_name in ("train.spacy", "test.spacy")
        seen += [(annotator, d.user_data["saywho"]["document"]) for d in load(out / name, nlp)]
    assert sorted(seen) == [("alice", "varnay-warns"), ("alice", "world-voices"),
                            ("bob", "world-voices")]
