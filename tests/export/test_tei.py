"""TEI export: valid against the profile's RELAX NG, text and spans reconstructed exactly."""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from export.base import ExportContext, ExportOptions, Manifest
from export.tei import SCHEMA_PATH, TeiFormat
from storage.corpus import CorpusFilter, entity_map, iter_corpus
from storage.ingest import covered_text
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, SpanRecord

GOLDEN = Path(__file__).parent / "golden"
NS = {"tei": "http://www.tei-c.org/ns/1.0"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
RELAXNG = etree.RelaxNG(etree.parse(str(SCHEMA_PATH)))


def export(project: Project, out: Path, options: ExportOptions | None = None) -> Manifest:
    options = options or ExportOptions()
    context = ExportContext(project, project.schema, out, options, Manifest(),
                            entity_map(project))
    fmt = TeiFormat()
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


class Reading:
    """A TEI file read back: its text, anchor offsets, spans and links."""

    def __init__(self, path: Path) -> None:
        self.tree = etree.parse(str(path))
        assert RELAXNG.validate(self.tree), RELAXNG.error_log
        self.ids = {e.get(XML_ID): e for e in self.tree.iter() if e.get(XML_ID)}
        pieces: list[str] = []
        self.anchor_at: dict[str, int] = {}
        for paragraph in self.tree.iterfind(".//tei:body/tei:p", NS):
            pieces.append(paragraph.text or "")
            for anchor in paragraph:
                self.anchor_at[anchor.get(XML_ID)] = len("".join(pieces))
                pieces.append(anchor.tail or "")
        self.text = "".join(pieces)
        for element in self.tree.iter():
            for name in ("from", "to", "ana", "corresp", "next", "prev", "target"):
                for pointer in (element.get(name) or "").split():
                    assert pointer.startswith("#") and pointer[1:] in self.ids, pointer

    def spans(self) -> dict[str, tuple[str, str]]:
        """Saywho span id -> (label, covered text with fragments joined)."""
        result = {}
        for group in self.tree.iterfind(".//tei:standOff/tei:spanGrp", NS):
            for span in group:
                if span.get("prev"):
                    continue
                fragments, current = [], span
                while current is not None:
                    fragments.append((self.anchor_at[current.get("from")[1:]],
                                      self.anchor_at[current.get("to")[1:]]))
                    following = current.get("next")
                    current = self.ids[following[1:]] if following else None
                result[span.get("n")] = (group.get("type"), covered_text(self.text, fragments))
        return result

    def links(self) -> set[tuple[str, str, str]]:
        return {(group.get("type"), *(self.ids[p[1:]].get("n")
                                      for p in link.get("target").split()))
                for group in self.tree.iterfind(".//tei:linkGrp", NS) for link in group}


def test_valid_exact_text_spans_and_links(corpus: Project, tmp_path: Path) -> None:
    manifest = export(corpus, tmp_path)
    assert manifest.inexact == []
    for info in corpus.documents():
        document = corpus.document(info.id)
        for annotator in corpus.statuses(info.id):
            reading = Reading(tmp_path / annotator / f"{document.external_id}.xml")
            assert reading.text == document.text
            spans = corpus.spans(info.id, annotator)
            assert reading.spans() == {s.external_id: (s.label,
                                                       covered_text(document.text, s.fragments))
                                       for s in spans}
            ids = {s.id: s.external_id for s in spans}
            assert reading.links() == {(r.type, ids[r.source_id], ids[r.target_id])
                                       for r in corpus.relations(info.id, annotator)}


def test_actors_attributes_and_header(corpus: Project, tmp_path: Path) -> None:
    export(corpus, tmp_path)
    reading = Reading(tmp_path / "alice" / "world-voices.xml")
    tree = reading.tree
    assert tree.findtext(".//tei:titleStmt/tei:title", namespaces=NS) == "World voices 🌍"
    person = reading.ids["e-haddad"]
    assert etree.QName(person).localname == "person"
    assert person.find("tei:persName", NS).get("ref") == "wd:Q990001"
    org = reading.ids["e-doreth"]
    assert (etree.QName(org).localname, org.get("type")) == ("org", "state")
    actor = reading.ids["s-A6"]
    assert actor.get("corresp") == "#e-doreth"
    features = reading.ids[reading.ids["s-N1"].get("ana")[1:]]
    assert [(f.get("name"), f[0].get("value")) for f in features] == [("type", "threat")]
    quote = reading.ids[reading.ids["s-Q3"].get("ana")[1:]]
    assert {f.get("name"): etree.QName(f[0]).localname for f in quote} == {
        "form": "symbol", "anonymous": "binary"}
    prefix = tree.find(".//tei:prefixDef", NS)
    assert prefix.get("ident") == "wd"


def test_golden_files(corpus: Project, tmp_path: Path) -> None:
    export(corpus, tmp_path / "out")
    golden = GOLDEN / "tei"
    out = tmp_path / "out"
    if os.environ.get("SAYWHO_UPDATE_GOLDEN") == "1":
        shutil.rmtree(golden, ignore_errors=True)
        shutil.copytree(out, golden)
    produced = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert produced == sorted(p.relative_to(golden).as_posix() for p in golden.rglob("*")
                              if p.is_file())
    for name in produced:
        assert (out / name).read_bytes() == (golden / name).read_bytes(), name


def test_text_that_xml10_cannot_carry_is_refused(project: Project, tmp_path: Path) -> None:
    text = "Bell \x07 rings. Varnay spoke."
    start = text.index("Varnay")
    project.import_records([DocumentRecord(text, "bell", "bell", annotations=[
        AnnotationSetRecord("alice", "done", [SpanRecord("T1", "Actor", [(start, start + 6)],
                                                         {"kind": "person"})])])], "t")
    manifest = export(project, tmp_path)
    assert not list(tmp_path.rglob("*.xml"))
    assert [(i["span"], i["label"]) for i in manifest.inexact] == [("T1", "Actor")]


SAMPLES = ["😀", "👨\u200d👩\u200d👧", "e\u0301", "中文", "مرحبا", "שלום", "\r\n", "\n\n",
           "\r\n\r\n", " ", "a", "Varnay", ".", "“", "<&>", "]]>"]


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
def test_random_documents(tmp_path_factory: pytest.TempPathFactory,
                          sample: tuple[str, list[list[tuple[int, int]]]]) -> None:
    text, fragment_lists = sample
    if not text.strip():
        return
    folder = tmp_path_factory.mktemp("tei")
    with Project.create(folder / "p.saywho") as project:
        spans = [SpanRecord(f"T{i}", "Quote", fragments, {"form": "direct"})
                 for i, fragments in enumerate(fragment_lists)]
        project.import_records([DocumentRecord(text, "t", "doc", annotations=[
            AnnotationSetRecord("alice", "done", spans)])], "t")
        export(project, folder / "out")
        reading = Reading(folder / "out" / "alice" / "doc.xml")
        assert reading.text == text
        assert reading.spans() == {s.id: ("Quote", covered_text(text, s.fragments))
                                   for s in spans}


def test_through_export_project_with_splits(corpus: Project, tmp_path: Path) -> None:
    from export.run import export_project

    out = tmp_path / "out"
    export_project(corpus, "tei", out, ExportOptions(split={"train": 0.5, "test": 0.5},
                                                     seed=3))
    written = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    files = [name for name in written["files"] if name.endswith(".xml")]
    assert len(files) == 3
    for name in files:
        _annotator, split, file_name = name.split("/")
        reading = Reading(out / name)
        document = corpus.document_by_external_id(file_name.removesuffix(".xml"))
        assert reading.text == document.text and split in ("train", "test")
