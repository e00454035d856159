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
