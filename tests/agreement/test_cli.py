"""``saywho agreement``: the table, JSON and exit codes, through cli.run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus_builders import DOC3, alice_doc1, alice_doc2, bob_doc1, build, span

from cli import run
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord


def _blocks(out: str) -> dict[str, list[str]]:
    """The table's blocks (separated by blank lines), by their first line up to the colon."""
    blocks = [block.splitlines() for block in out.split("\n\n")]
    return {block[0].split(":")[0]: block for block in blocks}


def _row(block: list[str], name: str, after: str | None = None) -> list[str]:
    """The cells of the first row named ``name`` (after the header line containing ``after``)."""
    start = 0 if after is None else next(i for i, line in enumerate(block) if after in line)
    return next(line.split() for line in block[start:] if line.split()[:1] == [name])


def test_table_lists_pairs_labels_relations_and_attributes(
        three_annotators: Project, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(three_annotators.db.url.database)
    three_annotators.close()
    assert run(["agreement", path]) == 0
    out = capsys.readouterr().out
    assert max(map(len, out.splitlines())) <= 100
    assert out.splitlines()[:3] == [f"Agreement in {path}", "3 annotators: alice, bob, carol",
                                    "Labels: Actor, Quote, Cue, Condition, Consequence"]
    blocks = _blocks(out)
    assert blocks["alice vs bob (reference alice)"][0].endswith(": 2 documents, 39 tokens")
    assert blocks["bob vs carol (reference bob)"][0].endswith(": 1 document, 24 tokens")
    pair = blocks["alice vs bob (reference alice)"]
    # the span table: a heading per matching over its P, R and F1 columns
    assert pair[1].split() == ["exact", "overlap", "overlap", ">=", "0.50"]
    assert pair[2].split() == ["label", "ref/other", *["P", "R", "F1"] * 3]
    # each heading lies over its three columns (a number ends where its P, R or F1 ends)
    p_columns = [index for index, char in enumerate(pair[2]) if char == "P"]
    f1_ends = [index + 2 for index in range(len(pair[2])) if pair[2].startswith("F1", index)]
    for heading, p_column, f1_end in zip(("exact", "overlap", "overlap >= 0.50"), p_columns,
                                         f1_ends, strict=True):
        at = pair[1].index(heading, p_column - 5)
        assert p_column - 4 <= at and at + len(heading) <= f1_end, heading
    # Actor: 3/3 spans; exact 1 match ("Venn"): P = R = F1 = 1/3; overlap and ratio: 3 of 3
    assert _row(pair, "Actor") == ["Actor", "3/3", *["0.333"] * 3, *["1.000"] * 6]
    # Cue: alice 2, bob 1 (doc1 "said"): P = 1/1, R = 1/2, F1 = 2/3 in every matching
    assert _row(pair, "Cue") == ["Cue", "2/1", *["1.000", "0.500", "0.667"] * 3]
    # overall exact: 7 matched of 11 (alice) and 10 (bob): P = 0.7, R = 7/11, F1 = 14/21
    assert _row(pair, "overall")[:5] == ["overall", "11/10", "0.700", "0.636", "0.667"]
    # the coefficient table below it
    assert _row(pair, "label", "alpha_u") == ["label", "kappa", "alpha", "alpha_u"]
    assert len(_row(pair, "Actor", "alpha_u")) == 4
    assert _row(pair, "speaker") == ["speaker", "2", "1", "0.500", "1.000", "0.500"]
    assert _row(pair, "Quote.form") == ["Quote.form", "2", "1", "0.500", "0.000"]
    # carol marked no Cue: precision is undefined, recall and F1 are 0
    carol = blocks["alice vs carol (reference alice)"]
    assert _row(carol, "Cue") == ["Cue", "1/0", *["-", "0.000", "0.000"] * 3]
    everyone = blocks["All annotators (alice, bob, carol)"]
    assert everyone[0].endswith(": 1 document, 24 tokens")
    assert "pooled over the pairs" in everyone[1] and "Fleiss' kappa" in everyone[1]
    assert _row(everyone, "label", "alpha_u") == ["label", "Fleiss", "alpha", "alpha_u"]
    # Actor over the three pairs on doc1: 2 + 2 + 2 spans on each side, exact matches
    # "Venn" (a-b), both (a-c), "Venn" (b-c): 4 of 6 -> P = R = F1 = 2/3
    assert _row(everyone, "Actor")[:5] == ["Actor", "6/6", "0.667", "0.667", "0.667"]
    assert _row(everyone, "attribute")[-2:] == ["mean", "kappa"]


def test_table_stays_in_100_columns_with_long_names(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = ["alexandra-constantinople-papadopoulou", "bartholomew-featherstonehaugh",
             "christabel-montmorency-smythe"]
    sets = []
    for name in names:
        layer = alice_doc1()
        layer.annotator = name
        sets.append(layer)
    build(tmp_path / "p.saywho", {"venn-warns": sets}).close()
    assert run(["agreement", str(tmp_path / "p.saywho"), "--min-overlap", "0.75"]) == 0
    out = capsys.readouterr().out
    # every line but the first, which names the project as given (a path is not wrapped)
    assert max(len(line) for line in out.splitlines()[1:]) <= 100
    # long lines are wrapped at a space, the continuation indented
    assert out.splitlines()[1:3] == ["3 annotators: alexandra-constantinople-papadopoulou, "
                                     "bartholomew-featherstonehaugh,",
                                     "  christabel-montmorency-smythe"]
    assert ("alexandra-constantinople-papadopoulou vs bartholomew-featherstonehaugh (reference\n"
            "  alexandra-constantinople-papadopoulou): 1 document, 24 tokens\n") in out
    assert "overlap >= 0.75" in out
    everyone = next(block for block in out.split("\n\n") if block.startswith("All annotators"))
    assert "christabel-montmorency-smythe" in everyone


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
                               "tokenizer": "text.tokenize"}
    pair = data["pairs"][0]
    assert (pair["reference"], pair["other"], pair["documents"]) == ("alice", "bob", 2)
    assert set(pair) == {"annotators", "reference", "other", "documents", "tokens", "labels",
                         "overall", "relations", "attributes"}
    assert pair["annotators"] == ["alice", "bob"]
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
    assert "2 annotators: alice, bob\n" in out
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
