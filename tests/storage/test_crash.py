"""Crash safety: a writer killed with SIGKILL at random moments loses nothing it acknowledged.

A writer process edits a SQLite project through the storage API (spans, a
compound "quote + speaker + relation" edit, attribute changes with
``expected_version``, deletions, new actors) and appends one line per edit to
its acknowledgement file right after ``project.apply`` returns (unbuffered, so
the line is in the kernel before the next edit starts). The test kills it with
SIGKILL at a random moment, 50 times (sometimes while it is still opening the
project), and after every kill reopens the project, finds every acknowledged
edit, no half-applied compound edit, and a clean integrity check.

Writers are forked from the test process (the storage modules are imported
already, so a writer starts in milliseconds); the test closes its own project
before each fork, so no database connection is shared.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage.check import check_project
from storage.edits import AddRelation, AddSpan, Compound, CreateEntity, DeleteSpan, UpdateSpan
from storage.models import Entity, Relation, Span
from storage.project import Project
from storage.records import DocumentRecord

KILLS = 50
TEXT = " ".join(f"Minister {n} of Doreth said the bridge would stay closed." for n in range(60))


def _writer(path: str, run: int, acks: str, ready: Any) -> None:
    """Edits until killed; one line per acknowledged edit."""
    rng = random.Random(run)
    out = os.open(acks, os.O_WRONLY | os.O_CREAT | os.O_APPEND)

    def ack(record: dict[str, Any]) -> None:
        os.write(out, (json.dumps(record) + "\n").encode())

    project = Project.open(path)
    document = project.documents()[0].id
    length = len(TEXT)
    mine: dict[int, int] = {}  # span id -> version
    cues: list[int] = []  # only Cues are deleted: a compound's spans stay, to check them
    ready.set()
    for step in range(100_000):
        roll = rng.random()
        start = rng.randrange(0, length - 40)
        if roll < 0.35 or not mine:
            edit = AddSpan(document, "writer", "Cue", [(start, start + 5)],
                           external_id=f"r{run}-{step}")
            project.apply(edit)
            assert edit.span_id is not None
            mine[edit.span_id] = 1
            cues.append(edit.span_id)
            ack({"op": "span", "id": edit.span_id, "ext": edit.external_id})
        elif roll < 0.6:
            quote = AddSpan(document, "writer", "Quote", [(start, start + 10)],
                            external_id=f"r{run}-{step}-q")
            actor = AddSpan(document, "writer", "Actor", [(start + 20, start + 30)],
                            external_id=f"r{run}-{step}-a")
            compound = Compound([quote, actor], text="quote with speaker")
            project.apply(compound)
            relation = AddRelation("speaker", quote.span_id or 0, actor.span_id or 0,
                                   external_id=f"r{run}-{step}-r")
            # the relation in its own transaction too: acknowledged separately
            project.apply(relation)
            ack({"op": "compound", "step": f"r{run}-{step}", "quote": quote.span_id,
                 "actor": actor.span_id, "relation": relation.relation_id})
        elif roll < 0.8:
            span_id = rng.choice(list(mine))
            row = project.span(span_id)
            if row.label == "Quote":
                value = {"form": rng.choice(("direct", "indirect", "mixed"))}
            elif row.label == "Actor":
                value = {"kind": rng.choice(("person", "organisation"))}
            else:
                value = {}
            project.apply(UpdateSpan(span_id, fragments=[(start, start + 7)], attributes=value,
                                     expected_version=mine[span_id]))
            mine[span_id] += 1
            ack({"op": "update", "id": span_id, "version": mine[span_id],
                 "fragments": [[start, start + 7]]})
        elif roll < 0.9 and cues:
            span_id = cues.pop(rng.randrange(len(cues)))
            # announced first: if killed after the commit but before the ack, the
            # span is rightly gone although its deletion was never acknowledged
            ack({"op": "deleting", "id": span_id})
            project.apply(DeleteSpan(span_id))
            del mine[span_id]
            ack({"op": "delete", "id": span_id})
        else:
            create = CreateEntity(f"Actor {run}-{step}", "person", [f"a{run}-{step}"])
            project.apply(create)
            ack({"op": "entity", "id": create.entity_id})


def _read_acks(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    data = path.read_text(encoding="utf-8")
    complete = data[:data.rfind("\n") + 1]  # a line cut by the kill is not an acknowledgement
    return [json.loads(line) for line in complete.splitlines()]


def _verify(path: Path, acks: list[dict[str, Any]]) -> None:
    with Project.open(path) as project:
        with project.db.reading() as session:
            spans = {row.id: row for row in session.scalars(select(Span))}
            relations = {row.id: row for row in session.scalars(select(Relation))}
            entities = set(session.scalars(select(Entity.id)))
        # Replayed in order: SQLite reuses the highest rowid after a deletion, so an
        # id deleted earlier may belong to a newer span; external ids are unique.
        alive: dict[int, str] = {}  # span id -> external id
        gone: set[str] = set()  # external ids of acknowledged deletions
        versions: dict[int, dict[str, Any]] = {}
        for index, record in enumerate(acks):
            op = record["op"]
            if op == "deleting":
                following = acks[index + 1] if index + 1 < len(acks) else {}
                if following.get("op") != "delete":  # in flight when killed: either way
                    alive.pop(record["id"], None)
                    versions.pop(record["id"], None)
            elif op == "span":
                alive[record["id"]] = record["ext"]
                versions.pop(record["id"], None)
            elif op == "compound":
                alive[record["quote"]] = f"{record['step']}-q"
                alive[record["actor"]] = f"{record['step']}-a"
                relation = relations.get(record["relation"])
                assert relation is not None, f"acknowledged relation lost: {record}"
                assert (relation.source_id, relation.target_id) == (record["quote"],
                                                                    record["actor"])
            elif op == "update":
                versions[record["id"]] = record
            elif op == "delete":
                gone.add(alive.pop(record["id"]))
                versions.pop(record["id"], None)
            elif op == "entity":
                assert record["id"] in entities, record
        for span_id, external_id in alive.items():
            assert span_id in spans and spans[span_id].external_id == external_id, \
                f"acknowledged span {external_id} lost"
        stored = {row.external_id for row in spans.values()}
        assert not gone & stored, f"acknowledged deletions lost: {gone & stored}"
        for span_id, record in versions.items():
            row = spans[span_id]
            assert row.version >= record["version"], f"update of span {span_id} lost"
            if row.version == record["version"]:
                assert row.fragments == record["fragments"]
        # a compound edit is all or nothing: every quote of a compound has its actor
        by_step: dict[str, set[str]] = defaultdict(set)
        for row in spans.values():
            if row.external_id.endswith(("-q", "-a")):
                by_step[row.external_id[:-2]].add(row.external_id[-1])
        half = {step: kinds for step, kinds in by_step.items() if kinds != {"q", "a"}}
        assert not half, f"half-applied compound edits: {half}"
        report = check_project(project)
        assert report.ok, report.text()


@pytest.mark.slow
def test_acknowledged_edits_survive_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "crash.saywho"
    with Project.create(path) as project:
        project.import_records([DocumentRecord(text=TEXT, external_id="bridge")], "x.jsonl")
    context = multiprocessing.get_context("fork")
    rng = random.Random(2026)
    acks_path = tmp_path / "acks.jsonl"
    acknowledged_total = 0
    killed_while_opening = 0
    for run in range(KILLS):
        ready = context.Event()
        process = context.Process(target=_writer, args=(str(path), run, str(acks_path), ready))
        process.start()
        if rng.random() < 0.15:
            time.sleep(rng.uniform(0, 0.05))  # kill it while it opens the project
            killed_while_opening += not ready.is_set()
        else:
            assert ready.wait(60), "writer did not start"
            time.sleep(rng.uniform(0.0, 0.4))
        assert process.pid is not None
        os.kill(process.pid, signal.SIGKILL)
        process.join(30)
        assert process.exitcode == -signal.SIGKILL
        acks = _read_acks(acks_path)
        _verify(path, acks)
        acknowledged_total = len(acks)
    print(f"{KILLS} kills ({killed_while_opening} while opening), {acknowledged_total} "
          "acknowledged edits, all found")
    assert acknowledged_total > KILLS * 5  # the writers really wrote between kills
