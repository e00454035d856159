"""Plain records exchanged between parsers, the storage API and exporters.

They carry no database state: a parser builds them from a file, the storage API
validates and stores them, and exporters receive them back when reading.
Offsets are Unicode code points, end exclusive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from storage.vocabulary import Status

Fragment = tuple[int, int]

FRAGMENT_JOINER = " … "
"""Joins the fragment texts of a discontinuous span: U+2026 with a space each side."""


class FragmentBounds:
    """``start`` and ``end`` of a span-like value whose ``fragments`` are in text order."""

    fragments: Sequence[Fragment]

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


def covered_text(text: str, fragments: Sequence[Fragment]) -> str:
    """The text a span covers: its fragments' texts joined with :data:`FRAGMENT_JOINER`.

    Args:
        text: The document's text.
        fragments: ``(start, end)`` code-point offsets, in order.

    Returns:
        The covered text; for one fragment, simply ``text[start:end]``.
    """
    return FRAGMENT_JOINER.join(text[start:end] for start, end in fragments)


@dataclass
class SpanRecord:
    """One span of one annotator: a label over one or more fragments."""

    id: str
    label: str
    fragments: list[Fragment]
    attributes: dict[str, Any] = field(default_factory=dict)
    entity: str | None = None
    text: str | None = None

    @property
    def start(self) -> int:
        return min(f[0] for f in self.fragments)

    @property
    def end(self) -> int:
        return max(f[1] for f in self.fragments)


@dataclass
class RelationRecord:
    """A typed, directed link between two spans of the same annotator."""

    id: str
    type: str
    source: str
    target: str
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class AnnotationSetRecord:
    """Everything one annotator marked in one document."""

    annotator: str
    status: str = Status.NEW
    spans: list[SpanRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)


@dataclass
class DocumentRecord:
    """A document as read from a file, ready to be stored.

    ``line`` is the 1-based line of a JSON Lines source, for error messages.
    """

    text: str
    title: str = ""
    external_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    annotations: list[AnnotationSetRecord] = field(default_factory=list)
    line: int | None = None


@dataclass
class EntityRecord:
    """A canonical actor of the project's registry."""

    id: str
    name: str
    kind: str = "person"
    aliases: list[str] = field(default_factory=list)
    kb_id: str | None = None


_EMPTY: Mapping[str, object] = MappingProxyType({})


@dataclass(frozen=True)
class ProposedSpan(FragmentBounds):
    """A span a suggester proposes (:mod:`suggest.base`), stored by :mod:`storage.proposals`:
    code-point fragments, end exclusive, in text order."""

    key: str
    label: str
    fragments: tuple[Fragment, ...]
    attributes: Mapping[str, object] = field(default_factory=lambda: _EMPTY)
    confidence: float = 0.5
    explanation: str = ""

    def __post_init__(self) -> None:
        if not self.fragments:
            raise ValueError(f"proposed span {self.key!r} has no fragment")
        for start, end in self.fragments:
            if not 0 <= start < end:
                raise ValueError(f"proposed span {self.key!r}: bad fragment ({start}, {end})")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"proposed span {self.key!r}: confidence {self.confidence} "
                             "is not between 0 and 1")

    def text(self, document_text: str, joiner: str = FRAGMENT_JOINER) -> str:
        """The covered text, fragments joined by ``joiner``."""
        return joiner.join(document_text[s:e] for s, e in self.fragments)


@dataclass(frozen=True)
class ProposedRelation:
    """A relation a suggester proposes.

    ``source`` is the key of a :class:`ProposedSpan`; ``target`` is the key of a
    proposed span (str) or the id of a span already stored in the document (int).
    """

    type: str
    source: str
    target: str | int
    confidence: float = 0.5
    explanation: str = ""
