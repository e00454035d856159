"""File and folder names: readable, unique, bounded, in every format (issue 10, items 1, 8).

Annotators whose names once reduced to one folder (``Иван`` and ``Олег`` were both ``____``,
``a/b`` and ``a_b`` both ``a_b``, ``Alice`` and ``alice`` one folder on macOS and Windows)
each get their own folder, mapped to them in the manifest; documents whose ids collide once
cleaned (``d 1``, ``d?1``, ``d_1``, ``d_1-2``) each get their own file; very long ids and
annotator names give names of at most 200 bytes. Every per-annotator format is read back by
its own third-party reader (dkpro-cassis, lxml, spaCy, json, the CoNLL text) and each
folder must hold exactly the documents of the annotator the manifest maps it to.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from export.run import export_project
from formats.naming import MAX_NAME_BYTES, Names, safe_name, stable_hash
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, SpanRecord

LONG_ID = "Заявление министра " * 13  # 247 characters, 455 bytes of UTF-8
DOCUMENT_IDS = ["d 1", "d?1", "d_1", "d_1-2", "D_1", LONG_ID.strip(), "CON", "..hidden"]
ANNOTATORS = ["Иван", "Олег", "a/b", "a_b", "Alice", "alice", "Д" * 120, "labels.json"]
TEXT = "Minister Ilse Toral said the ferry would run again, her office said ({})."


def _records() -> list[DocumentRecord]:
    """Annotator k annotates the first k + 1 documents: every folder's set is different."""
    records = []
    for number, external_id in enumerate(DOCUMENT_IDS):
        text = TEXT.format(number)
        start = text.index("Minister Ilse Toral")
        layers = [AnnotationSetRecord(name, "done", [SpanRecord(
            "T1", "Actor", [(start, start + len("Minister Ilse Toral"))], {"kind": "person"})],
            []) for k, name in enumerate(ANNOTATORS) if number <= k]
        records.append(DocumentRecord(text=text, external_id=external_id,
                                      title=f"{external_id} " * 30, annotations=layers))
    return records


def _expected() -> dict[str, set[str]]:
    return {name: set(DOCUMENT_IDS[:k + 1]) for k, name in enumerate(ANNOTATORS)}


@pytest.fixture
def colliding(any_project: Project) -> Project:
    report = any_project.import_records(_records(), "colliding.jsonl")
    assert report.documents == len(DOCUMENT_IDS), report.errors
    return any_project


def _documents_in(folder: Path, format_name: str, names: dict[str, str]) -> tuple[set[str], str]:
    """The document ids a third-party reader finds in an annotator folder, and the annotator
    the files themselves name."""
    found: set[str] = set()
    annotators: set[str] = set()
    if format_name == "conll":
        for path in folder.rglob("*.conll"):
            for line in path.read_text("utf-8").splitlines():
                if line.startswith("# doc_id = "):
                    found.add(line.removeprefix("# doc_id = "))
    elif format_name == "hf":
        for path in folder.rglob("*.jsonl"):
            for line in path.read_text("utf-8").splitlines():
                found.add(json.loads(line)["document"])
    elif format_name == "xmi":
        import cassis

        with (folder / "TypeSystem.xml").open("rb") as handle:
            typesystem = cassis.load_typesystem(handle)
        for path in folder.rglob("*.xmi"):
            with path.open("rb") as handle:
                cas = cassis.load_cas_from_xmi(handle, typesystem=typesystem, lenient=False)
            [meta] = cas.select("de.tudarmstadt.ukp.dkpro.core.api.metadata.type."
                                "DocumentMetaData")
            found.add(meta.get("documentId"))
            annotators.update(layer.get("annotator")
                              for layer in cas.select("webanno.custom.SaywhoLayer"))
    elif format_name == "tei":
        from lxml import etree

        for path in folder.rglob("*.xml"):
            tree = etree.parse(str(path))
            stem = path.name.removesuffix(".xml")
            found.add(names.get(stem, stem))
            annotators.update(tree.xpath("//tei:respStmt/tei:name/text()", namespaces={
                "tei": "http://www.tei-c.org/ns/1.0"}))
    elif format_name == "spacy":
        import spacy
        from spacy.tokens import DocBin

        nlp = spacy.blank("xx")
        for path in folder.rglob("*.spacy"):
            for doc in DocBin().from_disk(path).get_docs(nlp.vocab):
                found.add(doc.user_data["saywho"]["document"])
                annotators.add(doc.user_data["saywho"]["annotator"])
    elif format_name == "brat":
        sidecar = json.loads((folder / "saywho.json").read_text("utf-8"))
        annotators.add(sidecar["annotator"])
        for path in folder.rglob("*.ann"):
            relative = path.relative_to(folder).as_posix().removesuffix(".ann")
            found.add(sidecar["documents"][relative]["id"])
            assert path.with_suffix(".txt").is_file()
    [annotator] = annotators or {""}
    return found, annotator


def _check_names(out: Path) -> None:
    for path in out.rglob("*"):
        assert len(path.name.encode("utf-8")) <= MAX_NAME_BYTES, path.name
        assert path.name == unicodedata.normalize("NFC", path.name)
    keys = [p.relative_to(out).as_posix().casefold() for p in out.rglob("*")]
    assert len(keys) == len(set(keys)), "two names differ only in case"


@pytest.mark.parametrize("format_name", ["brat", "xmi", "tei", "conll", "hf", "spacy"])
def test_every_annotator_gets_its_own_folder(colliding: Project, format_name: str,
                                             tmp_path: Path) -> None:
    out = tmp_path / "out"
    manifest = export_project(colliding, format_name, out)
    written = json.loads((out / "manifest.json").read_text("utf-8"))
    folders = written["names"]["annotator_folders"]
    assert sorted(folders.values()) == sorted(ANNOTATORS)
    assert folders["Иван"] == "Иван" and folders["Олег"] == "Олег"  # readable, not ____
    assert {p.name for p in out.iterdir() if p.is_dir()} == set(folders)
    assert sorted(manifest.files) == sorted(p.relative_to(out).as_posix()
                                            for p in out.rglob("*") if p.is_file()
                                            and p.name != "manifest.json")
    _check_names(out)
    expected = _expected()
    documents = written["names"]["documents"]
    for folder, annotator in folders.items():
        found, named = _documents_in(out / folder, format_name, documents)
        assert found == expected[annotator], (folder, annotator)
        assert named in ("", annotator)


@pytest.mark.parametrize("format_name", ["brat", "xmi", "tei"])
def test_every_document_gets_its_own_file(colliding: Project, format_name: str,
                                          tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_project(colliding, format_name, out)
    written = json.loads((out / "manifest.json").read_text("utf-8"))
    folder = out / next(f for f, a in written["names"]["annotator_folders"].items()
                        if a == ANNOTATORS[-1])
    extension = {"brat": ".ann", "xmi": ".xmi", "tei": ".xml"}[format_name]
    stems = sorted(p.name.removesuffix(extension) for p in folder.glob(f"*{extension}"))
    assert len(stems) == len(DOCUMENT_IDS)
    renamed = written["names"]["documents"]
    assert sorted(renamed.get(stem, stem) for stem in stems) == sorted(DOCUMENT_IDS)
    assert "d_1" in stems  # the id that needs no change keeps its name
    assert "Заявление_министра" in " ".join(stems)  # readable, cut with a hash


def test_brat_and_xmi_read_back_every_colliding_layer(colliding: Project,
                                                      tmp_path: Path) -> None:
    from formats.brat import BratFormat
    from formats.xmi import XmiFormat

    for fmt in (BratFormat, XmiFormat):
        out = tmp_path / fmt.NAME
        export_project(colliding, fmt.NAME, out)
        records, _ = fmt.read(out)
        layers = {(record.external_id, layer.annotator) for record in records
                  for layer in record.annotations}
        assert layers == {(doc, name) for name, docs in _expected().items() for doc in docs}


def test_safe_name_keeps_unicode_and_bounds_bytes() -> None:
    assert safe_name("Иван") == "Иван"
    assert safe_name("e\u0301cole") == "\u00e9cole"  # NFC
    assert safe_name("a/b\\c:d*e?f\"g<h>i|j") == "a_b_c_d_e_f_g_h_i_j"
    assert safe_name("..secret") == "secret"
    assert safe_name("") == "_"
    assert safe_name("con") == "_con" and safe_name("LPT1.txt") == "_LPT1.txt"
    assert safe_name("\u202egnp.exe") == "_gnp.exe"  # no bidi controls in names
    long = "Ж" * 300
    name = safe_name(long)
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert name.endswith(f"-{stable_hash(long)}")
    assert safe_name(long) == name != safe_name("Ж" * 301)
    assert stable_hash("d?1") == stable_hash("d?1") != stable_hash("d 1")


def test_collisions_are_settled_the_same_way_every_time() -> None:
    first, second = Names(), Names()
    for names in (first, second):
        for text in ("d 1", "d?1", "d_1", "d_1-2"):
            names.document(text)
    assert first.documents == second.documents
    assert first.documents["d 1"] == "d_1"
    assert first.documents["d?1"] == f"d_1-{stable_hash('d?1')}"
    assert first.documents["d_1"] == f"d_1-{stable_hash('d_1')}"
    assert first.documents["d_1-2"] == "d_1-2"
    assert len({name.casefold() for name in first.documents.values()}) == 4
