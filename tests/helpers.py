"""Helpers the tests share: sample records, project dumps, the hostile-input set, PostgreSQL.

Import them from here (``from helpers import small_record``); ``conftest.py``
holds only fixtures and hooks.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from storage.db import read_only_uri
from storage.records import (
    AnnotationSetRecord,
    DocumentRecord,
    RelationRecord,
    SpanRecord,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"


def project_dump(project: str | Path) -> list[str]:
    """Every row of every table of a project, as sorted text, to compare before/after.

    SQLite files are dumped with ``iterdump`` (schema and rows, read only);
    other databases table by table through SQLAlchemy.
    """
    target = str(project)
    if "://" not in target:
        connection = sqlite3.connect(read_only_uri(Path(target)), uri=True)
        try:
            return sorted(connection.iterdump())
        finally:
            connection.close()
    from sqlalchemy import MetaData, create_engine, select

    engine = create_engine(target)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        lines = []
        with engine.connect() as connection:
            for name, table in sorted(metadata.tables.items()):
                for row in connection.execute(select(table)):
                    lines.append(f"{name}: {tuple(row)!r}")
        return sorted(lines)
    finally:
        engine.dispose()


SMALL_TEXT = (
    "Varnay warns Doreth\n\n"
    "“We will not yield,” President Aldric Varnay said, “not one metre.”\n\n"
    "If they cross the river, our answer will be swift, the ministry said."
)


def small_record() -> DocumentRecord:
    """A document with an annotator's spans: a discontinuous quote, speaker, condition."""
    text = SMALL_TEXT
    q1 = text.index("We will not yield,")
    q1_end = q1 + len("We will not yield,")
    q2 = text.index("not one metre.")
    q2_end = q2 + len("not one metre.")
    actor = text.index("President Aldric Varnay")
    actor_end = actor + len("President Aldric Varnay")
    cue = text.index("said")
    cond = text.index("If they cross the river")
    cond_end = cond + len("If they cross the river")
    cons = text.index("our answer will be swift")
    cons_end = cons + len("our answer will be swift")
    org = text.index("the ministry")
    org_end = org + len("the ministry")
    spans = [
        SpanRecord("T1", "Quote", [(q1, q1_end), (q2, q2_end)], {"form": "direct"}),
        SpanRecord("T2", "Actor", [(actor, actor_end)], {"kind": "person"}, entity=None),
        SpanRecord("T3", "Cue", [(cue, cue + 4)]),
        SpanRecord("T4", "Condition", [(cond, cond_end)]),
        SpanRecord("T5", "Consequence", [(cons, cons_end)], {"type": "threat"}),
        SpanRecord("T6", "Actor", [(org, org_end)], {"kind": "organisation"}),
    ]
    relations = [
        RelationRecord("R1", "speaker", "T1", "T2"),
        RelationRecord("R2", "cue", "T1", "T3"),
        RelationRecord("R3", "consequence", "T4", "T5"),
        RelationRecord("R4", "holder", "T4", "T6"),
    ]
    return DocumentRecord(
        text=text, title="Varnay warns Doreth", external_id="varnay-warns",
        meta={"date": "2026-03-03", "outlet": "Saywho Wire"},
        annotations=[AnnotationSetRecord("alice", "done", spans, relations)],
    )


@dataclass
class HttpTrap:
    """A local HTTP server that records every request (none must arrive)."""

    base: str
    requests: list[str]


@dataclass
class HostileSet:
    imports: dict[str, Any]
    schemas: dict[str, Any]
    secret: Path
    marker: str
    trap: HttpTrap


@dataclass
class SmallDisk:
    """A mounted tmpfs and a filler file that takes all but a little of it."""

    root: Path

    @property
    def filler(self) -> Path:
        return self.root / "filler.bin"

    def free_bytes(self) -> int:
        info = os.statvfs(self.root)
        return info.f_bavail * info.f_frsize

    def fill(self, leave: int = 0) -> None:
        """Takes all the free space but ``leave`` bytes (0: until writing fails)."""
        chunk = b"\0" * 65536
        with self.filler.open("ab") as handle:
            while True:
                room = self.free_bytes() - leave
                if room <= 0:
                    break
                try:
                    handle.write(chunk[:max(4096, min(len(chunk), room))])
                    handle.flush()
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)


# ----------------------------------------------------------------- PostgreSQL

DEFAULT_PG_URL = "postgresql+psycopg://saywho:saywho@localhost:5432/postgres"
PG_DATABASE_PREFIX = "saywho_test_"


def pg_server_url() -> str:
    """The maintenance-database URL of the PostgreSQL server tests may use."""
    return os.environ.get("SAYWHO_TEST_PG_URL", DEFAULT_PG_URL)


def _psycopg_conninfo(url: str, database: str | None = None) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


_pg_answer: str | None = None  # "" when the server answered, else why not


def pg_unavailable() -> str:
    """Why PostgreSQL tests cannot run here ("" when a server answers)."""
    global _pg_answer
    if _pg_answer is None:
        try:
            import psycopg
        except ImportError:
            _pg_answer = "psycopg is not installed (pip install 'saywho[postgres]')"
        else:
            try:
                with psycopg.connect(_psycopg_conninfo(pg_server_url()), connect_timeout=3):
                    _pg_answer = ""
            except psycopg.Error as exc:
                _pg_answer = f"no PostgreSQL server at {pg_server_url()}: {exc}".strip()
    return _pg_answer


def require_pg() -> None:
    """Skips the test when no PostgreSQL server answers; fails instead under CI=true."""
    reason = pg_unavailable()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is required under CI: {reason}")
        pytest.skip(reason)


def create_pg_database() -> str:
    """Creates a fresh, empty database; returns its SQLAlchemy URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"{PG_DATABASE_PREFIX}{uuid.uuid4().hex[:16]}"
    with psycopg.connect(_psycopg_conninfo(pg_server_url()), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return make_url(pg_server_url()).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    """Drops a database made by :func:`create_pg_database`, closing its connections."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    assert name and name.startswith(PG_DATABASE_PREFIX)
    with psycopg.connect(_psycopg_conninfo(pg_server_url()), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
