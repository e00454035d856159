"""``saywho agreement``: the table, JSON and exit codes, through cli.run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus_builders import DOC3, alice_doc1, alice_doc2, bob_doc1, build, span

from cli import run
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord


def test_table_lists_pairs_labels_relations_and_attributes(
        three_annotators: Project, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(three_annotators.db.url.database)
    three_annotators.close()
    assert run(["agreement", path]) == 0
    out = capsys.readouterr().out
    assert "3 annotators (alice, bob, carol)" in out
    assert "alice vs bob (reference alice): 2 documents" in out
    assert "bob vs carol (reference bob): 1 document," in out
    assert "All annotators (alice, bob, carol): 1 document" in out
    header = next(line for line in out.splitlines() if "F1 exact" in line)
    assert header.split() == ["label", "spans", "F1", "exact", "F1", "overlap", "F1>=0.50",
                              "kappa", "alpha", "alpha_u"]
    actor = next(line for line in out.splitlines() if line.split()[:1] == ["Actor"])
    # alice vs bob, Actor: 3/3 spans, exact F1 1/3, overlap F1 1
    assert actor.split()[:4] == ["Actor", "3/3", "0.333", "1.000"]
    assert any(line.split()[:5] == ["speaker", "2", "1", "0.500", "1.000"]
               for line in out.splitlines())
    assert any(line.split()[:5] == ["Quote.form", "2", "1", "0.500", "0.000"]
               for line in out.splitlines())


def test_json_layout(three_annotators: Project, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(three_annotators.db.url.database)
    three_annotators.close()
    assert run(["agreement", path, "--json", "--min-overlap", "0.6", "--labels",
                "Actor,Quote", "--matching", "greedy"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"format", "project", "annotators", "left_out", "labels", "options",
                         "pairs", "all"}
    assert data["left_out"] == []
    assert data["format"] == "saywho-agreement/1"
    assert data["labels"] == ["Actor", "Quote"]
    assert data["options"] == {"min_overlap": 0.6, "matching": "greedy",
                               "tokenizer": "export.tokenize"}
    pair = data["pairs"][0]
    assert (pair["reference"], pair["other"], pair["documents"]) == ("alice", "bob", 2)
    assert set(pair) == {"reference", "other", "documents", "tokens", "labels", "overall",
                         "relations", "attributes"}
    actor = pair["labels"]["Actor"]
    assert set(actor) == {"exact", "overlap", "min_overlap", "cohen_kappa", "alpha", "alpha_u"}
    assert actor["exact"] == {"matched": 1, "reference": 3, "other": 3,
                              "precision": pytest.approx(1 / 3), "recall": pytest.approx(1 / 3),
                              "f1": pytest.approx(1 / 3)}
    assert actor["min_overlap"]["matched"] == 2  # "Orla Venn" is half of alice's span
    assert set(pair["relations"]) == {"speaker"}
    assert set(pair["relations"]["speaker"]) == {
        "sources", "agree", "observed", "targets", "actor_agree", "actor_observed",
        "actor_targets"}
    assert pair["attributes"]["Quote"]["form"] == {"pairs": 2, "agree": 1, "observed": 0.5,
                                                   "cohen_kappa": 0.0}
    everyone = data["all"]
    assert everyone["annotators"] == ["alice", "bob", "carol"]
    assert "fleiss_kappa" in everyone["labels"]["Quote"]
    assert "mean_cohen_kappa" in everyone["attributes"]["Quote"]["form"]


def test_annotators_without_shared_documents_are_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lone = AnnotationSetRecord("erin", "done", [span(DOC3, "A1", "Actor", "Karsk")])
    sets = {"venn-warns": [alice_doc1(), bob_doc1()], "tarnis-aid": [alice_doc2()]}
    with build(tmp_path / "p.saywho", sets) as project:
        project.import_records([DocumentRecord(DOC3, external_id="karsk-vote",
                                               annotations=[lone])], "more.jsonl")
    assert run(["agreement", str(tmp_path / "p.saywho")]) == 0
    out = capsys.readouterr().out
    assert "2 annotators (alice, bob)" in out
    assert "Left out (no done document in common with another annotator): erin" in out
    assert run(["agreement", str(tmp_path / "p.saywho"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["annotators"], data["left_out"]) == (["alice", "bob"], ["erin"])
    assert data["pairs"][0]["documents"] == 1


def test_fewer_than_two_annotators_with_common_documents_exits_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with build(tmp_path / "one.saywho", {"venn-warns": [alice_doc1()]}):
        pass
    assert run(["agreement", str(tmp_path / "one.saywho")]) == 1
    err = capsys.readouterr().err
    assert "fewer than two annotators have done documents in common" in err
    assert "alice: 1" in err


@pytest.mark.parametrize(("extra", "message"), [
    (["--annotators", "alice,zed"], "unknown annotator 'zed'"),
    (["--annotators", "alice"], "at least two annotators"),
    (["--labels", "Mood"], "unknown label 'Mood'"),
    (["--min-overlap", "2"], "not between 0 and 1"),
    (["--min-overlap", "half"], "invalid float value"),
    (["--matching", "best"], "invalid choice"),
])
def test_usage_errors_exit_2(two_annotators: Project, capsys: pytest.CaptureFixture[str],
                             extra: list[str], message: str) -> None:
    path = str(two_annotators.db.url.database)
    two_annotators.close()
    assert run(["agreement", path, *extra]) == 2
    assert message in capsys.readouterr().err


def test_missing_project_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["agreement", str(tmp_path / "none.saywho")]) == 1
    assert "no such project file" in capsys.readouterr().err
