"""Importing files into a project: one transaction per file, reports, round trips."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import run
from storage.ingest import covered_text
from storage.project import Project

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


def dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [line for line in connection.iterdump() if "alembic" not in line]


def jsonl_line(text: str, spans: list[dict[str, Any]], relations: list[dict[str, Any]] = (),
               doc_id: str = "d1", annotator: str = "alice") -> str:
    return json.dumps({"id": doc_id, "title": "T", "text": text, "meta": {"outlet": "Wire"},
                       "annotations": [{"annotator": annotator, "status": "done",
                                        "spans": spans, "relations": list(relations)}]},
                      ensure_ascii=False)


def span(span_id: str, label: str, text: str, start: int, end: int,
         **extra: Any) -> dict[str, Any]:
    return {"id": span_id, "label": label, "start": start, "end": end,
            "text": text[start:end], **extra}


def test_samples_import(any_project: Project) -> None:
    project = any_project
    report = project.import_paths([SAMPLES], annotator="alice")
    assert report.errors == []
    assert report.documents == 5
    titles = [d.title for d in project.documents()]
    assert all(titles) and len(set(titles)) == 5
    html = next(d for d in project.documents() if d.external_id.startswith("04"))
    view = project.document(html.id)
    assert "cookie" not in view.text.lower() and "\n\n" in view.text
    assert view.meta.get("date")


def test_duplicate_text_is_skipped_and_reported(any_project: Project, tmp_path: Path) -> None:
    project = any_project
    tmp_path = tmp_path / "inputs"
    tmp_path.mkdir()
    (tmp_path / "a.txt").write_text("Headline\n\nThe minister said so.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Headline\r\n\r\nThe minister said so.\r\n", encoding="utf-8")
    report = project.import_paths([tmp_path])
    assert report.documents == 1
    assert len(report.duplicates) == 1 and "b.txt" in report.duplicates[0]
    assert project.document_count() == 1


def test_bad_file_is_skipped_and_others_import(any_project: Project, tmp_path: Path) -> None:
    project = any_project
    tmp_path = tmp_path / "inputs"
    tmp_path.mkdir()
    (tmp_path / "good.txt").write_text("Good story\n\nVarnay spoke.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    text = "Varnay said we will win."
    bad_label = jsonl_line(text, [span("T1", "Speaker", text, 0, 6)], doc_id="x")
    good_line = jsonl_line(text.replace("win", "lose"), [], doc_id="y")
    (tmp_path / "mixed.jsonl").write_text(good_line + "\n" + bad_label + "\n", encoding="utf-8")
    report = project.import_paths([tmp_path])
    assert report.documents == 1
    errors = "\n".join(report.errors)
    assert str(tmp_path / "empty.txt") in errors
    assert str(tmp_path / "image.txt") in errors
    # the whole JSONL file is one transaction: its good first line was not kept
    assert f"{tmp_path / 'mixed.jsonl'}:2: span 'T1': label 'Speaker' is not in the schema" \
        in errors
    assert [d.external_id for d in project.documents()] == ["good"]


def test_jsonl_annotations_are_validated_against_the_schema(project: Project,
                                                            project_path: Path,
                                                            tmp_path: Path) -> None:
    text = "“We will not yield,” Varnay said, “not one metre.”"
    before = dump(project_path)
    cases = {
        "attr.jsonl": jsonl_line(text, [span("T1", "Quote", text, 1, 18,
                                             attributes={"form": "verbatim"})]),
        "relation.jsonl": jsonl_line(text, [span("T1", "Quote", text, 1, 18),
                                            span("T2", "Cue", text, 28, 32)],
                                     [{"id": "R1", "type": "speaker", "source": "T1",
                                       "target": "T2"}]),
        "cardinality.jsonl": jsonl_line(text, [span("T1", "Quote", text, 1, 18),
                                               span("T2", "Actor", text, 21, 27),
                                               span("T3", "Actor", text, 28, 32)],
                                        [{"id": "R1", "type": "speaker", "source": "T1",
                                          "target": "T2"},
                                         {"id": "R2", "type": "speaker", "source": "T1",
                                          "target": "T3"}]),
        "entity.jsonl": jsonl_line(text, [span("T2", "Actor", text, 21, 27, entity="e-x")]),
    }
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for name, line in cases.items():
        (inputs / name).write_text(line + "\n", encoding="utf-8")
    report = project.import_paths(sorted(inputs.iterdir()))
    assert report.documents == 0
    by_file = {Path(e.split(":")[0]).name: e for e in report.errors}
    assert "takes one of direct, indirect, mixed" in by_file["attr.jsonl"]
    assert "'speaker' goes to Actor, not to Cue" in by_file["relation.jsonl"]
    assert "already has 1 'speaker' relation" in by_file["cardinality.jsonl"]
    assert "actor 'e-x', which is not in the registry" in by_file["entity.jsonl"]
    assert all(":1: " in e for e in report.errors), report.errors
    assert dump(project_path) == before


def test_jsonl_with_entities_imports_everything(any_project: Project, tmp_path: Path) -> None:
    project = any_project
    tmp_path = tmp_path / "inputs"
    tmp_path.mkdir()
    text = "“We will not yield,” Varnay said, “not one metre.”"
    quote = {"id": "T1", "label": "Quote", "start": 1, "end": 49,
             "fragments": [[1, 18], [35, 49]],
             "text": covered_text(text, [(1, 18), (35, 49)]), "attributes": {"form": "direct"}}
    line = jsonl_line(text, [quote, span("T2", "Actor", text, 21, 27, entity="e1",
                                         attributes={"kind": "person"})],
                      [{"id": "R1", "type": "speaker", "source": "T1", "target": "T2"}])
    (tmp_path / "docs.jsonl").write_text(line + "\n", encoding="utf-8")
    (tmp_path / "entities.jsonl").write_text(json.dumps(
        {"id": "e1", "name": "Aldric Varnay", "kind": "person", "aliases": ["Varnay"],
         "kb_id": "Q123"}) + "\n", encoding="utf-8")
    report = project.import_paths([tmp_path])
    assert report.errors == [] and report.entities == 1 and report.spans == 2
    doc = project.documents("alice")[0]
    assert doc.status == "done"
    spans = {s.external_id: s for s in project.spans(doc.id, "alice")}
    assert spans["T1"].fragments == ((1, 18), (35, 49))
    [entity] = project.entities()
    assert spans["T2"].entity_id == entity.id and entity.kb_id == "Q123"
    [relation] = project.relations(doc.id)
    assert (relation.external_id, relation.source_id) == ("R1", spans["T1"].id)


def test_import_cli_exit_codes(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "p.saywho"
    assert run(["init", str(path)]) == 0
    assert run(["import", str(path), str(SAMPLES)]) == 0
    out = capsys.readouterr()
    assert "5 documents imported from 5 files" in out.out
    (tmp_path / "bad.txt").write_bytes(b"")
    assert run(["import", str(path), str(tmp_path / "bad.txt"), str(SAMPLES)]) == 1
    err = capsys.readouterr().err
    assert "bad.txt" in err and "already in the project" in err
    assert run(["import", str(path), str(tmp_path / "missing.txt")]) == 1
    assert "missing.txt: no such file" in capsys.readouterr().err
    assert run(["import"]) == 2
    assert run(["stats", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 5
    assert run(["stats", str(tmp_path / "none.saywho")]) == 1


# ------------------------------------------------------------ property tests

ALPHABET = st.sampled_from(
    [*"abc XYZ.,\n", "\r\n", "é", "e\u0301", "🙂", "👍🏽", "𝔘", "中", "ש", "\u200d"])


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[list[tuple[int, int]]]]:
    text = "A" + "".join(draw(st.lists(ALPHABET, min_size=0, max_size=60)))
    points = sorted(draw(st.sets(st.integers(0, len(text)), min_size=2, max_size=8)))
    fragments = [(a, b) for a, b in zip(points[::2], points[1::2], strict=False) if a < b]
    spans = []
    if fragments:
        spans.append(fragments)  # a discontinuous span over every pair
        spans.extend([[f] for f in fragments])
    return text, spans


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents())
def test_jsonl_offsets_survive_import(tmp_path_factory: Any,
                                      doc: tuple[str, list[list[tuple[int, int]]]]) -> None:
    text, spans = doc
    folder = tmp_path_factory.mktemp("prop")
    records = [{"id": f"T{i}", "label": "Quote", "start": f[0][0], "end": f[-1][1],
                **({"fragments": [list(x) for x in f]} if len(f) > 1 else {}),
                "text": covered_text(text, f)} for i, f in enumerate(spans)]
    (folder / "d.jsonl").write_text(jsonl_line(text, records) + "\n", encoding="utf-8")
    with Project.create(folder / "p.saywho") as project:
        report = project.import_paths([folder / "d.jsonl"])
        assert report.errors == [], report.errors
        [info] = project.documents()
        assert project.document(info.id).text == text  # stored exactly, CRLF included
        stored = {s.external_id: s for s in project.spans(info.id)}
        for record, fragments in zip(records, spans, strict=True):
            view = stored[record["id"]]
            assert list(view.fragments) == fragments
            assert covered_text(text, view.fragments) == record["text"]


def test_large_import_parses_in_workers_and_keeps_order(project: Project,
                                                        tmp_path: Path) -> None:
    from storage import project as project_module

    inputs = tmp_path / "many"
    inputs.mkdir()
    count = project_module.PARALLEL_MIN_FILES + 6
    for index in range(count):
        (inputs / f"{index:03d}.txt").write_text(f"Story {index}\n\nThe minister spoke {index}.",
                                                 encoding="utf-8")
    (inputs / "010-bad.txt").write_bytes(b"")
    report = project.import_paths([inputs])
    assert report.documents == count
    assert [e.split(":")[0] for e in report.errors] == [str(inputs / "010-bad.txt")]
    assert [d.external_id for d in project.documents()][:3] == ["000", "001", "002"]
