"""CoNLL IOB2 export: offsets reproduce the text, seqeval reads valid IOB2, nesting kept."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import export_support as support
import pytest
from hypothesis import given
from hypothesis import strategies as st
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import IOB2, Entities

from formats.base import ExportOptions
from formats.conll import ConllFormat
from storage.project import Project
from storage.records import SpanRecord

LABELS = ["Actor", "Quote", "Cue", "Condition", "Consequence"]


Sentence = list[list[str]]


def read_conll(path: Path) -> tuple[list[str], dict[str, list[Sentence]]]:
    """The columns and, per document id, its sentences of rows (parsed with csv)."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = handle.read().split("\n")
    assert lines[0].startswith("# columns = ")
    columns = lines[0].removeprefix("# columns = ").split(" ")
    documents: dict[str, list[Sentence]] = {}
    current: list[Sentence] = []
    sentence: Sentence = []
    for line in lines[1:]:
        if line == "-DOCSTART-":
            continue
        if line.startswith("# doc_id = "):
            current = documents.setdefault(line.removeprefix("# doc_id = "), [])
        elif line == "":
            if sentence:
                current.append(sentence)
            sentence = []
        else:
            row = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
            assert len(row) == len(columns)
            sentence.append(row)
    assert not sentence
    return columns, documents


def chunks(sentences: list[Sentence], column: int) -> list[tuple[str, int, int]]:
    """Strict IOB2 chunks of one tag column as (label, start offset, end offset)."""
    sequences = [[row[column] for row in s] for s in sentences]
    strict = [(e.tag, sentences[e.sent_id][e.start][1], sentences[e.sent_id][e.end - 1][2])
              for sentence_entities in Entities(sequences, IOB2).entities
              for e in sentence_entities]
    lenient = get_entities(list(itertools.chain.from_iterable([*s, "O"] for s in sequences)))
    assert len(lenient) == len(strict)  # no tag is dropped by strict IOB2 parsing
    return [(label, int(start), int(end)) for label, start, end in strict]


def test_offsets_tags_and_nesting(corpus: Project, tmp_path: Path) -> None:
    manifest = support.export_format(corpus, tmp_path, ConllFormat())
    columns, documents = read_conll(tmp_path / "alice" / "corpus.conll")
    assert columns == ["TOKEN", "START", "END", *LABELS]
    for external_id, sentences in documents.items():
        text = corpus.document_by_external_id(external_id).text
        for row in (r for s in sentences for r in s):
            assert text[int(row[1]):int(row[2])] == row[0]
    voices = documents["world-voices"]
    text = corpus.document_by_external_id("world-voices").text
    actors = {text[a:b] for _, a, b in chunks(voices, 3)}
    conditions = {text[a:b] for _, a, b in chunks(voices, 6)}
    assert "Doreth" in actors and "Unless Doreth withdraws" in conditions  # nested, both kept
    assert "Keller" not in actors and "Minister Zoe\u0308 Haddad-Keller" in actors
    reasons = {(i["document"], i["span"], i["reason"]) for i in manifest.inexact}
    assert reasons == {("world-voices", "A5", "overlaps a longer span"),
                       ("world-voices", "A5", "boundary inside token")}
    small = documents["varnay-warns"]
    small_text = corpus.document_by_external_id("varnay-warns").text
    assert [small_text[a:b] for _, a, b in chunks(small, 4)] == [
        "We will not yield,", "not one metre."]  # one chunk per fragment


def test_without_offset_columns(corpus: Project, tmp_path: Path) -> None:
    support.export_format(corpus, tmp_path, ConllFormat(offsets=False),
                          ExportOptions(labels=["Quote", "Actor"]))
    columns, documents = read_conll(tmp_path / "bob" / "corpus.conll")
    assert columns == ["TOKEN", "Actor", "Quote"]
    tokens = [r[0] for s in documents["world-voices"] for r in s]
    assert tokens[:4] == ["Minister", "Zoe\u0308", "Haddad-Keller", "😀"]


def test_golden_files(corpus: Project, tmp_path: Path) -> None:
    support.export_format(corpus, tmp_path / "out", ConllFormat())
    assert support.compare_with_golden(tmp_path / "out", "conll")


SAMPLES = ["😀", "👨\u200d👩\u200d👧", "e\u0301", "中文", "مرحبا", "שלום", "\r\n", "\n\n", " ", "a",
           "Varnay", ".", "“", "Mr.", " The"]


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[tuple[str, list[tuple[int, int]]]]]:
    """A random text with 1 to 6 Quote or Cue spans."""
    text, fragment_lists = draw(support.texts_with_spans(SAMPLES, max_spans=6))
    labels = draw(st.lists(st.sampled_from(["Quote", "Cue"]), min_size=len(fragment_lists),
                           max_size=len(fragment_lists)))
    return text, list(zip(labels, fragment_lists, strict=True))


@support.random_settings
@given(documents())
def test_random_documents(tmp_path_factory: pytest.TempPathFactory,
                          sample: tuple[str, list[tuple[str, list[tuple[int, int]]]]]) -> None:
    text, span_specs = sample
    if not text.strip():
        return
    folder = tmp_path_factory.mktemp("conll")
    spans = [SpanRecord(f"T{i}", label, fragments,
                        {"form": "direct"} if label == "Quote" else {})
             for i, (label, fragments) in enumerate(span_specs)]
    with support.project_with(folder, support.one_document(text, spans)) as project:
        manifest = support.export_format(project, folder / "out", ConllFormat())
        columns, docs = read_conll(folder / "out" / "alice" / "corpus.conll")
        sentences = docs.get("doc", [])
        rows = [r for s in sentences for r in s]
        for row in rows:
            assert text[int(row[1]):int(row[2])] == row[0]
        inexact = {i["span"] for i in manifest.inexact}
        for label in ("Quote", "Cue"):
            column = columns.index(label)
            found = sorted((a, b) for _, a, b in chunks(sentences, column))
            exact = sorted(f for s in spans if s.label == label and s.id not in inexact
                           for f in s.fragments)
            # every exactly representable fragment is one chunk with the same offsets
            assert set(exact) <= set(found)


def test_through_export_project_with_splits(corpus: Project, tmp_path: Path) -> None:
    out = tmp_path / "out"
    manifest, written = support.export_in_halves(corpus, "conll", out)
    found: dict[str, str] = {}
    for name in written["files"]:
        _annotator, file_name = name.split("/")
        _, documents = read_conll(out / name)
        found.update(dict.fromkeys(documents, file_name.removesuffix(".conll")))
    by_split = {split: count for split, count in manifest.documents.items() if count}
    assert sorted(found.values()) == sorted(s for s, n in by_split.items() for _ in range(n))
    assert {(i["span"], i["reason"]) for i in written["inexact"]} == {
        ("A5", "overlaps a longer span"), ("A5", "boundary inside token")}


def test_cli_no_offsets_drops_the_offset_columns(small_project: Project, project_path: Path,
                                                 tmp_path: Path) -> None:
    from cli import run

    small_project.close()
    out = tmp_path / "conll-plain"
    assert run(["export", str(project_path), "--format", "conll", "--out", str(out),
                "--no-offsets"]) == 0
    files = sorted(out.rglob("*.conll"))
    assert files
    header = files[0].read_text(encoding="utf-8").splitlines()[0]
    assert "START" not in header and "TOKEN" in header
    assert run(["export", str(project_path), "--format", "jsonl", "--out",
                str(tmp_path / "j"), "--no-offsets"]) == 2
