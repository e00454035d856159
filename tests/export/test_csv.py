"""CSV tables: golden files, read back by the csv module, formula-injection guard.

Regenerate the golden files with ``SAYWHO_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import export_support as support
import pytest

from export.base import ExportOptions
from export.csv_tables import CONDITION_COLUMNS, QUOTE_COLUMNS, neutralise
from export.run import export_project
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, SpanRecord


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
