"""Importing files into a project: one transaction per file, reports, round trips."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import run
from ingest import import_paths, pipeline
from storage import importing
from storage.project import Project
from storage.records import covered_text

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
    report = import_paths(project, [SAMPLES], annotator="alice")
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
    report = import_paths(project, [tmp_path])
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
    report = import_paths(project, [tmp_path])
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
    report = import_paths(project, sorted(inputs.iterdir()))
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
    report = import_paths(project, [tmp_path])
    assert report.errors == [] and report.entities == 1 and report.spans == 2
    doc = project.documents("alice")[0]
    assert doc.status == "done"
    spans = {s.external_id: s for s in project.spans(doc.id, "alice")}
    assert spans["T1"].fragments == ((1, 18), (35, 49))
    [entity] = project.entities()
    assert spans["T2"].entity_id == entity.id and entity.kb_id == "Q123"
    [relation] = project.relations(doc.id)
    assert (relation.external_id, relation.source_id) == ("R1", spans["T1"].id)


def _linked_docs(folder: Path) -> Path:
    text = "Varnay said the talks would go on."
    line = jsonl_line(text, [span("T1", "Actor", text, 0, 6, entity="e1",
                                 attributes={"kind": "person"})])
    (folder / "docs.jsonl").write_text(line + "\n", encoding="utf-8")
    (folder / "entities.jsonl").write_text(json.dumps(
        {"id": "e1", "name": "Aldric Varnay", "kind": "person"}) + "\n", encoding="utf-8")
    return folder / "docs.jsonl"


def test_entities_beside_a_named_jsonl_file_are_read_and_reported(tmp_path: Path,
                                                                   capsys: Any) -> None:
    docs = _linked_docs(tmp_path)
    path = tmp_path / "p.saywho"
    assert run(["init", str(path)]) == 0
    assert run(["import", str(path), str(docs)]) == 0
    captured = capsys.readouterr()
    assert f"note: {tmp_path / 'entities.jsonl'}: read for the actors" in captured.err
    assert "1 document imported from 2 files" in captured.out and "1 actors" in captured.out
    with Project.open(path) as project:
        [entity] = project.entities()
        [doc] = project.documents("alice")
        [actor] = project.spans(doc.id, "alice")
        assert actor.entity_id == entity.id and entity.name == "Aldric Varnay"


def test_entities_named_first_are_read_once(any_project: Project, tmp_path: Path) -> None:
    docs = _linked_docs(tmp_path)
    first = import_paths(any_project, [tmp_path / "entities.jsonl"])
    assert first.entities == 1
    report = import_paths(any_project, [tmp_path / "entities.jsonl", docs])
    assert report.errors == [] and report.notes == [] and report.files == 2
    assert report.documents == 1 and len(any_project.entities()) == 1


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
        report = import_paths(project, [folder / "d.jsonl"])
        assert report.errors == [], report.errors
        [info] = project.documents()
        assert project.document(info.id).text == text  # stored exactly, CRLF included
        stored = {s.external_id: s for s in project.spans(info.id)}
        for record, fragments in zip(records, spans, strict=True):
            view = stored[record["id"]]
            assert list(view.fragments) == fragments
            assert covered_text(text, view.fragments) == record["text"]


def test_large_import_parses_in_workers_and_keeps_order(project: Project, tmp_path: Path,
                                                        monkeypatch: Any) -> None:

    monkeypatch.setattr(pipeline, "PARSE_WINDOW", 16)  # several windows in flight
    monkeypatch.setattr(importing, "GROUP_FILES", 10)  # and several groups
    inputs = tmp_path / "many"
    inputs.mkdir()
    count = pipeline.PARALLEL_MIN_FILES + 6
    for index in range(count):
        (inputs / f"{index:03d}.txt").write_text(f"Story {index}\n\nThe minister spoke {index}.",
                                                 encoding="utf-8")
    (inputs / "010-bad.txt").write_bytes(b"")
    report = import_paths(project, [inputs])
    assert report.documents == count
    assert [e.split(":")[0] for e in report.errors] == [str(inputs / "010-bad.txt")]
    assert [d.external_id for d in project.documents()] == sorted(
        f"{index:03d}" for index in range(count))


# ------------------------------------------------- grouped commits, savepoints


def jsonl_doc(doc_id: str, text: str, annotator: str | None = None,
              spans: list[dict[str, Any]] = ()) -> str:
    record: dict[str, Any] = {"id": doc_id, "title": doc_id, "text": text}
    if annotator is not None:
        record["annotations"] = [{"annotator": annotator, "status": "done",
                                  "spans": list(spans), "relations": []}]
    return json.dumps(record, ensure_ascii=False)


def test_bad_file_mid_group_rolls_back_alone(any_project: Project, tmp_path: Path,
                                             monkeypatch: Any) -> None:

    monkeypatch.setattr(importing, "GROUP_SECONDS", 60.0)
    groups: list[int] = []
    real_store_group = importing.store_files

    def counting(project: Project, pending: Any, *args: Any) -> int:
        stored = real_store_group(project, pending, *args)
        groups.append(stored)
        return stored

    monkeypatch.setattr(importing, "store_files", counting)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shared = "Zoe said the bridge will open."
    text = "Varnay said we will win."
    (inputs / "a.jsonl").write_text(jsonl_doc("a", "The first story.") + "\n", encoding="utf-8")
    # b stores its first line (and a new annotator, zoe) before its second line fails
    (inputs / "b.jsonl").write_text(
        jsonl_doc("b1", shared, "zoe") + "\n"
        + jsonl_doc("b2", text, "alice", [span("T1", "Speaker", text, 0, 6)]) + "\n",
        encoding="utf-8")
    # the same text, id and annotator again: b's rolled-back savepoint must not shadow them
    (inputs / "c.jsonl").write_text(jsonl_doc("b1", shared, "zoe",
                                              [span("T1", "Actor", shared, 0, 3)]) + "\n",
                                    encoding="utf-8")
    (inputs / "d.txt").write_text("Last story\n\nThe minister spoke.", encoding="utf-8")
    progress: list[tuple[int, int, str]] = []
    report = import_paths(any_project, [inputs], progress=lambda *a: progress.append(a))
    assert groups == [4]  # one transaction for the four files
    [error] = report.errors
    assert error.startswith(f"{inputs / 'b.jsonl'}:2: span 'T1': label 'Speaker' is not in "
                            "the schema")
    assert report.documents == 3 and report.files == 4 and report.duplicates == []
    assert [d.external_id for d in any_project.documents()] == ["a", "b1", "d"]
    stored = any_project.document_by_external_id("b1")
    assert stored.source == str(inputs / "c.jsonl")
    assert [s.label for s in any_project.spans(stored.id, "zoe")] == ["Actor"]
    assert [a.name for a in any_project.annotators()] == ["zoe"]
    assert [p[0] for p in progress] == [0, 1, 2, 3, 4]  # once per file, then the end
    assert progress[1][2] == str(inputs / "b.jsonl")


def test_bad_file_leaves_nothing_of_itself(project: Project, project_path: Path,
                                           tmp_path: Path) -> None:
    import_paths(project, [SAMPLES])
    before = dump(project_path)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    text = "Varnay said we will win."
    (inputs / "bad.jsonl").write_text(
        jsonl_doc("new1", "A new story.", "newcomer") + "\n"
        + jsonl_doc("new2", text, "newcomer", [span("T1", "Quote", text, 0, 99)]) + "\n",
        encoding="utf-8")
    for name in ("dup1.txt", "dup2.txt"):  # texts already stored: skipped, nothing written
        (inputs / name).write_bytes((SAMPLES / sorted(p.name for p in SAMPLES.iterdir()
                                                      if p.suffix == ".txt")[0]).read_bytes())
    report = import_paths(project, [inputs])
    assert report.documents == 0 and len(report.duplicates) == 2
    assert [e.split(": ")[0] for e in report.errors] == [f"{inputs / 'bad.jsonl'}:2"]
    assert dump(project_path) == before


@pytest.mark.parametrize("group_files", [1, 100])
def test_same_text_twice_in_one_import_is_stored_once(any_project: Project, tmp_path: Path,
                                                      monkeypatch: Any,
                                                      group_files: int) -> None:

    monkeypatch.setattr(importing, "GROUP_FILES", group_files)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    text = "The minister said the bridge will open in May."
    (inputs / "a.jsonl").write_text(jsonl_doc("first", text) + "\n"
                                    + jsonl_doc("again", text) + "\n"
                                    + jsonl_doc("other", "Another story.") + "\n",
                                    encoding="utf-8")
    (inputs / "b.jsonl").write_text(jsonl_doc("third", text) + "\n", encoding="utf-8")
    (inputs / "c.txt").write_text("Headline\n\nThe minister said so.\n", encoding="utf-8")
    (inputs / "d.txt").write_text("Headline\r\n\r\nThe minister said so.\r\n",
                                  encoding="utf-8")
    report = import_paths(any_project, [inputs])
    assert report.errors == []
    assert report.documents == 3
    assert report.duplicates == [
        f"{inputs / 'a.jsonl'}:2: 'again' is already in the project",
        f"{inputs / 'b.jsonl'}:1: 'third' is already in the project",
        f"{inputs / 'd.txt'}: 'Headline' is already in the project",
    ]
    assert [d.external_id for d in any_project.documents()] == ["first", "other", "c"]
    again = import_paths(any_project, [inputs])  # everything is stored: all skipped
    assert again.documents == 0 and len(again.duplicates) == 6 and again.errors == []


def test_retried_group_is_stored_once_with_its_report_rebuilt(project: Project, tmp_path: Path,
                                                              monkeypatch: Any) -> None:
    from sqlalchemy.exc import OperationalError


    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for index in range(6):
        (inputs / f"{index}.txt").write_text(f"Story {index}\n\nThe minister spoke {index}.",
                                             encoding="utf-8")
    (inputs / "1.txt").write_text("Story 0\n\nThe minister spoke 0.", encoding="utf-8")
    (inputs / "3.txt").write_bytes(b"")
    calls = 0
    real_insert = importing.Store.insert_document

    def flaky(self: Any, **values: Any) -> int:
        nonlocal calls
        calls += 1
        if calls == 3:  # mid-group, after two files: another writer grabbed the lock
            raise OperationalError("INSERT INTO document", {}, Exception("database is locked"))
        return real_insert(self, **values)

    monkeypatch.setattr(importing.Store, "insert_document", flaky)
    report = import_paths(project, [inputs])
    assert calls > 3  # the group ran again
    assert report.files == 6 and report.documents == 4
    assert report.duplicates == [f"{inputs / '1.txt'}: 'Story 0' is already in the project"]
    assert [e.split(":")[0] for e in report.errors] == [str(inputs / "3.txt")]
    assert [d.external_id for d in project.documents()] == ["0", "2", "4", "5"]


HOLD_WRITE_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.rollback()
connection.close()
"""


def test_import_completes_while_another_process_holds_the_write_lock(
        project: Project, project_path: Path, tmp_path: Path, monkeypatch: Any) -> None:
    import subprocess
    import sys

    from storage import db as storage_db

    project.close()
    monkeypatch.setattr(storage_db, "SQLITE_BUSY_TIMEOUT_MS", 50)  # retries, not one long wait
    monkeypatch.setattr(importing, "GROUP_FILES", 4)
    attempts: list[int] = []
    real_retry = importing.with_retry

    def counting(work: Any, *args: Any, **kwargs: Any) -> Any:
        def counted() -> Any:
            attempts.append(1)
            return work()
        return real_retry(counted, *args, **kwargs)

    monkeypatch.setattr(importing, "with_retry", counting)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for index in range(10):
        (inputs / f"{index:02d}.txt").write_text(f"Story {index}\n\nVarnay spoke {index}.",
                                                 encoding="utf-8")
    with Project.open(project_path) as reopened:
        holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK, str(project_path),
                                   "0.6"], stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
            report = import_paths(reopened, [inputs])
        finally:
            assert holder.wait(timeout=30) == 0
        assert report.errors == [] and report.documents == 10
        assert len(attempts) > 3  # three groups, at least one retried while locked
        assert [d.external_id for d in reopened.documents()] == [f"{i:02d}" for i in range(10)]
