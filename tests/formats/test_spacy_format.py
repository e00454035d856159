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

from export.run import export_project
from formats.base import ExportContext, ExportError, ExportOptions, Manifest
from formats.spacy_format import SpacyFormat
from storage.corpus import CorpusFilter, entity_map, iter_corpus
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, SpanRecord


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
            "from formats.spacy_format import SpacyFormat\n"
            "from formats.base import MissingDependencyError\n"
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


def numbered_reports(count: int) -> list[DocumentRecord]:
    """``count`` one-sentence reports ``r00``, ``r01``...: alice quotes each, bob every third."""
    records = []
    for index in range(count):
        text = f"Report {index}: “Varnay 😀 spoke.”"
        quote = (text.index("“") + 1, text.index("”"))
        layers = [AnnotationSetRecord("alice", "done", support.quotes([[quote]], attributes={
            "form": "direct"}))]
        if index % 3 == 0:
            layers.append(AnnotationSetRecord("bob", "done", [
                SpanRecord("C1", "Cue", [(quote[1] - 6, quote[1] - 1)])]))
        records.append(DocumentRecord(text, f"Report {index}", f"r{index:02d}",
                                      annotations=layers))
    return records


def test_large_splits_become_folders_of_shards_spacy_reads(project: Project, nlp: Any,
                                                           tmp_path: Path) -> None:
    from spacy.tokens import DocBin
    from spacy.training import Corpus

    project.import_records(numbered_reports(23), "reports")
    out = tmp_path / "out"
    manifest = export_project(project, "spacy", out, ExportOptions(
        split={"train": 0.7, "test": 0.3}, seed=1, format_options={"shard_size": 3}))
    written = support.read_json(out / "manifest.json")["files"]
    assert sorted(written) == support.files_under(out, skip={"manifest.json"})
    assert written == manifest.files
    seen: dict[str, list[str]] = {}
    for annotator in ("alice", "bob"):
        for split in ("train", "test"):
            single = out / annotator / f"{split}.spacy"
            folder = out / annotator / split
            assert single.exists() != folder.exists()  # one file, or a folder of shards
            corpus = single if single.exists() else folder
            reference = [example.reference for example in Corpus(corpus)(nlp)]
            if folder.exists():
                shards = sorted(folder.iterdir())
                assert [p.name for p in shards] == [f"{split}-{n:05d}.spacy"
                                                    for n in range(1, len(shards) + 1)]
                sizes = [len(DocBin().from_disk(path)) for path in shards]
                assert sizes[:-1] == [3] * (len(shards) - 1) and 1 <= sizes[-1] <= 3
                assert sum(sizes) == len(reference) > 3
            else:
                assert 1 <= len(reference) <= 3
            ids = [doc.user_data["saywho"]["document"] for doc in reference]
            assert ids == sorted(ids)  # shards keep the document order
            seen[annotator] = seen.get(annotator, []) + ids
            for doc in reference:
                texts = [s.text for s in doc.spans["sc"]]
                assert texts == (["Varnay 😀 spoke."] if annotator == "alice" else ["spoke"])
    assert sorted(seen["alice"]) == [f"r{i:02d}" for i in range(23)]
    assert sorted(seen["bob"]) == [f"r{i:02d}" for i in range(0, 23, 3)]
    assert sum(manifest.documents.values()) == 23
    assert any("/" in name.removeprefix("alice/") for name in written)  # alice was sharded


def test_full_shards_are_on_disk_before_the_export_ends(project: Project, nlp: Any,
                                                        tmp_path: Path) -> None:
    from spacy.tokens import DocBin

    project.import_records(numbered_reports(7), "reports")
    out = tmp_path / "out"
    context = ExportContext(project, project.schema, out, ExportOptions(), Manifest(),
                            entity_map(project))
    fmt = SpacyFormat(shard_size=2)
    fmt.start(context)
    for number, item in enumerate(iter_corpus(project, CorpusFilter(["alice"])), start=1):
        fmt.write_document(context, item, None)
        # a shard is written when the next document needs room: memory holds one shard
        assert len(context.manifest.files) == (number - 1) // 2
    fmt.finish(context)
    names = [f"alice/corpus/corpus-{n:05d}.spacy" for n in range(1, 5)]
    assert context.manifest.files == names
    docs = [d for name in names for d in DocBin().from_disk(out / name).get_docs(nlp.vocab)]
    assert [d.user_data["saywho"]["document"] for d in docs] == [f"r{i:02d}" for i in range(7)]


@pytest.mark.parametrize("size", [0, -1, 2.5, "10", True])
def test_bad_shard_sizes_are_refused(size: Any) -> None:
    with pytest.raises(ExportError, match="shard_size"):
        SpacyFormat(shard_size=size)
