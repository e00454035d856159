"""Fixtures of the agreement tests; the builders live in corpus_builders.py."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).resolve().parent))

from corpus_builders import (
    alice_doc1,
    alice_doc2,
    bob_doc1,
    bob_doc2,
    brand_sets,
    build,
    three_annotator_sets,
)

from storage.project import Project


@pytest.fixture
def two_annotators(tmp_path: Path) -> Iterator[Project]:
    """alice and bob: doc1 and doc2 done by both."""
    with build(tmp_path / "two.saywho", {"venn-warns": [alice_doc1(), bob_doc1()],
                                        "tarnis-aid": [alice_doc2(), bob_doc2()]}) as project:
        yield project


@pytest.fixture
def three_annotators(tmp_path: Path) -> Iterator[Project]:
    """alice, bob, carol: see the module docstring."""
    with build(tmp_path / "three.saywho", three_annotator_sets()) as project:
        yield project


@pytest.fixture
def brand_project(tmp_path: Path) -> Iterator[Project]:
    """alice, bob, carol on brand-bridge and rain-stops; alice and bob on mayor-ferry."""
    with build(tmp_path / "brand.saywho", brand_sets()) as project:
        yield project
