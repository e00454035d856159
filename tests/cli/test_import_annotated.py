"""``saywho import`` of brat and XMI exports: every annotator's layer comes back.

Real files and the real CLI: a project with two annotators is exported with
``saywho export``, and the export folder imported into a new project with
``saywho import``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import SMALL_TEXT, project_dump

from cli import run
from ingest.layers import plan_import
from storage.project import Project

OFFER_TEXT = ("Ostmere offers a truce\n\n"
              "The ministry said Ostmere would lift the tariffs if Doreth withdrew its troops.")
BRIEF_TEXT = "Brief\n\nNothing was said today."


def _at(text: str, piece: str) -> list[int]:
    start = text.index(piece)
    return [start, start + len(piece)]


def _span(span_id: str, label: str, text: str, *pieces: str,
          **attributes: Any) -> dict[str, Any]:
    fragments = [_at(text, piece) for piece in pieces]
    span: dict[str, Any] = {"id": span_id, "label": label, "start": fragments[0][0],
                            "end": fragments[-1][1], "attributes": attributes}
    if len(fragments) > 1:
        span["fragments"] = fragments
    return span


def _corpus() -> list[dict[str, Any]]:
    """Three documents: one annotated by alice and bob, one by both (alice's layer empty),
    one by nobody."""
    t = SMALL_TEXT
    alice = {"annotator": "alice", "status": "done", "spans": [
        {**_span("T1", "Quote", t, "We will not yield,", "not one metre.", form="direct",
                 channel="social-media", anonymous=True)},
        {**_span("T2", "Actor", t, "President Aldric Varnay", kind="person", mention="title"),
         "entity": "varnay"},
        _span("T3", "Cue", t, "said"),
        _span("T4", "Condition", t, "If they cross the river", polarity="positive",
              counterfactual=True),
        _span("T5", "Consequence", t, "our answer will be swift", type="threat"),
        {**_span("T6", "Actor", t, "the ministry", kind="organisation"), "entity": "ministry"},
    ], "relations": [
        {"id": "R1", "type": "speaker", "source": "T1", "target": "T2"},
        {"id": "R2", "type": "cue", "source": "T1", "target": "T3"},
        {"id": "R3", "type": "consequence", "source": "T4", "target": "T5"},
        {"id": "R4", "type": "holder", "source": "T4", "target": "T6"},
    ]}
    bob = {"annotator": "bob", "status": "in_progress", "spans": [
        _span("b-quote", "Quote", t, "We will not yield,", form="indirect"),
        {**_span("b-varnay", "Actor", t, "Aldric Varnay", kind="person"), "entity": "varnay"},
    ], "relations": [{"id": "b-speaker", "type": "speaker", "source": "b-quote",
                      "target": "b-varnay"}]}
    o = OFFER_TEXT
    offer = [
        {"annotator": "alice", "status": "new", "spans": [], "relations": []},
        {"annotator": "bob", "status": "done", "spans": [
            {**_span("T1", "Actor", o, "The ministry", kind="organisation"),
             "entity": "ministry"},
            _span("T2", "Condition", o, "if Doreth withdrew its troops", polarity="positive"),
            _span("T3", "Consequence", o, "Ostmere would lift the tariffs", type="offer"),
        ], "relations": [{"id": "R1", "type": "consequence", "source": "T2", "target": "T3"},
                         {"id": "R2", "type": "holder", "source": "T3", "target": "T1"}]},
    ]
    return [
        {"id": "varnay-warns", "title": "Varnay warns Doreth", "text": t,
         "meta": {"date": "2026-03-03", "outlet": "Saywho Wire"}, "annotations": [alice, bob]},
        {"id": "ostmere offer", "title": "Ostmere offers a truce", "text": o,
         "meta": {"date": "2026-03-05"}, "annotations": offer},
        {"id": "brief", "title": "Brief", "text": BRIEF_TEXT},
    ]


ACTORS = [
    {"id": "varnay", "name": "Aldric Varnay", "kind": "person",
     "aliases": ["President Varnay"], "kb_id": "wd:Q990003"},
    {"id": "ministry", "name": "Ostmere ministry", "kind": "organisation", "aliases": [],
     "kb_id": None},
]


@pytest.fixture
def source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A project (made with the CLI) holding the corpus annotated by alice and bob."""
    folder = tmp_path / "input"
    folder.mkdir()
    (folder / "corpus.jsonl").write_text(
        "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in _corpus()), "utf-8")
    (folder / "entities.jsonl").write_text(
        "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ACTORS), "utf-8")
    path = tmp_path / "source.saywho"
    assert run(["init", str(path)]) == 0
    assert run(["import", str(path), str(folder)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    return path


def export(project: Path, format_name: str, out: Path, *options: str) -> Path:
    assert run(["export", str(project), "--format", format_name, "--out", str(out),
                *options]) == 0
    return out


def new_project(path: Path) -> Path:
    assert run(["init", str(path)]) == 0
    return path


def documents(path: Path) -> dict[str, tuple[str, str, dict[str, Any]]]:
    with Project.open(path) as project:
        return {info.external_id: (project.document(info.id).title,
                                   project.document(info.id).text,
                                   project.document(info.id).meta)
                for info in project.documents()}


def layers(path: Path, brat: bool = False) -> dict[tuple[str, str], Any]:
    """(document id, annotator) -> status, spans and relations, without database ids.

    ``brat``: a false boolean attribute is left out (brat writes flags only when true)
    and actors are compared with their aliases (XMI does not carry them).
    """
    result = {}
    with Project.open(path) as project:
        actors = {e.id: (e.external_id, e.name, e.kind, e.kb_id, e.aliases if brat else None)
                  for e in project.entities()}
        for info in project.documents():
            for annotator, status in project.statuses(info.id).items():
                spans = project.spans(info.id, annotator)
                ids = {s.id: s.external_id for s in spans}
                result[(info.external_id, annotator)] = (
                    status,
                    sorted((s.external_id, s.label, s.fragments,
                            sorted((k, v) for k, v in s.attributes.items()
                                   if not (brat and v is False)),
                            actors.get(s.entity_id)) for s in spans),
                    sorted((r.external_id, r.type, ids[r.source_id], ids[r.target_id],
                            sorted(r.attributes.items()))
                           for r in project.relations(info.id, annotator)))
    return result


@pytest.mark.parametrize("format_name", ["brat", "xmi"])
def test_an_export_imports_back_with_every_annotator_and_status(
        format_name: str, source: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = export(source, format_name, tmp_path / "out")
    copy = new_project(tmp_path / "copy.saywho")
    capsys.readouterr()
    assert run(["import", str(copy), str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    # alice and bob each have a file of both documents; brief has no layer, so no file
    assert captured.out.strip() == ("2 documents imported from 4 files; 11 spans, "
                                    "7 relations; 2 actors")
    original = documents(source)
    del original["brief"]
    again = documents(copy)
    if format_name == "xmi":  # DocumentMetaData has no place for the metadata
        original = {k: (title, text, {}) for k, (title, text, _meta) in original.items()}
    assert again == original
    assert layers(copy, brat=format_name == "brat") == layers(source,
                                                               brat=format_name == "brat")
    assert layers(copy)[("varnay-warns", "bob")][0] == "in_progress"
    assert layers(copy)[("ostmere offer", "alice")] == ("new", [], [])


@pytest.mark.parametrize("format_name", ["brat", "xmi"])
def test_importing_the_same_export_again_changes_nothing(
        format_name: str, source: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = export(source, format_name, tmp_path / "out")
    copy = new_project(tmp_path / "copy.saywho")
    assert run(["import", str(copy), str(out)]) == 0
    before = project_dump(copy)
    capsys.readouterr()
    assert run(["import", str(copy), str(out)]) == 0
    captured = capsys.readouterr()
    assert project_dump(copy) == before
    skipped = [line for line in captured.err.splitlines() if line.startswith("skipped: ")]
    assert len(skipped) == 4
    assert any("'Varnay warns Doreth' is already in the project and bob already has 2 spans "
               "in it, so this layer was not imported" in line for line in skipped)
    assert any("'Ostmere offers a truce' is already in the project with alice's layer "
               "(status new, no spans)" in line for line in skipped)
    assert captured.out.strip() == ("0 documents imported from 4 files; "
                                    "4 already in the project (skipped)")


def test_an_annotators_layer_is_added_to_a_document_already_there(
        source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = export(source, "brat", tmp_path / "out")
    copy = new_project(tmp_path / "copy.saywho")
    assert run(["import", str(copy), str(out / "bob")]) == 0
    capsys.readouterr()
    # alice's files, named one by one, go to the documents bob's import created
    named = sorted(str(p) for p in (out / "alice").glob("*.ann"))
    assert run(["import", str(copy), *named]) == 0
    captured = capsys.readouterr()
    added = [line for line in captured.err.splitlines() if line.startswith("added: ")]
    assert len(added) == 2
    assert any("varnay-warns.ann: alice's 6 spans and 4 relations (status done) added to "
               "'Varnay warns Doreth', already in the project" in line for line in added)
    assert "2 annotation layers added to documents already in the project" in captured.out
    assert layers(copy, brat=True) == layers(source, brat=True)


def test_an_xmi_file_named_alone_keeps_its_annotator_and_status(
        source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = export(source, "xmi", tmp_path / "out")
    copy = new_project(tmp_path / "copy.saywho")
    assert run(["import", str(copy), str(out / "bob" / "varnay-warns.xmi")]) == 0
    assert layers(copy) == {("varnay-warns", "bob"): layers(source)[("varnay-warns", "bob")]}
    capsys.readouterr()


def test_a_broken_ann_line_rejects_that_file_only(source: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = export(source, "brat", tmp_path / "out")
    ann = out / "alice" / "varnay-warns.ann"
    ann.write_text(ann.read_text("utf-8").replace("\tsaid\n", "\tSAID\n"), "utf-8")
    copy = new_project(tmp_path / "copy.saywho")
    before = project_dump(copy)
    capsys.readouterr()
    # the file alone: rejected with its path and line, the project unchanged
    assert run(["import", str(copy), str(ann)]) == 1
    err = capsys.readouterr().err
    assert f"rejected: {ann}:3: T3 text 'SAID' does not match the text at its offsets" in err
    assert project_dump(copy) == before
    # the whole export: every other file imports, the broken one leaves no trace
    assert run(["import", str(copy), str(out)]) == 1
    captured = capsys.readouterr()
    assert f"{ann}:3:" in captured.err
    assert "2 documents imported from 4 files" in captured.out
    assert "1 rejected" in captured.out
    expected = layers(source)
    del expected[("varnay-warns", "alice")]
    assert layers(copy) == expected


@pytest.mark.parametrize(("content", "problem"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ": contains NUL bytes: a binary file, not a "
                                             "brat configuration"),
    ("[entities]\nActor\nCaf\u00e9\n".encode("latin-1"),
     ":3: not UTF-8 (byte 0xE9 at offset 20): a brat configuration must be UTF-8 text"),
], ids=["binary", "latin-1"])
def test_a_bad_annotation_conf_is_named_not_the_ann(
        source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes,
        problem: str) -> None:
    out = export(source, "brat", tmp_path / "out")
    conf = out / "alice" / "annotation.conf"
    conf.write_bytes(content)
    copy = new_project(tmp_path / "copy.saywho")
    before = project_dump(copy)
    capsys.readouterr()
    code = run(["import", str(copy), str(out / "alice")])
    captured = capsys.readouterr()
    assert code == 1
    # each .ann of the collection is rejected because of the configuration, which is named
    for ann in (out / "alice").glob("*.ann"):
        assert f"rejected: {ann}: {conf}{problem}" in captured.err, captured.err
    assert "UnicodeDecodeError" not in captured.err and "Traceback" not in captured.err
    assert project_dump(copy) == before


def test_an_ann_that_is_not_utf8_is_named_with_its_offset(
        source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = export(source, "brat", tmp_path / "out")
    ann = out / "alice" / "varnay-warns.ann"
    data = ann.read_bytes()
    ann.write_bytes(data[:5] + b"\xff" + data[5:])
    copy = new_project(tmp_path / "copy.saywho")
    capsys.readouterr()
    assert run(["import", str(copy), str(ann)]) == 1
    err = capsys.readouterr().err
    assert f"rejected: {ann}:1: not UTF-8 (byte 0xFF at offset 5)" in err, err


def test_a_brat_folder_without_annotation_conf_is_reported(
        source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = export(source, "brat", tmp_path / "out")
    bare = tmp_path / "bare"
    bare.mkdir()
    for file in (out / "bob").glob("*.*"):
        if file.suffix in (".txt", ".ann"):
            shutil.copy(file, bare / file.name)
    copy = new_project(tmp_path / "copy.saywho")
    capsys.readouterr()
    assert run(["import", str(copy), str(bare)]) == 1
    captured = capsys.readouterr()
    assert (f"rejected: {bare}: 2 brat .ann files but no annotation.conf in this folder or "
            "any folder above it, so their annotations were not imported (the .txt files "
            "beside them import as plain text)") in captured.err
    assert "2 documents imported from 2 files" in captured.out
    assert {key[1] for key in layers(copy)} == set()  # texts only
    # with the collection's annotation.conf beside them, importing again adds the layers
    shutil.copy(out / "bob" / "annotation.conf", bare / "annotation.conf")
    assert run(["import", str(copy), str(bare)]) == 0
    captured = capsys.readouterr()
    assert "2 annotation layers added to documents already in the project" in captured.out
    # without saywho.json the annotator is the folder's name
    with Project.open(copy) as project:
        by_annotator = {(info.title, name): len(project.spans(info.id, name))
                        for info in project.documents()
                        for name in project.statuses(info.id)}
    assert by_annotator == {("Varnay warns Doreth", "bare"): 2,
                            ("Ostmere offers a truce", "bare"): 3}


def test_plain_files_beside_an_export_import_as_before(source: Path, tmp_path: Path) -> None:
    out = export(source, "brat", tmp_path / "corpus" / "brat-export")
    (tmp_path / "corpus" / "news").mkdir()
    story = tmp_path / "corpus" / "news" / "story.txt"
    story.write_text("Fresh story\n\nA brand new story about the river talks.", "utf-8")
    plan = plan_import([tmp_path / "corpus"])
    assert [layer.path.relative_to(out).as_posix() for layer in plan.layers] == [
        "alice/ostmere_offer.ann", "alice/varnay-warns.ann", "bob/ostmere_offer.ann",
        "bob/varnay-warns.ann"]
    assert plan.plain == [story]
    # a file named as well as found in the folder is one layer, and its text not plain
    named = out / "bob" / "varnay-warns.ann"
    again = plan_import([named, tmp_path / "corpus"])
    assert (len(again.layers), again.layers[0].path, again.plain) == (4, named, [story])
    assert plan_import([tmp_path / "corpus" / "news"]).plain == [tmp_path / "corpus" / "news"]
