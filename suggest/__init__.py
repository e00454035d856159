"""Suggestions: Saywho proposes quotes, speakers, cues, actors and conditions.

Qt-free, offline and on CPU. A *suggester* reads one document's text (with the
project's schema and a :class:`~suggest.base.SuggestContext`: the spans already
stored, the actor registry, settings) and returns
:class:`~suggest.base.Proposals`: spans with a label, fragments, attributes, a
confidence and an explanation, and relations between them or to stored spans.

``suggest.registry`` keeps the suggesters by name and runs them
(:func:`suggest.registry.suggest`), merging their proposals and reporting a
suggester that fails as a named problem instead of failing the call.
Offsets are Unicode code points, end exclusive, as everywhere in Saywho.
"""
