"""UIMA CAS XMI export: read back by dkpro-cassis, UTF-16 offsets in the file, round trip."""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path

import cassis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from export.base import ExportContext, ExportOptions, Manifest
from export.offsets import OffsetMap
from export.xmi import RELATION_TYPE, SPAN_TYPE, XmiFormat, feature_name
from storage.corpus import CorpusFilter, entity_map, iter_corpus
from storage.ingest import covered_text
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, SpanRecord

GOLDEN = Path(__file__).parent / "golden"
XMI_NS = "{http:///webanno/custom.ecore}"


def export(project: Project, out: Path, options: ExportOptions | None = None) -> Manifest:
    options = options or ExportOptions()
    context = ExportContext(project, project.schema, out, options, Manifest(),
                            entity_map(project))
    fmt = XmiFormat()
    fmt.start(context)
    for item in iter_corpus(project, CorpusFilter(options.annotators, options.status,
                                                  options.labels)):
        fmt.write_document(context, item, None)
    fmt.finish(context)
    return context.manifest


@pytest.fixture
def corpus(project: Project) -> Project:
    report = project.import_paths([GOLDEN / "input"])
    assert report.ok, report.errors
    return project


def load(path: Path) -> cassis.Cas:
    folder = path.parent
    while not (folder / "TypeSystem.xml").exists():  # split folders share their parent's
        folder = folder.parent
    with (folder / "TypeSystem.xml").open("rb") as handle:
        typesystem = cassis.load_typesystem(handle)
    with path.open("rb") as handle:
        return cassis.load_cas_from_xmi(handle, typesystem=typesystem, lenient=False)


def spans_in_cas(cas: cassis.Cas) -> dict[str, tuple[str, str]]:
    """spanId -> (label, covered text with fragments joined)."""
    parts: dict[str, list[cassis.typesystem.FeatureStructure]] = {}
    for annotation in cas.select(SPAN_TYPE):
        parts.setdefault(annotation.spanId, []).append(annotation)
    result = {}
    for span_id, group in parts.items():
        group.sort(key=lambda a: a.fragmentIndex)
        assert {a.fragmentCount for a in group} == {len(group)}
        result[span_id] = (group[0].label, " … ".join(a.get_covered_text() for a in group))
    return result


def test_every_span_relation_and_feature_survives_cassis(corpus: Project, tmp_path: Path) -> None:
    manifest = export(corpus, tmp_path)
    assert manifest.inexact == []
    for info in corpus.documents():
        document = corpus.document(info.id)
        for annotator in corpus.statuses(info.id):
            cas = load(tmp_path / annotator / f"{document.external_id}.xmi")
            assert cas.sofa_string == document.text
            spans = corpus.spans(info.id, annotator)
            assert spans_in_cas(cas) == {
                s.external_id: (s.label, covered_text(document.text, s.fragments))
                for s in spans}
            by_id = {s.id: s for s in spans}
            relations = {(r.label, r.Governor.spanId, r.Dependent.spanId, r.relationId)
                         for r in cas.select(RELATION_TYPE)}
            assert relations == {(r.type, by_id[r.source_id].external_id,
                                   by_id[r.target_id].external_id, r.external_id)
                                 for r in corpus.relations(info.id, annotator)}
            meta = cas.select("de.tudarmstadt.ukp.dkpro.core.api.metadata.type."
                              "DocumentMetaData")
            assert [(m.documentTitle, m.documentId) for m in meta] == [
                (document.title, document.external_id)]
            for span in spans:
                first = next(a for a in cas.select(SPAN_TYPE)
                             if a.spanId == span.external_id)
                for key, value in span.attributes.items():
                    assert first.get(feature_name(key)) == value


def test_entity_links_and_renamed_attribute(corpus: Project, tmp_path: Path) -> None:
    export(corpus, tmp_path)
    cas = load(tmp_path / "alice" / "world-voices.xmi")
    actors = {a.spanId: a for a in cas.select(SPAN_TYPE)}
    assert (actors["A1"].entity, actors["A1"].entityName, actors["A1"].kbId) == (
        "haddad", "Zoë Haddad-Keller", "wd:Q990001")
    assert actors["A6"].kbId == "wd:Q990002"
    assert actors["N1"].attr_type == "threat"
    assert actors["Q3"].anonymous is False


def test_file_offsets_are_utf16_code_units(corpus: Project, tmp_path: Path) -> None:
    export(corpus, tmp_path)
    document = corpus.document_by_external_id("world-voices")
    offsets = OffsetMap(document.text)
    spans = {s.external_id: s for s in corpus.spans(document.id, "alice")}
    tree = etree.parse(str(tmp_path / "alice" / "world-voices.xmi"))
    seen = 0
    for element in tree.iter(f"{XMI_NS}SaywhoSpan"):
        span = spans[element.get("spanId")]
        start, end = span.fragments[int(element.get("fragmentIndex"))]
        assert (int(element.get("begin")), int(element.get("end"))) == (
            offsets.to_utf16(start), offsets.to_utf16(end))
        seen += 1
    assert seen == len(spans)
    # the emoji before the quote shifts UTF-16 offsets by one against code points
    quote = spans["Q1"]
    element = next(e for e in tree.iter(f"{XMI_NS}SaywhoSpan") if e.get("spanId") == "Q1")
    assert int(element.get("begin")) == quote.start + 1


def test_golden_files(corpus: Project, tmp_path: Path) -> None:
    export(corpus, tmp_path / "out")
    compare_with_golden(tmp_path / "out", GOLDEN / "xmi")


def compare_with_golden(out: Path, golden: Path) -> None:
    """Compares every file; SAYWHO_UPDATE_GOLDEN=1 rewrites the golden folder instead."""
    if os.environ.get("SAYWHO_UPDATE_GOLDEN") == "1":
        shutil.rmtree(golden, ignore_errors=True)
        shutil.copytree(out, golden)
    produced = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert produced == sorted(p.relative_to(golden).as_posix() for p in golden.rglob("*")
                              if p.is_file())
    for name in produced:
        assert (out / name).read_bytes() == (golden / name).read_bytes(), name


def test_round_trip_through_a_new_project(corpus: Project, tmp_path: Path) -> None:
    export(corpus, tmp_path / "out")
    documents, entities = XmiFormat.read(tmp_path / "out")
    with Project.create(tmp_path / "copy.saywho") as copy:
        copy.import_entities(entities, "xmi")
        copy.import_records(documents, "xmi")
        for info in corpus.documents():
            original = corpus.document(info.id)
            again = copy.document_by_external_id(original.external_id)
            assert (again.text, again.title) == (original.text, original.title)
            for annotator in corpus.statuses(info.id):
                def spans(project: Project, doc_id: int, who: str) -> set[tuple[object, ...]]:
                    names = {e.id: (e.name, e.kb_id) for e in project.entities()}
                    return {(s.external_id, s.label, s.fragments,
                             tuple(sorted(s.attributes.items())), names.get(s.entity_id))
                            for s in project.spans(doc_id, who)}

                def relations(project: Project, doc_id: int, who: str) -> set[tuple[str, ...]]:
                    ids = {s.id: s.external_id for s in project.spans(doc_id, who)}
                    return {(r.type, ids[r.source_id], ids[r.target_id])
                            for r in project.relations(doc_id, who)}

                assert spans(copy, again.id, annotator) == spans(corpus, info.id, annotator)
                assert relations(copy, again.id, annotator) == relations(corpus, info.id,
                                                                         annotator)


def test_text_that_xml10_cannot_carry_is_refused_and_reported(project: Project,
                                                              tmp_path: Path) -> None:
    text = "Bell \x07 rings. Varnay spoke."
    start = text.index("Varnay")
    project.import_records([DocumentRecord(text, "bell", "bell", annotations=[
        AnnotationSetRecord("alice", "done", [SpanRecord("T1", "Actor", [(start, start + 6)],
                                                         {"kind": "person"})])])], "t")
    manifest = export(project, tmp_path)
    assert not list(tmp_path.rglob("*.xmi"))
    assert [(i["document"], i["span"], i["label"]) for i in manifest.inexact] == [
        ("bell", "T1", "Actor")]
    assert "U+0007 at offset 5" in manifest.inexact[0]["reason"]


SAMPLES = ["😀", "👨\u200d👩\u200d👧", "e\u0301", "中文", "مرحبا", "שלום", "\r\n", "\n\n", " ", "a",
           "Varnay", ".", "“", "\U0001d11e"]


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[list[tuple[int, int]]]]:
    text = "".join(draw(st.lists(st.sampled_from(SAMPLES), min_size=2, max_size=25)))
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
def test_random_documents_cover_the_same_text(tmp_path_factory: pytest.TempPathFactory,
                                              sample: tuple[str, list[list[tuple[int, int]]]]
                                              ) -> None:
    text, fragment_lists = sample
    if not text.strip():
        return
    folder = tmp_path_factory.mktemp("xmi")
    with Project.create(folder / "p.saywho") as project:
        spans = [SpanRecord(f"T{i}", "Quote", fragments, {"form": "direct"})
                 for i, fragments in enumerate(fragment_lists)]
        project.import_records([DocumentRecord(text, "t", "doc", annotations=[
            AnnotationSetRecord("alice", "done", spans)])], "t")
        export(project, folder / "out")
        cas = load(folder / "out" / "alice" / "doc.xmi")
        assert cas.sofa_string == text
        assert spans_in_cas(cas) == {s.id: ("Quote", covered_text(text, s.fragments))
                                     for s in spans}


def test_through_export_project_with_splits(corpus: Project, tmp_path: Path) -> None:
    from export.run import export_project

    out = tmp_path / "out"
    manifest = export_project(corpus, "xmi", out,
                              ExportOptions(split={"train": 0.5, "test": 0.5}, seed=3))
    written = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(written["files"]) == sorted(
        p.relative_to(out).as_posix() for p in out.rglob("*")
        if p.is_file() and p.name != "manifest.json")
    for name in written["files"]:
        if name.endswith(".xmi"):
            annotator, split, _ = name.split("/")
            assert annotator in ("alice", "bob") and split in ("train", "test")
            load(out / name)
    assert sum(manifest.documents.values()) == 2
    documents, _ = XmiFormat.read(out)
    assert sorted((d.external_id, a.annotator) for d in documents for a in d.annotations) == [
        ("varnay-warns", "alice"), ("world-voices", "alice"), ("world-voices", "bob")]
