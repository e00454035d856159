"""Engine and session set-up, SQLite pragmas, Alembic migrations on open.

Nothing outside this module knows which database it talks to: a project is
named by a path (a SQLite file) or by any SQLAlchemy URL.
"""

from __future__ import annotations

import os
import random
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from storage.errors import ProjectError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_MAGIC = b"SQLite format 3\x00"

T = TypeVar("T")


def to_url(project: str | Path) -> URL:
    """Turns a project path or SQLAlchemy URL into a URL.

    Raises:
        ProjectError: when the text is neither.
    """
    text_form = str(project)
    if "://" in text_form:
        try:
            return make_url(text_form)
        except (ArgumentError, ValueError) as exc:
            raise ProjectError(f"{text_form}: not a valid database URL ({exc})") from exc
    return URL.create("sqlite+pysqlite", database=str(Path(text_form).expanduser().absolute()))


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def without_password(location: str) -> str:
    """A project location fit to remember or show: a URL loses its password, a path is kept."""
    if "://" not in location:
        return location
    return make_url(location)._replace(password=None).render_as_string(hide_password=False)


def describe(url: URL) -> str:
    """The project's name for messages: the file path, or the URL without password."""
    if is_sqlite(url):
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy's begin event issue BEGIN itself (pysqlite's own
    # transaction handling defers it and breaks SAVEPOINT and locking).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit is on disk before the user is told it is saved, even
    # across a power cut (NORMAL would survive a killed process only).
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    mode = "IMMEDIATE" if connection.get_execution_options().get("saywho_write") else "DEFERRED"
    connection.exec_driver_sql(f"BEGIN {mode}")


def check_sqlite_file(path: Path, must_exist: bool) -> None:
    """Refuses paths that cannot be a project before SQLite touches them.

    Raises:
        ProjectError: naming the path and what is wrong with it.
    """
    if path.is_dir():
        raise ProjectError(f"{path}: is a directory, not a Saywho project file")
    if not path.exists():
        if must_exist:
            raise ProjectError(f"{path}: no such project file")
        if not path.parent.is_dir():
            raise ProjectError(f"{path.parent}: no such directory")
        return
    if not must_exist:
        raise ProjectError(f"{path}: already exists; open it instead of creating it")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read ({exc.strerror})") from exc
    if head != SQLITE_MAGIC:
        raise ProjectError(f"{path}: not a Saywho project (not an SQLite database)")
    mode = path.stat().st_mode
    writable_bits = mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    if not writable_bits or not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise ProjectError(
            f"{path}: the project file or its folder is read-only; Saywho needs to write "
            "to it (copy it somewhere writable)"
        )


def make_engine(url: URL) -> Engine:
    """Creates the engine, with pragmas on every SQLite connection.

    Raises:
        ProjectError: when the database driver is not installed.
    """
    try:
        if is_sqlite(url):
            engine = create_engine(url, connect_args={"check_same_thread": False})
            event.listen(engine, "connect", _on_sqlite_connect)
            event.listen(engine, "begin", _on_sqlite_begin)
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except (NoSuchModuleError, ModuleNotFoundError, ImportError) as exc:
        backend = url.get_backend_name()
        extra = "postgres" if backend == "postgresql" else backend
        raise ProjectError(
            f"{describe(url)}: the database driver for {backend} is not installed "
            f"(pip install 'saywho[{extra}]')"
        ) from exc
    return engine


def is_locked_error(exc: BaseException) -> bool:
    """True for transient lock/serialisation failures worth retrying."""
    message = str(exc).lower()
    return any(
        needle in message
        for needle in ("database is locked", "database is busy", "could not serialize",
                       "deadlock detected")
    )


def with_retry(work: Callable[[], T], attempts: int = 8, first_delay: float = 0.05) -> T:
    """Runs ``work`` again, with backoff, when the database was busy.

    Raises:
        ProjectError: when the database stays busy after every attempt.
    """
    delay = first_delay
    for attempt in range(attempts):
        try:
            return work()
        except OperationalError as exc:
            if not is_locked_error(exc) or attempt == attempts - 1:
                if is_locked_error(exc):
                    raise ProjectError(
                        "the project is busy: another Saywho is writing to it; "
                        "try again in a moment"
                    ) from exc
                raise
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 2.0)
    raise AssertionError("unreachable")


class Database:
    """An engine plus the two session factories: reads and writes.

    Write sessions begin with ``BEGIN IMMEDIATE`` on SQLite, so two writers
    queue on the busy timeout instead of failing when a read lock is upgraded.
    """

    def __init__(self, url: URL) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.write_sessions = sessionmaker(
            self.engine.execution_options(saywho_write=True), expire_on_commit=False
        )

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.read_sessions() as session, session.begin():
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        with self.write_sessions() as session, session.begin():
            yield session

    def table_names(self) -> list[str]:
        try:
            return inspect(self.engine).get_table_names()
        except DatabaseError as exc:
            raise ProjectError(f"{describe(self.url)}: cannot read the database: "
                               f"{exc.orig}") from exc

    def close(self) -> None:
        self.engine.dispose()


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    config = alembic_config(None)  # type: ignore[arg-type]
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(None))  # type: ignore[arg-type]
    return {rev.revision for rev in script.walk_revisions()}


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        if "alembic_version" not in inspect(connection).get_table_names():
            return None
        row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
        return row[0] if row else None


def upgrade(database: Database) -> None:
    from alembic import command

    command.upgrade(alembic_config(database.engine), "head")


def stamp_head(database: Database) -> None:
    from alembic import command

    command.stamp(alembic_config(database.engine), "head")


def read_meta(session: Session, key: str) -> str | None:
    from storage.models import ProjectMeta

    return session.scalar(select(ProjectMeta.value).where(ProjectMeta.key == key))
