"""Hostile and broken input: a clear message naming the input, exit 1, nothing changed.

The files are generated into ``tmp_path`` by the ``hostile`` fixture
(``tests/data/hostile.py``). For every input the CLI exits 1 with a message that
names it, the project's content is the same before and after (a full dump),
the secret file the XML attacks aim at never leaks into any output or the
database, the local HTTP server they point at is never asked for anything, and
no Python code opens a network connection (``no_network``).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from helpers import SAMPLES, HostileSet, project_dump

from cli import run
from ingest import import_paths
from storage.project import Project

pytestmark = pytest.mark.usefixtures("no_network")

IMPORT_CASES = [
    "empty", "png", "utf16-no-bom", "utf16-be-no-bom", "utf16-no-bom-chinese",
    "utf16-be-no-bom-chinese", "utf16-no-bom-html", "invalid-utf8", "invalid-utf8-ascii",
    "over-size-limit", "deep-html", "clutter-html", "html-external-entity",
    "not-json", "utf16-jsonl", "invalid-utf8-jsonl", "no-text", "negative-offset",
    "reversed-offsets", "offset-out-of-range", "span-text-mismatch", "unknown-label",
    "relation-to-missing-span", "duplicate-span-ids", "duplicate-document-ids",
    "lone-surrogate-text", "lone-surrogate-title", "lone-surrogate-id", "lone-surrogate-meta",
    "nul-in-text", "nul-in-meta", "long-document-id", "long-annotator-name",
    "legacy-not-cp1252",
]
SCHEMA_CASES = [
    "not-well-formed", "violates-xsd", "repeated-label", "repeated-shortcut",
    "relation-unknown-labels", "external-entity", "billion-laughs", "billion-laughs-utf16",
    "external-dtd", "parameter-entity", "bad-encoding",
]
# libxml2's own words, which advise lifting the very limits that keep Saywho safe
LIBXML2_ADVICE = ("XML_PARSE_HUGE", "xmlCtxtSetMaxAmplification", "amplification",
                  "Attribute references external entity")


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def filled(project_path: Path) -> Path:
    """A closed SQLite project holding the sample articles."""
    with Project.create(project_path) as project:
        report = import_paths(project, [SAMPLES], annotator="alice")
        assert report.ok, report.errors
    return project_path


# ---------------------------------------------------------------- import files


@pytest.mark.parametrize("case", IMPORT_CASES)
def test_import_refuses_hostile_file(case: str, hostile: HostileSet, filled: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    item = hostile.imports[case]
    before = project_dump(filled)
    started = time.monotonic()
    code, out, err = _cli(["import", str(filled), str(item.path)], capsys)
    elapsed = time.monotonic() - started
    assert code == 1, (out, err)
    assert f"rejected: {item.path}" in err
    assert item.message in err
    assert "Traceback" not in err
    assert not any(advice in err for advice in LIBXML2_ADVICE), err
    assert "0 documents imported from 1 file" in out
    after = project_dump(filled)
    assert after == before
    assert hostile.marker not in out + err + "\n".join(after)
    assert elapsed < 60, f"{case} took {elapsed:.0f} s"


def test_file_over_the_limit_is_refused_before_it_is_read(
        hostile: HostileSet, filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    huge = hostile.imports["over-size-limit"].path
    assert huge.stat().st_size == 64 * 1024**3  # reading it whole would take minutes and 64 GB
    started = time.monotonic()
    code, _, err = _cli(["import", str(filled), str(huge), "--max-mb", "0.5"], capsys)
    assert code == 1
    assert "over the 512.0 KB limit" in err
    assert time.monotonic() - started < 5


def test_good_and_bad_files_in_one_import(hostile: HostileSet, filled: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    good = hostile.secret.parent / "good.txt"
    good.write_text("Minister Ilse Toral said the ferry would run again.", encoding="utf-8")
    code, out, err = _cli(["import", str(filled), str(good),
                           str(hostile.imports["png"].path),
                           str(hostile.imports["span-text-mismatch"].path)], capsys)
    assert code == 1
    assert err.count("rejected: ") == 2
    assert "1 document imported from 3 files" in out
    with Project.open(filled) as project:
        assert project.document_by_external_id("good").text.startswith("Minister Ilse Toral")


@pytest.mark.parametrize("case", ["not-json", "negative-offset", "unknown-label",
                                  "relation-to-missing-span", "duplicate-document-ids",
                                  "lone-surrogate-meta", "nul-in-text", "nul-in-meta",
                                  "long-document-id", "long-annotator-name"])
def test_storage_import_refusals_on_both_backends(case: str, hostile: HostileSet,
                                                  any_small_project: Project,
                                                  backend_url: str) -> None:
    item = hostile.imports[case]
    before = project_dump(backend_url)
    report = import_paths(any_small_project, [item.path])
    assert report.documents == 0
    [error] = report.errors
    assert str(item.path) in error and item.message in error
    assert project_dump(backend_url) == before


def test_external_entity_in_html_is_not_resolved(hostile: HostileSet, filled: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    page = hostile.secret.parent / "leak.html"
    page.write_text(
        f'<!DOCTYPE html [<!ENTITY leak SYSTEM "{hostile.secret.as_uri()}">'
        f'<!ENTITY remote SYSTEM "{hostile.trap.base}/x">]>'
        "<html><body><article><h1>Ostmere talks</h1>"
        "<p>Minister Ilse Toral said &leak; the talks in Ostmere would go on, and the "
        "delegation from Doreth agreed to meet again next week to settle the river "
        "border.</p><p>&remote; The assembly will vote on Friday, the speaker said, "
        "after a long debate about the bridge tolls and the ferry timetable.</p>"
        "</article></body></html>", encoding="utf-8")
    code, out, err = _cli(["import", str(filled), str(page)], capsys)
    assert code == 0, err
    dump = "\n".join(project_dump(filled))
    assert "the talks in Ostmere would go on" in dump
    assert hostile.marker not in dump + out + err
    assert "FETCHED-OVER-HTTP" not in dump


def test_cp1252_is_decoded_correctly(filled: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    text = "Minister Varnay said: \u201cNo café, no déjà vu \u2013 never.\u201d"
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(text.encode("cp1252"))
    assert _cli(["import", str(filled), str(legacy)], capsys)[0] == 0
    with Project.open(filled) as project:
        assert project.document_by_external_id("legacy").text == text


@pytest.mark.parametrize(("name", "text", "encoding"), [
    ("latin1", "L'été à Ostmere: le ministre a déclaré que la réforme était prête.", "latin-1"),
    # cp1252 capitals Ã and Â (0xC3, 0xC2) in capitalised words are not damaged UTF-8
    ("dateline", "SÃO PAULO (Reuters) - O governo disse que não vai mudar.", "cp1252"),
    ("capitals", "A IRMÃ, disse o Ângelo, \u201cnão\u201d voltará.", "cp1252"),
])
def test_legacy_western_text_still_imports(name: str, text: str, encoding: str, filled: Path,
                                           tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    legacy = tmp_path / f"{name}.txt"
    legacy.write_bytes(text.encode(encoding))
    code, _, err = _cli(["import", str(filled), str(legacy)], capsys)
    assert code == 0, err
    with Project.open(filled) as project:
        assert project.document_by_external_id(name).text == text


def test_invalid_utf8_is_refused_with_the_offset(filled: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    good = "Minister Varnay said: \u201cNo.\u201d The café stays shut."
    data = good.encode("utf-8")
    broken = data[:40] + b"\xff" + data[40:]  # between the two bytes of "é" (39-40)
    path = tmp_path / "broken-utf8.txt"
    path.write_bytes(broken)
    before = project_dump(filled)
    code, out, err = _cli(["import", str(filled), str(path)], capsys)
    assert code == 1, (out, err)
    assert f"rejected: {path}:1: is not valid UTF-8: byte 0xC3 at offset 39" in err
    assert project_dump(filled) == before


# ---------------------------------------------------------------- schema files


@pytest.mark.parametrize("case", SCHEMA_CASES)
def test_schema_check_refuses_hostile_schema(case: str, hostile: HostileSet,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    item = hostile.schemas[case]
    code, out, err = _cli(["schema", "check", str(item.path)], capsys)
    assert code == 1, (out, err)
    assert err.startswith(f"{item.path.name}:")
    assert any(alternative in err for alternative in item.message.split("|")), err
    assert "Traceback" not in err
    assert not any(advice in err for advice in LIBXML2_ADVICE), err
    assert hostile.marker not in out + err
    assert "FETCHED-OVER-HTTP" not in out + err


@pytest.mark.parametrize("case", ["external-entity", "billion-laughs", "billion-laughs-utf16",
                                  "external-dtd", "parameter-entity"])
def test_schema_doctype_never_reaches_lxml(case: str, hostile: HostileSet,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    def parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("lxml was given a document with a DOCTYPE")

    monkeypatch.setattr("storage.schema.etree.fromstring", parse)
    code, _, err = _cli(["schema", "check", str(hostile.schemas[case].path)], capsys)
    assert code == 1
    assert "may not contain a DOCTYPE" in err


def test_schema_over_the_limit_is_refused_before_it_is_read(
        hostile: HostileSet, capsys: pytest.CaptureFixture[str]) -> None:
    huge = hostile.secret.parent / "huge.xml"
    with huge.open("wb") as handle:  # sparse: 64 GiB of nothing
        handle.truncate(64 * 1024**3)
    started = time.monotonic()
    code, _, err = _cli(["schema", "check", str(huge)], capsys)
    assert code == 1
    assert f"{huge}: is 65536.0 MB, over the 2.0 MB limit for a schema" in err
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("case", ["external-entity", "billion-laughs", "billion-laughs-utf16",
                                  "external-dtd", "bad-encoding"])
def test_init_with_a_hostile_schema_creates_nothing(case: str, hostile: HostileSet,
                                                    tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "new.saywho"
    code, out, err = _cli(["init", str(target), "--schema", str(hostile.schemas[case].path)],
                          capsys)
    assert code == 1
    assert hostile.schemas[case].path.name in err
    assert not target.exists()
    assert hostile.marker not in out + err


# --------------------------------------------------------------- project paths


def _not_sqlite(folder: Path) -> Path:
    path = folder / "notes.saywho"
    path.write_text("Saywho project? No: meeting notes.", encoding="utf-8")
    return path


def _truncated(folder: Path) -> Path:
    whole = folder / "whole.saywho"
    with Project.create(whole) as project:
        import_paths(project, [SAMPLES], annotator="alice")
    cut = folder / "cut.saywho"
    cut.write_bytes(whole.read_bytes()[:4096 + 100])
    return cut


def _newer(folder: Path) -> Path:
    path = folder / "future.saywho"
    with Project.create(path) as project:
        import_paths(project, [SAMPLES])
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f00dfacefeed'")
        connection.execute("UPDATE project_meta SET value = '9.9.9' "
                           "WHERE key = 'saywho_version'")
    connection.close()
    return path


def _two_revisions(folder: Path) -> Path:
    """A current project whose version table gained a second row (a future revision)."""
    path = folder / "forked.saywho"
    Project.create(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT INTO alembic_version (version_num) VALUES ('f00dfacefeed')")
    connection.close()
    return path


def _read_only(folder: Path) -> Path:
    path = folder / "locked.saywho"
    Project.create(path).close()
    path.chmod(0o444)
    return path


def _directory(folder: Path) -> Path:
    path = folder / "folder.saywho"
    path.mkdir()
    return path


PROJECT_CASES = {
    "not-sqlite": (_not_sqlite, "not a Saywho project (not an SQLite database)"),
    "truncated": (_truncated, "cannot read the database|not a readable Saywho project"),
    "newer-version": (_newer, "written by Saywho 9.9.9 (database revision f00dfacefeed), "
                              "newer than this Saywho"),
    "two-revisions": (_two_revisions, "records 2 database revisions"),
    "read-only": (_read_only, "read-only"),
    "directory": (_directory, "is a directory, not a Saywho project file"),
}


def _snapshot(path: Path) -> object:
    if path.is_dir():
        return sorted(p.name for p in path.iterdir())
    return path.read_bytes()


@pytest.mark.parametrize("case", list(PROJECT_CASES))
@pytest.mark.parametrize("command", ["import", "check", "stats"])
def test_commands_refuse_a_bad_project(case: str, command: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    if case == "read-only" and command in ("check", "stats"):
        pytest.skip(f"{command} opens a project read-only: see "
                    "test_reading_commands_read_a_read_only_project")
    make, message = PROJECT_CASES[case]
    folder = tmp_path / "projects"
    folder.mkdir()
    path = make(folder)
    before = _snapshot(path)
    beside = sorted(p.name for p in folder.iterdir())
    argv = [command, str(path)] + ([str(SAMPLES)] if command == "import" else [])
    code, out, err = _cli(argv, capsys)
    assert code == 1, (out, err)
    assert f"saywho: {path}: " in err
    assert any(alternative in err for alternative in message.split("|")), err
    assert "Traceback" not in err
    assert _snapshot(path) == before
    # nothing new beside it: no backup of a project that was refused
    after = sorted(p.name for p in folder.iterdir()
                   if not p.name.endswith(("-wal", "-shm", "-journal")))
    assert after == [n for n in beside if not n.endswith(("-wal", "-shm", "-journal"))]


@pytest.mark.parametrize(("command", "expected"), [
    (["check"], "no problems found"),
    (["stats"], "documents: 0"),
    (["stats", "--json"], '"documents": 0'),
    (["export", "--format", "jsonl", "--out", "{out}"], "exported 0 documents"),
    (["export", "--format", "brat", "--out", "{out}"], "exported 0 documents"),
])
def test_reading_commands_read_a_read_only_project(command: list[str], expected: str,
                                                   tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "projects"
    folder.mkdir()
    path = _read_only(folder)
    folder.chmod(0o555)  # nothing may be created beside it either
    before = _snapshot(path)
    out_dir = tmp_path / "export"
    argv = [command[0], str(path), *(a.format(out=out_dir) for a in command[1:])]
    try:
        code, out, err = _cli(argv, capsys)
    finally:
        folder.chmod(0o755)
    assert code == 0, (out, err)
    assert expected in out
    if command[0] == "export":
        assert (out_dir / "manifest.json").is_file()
    assert _snapshot(path) == before
    assert [p.name for p in folder.iterdir()
            if not p.name.endswith(("-wal", "-shm", "-journal"))] == [path.name]


def test_malformed_url_is_a_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+psycopg://saywho@[::1/news"
    code, _, err = _cli(["check", url], capsys)
    assert code == 1
    assert "not a valid database URL" in err


# ------------------------------------------------------------------ export names

@pytest.mark.parametrize("format_name", ["jsonl", "brat", "xmi", "tei", "conll", "hf", "spacy",
                                         "csv"])
def test_export_of_the_longest_ids_and_names(format_name: str, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Ids of 255 characters (the most a project holds), a 128-character annotator name and a
    long title: every format exports them with file names of at most 200 bytes."""
    from storage.records import AnnotationSetRecord, DocumentRecord, SpanRecord

    path = tmp_path / "long.saywho"
    text = "Minister Ilse Toral said the ferry would run again."
    with Project.create(path) as project:
        records = [DocumentRecord(
            text=f"{text} ({n})", external_id=(prefix * 255)[:254] + str(n),
            title="A very long headline " * 40,
            annotations=[AnnotationSetRecord("Ж" * 128, "done", [SpanRecord(
                "T1", "Actor", [(0, len("Minister Ilse Toral"))], {"kind": "person"})], [])])
            for n, prefix in enumerate(["x", "Заявление "])]
        assert project.import_records(records, "long.jsonl").documents == 2
    out = tmp_path / "out"
    code, output, err = _cli(["export", str(path), "--format", format_name, "--out", str(out)],
                             capsys)
    assert code == 0, err
    assert "exported 2 documents" in output
    assert all(len(p.name.encode("utf-8")) <= 200 for p in out.rglob("*"))
