"""Merging actors while others link mentions or change the same actors.

On PostgreSQL (READ COMMITTED) two transactions really run at once: a merge
that read its actors before a colleague's uncommitted change must not fail
with a raw ``StaleDataError``, nor move the mentions it saw and let the
colleague's new link vanish (``ON DELETE SET NULL``) when the merged actor is
deleted. The tests hold one transaction open mid-way (a colleague's link, alias
or merge not yet committed), start the other edit in a thread, then commit: the
registry ends consistent, every acknowledged link present, and a lost race is a
:class:`ConflictError` or :class:`NotFoundError` with the usual words. On SQLite
writers queue (``BEGIN IMMEDIATE``), so the same scenarios run one after the
other; they run there too, as the regression guard of the same outcome.

A stress run repeats it with eight processes on PostgreSQL: merges, links and
alias changes at random; every acknowledged link is found afterwards.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import small_record

from storage.edits import MergeEntities, UpdateEntity, UpdateSpan
from storage.errors import ConflictError, NotFoundError, SaywhoError, ValidationError
from storage.project import Project

ROOT = Path(__file__).resolve().parents[2]


class Race:
    """Two projects on one database: ``mine`` holds a transaction open, ``other`` edits."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.mine = Project.create(location)
        self.mine.import_records([small_record()], "small.jsonl")
        self.other = Project.open(location)
        self.document = self.mine.documents()[0].id
        actors = [s for s in self.mine.spans(self.document, "alice") if s.label == "Actor"]
        self.first_mention, self.second_mention = actors[0].id, actors[1].id
        self.kept = self.mine.create_entity("Aldric Varnay").id
        self.merged = self.mine.create_entity("President Varnay", aliases=["A. Varnay"]).id
        self.mine.apply(UpdateSpan(self.first_mention, entity_id=self.merged))

    def during(self, held: Callable[[Any], None], edit: Callable[[], Any]) -> Any:
        """Runs ``edit`` in a thread while ``held`` is applied in an open transaction of
        ``mine``; commits ``held`` a moment later; returns what ``edit`` returned or raised."""
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["value"] = edit()
            except BaseException as exc:  # handed back to the test
                outcome["error"] = exc

        with self.mine.db.writing() as session:
            held(session)
            session.flush()
            thread = threading.Thread(target=run)
            thread.start()
            thread.join(0.8)  # on PostgreSQL the edit now waits for our locks
        thread.join(30)
        assert not thread.is_alive()
        if "error" in outcome:
            return outcome["error"]
        return outcome.get("value")

    def close(self) -> None:
        self.mine.close()
        self.other.close()


@pytest.fixture
def race(backend_url: str) -> Iterator[Race]:
    created = Race(backend_url)
    try:
        yield created
    finally:
        created.close()


def test_a_merge_keeps_a_link_made_while_it_waited(race: Race) -> None:
    def link(session: Any) -> None:
        UpdateSpan(race.second_mention, entity_id=race.merged).apply(session, race.mine.schema)

    result = race.during(link, lambda: race.other.apply(MergeEntities(race.kept, race.merged)))
    assert not isinstance(result, BaseException), repr(result)
    # both mentions, the one linked before and the one linked meanwhile, follow the merge
    assert race.mine.span(race.first_mention).entity_id == race.kept
    assert race.mine.span(race.second_mention).entity_id == race.kept
    assert [e.id for e in race.mine.entities()] == [race.kept]


def test_a_link_to_an_actor_merged_meanwhile_is_a_conflict(race: Race) -> None:
    def merge(session: Any) -> None:
        MergeEntities(race.kept, race.merged).apply(session, race.mine.schema)

    result = race.during(merge, lambda: race.other.apply(
        UpdateSpan(race.second_mention, entity_id=race.merged)))
    if race.mine.is_sqlite:  # the link ran first: validated against the merged registry
        assert isinstance(result, SaywhoError)
    else:
        assert isinstance(result, ConflictError), repr(result)
        assert "changed by someone else meanwhile" in str(result)
    assert race.mine.span(race.second_mention).entity_id is None  # not linked, and said so
    assert race.mine.span(race.first_mention).entity_id == race.kept


def test_a_merge_into_an_actor_renamed_meanwhile_keeps_both_changes(race: Race) -> None:
    def add_alias(session: Any) -> None:
        UpdateEntity(race.kept, aliases=["Varnay"]).apply(session, race.mine.schema)

    result = race.during(add_alias,
                         lambda: race.other.apply(MergeEntities(race.kept, race.merged)))
    assert not isinstance(result, BaseException), repr(result)
    kept = race.mine.entity(race.kept)
    assert list(kept.aliases) == ["Varnay", "President Varnay", "A. Varnay"]
    assert race.mine.span(race.first_mention).entity_id == race.kept


def test_two_merges_of_one_actor_one_wins_the_other_is_told(race: Race) -> None:
    third = race.mine.create_entity("Doreth Assembly", kind="organisation").id

    def merge(session: Any) -> None:
        MergeEntities(race.kept, race.merged).apply(session, race.mine.schema)

    result = race.during(merge, lambda: race.other.apply(MergeEntities(third, race.merged)))
    assert isinstance(result, NotFoundError), repr(result)
    assert str(result) == "one of the actors to merge does not exist any more"
    assert race.mine.span(race.first_mention).entity_id == race.kept
    assert sorted(e.id for e in race.mine.entities()) == sorted([race.kept, third])


# ----------------------------------------------------------------- the stress run


def writer(url: str, number: int, seconds: float, log_path: Path, go_path: Path) -> None:
    """One process: merges, links and alias changes at random; logs each acknowledged link."""
    rng = random.Random(number)
    project = Project.open(url)
    document = project.documents()[0].id
    log = log_path.open("w", encoding="utf-8")
    print("ready", flush=True)
    while not go_path.exists():
        time.sleep(0.005)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        actors = [e.id for e in project.entities()]
        mentions = [s.id for s in project.spans(document) if s.label == "Actor"]
        roll = rng.random()
        try:
            if roll < 0.25 and len(actors) > 2:
                kept, merged = rng.sample(actors, 2)
                project.apply(MergeEntities(kept, merged))
                log.write(json.dumps({"merge": [kept, merged]}) + "\n")
            elif roll < 0.35:
                entity = project.create_entity(f"w{number}-{rng.randrange(10**6)}")
                log.write(json.dumps({"create": entity.id}) + "\n")
            elif roll < 0.45 and actors:
                entity = project.entity(rng.choice(actors))
                project.apply(UpdateEntity(entity.id, aliases=[*entity.aliases, f"a{number}"],
                                           expected_version=entity.version))
            elif actors and mentions:
                span, entity = rng.choice(mentions), rng.choice(actors)
                project.apply(UpdateSpan(span, entity_id=entity))
                log.write(json.dumps({"link": [span, entity]}) + "\n")
        except (ConflictError, NotFoundError, ValidationError) as exc:  # a lost race, said so
            log.write(json.dumps({"refused": str(exc)}) + "\n")
        except Exception as exc:  # the test fails on any of these
            log.write(json.dumps({"crash": f"{type(exc).__name__}: {exc}"}) + "\n")
        log.flush()
    log.close()
    project.close()


@pytest.mark.postgres
def test_eight_writers_merging_and_linking_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    with Project.create(pg_url) as project:
        text = "Varnay, Toral, Ostmere, Doreth and Aldric met. " * 40
        from storage.records import AnnotationSetRecord, DocumentRecord, SpanRecord

        spans = [SpanRecord(f"T{i}", "Actor", [(i * 7, i * 7 + 5)]) for i in range(200)]
        project.import_records([DocumentRecord(text=text, external_id="meeting", annotations=[
            AnnotationSetRecord("alice", "new", spans, [])])], "stress")
        for name in ("Varnay", "Toral", "Ostmere", "Doreth", "Aldric", "Ilse"):
            project.create_entity(name)
    go = tmp_path / "go"
    processes = []
    for number in range(8):
        processes.append(subprocess.Popen(
            [sys.executable, __file__, pg_url, str(number), "6", str(tmp_path / f"w{number}.log"),
             str(go)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**__import__("os").environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}"}))
    for process in processes:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready", process.stderr
    go.touch()
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    records = [json.loads(line) for number in range(8)
               for line in (tmp_path / f"w{number}.log").read_text().splitlines()]
    crashes = [r["crash"] for r in records if "crash" in r]
    assert crashes == []
    assert sum(1 for r in records if "merge" in r) > 10
    assert sum(1 for r in records if "link" in r) > 50
    with Project.open(pg_url) as project:
        entities = {e.id for e in project.entities()}
        document = project.documents()[0].id
        stored = {s.id: s.entity_id for s in project.spans(document)}
    # every link points at an actor in the registry, and no acknowledged link is gone: no
    # writer unlinks, merges move links to the kept actor (a merge that deleted its actor
    # under a link made meanwhile would leave NULL: ON DELETE SET NULL)
    assert all(entity is None or entity in entities for entity in stored.values())
    linked = {record["link"][0] for record in records if "link" in record}
    assert [span for span in linked if stored[span] is None] == []


if __name__ == "__main__":
    writer(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), Path(sys.argv[4]),
           Path(sys.argv[5]))
