"""Edits per second through the storage API, per backend, with 1 and with 8 writers.

Each writer is its own process with its own Project (as separate Saywho
windows or annotators are), adding and changing spans on a shared project;
all start together and the rate is the total acknowledged edits over the wall
time until the last one finishes. PostgreSQL runs on a fresh database on
``$SAYWHO_TEST_PG_URL`` (default
``postgresql+psycopg://saywho:saywho@localhost:5432/postgres``) and is skipped
with a note when no server answers.

    .venv/bin/python bench/edit_rate.py                   # 400 edits per writer
    .venv/bin/python bench/edit_rate.py --edits 100 --writers 1 8
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.soak import article, drop_database, make_database  # noqa: E402


def writer(location: str, number: int, edits: int, go: Path) -> None:
    """One writer: ``edits`` edits (2 adds for each change) once ``go`` exists."""
    from storage.edits import AddSpan, UpdateSpan
    from storage.project import Project

    rng = random.Random(number)
    with Project.open(location) as project:
        documents = [(d.id, d.length) for d in project.documents()]
        mine: list[int] = []
        print("ready", flush=True)
        while not go.exists():
            time.sleep(0.002)
        for step in range(edits):
            document, length = rng.choice(documents)
            start = rng.randrange(0, length - 30)
            if step % 3 == 2 and mine:
                span_id = rng.choice(mine)
                project.apply(UpdateSpan(span_id, attributes={"kind": rng.choice(
                    ("person", "organisation"))}))
            else:
                edit = AddSpan(document, f"writer{number}", "Actor", [(start, start + 9)])
                project.apply(edit)
                assert edit.span_id is not None
                mine.append(edit.span_id)


def measure(location: str, writers: int, edits: int, folder: Path) -> float:
    """Edits per second with ``writers`` processes at once."""
    go = folder / f"go-{writers}-{time.monotonic_ns()}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [subprocess.Popen(
        [sys.executable, __file__, "--writer", location, str(number), str(edits), str(go)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) for number in range(writers)]
    for process in processes:
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("a writer failed to start")
    started = time.perf_counter()
    go.touch()
    for process in processes:
        process.wait()
        if process.returncode != 0:
            raise RuntimeError(f"a writer failed (exit {process.returncode})")
    return writers * edits / (time.perf_counter() - started)


def prepare(location: str) -> None:
    from storage.project import Project
    from storage.records import DocumentRecord

    with Project.create(location) as project:
        project.import_records([DocumentRecord(text=article(n), external_id=f"a{n}")
                                for n in range(20)], "bench")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--writer":
        writer(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=400, help="edits per writer")
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"],
                        choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    print(f"edit rate: {args.edits} edits per writer, {os.cpu_count()} CPUs")
    print(f"{'backend':<12}" + "".join(f"{n:>4} writer{'s' if n > 1 else ' '} "
                                       for n in args.writers))
    for backend in args.backends:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            try:
                location, database = make_database(backend, folder)
            except Exception as exc:  # no server: say so and go on
                print(f"{backend:<12} skipped: {str(exc).splitlines()[0]}")
                continue
            try:
                prepare(location)
                rates = [measure(location, n, args.edits, folder) for n in args.writers]
            finally:
                if database:
                    drop_database(database)
        print(f"{backend:<12}" + "".join(f"{rate:>9.0f}/s   " for rate in rates), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
