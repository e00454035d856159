"""CSV tables: golden files, read back by the csv module, formula-injection guard.

Regenerate the golden files with ``SAYWHO_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import export_support as support
import pytest

from export.run import export_project
from formats.base import ExportOptions
from formats.csv_tables import (
    CONDITION_COLUMNS,
    FORMULA_STARTS,
    QUOTE_COLUMNS,
    CsvFormat,
    neutralise,
)
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, RelationRecord, SpanRecord


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_golden_files(jsonl_corpus: Project, tmp_path: Path) -> None:
    out = tmp_path / "out"
    manifest = export_project(jsonl_corpus, "csv", out)
    assert manifest.files == ["quotes.csv", "conditions.csv"]
    for name in support.compare_with_golden(out, "csv", manifest.files):
        assert (out / name).read_bytes().startswith(b"\xef\xbb\xbf")


def test_quotes_read_back(jsonl_corpus: Project, tmp_path: Path) -> None:
    export_project(jsonl_corpus, "csv", tmp_path / "out")
    rows = read_rows(tmp_path / "out" / "quotes.csv")
    assert list(rows[0]) == list(QUOTE_COLUMNS)
    by_id = {(r["annotator"], r["quote_id"]): r for r in rows}
    assert len(rows) == 6  # alice 1, gold 1, bob 4
    alice = by_id[("alice", "T1")]
    assert alice["quote_text"] == "We will not yield, … not one metre."
    assert (alice["speaker_name"], alice["speaker_id"]) == ("Aldric Varnay", "varnay")
    assert alice["speaker_mention"] == "President Aldric Varnay"
    assert (alice["cue"], alice["start"], alice["end"]) == ("said", "22", "87")
    border = by_id[("bob", "s-quote-border")]
    assert border["speaker_name"] == "Zoë Haddad-Keller"
    assert border["speaker_mention"] == "Minister Zoe\u0308 Haddad-Keller"
    assert border["form"] == "direct" and border["cue"] == "told reporters"
    cjk = by_id[("bob", "s-quote-cjk")]
    assert (cjk["quote_text"], cjk["speaker_name"]) == ("我们不会让步。", "李明")
    # a quote that begins with '=' is neutralised, not a formula
    assert by_id[("bob", "s-quote-velmora")]["quote_text"] == "'=Velmora will answer"


def test_conditions_read_back(jsonl_corpus: Project, tmp_path: Path) -> None:
    export_project(jsonl_corpus, "csv", tmp_path / "out")
    rows = read_rows(tmp_path / "out" / "conditions.csv")
    assert list(rows[0]) == list(CONDITION_COLUMNS)
    assert [(r["annotator"], r["condition_id"], r["consequence_id"], r["type"], r["holder"])
            for r in rows] == [
        ("alice", "T4", "T5", "threat", "the ministry"),
        ("bob", "s-cond-ar", "", "", ""),
        ("bob", "s-cond-convoy", "s-cons-answer", "threat", "a spokesman"),
    ]
    convoy = rows[2]
    assert convoy["condition_text"] == "if the convoy\nturns back 🌍🌍"
    assert convoy["consequence_text"] == "Velmora will answer … said"


@pytest.mark.parametrize("cell", ["=1+1", "+49 30", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell
    assert neutralise("plain =1") == "plain =1"
    assert neutralise(42) == 42


def test_injection_in_a_real_file(project: Project, tmp_path: Path) -> None:
    text = '=HYPERLINK("http://x.invalid") said @someone, -1 +2'
    quote_end = len('=HYPERLINK("http://x.invalid")')
    project.import_records([DocumentRecord(
        text=text, external_id="=cmd|' /C calc'!A0", annotations=[AnnotationSetRecord(
            "@mallory", "done", [SpanRecord("q", "Quote", [(0, quote_end)])])])], "evil")
    export_project(project, "csv", tmp_path / "out")
    rows = read_rows(tmp_path / "out" / "quotes.csv")
    assert rows[0]["quote_text"] == "'" + text[:quote_end]
    assert rows[0]["document"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["annotator"] == "'@mallory"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_splits_write_tables_per_split(jsonl_corpus: Project, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_project(jsonl_corpus, "csv", out, ExportOptions(split={"train": 0.5, "test": 0.5}))
    total = 0
    for split in ("train", "test"):
        total += len(read_rows(out / split / "quotes.csv"))
        assert (out / split / "conditions.csv").exists()
    assert total == 6


SAMPLES = ["😀", "👨\u200d👩\u200d👧", "e\u0301", "中文", "مرحبا", "שלום", "\r\n", "\n", "\n\n",
           " ", "a", ",", "\"", "'", "=", "+", "-", "@", "\t", "“"]
LABELS = ["Quote", "Actor", "Cue", "Condition", "Consequence"]


def covered(text: str, fragments: list[tuple[int, int]]) -> str:
    """The text a span covers, fragments joined with " … " (see README, native format)."""
    return " … ".join(text[start:end] for start, end in fragments)


def links(spans: list[SpanRecord]) -> list[RelationRecord]:
    """Each Quote -> the first Actor (speaker) and Cue (cue); each Condition -> every
    Consequence (consequence)."""
    first = {label: next((s for s in spans if s.label == label), None)
             for label in ("Actor", "Cue")}
    pairs: list[tuple[str, SpanRecord, SpanRecord]] = []
    for span in spans:
        if span.label == "Quote":
            pairs += [(kind, span, target) for kind, target in (
                ("speaker", first["Actor"]), ("cue", first["Cue"])) if target is not None]
        elif span.label == "Condition":
            pairs += [("consequence", span, c) for c in spans if c.label == "Consequence"]
    relations = [RelationRecord(f"R{i}", kind, source.id, target.id)
                 for i, (kind, source, target) in enumerate(pairs)]
    return relations


@support.random_labelled_documents(SAMPLES, LABELS, max_pieces=30, max_spans=6, max_cuts=6)
def test_random_documents(tmp_path_factory: pytest.TempPathFactory,
                          sample: tuple[str, support.Labelled]) -> None:
    text, labelled = sample
    spans = support.labelled_spans(labelled)
    record = DocumentRecord(text, "t", "doc", annotations=[
        AnnotationSetRecord("alice", "done", spans, links(spans))])
    out, manifest = support.export_record(tmp_path_factory.mktemp("csv-random"), record,
                                          CsvFormat())
    assert manifest.files == ["quotes.csv", "conditions.csv"]
    quote_rows, condition_rows = read_rows(out / "quotes.csv"), read_rows(out / "conditions.csv")
    by_label = {label: [s for s in spans if s.label == label] for label in LABELS}
    actor, cue = (next(iter(by_label[label]), None) for label in ("Actor", "Cue"))

    def cell(value: str) -> str:
        """What a text cell must hold: the text, with a ' before a formula start."""
        assert not neutralise(value).startswith(FORMULA_STARTS)
        return neutralise(value)

    rows = {row["quote_id"]: row for row in quote_rows}  # one row per Quote
    assert len(rows) == len(quote_rows) and set(rows) == {s.id for s in by_label["Quote"]}
    for span in by_label["Quote"]:
        row = rows[span.id]
        assert row["quote_text"] == cell(covered(text, span.fragments))
        if row["quote_text"] != covered(text, span.fragments):  # neutralised, and only then
            assert row["quote_text"][1:] == covered(text, span.fragments)
        # start and end are code point offsets: the first and the last fragment's ends
        start, end = int(row["start"]), int(row["end"])
        assert (start, end) == (span.fragments[0][0], span.fragments[-1][1])
        assert text[start:end].startswith(text[slice(*span.fragments[0])])
        assert text[start:end].endswith(text[slice(*span.fragments[-1])])
        assert row["speaker_mention"] == (cell(covered(text, actor.fragments)) if actor else "")
        assert row["cue"] == (cell(covered(text, cue.fragments)) if cue else "")
        assert (row["document"], row["form"], row["annotator"]) == ("doc", "direct", "alice")
        assert (row["speaker_name"], row["speaker_id"]) == ("", "")
    consequences = by_label["Consequence"]
    expected = [(c.id, cell(covered(text, c.fragments)), k.id, cell(covered(text, k.fragments)),
                 "threat") for c in by_label["Condition"] for k in consequences]
    expected += [(c.id, cell(covered(text, c.fragments)), "", "", "")
                 for c in by_label["Condition"] if not consequences]
    assert sorted((r["condition_id"], r["condition_text"], r["consequence_id"],
                   r["consequence_text"], r["type"]) for r in condition_rows) == sorted(expected)
    assert all((r["holder"], r["annotator"]) == ("", "alice") for r in condition_rows)


def test_a_schema_naming_its_labels_otherwise(tmp_path: Path) -> None:
    from renamed_schema import renamed_project

    with renamed_project(tmp_path) as project:
        export_project(project, "csv", tmp_path / "out")
    quotes = read_rows(tmp_path / "out" / "quotes.csv")
    assert sorted((r["quote_id"], r["form"], r["speaker_mention"], r["cue"])
                  for r in quotes) == [
        ("Q1", "direct", "the mayor", "said"), ("Q2", "indirect", "", "")]
    conditions = read_rows(tmp_path / "out" / "conditions.csv")
    assert [(r["condition_id"], r["consequence_text"], r["holder"]) for r in conditions] == [
        ("P1", "the port closes", "the mayor")]
