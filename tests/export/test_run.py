"""The export pipeline and the ``saywho export`` command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import pytest

from cli import run as cli_run
from export.run import ExportCancelled, ExportInputError, export_project
from export.splits import SplitError
from formats import registry
from formats.base import ExportContext, ExportOptions, Format, MissingDependencyError
from formats.jsonl import JsonlFormat
from storage.corpus import CorpusDocument
from storage.project import SAYWHO_VERSION, Project


def test_manifest_records_what_was_exported(jsonl_corpus: Project, tmp_path: Path) -> None:
    out = tmp_path / "out"
    options = ExportOptions(split={"train": 0.6, "test": 0.4}, seed=5)
    export_project(jsonl_corpus, "jsonl", out, options)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["saywho_version"] == SAYWHO_VERSION
    assert manifest["schema"] == {"name": "news-attribution", "version": 1}
    assert manifest["format"] == "jsonl"
    assert manifest["options"] == {"annotators": None, "status": None, "labels": None,
                                   "split": {"train": 0.6, "test": 0.4}, "seed": 5,
                                   "format_options": {}}
    assert manifest["documents"]["total"] == 3
    assert list(manifest["documents"]["by_split"]) == ["train", "test"]
    assert sum(manifest["documents"]["by_split"].values()) == 3
    assert manifest["spans"] == {
        "total": 20,
        "by_label": {"Actor": 7, "Condition": 3, "Consequence": 2, "Cue": 2, "Quote": 6},
        "by_annotator": {"alice": 6, "bob": 12, "gold": 2}}
    assert manifest["relations"]["by_type"] == {"consequence": 2, "cue": 2, "holder": 2,
                                                "speaker": 6}
    assert manifest["adjudicated"] == {"documents": 1, "ids": ["varnay-warns"],
                                       "done": ["varnay-warns"],
                                       "status": {"varnay-warns": "done"}}
    for name in manifest["files"]:
        assert (out / name).is_file()


def test_progress_reports_every_document(jsonl_corpus: Project, tmp_path: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    export_project(jsonl_corpus, "csv", tmp_path / "out",
                   progress=lambda done, total, what: calls.append((done, total, what)))
    assert calls == [(1, 3, "varnay-warns"), (2, 3, "world-voices"), (3, 3, "brief"),
                     (3, 3, "")]


def test_cancel_removes_the_partial_output(jsonl_corpus: Project, tmp_path: Path) -> None:
    polls = iter([False, True])
    out = tmp_path / "new-folder"
    with pytest.raises(ExportCancelled):
        export_project(jsonl_corpus, "brat", out, cancel=lambda: next(polls))
    assert not out.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    polls = iter([False, False, True])
    with pytest.raises(ExportCancelled):
        export_project(jsonl_corpus, "jsonl", empty, cancel=lambda: next(polls))
    assert empty.is_dir() and not any(empty.iterdir())


def test_a_failure_mid_way_leaves_nothing(jsonl_corpus: Project, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[str] = []

    def failing(self: JsonlFormat, context: ExportContext, item: CorpusDocument,
                split: str | None) -> None:
        if written:
            raise OSError(28, "No space left on device")
        written.append(item.document.external_id)
        original(self, context, item, split)

    original = JsonlFormat.write_document
    monkeypatch.setattr(JsonlFormat, "write_document", failing)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="No space left"):
        export_project(jsonl_corpus, "jsonl", out)
    assert written == ["varnay-warns"] and not out.exists()


@pytest.mark.parametrize(("options", "message"), [
    (ExportOptions(annotators=["carol"]), "unknown annotator 'carol' .annotators: alice, bob"),
    (ExportOptions(labels=["Speech"]), "label 'Speech' is not in the schema"),
    (ExportOptions(status="finished"), "unknown status 'finished'"),
])
def test_unknown_names_are_refused(jsonl_corpus: Project, tmp_path: Path, options: ExportOptions,
                                   message: str) -> None:
    with pytest.raises(ExportInputError, match=message):
        export_project(jsonl_corpus, "jsonl", tmp_path / "out", options)
    assert not (tmp_path / "out").exists()


def test_bad_format_folder_and_split(jsonl_corpus: Project, tmp_path: Path) -> None:
    with pytest.raises(ExportInputError, match="unknown format 'docx'"):
        export_project(jsonl_corpus, "docx", tmp_path / "a")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "old.txt").write_text("keep me", "utf-8")
    with pytest.raises(ExportInputError, match="not empty"):
        export_project(jsonl_corpus, "jsonl", busy)
    assert (busy / "old.txt").read_text("utf-8") == "keep me"
    with pytest.raises(SplitError, match="sum to"):
        export_project(jsonl_corpus, "jsonl", tmp_path / "b",
                       ExportOptions(split={"train": 0.5, "dev": 0.2}))


def test_adjudication_is_recorded_whichever_layers_are_exported(jsonl_corpus: Project,
                                                                 tmp_path: Path) -> None:
    manifest = export_project(jsonl_corpus, "jsonl", tmp_path / "out",
                              ExportOptions(annotators=["alice"]))
    assert manifest.extra["adjudicated"]["ids"] == ["varnay-warns"]
    assert manifest.extra["adjudicated"]["status"] == {"varnay-warns": "done"}


def test_gold_without_adjudication_is_explained(project: Project, tmp_path: Path) -> None:
    with pytest.raises(ExportInputError, match="no adjudicated layer"):
        export_project(project, "jsonl", tmp_path / "out", ExportOptions(annotators=["gold"]))


# --------------------------------------------------------------------- CLI


def test_cli_exports_with_a_summary(jsonl_corpus: Project, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert jsonl_corpus.path is not None
    out = tmp_path / "brat"
    code = cli_run(["export", str(jsonl_corpus.path), "--format", "brat", "--out", str(out),
                    "--gold"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out.strip() == f"exported 1 document, 2 spans, 1 relation to {out}"
    assert sorted(p.name for p in out.iterdir()) == ["gold", "manifest.json"]
    out = tmp_path / "split"
    code = cli_run(["export", str(jsonl_corpus.path), "--format", "jsonl", "--out", str(out),
                    "--split", "train=0.5,test=0.5", "--seed", "2", "--labels", "Quote,Actor",
                    "--status", "done"])
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["options"]["labels"] == ["Quote", "Actor"]
    assert set(manifest["spans"]["by_label"]) == {"Quote", "Actor"}


def test_a_per_annotator_export_of_unannotated_documents_says_nothing_was_written(
        project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from storage.records import DocumentRecord

    project.import_records([DocumentRecord(text="Nobody marked this.", external_id="bare")],
                           "bare")
    assert project.path is not None
    out = tmp_path / "brat"
    assert cli_run(["export", str(project.path), "--format", "brat", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == (
        f"exported 1 document, 0 spans, 0 relations to {out}; but no file was written besides "
        "manifest.json: no annotator has annotations in the documents chosen")
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--annotator", "carol"], 1, "unknown annotator 'carol'"),
    (["--labels", "Quote,Speech"], 1, "label 'Speech' is not in the schema"),
    (["--split", "train=0.9,test=0.2"], 2, "--split: split fractions sum to 1.1"),
    (["--seed", "4"], 2, "--seed only makes sense with --split"),
    (["--labels", ","], 2, "--labels needs at least one label"),
])
def test_cli_rejects_bad_input(jsonl_corpus: Project, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str], args: list[str], code: int,
                               message: str) -> None:
    assert jsonl_corpus.path is not None
    out = tmp_path / "out"
    assert cli_run(["export", str(jsonl_corpus.path), "--format", "jsonl", "--out", str(out),
                    *args]) == code
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_cli_usage_errors(jsonl_corpus: Project, tmp_path: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    assert jsonl_corpus.path is not None
    assert cli_run(["export", str(jsonl_corpus.path), "--format", "docx", "--out",
                    str(tmp_path / "o")]) == 2
    assert "invalid choice: 'docx'" in capsys.readouterr().err
    assert cli_run(["export", str(jsonl_corpus.path), "--out", str(tmp_path / "o")]) == 2


class _NeedsMissingPackage(Format):
    NAME: ClassVar[str] = "spacy"

    def start(self, context: ExportContext) -> None:
        raise MissingDependencyError("the spacy format needs spaCy, which is not installed")


def test_cli_names_the_extra_to_install(jsonl_corpus: Project, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    real_get = registry.get
    monkeypatch.setattr(registry, "get", lambda name: _NeedsMissingPackage if name == "spacy"
                        else real_get(name))
    assert jsonl_corpus.path is not None
    out = tmp_path / "out"
    assert cli_run(["export", str(jsonl_corpus.path), "--format", "spacy", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "spaCy, which is not installed" in err and "pip install 'saywho[spacy]'" in err
    assert not out.exists()


def test_cli_reports_inexact_spans(project: Project, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    from storage.records import AnnotationSetRecord, DocumentRecord, SpanRecord

    project.import_records([DocumentRecord(text="One\n\nTwo", external_id="gap", annotations=[
        AnnotationSetRecord("alice", "done", [SpanRecord("a", "Cue", [(3, 5)])])])], "x")
    assert project.path is not None
    out = tmp_path / "out"
    assert cli_run(["export", str(project.path), "--format", "brat", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "inexact: gap alice a Cue: the span covers only line breaks" in captured.err
    assert "1 item not represented exactly (see manifest.json)" in captured.out
