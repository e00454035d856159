"""Export speed and memory: Saywho's exporters against a floor, measured in one run.

Builds a project of 10,000 documents with 200,000 spans and 50,000 relations
(times ``--scale``), then prints:

* the JSONL export time against a floor: a bare ``sqlite3`` SELECT of the same
  documents, spans and relations plus ``json.dumps`` of one line per document
  (no views, no validation, no fixed key order); aim: at most 1.5x;
* the conll and xmi export times against the JSONL time (when those modules exist);
* the peak memory (``ru_maxrss`` of a fresh subprocess that only exports) at
  1x and 4x the corpus; aim: flat, since documents are streamed.

Usage: python bench/export_bench.py [--scale 1.0] [--seed 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from export.run import export_project  # noqa: E402
from storage.project import Project  # noqa: E402
from storage.records import (  # noqa: E402
    AnnotationSetRecord,
    DocumentRecord,
    RelationRecord,
    SpanRecord,
)

DOCUMENTS = 10_000
GROUPS_PER_DOCUMENT = 5  # each: Quote, Actor, Cue, Condition (4 spans) + 1 speaker relation
BATCH = 500
NAMES = ["Aldric Varnay", "Zoë Haddad-Keller", "the ministry", "a spokesman", "李明",
         "Minister Oren Salk", "the council", "سامر نادر"]
WORDS = ["border", "convoy", "talks", "river", "tariffs", "troops", "answer", "swift",
         "ceasefire", "harbour", "sanctions", "delegation", "treaty", "winter", "grain"]


def make_record(index: int, rng: random.Random) -> DocumentRecord:
    """One article of five attributed, conditional statements."""
    parts: list[str] = []
    spans: list[SpanRecord] = []
    relations: list[RelationRecord] = []
    position = 0

    def add(piece: str) -> tuple[int, int]:
        nonlocal position
        parts.append(piece)
        start = position
        position += len(piece)
        return start, position

    add(f"Report {index}: {rng.choice(WORDS)} and {rng.choice(WORDS)}\n\n")
    for group in range(GROUPS_PER_DOCUMENT):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
        add("“")
        quote = add(words.capitalize() + ",")
        add("” ")
        actor = add(rng.choice(NAMES))
        add(" ")
        cue = add("said")
        add(", ")
        condition = add(f"if the {rng.choice(WORDS)} {rng.choice(WORDS)} continues")
        add(f". {' '.join(rng.choice(WORDS) for _ in range(8))}.\n\n")
        base = f"g{group}"
        spans += [SpanRecord(f"T{base}q", "Quote", [quote], {"form": "direct"}),
                  SpanRecord(f"T{base}a", "Actor", [actor], {"kind": "person"}),
                  SpanRecord(f"T{base}c", "Cue", [cue]),
                  SpanRecord(f"T{base}k", "Condition", [condition])]
        relations.append(RelationRecord(f"R{base}", "speaker", f"T{base}q", f"T{base}a"))
    return DocumentRecord(text="".join(parts), title=f"Report {index}",
                          external_id=f"doc-{index:06d}", meta={"n": index},
                          annotations=[AnnotationSetRecord("alice", "done", spans, relations)])


def build(path: Path, documents: int, seed: int) -> float:
    rng = random.Random(seed)
    started = time.perf_counter()
    with Project.create(path) as project:
        for offset in range(0, documents, BATCH):
            records = [make_record(i, rng) for i in range(offset, min(documents,
                                                                       offset + BATCH))]
            project.import_records(records, f"bench batch {offset}")
    return time.perf_counter() - started


def floor(path: Path, out: Path) -> float:
    """Bare sqlite3 SELECT of documents, spans and relations + json.dumps per document."""
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    spans = connection.execute(
        "SELECT document_id, id, external_id, label, start, \"end\", fragments, attributes, "
        "entity_id FROM span ORDER BY document_id, start, \"end\", id")
    relations = connection.execute(
        "SELECT document_id, external_id, type, source_id, target_id, attributes "
        "FROM relation ORDER BY document_id, id")
    span_row = next(spans, None)
    relation_row = next(relations, None)
    with out.open("w", encoding="utf-8") as handle:
        for document_id, external_id, title, text, meta in connection.execute(
                "SELECT id, external_id, title, text, meta FROM document ORDER BY position, id"):
            doc_spans = []
            while span_row is not None and span_row[0] == document_id:
                doc_spans.append({"id": span_row[2], "label": span_row[3], "start": span_row[4],
                                  "end": span_row[5], "fragments": json.loads(span_row[6]),
                                  "attributes": json.loads(span_row[7]),
                                  "entity": span_row[8]})
                span_row = next(spans, None)
            doc_relations = []
            while relation_row is not None and relation_row[0] == document_id:
                doc_relations.append({"id": relation_row[1], "type": relation_row[2],
                                      "source": relation_row[3], "target": relation_row[4],
                                      "attributes": json.loads(relation_row[5])})
                relation_row = next(relations, None)
            handle.write(json.dumps({"id": external_id, "title": title, "text": text,
                                     "meta": json.loads(meta), "spans": doc_spans,
                                     "relations": doc_relations}, ensure_ascii=False) + "\n")
    connection.close()
    return time.perf_counter() - started


def timed_export(path: Path, format_name: str, out: Path) -> float:
    with Project.open(path) as project:
        started = time.perf_counter()
        export_project(project, format_name, out)
        return time.perf_counter() - started


def peak_memory_mb(path: Path, format_name: str, out: Path) -> float:
    """ru_maxrss of a fresh interpreter that opens the project and exports it."""
    code = (
        "import resource, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from export.run import export_project\n"
        "from storage.project import Project\n"
        f"with Project.open({str(path)!r}) as p:\n"
        f"    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"    export_project(p, {format_name!r}, {str(out)!r})\n"
        "print(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    _before, peak = result.stdout.split()
    return int(peak) / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="corpus size as a fraction of 10,000 documents")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-memory", action="store_true", help="skip the 1x/4x memory run")
    args = parser.parse_args()
    documents = max(10, int(DOCUMENTS * args.scale))
    with tempfile.TemporaryDirectory(prefix="saywho-export-bench-") as tmp:
        folder = Path(tmp)
        project = folder / "bench.saywho"
        seconds = build(project, documents, args.seed)
        spans = documents * GROUPS_PER_DOCUMENT * 4
        relations = documents * GROUPS_PER_DOCUMENT
        print(f"corpus: {documents} documents, {spans} spans, {relations} relations "
              f"(built in {seconds:.1f} s)")
        floor_seconds = floor(project, folder / "floor.jsonl")
        jsonl_seconds = timed_export(project, "jsonl", folder / "jsonl")
        print(f"floor (sqlite3 SELECT + json.dumps): {floor_seconds:.2f} s")
        print(f"jsonl export: {jsonl_seconds:.2f} s = {jsonl_seconds / floor_seconds:.2f}x the "
              "floor (aim <= 1.5x)")
        for name, module in (("conll", "export.conll"), ("xmi", "export.xmi")):
            if importlib.util.find_spec(module) is None:
                print(f"{name} export: not available")
                continue
            try:
                took = timed_export(project, name, folder / name)
            except Exception as exc:  # a format still being written must not stop the bench
                print(f"{name} export: failed ({type(exc).__name__}: {exc})")
                continue
            print(f"{name} export: {took:.2f} s = {took / jsonl_seconds:.2f}x the jsonl export")
        if args.no_memory:
            return
        peak_1x = peak_memory_mb(project, "jsonl", folder / "mem-1x")
        big = folder / "bench-4x.saywho"
        build(big, documents * 4, args.seed)
        peak_4x = peak_memory_mb(big, "jsonl", folder / "mem-4x")
        print(f"peak memory of a jsonl export: {peak_1x:.0f} MB at 1x ({documents} documents), "
              f"{peak_4x:.0f} MB at 4x ({documents * 4}) = {peak_4x / peak_1x:.2f}x "
              "(aim: flat)")


if __name__ == "__main__":
    main()
