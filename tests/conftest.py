"""Shared fixtures. Qt runs offscreen; GUI tests are marked ``gui`` automatically."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from storage.project import Project  # noqa: E402
from storage.records import (  # noqa: E402
    AnnotationSetRecord,
    DocumentRecord,
    RelationRecord,
    SpanRecord,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "qtbot" in fixtures or "qapp" in fixtures:
            item.add_marker(pytest.mark.gui)


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    """A path for a new SQLite project file in this test's folder."""
    return tmp_path / "test.saywho"


@pytest.fixture
def project(project_path: Path) -> Iterator[Project]:
    """A new, empty project on a real SQLite file with the default schema."""
    with Project.create(project_path) as created:
        yield created


SMALL_TEXT = (
    "Varnay warns Doreth\n\n"
    "“We will not yield,” President Aldric Varnay said, “not one metre.”\n\n"
    "If they cross the river, our answer will be swift, the ministry said."
)


def small_record() -> DocumentRecord:
    """A document with an annotator's spans: a discontinuous quote, speaker, condition."""
    text = SMALL_TEXT
    q1 = text.index("We will not yield,")
    q1_end = q1 + len("We will not yield,")
    q2 = text.index("not one metre.")
    q2_end = q2 + len("not one metre.")
    actor = text.index("President Aldric Varnay")
    actor_end = actor + len("President Aldric Varnay")
    cue = text.index("said")
    cond = text.index("If they cross the river")
    cond_end = cond + len("If they cross the river")
    cons = text.index("our answer will be swift")
    cons_end = cons + len("our answer will be swift")
    org = text.index("the ministry")
    org_end = org + len("the ministry")
    spans = [
        SpanRecord("T1", "Quote", [(q1, q1_end), (q2, q2_end)], {"form": "direct"}),
        SpanRecord("T2", "Actor", [(actor, actor_end)], {"kind": "person"}, entity=None),
        SpanRecord("T3", "Cue", [(cue, cue + 4)]),
        SpanRecord("T4", "Condition", [(cond, cond_end)]),
        SpanRecord("T5", "Consequence", [(cons, cons_end)], {"type": "threat"}),
        SpanRecord("T6", "Actor", [(org, org_end)], {"kind": "organisation"}),
    ]
    relations = [
        RelationRecord("R1", "speaker", "T1", "T2"),
        RelationRecord("R2", "cue", "T1", "T3"),
        RelationRecord("R3", "consequence", "T4", "T5"),
        RelationRecord("R4", "holder", "T4", "T6"),
    ]
    return DocumentRecord(
        text=text, title="Varnay warns Doreth", external_id="varnay-warns",
        meta={"date": "2026-03-03", "outlet": "Saywho Wire"},
        annotations=[AnnotationSetRecord("alice", "done", spans, relations)],
    )


@pytest.fixture
def small_project(project: Project) -> Project:
    """A project holding :func:`small_record` annotated by 'alice'."""
    project.import_records([small_record()], "small.jsonl")
    return project
