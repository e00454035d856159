"""Writes docs/comparison.png and docs/progress.png from the real widgets.

Builds a sample project in a temporary folder: a few fictional articles
annotated by two annotators (alice and bob) who agree on most actors and
disagree on some quotes and conditions, a curator who has adjudicated part of
it, and statuses spread over three weeks. Then it opens the comparison window
and the progress view offscreen and grabs them.

Usage: ``.venv/bin/python docs/make_curation_screenshots.py [--dark] [OUT_DIR]``
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import cast

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from storage.models import Annotator, DocumentStatus, utcnow  # noqa: E402
from storage.project import Project  # noqa: E402
from storage.records import AnnotationSetRecord, DocumentRecord, RelationRecord, SpanRecord  # noqa: E402

LEADERS = ["Aldric Varnay", "Mirela Dostan", "Teodor Ylvane", "Katrin Osmark", "Ivo Brennar",
           "Selka Marhold", "Ruben Castell", "Oda Fenwright"]
STATES = ["Doreth", "Velmora", "Ardova", "Kestria", "Lunmark", "Osteria"]
VERBS = ["said", "warned", "told reporters", "wrote"]
THREATS = ["our answer will be swift", "the tariffs will double", "the talks are over",
           "we will close the border", "the embassy will be recalled"]
CONDITIONS = ["If they cross the river", "Should the sanctions stay", "Unless the troops leave",
              "If the vote is delayed", "Should the envoy be expelled"]
CLAIMS = ["the border stays shut", "no agreement is near", "the grain deal is dead",
          "the harbour will reopen in spring", "the ceasefire holds"]


def _at(text: str, phrase: str, after: int = 0) -> tuple[int, int]:
    start = text.index(phrase, after)
    return start, start + len(phrase)


def article(rng: random.Random, number: int) -> tuple[str, str, list[dict[str, object]]]:
    """A fictional article and its 'true' annotations (label, fragment, attrs, links)."""
    leader, other = rng.sample(LEADERS, 2)
    state, rival = rng.sample(STATES, 2)
    verb = rng.choice(VERBS)
    claim, threat, condition = rng.choice(CLAIMS), rng.choice(THREATS), rng.choice(CONDITIONS)
    title = f"{state} {verb.split()[0]} {rival}"
    text = (f"{title}\n\n"
            f"President {leader} {verb} on Tuesday that {claim}. "
            f"“{condition}, {threat},” {leader.split()[1]} added.\n\n"
            f"Foreign minister {other} of {rival} rejected the claim. "
            f"“We are not afraid,” {other.split()[1]} said.")
    body = text.index("\n\n") + 2
    units: list[dict[str, object]] = []

    def add(name: str, label: str, phrase: str, attrs: dict[str, object],
            after: int = body) -> None:
        units.append({"id": name, "label": label, "span": _at(text, phrase, after),
                      "attrs": attrs})

    add("A1", "Actor", f"President {leader}", {"kind": "person", "mention": "title"})
    add("U1", "Cue", verb, {})
    add("Q1", "Quote", claim, {"form": "indirect"})
    add("K1", "Condition", condition, {"polarity": "negative" if condition.startswith("Unless")
                                       else "positive"})
    add("N1", "Consequence", threat, {"type": "threat"})
    add("A2", "Actor", leader.split()[1], {"kind": "person", "mention": "name"},
        text.index("added") - len(leader.split()[1]) - 2)
    add("A3", "Actor", f"Foreign minister {other}", {"kind": "person", "mention": "title"})
    add("Q2", "Quote", "We are not afraid,", {"form": "direct"})
    add("A4", "Actor", other.split()[1], {"kind": "person", "mention": "name"},
        text.index("We are not afraid"))
    add("S1", "Actor", rival, {"kind": "state", "mention": "name"},
        text.index("Foreign minister"))
    del number
    return title, text, units


RELATIONS = [("speaker", "Q1", "A1"), ("cue", "Q1", "U1"), ("consequence", "K1", "N1"),
             ("holder", "K1", "A2"), ("holder", "N1", "A2"), ("speaker", "Q2", "A4")]


def layer(rng: random.Random, name: str, text: str, units: list[dict[str, object]],
          sloppiness: float) -> AnnotationSetRecord:
    """One annotator's version: some spans left out, some extents or attributes off."""
    spans: list[SpanRecord] = []
    for unit in units:
        start, end = cast(tuple[int, int], unit["span"])
        attrs = dict(cast(dict[str, object], unit["attrs"]))
        roll = rng.random()
        if roll < sloppiness * 0.35 and unit["label"] in ("Cue", "Actor"):
            continue
        if roll < sloppiness and unit["label"] in ("Quote", "Condition", "Consequence"):
            if unit["label"] == "Quote":
                attrs["form"] = "mixed" if attrs["form"] == "direct" else "direct"
            else:
                end += 1 if text[end] in ",." else -1
        spans.append(SpanRecord(str(unit["id"]), str(unit["label"]), [(start, end)], attrs))
    present = {s.id for s in spans}
    relations = [RelationRecord(f"R{i}", kind, source, target)
                 for i, (kind, source, target) in enumerate(RELATIONS)
                 if source in present and target in present]
    return AnnotationSetRecord(name, "done", spans, relations)


def build_project(path: Path, documents: int = 12, seed: int = 6) -> Project:
    """The sample project: two annotators, part adjudicated, three weeks of statuses."""
    rng = random.Random(seed)
    records = []
    for number in range(documents):
        title, text, units = article(rng, number)
        annotations = [layer(rng, "alice", text, units, 0.35)]
        if number < documents - 2:
            annotations.append(layer(rng, "bob", text, units, 0.5))
        records.append(DocumentRecord(text=text, title=title, external_id=f"article-{number:02d}",
                                      annotations=annotations))
    project = Project.create(path)
    project.import_records(records, "sample.jsonl")
    from storage.adjudication import accept_unanimous
    from storage.edits import SetStatus

    documents_ids = [d.id for d in project.documents()]
    for document_id in documents_ids[1:5]:
        accept_unanimous(project, document_id, ["alice", "bob"])
        project.apply(SetStatus(document_id, "gold", "done"))
    # spread the 'done' times over three weeks so the chart shows progress over time
    now = utcnow()
    with project.db.writing() as session:
        for name, pace in (("alice", 1.5), ("bob", 2.0), ("gold", 3.0)):
            who = session.scalar(select(Annotator.id).where(Annotator.name == name))
            rows = session.scalars(select(DocumentStatus).where(
                DocumentStatus.annotator_id == who).order_by(DocumentStatus.document_id)).all()
            for index, row in enumerate(rows):
                row.updated_at = now - timedelta(days=21 - int(index * pace) - (name == "gold") * 4)
    return project


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs"))
    parser.add_argument("--dark", action="store_true", help="use the dark palette")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtWidgets import QApplication

    from gui.comparison import ComparisonWindow
    from gui.progress_view import open_progress
    from gui.theme import apply_theme

    app = QApplication.instance() or QApplication(["saywho"])
    apply_theme(app, args.dark)  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as folder:
        project = build_project(Path(folder) / "ostmere-desk.saywho")
        try:
            first = project.documents()[0].id
            window = ComparisonWindow(project, first)
            window.resize(1440, 700)
            window.splitter.setSizes([930, 500])
            window.show()
            app.processEvents()
            window.keys.accept_all_unanimous()
            for row in range(window.model.rowCount()):
                group = window.model.group(row)
                if group.key[0] == "Quote" and group.in_gold is None and len(
                        getattr(group, "spans", {})) > 1:
                    window.select_row(row)
                    break
            app.processEvents()
            window.grab().save(str(out / "comparison.png"))
            window.close()

            dialog = open_progress(None, project)
            dialog.resize(1300, 820)
            app.processEvents()
            dialog.grab().save(str(out / "progress.png"))
            dialog.close()
        finally:
            project.close()
    print(f"wrote {out / 'comparison.png'} and {out / 'progress.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
