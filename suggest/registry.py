"""The suggesters by name, and :func:`suggest`, which runs them and merges their proposals.

Built-in suggesters register themselves when this module is imported:
``rules`` (quotation marks, reporting verbs, conditions; no model) and ``syntax``
(the rules plus attribution on a spaCy dependency parse; without the model it
returns the rules' proposals and names the missing model as a problem). A
project-trained model or a remote service plugs in with :func:`register`.

Merging: keys are prefixed with the suggester's name so they stay unique; a span
with the same label and fragments as one already kept, or of the same label
overlapping one already kept, is dropped (the suggester listed first wins), and
relations that named it are redirected to the kept span. A suggester that raises
is reported as a :class:`~suggest.base.Problem` naming it; the others still run.

Timeout: each suggester runs in a worker thread for at most ``timeout`` seconds (the
argument of :func:`suggest`, else the setting ``suggester_timeout`` of the context,
else :data:`DEFAULT_TIMEOUT`; 0 or less: no limit). One that takes longer is reported
as a problem naming it and the document, and whatever it returns later is dropped:
the call returns on time with the other suggesters' proposals. (A Python thread
cannot be stopped; the late one finishes in the background and is discarded.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence

from storage.schema import Schema
from suggest.base import (
    Problem,
    Proposals,
    ProposedRelation,
    ProposedSpan,
    SuggestContext,
    Suggester,
)

_FACTORIES: dict[str, Callable[[], Suggester]] = {}
_INSTANCES: dict[str, Suggester] = {}
DEFAULT_NAMES: tuple[str, ...] = ("syntax",)
DEFAULT_TIMEOUT = 120.0  # seconds one suggester may take on one document


def register(name: str, factory: Callable[[], Suggester], *, replace: bool = False) -> None:
    """Makes the suggester that ``factory`` builds (lazily, once) available as ``name``."""
    if name in _FACTORIES and not replace:
        raise ValueError(f"a suggester named '{name}' is registered already")
    _FACTORIES[name] = factory
    _INSTANCES.pop(name, None)


def unregister(name: str) -> None:
    _FACTORIES.pop(name, None)
    _INSTANCES.pop(name, None)


def names() -> list[str]:
    """The registered suggesters' names, in registration order."""
    _register_builtins()
    return list(_FACTORIES)


def get(name: str) -> Suggester:
    """The suggester registered as ``name`` (built on first use)."""
    _register_builtins()
    if name not in _FACTORIES:
        known = ", ".join(_FACTORIES) or "none"
        raise KeyError(f"no suggester named '{name}' (known: {known})")
    if name not in _INSTANCES:
        _INSTANCES[name] = _FACTORIES[name]()
    return _INSTANCES[name]


def suggest(text: str, schema: Schema, context: SuggestContext | None = None,
            names: Sequence[str] | None = None, timeout: float | None = None) -> Proposals:
    """Runs the suggesters ``names`` (default :data:`DEFAULT_NAMES`) and merges their proposals.

    A suggester that raises, is not registered, or takes longer than ``timeout`` seconds
    (see the module docstring) becomes a problem of the result and adds no proposal.
    Only labels and relation types the schema declares are kept.
    """
    context = context or SuggestContext()
    wanted = list(names) if names is not None else list(DEFAULT_NAMES)
    limit = timeout_of(context) if timeout is None else timeout
    results: list[tuple[str, Proposals]] = []
    problems: list[Problem] = []
    for name in wanted:
        try:
            suggester = get(name)
            proposals = _run_limited(suggester, text, schema, context, limit)
        except KeyError as exc:
            problems.append(Problem(name, str(exc.args[0]) if exc.args else str(exc)))
            continue
        except SuggesterTimeout as exc:
            problems.append(Problem(name, str(exc)))
            continue
        except Exception as exc:  # a failing suggester must never fail the whole call
            problems.append(Problem(name, f"{type(exc).__name__}: {exc}"))
            continue
        results.append((name, proposals))
        problems.extend(proposals.problems)
    merged = merge(results, schema)
    return Proposals(merged.spans, merged.relations, tuple(problems))


class SuggesterTimeout(Exception):
    """A suggester took longer than its time limit on a document."""


def timeout_of(context: SuggestContext) -> float:
    """The time limit in seconds the context sets (``suggester_timeout``), else the default."""
    value = context.settings.get("suggester_timeout")
    if value is None:
        return DEFAULT_TIMEOUT
    try:
        return float(value)
    except (TypeError, ValueError):
        return DEFAULT_TIMEOUT


def _run_limited(suggester: Suggester, text: str, schema: Schema, context: SuggestContext,
                 limit: float) -> Proposals:
    """``suggester.suggest(...)`` in a worker thread, waited for at most ``limit`` seconds."""
    if limit <= 0:
        return suggester.suggest(text, schema, context)
    outcome: list[Proposals | BaseException] = []

    def work() -> None:
        try:
            outcome.append(suggester.suggest(text, schema, context))
        except BaseException as exc:  # handed to the caller's thread
            outcome.append(exc)

    worker = threading.Thread(target=work, name=f"suggester-{getattr(suggester, 'NAME', '?')}",
                              daemon=True)
    worker.start()
    worker.join(limit)
    if worker.is_alive() or not outcome:
        document = context.settings.get("document")
        where = f" on document '{document}'" if document else ""
        raise SuggesterTimeout(f"took longer than {limit:g} s{where}; its proposals are dropped "
                               "(setting 'suggester_timeout')")
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def merge(results: Iterable[tuple[str, Proposals]], schema: Schema | None = None) -> Proposals:
    """Merges the proposals of several suggesters (see the module docstring)."""
    kept: list[ProposedSpan] = []
    by_label: dict[str, list[ProposedSpan]] = {}
    relations: list[ProposedRelation] = []
    seen_relations: set[tuple[str, str, str | int]] = set()
    labels = set(schema.label_names) if schema is not None else None
    relation_types = {r.name for r in schema.relations} if schema is not None else None
    for name, proposals in results:
        alias: dict[str, str] = {}
        for span in proposals.spans:
            if labels is not None and span.label not in labels:
                continue
            twin = _overlapping(span, by_label.get(span.label, ()))
            if twin is not None:
                alias[span.key] = twin.key
                continue
            new = ProposedSpan(f"{name}:{span.key}", span.label, span.fragments,
                               span.attributes, span.confidence, span.explanation)
            alias[span.key] = new.key
            kept.append(new)
            by_label.setdefault(span.label, []).append(new)
        for rel in proposals.relations:
            if relation_types is not None and rel.type not in relation_types:
                continue
            source = alias.get(rel.source)
            if source is None:
                continue
            target: str | int
            if isinstance(rel.target, int):
                target = rel.target
            else:
                mapped = alias.get(rel.target)
                if mapped is None:
                    continue
                target = mapped
            if (rel.type, source, target) in seen_relations:
                continue
            if any(r.type == rel.type and r.source == source for r in relations) and \
                    _max_one(schema, rel.type):
                continue
            seen_relations.add((rel.type, source, target))
            relations.append(ProposedRelation(rel.type, source, target, rel.confidence,
                                              rel.explanation))
    kept.sort(key=lambda s: (s.start, s.end, s.label))
    return Proposals(tuple(kept), tuple(relations))


def _max_one(schema: Schema | None, relation_type: str) -> bool:
    if schema is None:
        return False
    definition = schema.relation(relation_type)
    return definition is not None and definition.max_per_source == 1


def _overlapping(span: ProposedSpan, others: Iterable[ProposedSpan]) -> ProposedSpan | None:
    for other in others:
        for s1, e1 in span.fragments:
            for s2, e2 in other.fragments:
                if s1 < e2 and s2 < e1:
                    return other
    return None


_BUILTINS_DONE = False
# name -> (module, class): imported on first use, so a suggester whose module fails to
# import is reported as that suggester's problem and never stops the others
_BUILTINS: dict[str, tuple[str, str]] = {
    "rules": ("suggest.rules", "RulesSuggester"),
    "syntax": ("suggest.syntax", "SyntaxSuggester"),
}


def _lazy(module_name: str, class_name: str) -> Callable[[], Suggester]:
    def factory() -> Suggester:
        import importlib

        cls = getattr(importlib.import_module(module_name), class_name)
        instance: Suggester = cls()
        return instance

    return factory


def _register_builtins() -> None:
    global _BUILTINS_DONE
    if _BUILTINS_DONE:
        return
    _BUILTINS_DONE = True
    for name, (module_name, class_name) in _BUILTINS.items():
        _FACTORIES.setdefault(name, _lazy(module_name, class_name))
