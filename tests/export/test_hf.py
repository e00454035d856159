"""Hugging Face export: loaded by ``datasets`` offline with the written features."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import export_support as support
import pytest

from export.base import Manifest
from export.hf import HfFormat
from storage.project import Project

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


def chunks(row: dict[str, Any], group: str, names: list[str]) -> list[str]:
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
