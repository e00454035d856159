"""TEI export: valid against the profile's RELAX NG, text and spans reconstructed exactly."""

from __future__ import annotations

from pathlib import Path

import export_support as support
import pytest
from lxml import etree

from formats.tei import SCHEMA_PATH, TeiFormat
from storage.project import Project
from storage.records import covered_text

NS = {"tei": "http://www.tei-c.org/ns/1.0"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
RELAXNG = etree.RelaxNG(etree.parse(str(SCHEMA_PATH)))


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
    for document, annotator, spans in support.exported_layers(corpus, tmp_path, TeiFormat()):
        reading = Reading(tmp_path / annotator / f"{document.external_id}.xml")
        assert reading.text == document.text
        assert reading.spans() == support.covered_spans(document, spans)
        ids = {s.id: s.external_id for s in spans}
        assert reading.links() == {(r.type, ids[r.source_id], ids[r.target_id])
                                   for r in corpus.relations(document.id, annotator)}


def test_actors_attributes_and_header(corpus: Project, tmp_path: Path) -> None:
    support.export_format(corpus, tmp_path, TeiFormat())
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
    support.export_format(corpus, tmp_path / "out", TeiFormat())
    assert support.compare_with_golden(tmp_path / "out", "tei")


def test_text_that_xml10_cannot_carry_is_refused(project: Project, tmp_path: Path) -> None:
    support.add_bell_document(project)
    manifest = support.export_format(project, tmp_path, TeiFormat())
    assert not list(tmp_path.rglob("*.xml"))
    assert [(i["span"], i["label"]) for i in manifest.inexact] == [("T1", "Actor")]


SAMPLES = ["😀", "👨\u200d👩\u200d👧", "e\u0301", "中文", "مرحبا", "שלום", "\r\n", "\n\n",
           "\r\n\r\n", " ", "a", "Varnay", ".", "“", "<&>", "]]>"]


@support.random_documents(SAMPLES)
def test_random_documents(tmp_path_factory: pytest.TempPathFactory,
                          sample: tuple[str, list[list[tuple[int, int]]]]) -> None:
    out, spans, _ = support.export_quotes(tmp_path_factory.mktemp("tei"), sample, TeiFormat())
    reading = Reading(out / "alice" / "doc.xml")
    assert reading.text == sample[0]
    assert reading.spans() == {s.id: ("Quote", covered_text(sample[0], s.fragments))
                               for s in spans}


def test_through_export_project_with_splits(corpus: Project, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _, written = support.export_in_halves(corpus, "tei", out)
    files = [name for name in written["files"] if name.endswith(".xml")]
    assert len(files) == 3
    for name in files:
        _annotator, split, file_name = name.split("/")
        reading = Reading(out / name)
        document = corpus.document_by_external_id(file_name.removesuffix(".xml"))
        assert reading.text == document.text and split in ("train", "test")


def test_source_note_keeps_urls_and_only_file_names_of_local_paths() -> None:
    from formats.tei import public_source

    assert public_source("https://wire.example/2026/varnay") == "https://wire.example/2026/varnay"
    assert public_source("/home/alice/private/feeds/varnay.html") == "varnay.html"
    assert public_source(r"C:\Users\alice\Desktop\varnay.txt") == "varnay.txt"
    assert public_source("corpus.jsonl") == "corpus.jsonl"
