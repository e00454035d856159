"""Domain errors: messages a user can act on, shown at the edge (dialog or stderr).

Every error Saywho reports is a :class:`SaywhoError`: the schema, validation,
project, conflict and look-up errors here, and beside the code that raises them
:class:`text.offsets.OffsetError`, :class:`formats.reading.IngestError` and
:class:`formats.base.ExportError`. This module imports nothing, so every
package may use it (``text`` included).
"""

from __future__ import annotations


class SaywhoError(Exception):
    """Base class of every error Saywho reports to a user."""


class SchemaError(SaywhoError):
    """An annotation schema file is malformed or inconsistent.

    Attributes:
        problems: every problem found, each already prefixed with file and line.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class ValidationError(SaywhoError):
    """A write was refused because it breaks the schema or the text's bounds."""


class ProjectError(SaywhoError):
    """A project cannot be opened or created (missing, not a project, too new)."""


class ConflictError(SaywhoError):
    """Somebody else changed the object since it was read (version check failed)."""


class NotFoundError(SaywhoError):
    """A document, span, relation, entity or annotator does not exist."""


class DiskFullError(SaywhoError):
    """The disk (the project's, the export folder's, or the database server's) is full.

    Whatever was being written was rolled back or removed: nothing is
    half-written, and the project stays usable once there is space again.

    Attributes:
        documents: how many documents an import had stored (committed) before.
    """

    def __init__(self, message: str, documents: int = 0) -> None:
        self.documents = documents
        super().__init__(message)


def disk_full_message(done: str, advice: str = "free some space and try again") -> str:
    """The one way a full disk is told: ``the disk is full: DONE, nothing half-written; ADVICE``."""
    return f"the disk is full: {done}, nothing half-written; {advice}"


def import_disk_full(documents: int, why: str = "") -> DiskFullError:
    """The full-disk error of an import that had stored ``documents`` documents."""
    return DiskFullError(disk_full_message(
        f"{documents} document{'s' if documents != 1 else ''} imported{why}",
        "free some space and import again (what is in the project already is skipped)"),
        documents)


def export_disk_full(out: object) -> str:
    """What a user is told when an export to ``out`` hit a full disk."""
    return (f"the disk is full: the export to {out} was not finished and is incomplete "
            "(it has no manifest.json), the project is unchanged; free some space and "
            "export again")
