"""UIMA CAS XMI export: read back by dkpro-cassis, UTF-16 offsets in the file, round trip."""

from __future__ import annotations

from pathlib import Path

import cassis
import export_support as support
import pytest
from lxml import etree

from formats.base import ExportError
from formats.xmi import LAYER_TYPE, RELATION_TYPE, SPAN_TYPE, XmiFormat, feature_name
from storage.project import Project
from storage.records import DocumentRecord, SpanRecord, covered_text
from text.offsets import OffsetMap

XMI_NS = "{http:///webanno/custom.ecore}"


def load(path: Path) -> cassis.Cas:
    folder = path.parent
    while not (folder / "TypeSystem.xml").exists():  # split folders share their parent's
        assert folder != folder.parent, f"no TypeSystem.xml above {path}"
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
    for document, annotator, spans in support.exported_layers(corpus, tmp_path, XmiFormat()):
        cas = load(tmp_path / annotator / f"{document.external_id}.xmi")
        assert cas.sofa_string == document.text
        assert spans_in_cas(cas) == support.covered_spans(document, spans)
        by_id = {s.id: s for s in spans}
        relations = {(r.label, r.Governor.spanId, r.Dependent.spanId, r.relationId)
                     for r in cas.select(RELATION_TYPE)}
        assert relations == {(r.type, by_id[r.source_id].external_id,
                               by_id[r.target_id].external_id, r.external_id)
                             for r in corpus.relations(document.id, annotator)}
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
    support.export_format(corpus, tmp_path, XmiFormat())
    cas = load(tmp_path / "alice" / "world-voices.xmi")
    actors = {a.spanId: a for a in cas.select(SPAN_TYPE)}
    assert (actors["A1"].entity, actors["A1"].entityName, actors["A1"].kbId) == (
        "haddad", "Zoë Haddad-Keller", "wd:Q990001")
    assert actors["A6"].kbId == "wd:Q990002"
    assert actors["N1"].attr_type == "threat"
    assert actors["Q3"].anonymous is False


def test_file_offsets_are_utf16_code_units(corpus: Project, tmp_path: Path) -> None:
    support.export_format(corpus, tmp_path, XmiFormat())
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
    support.export_format(corpus, tmp_path / "out", XmiFormat())
    assert support.compare_with_golden(tmp_path / "out", "xmi")


def test_round_trip_through_a_new_project(corpus: Project, tmp_path: Path) -> None:
    support.export_format(corpus, tmp_path / "out", XmiFormat())
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


def test_saywho_layer_keeps_the_annotator_name_and_status(project: Project,
                                                          tmp_path: Path) -> None:
    text = "Varnay spoke. Nobody listened."
    project.import_records([support.one_document(text, [
        SpanRecord("T1", "Actor", [(0, 6)], {"kind": "person"})], "spoke", "Spoke")], "t")
    edited = support.one_document(text, [], "spoke", "Spoke").annotations[0]
    edited.annotator, edited.status = "Zoë K.", "in_progress"
    project.import_records([DocumentRecord(text + " Again.", "Again", "again",
                                           annotations=[edited])], "t")
    support.export_format(project, tmp_path / "out", XmiFormat())
    file = tmp_path / "out" / "Zoë_K" / "again.xmi"  # the folder name is made safe
    layers = [(fs.annotator, fs.status) for fs in load(file).select(LAYER_TYPE)]
    assert layers == [("Zoë K.", "in_progress")]
    documents, _ = XmiFormat.read(tmp_path / "out")
    assert sorted((d.external_id, a.annotator, a.status) for d in documents
                  for a in d.annotations) == [("again", "Zoë K.", "in_progress"),
                                              ("spoke", "alice", "done")]
    # a file named alone keeps them too
    record, _ = XmiFormat.read_layer(file)
    assert (record.annotations[0].annotator, record.annotations[0].status) == (
        "Zoë K.", "in_progress")
    file.write_text(file.read_text("utf-8").replace('status="in_progress"', 'status="later"'),
                    "utf-8")
    with pytest.raises(Exception, match=r"again\.xmi: the status 'later' of its "
                                        r"webanno\.custom\.SaywhoLayer is not one of"):
        XmiFormat.read_layer(file)


def test_text_that_xml10_cannot_carry_is_refused_and_reported(project: Project,
                                                              tmp_path: Path) -> None:
    support.add_bell_document(project)
    manifest = support.export_format(project, tmp_path, XmiFormat())
    assert not list(tmp_path.rglob("*.xmi"))
    assert [(i["document"], i["span"], i["label"]) for i in manifest.inexact] == [
        ("bell", "T1", "Actor")]
    assert "U+0007 at offset 5" in manifest.inexact[0]["reason"]


SAMPLES = ["😀", "👨\u200d👩\u200d👧", "e\u0301", "中文", "مرحبا", "שלום", "\r\n", "\n\n", " ", "a",
           "Varnay", ".", "“", "\U0001d11e"]


@support.random_documents(SAMPLES)
def test_random_documents_cover_the_same_text(tmp_path_factory: pytest.TempPathFactory,
                                              sample: tuple[str, list[list[tuple[int, int]]]]
                                              ) -> None:
    out, spans, _ = support.export_quotes(tmp_path_factory.mktemp("xmi"), sample, XmiFormat())
    cas = load(out / "alice" / "doc.xmi")
    assert cas.sofa_string == sample[0]
    assert spans_in_cas(cas) == {s.id: ("Quote", covered_text(sample[0], s.fragments))
                                 for s in spans}


def test_through_export_project_with_splits(corpus: Project, tmp_path: Path) -> None:
    out = tmp_path / "out"
    manifest, written = support.export_in_halves(corpus, "xmi", out)
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


@pytest.mark.parametrize("where", ["xmi", "typesystem"])
def test_a_doctype_in_an_xmi_or_type_system_is_refused_before_parsing(
        small_project: Project, tmp_path: Path, where: str) -> None:
    out = tmp_path / "out"
    support.export_format(small_project, out, XmiFormat())
    target = next(out.rglob("*.xmi")) if where == "xmi" else next(out.rglob("TypeSystem.xml"))
    laughs = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
              '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n')
    data = target.read_text(encoding="utf-8")
    declaration_end = data.index("?>") + 2
    target.write_text(data[:declaration_end] + "\n" + laughs + data[declaration_end:],
                      encoding="utf-8")
    with pytest.raises(ExportError, match=r":2: .* may not contain a DOCTYPE"):
        XmiFormat.read(out)


# ------------------------------------------------- views and fragments (issue 10, item 10)


def _exported_xmi(project: Project, tmp_path: Path) -> tuple[Path, str]:
    out = tmp_path / "out"
    support.export_format(project, out, XmiFormat())
    xmi = next(out.rglob("*.xmi"))
    return xmi, xmi.read_text(encoding="utf-8")


def test_a_second_views_spans_stay_out_of_the_text(small_project: Project,
                                                   tmp_path: Path) -> None:
    xmi, _ = _exported_xmi(small_project, tmp_path)
    cas = load(xmi)
    second = cas.create_view("translation")
    second.sofa_string = "Varnay warnt Doreth: wir weichen nicht, sagte er."
    span_type = cas.typesystem.get_type(SPAN_TYPE)
    second.add(span_type(begin=0, end=6, label="Actor", spanId="V1", fragmentIndex=0,
                         fragmentCount=1))
    cas.to_xmi(xmi)
    record, _ = XmiFormat.read_layer(xmi)
    assert record.text == small_project.document_by_external_id("varnay-warns").text
    assert sorted(s.id for s in record.annotations[0].spans) == [
        "T1", "T2", "T3", "T4", "T5", "T6"]


def test_a_span_of_another_sofa_listed_in_the_text_view_is_refused(small_project: Project,
                                                                   tmp_path: Path) -> None:
    xmi, data = _exported_xmi(small_project, tmp_path)
    # the view of sofa 1 lists a span whose sofa is a second text: its offsets are not ours
    data = data.replace("<custom:SaywhoLayer", '<custom:SaywhoSpan xmi:id="900" sofa="901" '
                        'begin="0" end="6" label="Actor" spanId="V1" fragmentIndex="0" '
                        'fragmentCount="1"/><custom:SaywhoLayer', 1)
    data = data.replace('<cas:View sofa="1" members="', '<cas:Sofa xmi:id="901" sofaNum="2" '
                        'sofaID="translation" sofaString="Varnay warnt Doreth."/>'
                        '<cas:View sofa="901" members="900"/><cas:View sofa="1" members="900 ',
                        1)
    xmi.write_text(data, encoding="utf-8")
    with pytest.raises(ExportError) as caught:
        XmiFormat.read_layer(xmi)
    assert str(caught.value) == (
        f"{xmi}: span 'V1' (xmi:id 900) is listed in the view '_InitialView' but annotates "
        "the sofa 'translation' (another text, whose offsets do not fit this one); the file "
        "is inconsistent and was refused")


@pytest.mark.parametrize(("change", "message"), [
    (("spanId=\"T1\" fragmentIndex=\"1\" fragmentCount=\"2\"",
      "spanId=\"T1\" fragmentIndex=\"1\" fragmentCount=\"3\""),
     "span 'T1' has 2 fragment annotations (fragmentIndex 0, 1) but says fragmentCount 2, 3"),
    (("spanId=\"T2\" fragmentIndex=\"0\" fragmentCount=\"1\"",
      "spanId=\"T2\" fragmentIndex=\"0\" fragmentCount=\"2\""),
     "span 'T2' has 1 fragment annotation (fragmentIndex 0) but says fragmentCount 2"),
    (("spanId=\"T1\" fragmentIndex=\"1\"", "spanId=\"T1\" fragmentIndex=\"0\""),
     "span 'T1' has 2 fragment annotations (fragmentIndex 0, 0) but says fragmentCount 2"),
], ids=["count-differs", "missing-fragment", "index-repeated"])
def test_an_xmi_whose_fragment_count_does_not_match_is_refused(
        small_project: Project, tmp_path: Path, change: tuple[str, str], message: str) -> None:
    xmi, data = _exported_xmi(small_project, tmp_path)
    assert change[0] in data
    xmi.write_text(data.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(ExportError) as caught:
        XmiFormat.read_layer(xmi)
    assert str(caught.value) == f"{xmi}: {message}; the file is inconsistent and was refused"
