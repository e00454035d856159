"""Shared fixtures. Qt runs offscreen; GUI tests are marked ``gui`` automatically.

Backends: ``backend_url`` (and ``any_project``, ``any_small_project`` built on it)
runs a test twice, on a SQLite file in ``tmp_path`` and on a fresh PostgreSQL
database created for the test on the server named by ``SAYWHO_TEST_PG_URL``
(default ``postgresql+psycopg://saywho:saywho@localhost:5432/postgres``, the
maintenance database used to create and drop the per-test databases). When no
server answers the PostgreSQL runs are skipped, except under ``CI=true`` where
that is a failure.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from export_support import INPUT, JSONL_INPUT
from helpers import (
    HostileSet,
    HttpTrap,
    SmallDisk,
    create_pg_database,
    drop_pg_database,
    require_pg,
    small_record,
)

from ingest import import_paths
from storage.project import Project
from storage.schema import load_schema


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "qtbot" in fixtures or "qapp" in fixtures:
            item.add_marker(pytest.mark.gui)


# --------------------------------------------------------------------- SQLite


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    """A path for a new SQLite project file in this test's folder."""
    return tmp_path / "test.saywho"


@pytest.fixture
def project(project_path: Path) -> Iterator[Project]:
    """A new, empty project on a real SQLite file with the default schema."""
    with Project.create(project_path) as created:
        yield created


# ----------------------------------------------------------------- PostgreSQL


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped after the test."""
    require_pg()
    url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


# ---------------------------------------------------------- either backend

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The backend name of the current run: "sqlite" or "postgresql"."""
    return str(request.param)


@pytest.fixture
def backend_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """Where a new project goes: a SQLite file path, or a fresh PostgreSQL database URL."""
    if backend == "sqlite":
        yield str(tmp_path / "test.saywho")
        return
    require_pg()
    url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


@pytest.fixture
def any_project(backend_url: str) -> Iterator[Project]:
    """A new, empty project with the default schema, on SQLite and on PostgreSQL."""
    with Project.create(backend_url) as created:
        yield created


@pytest.fixture
def any_small_project(any_project: Project) -> Project:
    """:func:`small_project` on either backend."""
    any_project.import_records([small_record()], "small.jsonl")
    return any_project


# ---------------------------------------------------------------- sample data

@pytest.fixture
def small_project(project: Project) -> Project:
    """A project holding :func:`small_record` annotated by 'alice'."""
    project.import_records([small_record()], "small.jsonl")
    return project


# ------------------------------------------------------------- hostile input


@pytest.fixture
def http_trap() -> Iterator[HttpTrap]:
    """A server on 127.0.0.1 that hostile files point at; its log must stay empty."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            body = b'<!ENTITY leak "FETCHED-OVER-HTTP">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HttpTrap(f"http://127.0.0.1:{server.server_address[1]}", requests)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Fails the test if Python code in this process opens a network connection."""
    import socket

    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError(f"network access attempted during a test: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    yield attempts
    assert attempts == [], f"network connections attempted: {attempts}"


@pytest.fixture
def hostile(tmp_path: Path, http_trap: HttpTrap) -> Iterator[HostileSet]:
    """Hostile import and schema files generated into tmp_path, and the secret they aim at."""
    from data.hostile import import_inputs, make_secret, schema_inputs

    secret, marker = make_secret(tmp_path)
    yield HostileSet(
        imports=import_inputs(tmp_path / "inputs", secret, http_trap.base),
        schemas=schema_inputs(tmp_path / "schemas", secret, http_trap.base),
        secret=secret, marker=marker, trap=http_trap)
    assert http_trap.requests == [], f"hostile input reached the network: {http_trap.requests}"


# ---------------------------------------------------------------- a full disk

SMALL_DISK_BYTES = 8 * 1024 * 1024


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """An 8 MB tmpfs mounted in the test's folder (root on Linux only; skipped elsewhere),
    unmounted after the test."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root on Linux")
    root = tmp_path / "disk"
    root.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SMALL_DISK_BYTES}", "tmpfs",
                              str(root)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield SmallDisk(root)
    finally:
        subprocess.run(["umount", "-l", str(root)], check=True)


# ------------------------------------------------ corpora of the format and export tests
@pytest.fixture
def corpus(any_project: Project) -> Project:
    """The golden input (golden/input) imported into the test's new project, on SQLite
    and on PostgreSQL.

    Imported by a relative path, so that the source paths the exports carry (TEI's
    ``<note type="source">``) are the same in every checkout.
    """
    with contextlib.chdir(INPUT.parent):
        report = import_paths(any_project, [Path(INPUT.name)])
    assert report.ok, report.errors
    return any_project


@pytest.fixture
def jsonl_corpus(tmp_path: Path) -> Iterator[Project]:
    """The golden JSONL corpus (golden/jsonl, with its schema) imported into a new project."""
    project = Project.create(tmp_path / "corpus.saywho", load_schema(JSONL_INPUT / "schema.xml"))
    report = import_paths(project, [JSONL_INPUT])
    assert report.ok, report.errors
    yield project
    project.close()
