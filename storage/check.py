"""Integrity check of a project: the database file, the texts, and every annotation.

``check_project`` reads everything (documents in batches, so memory stays flat)
and reports each problem as one line naming the object: ``document 'x' (id 3):
text does not match its stored SHA-256``. It never writes. What it checks:

* SQLite only: ``PRAGMA integrity_check`` (the file's pages and indexes) and
  ``PRAGMA foreign_key_check``; PostgreSQL enforces foreign keys itself, and
  dangling references are looked for on every backend.
* every document's text against its stored SHA-256;
* every span: fragments a list of ``[start, end]`` integer pairs inside the
  text, non-empty, sorted, non-overlapping; ``start``/``end`` equal to the
  first and last fragment bounds; label in the schema; attributes valid; an
  actor link only on labels that link to actors;
* every relation: type in the schema, endpoints in the relation's document and
  annotator, endpoint labels allowed, at most ``max-per-source`` per source,
  attributes valid;
* statuses and actor kinds among the allowed values.

The checks themselves are in :mod:`storage.consistency`; this module runs them
over a whole project and adds the SQLite file checks.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import DatabaseError

from storage.consistency import (
    BATCH,
    CheckReport,
    ProblemCollector,
    ProgressCallback,
    check_documents,
    check_references,
    check_statuses_and_entities,
)
from storage.models import Document
from storage.project import Project

__all__ = ["CheckReport", "check_project"]


def check_project(project: Project, progress: ProgressCallback | None = None) -> CheckReport:
    """Checks a project's database and annotations; never writes.

    Args:
        project: an open project; the ``check`` command opens it with
            ``Project.open(path, readonly=True)``, so nothing can write and an
            older project is not upgraded behind the user's back.
        progress: called with (documents done, documents total, what).

    Returns:
        The report; ``report.ok`` when nothing is wrong.
    """
    report = CheckReport(project.name)
    problems = ProblemCollector(report)
    if project.is_sqlite:
        _check_sqlite_file(project, problems)
    with project.db.reading() as session:
        check_references(session, problems)
        check_statuses_and_entities(session, project.schema, report, problems)
        document_ids = list(session.scalars(select(Document.id).order_by(Document.id)))
    report.counts = {"documents": len(document_ids), **report.counts}
    report.counts.setdefault("spans", 0)
    report.counts.setdefault("relations", 0)
    for offset in range(0, len(document_ids), BATCH):
        batch = document_ids[offset:offset + BATCH]
        with project.db.reading() as session:
            check_documents(session, project.schema, batch, report, problems)
        if progress is not None:
            progress(min(offset + BATCH, len(document_ids)), len(document_ids), "documents")
    return report


def _check_sqlite_file(project: Project, problems: ProblemCollector) -> None:
    with project.db.engine.connect() as connection:
        try:
            rows = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
        except DatabaseError as exc:
            problems.add("file", f"database file: integrity check failed to run: {exc.orig}")
            rows = []
        for row in rows:
            if row != "ok":
                problems.add("file", f"database file: {row}")
        try:
            fk_rows = list(connection.exec_driver_sql("PRAGMA foreign_key_check"))
        except DatabaseError as exc:
            problems.add("file", f"database file: foreign key check failed to run: {exc.orig}")
            fk_rows = []
        for table, rowid, parent, _index in fk_rows:
            problems.add("fk", f"{table} row {rowid}: refers to a missing {parent} row")
