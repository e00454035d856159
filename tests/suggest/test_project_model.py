"""The project's own model: trained on its done documents and decisions, used, or refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli import run
from storage.models import ProjectMeta
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, RelationRecord, SpanRecord
from suggest import pre_annotate, project_model, registry
from tests.suggest_samples import CONDITIONALS, QUOTES, Sample


def _record(index: int, sample: Sample) -> DocumentRecord:
    spans, relations = [], []
    for n, said in enumerate(sample.quotes):
        q = sample.text.index(said.quote)
        a = sample.text.index(said.speaker)
        after = q + len(said.quote)
        c = sample.text.find(said.cue, after)
        c = c if c >= 0 else sample.text.index(said.cue)
        spans += [SpanRecord(f"Q{n}", "Quote", [(q, q + len(said.quote))], {"form": said.form}),
                  SpanRecord(f"A{n}", "Actor", [(a, a + len(said.speaker))]),
                  SpanRecord(f"C{n}", "Cue", [(c, c + len(said.cue))])]
        relations += [RelationRecord(f"R{n}", "speaker", f"Q{n}", f"A{n}"),
                      RelationRecord(f"S{n}", "cue", f"Q{n}", f"C{n}")]
    return DocumentRecord(text=sample.text, external_id=f"s{index}",
                          annotations=[AnnotationSetRecord("gold", "done", spans, relations)])


@pytest.fixture
def trained_path(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.saywho"
    samples = [s for s in [*QUOTES, *CONDITIONALS]
               if s.quotes and all(q.quote in s.text for q in s.quotes)]
    with Project.create(path) as project:
        project.import_records([_record(i, s) for i, s in enumerate(samples)], "tiny.jsonl")
    yield path
    registry.unregister(project_model.NAME)


def test_train_reports_held_out_scores_and_the_project_uses_its_model(
        trained_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["suggest", "train", str(trained_path)]) == 0
    out = capsys.readouterr().out
    assert "model trained on 12 documents" in out
    assert "held-out documents: 2" in out
    for label in ("Quote", "Actor", "Cue"):
        line = next(line for line in out.splitlines() if line.startswith(label))
        assert len(line.split()) == 8  # label, gold, rules P R F1, model P R F1
    with Project.open(trained_path) as project:
        model = project_model.load_model(project)
        assert model is not None and model.documents == 12 and model.weights
        assert pre_annotate.default_names(project) == [project_model.NAME]
        result = pre_annotate.suggest_document(project, project.documents()[0].id)
        # without an installed spaCy model the rules stand in, and say so; nothing else fails
        assert [p for p in result.problems if "spaCy model" not in p.message] == []
        stored = project.proposals(project.documents()[0].id)
        assert stored and all("project model" in p.explanation for p in stored)


def test_nothing_to_learn_from_is_a_clear_message(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.saywho"
    with Project.create(path) as project:
        project.import_records([DocumentRecord(text=QUOTES[0].text)], "one.jsonl")
    assert run(["suggest", "train", str(path)]) == 1
    assert "nothing to learn from: no document is marked done" in capsys.readouterr().err


@pytest.mark.parametrize(("stored", "message"), [
    ("{not json", "is corrupt"),
    ('{"format": "saywho-reranker", "version": 99}', "format version 99"),
    ('{"format": "other"}', "not a Saywho model"),
    ('{"format": "saywho-reranker", "version": 1, "weights": 3, "bias": 0}', "is corrupt"),
])
def test_a_bad_stored_model_falls_back_to_the_rules(trained_path: Path, stored: str,
                                                    message: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    with Project.open(trained_path) as project, project.db.writing() as session:
        session.add(ProjectMeta(key=project_model.META_KEY, value=stored))
    with Project.open(trained_path) as project:
        assert message in (project_model.problem(project) or "")
        assert pre_annotate.default_names(project) == list(registry.DEFAULT_NAMES)
    assert run(["suggest", str(trained_path), "--suggesters", "rules"]) == 0
    err = capsys.readouterr().err
    assert message in err and "using the rules" in err
