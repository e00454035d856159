"""The words of the domain, declared once: document statuses, annotator roles,
the roles labels and relations play, attribute value types, and the actor kinds
a schema without its own uses.

Everything that stores, shows or checks a status uses :class:`Status` (its
members are the stored strings). This module imports nothing, so readers in
worker processes and every package can use it.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where an annotator is with a document; stored as its value."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def text(self) -> str:
        """How a user reads it: "New", "In progress", "Done"."""
        return self.value.replace("_", " ").capitalize()


STATUSES: tuple[str, ...] = tuple(status.value for status in Status)
"""The stored values, in workflow order."""

ROLES: tuple[str, ...] = ("annotator", "curator")
"""An annotator's role: a curator adjudicates into the gold layer."""


class LabelRole(StrEnum):
    """What a span label is for, whatever a schema names it (``<label role="...">``).

    Tables, the document list and summaries find their labels by role; a label
    without ``role`` whose name is a role's name in any case ("Quote") has it.
    """

    QUOTE = "quote"
    CUE = "cue"
    CONDITION = "condition"
    CONSEQUENCE = "consequence"


class RelationRole(StrEnum):
    """What a relation type is for (``<relation role="...">``), as :class:`LabelRole`."""

    SPEAKER = "speaker"
    CUE = "cue"
    CONSEQUENCE = "consequence"
    HOLDER = "holder"


class ValueType(StrEnum):
    """The value types of a schema attribute (``<attribute type="...">``)."""

    ENUM = "enum"
    BOOLEAN = "boolean"
    TEXT = "text"


ACTOR_KIND_ATTRIBUTE = "kind"
"""The attribute of a schema's actor label (``entity="true"``) whose values are the
kinds an actor of the registry may have (see :attr:`storage.schema.Schema.actor_kinds`)."""

ACTOR_KINDS: tuple[str, ...] = ("person", "organisation", "state", "group", "other")
"""The actor kinds of a schema whose actor label declares none (the bundled schema
declares these)."""

OTHER_ACTOR_KIND = "other"
"""The kind a mention gets when its own is not one the registry knows (if declared)."""
