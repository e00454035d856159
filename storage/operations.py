"""Domain rules that span several edits, written once for every window and script.

A window maps a key to an edit; the rules here say what else that edit brings
with it, as further Qt-free edits the caller applies in the same undo step.
"""

from __future__ import annotations

from storage.edits import AddRelation, AddSpan, Edit, MarkAndLink, SetStatus
from storage.project import Project
from storage.vocabulary import Status

ANNOTATING_EDITS = (AddSpan, AddRelation, MarkAndLink)
"""Edits that add an annotation: the first one starts a new document."""


def first_annotation_status(project: Project, document_id: int,
                            annotator: str) -> SetStatus | None:
    """The status change the first annotation brings: a new document goes in progress.

    Returns None when the annotator's document is not new (in progress or done).
    """
    if project.status(document_id, annotator) == Status.NEW:
        return SetStatus(document_id, annotator, Status.IN_PROGRESS)
    return None


def annotation_steps(project: Project, document_id: int, annotator: str,
                     edit: Edit) -> list[Edit]:
    """``edit`` and what it brings with it, to apply as one undoable step.

    An annotation added to a document that is new for ``annotator`` also marks
    it in progress (see :func:`first_annotation_status`); any other edit comes
    alone.
    """
    if isinstance(edit, ANNOTATING_EDITS):
        started = first_annotation_status(project, document_id, annotator)
        if started is not None:
            return [edit, started]
    return [edit]
