"""Engine and session set-up, SQLite pragmas, Alembic migrations on open.

Nothing outside this module knows which database it talks to: a project is
named by a path (a SQLite file) or by any SQLAlchemy URL.
"""

from __future__ import annotations

import errno
import os
import random
import re
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote_plus, unquote, unquote_plus

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DBAPIError,
    NoSuchModuleError,
    OperationalError,
)
from sqlalchemy.orm import Session, sessionmaker

import resources
from storage.errors import DiskFullError, ProjectError, disk_full_message

MIGRATIONS_DIR = resources.path("migrations", package="storage")
SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_HEADER_BYTES = 100
SQLITE_WAL_FORMAT = 2  # header bytes 18-19 (write/read format): 1 rollback journal, 2 WAL
SAYWHO_TABLES = ("alembic_version", "project_meta")
SUPPORTED_BACKENDS = ("SQLite (built in: give the project file's path) and PostgreSQL "
                      "(pip install 'saywho[postgres]', URL postgresql+psycopg://...)")

T = TypeVar("T")


MASK = "***"
#: query parameters that carry a password (libpq's ``password``, ``sslpassword``...)
SECRET_QUERY_KEYS = frozenset({"password", "passwd", "pwd", "pass", "sslpassword"})
#: a secret shorter than this is masked where it stands in a URL, not searched in free text
MIN_REDACTED_SECRET = 4
_USERINFO = re.compile(r"^(?P<scheme>[^:/?#]+://)(?P<userinfo>[^/?#]*)@")
_QUERY_SECRET = re.compile(r"(?P<key>[?&;](?:" + "|".join(sorted(SECRET_QUERY_KEYS)) +
                           r")=)(?P<value>[^&;#]*)", re.IGNORECASE)


def to_url(project: str | Path) -> URL:
    """Turns a project path or SQLAlchemy URL into a URL.

    Raises:
        ProjectError: when the text is neither (the message never shows a password).
    """
    text_form = str(project)
    if "://" in text_form:
        authority = re.split(r"[/?#]", text_form.split("://", 1)[1], maxsplit=1)[0]
        if authority.count("@") > 1:  # SQLAlchemy would take the password's end for the host
            raise ProjectError(f"{_mask_by_pattern(text_form)}: not a valid database URL "
                               "(more than one '@' before the host: write an '@' of the user "
                               "name or password as %40)")
        try:
            return make_url(text_form)
        except (ArgumentError, ValueError) as exc:
            raise ProjectError(redact(f"{mask_location(text_form)}: not a valid database URL "
                                      f"({exc})", text_form)) from exc
    return URL.create("sqlite+pysqlite", database=str(Path(text_form).expanduser().absolute()))


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _masked_query(url: URL, mask: str | None) -> URL:
    """``url`` with every password-carrying query parameter masked (or dropped: None)."""
    if not any(key.lower() in SECRET_QUERY_KEYS for key in url.query):
        return url
    query = {key: value for key, value in url.query.items()
             if key.lower() not in SECRET_QUERY_KEYS or mask is not None}
    query = {key: (mask if key.lower() in SECRET_QUERY_KEYS and mask is not None else value)
             for key, value in query.items()}
    return url.set(query=query)


def secrets_of(location: str) -> set[str]:
    """The passwords a project location (a URL, parsed or not) carries, as typed and decoded.

    Read with the patterns of a URL, not with SQLAlchemy's parser, so that a URL
    that does not parse still gives up its secrets to :func:`redact`.
    """
    found: set[str] = set()
    match = _USERINFO.match(location)
    if match is not None and ":" in match.group("userinfo"):
        userinfo = match.group("userinfo")
        found.add(userinfo.split(":", 1)[1])  # up to the last '@' (a password with '@')
        first = location[match.end("scheme"):].split("@", 1)[0]
        if ":" in first:
            found.add(first.split(":", 1)[1])  # up to the first '@' (as SQLAlchemy reads)
    found.update(m.group("value") for m in _QUERY_SECRET.finditer(location))
    found.update({unquote(secret) for secret in found} | {unquote_plus(s) for s in found})
    return {secret for secret in found if secret}


def redact(message: str, *locations: str) -> str:
    """``message`` with every password of ``locations`` replaced by ``***``."""
    for secret in sorted({s for loc in locations for s in secrets_of(loc)}, key=len,
                         reverse=True):
        if len(secret) >= MIN_REDACTED_SECRET:
            message = message.replace(secret, MASK)
    return message


def mask_location(location: str) -> str:
    """A project location fit to show: every password of a URL is ``***``; a path is kept.

    A URL that SQLAlchemy cannot parse is masked by pattern (the user information
    after its first ``:``, and password query parameters).
    """
    if "://" not in location:
        return location
    try:
        return describe(make_url(location))
    except (ArgumentError, ValueError):
        return _mask_by_pattern(location)


def _mask_by_pattern(location: str) -> str:
    """``location`` with the user information after its first ``:`` (up to the last ``@``
    before the host) and password query parameters shown as ``***``."""
    masked = _QUERY_SECRET.sub(lambda m: m.group("key") + MASK, location)
    match = _USERINFO.match(masked)
    if match is not None and ":" in match.group("userinfo"):
        user = match.group("userinfo").split(":", 1)[0]
        masked = f"{match.group('scheme')}{user}:{MASK}@{masked[match.end():]}"
    return masked


def without_password(location: str) -> str:
    """A project location fit to remember: a URL loses its passwords, a path is kept."""
    if "://" not in location:
        return location
    try:
        url = make_url(location)
    except (ArgumentError, ValueError):
        return mask_location(location)
    return _masked_query(url._replace(password=None), None).render_as_string(
        hide_password=False)


def describe(url: URL) -> str:
    """The project's name for messages, titles and reports: the file path, or the URL
    with its password (and password query parameters) shown as ``***``.

    Every message that names a database goes through here or :func:`mask_location`.
    """
    if is_sqlite(url):
        return url.database or ":memory:"
    shown = _masked_query(url, MASK).render_as_string(hide_password=True)
    return shown.replace(quote_plus(MASK), MASK)


def error_text(url: URL, exc: BaseException) -> str:
    """A driver's error message, with the URL's passwords masked should it quote them."""
    return redact(str(getattr(exc, "orig", None) or exc),
                  url.render_as_string(hide_password=False))


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


def _on_sqlite_read_only_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # No journal_mode or synchronous here: both would write to the file.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA query_only=ON")  # a second lock: the URI already says mode=ro
    cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    mode = "IMMEDIATE" if connection.get_execution_options().get("saywho_write") else "DEFERRED"
    connection.exec_driver_sql(f"BEGIN {mode}")


def wal_file(path: Path) -> Path:
    """The write-ahead log SQLite keeps beside a database in WAL mode."""
    return path.with_name(path.name + "-wal")


def _read_header(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(SQLITE_HEADER_BYTES)


def _has_log(path: Path) -> bool:
    """True when a non-empty ``-wal`` holds pages the main file does not have yet."""
    try:
        return wal_file(path).stat().st_size > 0
    except OSError:
        return False


def _read_only_uri(path: Path, immutable: bool) -> str:
    # as_uri percent-encodes what a URI would misread in a file name (?, #, %, spaces).
    uri = f"{path.absolute().as_uri()}?mode=ro"
    return uri + "&immutable=1" if immutable else uri


def read_only_uri(path: Path) -> str:
    """The ``mode=ro`` URI of a SQLite file, for ``sqlite3.connect(..., uri=True)``.

    Any file name works (``?``, ``#``, ``%`` and spaces are percent-encoded).
    """
    return _read_only_uri(Path(path), False)


def _is_read_only_refusal(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    return code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN)


def connect_read_only(path: Path, leave_no_trace: bool = False) -> sqlite3.Connection:
    """Opens a SQLite file through a connection that cannot write to it.

    ``mode=ro`` reads like any other reader, through another Saywho's ``-wal``
    if one is writing. A database in WAL mode that nobody has open has no
    ``-wal``: its file is complete, and SQLite would create an empty ``-wal``
    and ``-shm`` to read it (and leave them there). With ``leave_no_trace`` (a
    short look before a project is refused or opened), or when they cannot be
    created (a read-only folder), such a file is opened ``immutable`` instead:
    nothing is created, locked or written. (A ``-wal`` without its ``-shm``,
    left by a copy or a crash, still gets a ``-shm``: SQLite cannot read the log
    without one.)

    Raises:
        sqlite3.Error: the file cannot be read.
    """
    try:
        wal_mode = _read_header(path)[18:19] == bytes([SQLITE_WAL_FORMAT])
    except OSError:
        wal_mode = False  # sqlite3.connect below reports why the file cannot be read
    no_log = not wal_file(path).exists()
    immutable = wal_mode and no_log and leave_no_trace
    connection = sqlite3.connect(_read_only_uri(path, immutable), uri=True,
                                 check_same_thread=False)
    if immutable:
        return connection
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        connection.close()
        if not (wal_mode and no_log and _is_read_only_refusal(exc)):
            raise
        return sqlite3.connect(_read_only_uri(path, True), uri=True, check_same_thread=False)
    return connection


@dataclass(frozen=True)
class ProjectFacts:
    """What a database says about itself before Saywho trusts it.

    Attributes:
        tables: the names of its tables.
        revisions: every Alembic revision recorded (a Saywho project has exactly one).
        written_by: the Saywho version that created it (``project_meta``), if recorded.
    """

    tables: frozenset[str]
    revisions: tuple[str, ...]
    written_by: str | None

    @property
    def revision(self) -> str | None:
        """The one revision recorded; None when there is none or more than one."""
        return self.revisions[0] if len(self.revisions) == 1 else None

    @property
    def has_saywho_tables(self) -> bool:
        return all(name in self.tables for name in SAYWHO_TABLES)


def inspect_sqlite_file(path: Path) -> ProjectFacts:
    """Reads a SQLite file's tables and revision without ever opening it for writing.

    Meant for a file :func:`check_sqlite_file` let through: a project that is
    refused afterwards (not Saywho's, too new, damaged) is left byte for byte
    as it was, with no ``-wal`` or ``-shm`` beside it that was not there.

    Raises:
        ProjectError: the file is truncated or cannot be read as SQLite.
    """
    try:
        header = _read_header(path)
        size = path.stat().st_size
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read ({exc.strerror})") from exc
    if len(header) < SQLITE_HEADER_BYTES:
        raise ProjectError(f"{path}: not a readable Saywho project (truncated: the file "
                           f"has {size} bytes, less than an SQLite header)")
    expected = _size_in_header(header)
    if expected is not None and size < expected and not _has_log(path):
        raise ProjectError(f"{path}: not a readable Saywho project (truncated: the file "
                           f"has {size} bytes, its header says {expected})")
    try:
        connection = connect_read_only(path, leave_no_trace=True)
        try:
            tables = frozenset(row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"))
            revisions: tuple[str, ...] = ()
            written_by = None
            if "alembic_version" in tables:
                revisions = tuple(str(row[0]) for row in connection.execute(
                    "SELECT version_num FROM alembic_version ORDER BY version_num"))
            if "project_meta" in tables:
                row = connection.execute("SELECT value FROM project_meta "
                                         "WHERE key = 'saywho_version'").fetchone()
                written_by = row[0] if row else None
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise ProjectError(f"{path}: not a readable Saywho project ({exc})") from exc
    return ProjectFacts(tables, revisions, written_by)


def _size_in_header(header: bytes) -> int | None:
    """The database size the header records, when SQLite would trust it."""
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    change_counter = header[24:28]
    valid_for = header[92:96]
    if pages == 0 or change_counter != valid_for:
        return None
    return page_size * pages


def inspect_database(database: Database) -> ProjectFacts:
    """:class:`ProjectFacts` read through an engine (any backend).

    Raises:
        ProjectError: the database cannot be read.
    """
    tables = frozenset(database.table_names())
    revisions: tuple[str, ...] = ()
    written_by = None
    try:
        with database.engine.connect() as connection:
            if "alembic_version" in tables:
                revisions = tuple(str(row[0]) for row in connection.execute(
                    text("SELECT version_num FROM alembic_version ORDER BY version_num")))
            if "project_meta" in tables:
                row = connection.execute(text("SELECT value FROM project_meta "
                                              "WHERE key = 'saywho_version'")).first()
                written_by = row[0] if row else None
    except DatabaseError as exc:
        raise ProjectError(f"{describe(database.url)}: cannot read the database: "
                           f"{error_text(database.url, exc)}") from exc
    return ProjectFacts(tables, revisions, written_by)


def check_sqlite_file(path: Path, must_exist: bool) -> None:
    """Refuses paths that cannot be a project before SQLite touches them.

    Only reads: a directory, a missing file (or folder) and a file that does not
    start like an SQLite database are refused here; :func:`inspect_sqlite_file`
    looks inside, :func:`check_sqlite_writable` refuses what cannot be written.

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
        head = _read_header(path)[:len(SQLITE_MAGIC)]
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read ({exc.strerror})") from exc
    if head != SQLITE_MAGIC:
        raise ProjectError(f"{path}: not a Saywho project (not an SQLite database)")


def check_sqlite_writable(path: Path) -> None:
    """Refuses a project file that Saywho could read but not save to.

    Raises:
        ProjectError: the file or its folder is read-only.
    """
    mode = path.stat().st_mode
    writable_bits = mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    if not writable_bits or not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise ProjectError(
            f"{path}: the project file or its folder is read-only; Saywho needs to write "
            "to it to open it for editing (copy it somewhere writable; `check` reads it "
            "where it is)"
        )


def make_engine(url: URL, readonly: bool = False) -> Engine:
    """Creates the engine, with pragmas on every SQLite connection.

    Args:
        url: the database.
        readonly: every connection refuses writes: a SQLite file is opened
            ``mode=ro`` (see :func:`connect_read_only`) and never switched to WAL,
            a PostgreSQL transaction is ``READ ONLY``.

    Raises:
        ProjectError: when the database driver is not installed.
    """
    try:
        if is_sqlite(url) and readonly:
            path = Path(url.database or "")
            engine = create_engine(url, creator=lambda: connect_read_only(path))
            event.listen(engine, "connect", _on_sqlite_read_only_connect)
            event.listen(engine, "begin", _on_sqlite_begin)
        elif is_sqlite(url):
            engine = create_engine(url, connect_args={"check_same_thread": False})
            event.listen(engine, "connect", _on_sqlite_connect)
            event.listen(engine, "begin", _on_sqlite_begin)
        elif readonly and url.get_backend_name() == "postgresql":
            engine = create_engine(url, pool_pre_ping=True,
                                   execution_options={"postgresql_readonly": True})
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except (NoSuchModuleError, ModuleNotFoundError, ImportError) as exc:
        raise ProjectError(_missing_driver_message(url, exc)) from exc
    return engine


def _missing_driver_message(url: URL, exc: BaseException) -> str:
    backend = url.get_backend_name()
    if backend == "postgresql":
        # SQLAlchemy's default for postgresql:// is psycopg2; Saywho installs psycopg (3)
        return (f"{describe(url)}: the database driver for postgresql is not installed "
                "(pip install 'saywho[postgres]', and use a postgresql+psycopg:// URL)")
    if isinstance(exc, NoSuchModuleError):
        missing = f"SQLAlchemy has no database driver called '{url.drivername}'"
    else:
        module = getattr(exc, "name", None)
        missing = (f"the Python module {module!r} that SQLAlchemy's '{url.drivername}' "
                   "driver needs is not installed" if module else
                   f"the driver for '{url.drivername}' is not installed")
    return (f"{describe(url)}: {missing}. Saywho supports {SUPPORTED_BACKENDS}; another "
            "database needs its SQLAlchemy driver installed with pip and is untested")


def is_locked_error(exc: BaseException) -> bool:
    """True for transient lock/serialisation failures worth retrying."""
    message = str(exc).lower()
    return any(
        needle in message
        for needle in ("database is locked", "database is busy", "could not serialize",
                       "deadlock detected")
    )


_DISK_FULL_ERRNOS = frozenset(code for code in (getattr(errno, "ENOSPC", None),
                                                 getattr(errno, "EDQUOT", None)) if code)
_SQLITE_FULL = 13
_PG_DISK_FULL = "53100"
_DISK_FULL_WORDS = ("database or disk is full", "no space left on device", "disk quota exceeded")


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it wraps or was raised from) says the disk is full.

    Recognises ``OSError`` ENOSPC/EDQUOT (files), SQLite's SQLITE_FULL (``database
    or disk is full``) and PostgreSQL's ``disk_full`` (SQLSTATE 53100, ``could not
    extend file``), through SQLAlchemy's wrappers.
    """
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _DISK_FULL_ERRNOS:
            return True
        if isinstance(current, sqlite3.Error) and \
                getattr(current, "sqlite_errorcode", 0) & 0xFF == _SQLITE_FULL:
            return True
        if getattr(current, "sqlstate", None) == _PG_DISK_FULL:
            return True
        database_error = isinstance(current, (sqlite3.Error, DBAPIError)) or \
            type(current).__module__.startswith("psycopg")
        if database_error and any(words in str(current).lower() for words in _DISK_FULL_WORDS):
            return True
        pending += [getattr(current, "orig", None), current.__cause__, current.__context__]
    return False


def with_retry(work: Callable[[], T], attempts: int = 8, first_delay: float = 0.05) -> T:
    """Runs ``work`` again, with backoff, when the database was busy.

    Raises:
        ProjectError: when the database stays busy after every attempt.
        DiskFullError: the disk (or the server's) is full; the transaction was
            rolled back, nothing is half-written.
    """
    delay = first_delay
    for attempt in range(attempts):
        try:
            return work()
        except DBAPIError as exc:
            if is_disk_full(exc):
                raise DiskFullError(disk_full_message("the change was not saved")) from exc
            if not isinstance(exc, OperationalError):
                raise
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
    A ``readonly`` database has no writes: :meth:`writing` refuses, and the
    connections themselves cannot write.
    """

    def __init__(self, url: URL, readonly: bool = False) -> None:
        self.url = url
        self.readonly = readonly
        self.engine = make_engine(url, readonly)
        self.read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.write_sessions = sessionmaker(
            self.engine.execution_options(saywho_write=True), expire_on_commit=False
        )
        self._snapshot = threading.local()
        self.closed = False

    def _check_open(self) -> None:
        if self.closed:
            # a closed engine would silently connect again, and SQLite would create an
            # empty database where a moved or deleted project was
            raise ProjectError(f"{describe(self.url)}: the project was closed")

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read transaction (the snapshot's, inside :meth:`snapshot` on this thread).

        Raises:
            ProjectError: the project was closed.
        """
        self._check_open()
        pinned: Session | None = getattr(self._snapshot, "session", None)
        if pinned is not None:
            yield pinned
            return
        with self.read_sessions() as session, session.begin():
            yield session

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """One read transaction that every read of this thread shares until the block ends.

        Reads inside the block (:meth:`reading`, so every read method of the
        project) see the database as it was when the block began, whatever other
        processes commit meanwhile: on SQLite one ``BEGIN DEFERRED`` transaction
        whose snapshot is fixed by a first read (WAL readers keep it while
        writers go on); elsewhere ``REPEATABLE READ``, whose snapshot is fixed by
        the first statement (PostgreSQL). Writes are not part of it. Nested
        blocks share the outer snapshot.
        """
        self._check_open()
        pinned: Session | None = getattr(self._snapshot, "session", None)
        if pinned is not None:
            yield pinned
            return
        bind = self.engine if is_sqlite(self.url) else \
            self.engine.execution_options(isolation_level="REPEATABLE READ")
        with Session(bind, expire_on_commit=False) as session, session.begin():
            # the snapshot starts here, not at whichever read comes first
            session.execute(text("SELECT count(*) FROM alembic_version")).scalar()
            self._snapshot.session = session
            try:
                yield session
            finally:
                self._snapshot.session = None

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A write transaction.

        Raises:
            ProjectError: the project was opened read-only.
        """
        self._check_open()
        if self.readonly:
            raise ProjectError(f"{describe(self.url)}: the project is open read-only; "
                               "open it in Saywho to change it")
        with self.write_sessions() as session, session.begin():
            yield session

    def table_names(self) -> list[str]:
        try:
            return inspect(self.engine).get_table_names()
        except DatabaseError as exc:
            raise ProjectError(f"{describe(self.url)}: cannot read the database: "
                               f"{error_text(self.url, exc)}") from exc

    def close(self) -> None:
        self.closed = True
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
