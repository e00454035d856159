"""Native JSON Lines export: golden files, byte-identical round trip, covered texts.

The golden folder ``golden/jsonl`` is the export of :func:`build_corpus`; the
brat and CSV tests import it as their input. Regenerate it (after checking the
change is intended) with ``SAYWHO_UPDATE_GOLDEN=1 pytest tests/export/test_jsonl.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import export_support as support
import pytest
from helpers import small_record

from export.run import export_project
from formats.base import ExportOptions
from formats.jsonl import DOCUMENTS_FILE, ENTITIES_FILE, SCHEMA_FILE, JsonlFormat
from ingest import import_paths
from storage.project import Project
from storage.records import (
    AnnotationSetRecord,
    DocumentRecord,
    EntityRecord,
    RelationRecord,
    SpanRecord,
    covered_text,
)

GOLDEN = support.JSONL_INPUT
DATA_FILES = (DOCUMENTS_FILE, ENTITIES_FILE, SCHEMA_FILE)

WORLD_TEXT = (
    "Minister Zoe\u0308 Haddad-Keller 😀 told reporters: “The border stays shut.”\n\n"
    "青川 — 外交部长李明说：“我们不会让步。”\n\n"
    "قال الوزير سامر نادر إن «الحدود ستبقى مغلقة» إذا استمر القصف.\n\n"
    "=Velmora will answer, a spokesman said, if the convoy\nturns back 🌍🌍."
)


def _at(text: str, phrase: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def corpus_records() -> tuple[list[DocumentRecord], list[EntityRecord]]:
    """The small corpus of every golden test: the conftest record and a multilingual one."""
    entities = [
        EntityRecord("varnay", "Aldric Varnay", "person", ["President Varnay"], "wd:Q990003"),
        EntityRecord("haddad", "Zoë Haddad-Keller", "person", ["Haddad-Keller"], "wd:Q990001"),
        EntityRecord("liming", "李明", "person"),
    ]
    small = small_record()
    small.annotations[0].spans[1].entity = "varnay"
    small.annotations.append(AnnotationSetRecord("gold", "done", [
        SpanRecord("T1", "Quote", list(small.annotations[0].spans[0].fragments),
                   {"form": "direct", "anonymous": False}),
        SpanRecord("T2", "Actor", list(small.annotations[0].spans[1].fragments),
                   {"kind": "person"}, entity="varnay"),
    ], [RelationRecord("R1", "speaker", "T1", "T2")]))
    text = WORLD_TEXT
    spans = [
        SpanRecord("s-actor-zoe", "Actor", [_at(text, "Minister Zoe\u0308 Haddad-Keller")],
                   {"kind": "person", "mention": "title"}, entity="haddad"),
        SpanRecord("s-cue-told", "Cue", [_at(text, "told reporters")]),
        SpanRecord("s-quote-border", "Quote", [_at(text, "The border stays shut.")],
                   {"form": "direct", "channel": "interview"}),
        SpanRecord("s-actor-li", "Actor", [_at(text, "外交部长李明")], {"kind": "person"},
                   entity="liming"),
        SpanRecord("s-quote-cjk", "Quote", [_at(text, "我们不会让步。")], {"form": "direct"}),
        SpanRecord("s-actor-samer", "Actor", [_at(text, "الوزير سامر نادر")],
                   {"kind": "person"}),
        SpanRecord("s-quote-ar", "Quote", [_at(text, "الحدود ستبقى مغلقة")],
                   {"form": "mixed"}),
        SpanRecord("s-cond-ar", "Condition", [_at(text, "إذا استمر القصف")],
                   {"polarity": "positive"}),
        SpanRecord("s-quote-velmora", "Quote", [_at(text, "=Velmora will answer")],
                   {"form": "indirect", "anonymous": True}),
        SpanRecord("s-actor-spokesman", "Actor", [_at(text, "a spokesman")],
                   {"kind": "person", "mention": "nominal"}),
        # crosses a line break, and a discontinuous span around the speaker
        SpanRecord("s-cond-convoy", "Condition", [_at(text, "if the convoy\nturns back 🌍🌍")]),
        SpanRecord("s-cons-answer", "Consequence",
                   [_at(text, "Velmora will answer"), _at(text, "said")],
                   {"type": "threat"}),
    ]
    relations = [
        RelationRecord("r-1", "speaker", "s-quote-border", "s-actor-zoe"),
        RelationRecord("r-2", "cue", "s-quote-border", "s-cue-told"),
        RelationRecord("r-3", "speaker", "s-quote-cjk", "s-actor-li"),
        RelationRecord("r-4", "speaker", "s-quote-ar", "s-actor-samer"),
        RelationRecord("r-5", "speaker", "s-quote-velmora", "s-actor-spokesman"),
        RelationRecord("r-6", "consequence", "s-cond-convoy", "s-cons-answer"),
        RelationRecord("r-7", "holder", "s-cond-convoy", "s-actor-spokesman"),
    ]
    world = DocumentRecord(text=text, title="World voices 🌍", external_id="world-voices",
                           meta={"outlet": "Saywho Wire", "date": "2026-03-04",
                                 "tags": ["border", "convoy"]},
                           annotations=[AnnotationSetRecord("bob", "in_progress", spans,
                                                            relations)])
    plain = DocumentRecord(text="Nobody has annotated this brief yet.\n", title="Brief",
                           external_id="brief")
    return [small, world, plain], entities


def build_corpus(project: Project) -> Project:
    documents, entities = corpus_records()
    project.import_entities(entities, "corpus")
    project.import_records(documents, "corpus")
    return project


def test_golden_files(any_project: Project, tmp_path: Path) -> None:
    """The same bytes from SQLite and from PostgreSQL."""
    project = any_project
    build_corpus(project)
    out = tmp_path / "out"
    manifest = export_project(project, "jsonl", out)
    support.compare_with_golden(out, GOLDEN, DATA_FILES)
    assert manifest.files == [SCHEMA_FILE, ENTITIES_FILE, DOCUMENTS_FILE]
    assert manifest.inexact == []
    written = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert written["documents"] == {"total": 3, "by_split": {"all": 3}}
    assert written["adjudicated"] == {"documents": 1, "ids": ["varnay-warns"],
                                       "done": ["varnay-warns"],
                                       "status": {"varnay-warns": "done"}}
    assert written["spans"]["by_annotator"] == {"alice": 6, "bob": 12, "gold": 2}


def test_every_span_text_is_the_covered_text(tmp_path: Path) -> None:
    lines = (GOLDEN / DOCUMENTS_FILE).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    for line in lines:
        document = json.loads(line)
        for annotation_set in document["annotations"]:
            for span in annotation_set["spans"]:
                fragments = span.get("fragments", [[span["start"], span["end"]]])
                assert span["text"] == covered_text(document["text"], fragments)
                assert list(span) == [k for k in ("id", "label", "start", "end", "fragments",
                                                  "text", "attributes", "entity") if k in span]
    # the emoji, the combining mark and the line break survive as characters, not escapes
    raw = (GOLDEN / DOCUMENTS_FILE).read_text(encoding="utf-8")
    assert "😀" in raw and "Zoe\u0308" in raw and "\\u" not in raw


def test_import_then_export_is_byte_identical(backend_url: str, tmp_path: Path) -> None:
    with Project.create(backend_url, GOLDEN / SCHEMA_FILE) as copy:
        report = import_paths(copy, [GOLDEN])
        assert report.ok, report.errors
        assert (report.documents, report.entities) == (3, 3)
        out = tmp_path / "again"
        export_project(copy, "jsonl", out)
    for name in DATA_FILES:
        assert (out / name).read_bytes() == (GOLDEN / name).read_bytes(), name


def test_read_returns_records_the_project_imports(tmp_path: Path) -> None:
    documents, entities = JsonlFormat.read(GOLDEN)
    assert [d.external_id for d in documents] == ["varnay-warns", "world-voices", "brief"]
    assert {e.id for e in entities} == {"varnay", "haddad", "liming"}
    world = documents[1]
    spans = {s.id: s for s in world.annotations[0].spans}
    assert spans["s-cons-answer"].fragments == [_at(WORLD_TEXT, "Velmora will answer"),
                                                _at(WORLD_TEXT, "said")]
    assert spans["s-actor-zoe"].entity == "haddad"


def test_splits_write_one_file_per_split(project: Project, tmp_path: Path) -> None:
    build_corpus(project)
    out = tmp_path / "split"
    manifest = export_project(project, "jsonl", out,
                              ExportOptions(split={"train": 0.5, "test": 0.5}, seed=7))
    ids = []
    for split in ("train", "test"):
        path = out / split / DOCUMENTS_FILE
        if path.exists():
            ids += [json.loads(line)["id"] for line in path.read_text("utf-8").splitlines()]
    assert sorted(ids) == ["brief", "varnay-warns", "world-voices"]
    assert sum(manifest.documents.values()) == 3


def test_filters_select_annotator_status_and_labels(project: Project, tmp_path: Path) -> None:
    build_corpus(project)
    out = tmp_path / "gold"
    export_project(project, "jsonl", out, ExportOptions(annotators=["gold"]))
    lines = (out / DOCUMENTS_FILE).read_text("utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["varnay-warns"]
    out = tmp_path / "quotes"
    export_project(project, "jsonl", out, ExportOptions(labels=["Quote"], status="done"))
    for line in (out / DOCUMENTS_FILE).read_text("utf-8").splitlines():
        for annotation_set in json.loads(line)["annotations"]:
            assert annotation_set["status"] == "done"
            assert {s["label"] for s in annotation_set["spans"]} == {"Quote"}
            assert annotation_set["relations"] == []


ALPHABET = ["a", "Z", " ", "é", "e\u0301", "😀", "🌍", "青", "川", "ق", "ا", "ל", "\n", "\r\n",
            "\u2028", "\t", ".", "“", "”"]


@support.random_documents(ALPHABET, prefix="x", min_pieces=3, max_pieces=40, max_spans=6,
                          max_cuts=6, apart=True)
def test_round_trip_of_random_documents(tmp_path_factory: pytest.TempPathFactory,
                                        document: tuple[str, list[list[tuple[int, int]]]]) -> None:
    text, spans = document
    folder = tmp_path_factory.mktemp("random")
    record = support.one_document(text, support.quotes(spans, "s"), "random", title="")
    with support.project_with(folder, record, "random") as source:
        export_project(source, "jsonl", folder / "out")
    line = json.loads((folder / "out" / DOCUMENTS_FILE).read_text("utf-8"))
    assert line["text"] == text
    exported = line["annotations"][0]["spans"]
    assert sorted(tuple(map(tuple, s.get("fragments", [[s["start"], s["end"]]])))
                  for s in exported) == sorted(tuple(f) for f in spans)
    for span in exported:
        assert span["text"] == covered_text(text, span.get("fragments",
                                                           [[span["start"], span["end"]]]))
    documents_read, _ = JsonlFormat.read(folder / "out")
    assert documents_read[0].text == text
