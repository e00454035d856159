"""``saywho suggest PROJECT`` and ``saywho suggest train PROJECT`` on real project files."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli import run
from storage.project import Project
from storage.proposals import RejectProposals
from storage.records import DocumentRecord
from storage.schema import Schema
from suggest import registry
from suggest.base import Proposals, ProposedSpan, SuggestContext
from tests.suggest_samples import CONDITIONALS


@pytest.fixture
def samples_path(tmp_path: Path) -> Path:
    path = tmp_path / "samples.saywho"
    with Project.create(path) as project:
        project.import_records([DocumentRecord(text=s.text, external_id=f"d{i}")
                                for i, s in enumerate(CONDITIONALS[:4])], "samples.jsonl")
    return path


class Boom:
    NAME = "boom"

    def suggest(self, text: str, schema: Schema, context: SuggestContext) -> Proposals:
        if "gas supply" in text:
            raise RuntimeError("cannot read this one")
        return Proposals((ProposedSpan("x", "Cue", ((0, 1),), confidence=0.9),))


class Slow:
    NAME = "slow"

    def suggest(self, text: str, schema: Schema, context: SuggestContext) -> Proposals:
        if "Should the talks" in text:
            time.sleep(10)
        return Proposals()


@pytest.fixture
def odd_suggesters() -> Iterator[None]:
    registry.register("boom", Boom)
    registry.register("slow", Slow)
    yield
    registry.unregister("boom")
    registry.unregister("slow")


def test_pre_annotates_into_the_proposals_layer_only(samples_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["suggest", str(samples_path), "--annotator", "alice",
                "--suggesters", "rules"]) == 0
    out = capsys.readouterr().out
    assert "4 documents, suggesters rules" in out
    with Project.open(samples_path) as project:
        proposals = project.proposals()
        assert {p.label for p in proposals} >= {"Quote", "Actor", "Cue"}
        assert all(p.confidence >= 0.5 and p.suggester == "rules" for p in proposals)
        assert all(project.spans(info.id) == [] for info in project.documents())
        first = project.document_by_external_id("d0")
        quote = next(p for p in project.proposals(first.id) if p.label == "Quote")
        assert first.text[quote.start:quote.end].startswith("If a single Ostlandic soldier")
        assert project.proposal_links(first.id)


def test_labels_documents_and_threshold(samples_path: Path) -> None:
    assert run(["suggest", str(samples_path), "--documents", "d1", "d2", "--labels", "Quote",
                "--min-confidence", "0.7", "--suggesters", "rules"]) == 0
    with Project.open(samples_path) as project:
        proposals = project.proposals()
        names = {project.document(p.document_id).external_id for p in proposals}
        assert names == {"d1", "d2"}
        assert {p.label for p in proposals} == {"Quote"}
        assert min(p.confidence for p in proposals) >= 0.7


def test_rejected_proposals_stay_out_of_a_second_run(samples_path: Path) -> None:
    assert run(["suggest", str(samples_path), "--suggesters", "rules"]) == 0
    with Project.open(samples_path) as project:
        first = project.proposals()
        rejected = first[0]
        project.apply(RejectProposals(rejected.document_id, "alice", [rejected.id]))
    assert run(["suggest", str(samples_path), "--suggesters", "rules"]) == 0
    with Project.open(samples_path) as project:
        again = project.proposals()
        assert len(again) == len(first) - 1
        assert (rejected.label, rejected.fragments) not in {(p.label, p.fragments)
                                                            for p in again}


def test_failing_and_slow_suggesters_name_the_document_and_the_rest_goes_on(
        samples_path: Path, odd_suggesters: None, capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    code = run(["suggest", str(samples_path), "--suggesters", "boom,slow,rules",
                "--timeout", "0.5"])
    assert time.monotonic() - started < 9
    assert code == 1
    err = capsys.readouterr().err
    assert "saywho: d2: suggester 'boom': RuntimeError: cannot read this one" in err
    assert "saywho: d3: suggester 'slow'" in err and "took longer than 0.5 s" in err
    with Project.open(samples_path) as project:
        per_document = {info.external_id: project.proposals(info.id)
                        for info in project.documents()}
    assert all(per_document[name] for name in ("d0", "d1", "d2", "d3"))  # rules still ran
    assert any(p.label == "Cue" and p.fragments == ((0, 1),) for p in per_document["d0"])


def test_bad_arguments_are_usage_errors(samples_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["suggest", str(samples_path), "--labels", "Weather"]) == 2
    assert "no label Weather" in capsys.readouterr().err
    assert run(["suggest", str(samples_path), "--min-confidence", "2"]) == 2
    assert run(["suggest", str(samples_path), "--suggesters", "nosuch"]) == 2
    assert run(["suggest", str(samples_path.with_name("missing.saywho"))]) == 1
    assert "no such project file" in capsys.readouterr().err
