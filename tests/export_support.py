"""Helpers shared by the format and export tests (tests/formats, tests/export).

Drive a format, compare golden files,
build one-document projects and random documents.

The fixtures built on these (``corpus``, ``jsonl_corpus``) live in tests/export/conftest.py.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from export.run import export_project
from formats.base import ExportContext, ExportOptions, Format, Manifest
from ingest import import_paths
from storage.corpus import CorpusFilter, entity_map, iter_corpus
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, SpanRecord, covered_text
from storage.views import DocumentView, SpanView

GOLDEN = Path(__file__).parent / "formats" / "golden"
INPUT = GOLDEN / "input"
"""The corpus every per-format golden export (tei, xmi, conll, hf, spacy) is made from."""
JSONL_INPUT = GOLDEN / "jsonl"
"""The native export of test_jsonl's corpus; the brat, CSV and pipeline tests import it."""

Fragments = list[tuple[int, int]]
Test = TypeVar("Test", bound=Callable[..., None])

random_settings = settings(
    max_examples=30, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
"""The hypothesis settings of every random-document export test."""


def updating_golden() -> bool:
    """True when ``SAYWHO_UPDATE_GOLDEN=1``: golden files are rewritten, not only compared."""
    return os.environ.get("SAYWHO_UPDATE_GOLDEN") == "1"


def export_format(project: Project, out: Path, fmt: Format,
                  options: ExportOptions | None = None) -> Manifest:
    """Drives one format through start / write_document / finish, as export_project does,
    without its checks and manifest.json; returns the manifest in memory."""
    options = options or ExportOptions()
    context = ExportContext(project, project.schema, out, options, Manifest(),
                            entity_map(project))
    fmt.start(context)
    for item in iter_corpus(project, CorpusFilter(options.annotators, options.status,
                                                  options.labels)):
        fmt.write_document(context, item, None)
    fmt.finish(context)
    return context.manifest


def export_in_halves(project: Project, format_name: str,
                     out: Path) -> tuple[Manifest, dict[str, Any]]:
    """export_project with a train/test split (seed 3); the manifest and manifest.json."""
    manifest = export_project(project, format_name, out,
                              ExportOptions(split={"train": 0.5, "test": 0.5}, seed=3))
    return manifest, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


@contextmanager
def exported_input(folder: Path, fmt: Format) -> Iterator[tuple[Path, Project, Manifest]]:
    """A project in ``folder`` holding the golden input, exported to ``folder/out``."""
    project = Project.create(folder / "p.saywho")
    try:
        assert import_paths(project, [INPUT]).ok
        manifest = export_format(project, folder / "out", fmt)
        yield folder / "out", project, manifest
    finally:
        project.close()


def stored_layers(project: Project) -> Iterator[tuple[DocumentView, str, list[SpanView]]]:
    """Each (document, annotator, that annotator's spans) the project holds, for read-backs."""
    for info in project.documents():
        document = project.document(info.id)
        for annotator in project.statuses(info.id):
            yield document, annotator, project.spans(info.id, annotator)


def exported_layers(project: Project, out: Path,
                    fmt: Format) -> Iterator[tuple[DocumentView, str, list[SpanView]]]:
    """Exports the project with ``fmt`` to ``out``, asserts every span was written exactly,
    then yields each stored layer (see stored_layers) for the caller to find in the files."""
    assert export_format(project, out, fmt).inexact == []
    yield from stored_layers(project)


def covered_spans(document: DocumentView, spans: Iterable[SpanView]) -> dict[str, tuple[str, str]]:
    """Span id (the exported one) -> (label, covered text with fragments joined)."""
    return {s.external_id: (s.label, covered_text(document.text, s.fragments)) for s in spans}


def files_under(folder: Path, skip: Collection[str] = ()) -> list[str]:
    """The relative POSIX paths of the files below ``folder`` (names in ``skip`` left out)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and p.name not in skip)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def compare_with_golden(out: Path, golden: Path | str, names: Iterable[str] | None = None, *,
                        skip: Collection[str] = (),
                        load: Callable[[Path], object] = Path.read_bytes) -> list[str]:
    """Asserts the produced files equal their golden copies; returns their names.

    Without ``names``: every file below ``out`` (but those named in ``skip``), and the golden
    folder must hold exactly these. With ``names``: only those files are compared. Files are
    equal when ``load`` (by default: the bytes) gives equal values. ``SAYWHO_UPDATE_GOLDEN=1``
    first rewrites the golden copies (the whole golden folder without ``names``). A string
    ``golden`` names a folder of tests/export/golden.
    """
    golden = GOLDEN / golden if isinstance(golden, str) else golden
    produced = files_under(out, skip) if names is None else list(names)
    if updating_golden():
        if names is None:
            shutil.rmtree(golden, ignore_errors=True)
        for name in produced:
            (golden / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out / name, golden / name)
    if names is None:
        assert produced == files_under(golden)
    for name in produced:
        assert load(out / name) == load(golden / name), name
    return produced


@st.composite
def texts_with_spans(draw: st.DrawFn, pieces: Sequence[str], *, min_pieces: int = 2,
                     max_pieces: int = 25, prefix: str = "", max_spans: int = 5,
                     max_cuts: int = 4, apart: bool = False) -> tuple[str, list[Fragments]]:
    """A text joined from ``pieces`` and 1 to ``max_spans`` spans, as lists of fragments.

    Fragments may overlap other spans; ``apart`` keeps a span's own fragments from
    touching (JSON Lines import refuses touching fragments).
    """
    text = prefix + "".join(draw(st.lists(st.sampled_from(pieces), min_size=min_pieces,
                                          max_size=max_pieces)))
    spans = []
    for _ in range(draw(st.integers(1, max_spans))):
        cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), min_size=2,
                                        max_size=max_cuts))))
        fragments = list(itertools.pairwise(cuts))[::2]
        if apart:
            fragments = [f for i, f in enumerate(fragments)
                         if i == 0 or f[0] > fragments[i - 1][1]]
        if fragments:
            spans.append(fragments)
    return text, spans


def random_documents(pieces: Sequence[str], **options: Any) -> Callable[[Test], Test]:
    """Runs a test on ``random_settings`` with samples of ``texts_with_spans(pieces,
    **options)`` whose text is not blank."""
    strategy = texts_with_spans(pieces, **options).filter(lambda sample: sample[0].strip())

    def decorate(test: Test) -> Test:
        return random_settings(given(strategy)(test))

    return decorate


def quotes(fragment_lists: Iterable[Fragments], id_prefix: str = "T",
           attributes: dict[str, Any] | None = None) -> list[SpanRecord]:
    """One Quote span record per fragment list, ids ``T0``, ``T1``..."""
    return [SpanRecord(f"{id_prefix}{i}", "Quote", fragments, dict(attributes or {}))
            for i, fragments in enumerate(fragment_lists)]


def one_document(text: str, spans: list[SpanRecord], external_id: str = "doc",
                 title: str = "t") -> DocumentRecord:
    """A document annotated by alice (done) with ``spans``."""
    return DocumentRecord(text, title, external_id, annotations=[
        AnnotationSetRecord("alice", "done", spans)])


def add_bell_document(project: Project) -> None:
    """Imports "bell": a text holding U+0007 (XML 1.0 cannot carry it) and one Actor, T1."""
    text = "Bell \x07 rings. Varnay spoke."
    start = text.index("Varnay")
    project.import_records([one_document(text, [
        SpanRecord("T1", "Actor", [(start, start + 6)], {"kind": "person"})], "bell", "bell")],
                           "t")


@contextmanager
def project_with(folder: Path, record: DocumentRecord, source: str = "t") -> Iterator[Project]:
    """A new project in ``folder`` holding ``record``."""
    with Project.create(folder / "p.saywho") as project:
        project.import_records([record], source)
        yield project


def export_quotes(folder: Path, sample: tuple[str, list[Fragments]],
                  fmt: Format) -> tuple[Path, list[SpanRecord], Manifest]:
    """Exports one document "doc" of alice's direct Quotes (``T0``, ``T1``...) over the
    sample's fragments to ``folder/out``; returns that folder, the spans and the manifest."""
    text, fragment_lists = sample
    spans = quotes(fragment_lists, attributes={"form": "direct"})
    with project_with(folder, one_document(text, spans)) as project:
        return folder / "out", spans, export_format(project, folder / "out", fmt)


Labelled = list[tuple[str, Fragments]]
"""Spans of a random document as (label, fragments) pairs."""

REQUIRED_ATTRIBUTES: dict[str, dict[str, Any]] = {
    "Actor": {"kind": "person"}, "Quote": {"form": "direct"}, "Consequence": {"type": "threat"}}
"""Values for the attributes the default schema requires, per label."""


@st.composite
def texts_with_labelled_spans(draw: st.DrawFn, pieces: Sequence[str], labels: Sequence[str],
                              **options: Any) -> tuple[str, Labelled]:
    """Like texts_with_spans, with a label drawn from ``labels`` for each span."""
    text, fragment_lists = draw(texts_with_spans(pieces, **options))
    chosen = draw(st.lists(st.sampled_from(labels), min_size=len(fragment_lists),
                           max_size=len(fragment_lists)))
    return text, list(zip(chosen, fragment_lists, strict=True))


def random_labelled_documents(pieces: Sequence[str], labels: Sequence[str],
                              **options: Any) -> Callable[[Test], Test]:
    """Runs a test on ``random_settings`` with samples of ``texts_with_labelled_spans(pieces,
    labels, **options)`` whose text is not blank."""
    strategy = texts_with_labelled_spans(pieces, labels, **options).filter(
        lambda sample: sample[0].strip())

    def decorate(test: Test) -> Test:
        return cast(Test, random_settings(given(strategy)(test)))

    return decorate


def labelled_spans(spans: Iterable[tuple[str, Fragments]]) -> list[SpanRecord]:
    """One span record per (label, fragments), ids ``T0``, ``T1``..., with the attributes the
    default schema requires (see REQUIRED_ATTRIBUTES)."""
    return [SpanRecord(f"T{i}", label, fragments, dict(REQUIRED_ATTRIBUTES.get(label, {})))
            for i, (label, fragments) in enumerate(spans)]


def export_record(folder: Path, record: DocumentRecord, fmt: Format,
                  options: ExportOptions | None = None) -> tuple[Path, Manifest]:
    """Exports a new project holding only ``record`` to ``folder/out`` with ``fmt``; returns
    that folder and the manifest."""
    with project_with(folder, record) as project:
        return folder / "out", export_format(project, folder / "out", fmt, options)
