"""Import speed: Saywho's import of N generated articles against a floor.

The floor, measured in the same run on the same files, is what no importer can
beat by much: lxml parsing every file (HTML as HTML, text decoded) plus a bare
``sqlite3`` insert of the same texts in one transaction. Saywho does more (text
extraction with trafilatura, encoding detection, a savepoint per file and
durable group commits, duplicate checks), so the figure to watch is the ratio.

Usage: python bench/import_bench.py [--articles 5000] [--seed 1]
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.make_articles import make_articles  # noqa: E402
from ingest import import_paths  # noqa: E402
from storage.project import Project  # noqa: E402


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
            tree = lxml.html.fromstring(data)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
