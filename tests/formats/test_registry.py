"""The format registry: one declaration per format feeds import, export, CLI and dialogs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cli import run
from export.run import export_project
from formats import registry
from formats.base import DOCUMENTS, LAYERS, Format
from ingest import import_paths
from ingest.files import iter_files
from storage.project import Project
from tests.formats.tiny_format import TsvDocFormat

TSV = "d1\tFirst\tThe minister said\\nit would rain.\nd2\tSecond\tA tab\\there.\n"


@pytest.fixture
def tsvdoc() -> Iterator[type[Format]]:
    registry.register(TsvDocFormat)
    yield TsvDocFormat
    registry.unregister(TsvDocFormat.NAME)


def _texts(path: Path) -> dict[str, str]:
    with Project.open(path) as project:
        return {d.external_id: project.document(d.id).text for d in project.documents()}


def test_supported_formats_list_both_directions() -> None:
    by_name = {info.name: info for info in registry.supported_formats()}
    assert by_name["text"].directions == "import"
    assert by_name["jsonl"].directions == "import and export"
    assert by_name["conll"].directions == "export"
    assert by_name["brat"].reads == LAYERS and by_name["html"].reads == DOCUMENTS
    assert "text" not in registry.writer_names() and "conll" in registry.writer_names()
    assert registry.read_extensions(DOCUMENTS) == {".txt", ".html", ".htm", ".jsonl"}
    assert registry.read_extensions(LAYERS) == {".ann", ".xmi"}
    assert "*.xmi" in registry.import_patterns()


def test_dispatch_by_extension_and_content(tmp_path: Path) -> None:
    assert registry.document_reader(tmp_path / "a.HTM").NAME == "html"
    assert registry.document_reader(tmp_path / "notes.md").NAME == "text"  # the fallback
    ann = tmp_path / "coll" / "a.ann"
    ann.parent.mkdir()
    assert registry.layer_reader(ann) is None  # no annotation.conf above it
    (tmp_path / "annotation.conf").write_text("[entities]\nActor\n", encoding="utf-8")
    reader = registry.layer_reader(ann)
    assert reader is not None and reader.NAME == "brat"
    assert reader.companions(ann) == [ann.with_suffix(".txt")]


def test_registering_refuses_clashes_and_empty_declarations() -> None:
    class Nameless(Format, extensions=(".x",)):
        """Extensions without a name."""

    class Clash(Format, name="jsonl", extensions=(".x",)):
        """A name already taken."""

    with pytest.raises(ValueError, match="declares a name and extensions"):
        registry.register(Nameless)
    with pytest.raises(ValueError, match="format 'jsonl' is registered already"):
        registry.register(Clash)
    assert registry.get("jsonl").__name__ == "JsonlFormat"


def test_class_keywords_declare_a_format_and_omitted_ones_are_inherited() -> None:
    class Layers(Format, reads=LAYERS, per_annotator=True):
        """Reads layers, one per annotator; no name yet."""

    class Named(Layers, name="named", extensions=[".nm", ".named"], description="d"):
        """Inherits what Layers declares."""

    assert (Named.NAME, Named.EXTENSIONS, Named.DESCRIPTION) == ("named", (".nm", ".named"), "d")
    assert (Named.READS, Named.WRITES, Named.PER_ANNOTATOR) == (LAYERS, True, True)
    assert (Format.NAME, Format.READS, Format.PER_ANNOTATOR) == ("", None, False)

    class Spelled(Format):  # the class attributes themselves still declare a format
        NAME = "spelled"
        EXTENSIONS = (".sp",)

    assert (Spelled.NAME, Spelled.EXTENSIONS, Spelled.WRITES) == ("spelled", (".sp",), True)


def test_a_registered_format_imports_and_exports_through_the_cli(
        tmp_path: Path, tsvdoc: type[Format]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "news.tsvdoc").write_text(TSV, encoding="utf-8")
    (folder / "skip.unknown").write_text("not read in a folder walk", encoding="utf-8")
    assert [p.name for p in iter_files([folder])] == ["news.tsvdoc"]
    project = tmp_path / "p.saywho"
    assert run(["init", str(project)]) == 0
    assert run(["import", str(project), str(folder)]) == 0
    assert _texts(project) == {"d1": "The minister said\nit would rain.", "d2": "A tab\there."}
    out = tmp_path / "out"
    assert run(["export", str(project), "--format", "tsvdoc", "--out", str(out)]) == 0
    assert (out / "documents.tsvdoc").read_text(encoding="utf-8") == TSV


def test_a_registered_format_imports_and_exports_through_python(
        tmp_path: Path, tsvdoc: type[Format]) -> None:
    source = tmp_path / "news.tsvdoc"
    source.write_text(TSV + "bad line\n", encoding="utf-8")
    with Project.create(tmp_path / "p.saywho") as project:
        report = import_paths(project, [source])
        assert report.documents == 0  # each file all or nothing
        assert report.errors == [f"{source}:3: expected id, title and text, found 1 fields"]
        source.write_text(TSV, encoding="utf-8")
        report = import_paths(project, [source])
        assert (report.documents, report.errors) == (2, [])
        manifest = export_project(project, "tsvdoc", tmp_path / "out")
    assert manifest.files == ["documents.tsvdoc"]
    assert (tmp_path / "out" / "documents.tsvdoc").read_text(encoding="utf-8") == TSV
    registry.unregister("tsvdoc")
    assert "tsvdoc" not in registry.writer_names()
