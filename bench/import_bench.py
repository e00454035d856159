"""Import speed: Saywho's import of N generated articles against a floor.

The floor, measured in the same run on the same files, is what no importer can
beat by much: lxml parsing every file (HTML as HTML, text decoded) plus a bare
``sqlite3`` insert of the same texts in one transaction. Saywho does more (text
extraction with trafilatura, encoding detection, a savepoint per file and
durable group commits, duplicate checks), so the figure to watch is the ratio.

With ``--pages FOLDER`` (real-world pages, e.g. ``../shared/html-eval/pages``) it
also imports that folder and times it against serial ``trafilatura.extract`` with
default options over the same pages, in the same run (alternately ``--repeat``
times, medians compared); when ``evaldata.json`` sits
beside the folder, both are scored (see :mod:`bench.html_score`: snippet precision,
recall, F1 on the tuning half, the held-out half and the whole).

Usage: python bench/import_bench.py [--articles 5000] [--seed 1] [--pages FOLDER] [--repeat N]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import cast

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.html_score import HALVES, load_evaldata, score  # noqa: E402
from bench.make_articles import make_articles  # noqa: E402

# ingest and storage are imported where used: import workers are spawned, and a spawned
# process runs this script's imports again, as it runs main.py's (which has none)


def write_articles(folder: Path, count: int, seed: int) -> int:
    total = 0
    for name, content in make_articles(count, seed):
        data = content.encode("utf-8")
        (folder / name).write_bytes(data)
        total += len(data)
    return total


def floor(folder: Path, database: Path) -> float:
    """lxml parse of every file + bare sqlite3 insert of the texts, one transaction."""
    started = time.perf_counter()
    texts = []
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        if path.suffix == ".html":
            tree = cast(lxml.html.HtmlElement, lxml.html.fromstring(data))
            texts.append((path.stem, tree.text_content()))
        else:
            texts.append((path.stem, data.decode("utf-8")))
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE document (id INTEGER PRIMARY KEY, external_id TEXT UNIQUE,"
                       " text TEXT, sha256 TEXT UNIQUE)")
    with connection:
        connection.executemany(
            "INSERT INTO document (external_id, text, sha256) VALUES (?, ?, ?)",
            [(name, text, hashlib.sha256(text.encode()).hexdigest()) for name, text in texts])
    connection.close()
    return time.perf_counter() - started


def saywho(folder: Path, project_path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    from ingest import import_paths
    from storage.project import Project

    with Project.create(project_path) as project:
        report = import_paths(project, [folder])
        if report.errors:
            raise SystemExit("import errors:\n" + "\n".join(report.errors[:10]))
        count = report.documents
    return time.perf_counter() - started, count


def parse_only(folder: Path) -> float:
    """Saywho's readers alone (extraction, encoding detection), serial, no database."""
    from ingest.files import read_file

    started = time.perf_counter()
    for path in sorted(folder.iterdir()):
        read_file(path)
    return time.perf_counter() - started


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the import's workers)."""
    try:
        import resource
    except ImportError:  # not on Unix: this process only
        return time.process_time()
    own, children = (resource.getrusage(who) for who in
                     (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def trafilatura_defaults(files: list[Path]) -> tuple[float, dict[str, str]]:
    """Serial ``trafilatura.extract`` with default options: seconds and texts by file name."""
    import trafilatura

    started = time.perf_counter()
    texts = {path.name: trafilatura.extract(path.read_bytes()) or "" for path in files}
    return time.perf_counter() - started, texts


def imported_texts(project_path: Path) -> dict[str, str]:
    connection = sqlite3.connect(f"file:{project_path}?mode=ro", uri=True)
    try:
        return {Path(source).name: text for source, text in
                connection.execute("SELECT source, text FROM document") if source}
    finally:
        connection.close()


def real_pages(folder: Path, tmp: Path, repeat: int = 1) -> None:
    """Saywho's import of a folder of real pages against serial trafilatura defaults.

    The two are timed alternately ``repeat`` times; the medians are compared.
    """
    from formats import registry

    html = registry.get("html").EXTENSIONS
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in html)
    import trafilatura  # noqa: F401  (imported before timing, as the import's workers do)

    our_times: list[float] = []
    their_times: list[float] = []
    our_cpu: list[float] = []  # CPU seconds, the import's worker processes included
    their_cpu: list[float] = []
    for run in range(repeat):
        project_path = tmp / f"pages-{run}.saywho"
        started, cpu = time.perf_counter(), cpu_seconds()
        from ingest import import_paths
        from storage.project import Project

        with Project.create(project_path) as project:
            report = import_paths(project, [folder])
        our_times.append(time.perf_counter() - started)
        our_cpu.append(cpu_seconds() - cpu)
        cpu = cpu_seconds()
        seconds, their_texts = trafilatura_defaults(files)
        their_cpu.append(cpu_seconds() - cpu)
        their_times.append(seconds)
    ours, theirs = statistics.median(our_times), statistics.median(their_times)
    print(f"\n{len(files)} real pages from {folder}")
    print(f"runs, alternating: saywho {', '.join(f'{t:.2f}' for t in our_times)} s; "
          f"trafilatura {', '.join(f'{t:.2f}' for t in their_times)} s")
    print(f"saywho import (median):                     {ours:8.2f} s "
          f"({report.documents} documents, {len(report.errors)} rejected, "
          f"{len(report.fallbacks)} by a fallback)")
    print(f"trafilatura.extract, defaults, serial (median): {theirs:8.2f} s")
    print(f"ratio saywho / trafilatura defaults: {ours / theirs:.2f}x (aim: at most 1x; "
          f"load average {os.getloadavg()[0]:.1f})")
    print(f"CPU seconds (median; workers included, less sensitive to load): saywho "
          f"{statistics.median(our_cpu):.2f}, trafilatura {statistics.median(their_cpu):.2f}, "
          f"ratio {statistics.median(our_cpu) / statistics.median(their_cpu):.2f}x")
    for fallback in report.fallbacks:
        print(f"  fallback: {fallback}")
    for error in report.errors:
        print(f"  rejected: {error}")
    evaldata = folder.parent / "evaldata.json"
    if not evaldata.is_file():
        return
    entries = load_evaldata(evaldata)
    our_texts = imported_texts(project_path)
    print("snippet scores (bench/html_score.py):")
    for half in (*HALVES, None):
        name = half or "whole"
        print(f"  {name:9} saywho      {score(entries, our_texts, half).line()}")
        print(f"  {name:9} trafilatura {score(entries, their_texts, half).line()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages", type=Path, default=None,
                        help="a folder of real web pages to import and score (optional)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="with --pages: time the import and trafilatura alternately N times")
    args = parser.parse_args()
    if args.pages is not None and not args.pages.is_dir():
        raise SystemExit(f"{args.pages}: no such folder")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        size = write_articles(folder, args.articles, args.seed)
        print(f"{args.articles} articles ({size / 1e6:.1f} MB, half HTML with clutter)")
        floor_seconds = floor(folder, Path(tmp) / "floor.sqlite")
        parse_seconds = parse_only(folder)
        ours, count = saywho(folder, Path(tmp) / "bench.saywho")
        print(f"floor (lxml parse + bare sqlite3 insert): {floor_seconds:8.2f} s")
        print(f"saywho import ({count} documents):        {ours:8.2f} s "
              f"({1000 * ours / max(count, 1):.2f} ms per article)")
        print(f"for scale, text extraction alone, serial:  {parse_seconds:8.2f} s "
              "(trafilatura on HTML, encoding detection on text; the import runs it in "
              "worker processes)")
        print(f"ratio saywho / floor: {ours / floor_seconds:.2f}x (aim: at most 2x)")
        if args.pages is not None:
            real_pages(args.pages, Path(tmp), max(1, args.repeat))


if __name__ == "__main__":
    main()
