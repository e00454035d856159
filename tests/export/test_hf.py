"""Hugging Face export: loaded by ``datasets`` offline with the written features."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from export.base import ExportContext, ExportOptions, Manifest
from export.hf import HfFormat
from storage.corpus import CorpusFilter, entity_map, iter_corpus
from storage.project import Project

os.environ["HF_DATASETS_OFFLINE"] = "1"
GOLDEN = Path(__file__).parent / "golden"


def export(project: Project, out: Path, options: ExportOptions | None = None) -> Manifest:
    options = options or ExportOptions()
    context = ExportContext(project, project.schema, out, options, Manifest(),
                            entity_map(project))
    fmt = HfFormat()
    fmt.start(context)
    for item in iter_corpus(project, CorpusFilter(options.annotators, options.status,
                                                  options.labels)):
        fmt.write_document(context, item, None)
    fmt.finish(context)
    return context.manifest


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory,
             ) -> Iterator[tuple[Path, Project, Manifest]]:
    folder = tmp_path_factory.mktemp("hf")
    project = Project.create(folder / "p.saywho")
    assert project.import_paths([GOLDEN / "input"]).ok
    manifest = export(project, folder / "out")
    yield folder / "out", project, manifest
    project.close()


@pytest.fixture(scope="module")
def loaded(exported: tuple[Path, Project, Manifest],
           tmp_path_factory: pytest.TempPathFactory) -> Any:
    import datasets

    out = exported[0]
    features = datasets.Features.from_dict(
        json.loads((out / "features.json").read_text(encoding="utf-8")))
    return datasets.load_dataset(
        "json", data_files={"alice": str(out / "alice" / "corpus.jsonl"),
                            "bob": str(out / "bob" / "corpus.jsonl")},
        features=features, cache_dir=str(tmp_path_factory.mktemp("hf-cache")))


def test_datasets_loads_rows_with_class_labels(loaded: Any,
                                               exported: tuple[Path, Project, Manifest]) -> None:
    out, project, _ = exported
    labels = json.loads((out / "labels.json").read_text(encoding="utf-8"))
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
    out = exported[0]
    golden = GOLDEN / "hf"
    if os.environ.get("SAYWHO_UPDATE_GOLDEN") == "1":
        shutil.rmtree(golden, ignore_errors=True)
        shutil.copytree(out, golden)
    produced = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert produced == sorted(p.relative_to(golden).as_posix() for p in golden.rglob("*")
                              if p.is_file())
    for name in produced:
        assert (out / name).read_bytes() == (golden / name).read_bytes(), name


def test_through_export_project_with_splits(exported: tuple[Path, Project, Manifest],
                                            tmp_path: Path) -> None:
    import datasets

    from export.run import export_project

    project = exported[1]
    out = tmp_path / "out"
    export_project(project, "hf", out, ExportOptions(split={"train": 0.5, "test": 0.5},
                                                     seed=3))
    written = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    data_files = {name.removesuffix(".jsonl").replace("/", "_"): str(out / name)
                  for name in written["files"] if name.endswith(".jsonl")}
    assert all(key.split("_")[1] in ("train", "test") for key in data_files)
    features = datasets.Features.from_dict(
        json.loads((out / "features.json").read_text(encoding="utf-8")))
    loaded = datasets.load_dataset("json", data_files=data_files, features=features,
                                   cache_dir=str(tmp_path / "cache"))
    documents = {row["document"] for split in loaded.values() for row in split}
    assert documents == {"varnay-warns", "world-voices"}
