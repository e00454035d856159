"""Soak test: many edits through the storage API in one open project; memory must stay flat.

Runs ``--edits`` edits (default 100,000) the way a long annotation session
does: add spans, change them, link them, delete some, undo some, on one
project kept open throughout. Every 10,000 edits it prints the resident memory
(VmRSS from /proc/self/status, or the peak from ``resource`` elsewhere) and the
rate, then the growth between the first and the last measurement.

    .venv/bin/python bench/soak.py                 # SQLite, 100,000 edits
    .venv/bin/python bench/soak.py --edits 20000
    .venv/bin/python bench/soak.py --backend postgresql   # a fresh database on
        # $SAYWHO_TEST_PG_URL (default postgresql+psycopg://saywho:saywho@localhost:5432/postgres)
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage.edits import (
    AddRelation,
    AddSpan,
    DeleteSpan,
    Edit,
    SetStatus,
    UpdateSpan,
)
from storage.project import Project
from storage.records import DocumentRecord

DEFAULT_PG = "postgresql+psycopg://saywho:saywho@localhost:5432/postgres"
EVERY = 10_000


def rss_mb() -> float:
    """Resident memory now (Linux), else the peak so far."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def article(number: int) -> str:
    return " ".join(f"Minister {number}-{k} of Ostmere said the river border talks would "
                    "continue next week." for k in range(30))


def make_database(backend: str, folder: Path) -> tuple[str, str | None]:
    """The project location, and the PG database to drop afterwards (or None)."""
    if backend == "sqlite":
        return str(folder / "soak.saywho"), None
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(os.environ.get("SAYWHO_TEST_PG_URL", DEFAULT_PG))
    name = f"saywho_bench_{uuid.uuid4().hex[:12]}"
    conninfo = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return server.set(database=name).render_as_string(hide_password=False), name


def drop_database(name: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(os.environ.get("SAYWHO_TEST_PG_URL", DEFAULT_PG))
    conninfo = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def soak(location: str, edits: int, seed: int = 0) -> list[tuple[int, float, float, float]]:
    """Runs the edits; returns (edits done, RSS MB, edits/s, CPU ms per edit) per stretch.

    CPU time per edit is the figure to compare between stretches on a shared
    machine (wall-clock rates move with the other load).
    """
    rng = random.Random(seed)
    with Project.create(location) as project:
        project.import_records([DocumentRecord(text=article(n), external_id=f"a{n}")
                                for n in range(50)], "soak")
        documents = [(d.id, d.length) for d in project.documents()]
        quotes: list[int] = []
        actors: dict[int, list[int]] = {}
        spans: list[int] = []
        undoable: list[Edit] = []
        figures = [(0, rss_mb(), 0.0, 0.0)]
        started = time.perf_counter()
        cpu_started = time.process_time()
        for done in range(1, edits + 1):
            roll = rng.random()
            document, length = rng.choice(documents)
            if roll < 0.45 or len(spans) < 10:
                label = rng.choice(("Quote", "Actor", "Cue"))
                start = rng.randrange(0, length - 30)
                edit: Edit = AddSpan(document, "soak", label, [(start, start + 12)])
                project.apply(edit)
                assert isinstance(edit, AddSpan) and edit.span_id is not None
                spans.append(edit.span_id)
                if label == "Quote":
                    quotes.append(edit.span_id)
                elif label == "Actor":
                    actors.setdefault(document, []).append(edit.span_id)
            elif roll < 0.6 and quotes:
                quote = quotes.pop()
                target_doc = project.span(quote).document_id
                if actors.get(target_doc):
                    edit = AddRelation("speaker", quote, rng.choice(actors[target_doc]))
                else:
                    edit = SetStatus(document, "soak", "in_progress")
                project.apply(edit)
            elif roll < 0.8:
                span_id = rng.choice(spans)
                start = rng.randrange(0, length - 30)
                edit = UpdateSpan(span_id, fragments=[(start, start + 8)])
                try:
                    project.apply(edit)
                except Exception:  # span of another document: offsets may not fit
                    edit = SetStatus(document, "soak", "in_progress")
                    project.apply(edit)
            elif roll < 0.9:
                span_id = spans.pop(rng.randrange(len(spans)))
                if span_id in quotes:
                    quotes.remove(span_id)
                for linked in actors.values():
                    if span_id in linked:
                        linked.remove(span_id)
                edit = DeleteSpan(span_id)
                project.apply(edit)
            elif undoable:
                previous = undoable.pop()
                project.revert(previous)  # undo, then redo: ids are kept
                project.apply(previous)
                edit = previous
            else:
                edit = SetStatus(document, "soak", rng.choice(("new", "in_progress", "done")))
                project.apply(edit)
            undoable.append(edit)
            del undoable[:-100]  # an undo stack of bounded depth, as in the GUI
            if done % EVERY == 0 or done == edits:
                elapsed = time.perf_counter() - started
                stretch = done - figures[-1][0]
                cpu_ms = (time.process_time() - cpu_started) * 1000 / stretch
                gc.collect()
                figures.append((done, rss_mb(), stretch / elapsed, cpu_ms))
                print(f"{done:>8} edits  RSS {figures[-1][1]:7.1f} MB  "
                      f"{figures[-1][2]:7.0f} edits/s  {cpu_ms:5.2f} CPU ms/edit", flush=True)
                started = time.perf_counter()
                cpu_started = time.process_time()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=100_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        location, database = make_database(args.backend, Path(folder))
        try:
            print(f"soak: {args.edits} edits on {args.backend}", flush=True)
            figures = soak(location, args.edits)
        finally:
            if database:
                drop_database(database)
    measured = figures[1:]
    if len(measured) >= 2:
        first, last = measured[0][1], measured[-1][1]
        print(f"RSS after {measured[0][0]} edits: {first:.1f} MB; after {measured[-1][0]}: "
              f"{last:.1f} MB; growth {last - first:+.1f} MB ({last / first:.2f}x); "
              f"CPU per edit {measured[0][3]:.2f} -> {measured[-1][3]:.2f} ms "
              f"({measured[-1][3] / measured[0][3]:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
