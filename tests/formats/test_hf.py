"""Hugging Face export: loaded by ``datasets`` offline with the written features."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import export_support as support
import pytest

from formats.base import Manifest
from formats.hf import HfFormat
from storage.project import Project
from storage.records import SpanRecord

os.environ["HF_DATASETS_OFFLINE"] = "1"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory,
             ) -> Iterator[tuple[Path, Project, Manifest]]:
    with support.exported_input(tmp_path_factory.mktemp("hf"), HfFormat()) as result:
        yield result


@pytest.fixture(scope="module")
def loaded(exported: tuple[Path, Project, Manifest],
           tmp_path_factory: pytest.TempPathFactory) -> Any:
    import datasets

    out = exported[0]
    features = datasets.Features.from_dict(
        support.read_json(out / "features.json"))
    return datasets.load_dataset(
        "json", data_files={"alice": str(out / "alice" / "corpus.jsonl"),
                            "bob": str(out / "bob" / "corpus.jsonl")},
        features=features, cache_dir=str(tmp_path_factory.mktemp("hf-cache")))


def test_datasets_loads_rows_with_class_labels(loaded: Any,
                                               exported: tuple[Path, Project, Manifest]) -> None:
    out, project, _ = exported
    labels = support.read_json(out / "labels.json")
    assert labels["quote_tags"] == ["O", "B-Quote", "I-Quote"]
    alice = loaded["alice"]
    assert alice.features["actor_tags"].feature.names == ["O", "B-Actor", "I-Actor"]
    texts = {d.external_id: project.document(d.id).text for d in project.documents()}
    for row in alice:
        text = texts[row["document"]]
        assert [text[a:b] for a, b in zip(row["starts"], row["ends"], strict=True)] == \
            row["tokens"]
        assert len(row["quote_tags"]) == len(row["tokens"])


def chunks(row: dict[str, Any], group: str, names: list[str]) -> list[tuple[int, int]]:
    """The texts of the B-/I- runs of one tag group, from the row's own offsets."""
    result: list[tuple[int, int]] = []
    for index, tag in enumerate(row[group]):
        name = names[tag]
        if name.startswith("B-"):
            result.append((row["starts"][index], row["ends"][index]))
        elif name.startswith("I-"):
            assert result, f"{group}: I- without B- in {row['id']}"
            result[-1] = (result[-1][0], row["ends"][index])
    return result


def test_nested_spans_keep_both_groups(loaded: Any,
                                       exported: tuple[Path, Project, Manifest]) -> None:
    _, project, manifest = exported
    text = project.document_by_external_id("world-voices").text
    rows = [r for r in loaded["alice"] if r["document"] == "world-voices"]
    names = loaded["alice"].features
    actors = {text[a:b] for r in rows
              for a, b in chunks(r, "actor_tags", names["actor_tags"].feature.names)}
    conditions = {text[a:b] for r in rows
                  for a, b in chunks(r, "condition_tags", names["condition_tags"].feature.names)}
    assert {"Doreth", "Gen. Ordo", "外交部长李明"} <= actors
    assert "Unless Doreth withdraws" in conditions
    assert {i["span"] for i in manifest.inexact} == {"A5"}
    bob = list(loaded["bob"])
    assert sum(1 for r in bob for t in r["quote_tags"] if t == 1) == 1


def test_golden_files(exported: tuple[Path, Project, Manifest]) -> None:
    assert support.compare_with_golden(exported[0], "hf")


def test_through_export_project_with_splits(exported: tuple[Path, Project, Manifest],
                                            tmp_path: Path) -> None:
    import datasets

    out = tmp_path / "out"
    _, written = support.export_in_halves(exported[1], "hf", out)
    data_files = {name.removesuffix(".jsonl").replace("/", "_"): str(out / name)
                  for name in written["files"] if name.endswith(".jsonl")}
    assert all(key.split("_")[1] in ("train", "test") for key in data_files)
    features = datasets.Features.from_dict(
        support.read_json(out / "features.json"))
    loaded = datasets.load_dataset("json", data_files=data_files, features=features,
                                   cache_dir=str(tmp_path / "cache"))
    documents = {row["document"] for split in loaded.values() for row in split}
    assert documents == {"varnay-warns", "world-voices"}


SAMPLES = ["😀", "👍🏽", "👨\u200d👩\u200d👧", "e\u0301", "中文", "مرحبا", "שלום", "\r\n", "\n\n",
           " ", "a", "Varnay", ".", "!", "“", "”", "Mr.", " The", "-"]
LABELS = ["Quote", "Actor", "Cue"]


def token_runs(indices: set[int], sentence_of: list[int]) -> list[tuple[int, int]]:
    """Maximal runs (first, stop) of consecutive token indices, cut where a sentence ends."""
    runs: list[tuple[int, int]] = []
    for index in sorted(indices):
        if runs and runs[-1][1] == index and sentence_of[index] == sentence_of[index - 1]:
            runs[-1] = (runs[-1][0], index + 1)
        else:
            runs.append((index, index + 1))
    return runs


def iob2_chunks(tags: list[list[str]], label: str) -> list[tuple[int, int]]:
    """The (first, stop) token indices of one label's chunks; asserts consistent IOB2."""
    chunks: list[tuple[int, int]] = []
    position = 0
    for sentence in tags:
        previous = "O"
        for tag in sentence:
            assert tag in ("O", f"B-{label}", f"I-{label}")
            if tag == f"B-{label}":
                chunks.append((position, position + 1))
            elif tag == f"I-{label}":
                assert previous != "O", "I- after O (or at a sentence start)"
                chunks[-1] = (chunks[-1][0], position + 1)
            previous = tag
            position += 1
    return chunks


def expected_reasons(span: SpanRecord, starts: list[int], ends: list[int],
                     sentence_of: list[int]) -> tuple[set[int], set[str]]:
    """The tokens a span covers (any overlap) and the inexact reasons it must be listed with
    (all but "overlaps a longer span", which depends on the other spans)."""
    covered: set[int] = set()
    reasons: set[str] = set()
    for start, end in span.fragments:
        tokens = {i for i in range(len(starts)) if ends[i] > start and starts[i] < end}
        if not tokens:
            if len(span.fragments) > 1:
                reasons.add("fragment covers no token")
            continue
        if starts[min(tokens)] != start or ends[max(tokens)] != end:
            reasons.add("boundary inside token")
        covered |= tokens
    if not covered:
        reasons.add("covers no token")
    elif len(token_runs(covered, sentence_of)) > len(token_runs(covered, [0] * len(starts))):
        reasons.add("crosses a sentence boundary")
    return covered, reasons


@support.random_labelled_documents(SAMPLES, LABELS, max_pieces=30, max_spans=6, max_cuts=6)
def test_random_documents(tmp_path_factory: pytest.TempPathFactory,
                          sample: tuple[str, support.Labelled]) -> None:
    import datasets

    text, labelled = sample
    spans = support.labelled_spans(labelled)
    out, manifest = support.export_record(tmp_path_factory.mktemp("hf-random"),
                                          support.one_document(text, spans), HfFormat())
    features = datasets.Features.from_dict(support.read_json(out / "features.json"))
    names = support.read_json(out / "labels.json")
    groups = {label: f"{label.lower()}_tags" for label in LABELS}
    rows = [json.loads(line) for line in
            (out / "alice" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    # datasets takes the rows as they are: every column typed, every class id in range
    assert list(datasets.Dataset.from_list(rows, features=features)) == rows
    tokens, starts, ends, sentence_of = [], [], [], []
    for number, row in enumerate(rows, start=1):
        assert (row["id"], row["document"], row["sentence"]) == (f"doc#{number}", "doc", number)
        assert row["tokens"] and all(len(row[g]) == len(row["tokens"]) for g in groups.values())
        tokens += row["tokens"]
        starts += row["starts"]
        ends += row["ends"]
        sentence_of += [number] * len(row["tokens"])
    # the tokens are the text's words, in order, each exactly where it stands in the text
    assert [text[a:b] for a, b in zip(starts, ends, strict=True)] == tokens
    assert all(a < b <= c for a, b, c in zip(starts, ends, starts[1:], strict=False))
    assert "".join(tokens) == "".join(text.split())

    notes: dict[str, list[dict[str, Any]]] = {}
    for note in manifest.inexact:
        notes.setdefault(note["span"], []).append(note)
    for label, group in groups.items():
        tags = [[names[group][tag] for tag in row[group]] for row in rows]
        found = iob2_chunks(tags, label)
        covered = {}
        expected: list[tuple[int, int]] = []
        for span in (s for s in spans if s.label == label):
            covered[span.id], reasons = expected_reasons(span, starts, ends, sentence_of)
            listed = {n["reason"] for n in notes.get(span.id, [])}
            assert listed - {"overlaps a longer span"} == reasons, span
            if "overlaps a longer span" not in listed and covered[span.id]:
                expected += token_runs(covered[span.id], sentence_of)
        assert sorted(found) == sorted(expected), label
        tagged = set(itertools.chain.from_iterable(range(a, b) for a, b in found))
        for span in (s for s in spans if s.label == label):
            for note in notes.get(span.id, []):
                if note["reason"] == "overlaps a longer span":
                    kept = covered[note["kept"]]  # a longer (or as long) span of its label
                    assert kept & covered[span.id] and len(kept) >= len(covered[span.id])
                    assert kept <= tagged
