"""Several processes edit one project at the same time; no acknowledged edit is lost.

Each writer is a separate Python process (this file run as a script) working as
its own annotator: it adds spans, speaker relations, changes its spans'
attributes (with ``expected_version``), creates actors and adds aliases to
actors shared by everybody (read, then ``UpdateEntity(expected_version=...)``,
again on a conflict). Every edit ``project.apply`` returned from is written to
the process's own log. Afterwards each logged edit is in the project exactly
once, nothing unlogged is, no alias was lost to a concurrent write, and no
process ever saw "database is locked" or a retry give up.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

SHARED_ACTORS = ("Aldric Varnay", "Ministry of Rivers", "Doreth Assembly")
DOCUMENTS = 6
ACKNOWLEDGED = ("span", "relation", "update", "entity", "alias")


# ------------------------------------------------------------------ the writer


def writer(url: str, number: int, edits: int, log_path: Path, go_path: Path) -> None:
    """One annotator's process: ``edits`` edits, each acknowledged one logged."""
    from storage.edits import AddRelation, AddSpan, CreateEntity, UpdateEntity, UpdateSpan
    from storage.errors import ConflictError
    from storage.project import Project

    rng = random.Random(number)
    me = f"w{number}"
    project = Project.open(url)
    documents = [(d.id, d.length) for d in project.documents()]
    shared = [e.id for e in project.entities() if e.name in SHARED_ACTORS]
    quotes: dict[int, list[int]] = {d: [] for d, _ in documents}
    actors: dict[int, list[int]] = {d: [] for d, _ in documents}
    versions: dict[int, int] = {}
    labels: dict[int, str] = {}
    log = log_path.open("w", encoding="utf-8")
    print("ready", flush=True)
    while not go_path.exists():
        time.sleep(0.005)

    def ack(record: dict[str, Any]) -> None:
        log.write(json.dumps(record) + "\n")

    for step in range(edits):
        roll = rng.random()
        document, length = rng.choice(documents)
        updatable = [span_id for span_id, label in labels.items() if label != "Cue"]
        if roll < 0.40:
            kind = "span"
        elif roll < 0.55:
            kind = "relation" if quotes[document] and actors[document] else "span"
        elif roll < 0.75:
            kind = "update" if updatable else "span"
        elif roll < 0.85:
            kind = "entity"
        else:
            kind = "alias"
        try:
            if kind == "span":
                label = rng.choice(("Quote", "Actor", "Cue"))
                start = rng.randrange(0, length - 20)
                fragments = [(start, start + rng.randrange(1, 10))]
                if label == "Quote" and rng.random() < 0.5:  # discontinuous
                    fragments.append((start + 12, start + 20))
                external_id = f"{me}-s{step}"
                edit = AddSpan(document, me, label, fragments, external_id=external_id)
                project.apply(edit)
                assert edit.span_id is not None
                versions[edit.span_id] = 1
                labels[edit.span_id] = label
                if label == "Quote":
                    quotes[document].append(edit.span_id)
                elif label == "Actor":
                    actors[document].append(edit.span_id)
                ack({"op": "span", "id": edit.span_id, "ext": external_id, "doc": document})
            elif kind == "relation":
                source = quotes[document].pop()
                target = rng.choice(actors[document])
                relation = AddRelation("speaker", source, target)
                project.apply(relation)
                ack({"op": "relation", "id": relation.relation_id, "source": source,
                     "target": target})
            elif kind == "update":
                span_id = rng.choice(updatable)
                attributes = ({"channel": rng.choice(("speech", "interview", "statement"))}
                              if labels[span_id] == "Quote"
                              else {"kind": rng.choice(("person", "organisation"))})
                project.apply(UpdateSpan(span_id, attributes=attributes,
                                         expected_version=versions[span_id]))
                versions[span_id] += 1
                ack({"op": "update", "id": span_id, "attributes": attributes,
                     "version": versions[span_id]})
            elif kind == "entity":
                name = f"{me} actor {step}"
                create = CreateEntity(name, "person", [f"{me}-{step}"])
                project.apply(create)
                ack({"op": "entity", "id": create.entity_id, "name": name})
            else:
                entity_id = rng.choice(shared)
                alias = f"{me}-{step}"
                for _attempt in range(100):
                    seen = project.entity(entity_id)
                    try:
                        project.apply(UpdateEntity(entity_id, aliases=[*seen.aliases, alias],
                                                   expected_version=seen.version))
                    except ConflictError:
                        ack({"op": "conflict", "entity": entity_id})
                        continue
                    ack({"op": "alias", "entity": entity_id, "alias": alias})
                    break
        except Exception as exc:  # recorded for the test to fail on, with the message
            ack({"op": "error", "type": type(exc).__name__, "message": str(exc)[:500]})
    log.close()
    project.close()


# -------------------------------------------------------------------- the test


def prepare(url: str) -> None:
    """Creates the shared project: a few articles and the shared actors."""
    from storage.project import Project
    from storage.records import DocumentRecord

    with Project.create(url) as project:
        records = [DocumentRecord(
            text=f"Article {n}. " + " ".join(
                f"Minister {n}-{k} said the river talks would go on." for k in range(40)),
            external_id=f"article-{n}") for n in range(DOCUMENTS)]
        project.import_records(records, "articles.jsonl")
        for name in SHARED_ACTORS:
            project.create_entity(name, "person", [])


def run_writers(url: str, writers: int, edits: int, folder: Path) -> list[dict[str, Any]]:
    """Runs the writers at once; returns every logged record of every writer."""
    go = folder / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = []
    for number in range(writers):
        processes.append(subprocess.Popen(
            [sys.executable, __file__, url, str(number), str(edits),
             str(folder / f"writer{number}.jsonl"), str(go)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for process in processes:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready", process.communicate()[1]
    go.touch()
    for process in processes:
        _, stderr = process.communicate(timeout=900)
        assert process.returncode == 0, stderr
        assert "OperationalError" not in stderr and "database is locked" not in stderr
    records = []
    for number in range(writers):
        lines = (folder / f"writer{number}.jsonl").read_text(encoding="utf-8").splitlines()
        records += [{**json.loads(line), "writer": number} for line in lines]
    return records


def verify(url: str, records: list[dict[str, Any]]) -> Counter[str]:
    """Every acknowledged edit is in the project exactly once; returns counts by kind."""
    from sqlalchemy import select

    from storage.check import check_project
    from storage.models import Entity, Relation, Span
    from storage.project import Project

    kinds = Counter(r["op"] for r in records)
    errors = [r for r in records if r["op"] == "error"]
    assert not errors, errors[:5]  # no locked database, no exhausted retry, nothing else
    with Project.open(url) as project, project.db.reading() as session:
        spans = {row.id: row for row in session.scalars(select(Span))}
        external = Counter(row.external_id for row in spans.values())
        acked_spans = [r for r in records if r["op"] == "span"]
        for record in acked_spans:
            row = spans[record["id"]]
            assert row.external_id == record["ext"] and row.document_id == record["doc"]
            assert external[record["ext"]] == 1
        assert len(spans) == len(acked_spans)  # nothing unacknowledged either

        relations = {row.id: row for row in session.scalars(select(Relation))}
        acked_relations = [r for r in records if r["op"] == "relation"]
        for record in acked_relations:
            row = relations[record["id"]]
            assert (row.source_id, row.target_id) == (record["source"], record["target"])
        assert len(relations) == len(acked_relations)

        last_update: dict[int, dict[str, Any]] = {}
        for record in records:
            if record["op"] == "update":
                last_update[record["id"]] = record
        for span_id, record in last_update.items():
            row = spans[span_id]
            assert row.version == record["version"]
            for key, value in record["attributes"].items():
                assert row.attributes[key] == value

        entities = {row.id: row for row in session.scalars(select(Entity))}
        names = Counter(row.name for row in entities.values())
        created = [r for r in records if r["op"] == "entity"]
        for record in created:
            assert entities[record["id"]].name == record["name"]
            assert names[record["name"]] == 1
        assert len(entities) == len(created) + len(SHARED_ACTORS)

        aliases = Counter(alias for row in entities.values() if row.name in SHARED_ACTORS
                          for alias in row.aliases)
        acked_aliases = [r for r in records if r["op"] == "alias"]
        for record in acked_aliases:
            assert aliases[record["alias"]] == 1  # no lost update
            assert record["alias"] in entities[record["entity"]].aliases
        assert sum(aliases.values()) == len(acked_aliases)
        session.rollback()
        report = check_project(project)
        assert report.ok, report.text()
    return kinds


#: "thousands of edits each": every writer process makes this many
EDITS_PER_WRITER = 2000


def test_four_writers_on_one_sqlite_file(tmp_path: Path) -> None:
    url = str(tmp_path / "shared.saywho")
    prepare(url)
    records = run_writers(url, writers=4, edits=EDITS_PER_WRITER, folder=tmp_path)
    kinds = verify(url, records)
    assert sum(kinds[k] for k in ACKNOWLEDGED) == 4 * EDITS_PER_WRITER
    assert min(kinds[k] for k in ACKNOWLEDGED) > 100


@pytest.mark.postgres
def test_eight_writers_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    prepare(pg_url)
    records = run_writers(pg_url, writers=8, edits=EDITS_PER_WRITER, folder=tmp_path)
    kinds = verify(pg_url, records)
    assert sum(kinds[k] for k in ACKNOWLEDGED) == 8 * EDITS_PER_WRITER
    assert min(kinds[k] for k in ACKNOWLEDGED) > 100


if __name__ == "__main__":
    writer(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]),
           Path(sys.argv[5]))
