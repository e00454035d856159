"""Edit operations: validate, apply, revert; each returns what changed.

Every edit is a small object with ``apply(session, schema)`` and
``revert(session, schema)``. ``apply`` validates against the schema and the
document text and raises :class:`ValidationError` before writing anything; the
caller runs it inside one transaction, so a refused edit leaves nothing behind.
``revert`` undoes exactly what ``apply`` did (re-creating deleted rows with
their original ids), which is what the GUI's undo stack calls; ``apply`` runs
again for a redo. An undo or redo never overwrites a colleague's change: when
what it touches is no longer as this edit left it, it raises
:class:`ConflictError` saying what is stored now, and writes nothing.

Where things are:

- :mod:`storage.edits.base`: the :class:`Edit` protocol, :class:`ChangeEdit` (one
  row changed in place, with the one undo/conflict protocol), :class:`Compound`,
  and :data:`UNSET`.
- :mod:`storage.edits.checks`: validation of spans, relations, attributes and
  actors against the schema and the text; the annotator and row look-ups.
- :mod:`storage.edits.rows`: snapshots and states of rows, and re-creating rows
  with their ids and versions (what undo writes back).
- :mod:`storage.edits.conflicts`: how a conflict is found (twins, links made
  meanwhile) and worded (``describe_*``).
- :mod:`storage.edits.spans`, :mod:`~storage.edits.relations`,
  :mod:`~storage.edits.entities`, :mod:`~storage.edits.documents`: the edits
  themselves, one module per thing they change.
"""

from storage.edits.base import UNSET, ChangeEdit, Compound, Edit, Unset, apply_all, revert_all
from storage.edits.checks import (
    annotator_id,
    check_attributes,
    check_fragments,
    stored,
    validate_relation,
    validate_span,
)
from storage.edits.conflicts import (
    describe_entity,
    describe_relation,
    describe_span,
    shorten,
    span_twins,
)
from storage.edits.documents import Assign, SetStatus
from storage.edits.entities import CreateEntity, DeleteEntity, MergeEntities, UpdateEntity
from storage.edits.relations import AddRelation, DeleteRelation, MarkAndLink, UpdateRelation
from storage.edits.spans import AddSpan, DeleteSpan, UpdateSpan
from storage.views import EntityView, RelationView, SpanView

# storage/proposals.py still imports the name it had before the split
_span_twins = span_twins

__all__ = [
    "UNSET",
    "AddRelation",
    "AddSpan",
    "Assign",
    "ChangeEdit",
    "Compound",
    "CreateEntity",
    "DeleteEntity",
    "DeleteRelation",
    "DeleteSpan",
    "Edit",
    "EntityView",
    "MarkAndLink",
    "MergeEntities",
    "RelationView",
    "SetStatus",
    "SpanView",
    "Unset",
    "UpdateEntity",
    "UpdateRelation",
    "UpdateSpan",
    "annotator_id",
    "apply_all",
    "check_attributes",
    "check_fragments",
    "describe_entity",
    "describe_relation",
    "describe_span",
    "revert_all",
    "shorten",
    "span_twins",
    "stored",
    "validate_relation",
    "validate_span",
]
