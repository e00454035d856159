"""Export speed and memory: Saywho's exporters against a floor, measured in one run.

Builds a project of 10,000 documents with 200,000 spans and 50,000 relations
(times ``--scale``), then prints:

* the JSONL export time against a floor: a bare ``sqlite3`` SELECT of the same
  documents, spans and relations plus ``json.dumps`` of one line per document
  (no views, no validation, no fixed key order); aim: at most 1.5x;
* the conll, xmi and spacy export times against the JSONL time (a format whose
  module or optional package is missing is reported as not available);
* the peak memory of the jsonl, conll and spacy exports (``VmHWM`` of a
  fresh subprocess that only opens the project and exports it, and how much of
  it the export added) on two corpora, one 4 times the other: jsonl at 1x and
  4x, the slower conll and spacy at 1/4x and 1x; aim: flat, since documents are
  streamed (spacy in shards of 1,000 documents).

``--keep DIR`` builds the projects and writes the exports in DIR (new or empty)
and leaves them there; without it everything goes to a temporary folder that is
removed at the end. ``--no-memory`` skips the memory runs (and the 1/4x and 4x
corpora).

Usage: python bench/export_bench.py [--scale 1.0] [--seed 1] [--keep DIR] [--no-memory]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from export.run import export_project  # noqa: E402
from formats.spacy_format import SHARD_SIZE  # noqa: E402
from storage.project import Project  # noqa: E402
from storage.records import AnnotationSetRecord, DocumentRecord, RelationRecord, SpanRecord  # noqa: E402

DOCUMENTS = 10_000
GROUPS_PER_DOCUMENT = 5  # each: Quote, Actor, Cue, Condition (4 spans) + 1 speaker relation
BATCH = 500
NAMES = ["Aldric Varnay", "Zoë Haddad-Keller", "the ministry", "a spokesman", "李明",
         "Minister Oren Salk", "the council", "سامر نادر"]
TIMED_FORMATS = (("conll", ("formats.conll",)), ("xmi", ("formats.xmi",)),
                 ("spacy", ("formats.spacy_format", "spacy")))
"""Formats timed against jsonl, with the modules each needs."""
MEMORY_FORMATS = (("jsonl", ("formats.jsonl",), "1x"), ("conll", ("formats.conll",), "1/4x"),
                  ("spacy", ("formats.spacy_format", "spacy"), "1/4x"))
"""Formats whose peak memory is measured, with the modules each needs and the smaller of the
two corpora it is measured on (the larger has 4 times its documents): jsonl at 1x and 4x,
the slower conll and spacy at 1/4x and 1x, which keeps the bench within minutes."""
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


def available(modules: tuple[str, ...]) -> bool:
    """True when every module (a format's own and its optional package) can be imported."""
    return all(importlib.util.find_spec(module) is not None for module in modules)


PEAK_RSS_CODE = """
def peak_rss_kib():
    # VmHWM: the peak resident set of this process since its exec. ru_maxrss is not used on
    # Linux: across fork + exec it keeps the parent's peak (the bench's, with its corpora).
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:  # no /proc: the peak the kernel reports
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""


def peak_memory_mb(path: Path, format_name: str, out: Path) -> tuple[float, float]:
    """The peak resident memory of a fresh interpreter that opens the project and exports it,
    and how much of it the export added (over the peak before the export began), in MB."""
    code = (
        "import resource, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        f"{PEAK_RSS_CODE}\n"
        "from export.run import export_project\n"
        "from storage.project import Project\n"
        f"with Project.open({str(path)!r}) as p:\n"
        "    before = peak_rss_kib()\n"
        f"    export_project(p, {format_name!r}, {str(out)!r})\n"
        "print(before, peak_rss_kib())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    before, peak = (int(value) for value in result.stdout.split())
    return peak / 1024, (peak - before) / 1024


@contextlib.contextmanager
def work_folder(keep: Path | None) -> Iterator[Path]:
    """``keep`` (created; it must be new or empty), or a temporary folder removed at the end."""
    if keep is None:
        with tempfile.TemporaryDirectory(prefix="saywho-export-bench-") as tmp:
            yield Path(tmp)
        return
    if keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
        raise SystemExit(f"--keep {keep}: choose a new or empty folder")
    keep.mkdir(parents=True, exist_ok=True)
    yield keep
    print(f"projects and exports kept in {keep}")


def measure_memory(corpora: dict[str, tuple[Path, int]], folder: Path) -> None:
    """Prints the peak memory of each format's export on two corpora, one 4 times the other
    (see MEMORY_FORMATS).

    Args:
        corpora: scale name ("1/4x", "1x", "4x") -> (project, documents).
        folder: where the exports go.
    """
    scales = list(corpora)
    for name, modules, small in MEMORY_FORMATS:
        if not available(modules):
            print(f"peak memory of a {name} export: not available")
            continue
        large = scales[scales.index(small) + 1]
        started = time.perf_counter()
        try:
            measured = [(scale, corpora[scale][1], *peak_memory_mb(
                corpora[scale][0], name, folder / f"mem-{scale.replace('/', '_')}-{name}"))
                for scale in (small, large)]
        except subprocess.CalledProcessError as exc:
            last = (exc.stderr or "").strip().splitlines()[-1:] or ["no output"]
            print(f"peak memory of a {name} export: failed ({last[0]})")
            continue
        parts = [f"{peak:.0f} MB at {scale} ({documents} documents; the export added "
                 f"{added:.0f} MB)" for scale, documents, peak, added in measured]
        print(f"peak memory of a {name} export: {', '.join(parts)} = "
              f"{measured[1][2] / measured[0][2]:.2f}x (aim: flat) "
              f"[{time.perf_counter() - started:.0f} s]")
        if name == "spacy" and measured[0][1] < SHARD_SIZE:
            print(f"  (the {small} corpus is smaller than one spacy shard of {SHARD_SIZE} "
                  "documents, so memory still grows between these two; use --scale 0.4 or more)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="corpus size as a fraction of 10,000 documents")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="build and export in DIR (new or empty) and keep it all")
    parser.add_argument("--no-memory", action="store_true", help="skip the 1x/4x memory run")
    args = parser.parse_args()
    documents = max(10, int(DOCUMENTS * args.scale))
    started = time.perf_counter()
    with work_folder(args.keep) as folder:
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
        for name, modules in TIMED_FORMATS:
            if not available(modules):
                print(f"{name} export: not available")
                continue
            try:
                took = timed_export(project, name, folder / name)
            except Exception as exc:  # a format still being written must not stop the bench
                print(f"{name} export: failed ({type(exc).__name__}: {exc})")
                continue
            print(f"{name} export: {took:.2f} s = {took / jsonl_seconds:.2f}x the jsonl export")
        if not args.no_memory:
            corpora = {"1x": (project, documents)}
            for scale, count in (("1/4x", max(10, documents // 4)), ("4x", documents * 4)):
                path = folder / f"bench-{scale.replace('/', '_')}.saywho"
                seconds = build(path, count, args.seed)
                print(f"{scale} corpus: {count} documents (built in {seconds:.1f} s)")
                corpora[scale] = (path, count)
            measure_memory({scale: corpora[scale] for scale in ("1/4x", "1x", "4x")}, folder)
    print(f"bench took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
